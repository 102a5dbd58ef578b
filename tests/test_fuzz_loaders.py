"""Every loader, fed mutated and random bytes, either loads or refuses with an InputError. Nothing else escapes,
nothing hangs, and a refused file leaves the open session as it was.

CI runs RNN_STEPPER_FUZZ_EXAMPLES cases per loader (default 3000); the long run in the README sets it higher."""

import io
import json
import os

import numpy as np
import pytest
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


# --- round 3 (issue 31): classes generated, not listed -------------------------------------------------------------

SOME = settings(FUZZ, max_examples=max(EXAMPLES // 30, 40))


@st.composite
def shared_and_nested_dicts(draw):
    """Dicts whose levels share sub-dicts (pickle stores each once: 2^depth paths in a few KB), nest deep, hold
    themselves, or mix all three with plain tensors."""
    leaf = {"weight": torch.ones(2, 2)} if draw(st.booleans()) else dict(make_session().weights)
    node = leaf
    for _ in range(draw(st.integers(0, 130))):
        how = draw(st.sampled_from(["share", "nest", "wide"]))
        if how == "share":
            node = {"a": node, "b": node}
        elif how == "nest":
            node = {draw(st.sampled_from(["m", "state_dict", "0", "rnn"])): node}
        else:
            node = {**{f"k{i}": node for i in range(draw(st.integers(1, 20)))}, "t": torch.zeros(1)}
    if draw(st.integers(0, 9)) == 0:
        node["self"] = node
    buffer = io.BytesIO()
    torch.save(node, buffer)
    return buffer.getvalue()


@SOME
@given(data=shared_and_nested_dicts())
def test_shared_and_nested_dicts_load_or_are_refused_in_one_line(tmp_path_factory, data):
    import time

    started = time.perf_counter()
    attempt(".pt", data, tmp_path_factory.mktemp("shared"))
    assert time.perf_counter() - started < 30  # the walk is bounded by its entry cap, not by 2^depth


@st.composite
def compressed_archives(draw):
    """A torch archive with its records deflated (torch.save never does), holding zeros that inflate far."""
    import zipfile

    weights = dict(make_session().weights)
    if draw(st.booleans()):
        weights["zeros"] = torch.zeros(draw(st.integers(1, 1 << 22)))
    buffer = io.BytesIO()
    torch.save(weights, buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
    with zipfile.ZipFile(out, "w", method) as archive:
        for record in source.infolist():
            archive.writestr(record.filename, source.read(record))
    return out.getvalue(), weights


@SOME
@given(archive=compressed_archives(), budget_mib=st.integers(1, 64))
def test_compressed_records_load_exactly_or_are_refused_before_inflating(tmp_path_factory, archive, budget_mib):
    import rnn_stepper.core.config as config

    data, weights = archive
    path = tmp_path_factory.mktemp("deflated") / "w.pt"
    path.write_bytes(data)
    real_budget, real_load = config.memory_budget, torch.load
    inflated = sum(t.numel() * t.element_size() for t in weights.values())
    config.memory_budget = lambda: budget_mib << 20
    try:
        if inflated > budget_mib << 20:
            torch.load = lambda *a, **k: (_ for _ in ()).throw(AssertionError("torch.load ran on a file to refuse"))
        loaded = load_tensors(str(path))
    except InputError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        if "inflate" in str(exc):
            assert inflated > budget_mib << 20 or "records inflate" not in str(exc)
    else:
        assert set(loaded) == set(weights) and all(torch.equal(loaded[k], v) for k, v in weights.items())
    finally:
        config.memory_budget, torch.load = real_budget, real_load


LOCALE_NAMES = ("tr_TR", "de_DE", "ko_KR")


@pytest.fixture(scope="module")
def compiled_locales(tmp_path_factory):
    import shutil
    import subprocess

    if shutil.which("localedef") is None or not os.path.isdir("/usr/share/i18n/locales"):
        pytest.skip("needs glibc's localedef and /usr/share/i18n/locales")
    folder = tmp_path_factory.mktemp("locales")
    for name in LOCALE_NAMES:
        subprocess.run(["localedef", "-i", name, "-f", "UTF-8", str(folder / f"{name}.UTF-8")], capture_output=True)
    return str(folder)


@pytest.mark.parametrize("name", LOCALE_NAMES)
def test_every_loader_under_each_locale(compiled_locales, tmp_path_factory, name):
    """The loaders parse numbers and names with Python and numpy, never the C locale; a locale with a comma for a
    decimal point (de_DE) or a dotless i (tr_TR) changes nothing they read or refuse."""
    import locale

    previous_locpath = os.environ.get("LOCPATH")
    os.environ["LOCPATH"] = compiled_locales
    previous = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, f"{name}.UTF-8")
    except locale.Error:
        pytest.skip(f"{name}.UTF-8 could not be made here")
    try:
        @SOME
        @given(ext=st.sampled_from(sorted(VALID)), data=st.data())
        def loads_or_refuses(ext, data):
            attempt(ext, data.draw(mutated(VALID[ext])), tmp_path_factory.mktemp("locale"))

        loads_or_refuses()
        folder = tmp_path_factory.mktemp("valid")
        for ext, data in VALID.items():
            (folder / f"v{ext}").write_bytes(data)
            LOADERS[ext](str(folder / f"v{ext}"))  # the valid files load as in the C locale
    finally:
        locale.setlocale(locale.LC_ALL, previous)
        if previous_locpath is None:
            os.environ.pop("LOCPATH", None)
        else:
            os.environ["LOCPATH"] = previous_locpath


SETTING_KEYS = ("language", "font_scale", "colormap", "state_unit_scale", "recent")
setting_values = st.one_of(
    st.sampled_from(["de", "ko", "en", "nan", "inf", "-1e308", "1e308", "0", "1.5", "true", "@Invalid()",
                     "@ByteArray(\\0\\xff)", "@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x1cQ)", "CET-D1", "\"\"", ",,,"]),
    st.text(max_size=40).map(lambda t: t.replace("\n", " ").replace("\r", " ")),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@settings(FUZZ, max_examples=max(EXAMPLES // 150, 15))
@given(lines=st.lists(st.tuples(st.sampled_from(SETTING_KEYS), setting_values), max_size=6),
       garbage=st.binary(max_size=64))
def test_random_settings_files_never_stop_the_window(qtbot, lines, garbage):
    import math

    from PySide6 import QtCore

    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow
    from rnn_stepper.ui.settings import FONT_SCALE_RANGE

    path = QtCore.QSettings().fileName()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"[General]\n" + "".join(f"{k}={v}\n" for k, v in lines).encode("utf-8", "surrogatepass")
                + garbage)
    QtCore.QSettings().sync()
    window = MainWindow(StepperModel(), presenting=True)
    qtbot.addWidget(window)
    scale = window.font_scale()
    assert math.isfinite(scale) and FONT_SCALE_RANGE[0] <= scale <= FONT_SCALE_RANGE[1]
    assert isinstance(window.unit_scale(), bool) and "\n" not in window.statusBar().currentMessage()
    window.close()


display_strings = st.one_of(
    st.builds(lambda host, n, screen: f"{host}:{n}{screen}", st.sampled_from(["", "unix", "localhost", "127.0.0.1",
                                                                             "no-such-host.invalid", "::1"]),
              st.integers(0, 99999), st.sampled_from(["", ".0", ".7"])),
    st.text(max_size=30),
)


@settings(FUZZ, max_examples=max(EXAMPLES // 30, 40))
@given(display=display_strings)
def test_any_display_is_either_usable_or_said_to_be_unusable(display):
    from rnn_stepper.ui.app import display_problem

    saved = {k: os.environ.pop(k, None) for k in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    try:
        if "\0" not in display:
            os.environ["DISPLAY"] = display
        problem = display_problem()
        assert problem is None or (isinstance(problem, str) and "\n" not in problem)
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
            else:
                os.environ.pop(key, None)


@SOME
@given(mode=st.integers(0, 0o777), content=st.binary(max_size=64))
def test_a_target_of_any_mode_is_written_whole_or_refused_and_kept(tmp_path_factory, mode, content):
    from rnn_stepper.core.writing import write_atomically

    folder = tmp_path_factory.mktemp("modes")
    path = folder / "target"
    path.write_bytes(b"before")
    os.chmod(path, mode)
    try:
        write_atomically(str(path), content)
    except InputError as exc:
        assert "write-protected" in str(exc) and str(path) in str(exc)
        assert not mode & 0o222 or not os.access(path, os.W_OK)
        assert path.read_bytes() == b"before" if os.access(path, os.R_OK) else True
    else:
        assert mode & 0o222 and path.read_bytes() == content and os.stat(path).st_mode & 0o777 == mode
    assert [p.name for p in folder.iterdir()] == ["target"]


@st.composite
def nonfinite_sessions(draw):
    """Small sessions of every cell type and order with NaN and ±Inf put anywhere in their input and weights."""
    from rnn_stepper.core.config import RNNConfig

    config = RNNConfig(cell=draw(st.sampled_from(["rnn", "gru", "lstm"])), input_size=draw(st.integers(1, 4)),
                       hidden_size=draw(st.integers(1, 3)), num_layers=draw(st.integers(1, 2)),
                       bidirectional=draw(st.booleans()), dtype=draw(st.sampled_from(["float32", "float64"])))
    session = make_session(config, torch.randn(1, draw(st.integers(1, 3)), config.input_size,
                                               generator=torch.Generator().manual_seed(draw(st.integers(0, 99)))),
                           seed=draw(st.integers(0, 99)))
    special = st.sampled_from([float("nan"), float("inf"), float("-inf"), 3e38, -3e38])
    inputs, weights = session.inputs.clone(), {k: v.clone() for k, v in session.weights.items()}
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(["input", *sorted(weights)]))
        tensor = inputs if target == "input" else weights[target]
        tensor.view(-1)[draw(st.integers(0, tensor.numel() - 1))] = draw(special)
    from dataclasses import replace

    return replace(make_session(config, inputs, weights=weights), order=draw(st.sampled_from(["kernel", "textbook"])))


@settings(FUZZ, max_examples=max(EXAMPLES // 30, 40))
@given(session=nonfinite_sessions(), data=st.data())
def test_every_explain_path_says_what_a_non_finite_number_is(session, data):
    import math

    from rnn_stepper.core import compute_trace
    from rnn_stepper.core.explain import explain

    trace = compute_trace(session)
    config = session.config
    layer = data.draw(st.integers(0, config.num_layers - 1))
    direction = data.draw(st.integers(0, config.num_directions - 1))
    t = data.draw(st.integers(0, trace.seq_len - 1))
    cell = trace.cell(layer, direction)
    for phase, values in cell.phases.items():
        unit = data.draw(st.integers(0, values.shape[-1] - 1))
        breakdown = explain(trace, layer, direction, t, 0, phase, unit)
        text = breakdown.text()
        assert breakdown.latex().startswith("\\begin{aligned}")
        if not math.isfinite(breakdown.returned):
            assert f"{breakdown.symbol} is " in text and ("NaN" in text or "Inf" in text)
