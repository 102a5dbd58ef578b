"""`rnn-stepper trace --weights model.pt --input ids.npy --lengths 5,2,4`: a whole classifier (the book's part-2
sentiment model), padded token ids in, the head's output per review out, every stage stepped by hand beside the
model's own modules (core/classifier.py)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# The session options that still mean something for a whole classifier; the rest describe an input sequence or a
# module that --weights and the token ids replace.
APPLIES = {"--weights", "--prefix", "--nonlinearity", "--dtype", "--order", "--seq-first", "--cell", "--input"}


def activations_list(text: str) -> tuple[str, ...]:
    """An argparse type: the activation after each Linear layer of a head, split by commas."""
    import argparse

    from .core.classifier import ACTIVATIONS

    values = tuple(part.strip() for part in text.split(","))
    unknown = [v for v in values if v not in ACTIVATIONS]
    if unknown:
        raise argparse.ArgumentTypeError(f"{unknown[0][:20]!r} is not one of {', '.join(ACTIVATIONS)}, e.g. "
                                         "relu,sigmoid")
    return values


def token_ids(array: np.ndarray, source: str):
    """The ids of an input file as whole numbers (files are read as float64): InputError for any fraction."""
    import numpy as np  # here: the command line is parsed before the window's first frame, which needs no numpy
    import torch

    from .core.errors import InputError

    if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
        raise InputError("holds numbers that are not whole: a classifier's input is token ids (the rows of its "
                         "embedding), a padded (batch, T) array", source)
    if np.abs(array).max() >= 2 ** 53:  # float64 holds every whole number up to here exactly
        raise InputError("holds ids too large to be rows of any embedding", source)
    return torch.from_numpy(array.astype(np.int64))


def classifier_trace_from_args(args, ids):
    from .cli import session_options_given
    from .core.classifier import book_activations, classify
    from .core.errors import InputError

    if not args.weights:
        raise InputError("token ids in --input with --lengths need --weights: a whole classifier's state dict "
                         "(embedding, recurrent module, head); for a recurrent module alone, --input is (batch, T, "
                         "input_size)")
    refused = [o for o in session_options_given(args) if o not in APPLIES]
    refused += [o for o, given in (("--session", args.session is not None), ("--backward", args.backward),
                                   ("--explain", args.explain is not None), ("--target", args.target),
                                   ("--order textbook", args.order == "textbook"),
                                   ("--format csv", args.format == "csv")) if given]
    if refused:
        raise InputError(f"{' and '.join(refused)} do{'es' if len(refused) == 1 else ''} not apply to a classifier's "
                         "token ids: the model comes from --weights, stepped in the kernel order, as text or JSON")
    model, vocabulary = classifier_from_args(args)
    try:
        trace = classify(model, ids, args.lengths)
    except InputError as exc:
        raise (exc if "lengths" in exc.detail else exc.within(args.input)) from None
    trace.assumptions.extend(assumptions(args, model, book_activations(len(model.head))))
    return trace, vocabulary


def classifier_from_args(args):
    """The whole classifier in --weights (under --prefix, with --nonlinearity, --seq-first and --activations where
    given) and the --vocab file's tokens; what the file left to be read one way or another said on stderr."""
    import torch

    from .cli import PROG, check_cell_options, reading_notes
    from .core.classifier import classifier_from
    from .core.errors import InputError
    from .core.files import load_tensors

    prefix = args.prefix if not args.prefix or args.prefix.endswith(".") else args.prefix + "."
    fixed = {"batch_first": not args.seq_first}
    if args.nonlinearity:
        fixed["nonlinearity"] = args.nonlinearity
    tensors = load_tensors(args.weights)
    try:
        model = classifier_from(tensors, args.weights, prefix=prefix, dtype=args.dtype,
                                activations=args.activations, **fixed)
    except InputError as exc:
        raise exc.within(args.weights) from None
    config = model.config
    if args.cell and args.cell != config.cell:
        raise InputError(f"--cell says {args.cell} but the weights are an nn.{config.cell_type.module_name}'s")
    check_cell_options(args, config.cell_type, config.hidden_size)
    stored = tensors[(model.places["recurrent"] + "." if model.places["recurrent"] else "") + "weight_ih_l0"].dtype
    for note in reading_notes(args, config, torch.empty(0), stored):
        print(f"{PROG}: {note}", file=sys.stderr)
    return model, vocabulary_from_args(args, model)  # the vocabulary before the trace: a wrong file is said at once


def run_classifier_window(args, ids) -> int:
    """`rnn-stepper --weights F --input ids.npy --lengths … [--vocab V]`: the classifier's window."""
    from .cli import PROG, session_options_given
    from .core.classifier import book_activations
    from .core.errors import InputError

    if not args.weights:
        raise InputError("token ids in --input with --lengths need --weights: a whole classifier's state dict "
                         "(embedding, recurrent module, head)")
    refused = [o for o in session_options_given(args) if o not in APPLIES]
    refused += [o for o, given in (("--session", args.session is not None), ("--text", args.text is not None),
                                   ("--back", args.back is not None), ("--predict", args.predict),
                                   ("--select", args.select is not None),
                                   ("--order textbook", args.order == "textbook")) if given]
    if refused:
        raise InputError(f"{' and '.join(refused)} do{'es' if len(refused) == 1 else ''} not apply to a classifier's "
                         "window: the model comes from --weights, stepped in the kernel order")
    from .classifier_session import ClassifierSession

    model, vocabulary = classifier_from_args(args)
    try:
        session = ClassifierSession.compute(model, ids, args.lengths, vocabulary)
    except InputError as exc:
        raise (exc if "lengths" in exc.detail else exc.within(args.input)) from None
    session.trace.assumptions.extend(assumptions(args, model, book_activations(len(model.head))))
    for said in session.trace.assumptions:  # and in the window, above the reviews
        print(f"{PROG}: assumed, not recorded in the weights file: {said}", file=sys.stderr)
    if args.steps and args.steps > session.cells.seq_len:
        raise InputError(f"--steps {args.steps}: the longest review has {session.cells.seq_len} steps")
    if args.batch is not None and args.batch >= len(session.lengths):
        raise InputError(f"--batch {args.batch}: there are {len(session.lengths)} reviews, 0 to "
                         f"{len(session.lengths) - 1}")
    if args.layer or args.direction:
        raise InputError("--layer and --direction: the classifier's window shows the cell its head reads")
    from .ui.classifier_window import run_classifier_window as run

    return run(session, screenshot=args.screenshot, size=args.size, lang=args.lang, presenting=args.presentation,
               font_scale=args.font_scale, steps=args.steps or 0, batch=args.batch or 0)


def vocabulary_from_args(args, model):
    """The --vocab file's tokens, as many as the embedding has rows; None without --vocab."""
    from .core.errors import InputError
    from .core.language_model import load_vocabulary

    if args.vocab is None:
        return None
    vocabulary = load_vocabulary(args.vocab)
    if len(vocabulary) != model.vocabulary_size:
        raise InputError(f"the vocabulary has {len(vocabulary)} tokens but the model's embedding has "
                         f"{model.vocabulary_size} rows", args.vocab)
    return vocabulary


def reviews(trace, vocabulary) -> list[list[str]]:
    """Each review's real tokens, as the vocabulary spells them."""
    ids = trace.ids if trace.model.config.batch_first else trace.ids.T
    return [[vocabulary.tokens[k] for k in row[:n]] for row, n in zip(ids.tolist(), trace.lengths)]


def assumptions(args, model, books) -> list[str]:
    """What a state dict does not record and the trace assumed, each with the flag that changes it."""
    config = model.config
    said = []
    if args.activations is None:
        other = ",".join(books[:-1] + ("none",))
        said.append(f"the head's activations {', '.join(model.activations)}, the book's (--activations, e.g. "
                    f"--activations {other}, if the model applies others after its Linear layers)")
    if "nonlinearity" in config.cell_type.option_names and not args.nonlinearity:
        said.append(f"nonlinearity={config.nonlinearity} (--nonlinearity relu if the model was built with it)")
    if not args.seq_first:
        said.append("batch_first=True: the ids are (batch, T) (--seq-first if the model reads (T, batch))")
    return said


def text_lines(trace, vocabulary=None):
    from .packed_cli import _array, cell_lines

    model = trace.model
    config = model.config
    module = f"nn.{config.cell_type.module_name}"
    said = f"; assumed, not recorded in the weights file: {'; '.join(trace.assumptions)}" if trace.assumptions else ""
    yield f"{model.describe()}  (kernel, {config.dtype}){said}"
    head = ", ".join(layer.name for layer in model.head)
    yield (f"stages found: the embedding at {model.places['embedding'] or 'the top level'}, the recurrent module at "
           f"{model.places['recurrent'] or 'the top level'}, the head {head}")
    order = trace.cells.packed.sorted_indices.tolist()
    yield (f"packed: lengths {trace.lengths}, batch_sizes {trace.cells.batch_sizes}; sorted longest first, rows "
           f"{order}: the batch shrinks as reviews end, as torch's packed kernel steps it. The padded positions are "
           "embedded (the padding row is whatever the table holds) but never stepped")
    yield ""
    embedded = trace.stages["embedding"]
    rows = embedded if config.batch_first else embedded.transpose(0, 1)
    ids = trace.ids if config.batch_first else trace.ids.T
    yield "embedding: x = row k of the table for each token id k"
    said = (lambda k: f" {vocabulary.tokens[k]!r}") if vocabulary else (lambda k: "")  # noqa: E731
    for b, (review, n) in enumerate(zip(ids.tolist(), trace.lengths)):
        words = f" {vocabulary.joined([vocabulary.tokens[k] for k in review[:n]])!r}:" if vocabulary else ""
        yield (f"review {b} (length {n}):{words} ids {review[:n]}"
               + (f", padding {review[n:]}" if n < len(review) else ""))
        for t in range(n):
            yield f"   x_{t} = E[{review[t]}]{said(review[t])} : {_array(rows[b, t])}"
    yield ""
    yield f"cells: {module} over the packed batch"
    yield from cell_lines(trace.cells)
    head_stages = [name for name in trace.stages if name not in ("embedding", "h_n", "c_n")]
    width = max(len(name) for name in head_stages)
    yield f"head: each review's last real hidden state, {model.readout}, through the head"
    spelled = [f" {vocabulary.joined(words)!r}" for words in reviews(trace, vocabulary)] if vocabulary else None
    for b in range(len(trace.lengths)):
        yield f"review {b} (length {trace.lengths[b]}){spelled[b] if spelled else ''}"
        for name in head_stages:
            yield f"   {name:<{width}} : {_array(trace.stages[name][b])}"
    yield ""
    yield "output per review: " + ", ".join(f"{b}: {_array(row)}" for b, row in enumerate(trace.output))
    apart = [stage for stage, same in trace.stages_equal.items() if not same]
    yield ("bitwise identical to the model's own modules (nn.Embedding, the packed "
           f"{module}, nn.Linear, the activations), stage by stage: " + ("yes" if not apart else
                                                                         f"no, at {', '.join(apart)}"))
    if trace.fused_output is not None:
        yield (f"your PyTorch computes this packed {module} with oneDNN's fused kernel ({trace.fused_kernel}), "
               f"every review being as long; the model's output that way differs from the stepped one by "
               f"{trace.fused_max_ulps:g} ulp")


def run_classifier(args, ids) -> int:
    from .core import collector
    from .core.export import _strict

    with collector.paused():  # the job makes many tensors and no cycles: see jobs.run_now
        trace, vocabulary = classifier_trace_from_args(args, ids)
    if args.format == "json":
        document = trace.to_dict() | ({"reviews": reviews(trace, vocabulary)} if vocabulary else {})
        sys.stdout.write(json.dumps(_strict(document), allow_nan=False) + "\n")
    else:
        sys.stdout.writelines(line + "\n" for line in text_lines(trace, vocabulary))
    return 0
