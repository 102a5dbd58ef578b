"""Reading what users hand the stepper: state dicts, input sequences and h0, from files or text.

Every loader either returns numbers or raises InputError naming the file and what was wrong. Nothing here
executes code from a file: torch's files go through `torch.load(weights_only=True)`, `.npy` and `.npz` through
`allow_pickle=False`, and safetensors is parsed by hand with every offset checked before reading. A weights file is
recognised by its first bytes, not its name.
"""

from __future__ import annotations

import csv
import errno
import json
import math
import os
import pickle
import re
import stat
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
# Parsing JSON or CSV text makes a Python object per number: a float is 24 bytes plus an 8-byte list slot, for
# as little as 2 bytes of text ("1,"), so a parse can peak at this many times the text's size (the text itself,
# its objects, and the array made from them); a file whose parse would not fit is refused before it is read.
PARSE_BYTES_PER_TEXT_BYTE = 20


def load_state_dict(path: str, prefix: str = "") -> dict[str, torch.Tensor]:
    """The parameters of one recurrent module in a weights file (see load_tensors), keyed as the module's own
    `state_dict()` keys them.

    Nested checkpoint dicts are flattened with dots (`{"model": {"rnn.weight_ih_l0": …}}` becomes
    `model.rnn.weight_ih_l0`); `prefix` then selects the module sitting directly under it and is stripped from
    its keys (a trailing dot may be left out: "encoder" means "encoder.").
    """
    tensors = load_tensors(path)
    if prefix:
        found = rnn_prefixes(tensors)
        if prefix not in found and prefix + "." in found:
            prefix += "."
        if prefix in found:
            return rnn_under(tensors, prefix)
        if not any(k.startswith(prefix) for k in tensors):
            raise InputError(f"no tensor names start with {prefix!r}; {_prefix_hint(tensors)}", path)
        raise InputError(f"no recurrent module's parameters (weight_ih_l0, …) sit directly under {prefix!r}; "
                         + _prefix_hint(tensors), path)
    if "weight_ih_l0" not in tensors:
        raise InputError(_prefix_hint(tensors), path)
    return tensors


def load_tensors(path: str) -> dict[str, torch.Tensor]:
    """Every tensor of a weights file, nested dicts flattened with dots, whatever the file is called: what it holds
    decides how it is read (Lightning's `.ckpt`, the checkpoint recipe's `.tar` and d2l's `.params` are all the zip
    that torch.save writes)."""
    kind = weights_format(path)
    if kind == "torch":
        return _load_torch(path)
    if kind == "safetensors":
        return load_safetensors(path)
    return _load_npz(path)


# The first bytes of each format a weights file can be in: torch.save's zip archive (and numpy's .npz, also a zip),
# torch's legacy pickle (protocol 2 and up starts with PROTO), and numpy's single array.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
PICKLE_PROTOCOLS = tuple(bytes([0x80, n]) for n in range(2, 6))
NPY_MAGIC = b"\x93NUMPY"


def weights_format(path: str) -> str:
    """"torch", "safetensors" or "npz", read off the file's first bytes, never its name; InputError for anything
    else, saying what the file looks like instead."""
    size = _check_readable(path).st_size
    with _open(path, "rb") as f:
        try:
            head = f.read(9)
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror})", path) from None
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(PICKLE_PROTOCOLS):
        return "torch"  # torch.save's legacy format (_use_new_zipfile_serialization=False, torch < 1.6)
    if len(head) == 9 and head[8:9] == b"{" and 8 + struct.unpack("<Q", head[:8])[0] <= size:
        return "safetensors"  # an 8-byte header length that fits the file, then the JSON header's brace
    if head.startswith(NPY_MAGIC):
        raise InputError("holds one numpy array, not named weights; save them with numpy.savez(path, **weights)",
                         path)
    if not head:
        raise InputError("is empty: it holds no weights", path)
    raise InputError("is not a weights file: a torch.save checkpoint (.pt, .pth, .ckpt, .tar, …), a safetensors "
                     "file or a numpy .npz starts otherwise", path)


def _zip_format(path: str) -> str:
    """A zip archive is torch.save's when it holds a data.pkl (in the archive's one folder), numpy's .npz when it
    holds only .npy members."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"is a damaged zip archive ({_first_line(exc)})", path) from None
    if any(name == "data.pkl" or name.endswith("/data.pkl") for name in names):
        return "torch"
    if names and all(name.endswith(".npy") for name in names):
        return "npz"
    raise InputError("is a zip archive but neither a torch.save checkpoint (no data.pkl) nor a numpy .npz", path)


def _load_npz(path: str) -> dict[str, torch.Tensor]:
    """numpy's `.npz` of named arrays (`numpy.savez(path, **state_dict)`), read without pickle and sized from the
    archive's directory before anything is inflated."""
    import zipfile

    from .config import memory_budget

    with zipfile.ZipFile(path) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    if inflated > memory_budget():
        raise InputError(f"its arrays inflate to {_bytes(inflated)}, more than the {_bytes(memory_budget())} that "
                         "can be used", path)
    try:
        with np.load(path, allow_pickle=False) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
    except ValueError as exc:  # object arrays (pickled) among them, or a damaged member
        raise InputError(f"not a plain numpy .npz of numbers ({_first_line(exc)})", path) from None
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise InputError(f"is a damaged .npz ({_first_line(exc)})", path) from None
    tensors = {}
    for name, array in loaded.items():
        if array.dtype.kind not in "fiub":
            raise InputError(f"array {name!r} holds {array.dtype}, not plain numbers", path)
        tensors[name] = torch.from_numpy(np.ascontiguousarray(array))
    if not tensors:
        raise InputError("holds no arrays", path)
    return tensors


def rnn_prefixes(tensors: dict[str, torch.Tensor]) -> list[str]:
    """Every prefix under which a recurrent module's parameters (nn.RNN, nn.GRU or nn.LSTM) sit, e.g.
    ['', 'encoder.rnn.']: wherever a `weight_ih_l0` is."""
    return sorted({k[: -len("weight_ih_l0")] for k in tensors
                   if k == "weight_ih_l0" or k.endswith(".weight_ih_l0")})


def recurrent_modules(tensors: dict[str, torch.Tensor], source: str | None = None) -> dict[str, str]:
    """Each recurrent module in a checkpoint, prefix → what it is, read off its shapes as `print(module)` shows
    it: {"encoder.": "nn.LSTM(5, 2, proj_size=1)"}. Parameters whose shapes fit no module are listed as such
    (choosing them says why). InputError when there is none."""
    prefixes = rnn_prefixes(tensors)
    if not prefixes:
        raise InputError(f"holds no {_KINDS} parameters (no …weight_ih_l0)", source)
    # One pass groups every tensor under the path it sits directly under (what rnn_under selects): a file naming
    # thousands of modules is read in time linear in its tensors, not their product.
    groups: dict[str, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        cut = name.rfind(".") + 1
        groups.setdefault(name[:cut], {})[name[cut:]] = value
    return {prefix: module_found(groups[prefix]) for prefix in prefixes}


def module_found(weights: dict[str, torch.Tensor]) -> str:
    """A module's parameters as `print(module)` shows the module, e.g. "nn.GRU(5, 2)", read off their shapes (the
    cell type by W_hh's rows and weight_hr); batch_first and nonlinearity are not in a state dict and not shown.
    Shapes that fit no module say so."""
    from .config import infer_config

    try:
        return "nn." + infer_config(weights, batch_first=False).describe()
    except InputError:
        return "shapes that fit no nn.RNN, nn.GRU or nn.LSTM"


LISTED = 10  # a message names this many modules at most: a hostile file can name thousands


def listed(modules: dict[str, str]) -> str:
    """`'decoder.' (nn.RNN(8, 2)), 'encoder.' (nn.GRU(5, 2))`: the modules of a checkpoint, for a message."""
    shown = [f"{prefix!r} ({kind})" if prefix else f"the top level ({kind})" for prefix, kind in
             list(modules.items())[:LISTED]]
    more = len(modules) - LISTED
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def only_rnn(tensors: dict[str, torch.Tensor], source: str | None = None) -> tuple[dict[str, torch.Tensor], str]:
    """The parameters of the one recurrent module in a checkpoint, keyed as the module keys them, and the prefix
    they sat under.

    A checkpoint of a whole model holds its nn.RNN, nn.GRU or nn.LSTM under the attribute path
    (`encoder.weight_ih_l0`); with only one there is nothing to choose. With several, the error lists each with
    its type for --prefix."""
    modules = recurrent_modules(tensors, source)
    if len(modules) > 1:
        raise InputError(f"holds {len(modules)} recurrent modules, under {listed(modules)}; choose one with "
                         "--prefix", source)
    prefix = next(iter(modules))
    weights = rnn_under(tensors, prefix)
    from .config import infer_config

    try:  # before anyone announces the module found: shapes that fit none are refused here, in one line
        infer_config(weights)
    except InputError as exc:
        raise InputError(f"under {prefix!r}: {exc.detail}" if prefix else exc.detail, source) from None
    return weights, prefix


def linear_heads(tensors: dict[str, torch.Tensor], prefix: str, width: int | None) -> dict[str, tuple]:
    """The Linear layers beside the recurrent module under `prefix` that read its `width` units (any width: None),
    as a classifier keeps its head (the names tutorial's `rnn.` and `h2o.`): name → (weight (classes, width), bias
    or None), in the order the file lists them."""
    parent = prefix[: prefix[:-1].rfind(".") + 1] if prefix else ""
    heads = {}
    for name, weight in tensors.items():
        if not (name.startswith(parent) and name.endswith(".weight")):
            continue
        layer = name[: -len("weight")]
        if layer == prefix or "." in layer[len(parent):-1] or weight.dim() != 2:
            continue
        if width is not None and weight.shape[1] != width:
            continue
        bias = tensors.get(layer + "bias")
        if bias is not None and tuple(bias.shape) != (weight.shape[0],):
            continue
        heads[layer] = (weight, bias)
    return heads


def rnn_under(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The tensors directly under `prefix`, without it: a recurrent module's own names hold no dot, so a module
    nested deeper under the same prefix stays out."""
    return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix) and "." not in k[len(prefix):]}


_KINDS = "nn.RNN, nn.GRU or nn.LSTM"


def _prefix_hint(tensors: dict) -> str:
    if rnn_prefixes(tensors):
        return f"recurrent modules sit under {listed(recurrent_modules(tensors))} (pass one with --prefix)"
    return f"no {_KINDS} parameters (weight_ih_l0, …) found in it"


def _load_torch(path: str) -> dict[str, torch.Tensor]:
    _check_readable(path)
    inflated = _inflated_size(path)
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
    tensors = _flatten(loaded, path)
    if not tensors:
        raise InputError("holds no tensors", path)
    check_tensors(tensors, path, holds=inflated)
    return tensors


def _inflated_size(path: str) -> int:
    """The bytes a `.pt` archive's records take once read, from the zip's central directory, before anything is
    inflated: refused when they would not fit in memory. torch.save stores records as they are, but a zip may
    deflate them, and a 3 MB file of deflated zeros inflates to gigabytes inside torch.load. (torch's archive
    reader allocates each record at the size the directory gives, so the directory bounds what it inflates.)
    A file that is not a zip (torch's legacy format) holds its bytes as they are: its own size."""
    import zipfile

    size = os.path.getsize(path)
    try:
        with zipfile.ZipFile(path) as archive:
            records = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return size  # torch's own reader says what is wrong with it
    inflated = sum(r.file_size for r in records)
    compressed = [r for r in records if r.compress_type != zipfile.ZIP_STORED]
    from .config import memory_budget

    budget = memory_budget()
    if compressed and inflated > budget:
        largest = max(compressed, key=lambda r: r.file_size)
        raise InputError(f"its compressed records inflate to {_bytes(inflated)} ({largest.filename!r} alone to "
                         f"{_bytes(largest.file_size)}), but only {_bytes(budget)} can be used; torch.save's own "
                         "files are not compressed: save it again with torch.save", path)
    if compressed and inflated > max(INFLATION_LIMIT * size, INFLATION_FLOOR):
        # Within the budget is not enough: torch.load would inflate every byte before anything could be checked,
        # and a 3 MB file of deflated zeros would take gigabytes to be refused (issue 31).
        raise InputError(f"its compressed records inflate to {_bytes(inflated)}, {inflated // size:,} times the "
                         f"file's {_bytes(size)}; weights compress far less (a zip bomb?); torch.save's own files "
                         "are not compressed: save it again with torch.save", path)
    return max(size, inflated)


# Numbers compress poorly: a float32 checkpoint re-zipped with deflate shrinks by well under 2x. A file whose records
# inflate past 16 times its size, and past 64 MiB, holds mostly repeated bytes: no weights anyone trained.
INFLATION_LIMIT = 16
INFLATION_FLOOR = 64 << 20


def check_tensors(tensors: dict[str, torch.Tensor], path: str, holds: int | None = None) -> None:
    """Refuse what the stepper cannot compute with, or what would grow past the file once copied, before any copy:
    sparse, meta and complex tensors, and tensors that repeat their data (a stride-0 `expand`, or many entries
    viewing the same bytes), which a 2 KB file can use to claim gigabytes. `holds`: the bytes the file's records
    hold once inflated (a compressed archive's), else the file's size."""
    claimed, seen = 0, set()
    for name, t in tensors.items():
        if t.layout != torch.strided:
            raise InputError(f"tensor {name!r} is sparse ({str(t.layout).replace('torch.', '')}); save it dense "
                             "with .to_dense()", path)
        if t.device.type != "cpu":
            raise InputError(f"tensor {name!r} holds no data (it is on the {t.device.type} device)", path)
        if t.is_complex():
            raise InputError(f"tensor {name!r} is complex ({t.dtype}); a recurrent module's weights are real numbers",
                             path)
        if t.is_quantized or not (t.is_floating_point() or t.dtype in _WHOLE_DTYPES):
            raise InputError(f"tensor {name!r} is {t.dtype}, not plain numbers", path)
        nbytes = t.numel() * t.element_size()
        if nbytes > t.untyped_storage().nbytes():
            raise InputError(f"tensor {name!r} repeats its data (shape {list(t.shape)}, strides {list(t.stride())}): "
                             "as plain numbers it would take " + _bytes(nbytes) + "; save it with .contiguous()",
                             path)
        view = (t.data_ptr(), tuple(t.shape), t.stride(), t.dtype)
        if view not in seen:  # the same tensor under two names (tied weights) is held once
            seen.add(view)
            claimed += nbytes
    size = os.path.getsize(path) if holds is None else holds
    if claimed > size:
        raise InputError(f"its tensors overlap: together they claim {_bytes(claimed)} but the file holds "
                         f"{_bytes(size)}", path)


_WHOLE_DTYPES = (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def _bytes(n: int) -> str:
    from .config import format_bytes

    return format_bytes(n)


# A checkpoint nests a few dicts deep (Lightning's {"state_dict": {"model.rnn.weight_ih_l0": …}}) and names some
# thousands of tensors with names of some tens of characters; a file past these is not a checkpoint. Together they
# bound what flattening can build: MAX_ENTRIES names of at most MAX_NAME characters (about 50 MB).
MAX_NESTING = 100
MAX_ENTRIES = 100_000  # dict entries visited, a dict shared under several names counted once per name
MAX_NAME = 512  # characters in a tensor's dotted name


def _flatten(tree: dict, source: str | None = None) -> dict[str, torch.Tensor]:
    """Every tensor in nested dicts, keyed by the dotted path to it.

    Pickle stores a dict shared under several names once: a 3 KB file of dicts sharing one sub-dict 40 levels
    deep names 2⁴⁰ paths. A shared dict is therefore walked once (memo by id) and its tensors' names prefixed for
    each further name, and the walk stops with an InputError past MAX_NESTING levels, MAX_ENTRIES entries or
    MAX_NAME characters, or at a dict that contains itself. An explicit stack, not recursion: depth never meets
    Python's recursion limit."""
    memo: dict[int, list[tuple[str, torch.Tensor]]] = {}  # id(dict) -> its tensors, named relative to it
    visited = 0

    def count(n: int) -> None:
        nonlocal visited
        visited += n
        if visited > MAX_ENTRIES:
            raise InputError(f"names more than {MAX_ENTRIES:,} tensors and dict entries (dicts shared under many "
                             "names, or not a checkpoint of a model)", source)

    def under(key: str, named: list[tuple[str, torch.Tensor]]) -> list[tuple[str, torch.Tensor]]:
        count(len(named))
        longest = max((len(name) for name, _ in named), default=0)
        if len(key) + 1 + longest > MAX_NAME:
            raise InputError(f"names a tensor with more than {MAX_NAME} characters (under {key[:40]!r})", source)
        return [(f"{key}.{name}", tensor) for name, tensor in named]

    # Each open dict: (the dict, its remaining items, the tensors found in it so far, the key being walked into).
    stack = [(tree, iter(tree.items()), [], "")]
    open_ids = {id(tree)}
    while True:
        node, items, found, _ = stack[-1]
        pair = next(items, None)
        if pair is None:  # this dict is done: remembered, and handed to the dict it sits in
            stack.pop()
            open_ids.discard(id(node))
            memo[id(node)] = found
            if not stack:
                return dict(found)
            stack[-1][2].extend(under(stack[-1][3], found))
            continue
        key, value = pair
        count(1)
        if not isinstance(value, (torch.Tensor, dict)):
            continue
        name = _key_text(key, source)
        if isinstance(value, torch.Tensor):
            found.append((name, value))
        elif id(value) in open_ids:
            raise InputError(f"its dict {name!r} contains itself", source)
        elif id(value) in memo:
            found.extend(under(name, memo[id(value)]))
        elif len(stack) >= MAX_NESTING:
            raise InputError(f"nests dicts more than {MAX_NESTING} deep; a checkpoint nests a few", source)
        else:
            stack[-1] = (node, items, found, name)
            open_ids.add(id(value))
            stack.append((value, iter(value.items()), [], ""))


def _key_text(key, source: str | None) -> str:
    """A dict key as it appears in a dotted name; a whole number past 4,300 digits has no text in Python."""
    try:
        text = key if isinstance(key, str) else str(key)
    except ValueError:
        raise InputError("holds a dict key that is a whole number of more than 4,300 digits", source) from None
    if len(text) > MAX_NAME:
        raise InputError(f"holds a dict key of {len(text):,} characters ({text[:40]!r}…)", source)
    return text


def load_safetensors(path: str) -> dict[str, torch.Tensor]:
    """A `.safetensors` file: 8-byte little-endian header length, a JSON header, then raw tensor bytes."""
    size = _check_readable(path).st_size
    with _open(path, "rb") as f:
        try:
            head = f.read(8)
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror})", path) from None
        if len(head) < 8:
            raise InputError("too short to be a safetensors file", path)
        (header_len,) = struct.unpack("<Q", head)
        if header_len > min(MAX_HEADER_BYTES, size - 8):
            raise InputError(f"damaged safetensors header: it claims {header_len} bytes, the file has {size}", path)
        try:
            header = json.loads(f.read(header_len).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise InputError(f"damaged safetensors header ({_json_error(exc)})", path) from None
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror})", path) from None
        if not isinstance(header, dict):
            raise InputError("damaged safetensors header: not a JSON object", path)
        data_len = size - 8 - header_len
        entries = []
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            entries.append((name, *_safetensors_entry(name, entry, data_len, path)))
        # Entries must not share bytes: 2,000 entries on the same 4 MiB would each be read into memory of its own.
        previous = None
        for name, _, _, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
            if previous is not None and begin < previous[2] and end > begin:
                raise InputError(f"damaged safetensors file: entries {previous[0]!r} and {name!r} overlap "
                                 f"(data_offsets {list(previous[1:])} and {[begin, end]})", path)
            if end > begin:
                previous = (name, begin, end)
        tensors = {}
        for name, dtype, shape, begin, end in entries:
            f.seek(8 + header_len + begin)
            try:
                raw = bytearray(f.read(end - begin))
            except OSError as exc:
                raise InputError(f"cannot be read ({exc.strerror})", path) from None
            if len(raw) != end - begin:
                raise InputError("is shorter than its header says (was it cut off while being copied?)", path)
            tensors[name] = torch.frombuffer(raw, dtype=dtype).reshape(shape) if raw else torch.zeros(
                shape, dtype=dtype)
    if not tensors:
        raise InputError("holds no tensors", path)
    return tensors


def _safetensors_entry(name, entry, data_len, path):
    kind = entry.get("dtype") if isinstance(entry, dict) else None
    if isinstance(kind, str) and kind not in SAFETENSORS_DTYPES:
        raise InputError(f"tensor {name!r} is {kind[:20]!r}; the stepper reads " + ", ".join(SAFETENSORS_DTYPES),
                         path)
    try:
        dtype = SAFETENSORS_DTYPES[entry["dtype"]]
        shape = [_whole(n) for n in entry["shape"]]
        begin, end = (_whole(n) for n in entry["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"damaged safetensors entry for {name!r} (dtype, shape or data_offsets)", path) from None
    if not 0 <= begin <= end <= data_len:
        raise InputError(f"damaged safetensors entry for {name!r}: its data lies outside the file", path)
    if any(not 0 <= n <= data_len for n in shape):  # no dimension of real data is longer than the file
        raise InputError(f"damaged safetensors entry for {name!r}: shape {shape} cannot be in this file", path)
    itemsize = torch.tensor([], dtype=dtype).element_size()
    if math.prod(shape) * itemsize != end - begin:
        raise InputError(f"damaged safetensors entry for {name!r}: shape {shape} does not fit its data", path)
    return dtype, shape, begin, end


def _whole(value) -> int:
    """A JSON whole number, and nothing JSON or int() would turn into one (true, 2.5, "7", Infinity)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def load_array(path: str) -> np.ndarray:
    """An input sequence or h0 from `.csv` (one timestep a row), `.npy` or `.json` (nested lists)."""
    ext = os.path.splitext(path)[1].lower()
    _check_readable(path)
    if ext == ".npy":
        return _load_npy(path)
    if ext in (".csv", ".txt"):
        return parse_rows(read_text(path), path, delimiter=",")
    if ext == ".json":
        return rectangular(parse_json(read_text(path), path), path)
    raise InputError(f"unknown input format {ext or '(no extension)'!r}; use .csv, .npy or .json", path)


def parse_json(text: str, source: str):
    """JSON text as Python objects, or InputError: damaged, nested too deeply, or an integer past Python's 4,300
    digits (a ValueError of its own, not a JSONDecodeError)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON ({_json_error(exc)})", source) from None


def _json_error(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if not isinstance(exc, json.JSONDecodeError) and "digits" in str(exc):
        return "it holds a whole number of more than 4,300 digits, too large for any float"
    return _first_line(exc)


def _load_npy(path: str) -> np.ndarray:
    # Check the header's claimed size against the file before numpy allocates anything that size.
    with _open(path, "rb") as f:
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
        if not shape:
            raise InputError("holds a single number, not a sequence", path)
        if 0 in shape:
            raise InputError(f"holds no numbers (shape {shape}); a sequence has at least one timestep of at least "
                             "one feature", path)
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
        if delimiter == "," and line.count('"') % 2:
            raise InputError(f"row {number}: a quoted field goes on past the end of the line (a line break inside "
                             "quotes); write one timestep a row, numbers only", source)
        try:
            cells = next(csv.reader([line])) if delimiter == "," else re.split(r"[,\s]+", line.strip())
        except csv.Error as exc:  # a field past csv's limit of 131,072 characters, a NUL byte, …
            raise InputError(f"row {number}: {_first_line(exc)}", source) from None
        row = []
        for column, cell in enumerate(cells, start=1):  # csv's own limit is 131,072 characters a field
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

    depth = _nesting(data)
    if depth > MAX_LIST_NESTING:  # before anything recurses into it, or numpy meets its 64 dimensions
        raise InputError(f"is nested more than {MAX_LIST_NESTING} lists deep; a sequence is 3 deep (time, batch, "
                         "features), a weight 2", source)
    try:
        # the fast path; walk() only runs to say what is wrong. numpy would take null as NaN and true as 1.0.
        array = None if _has_non_numbers(data) else np.array(data, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        array = None
    try:
        shape = walk(data, "") if array is None else array.shape
    except RecursionError:
        raise InputError("is nested too deeply to be a sequence", source) from None
    if not shape:
        raise InputError("holds a single number, not a sequence", source)
    return array if array is not None else np.array(data, dtype=np.float64)


MAX_LIST_NESTING = 32  # lists in lists: a sequence is 3 deep, numpy stops at 64 dimensions


def _nesting(node) -> int:
    """How many lists deep `node` goes, level by level (no recursion), stopping past MAX_LIST_NESTING. A list
    of numbers is looked at through the set of its element types, at C speed."""
    level, depth = [node], 0
    while depth <= MAX_LIST_NESTING:
        lists = [n for n in level if type(n) is list]
        if not lists:
            return depth
        depth += 1
        level = [child for n in lists if list in set(map(type, n)) for child in n]
    return depth


def _has_non_numbers(node) -> bool:
    """Whether nested lists hold anything but ints, floats and strings (null, true, objects): a type check per row."""
    if not isinstance(node, list):
        return not isinstance(node, (int, float, str)) or isinstance(node, bool)
    kinds = set(map(type, node))
    if list in kinds:
        return any(_has_non_numbers(child) for child in node)
    return not kinds <= {int, float, str}


def _number(value, source: str, where: str) -> float:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{where}: {json.dumps(value)} is not a number", source)
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise InputError(f"{where}: a {len(str(abs(value)))}-digit whole number is too large for a float",
                             source) from None
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise InputError(f"{where}: {value.strip()!r} is not a number", source) from None
    raise InputError(f"{where}: {type(value).__name__} is not a number", source)


def _check_readable(path: str) -> os.stat_result:
    """A regular file that can be read, or InputError saying what it is instead. A FIFO would block the reader
    forever and a device like /dev/zero never ends, so only regular files are read."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError("is a loop of symbolic links that never reaches a file", path) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError("no such file", path) from None
        raise InputError(f"cannot be read ({exc.strerror})", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file", path)
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(
            info.st_mode) else "a device"
        raise InputError(f"is {kind}, not a regular file; save the data to a file and give that", path)
    if not os.access(path, os.R_OK):
        raise InputError("cannot be read (permission denied)", path)
    return info


def _open(path: str, mode: str):
    try:
        return open(path, mode)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path) from None


def text_fits(size: int, path: str, what: str = "file") -> None:
    """Refuse a text file whose parse would not fit in memory, before reading it."""
    from .config import memory_budget

    need = size * PARSE_BYTES_PER_TEXT_BYTE
    budget = memory_budget()
    if need > budget:
        raise InputError(f"is {_bytes(size)}; reading this {what} could take up to {_bytes(need)} but only "
                         f"{_bytes(budget)} can be used", path)


def read_text(path: str, limit: int | None = None, what: str = "file") -> str:
    """A regular UTF-8 text file, read with a size cap: at most `limit` bytes, and no more than its parse fits.

    The cap holds while reading too: a file in /proc says it is 0 bytes and may go on for ever."""
    info = _check_readable(path)
    text_fits(info.st_size, path, what)
    if limit is not None and info.st_size > limit:
        raise InputError(f"is {_bytes(info.st_size)}, larger than a {what} can be ({_bytes(limit)})", path)
    cap = max(info.st_size, 1 << 20) if limit is None else limit
    try:
        with open(path, "rb") as f:
            raw = f.read(cap + 1)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path) from None
    if len(raw) > cap:
        raise InputError(f"grew past {_bytes(cap)} while being read; it is not a plain file", path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("is not a UTF-8 text file", path) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
