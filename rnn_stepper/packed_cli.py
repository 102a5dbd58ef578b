"""`rnn-stepper trace --input padded.npy --lengths 5,2,4`: a padded batch packed as
`pack_padded_sequence(x, lengths, batch_first=…, enforce_sorted=False)` and stepped as torch's packed kernel steps
it (core/packed.py), beside the module's own output."""

from __future__ import annotations

import json
import sys


def lengths_list(text: str) -> list[int]:
    """An argparse type: whole numbers of at least 1, split by commas."""
    import argparse

    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not whole numbers split by commas, e.g. 5,2,4") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("each length must be at least 1")
    return values


def packed_trace_from_args(args):
    """The session the options describe, its padded --input batch packed by --lengths, and its packed pass."""
    from dataclasses import replace

    from .cli import session_from_args
    from .core.errors import InputError

    refused = [o for o, given in (("--text", args.text is not None), ("--vocab", args.vocab is not None),
                                  ("--session", args.session is not None),
                                  ("--backward", args.backward), ("--explain", args.explain is not None),
                                  ("--unbatched", args.unbatched), ("--order textbook", args.order == "textbook"),
                                  ("--format csv", args.format == "csv")) if given]
    if refused:
        raise InputError(f"{' and '.join(refused)} do{'es' if len(refused) == 1 else ''} not apply to --lengths: a "
                         "packed batch is stepped in the kernel order, as text or JSON")
    session = session_from_args(args)
    if session.inputs.dim() != 3:
        raise InputError("--lengths needs a padded batch from --input: (batch, T, input_size), or (T, batch, "
                         "input_size) with --seq-first")
    session = replace(session, lengths=args.lengths)  # InputError where they do not fit the batch
    return session, packed_trace_of(session)


def packed_trace_of(session):
    """A session with lengths, packed as `pack_padded_sequence(inputs, lengths, enforce_sorted=False)` and passed
    through its module and by hand (core/packed.packed_pass), the caller's random state left as it was."""
    import torch

    from .core.packed import pack_session, packed_pass

    with torch.random.fork_rng(devices=[]):
        return packed_pass(session.module(), pack_session(session), session.initial_state())


def write_packed(args, session, trace) -> int:
    """The packed pass as `trace` writes it: the packing, each cell's steps as the batch shrinks, and the verdict;
    or the whole of it in JSON."""
    from .core.errors import InputError
    from .core.export import _strict
    from .core.packed import document

    if args.format == "csv":
        raise InputError("a packed batch is written as text or JSON: its steps hold fewer rows as sequences end, "
                         "which a CSV's one row per (t, batch row) cannot say; use --format json")
    lengths = list(session.lengths)
    if args.format == "json":
        sys.stdout.write(json.dumps(_strict(document(trace, lengths)), allow_nan=False) + "\n")
    else:
        sys.stdout.writelines(line + "\n" for line in text_lines(session, trace, lengths))
    return 0


def text_lines(session, trace, lengths):
    config = session.config
    module = f"nn.{config.cell_type.module_name}"
    order = trace.packed.sorted_indices.tolist()
    seed = f", seed={session.seed}" if session.seed is not None else ""
    yield f"{config.describe()}  (kernel, {config.dtype}{seed})"
    yield (f"packed: lengths {lengths}, batch_sizes {trace.batch_sizes}; sorted longest first, rows {order}: the "
           "batch shrinks as sequences end, as torch's packed kernel steps it")
    yield ""
    yield from cell_lines(trace)
    yield f"h_n (rows in the input's order): {_array(trace.h_n)}"
    yield f"bitwise identical to {module}: " + ("yes" if trace.bitwise_equal else "no")
    if trace.fused is not None:
        yield (f"your PyTorch computes this packed {module} with oneDNN's fused kernel ({trace.fused.kernel}), every "
               f"sequence being as long; its bits differ from the step-by-step cell by {trace.fused_max_ulps:g} ulp")


def cell_lines(trace):
    """Each cell's steps over the packed batch, phase by phase, the rows still running at each step named."""
    order = trace.packed.sorted_indices.tolist()
    several = len(trace.cells) > 1
    for cell in trace.cells:
        if several:
            yield f"== layer {cell.layer}, {'reverse' if cell.direction else 'forward'} =="
        for t, phases in enumerate(cell.steps):
            running = order[:len(phases["hidden"])]
            yield f"time step {t} (rows {running})"
            for name, values in phases.items():
                yield f"   {name:<16} : {_array(values)}"
        yield ""


def run_packed(args) -> int:
    ids = classifier_input(args)
    if ids is not None:
        from .classifier_cli import run_classifier

        return run_classifier(args, ids)
    if args.activations is not None:
        from .core.errors import InputError

        raise InputError("--activations is a classifier's head: give its token ids, a padded (batch, T) array, in "
                         "--input")
    return write_packed(args, *packed_trace_from_args(args))


def classifier_input(args):
    """A 2-D --input beside --lengths is a padded batch of token ids, (batch, T), for a whole classifier: its ids;
    None for a padded batch of vectors (3-D), which the recurrent module reads itself."""
    from .classifier_cli import token_ids
    from .core.files import load_array

    if not args.input:
        return None
    array = load_array(args.input)
    return token_ids(array, args.input) if array.ndim == 2 else None


def _array(tensor) -> str:
    from .core.distance import array_text

    return array_text(tensor, max_line_width=10_000, threshold=10_000)
