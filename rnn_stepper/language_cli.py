"""`rnn-stepper trace --weights F --vocab V --text PROMPT [--generate N]`: a whole language model, text in, text
out, every stage stepped by hand beside the model's own modules (core/language_model.py)."""

from __future__ import annotations

import sys

# The session options that still mean something for a whole model; the rest describe an input sequence or a
# module that --weights and --text replace.
APPLIES = {"--weights", "--prefix", "--nonlinearity", "--seed", "--dtype", "--order", "--seq-first", "--cell"}


def model_from_args(args):
    """The whole model in --weights and the vocabulary in --vocab, every option checked."""
    import torch

    from .cli import PROG, check_cell_options, reading_notes, session_options_given
    from .core.errors import InputError
    from .core.files import load_tensors
    from .core.language_model import check_vocabulary, language_model_from, load_vocabulary

    if args.text is None or args.vocab is None:
        raise InputError("--text and --vocab go together: the prompt, and the tokens of the embedding's rows")
    if not args.weights:
        raise InputError("--text needs --weights: a whole model's state dict (embedding, recurrent module, head)")
    refused = [o for o in session_options_given(args) if o not in APPLIES]
    option = lambda name: getattr(args, name, None)  # noqa: E731  (the window's options lack trace's)
    refused += [o for o, given in (("--session", args.session is not None),
                                   ("--explain", option("explain") is not None), ("--target", option("target")),
                                   ("--format csv", option("format") == "csv")) if given]
    if option("backward"):  # a training step: the text is the sequence trained on, nothing is drawn
        refused += [o for o, given in (("--generate", args.generate), ("--scale", args.scale is not None),
                                       ("--temperature", args.temperature is not None)) if given]
    elif option("calls") not in (None, "per-token"):
        refused.append("--calls without --backward")
    if refused:
        raise InputError(f"{' and '.join(refused)} do{'es' if len(refused) == 1 else ''} not apply to --text"
                         + (" --backward: it differentiates one training step on the text" if option("backward") else
                            ": the model comes from --weights and its input from --text"))
    prefix = args.prefix if not args.prefix or args.prefix.endswith(".") else args.prefix + "."
    fixed = {"batch_first": not args.seq_first}
    if args.nonlinearity:
        fixed["nonlinearity"] = args.nonlinearity
    tensors = load_tensors(args.weights)
    try:
        model = language_model_from(tensors, args.weights, prefix=prefix, dtype=args.dtype, **fixed)
    except InputError as exc:
        raise exc.within(args.weights) from None
    check_cell_options(args, model.config.cell_type, model.config.hidden_size)
    stored = tensors[model.places["recurrent"] + "weight_ih_l0"].dtype
    for note in reading_notes(args, model.config, torch.empty(0), stored):
        print(f"{PROG}: {note}", file=sys.stderr)
    if args.cell and args.cell != model.config.cell:
        raise InputError(f"--cell says {args.cell} but the weights are an nn.{model.config.cell_type.module_name}'s")
    vocabulary = load_vocabulary(args.vocab)
    try:
        check_vocabulary(model, vocabulary)
    except InputError as exc:
        raise exc.within(args.vocab) from None
    return model, vocabulary


def sampling_from_args(args):
    from .core.language_model import Sampling

    if args.temperature is not None:
        return Sampling(seed=args.seed, scale=None, temperature=args.temperature)
    return Sampling(seed=args.seed, scale=1.0 if args.scale is None else args.scale)


def generation_from_args(args):
    from .core.language_model import generate

    model, vocabulary = model_from_args(args)
    return generate(model, vocabulary, args.text, args.generate, sampling_from_args(args), args.order)


# Where the stepper window opens and what it shows of one recurrent module: a language model's window has no use
# for them (its calls are chosen by clicking one, its cell shows every phase of the call on show).
WINDOW_ONLY = {"steps": "--steps", "phase": "--phase", "back": "--back", "predict": "--predict",
               "select": "--select", "layer": "--layer", "direction": "--direction", "batch": "--batch"}


def run_language_window(args) -> int:
    """`rnn-stepper --weights F --vocab V --text PROMPT [--generate N]`: the language model's window."""
    from .core import collector
    from .core.errors import InputError
    from .language import LanguageSession

    refused = [flag for name, flag in WINDOW_ONLY.items() if getattr(args, name, None) not in (None, False)]
    if refused:
        raise InputError(f"{' and '.join(refused)} do{'es' if len(refused) == 1 else ''} not apply to a language "
                         "model's window: click a call to show it")
    if args.font_scale is not None and not args.presentation and args.screenshot:
        raise InputError("--font-scale sets presentation mode's font size: add --presentation")
    with collector.paused():
        model, vocabulary = model_from_args(args)
        session = LanguageSession(model, vocabulary, args.text, sampling_from_args(args), args.generate, args.order)
    from .ui.language_window import run_language_window as run

    return run(session, screenshot=args.screenshot, size=args.size, lang=args.lang, presenting=args.presentation,
               font_scale=args.font_scale)


def model_backward_from_args(args):
    from .core.errors import InputError
    from .core.model_backward import model_backward, training_text

    if args.order == "textbook":
        raise InputError("the whole model's backward is stepped in kernel order: leave out --order textbook")
    model, vocabulary = model_from_args(args)
    return model_backward(model, training_text(vocabulary, args.text), args.calls.replace("-", "_")), vocabulary


def run_generation(args) -> int:
    from .core import collector
    from .core.language_export import text_lines, write_json

    if args.backward:
        return run_model_backward(args)
    with collector.paused():
        generation = generation_from_args(args)
    if args.format == "json":
        write_json(generation, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.writelines(line + "\n" for line in text_lines(generation))
    return 0


def run_model_backward(args) -> int:
    from .core import collector
    from .core.language_export import backward_lines, write_backward_json

    with collector.paused():
        backward, vocabulary = model_backward_from_args(args)
    if args.format == "json":
        write_backward_json(backward, vocabulary, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.writelines(line + "\n" for line in backward_lines(backward, vocabulary))
    return 0
