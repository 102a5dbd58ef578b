"""Reading what users hand the stepper: state dicts, input sequences and h0, from files or text.

Every loader either returns numbers or raises InputError naming the file and what was wrong. Nothing here
executes code from a file: `.pt` goes through `torch.load(weights_only=True)`, `.npy` through
`allow_pickle=False`, and `.safetensors` is parsed by hand with every offset checked before reading.
"""

from __future__ import annotations

import csv
import json
import math
import os
import pickle
import re
import struct

import numpy as np
import torch

from .errors import InputError

SAFETENSORS_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
MAX_HEADER_BYTES = 100 << 20  # the safetensors reference implementation's own limit


def load_state_dict(path: str, prefix: str = "") -> dict[str, torch.Tensor]:
    """The tensors of a `.pt`/`.pth` or `.safetensors` file, keyed as `nn.RNN.state_dict()` keys them.

    Nested checkpoint dicts are flattened with dots (`{"model": {"rnn.weight_ih_l0": …}}` becomes
    `model.rnn.weight_ih_l0`); `prefix` then selects one RNN inside and is stripped from its keys.
    """
    tensors = load_tensors(path)
    if prefix:
        selected = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        if not selected:
            raise InputError(f"no tensor names start with {prefix!r}; {_prefix_hint(tensors)}", path)
        return selected
    if "weight_ih_l0" not in tensors:
        raise InputError(_prefix_hint(tensors), path)
    return tensors


def load_tensors(path: str) -> dict[str, torch.Tensor]:
    """Every tensor of a `.pt`/`.pth` or `.safetensors` file, nested dicts flattened with dots."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".pt", ".pth", ".bin"):
        return _load_torch(path)
    if ext == ".safetensors":
        return load_safetensors(path)
    raise InputError(f"unknown weights format {ext or '(no extension)'!r}; use .pt, .pth or .safetensors", path)


def rnn_prefixes(tensors: dict[str, torch.Tensor]) -> list[str]:
    """Every prefix under which a set of nn.RNN parameters sits, e.g. ['', 'encoder.rnn.']."""
    return sorted({k[: -len("weight_ih_l0")] for k in tensors if k.endswith("weight_ih_l0")})


def only_rnn(tensors: dict[str, torch.Tensor], source: str | None = None) -> tuple[dict[str, torch.Tensor], str]:
    """The parameters of the one nn.RNN in a checkpoint, keyed as nn.RNN keys them, and the prefix they sat under.

    A checkpoint of a whole model holds its RNN under the attribute path (`rnn.weight_ih_l0`); with only one
    there is nothing to choose. With several, the error lists them for --prefix."""
    prefixes = rnn_prefixes(tensors)
    if not prefixes:
        raise InputError("holds no nn.RNN parameters (no …weight_ih_l0)", source)
    if len(prefixes) > 1:
        shown = ", ".join(repr(p) if p else "the top level" for p in prefixes)
        raise InputError(f"holds {len(prefixes)} sets of nn.RNN parameters, under {shown}; choose one with "
                         "--prefix", source)
    return rnn_under(tensors, prefixes[0]), prefixes[0]


def rnn_under(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The tensors directly under `prefix`, without it: nn.RNN's own names hold no dot, so a module nested
    deeper under the same prefix stays out."""
    return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix) and "." not in k[len(prefix):]}


def _prefix_hint(tensors: dict) -> str:
    prefixes = rnn_prefixes(tensors)
    if prefixes:
        return "RNN parameters sit under " + ", ".join(repr(p) for p in prefixes) + " (pass it with --prefix)"
    return "no nn.RNN parameters (weight_ih_l0, …) found in it"


def _load_torch(path: str) -> dict[str, torch.Tensor]:
    _check_readable(path)
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"GLOBAL ([\w.]+)", str(exc))
        if found:
            raise InputError(
                f"refused: the file holds pickled code ({found.group(1)}), which was not run; "
                "save a plain state_dict with torch.save(model.state_dict(), ...)", path) from None
        raise InputError("not a PyTorch state dict, or damaged (it could not be unpickled safely)", path) from None
    except Exception as exc:  # a damaged archive trips torch's reader in many ways (even AssertionError);
        # with weights_only nothing in the file ran, so each is just "not readable"
        raise InputError(f"not a readable PyTorch file ({type(exc).__name__}: {_first_line(exc)})", path) from None
    if isinstance(loaded, torch.Tensor) or not isinstance(loaded, dict):
        raise InputError(f"holds a {type(loaded).__name__}, not a state dict of named tensors", path)
    tensors = _flatten(loaded)
    if not tensors:
        raise InputError("holds no tensors", path)
    return tensors


def _flatten(tree: dict, prefix: str = "") -> dict[str, torch.Tensor]:
    flat: dict[str, torch.Tensor] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, torch.Tensor):
            flat[name] = value
        elif isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
    return flat


def load_safetensors(path: str) -> dict[str, torch.Tensor]:
    """A `.safetensors` file: 8-byte little-endian header length, a JSON header, then raw tensor bytes."""
    _check_readable(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise InputError("too short to be a safetensors file", path)
        (header_len,) = struct.unpack("<Q", head)
        if header_len > min(MAX_HEADER_BYTES, size - 8):
            raise InputError(f"damaged safetensors header: it claims {header_len} bytes, the file has {size}", path)
        try:
            header = json.loads(f.read(header_len).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise InputError(f"damaged safetensors header ({_first_line(exc)})", path) from None
        if not isinstance(header, dict):
            raise InputError("damaged safetensors header: not a JSON object", path)
        data_len = size - 8 - header_len
        entries = []
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            entries.append((name, *_safetensors_entry(name, entry, data_len, path)))
        tensors = {}
        for name, dtype, shape, begin, end in entries:
            f.seek(8 + header_len + begin)
            raw = bytearray(f.read(end - begin))
            tensors[name] = torch.frombuffer(raw, dtype=dtype).reshape(shape) if raw else torch.zeros(
                shape, dtype=dtype)
    if not tensors:
        raise InputError("holds no tensors", path)
    return tensors


def _safetensors_entry(name, entry, data_len, path):
    try:
        dtype = SAFETENSORS_DTYPES[entry["dtype"]]
        shape = [int(n) for n in entry["shape"]]
        begin, end = (int(n) for n in entry["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"damaged safetensors entry for {name!r} (dtype, shape or data_offsets)", path) from None
    if any(n < 0 for n in shape) or not 0 <= begin <= end <= data_len:
        raise InputError(f"damaged safetensors entry for {name!r}: its data lies outside the file", path)
    itemsize = torch.tensor([], dtype=dtype).element_size()
    if math.prod(shape) * itemsize != end - begin:
        raise InputError(f"damaged safetensors entry for {name!r}: shape {shape} does not fit its data", path)
    return dtype, shape, begin, end


def load_array(path: str) -> np.ndarray:
    """An input sequence or h0 from `.csv` (one timestep a row), `.npy` or `.json` (nested lists)."""
    ext = os.path.splitext(path)[1].lower()
    _check_readable(path)
    if ext == ".npy":
        return _load_npy(path)
    if ext in (".csv", ".txt"):
        return parse_rows(_read_text(path), path, delimiter=",")
    if ext == ".json":
        try:
            data = json.loads(_read_text(path))
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InputError(f"not valid JSON ({_first_line(exc)})", path) from None
        return rectangular(data, path)
    raise InputError(f"unknown input format {ext or '(no extension)'!r}; use .csv, .npy or .json", path)


def _load_npy(path: str) -> np.ndarray:
    # Check the header's claimed size against the file before numpy allocates anything that size.
    with open(path, "rb") as f:
        try:
            version = np.lib.format.read_magic(f)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in read_header:
                raise ValueError(f"unsupported .npy version {version}")
            shape, fortran_order, dtype = read_header[version](f)
        except Exception as exc:  # numpy parses the header with ast and tokenize: any of their errors can come
            raise InputError(f"not a valid .npy file ({_first_line(exc)})", path) from None
        if dtype.hasobject:
            raise InputError("refused: the .npy file holds Python objects; save a plain numeric array", path)
        if dtype.kind not in "fiub":
            raise InputError(f"holds {dtype}, not numbers", path)
        available = os.path.getsize(path) - f.tell()
        if math.prod(shape) * dtype.itemsize > available:
            raise InputError(f"damaged .npy file: its header claims shape {shape}, more data than the file has", path)
    try:
        return np.load(path, allow_pickle=False).astype(np.float64)
    except (ValueError, OSError, EOFError) as exc:
        raise InputError(f"not a valid .npy file ({_first_line(exc)})", path) from None


def parse_sequence(text: str, source: str = "--sequence") -> np.ndarray:
    """`"1,1,1,1,1; 2,2,2,2,2; 3,3,3,3,3"`: timesteps split by `;` or new lines, values by `,` or spaces."""
    rows = [row for row in re.split(r"[;\n]", text) if row.strip()]
    return parse_rows("\n".join(rows), source, delimiter=None)


def parse_rows(text: str, source: str, delimiter: str | None) -> np.ndarray:
    rows = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = next(csv.reader([line])) if delimiter == "," else re.split(r"[,\s]+", line.strip())
        row = []
        for column, cell in enumerate(cells, start=1):
            row.append(_number(cell, source, f"row {number}, column {column}"))
        rows.append((number, row))
    if not rows:
        raise InputError("holds no numbers; give one timestep a row, e.g. 1,1,1,1,1", source)
    width = len(rows[0][1])
    for number, row in rows:
        if len(row) != width:
            raise InputError(f"row {number} has {len(row)} values but row {rows[0][0]} has {width}", source)
    return np.array([row for _, row in rows], dtype=np.float64)


def rectangular(data, source: str) -> np.ndarray:
    """Nested lists of numbers as an array, or an InputError that points at the first bad place."""

    def walk(node, where):
        if isinstance(node, list):
            if not node:
                raise InputError(f"{where or 'the top level'} is an empty list", source)
            children = [walk(child, f"{where}[{i}]") for i, child in enumerate(node)]
            first = children[0]
            for i, child in enumerate(children):
                if child != first:
                    raise InputError(
                        f"{where}[{i}] has shape {list(child)} but {where}[0] has {list(first)} (ragged)", source)
            return (len(node), *first)
        _number(node, source, where or "the top level")
        return ()

    try:
        array = np.array(data, dtype=np.float64)  # the fast path; walk() only runs to say what is wrong
    except (ValueError, TypeError, OverflowError):
        array = None
    try:
        shape = walk(data, "") if array is None else array.shape
    except RecursionError:
        raise InputError("is nested too deeply to be a sequence", source) from None
    if not shape:
        raise InputError("holds a single number, not a sequence", source)
    return array if array is not None else np.array(data, dtype=np.float64)


def _number(value, source: str, where: str) -> float:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{where}: {value!r} is not a number", source)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise InputError(f"{where}: {value.strip()!r} is not a number", source) from None
    raise InputError(f"{where}: {type(value).__name__} is not a number", source)


def _check_readable(path: str) -> None:
    if not os.path.exists(path):
        raise InputError("no such file", path)
    if os.path.isdir(path):
        raise InputError("is a folder, not a file", path)
    if not os.access(path, os.R_OK):
        raise InputError("cannot be read (permission denied)", path)


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig") as f:
            return f.read()
    except UnicodeDecodeError:
        raise InputError("is not a UTF-8 text file", path) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
