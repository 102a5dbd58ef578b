"""`rnn-stepper`: the window, and `rnn-stepper trace`, the notebook's walkthrough as text, JSON or CSV."""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
import warnings

PROG = "rnn-stepper"


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr and exit status 2, like every other bad input."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def whole_number(minimum: int):
    """An argparse type: a whole number of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


positive_int = whole_number(1)


def seed_number(text: str) -> int:
    """An argparse type: any seed torch.manual_seed accepts (a 64-bit whole number, signed or not)."""
    from .core.config import SEED_MAX, SEED_MIN

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not SEED_MIN <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError("must be between -2**63 and 2**64 - 1, what torch.manual_seed accepts")
    return value


def add_session_options(parser: argparse.ArgumentParser) -> None:
    """The options that decide the numbers; the window takes them too."""
    from .core.cells import CELL_TYPES, every_option
    from .core.config import DTYPES

    model = parser.add_argument_group("model (defaults: the notebook's nn.RNN(5, 2, batch_first=True))")
    model.add_argument("--cell", choices=tuple(CELL_TYPES), default=None,
                       help="the module: " + ", ".join(f"{k}: {v.label}" for k, v in CELL_TYPES.items())
                            + " (default rnn, or what --weights holds)")
    model.add_argument("--input-size", type=positive_int, metavar="N",
                       help="features per timestep (default: the input's width, or 5)")
    model.add_argument("--hidden-size", type=positive_int, metavar="N", help="hidden units (default 2)")
    model.add_argument("--num-layers", type=positive_int, metavar="N", help="stacked layers (default 1)")
    for option in every_option().values():  # the options only some cell types take, as they declare them
        if option.choices:
            model.add_argument(option.flag, choices=option.choices, help=option.help)
        else:
            model.add_argument(option.flag, type=whole_number(option.minimum), default=option.default, metavar="N",
                               help=option.help)
    model.add_argument("--no-bias", action="store_true", help="bias=False: no b_ih, no b_hh")
    model.add_argument("--bidirectional", action="store_true", help="a reverse cell per layer, walking t = T-1 … 0")
    model.add_argument("--seq-first", action="store_true",
                       help="batch_first=False: input is (T, batch, input_size); the notebook uses batch_first")
    model.add_argument("--dropout", type=float, default=0.0, metavar="P",
                       help="accepted like nn.RNN's, but dropout only acts in training mode and the stepper "
                            "evaluates in eval mode, so it changes nothing")
    model.add_argument("--seed", type=seed_number, default=1, help="torch.manual_seed before nn.RNN draws its weights "
                                                           "(default 1, as the notebook)")
    model.add_argument("--dtype", choices=tuple(DTYPES),
                       help="default float32, or the dtype --weights holds (float64, float16, bfloat16): PyTorch's "
                            "CPU kernel runs each, and the stepper steps it in that dtype")
    model.add_argument("--order", choices=("kernel", "textbook"), default="kernel",
                       help="kernel: PyTorch's own operation order, bitwise equal to nn.RNN on any CPU; textbook: "
                            "the notebook's (x W_ih^T + b_ih) + h W_hh^T + b_hh, its distance from nn.RNN "
                            "measured on this machine")
    model.add_argument("--weights", metavar="FILE", type=path_given,
                       help="a state dict or checkpoint, recognised by its content whatever its name: torch.save's "
                            "(.pt, .pth, .ckpt, .tar, .params, …; loaded with weights_only=True), safetensors, or "
                            "a numpy .npz")
    model.add_argument("--prefix", default="", metavar="P",
                       help="where the RNN sits inside --weights, e.g. 'rnn.' for rnn.weight_ih_l0; not needed "
                            "when the file holds one RNN")
    data = parser.add_argument_group("input")
    data.add_argument("--input", metavar="FILE", type=path_given,
                      help=".csv (one timestep a row), .npy or .json: (T, input_size), or (batch, T, input_size) "
                           "— (T, batch, input_size) with --seq-first")
    data.add_argument("--sequence", default="1,1,1,1,1; 2,2,2,2,2; 3,3,3,3,3", metavar="TEXT",
                      help='timesteps split by ";" (default: the notebook\'s "1,1,1,1,1; 2,2,2,2,2; 3,3,3,3,3")')
    data.add_argument("--unbatched", action="store_true",
                      help="feed a 2-D sequence to nn.RNN as it is, not as a batch of one")
    data.add_argument("--h0", metavar="FILE", type=path_given,
                      help="initial hidden state (num_layers × directions, batch, hidden_size), .csv/.npy/.json; "
                           "default zeros")
    data.add_argument("--c0", metavar="FILE", type=path_given,
                      help="nn.LSTM's initial cell state, shaped as --h0 (with hidden_size even when --proj-size is "
                           "given); default zeros")


def window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1920x1080") from None
    if not (320 <= width <= 8192 and 240 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"{text} is outside 320x240 … 8192x8192")
    return width, height


def path_given(text: str) -> str:
    """An argparse type: a file or folder name, never empty. `--weights "$W"` with W unset would otherwise quietly
    mean the default session, and `--screenshot ""` open the window."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the file name is empty (an unset shell variable?); give a path")
    return text


def font_scale(text: str) -> float:
    """An argparse type: one of presentation mode's font scales (the View menu's)."""
    from .ui.font_scales import FONT_SCALES

    try:
        value = float(text)
    except ValueError:
        value = None
    if value not in FONT_SCALES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of " + ", ".join(f"{s:g}" for s in FONT_SCALES))
    return value


DIRECTIONS = ("forward", "reverse")


def direction(text: str) -> int:
    """An argparse type: 0 or forward, 1 or reverse."""
    if text.lower() in DIRECTIONS:
        return DIRECTIONS.index(text.lower())
    if text in ("0", "1"):
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not 0, 1, forward or reverse")


def add_session_file_option(group) -> None:
    from .core.session_file import example_sessions

    group.add_argument("--session", metavar="FILE|NAME", type=path_given,
                       help="a saved session (.rnnstep.json, File > Save) with its model, input and cursor, instead "
                            "of the model and input options; or the name of an example shipped with the program: "
                            + ", ".join(example_sessions()))


def add_view_options(parser: argparse.ArgumentParser, title: str, size_default: str) -> None:
    """What the window shows and how: the session file, the cell on show, size, presentation mode, language."""
    view = parser.add_argument_group(title)
    add_session_file_option(view)
    view.add_argument("--layer", type=whole_number(0), metavar="L", help="the layer on show (default 0, or the "
                                                                          "session file's)")
    view.add_argument("--direction", type=direction, metavar="D",
                      help="the direction on show: 0 or forward, 1 or reverse (bidirectional only)")
    view.add_argument("--batch", type=whole_number(0), metavar="B", help="the batch row on show (default 0)")
    view.add_argument("--size", type=window_size, default=None, metavar="WxH", help=f"window size, default "
                                                                                     f"{size_default}")
    view.add_argument("--presentation", action="store_true",
                      help="presentation mode (F11): large fonts, high contrast, no session panel")
    view.add_argument("--font-scale", type=font_scale, metavar="S",
                      help="presentation mode's font size, 1.25, 1.5 or 2, for this run only: the size chosen in "
                           "View > Presentation font size stays as it was")
    view.add_argument("--lang", choices=("en", "ko"), default=None,
                      help="interface language (default: the one chosen last, else the system's)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Step through torch.nn.RNN's forward pass, one phase at a time. "
                                                  "With no command, opens the window.")
    add_session_options(parser)
    add_view_options(parser, "window", "1280x720")
    window = parser.add_argument_group("where the window opens")
    window.add_argument("--steps", type=whole_number(0), default=None, metavar="N",
                        help="open with N timesteps already stepped")
    window.add_argument("--phase", type=whole_number(0), default=None, metavar="K",
                        help="and K phases into the next timestep (0 … phases - 1), e.g. --steps 1 --phase 3: "
                             "t = 1 up to its pre-activation")
    window.add_argument("--back", type=whole_number(0), default=None, metavar="K",
                        help="open on the backward pass: the forward pass run to its end, the gradients of L = Σ h_n "
                             "computed and K phases stepped back (4 a timestep), e.g. --back 5")
    window.add_argument("--predict", action="store_true",
                        help="Predict, then reveal on: each Step stops before the new hidden state")
    window.add_argument("--select", type=select_spec, default=None, metavar="PHASE,UNIT[,T]",
                        help="open with that element's arithmetic written out (at the cursor's timestep unless T is "
                             "given; it must be revealed), e.g. --steps 1 --select input_projection,0")
    window.add_argument("--screenshot", metavar="FILE.png", type=path_given,
                        help="render the window to a PNG after --steps and exit (no screen needed)")
    from .packed_cli import lengths_list

    window.add_argument("--lengths", type=lengths_list, metavar="N,N,…",
                        help="each sequence's length in a padded batch: stepped as pack_padded_sequence(x, lengths, "
                             "enforce_sorted=False) is, each sequence leaving the batch when it ends. A (batch, T) "
                             "--input of token ids opens a whole classifier in --weights (--vocab for its words)")
    from .classifier_cli import activations_list

    window.add_argument("--activations", type=activations_list, metavar="A,A,…",
                        help="a classifier's activation after each Linear layer of its head (default the book's: "
                             "relu between, sigmoid after the last)")
    add_language_model_options(parser, training=False)
    desktop = parser.add_argument_group("the desktop's application menu (Linux)")
    desktop.add_argument("--install-desktop-entry", action="store_true",
                         help="add RNN Stepper, with its icon, to this user's application menu, and exit")
    desktop.add_argument("--remove-desktop-entry", action="store_true",
                         help="take it out of the menu again, and exit")
    sub = parser.add_subparsers(dest="command", parser_class=OneLineParser)
    trace = sub.add_parser("trace", help="print the notebook's walkthrough for any session",
                           description="Recompute nn.RNN by hand and print every timestep beside nn.RNN's output.")
    add_session_options(trace)
    add_session_file_option(trace.add_argument_group("session file"))
    out = trace.add_argument_group("output")
    out.add_argument("--format", choices=("text", "json", "csv"), default="text")
    out.add_argument("--lang", choices=("en", "ko"), default=None, help="labels of the text output "
                                                                         "(default: the system's language)")
    out.add_argument("--explain", type=explain_spec, metavar="LAYER,DIR,T,BATCH,PHASE,UNIT",
                     help="write out how one number was computed instead, e.g. 0,0,0,0,input_projection,1: each "
                          "product, their exact sum, the value the matrix product returned and their distance")
    out.add_argument("--backward", action="store_true",
                     help="backpropagate the loss by hand and compare every gradient with autograd's (nn.RNN and "
                          "nn.LSTM in either order, nn.GRU in kernel order): after the walkthrough in text; a "
                          "'backward' object in JSON (every gradient, dL/dh_t, dL/dz_t and an LSTM's dL/dc_t); dL_dh, "
                          "dL_dz (per gate for nn.GRU and nn.LSTM) and dL_dc columns in CSV")
    out.add_argument("--target", metavar="FILE", type=path_given,
                     help="with --backward: L = mean((output - target)^2), the target shaped as the output "
                          "(.csv/.npy/.json); default L = sum of h_n")
    add_language_model_options(trace)
    from .classifier_cli import activations_list
    from .packed_cli import lengths_list

    packed = trace.add_argument_group("variable-length batch")
    packed.add_argument(
        "--lengths", type=lengths_list, metavar="N,N,…",
        help="each sequence's length in the padded --input batch: packed as pack_padded_sequence(x, lengths, "
             "enforce_sorted=False) and stepped as torch's packed kernel steps it, the batch shrinking. A (batch, T) "
             "--input of token ids steps a whole classifier in --weights: embedding, recurrent module, hidden[-1], "
             "head")
    packed.add_argument("--activations", type=activations_list, metavar="A,A,…",
                        help="the classifier's activation after each Linear layer of its head: relu, sigmoid, tanh "
                             "or none (default the book's: relu between, sigmoid after the last)")
    slides = sub.add_parser("slides", help="one PNG per phase of a whole session, for a slide deck",
                            description="Render the window at every phase of every timestep of one cell (layer, "
                                        "direction, batch row) into DIR as 000-t0-input_projection.png, "
                                        "001-t0-recurrent_term.png, …, in stepping order. Needs no screen.")
    slides.add_argument("folder", metavar="DIR", type=path_given, help="where the PNGs go (made if missing)")
    add_session_options(slides)
    add_view_options(slides, "slides", "1920x1080")
    slides.add_argument("--with-controls", action="store_true",
                        help="keep the menu bar, tool bar, tabs and status bar on each slide (default: the content "
                             "only, as a slide deck shows it)")
    return parser


def add_language_model_options(parser: argparse.ArgumentParser, training: bool = True) -> None:
    """Text in, text out, for a whole model (embedding, recurrent module, Linear head) in --weights. `training`:
    with --calls, which only trace --backward reads."""
    lm = parser.add_argument_group("language model (--weights holds a whole model: embedding, recurrent module, "
                                   "Linear head)")
    lm.add_argument("--vocab", metavar="FILE",
                    help="the tokens of the embedding's rows: a JSON list (row k is token k) or object (char2int or "
                         "int2char), or a text file whose sorted(set(text)) is the vocabulary, as the book builds it; "
                         "with --lengths, the words a classifier's token ids stand for")
    lm.add_argument("--text", metavar="PROMPT", help='the prompt, fed one token per call, e.g. "The island"')
    lm.add_argument("--generate", type=whole_number(0), default=0, metavar="N",
                    help="draw N tokens after the prompt, as the book's sample(model, prompt, N) (default 0: show "
                         "the distribution of the next token)")
    if training:
        lm.add_argument("--calls", choices=("per-token", "per-sequence"), default="per-token",
                        help="with --backward, how the training code calls the model, which decides the gradients' "
                             "last bits: per-token, one token per call with the loss summed over the calls, as the "
                             "book's training loop (default); per-sequence, the whole text in one call")
    how = lm.add_mutually_exclusive_group()
    how.add_argument("--scale", type=float, default=None, metavar="S",
                     help="the book's scale_factor: Categorical(logits=logits * S) (default 1.0)")
    how.add_argument("--temperature", type=float, default=None, metavar="T",
                     help="Categorical(logits=logits / T) instead, as other codes write it")


def select_spec(text: str) -> tuple:
    """PHASE,UNIT[,T]: a phase name, then one or two whole numbers."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise argparse.ArgumentTypeError(f"{text!r} is not PHASE,UNIT[,T], e.g. input_projection,0")
    try:
        numbers = [int(p) for p in parts[1:]]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: UNIT and T must be whole numbers, e.g. hidden,1,2") from None
    return (parts[0], *numbers)


def explain_spec(text: str) -> tuple:
    """LAYER,DIR,T,BATCH,PHASE,UNIT: five whole numbers around a phase name."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 6:
        raise argparse.ArgumentTypeError(f"{text!r} is not LAYER,DIR,T,BATCH,PHASE,UNIT, e.g. 0,0,2,0,hidden,1")
    try:
        numbers = [int(p) for i, p in enumerate(parts) if i != 4]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: LAYER, DIR, T, BATCH and UNIT must be whole numbers, e.g. "
                                         "0,0,2,0,hidden,1") from None
    return (*numbers[:4], parts[4], numbers[4])


def session_from_args(args):
    """The session the options describe. Sizes not given are read off --weights, then the input, then the
    notebook's defaults; a size given that contradicts a file is an error naming both."""
    from .core.cells import CELL_TYPES, cell_type
    from .core.config import RNNConfig, check_fits, dtype_name, infer_config
    from .core.errors import InputError
    from .core.files import load_array, load_state_dict, load_tensors, module_found, only_rnn, parse_sequence
    from .core.session import as_tensor, check_inputs, check_weights, make_session

    inputs = load_array(args.input) if args.input else parse_sequence(args.sequence)
    input_source = args.input or "--sequence"
    h0 = load_array(args.h0) if args.h0 else None
    c0 = load_array(args.c0) if args.c0 else None
    given = {
        "cell": args.cell,
        "input_size": args.input_size,
        "hidden_size": args.hidden_size,
        "num_layers": args.num_layers,
        "bias": False if args.no_bias else None,
        "bidirectional": True if args.bidirectional else None,
    }
    fixed = {"batch_first": not args.seq_first, "dropout": args.dropout}
    # An option that decides a parameter's presence (proj_size: W_hr) is read off the weights and compared with
    # them; any other (nonlinearity) is not in a state dict and is taken as given.
    shaping = {extra.option for kind in CELL_TYPES.values() for extra in kind.extra_parameters}
    for name, value in cell_options_given(args).items():
        (given if name in shaping else fixed)[name] = value
    weights = None
    if args.weights:
        if args.prefix:
            weights = load_state_dict(args.weights, args.prefix)
        else:
            weights, prefix = only_rnn(load_tensors(args.weights), args.weights)
            if prefix:  # say which, so the numbers are never silently someone else's
                print(f"{PROG}: using the {module_found(weights)} under {prefix!r} in {args.weights}",
                      file=sys.stderr)
        try:
            stored_config = infer_config(weights)
            check_cell_options(args, stored_config.cell_type, stored_config.hidden_size)
            stored = weights["weight_ih_l0"].dtype
            config = infer_config(weights, dtype=args.dtype or dtype_name(stored) or "float32", **fixed)
            check_fits(config, 1, 1)  # the weights' own size, said of the weights file
            for name, value in given.items():
                if value is not None and value != getattr(config, name):
                    if name == "cell":
                        raise InputError(f"--cell says {value} but the weights are an {config.cell_type.label}'s")
                    option = "--no-bias" if name == "bias" else "--" + name.replace("_", "-")
                    raise InputError(f"{option} says {value} but the weights have {name}={getattr(config, name)}")
            weights = {k: as_tensor(v, config, k) for k, v in weights.items()}
            check_weights(config, weights)
        except InputError as exc:
            raise exc.within(args.weights) from None
    else:
        check_cell_options(args, cell_type(args.cell or "rnn"), args.hidden_size or RNNConfig().hidden_size)
        sizes = {k: v for k, v in given.items() if v is not None}
        sizes.setdefault("input_size", int(inputs.shape[-1]))
        config = RNNConfig(dtype=args.dtype or "float32", **fixed, **sizes)
        check_fits(config, 1, 1)  # the model's own size, said of the options rather than of the input
    try:
        check_inputs(config, as_tensor(inputs, config, "the input sequence"))
    except InputError as exc:
        import numpy as np  # here: the window's first frame is painted before numpy loads (ui/app.py)

        if args.weights and inputs.ndim == 2 and np.all(inputs == np.round(inputs)):  # a classifier's token ids?
            exc = InputError(f"{exc.detail}; if these are token ids for the whole model in {args.weights}, add "
                             "--lengths (each sequence's length) to step it as a classifier")
        raise exc.within(input_source) from None
    try:
        session = make_session(config, inputs, seed=args.seed, weights=weights, h0=h0, c0=c0, order=args.order,
                               unbatched=args.unbatched)
    except InputError as exc:
        raise exc.within(args.c0 if "c0" in str(exc) else args.h0 or input_source) from None
    args.input_dims = inputs.ndim  # for assumptions(): the session holds the input as the module takes it
    from .core.packed import padding_note

    notes = reading_notes(args, config, inputs, stored if args.weights else None)
    padded = None if getattr(args, "lengths", None) else padding_note(session.inputs, config.batch_first)
    for note in notes + [n for n in [padded] if n]:
        print(f"{PROG}: {note}", file=sys.stderr)
    return session


def reading_notes(args, config, inputs, stored_dtype) -> list[str]:
    """What the files could be read as otherwise, one line each: a (1, T, I) or (T, 1, I) input the other layout
    also fits, and weights stepped in another dtype than they were stored in (only when --dtype asks: each dtype
    the stepper shows is stepped as it is)."""
    from .core.config import DTYPES, dtype_name

    notes = []
    if args.input and inputs.ndim == 3 and not args.unbatched and (inputs.shape[0] == 1) != (inputs.shape[1] == 1):
        shape = tuple(inputs.shape)
        batch, steps = (shape[0], shape[1]) if config.batch_first else (shape[1], shape[0])
        other = "without --seq-first" if args.seq_first else "with --seq-first"
        notes.append(f"read the {shape} input as {batch} sequence{'s' * (batch != 1)} of {steps} timestep"
                     f"{'s' * (steps != 1)} (batch_first={config.batch_first}); {other} it would be {steps} "
                     f"sequence{'s' * (steps != 1)} of {batch} timestep{'s' * (batch != 1)}")
    stored = dtype_name(stored_dtype)
    if stored is not None and stored != config.dtype:  # asked for, or a whole model's (float32 or float64 only)
        how = "exactly: each value is the same number" if DTYPES[config.dtype] > DTYPES[stored] else "rounded"
        asked = getattr(args, "dtype", None)
        notes.append(f"the weights are {stored_dtype}; {f'--dtype {asked}' if asked else 'the stepper'} converted "
                     f"them to {config.dtype} ({how}), so the numbers are {config.dtype}'s, not those of the {stored} "
                     "module torch's CPU kernel would run"
                     + (f"; without --dtype they are stepped in {stored}" if asked else ""))
    return notes


def assumptions(args, session) -> dict[str, str]:
    """What a weights file does not record and the trace assumed, option → a sentence with the flag that changes
    it."""
    if not args.weights:
        return {}
    config = session.config
    assumed = {}
    if "nonlinearity" in config.cell_type.option_names and not args.nonlinearity:
        assumed["nonlinearity"] = (f"nonlinearity={config.nonlinearity} (--nonlinearity relu if the model was built "
                                   "with it)")
    if getattr(args, "input_dims", 2) == 3 and not args.seq_first:  # a 2-D sequence reads the same either way
        assumed["batch_first"] = "batch_first=True (--seq-first if the model reads (T, batch, input_size))"
    return assumed


def check_cell_options(args, kind, hidden_size: int) -> None:
    """Options the module lacks are refused in the options' own words, saying which module has them: torch.nn
    would refuse them too, or (for a state dict's module) they would be silently ignored."""
    from .core.cells import CELL_TYPES
    from .core.errors import InputError

    module = kind.label
    for name in cell_options_given(args):
        if name not in kind.option_names:
            option = "--" + name.replace("_", "-")
            owner = next(k for k in CELL_TYPES.values() if name in k.option_names)
            raise InputError(f"{option} is an option of {owner.label} only, and this is an {module}: "
                             f"leave {option} out, or use --cell {owner.name}")
    if args.c0 and kind.initial_state("c0") is None:
        owner = next(k for k in CELL_TYPES.values() if k.initial_state("c0") is not None)
        raise InputError(f"--c0 is the initial cell state of an {owner.label}, and an {module} has none: "
                         f"leave --c0 out, or use --cell {owner.name}")
    for option in kind.options:
        value = getattr(args, option.name)
        if option.below_hidden and value >= hidden_size:
            raise InputError(f"{option.flag} {value} must be smaller than the hidden size ({hidden_size}): give "
                             f"a smaller {option.flag} or a larger --hidden-size")


def cell_options_given(args) -> dict:
    """The options of some cell types only that were given: a word (--nonlinearity) whenever it is given, a number
    (--proj-size) when it is not its default, which means none."""
    from .core.cells import every_option

    return {name: value for name, option in every_option().items()
            if (value := getattr(args, name)) is not None and (option.choices or value != option.default)}


def session_options_given(args) -> list[str]:
    """The model and input options given, as they are spelled (--hidden-size), in the order of --help."""
    parser = argparse.ArgumentParser(add_help=False)
    add_session_options(parser)
    return [action.option_strings[0] for action in parser._actions
            if action.option_strings and getattr(args, action.dest) != action.default]


def uses_default_session(args) -> bool:
    """No model or input option was given: the session is the notebook's."""
    return not session_options_given(args)


def session_file(args):
    """The session and saved cursor of --session, a file or a shipped example's name; the model and input options
    are refused beside it, since the file holds both."""
    from .core.errors import InputError
    from .core.session_file import load_session, session_path

    given = session_options_given(args)
    if given:
        raise InputError(f"--session takes the model and its input from {args.session}: leave out "
                         + " and ".join(given))
    return load_session(session_path(args.session))


def window_session(args):
    """The session the window opens, or None for the notebook's (which the window then computes after its first
    frame), and the cursor a session file kept. --session and the model options exclude each other."""
    if args.session is not None:
        session, saved = session_file(args)
    elif uses_default_session(args) and not any(getattr(args, name, None) is not None
                                                for name in ("phase", "layer", "direction", "batch", "select",
                                                             "lengths")):
        return None, {}
    else:
        session, saved = session_from_args(args), {}  # the notebook's too, when a place in it needs checking
    if getattr(args, "lengths", None) is not None:
        from dataclasses import replace

        session = replace(session, lengths=args.lengths)  # checked against the input: InputError if they don't fit
    return session, saved


def window_cursor(args, session, saved: dict) -> dict | None:
    """Where the window opens: --steps and --phase (else the file's position), --layer, --direction and --batch
    (else the file's), each checked against the session; None to open at the start, or --steps N in."""
    from .core.errors import InputError

    if session is None:
        return None
    config = session.config
    module = config.cell_type.label
    cursor = dict(saved)
    for name, given, count, whose, unit in (("layer", args.layer, config.num_layers, "session", "layer"),
                                            ("direction", args.direction, config.num_directions, "session", ""),
                                            ("batch", args.batch, session.batch_size, "input", "batch row")):
        if given is None:
            continue
        if given < count:
            cursor[name] = given
        elif name == "direction":  # 0 or 1 by its type: 1 without a reverse cell
            raise InputError(f"--direction {given}: the session is not bidirectional; its one direction is 0, "
                             "forward")
        else:
            which = "0" if count == 1 else f"0 … {count - 1}"
            raise InputError(f"--{name} {given}: the {whose} has {count} {unit}{'s' if count > 1 else ''} ({which})")
    steps, phase = getattr(args, "steps", None), getattr(args, "phase", None)
    phases, T = len(config.phases), session.seq_len
    if phase is not None:
        if phase >= phases:
            raise InputError(f"--phase {phase}: a step of {module} has {phases} phases, so --phase goes from 0 to "
                             f"{phases - 1}; for whole timesteps use --steps")
        if (steps or 0) >= T and phase:
            raise InputError(f"--phase {phase}: --steps {steps} already reaches the end of the {T} timesteps; give "
                             f"--steps {T - 1} or fewer")
    if steps is not None or phase is not None:
        cursor["position"] = min(steps or 0, T) * phases + (phase or 0)
    return cursor


def backward_steps(args, session) -> int | None:
    """--back K checked before the window opens: a cell type the backward pass steps, no --steps or --phase (it
    runs the forward pass to its end), and K within the walk back's phases (4 a timestep for nn.RNN, gate by gate
    for a gated cell)."""
    if args.back is None:
        return None
    from .backprop import check_walked, walk_phases
    from .core.errors import InputError

    if args.steps is not None or args.phase is not None:
        raise InputError("--back runs the forward pass to its end: leave out --steps and --phase")
    if session is None:
        session = session_from_args(args)
    check_walked(session)
    phases = len(walk_phases(session.config.cell_type))
    end = phases * session.seq_len
    if args.back > end:
        raise InputError(f"--back {args.back}: the walk back has {end} phases ({phases} for each of the "
                         f"{session.seq_len} timesteps); give --back {end} or fewer")
    return args.back


def text_lines(trace, assumed=()):
    """The notebook's printout, a line at a time (memory does not grow with T): per timestep the input, the
    previous state, each phase of the cell type in click order under its title (the last is the manual output)
    and the module's own output; then what computed it, and for the notebook's own session how far this machine
    is from the digits it printed."""
    from .core.equations import previous_state_label
    from .core.machine import numeric_environment
    from .core.notebook import distance_from_notebook
    from .ui.trace_labels import TraceLabels, cell_text

    labels = TraceLabels().labels()
    config = trace.config
    kind = config.cell_type
    module = kind.label
    titles = {phase.name: cell_text(phase.title) for phase in kind.phases(config)}
    symbols = {phase.name: phase.symbol for phase in kind.phases(config)}
    # a stacked phase (3H, 4H) is shown gate block by gate block, each under its gate's name
    stacked = {phase.name: kind.gate_names if phase.width > 1 else () for phase in kind.phases(config)}
    states = [(state, symbols[state]) for state in kind.state]  # h, and an LSTM's c
    reference = labels["reference"].format(module=module)
    # The previous state is labelled by the step it comes from and how it relates to t: h_1 (t-1), h_3 (t+1) in the
    # reverse walk, h₀ (initial) where the walk starts.
    walks = ([0, 1], [1, 0])
    longest = [previous_state_label(symbol, walk, walk[0], labels["initial"]) for _, symbol in states for walk in walks]
    longest += [previous_state_label(symbol, [trace.seq_len, 0], 0) for _, symbol in states]
    width = max(_display_width(text) for text in [labels["x"], labels["diff"], reference, *titles.values(), *longest])
    seed = f", seed={trace.session.seed}" if trace.session.seed is not None else ""
    said = f"; assumed, not recorded in the weights file: {'; '.join(assumed)}" if assumed else ""
    yield f"{config.describe()}  ({trace.session.order}, {config.dtype}{seed}){said}"
    if trace.session.order == "textbook":
        yield labels["textbook"].format(name=cell_text(kind.textbook_name))
    if config.dropout:
        yield labels["dropout"].format(p=config.dropout, module=module)
    yield ""
    several = len(trace.cells) > 1
    for cell in trace.cells:
        if several:
            direction = labels["reverse" if cell.direction else "forward"]
            yield f"== {labels['cell'].format(layer=cell.layer, direction=direction)} =="
            if cell.layer:  # the input here is the layer below's output, both directions side by side
                yield labels["layer_input_both" if config.bidirectional else "layer_input"].format(below=cell.layer - 1)
            yield ""
        for i, t in enumerate(cell.walk):
            yield labels["step"].format(t=t)
            yield f"   {_pad(labels['x'], width)} : {_array(cell.x[t])}"
            for state, symbol in states:  # one step earlier in the walk: read off the trace, never stored again
                previous = cell.initial[state] if i == 0 else cell.phases[state][cell.walk[i - 1]]
                label = previous_state_label(symbol, cell.walk, t, labels["initial"])
                yield f"   {_pad(label, width)} : {_array(previous)}"
            for name, values in cell.phases.items():
                yield f"   {_pad(titles[name], width)} : {_blocks(values[t], stacked[name])}"
            yield f"   {_pad(reference, width)} : {_array(cell.reference[t])}"
            yield (f"   {_pad(labels['diff'], width)} : {_g(cell.step_abs_diff[t])} "
                   f"({_g(cell.step_ulps[t])} {labels['ulp']})")
            yield ""
    if trace.fused is not None:
        yield labels["native"].format(module=module)
    yield labels["equal" if trace.bitwise_equal else "not_equal"].format(module=module)
    if not trace.bitwise_equal and trace.max_ulps == 0:
        yield labels["zero_signs"]
    yield labels["summary"].format(diff=_g(trace.max_abs_diff), ulps=_g(trace.max_ulps),
                                   order=trace.session.order, dtype=config.dtype, threads=trace.num_threads)
    if trace.fused is not None:
        fused = {"module": module, "kernel": trace.fused.kernel}
        yield (labels["fused"].format(ulps=_g(trace.fused_max_ulps), diff=_g(trace.fused_max_abs_diff), **fused)
               if trace.fused_max_ulps else labels["fused_equal"].format(**fused))
    if not trace.bitwise_equal and trace.session.order == "textbook":
        yield cell_text(kind.textbook_note)
    if trace.nonfinite:
        yield labels["nonfinite"]
    yield labels["machine"].format(environment=numeric_environment().describe(labels["threads"]))
    for distance in distance_from_notebook(trace):
        phase = titles[distance.phase]
        if distance.max_ulps == 0:
            yield labels["notebook_equal"].format(phase=phase)
        else:
            steps = ", ".join(str(t) for t, ulps in enumerate(distance.step_ulps) if ulps)
            yield labels["notebook_off"].format(phase=phase, ulps=_g(distance.max_ulps), steps=steps)


def _array(tensor) -> str:
    # numpy's own repr, as the notebook prints `.numpy()`: shortest digits that round-trip each float.
    from .core.distance import array_text

    return array_text(tensor, max_line_width=10_000, threshold=10_000)


def _blocks(tensor, gates: tuple[str, ...]) -> str:
    """A vector, or a stacked one as its gate blocks side by side: `r [[…]]  z [[…]]  n [[…]]`."""
    if not gates:
        return _array(tensor)
    return "  ".join(f"{gate} {_array(block)}" for gate, block in zip(gates, tensor.chunk(len(gates), -1)))


def _g(value: float) -> str:
    return "0" if value == 0 else f"{value:.3g}"


def _display_width(text: str) -> int:
    # Hangul is drawn two columns wide in a terminal; a subscript ₀ or a ‖, inside the same code point range, is not.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


# Writing the text walkthrough, measured on the 2-core AMD EPYC of core/config.py's estimates: about a millisecond
# a timestep of each cell for its ten lines, and 20 µs a number formatted. An estimate to warn and refuse by.
TEXT_STEP_S = 1e-3
TEXT_NUMBER_S = 2e-5
TEXT_NOTE_S = 30  # longer than this, the estimate is said before the walkthrough starts


def text_seconds(session) -> float:
    """About how long `trace`'s text walkthrough of this session takes to write, before it is computed."""
    config = session.config
    steps = session.seq_len * config.num_layers * config.num_directions
    batch = session.inputs.shape[0 if config.batch_first else 1] if session.batched else 1
    per_step = (config.layer_input_size(config.num_layers - 1) + config.output_size * 3
                + sum(phase.width * config.hidden_size for phase in config.cell_type.phases(config)))
    return steps * (TEXT_STEP_S + TEXT_NUMBER_S * batch * per_step)


def say_text_cost(session) -> None:
    """A long text walkthrough is refused, or its time said, before anything is computed: --format csv writes
    the same numbers far faster."""
    from .core.config import TIME_LIMIT_S, format_seconds
    from .core.errors import InputError

    seconds = text_seconds(session)
    steps = f"{session.seq_len:,} timesteps"
    if seconds > TIME_LIMIT_S:
        raise InputError(f"the text walkthrough of {steps} would take about {format_seconds(seconds)} to write; "
                         "--format csv or --format json write the same numbers in a fraction of that")
    if seconds > TEXT_NOTE_S:
        print(f"{PROG}: note: the text walkthrough of {steps} takes about {format_seconds(seconds)}; --format csv "
              "is faster", file=sys.stderr)


def run_trace(args) -> int:
    from .core import collector
    from .core.errors import InputError
    from .core.export import write_csv, write_json
    from .core.trace import compute_trace

    if args.activations is not None and args.lengths is None:
        raise InputError("--activations is a classifier's head: give its token ids in --input with --lengths")
    if args.text is not None or args.vocab is not None and args.lengths is None:  # with --lengths: a classifier's
        from .language_cli import run_generation

        return run_generation(args)
    if args.lengths is not None:
        from .packed_cli import run_packed

        return run_packed(args)
    session = session_file(args)[0] if args.session is not None else session_from_args(args)
    if session.lengths is not None and args.explain is None and not args.backward:  # a packed session file
        from .packed_cli import packed_trace_of, write_packed

        return write_packed(args, session, packed_trace_of(session))
    if args.target and not args.backward:
        raise InputError("--target is the backward pass's: add --backward")
    if args.backward:
        from .core.backward import check_stepped

        check_stepped(session)  # before the walkthrough is printed: a refusal is the only output
    if args.format == "text" and args.explain is None:
        say_text_cost(session)
    with collector.paused():  # the job makes many tensors and no cycles: see jobs.run_now
        trace = compute_trace(session)
    backward = None
    if args.backward and args.format != "text" or args.target:
        backward = backward_of(trace, args.target)
    if args.explain is not None:
        from .core.explain import explain

        sys.stdout.write(explain(trace, *args.explain).text() + "\n")
        return 0
    if args.format == "json":  # written as it is made: a long trace's document never sits in memory whole
        write_json(trace, sys.stdout, backward)
        sys.stdout.write("\n")
    elif args.format == "csv":
        write_csv(trace, sys.stdout, backward)
    else:
        from .ui import i18n

        i18n.install(args.lang or i18n.system_language())
        assumed = list(assumptions(args, session).values())
        sys.stdout.writelines(line + "\n" for line in text_lines(trace, assumed))
        if args.backward:
            backward = backward or backward_of(trace, None)
            sys.stdout.writelines(line + "\n" for line in backward_lines(backward))
    return 0


def saved_to(path: str | None) -> str | None:
    """Where Save writes a session opened with --session: back to its file, unless it is an example shipped with
    the program, which opens as the File ▸ Examples menu opens it (Save asks where) and stays as shipped."""
    if path is None:
        return None
    import importlib.resources

    from .core.session_file import session_path

    path = session_path(path)
    shipped = os.path.realpath(str(importlib.resources.files("rnn_stepper.resources") / "sessions"))
    return None if os.path.dirname(os.path.realpath(path)) == shipped else path


def backward_of(trace, target: str | None):
    """The backward pass of L = Σ h_n, or of the MSE against the target file; InputError for a target that is not
    the output's shape, or a cell type or order it does not step yet: one line, status 2."""
    from .core.backward import SUM_LAST, backward_pass, target_loss

    loss = target_loss(trace, target) if target else SUM_LAST
    return backward_pass(trace, loss)


def backward_lines(backward):
    """The hand backward: ‖∂L/∂h_t‖ per step of each cell, then every gradient beside autograd's."""
    from .core.distance import exact_text

    yield ""
    yield (f"backward: {backward.loss.describe()} = {exact_text(float(backward.manual.loss), backward.trace.config.dtype)}"
           ", by hand, walking back from t = T-1")
    for cell in backward.cells:
        label = f"layer {cell.layer}, {'reverse' if cell.direction else 'forward'}:"
        yield f"  {label} |dL/dh_t| for t = 0 … : {', '.join(f'{float(n):.3g}' for n in cell.norms)}"
        if cell.cell is not None:  # an LSTM's gradient along the cell state, where ∂c_t/∂c_(t-1) = f_t
            yield f"  {' ' * len(label)} |dL/dc_t| for t = 0 … : {', '.join(f'{float(n):.3g}' for n in cell.cell_norms)}"
    for name, _shape, same, _difference, ulps in backward.comparison():
        name = {"input": "x"}.get(name, name)
        yield f"  dL/d{name}: " + ("bitwise identical to autograd" if same else f"{ulps:g} ulp from autograd" if ulps
                                   else "autograd's values, but a zero's sign differs (-0.0 against 0.0)")
    if backward.fused is not None:  # measured, never promised: the fused kernel sums in its own order
        yield (f"  PyTorch's default backward for this {backward.trace.config.dtype} nn.LSTM is oneDNN's fused kernel "
               f"({backward.fused.kernel}), not stepped: {backward.fused_max_ulps:g} ulp (max |diff| "
               f"{backward.fused_max_abs_diff:.3g}) from the stepped native gradients")
    # Bits that differ at 0 ulp are zeros of opposite sign (core/distance.bits_differ).
    yield ("bitwise identical to autograd: yes" if backward.bitwise_equal else
           f"bitwise identical to autograd: no ({backward.max_ulps:g} ulp)" if backward.max_ulps else
           "bitwise identical to autograd: no (0 ulp: a zero's sign differs, -0.0 against 0.0)")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        if not sys.warnoptions:  # torch's warnings take several lines each; an error is one line, and says enough
            warnings.simplefilter("ignore")
        return _run(args)


def _run(args) -> int:
    from .core.errors import InputError

    try:
        if args.command == "trace":
            if sys.stdout is None:  # started with standard output closed (`>&-`)
                raise InputError("standard output is closed; send the trace somewhere, e.g. > trace.txt")
            status = run_trace(args)
            sys.stdout.flush()  # a full disk shows here, while it can still be reported, not at exit
            return status
        if args.command is None and (args.install_desktop_entry or args.remove_desktop_entry):
            return desktop_entry(args)
        if args.font_scale is not None and not args.presentation and (
                args.command == "slides" or args.screenshot):
            raise InputError("--font-scale sets presentation mode's font size: add --presentation")
        if args.command is None and args.lengths is not None:
            from .packed_cli import classifier_input

            ids = classifier_input(args)
            if ids is not None:  # token ids: a whole classifier's window
                from .classifier_cli import run_classifier_window

                return run_classifier_window(args, ids)
        if args.command is None and (args.text is not None or args.vocab is not None):
            from .language_cli import run_language_window

            return run_language_window(args)
        # With no session option the window builds the notebook's session itself, after its first frame: the
        # options' session would import torch first, and that takes seconds.
        session, saved = window_session(args)
        cursor = window_cursor(args, session, saved)
        if args.command == "slides":
            from .ui.app import run_slides

            prepare_folder(args.folder)
            return run_slides(session, args.folder, size=args.size, lang=args.lang, presenting=args.presentation,
                              font_scale=args.font_scale, cursor=cursor, controls=args.with_controls)
        from .ui.app import run_window

        back = backward_steps(args, session)
        return run_window(session, steps=args.steps or 0, screenshot=args.screenshot, size=args.size,
                          lang=args.lang, presenting=args.presentation, cursor=cursor, path=saved_to(args.session),
                          predict=args.predict, font_scale=args.font_scale, select=args.select,
                          back=back, assumptions=assumptions(args, session) if session is not None else {})
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{PROG}: error: out of memory; use a smaller model or a shorter sequence", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (`| head`) has all it wanted
        _discard_stdout()
        return 0
    except OSError as exc:  # writing the output: files that are read report their errors as InputError
        _discard_stdout()
        print(f"{PROG}: error: could not write the output ({exc.strerror or exc}); what was written is incomplete",
              file=sys.stderr)
        return 2


def desktop_entry(args) -> int:
    """--install-desktop-entry or --remove-desktop-entry, and what was written or removed, one path a line."""
    from . import desktop
    from .core.errors import InputError

    if args.install_desktop_entry and args.remove_desktop_entry:
        raise InputError("--install-desktop-entry and --remove-desktop-entry exclude each other; give one")
    if session_options_given(args) or args.session or args.screenshot:
        raise InputError("--install-desktop-entry and --remove-desktop-entry take no session or window options")
    if args.install_desktop_entry:
        for path in desktop.install():
            print(f"wrote {path}")
        print("RNN Stepper is in the application menu (under Education); remove it with "
              f"{PROG} --remove-desktop-entry")
    else:
        removed = desktop.remove()
        for path in removed:
            print(f"removed {path}")
        if not removed:
            print(f"no desktop entry of {PROG} was installed for this user")
    return 0


def prepare_folder(folder: str) -> None:
    """The slides' folder exists and takes files, or InputError says why, before any slide is drawn."""
    import tempfile

    from .core.errors import InputError

    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileExistsError:
        raise InputError("is a file, not a folder; give a folder for the slides", folder) from None
    except OSError as exc:
        raise InputError(f"cannot write slides there ({exc.strerror or exc}); give another folder", folder) from None


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's own flush at exit cannot fail a second time
    and print a traceback (as Python's documentation on SIGPIPE advises)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
