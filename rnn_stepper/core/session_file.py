"""`*.rnnstep.json`: a session and its cursor as a document (schema in docs/formats.md).

Numbers are written as JSON numbers with the shortest digits that round-trip, so a float32 or float64 weight read
back is the same bits; NaN and ±Inf are written as the strings "NaN", "Infinity", "-Infinity". Reading builds a
whole new Session or raises InputError: a bad file never touches the session that is open.

Versions: 1 held an nn.RNN (its config has no "cell"; it still opens, as an nn.RNN session). 2 added the cell type
("cell": "rnn", "gru" or "lstm") and an LSTM's "proj_size" to the config, and an LSTM's initial cell state "c0".
3 added "lengths", a padded batch's lengths (the batch stepped packed); a session without them is still written as
version 2, so an RNN Stepper that reads only version 2 opens it, and refuses one it would step through its padding.
"""

from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING

from .config import RNNConfig
from .errors import InputError

if TYPE_CHECKING:  # torch loads when a session is read, not when the window names the file type
    import torch

    from .session import Session

FORMAT = "rnn-stepper/session"
VERSION = 3
SUFFIX = ".rnnstep.json"
MAX_FILE_BYTES = 512 << 20


def session_to_document(session: Session, cursor: dict | None = None) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION if session.lengths is not None else 2,
        "config": session.config.to_dict(),
        "seed": session.seed,
        "order": session.order,
        "weights": {name: _numbers(value.tolist()) for name, value in session.weights.items()},
        "input": _numbers(session.inputs.tolist()),
        "batched": session.batched,
        "h0": None if session.h0 is None else _numbers(session.h0.tolist()),
        "c0": None if session.c0 is None else _numbers(session.c0.tolist()),
        "lengths": None if session.lengths is None else list(session.lengths),
        "cursor": dict(cursor or {}),
    }


def document_to_session(doc, source: str = "the session file") -> tuple[Session, dict]:
    """The Session a document describes and its cursor, or InputError saying what is wrong with it."""
    from .session import ORDERS, Session, check_seed

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError("not an RNN Stepper session (no \"format\": \"rnn-stepper/session\")", source)
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputError("the session has no version number", source)
    if version > VERSION:
        raise InputError(f"made by a newer RNN Stepper (session version {version}); this one reads version "
                         f"{VERSION} — update RNN Stepper to open it", source)
    try:
        if not isinstance(doc.get("config"), dict):
            raise InputError("config is missing")
        config = RNNConfig.from_dict(doc["config"])
        order = doc.get("order", "kernel")
        if order not in ORDERS:
            raise InputError(f"order must be 'kernel' or 'textbook', got {order!r}")
        weights = doc.get("weights")
        if not isinstance(weights, dict):
            raise InputError("weights are missing")
        tensors = {str(name): _tensor(values, config, f"weights.{name}") for name, values in weights.items()}
        inputs = _tensor(doc.get("input"), config, "input")
        if doc.get("batched") is False and inputs.dim() != 2:
            raise InputError("batched is false but the input is not (T, input_size)")
        h0 = None if doc.get("h0") is None else _tensor(doc["h0"], config, "h0")
        c0 = None if doc.get("c0") is None else _tensor(doc["c0"], config, "c0")
        seed = doc.get("seed")
        if seed is not None:
            check_seed(seed)
        session = Session(config, tensors, inputs, h0, order, seed, c0, doc.get("lengths"))
    except InputError as exc:
        raise exc.within(source) from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"inconsistent session ({exc})", source) from None
    cursor = doc.get("cursor") if isinstance(doc.get("cursor"), dict) else {}
    cursor = {k: int(v) for k, v in cursor.items()
              if k in ("position", "layer", "direction", "batch") and isinstance(v, int) and not isinstance(v, bool)}
    return session, cursor


def save_session(path: str, session: Session, cursor: dict | None = None) -> None:
    """Write the session whole or not at all: a failed write leaves the old file (see write_atomically)."""
    from .writing import write_atomically

    text = json.dumps(session_to_document(session, cursor), allow_nan=False)
    write_atomically(path, text.encode("utf-8"))


def example_sessions() -> dict[str, str]:
    """The example sessions shipped inside the package: name → path, e.g. "lstm-forget-gate-memory" → …/sessions/
    lstm-forget-gate-memory.rnnstep.json, read through importlib.resources so an installed wheel finds its own."""
    import importlib.resources

    folder = importlib.resources.files("rnn_stepper.resources") / "sessions"
    return {p.name[: -len(SUFFIX)]: str(p) for p in sorted(folder.iterdir(), key=lambda p: p.name)
            if p.name.endswith(SUFFIX)}


def session_path(file_or_name: str) -> str:
    """A session file the user named: a path, or the name of a shipped example (`--session relu`). A file by that
    name wins over an example, so a user's own `relu` is never shadowed."""
    if not file_or_name:
        raise InputError("is an empty path; give a session file or the name of an example, e.g. --session notebook",
                         "--session")
    examples = example_sessions()
    name = file_or_name[: -len(SUFFIX)] if file_or_name.endswith(SUFFIX) else file_or_name
    if os.path.lexists(file_or_name) or os.sep in file_or_name or file_or_name.endswith(".json"):
        return file_or_name
    if name in examples:
        return examples[name]
    raise InputError("is neither a session file nor the name of an example; the examples are "
                     + ", ".join(examples), file_or_name)


def load_session(path: str) -> tuple[Session, dict]:
    from .files import parse_json, read_text

    text = read_text(path, MAX_FILE_BYTES, "session")
    try:
        doc = parse_json(text, path)
    except InputError as exc:
        raise InputError(f"is damaged: {exc.detail}", path) from None
    del text  # the document's objects are what is held from here
    return document_to_session(doc, path)


def _numbers(node):
    if isinstance(node, float) and not math.isfinite(node):
        return "NaN" if math.isnan(node) else ("Infinity" if node > 0 else "-Infinity")
    if isinstance(node, list):
        return [_numbers(v) for v in node]
    return node


def _tensor(values, config: RNNConfig, what: str) -> torch.Tensor:
    import torch

    from .files import rectangular

    if values is None:
        raise InputError(f"{what} is missing")
    array = rectangular(values, what)  # strings "NaN"/"Infinity" read back as floats
    return torch.from_numpy(array).to(config.torch_dtype)
