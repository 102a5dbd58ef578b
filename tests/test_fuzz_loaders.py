"""Every loader, fed mutated and random bytes, either loads or refuses with an InputError. Nothing else escapes,
nothing hangs, and a refused file leaves the open session as it was.

CI runs RNN_STEPPER_FUZZ_EXAMPLES cases per loader (default 3000); the long run in the README sets it higher."""

import io
import json
import os

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import save as safetensors_bytes

from rnn_stepper.core import InputError, make_session
from rnn_stepper.core.files import load_array, load_tensors
from rnn_stepper.core.session_file import load_session, session_to_document

EXAMPLES = int(os.environ.get("RNN_STEPPER_FUZZ_EXAMPLES", "3000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def _pt() -> bytes:
    buffer = io.BytesIO()
    torch.save(make_session().weights, buffer)
    return buffer.getvalue()


def _npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.arange(15, dtype=np.float32).reshape(3, 5))
    return buffer.getvalue()


VALID = {
    ".rnnstep.json": json.dumps(session_to_document(make_session())).encode(),
    ".pt": _pt(),
    ".safetensors": safetensors_bytes({k: v.contiguous() for k, v in make_session().weights.items()}),
    ".csv": b"1,1,1,1,1\n2,2,2,2,2\n3,3,3,3,3\n",
    ".npy": _npy(),
    ".json": b"[[1, 1, 1, 1, 1], [2, 2, 2, 2, 2]]",
}
LOADERS = {".rnnstep.json": load_session, ".pt": load_tensors, ".safetensors": load_tensors, ".csv": load_array,
           ".npy": load_array, ".json": load_array}


@st.composite
def mutated(draw, valid: bytes):
    """Random bytes, or a valid file with bytes flipped, cut, inserted or duplicated."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=512))
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 6))):
        how = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del data[at:at + draw(st.integers(1, 16))]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif how == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
        else:
            del data[at:]
    return bytes(data)


def attempt(ext: str, data: bytes, folder) -> None:
    path = folder / f"fuzz{ext}"
    path.write_bytes(data)
    try:
        LOADERS[ext](str(path))
    except InputError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc).strip()


def make_test(ext):
    @FUZZ
    @given(data=mutated(VALID[ext]))
    def test(tmp_path_factory, data):
        attempt(ext, data, tmp_path_factory.mktemp("fuzz"))

    test.__name__ = f"test_fuzzed_{ext.strip('.').replace('.', '_')}_loads_or_is_refused"
    return test


for _ext in VALID:
    _test = make_test(_ext)
    globals()[_test.__name__] = _test


def test_the_valid_seeds_load():
    for ext, data in VALID.items():
        assert data, ext
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        for ext, data in VALID.items():
            path = Path(folder) / f"valid{ext}"
            path.write_bytes(data)
            LOADERS[ext](str(path))


def test_a_huge_safetensors_header_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes((2**62).to_bytes(8, "little") + b"{}")
    attempt(".safetensors", path.read_bytes(), tmp_path)
    header = json.dumps({"w": {"dtype": "F32", "shape": [2**40, 2**20], "data_offsets": [0, 2**62]}}).encode()
    data = len(header).to_bytes(8, "little") + header
    try:
        load_tensors(str(tmp_path / "w.safetensors")) if (tmp_path / "w.safetensors").write_bytes(data) else None
    except InputError as exc:
        assert "outside the file" in str(exc)


def test_a_npy_header_claiming_a_huge_array_is_refused(tmp_path):
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 5), }"
    header += b" " * (118 - len(header)) + b"\n"
    path = tmp_path / "huge.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\x00" * 16)
    try:
        load_array(str(path))
        raise AssertionError("loaded a 20 TB array from 200 bytes")
    except InputError as exc:
        assert "more data than the file has" in str(exc)


def test_a_pt_that_evals_code_is_refused_and_never_runs(tmp_path):
    class Payload:
        def __reduce__(self):
            return (eval, ("__import__('pathlib').Path(%r).touch()" % str(tmp_path / "ran"),))

    torch.save({"weight_ih_l0": Payload()}, tmp_path / "eval.pt")
    try:
        load_tensors(str(tmp_path / "eval.pt"))
        raise AssertionError("loaded")
    except InputError as exc:
        assert "pickled code" in str(exc) and "eval" in str(exc)
    assert not (tmp_path / "ran").exists()


# --- the hostile classes of issue 17: huge integers, non-numbers, aliasing, stride 0, special files, full disks ----

HOSTILE_NUMBERS = st.one_of(
    st.integers(300, 5000).map(lambda digits: int("9" * digits) if digits < 4300 else "9" * digits),
    st.sampled_from([None, True, False, {}, [], "NaN", "1e400", "Infinity", "abc", 2**64, -(2**63) - 1]))


@st.composite
def hostile_json(draw, valid: bytes):
    """A valid JSON document with a few of its numbers replaced by hostile values (a bare digit string stands for
    an integer past Python's 4,300-digit limit, spliced in as text)."""
    doc = json.loads(valid)
    numbers = []

    def collect(node, parent, key):
        if isinstance(node, dict):
            for k, v in node.items():
                collect(v, node, k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                collect(v, node, i)
        elif isinstance(node, (int, float)) or (isinstance(node, bool)):
            numbers.append((parent, key))

    collect(doc, None, None)
    marks = {}
    for n in range(draw(st.integers(1, 3))):
        parent, key = draw(st.sampled_from(numbers))
        value = draw(HOSTILE_NUMBERS)
        if isinstance(value, str) and value.isdigit():
            marks[f"__HUGE{n}__"] = value
            value = f"__HUGE{n}__"
        parent[key] = value
    text = json.dumps(doc)
    for mark, digits in marks.items():
        text = text.replace(f'"{mark}"', digits)
    return text.encode()


@st.composite
def hostile_safetensors(draw):
    """Headers whose entries alias each other's bytes, claim huge shapes, or give offsets that are not integers."""
    data_len = draw(st.integers(0, 256))
    whole = st.one_of(st.integers(0, data_len + 8), st.integers(2**31, 2**64),
                      st.sampled_from([True, 1.5, "8", None, -1]))
    header = {}
    for i in range(draw(st.integers(1, 6))):
        begin = draw(whole)
        end = draw(st.one_of(whole, st.just(begin + 4 if isinstance(begin, int) else 4)))
        header[f"t{i}"] = {"dtype": draw(st.sampled_from(["F32", "F64", "I8", "C64", "BOOL", 7])),
                           "shape": draw(st.lists(st.one_of(st.integers(0, 8), whole), max_size=4)),
                           "data_offsets": [begin, end]}
    raw = json.dumps(header).encode()
    if draw(st.booleans()):
        raw = raw.replace(b"null", b"Infinity")
    return len(raw).to_bytes(8, "little") + raw + bytes(data_len)


@st.composite
def hostile_pt(draw):
    """State dicts with stride-0, overlapping, sparse, complex or meta tensors among plain ones."""
    base = torch.arange(64, dtype=torch.float32)
    makers = {
        "plain": lambda: torch.ones(2, 5),
        "stride0": lambda: torch.zeros(1).expand(draw(st.integers(2, 5000)), draw(st.integers(2, 5000))),
        "overlap": lambda: base[draw(st.integers(0, 32)):],
        "sparse": lambda: torch.ones(2, 5).to_sparse(),
        "complex": lambda: torch.ones(2, 5, dtype=torch.complex64),
        "meta": lambda: torch.empty(2, 5, device="meta"),
    }
    kinds = draw(st.lists(st.sampled_from(sorted(makers)), min_size=1, max_size=8))
    buffer = io.BytesIO()
    torch.save({f"w{i}": makers[kind]() for i, kind in enumerate(kinds)}, buffer)
    return buffer.getvalue()


HOSTILE = {".json": hostile_json(VALID[".json"]), ".rnnstep.json": hostile_json(VALID[".rnnstep.json"]),
           ".safetensors": hostile_safetensors(), ".pt": hostile_pt()}


def make_hostile_test(ext):
    @settings(FUZZ, max_examples=max(EXAMPLES // 10, 50))
    @given(data=HOSTILE[ext])
    def test(tmp_path_factory, data):
        attempt(ext, data, tmp_path_factory.mktemp("hostile"))

    test.__name__ = f"test_hostile_{ext.strip('.').replace('.', '_')}_loads_or_is_refused_in_one_line"
    return test


for _ext in HOSTILE:
    _test = make_hostile_test(_ext)
    globals()[_test.__name__] = _test


def special_files(folder):
    os.mkfifo(folder / "fifo")
    (folder / "zero").symlink_to("/dev/zero")
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "folder").mkdir()
    return ["fifo", "zero", "loop", "folder"]


def test_special_files_are_refused_by_every_loader_without_blocking(tmp_path):
    names = special_files(tmp_path)
    for ext, loader in LOADERS.items():
        for name in names:
            path = tmp_path / f"{name}{ext}"
            path.symlink_to(tmp_path / name)
            try:
                loader(str(path))
                raise AssertionError(f"{path} loaded")
            except InputError as exc:
                assert str(path) in str(exc) and "\n" not in str(exc)


@FUZZ
@given(where=st.sampled_from(["write", "fsync", "replace"]), errno_=st.sampled_from([28, 5, 122]),
       seed=st.integers(0, 2**64 - 1))
def test_a_write_failing_anywhere_leaves_the_previous_session_whole(tmp_path_factory, where, errno_, seed):
    import builtins

    from rnn_stepper.core import writing
    from rnn_stepper.core.session_file import save_session

    folder = tmp_path_factory.mktemp("full")
    path = folder / "s.rnnstep.json"
    save_session(str(path), make_session())
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(errno_, os.strerror(errno_))

    original = {"fsync": os.fsync, "replace": os.replace}
    target = {"write": (writing.os, "fdopen"), "fsync": (os, "fsync"), "replace": (os, "replace")}[where]
    saved = getattr(*target)
    setattr(*target, fail)
    try:
        save_session(str(path), make_session(seed=seed))
        raise AssertionError("saved onto a failing disk")
    except InputError as exc:
        assert os.strerror(errno_) in str(exc) and str(path) in str(exc)
    finally:
        setattr(*target, saved)
    assert path.read_bytes() == before and [p.name for p in folder.iterdir()] == ["s.rnnstep.json"]
    del builtins, original
