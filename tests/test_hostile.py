"""Hostile files, full disks and odd seeds (issue 17): every refusal is one line naming what was wrong, small files
never take big memory, and the window keeps its work.

Where memory was the problem, the case runs in a fresh process and its peak RSS (ru_maxrss) is compared with the
peak of the same command on the notebook's own session, measured in the same run."""

import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
import torch

from helpers import SLACK, MiB, peak, refused, run
from rnn_stepper.core import InputError, make_session
from rnn_stepper.core.files import load_array, load_tensors
from rnn_stepper.core.session_file import load_session, session_to_document

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def safetensors(path, header, data=b""):
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)
    return str(path)


def notebook_weights() -> dict:
    return dict(make_session().weights)


# --- JSON, CSV and .npy inputs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, says", [
    ("[[" + "1" * 320 + ", 1, 1, 1, 1]]", "320-digit whole number is too large"),
    ("[[" + "1" * 5000 + ", 1, 1, 1, 1]]", "more than 4,300 digits"),
    ("[[null, 1, 1, 1, 1]]", "[0][0]: null is not a number"),
    ("[[1, 1, true, 1, 1]]", "[0][2]: true is not a number"),
    ("[[1, 1, 1, 1, {}]]", "[0][4]: dict is not a number"),
])
def test_json_inputs_that_are_not_numbers_are_refused_by_place(capsys, tmp_path, text, says):
    path = tmp_path / "x.json"
    path.write_text(text)
    refused(capsys, "--input", str(path), says=says)


def test_a_csv_field_past_csvs_limit_is_one_line(capsys, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("1," + "1" * 140_000 + "\n")
    refused(capsys, "--input", str(path), says="row 1: field larger than field limit")


def test_a_0d_npy_is_a_single_number_not_a_sequence(capsys, tmp_path):
    np.save(tmp_path / "x.npy", np.array(3.0))
    refused(capsys, "--input", str(tmp_path / "x.npy"), says="holds a single number, not a sequence")


def test_a_complex_npy_is_refused(capsys, tmp_path):
    np.save(tmp_path / "x.npy", np.ones((3, 5), dtype=np.complex64))
    refused(capsys, "--input", str(tmp_path / "x.npy"), says="complex64, not numbers")


# --- seeds --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [2**31, 2**63, 2**64 - 1, -1, -(2**63)])
def test_every_seed_torch_accepts_is_accepted_and_draws_torchs_weights(capsys, seed):
    status, out, _ = run(capsys, "--seed", str(seed), "--format", "json")
    assert status == 0
    torch.manual_seed(seed)
    expected = torch.nn.RNN(5, 2, batch_first=True).state_dict()
    got = json.loads(out)["weights"]
    assert all(torch.equal(torch.tensor(got[k]), v) for k, v in expected.items())


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1, 10**400])
def test_a_seed_torch_refuses_is_one_line(capsys, seed):
    with pytest.raises((ValueError, RuntimeError, OverflowError)):  # torch itself would not take it
        torch.manual_seed(seed)
    refused(capsys, "--seed", str(seed), says="what torch.manual_seed accepts")


# --- .pt and .safetensors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, says", [
    ("sparse", "is sparse (sparse_coo)"),
    ("csr", "is sparse (sparse_csr)"),
    ("meta", "holds no data (it is on the meta device)"),
    ("complex", "is complex (torch.complex64)"),
])
def test_tensors_the_stepper_cannot_compute_with_are_refused_by_name(capsys, tmp_path, kind, says):
    weights = notebook_weights()
    w = weights["weight_ih_l0"]
    weights["weight_ih_l0"] = {"sparse": lambda: w.to_sparse(), "csr": lambda: w.to_sparse_csr(),
                               "meta": lambda: torch.empty(2, 5, device="meta"),
                               "complex": lambda: w.to(torch.complex64)}[kind]()
    torch.save(weights, tmp_path / "w.pt")
    err = refused(capsys, "--weights", str(tmp_path / "w.pt"), says=says)
    assert "'weight_ih_l0'" in err and str(tmp_path / "w.pt") in err


def test_a_tensor_name_with_a_newline_and_ansi_escapes_is_printed_escaped(capsys, tmp_path):
    weights = notebook_weights()
    weights["weight_ih_l0\x1b[31mRED\nx\u202e"] = weights["weight_ih_l0"].clone()
    torch.save(weights, tmp_path / "w.pt")
    err = refused(capsys, "--weights", str(tmp_path / "w.pt"), says=r"weight_ih_l0\x1b[31mRED\nx\u202e")
    assert "\x1b" not in err and "\u202e" not in err


@pytest.mark.parametrize("header, says", [
    (b'{"weight_ih_l0": {"dtype": "F32", "shape": [2, 5], "data_offsets": [0, Infinity]}}', "data_offsets"),
    (b'{"weight_ih_l0": {"dtype": "F32", "shape": [2, 5], "data_offsets": [0, 40.0]}}', "data_offsets"),
    (b'{"weight_ih_l0": {"dtype": "F32", "shape": [true, 5], "data_offsets": [0, 40]}}', "data_offsets"),
    (b'{"weight_ih_l0": {"dtype": "F32", "shape": [4294967296, 4294967296, 0], "data_offsets": [0, 0]}}',
     "cannot be in this file"),
    (b'{"weight_ih_l0": {"dtype": "F32", "shape": [2, 5], "data_offsets": [0, ' + b"4" * 5000 + b"]}}",
     "more than 4,300 digits"),
    (b'{"weight_ih_l0": {"dtype": "C64", "shape": [2, 5], "data_offsets": [0, 40]}}', "is 'C64'"),
])
def test_damaged_safetensors_numbers_are_one_line(capsys, tmp_path, header, says):
    refused(capsys, "--weights", safetensors(tmp_path / "w.safetensors", header, b"\0" * 40), says=says)


def test_torchs_warnings_do_not_add_lines_to_the_one_line(tmp_path):
    weights = notebook_weights()
    weights["weight_ih_l0"] = weights["weight_ih_l0"].to_sparse_csr()  # torch warns "in beta state" on loading
    torch.save(weights, tmp_path / "w.pt")
    done = subprocess.run([sys.executable, "-m", "rnn_stepper", "trace", "--weights", str(tmp_path / "w.pt")],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT})
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "sparse_csr" in done.stderr, done.stderr


# --- special files and I/O errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("option", ["--input", "--weights", "--h0"])
def test_a_fifo_is_refused_instead_of_blocking(capsys, tmp_path, option):
    path = tmp_path / ("x.pt" if option == "--weights" else "x.csv")
    os.mkfifo(path)
    refused(capsys, option, str(path), says="is a FIFO (named pipe), not a regular file")


def test_dev_zero_is_refused_instead_of_read_forever(capsys, tmp_path):
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    refused(capsys, "--input", str(tmp_path / "zero.csv"), says="is a device, not a regular file")


def test_a_symlink_loop_is_reported_as_a_loop(capsys, tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    refused(capsys, "--input", str(tmp_path / "a.csv"), says="is a loop of symbolic links")


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux's /proc")
@pytest.mark.parametrize("name", ["x.csv", "x.json", "x.npy", "x.pt", "x.safetensors", "x.rnnstep.json"])
def test_an_eio_while_reading_is_one_line(tmp_path, name):
    # /proc/self/mem is a regular file whose first page cannot be read: every read gives EIO.
    (tmp_path / name).symlink_to("/proc/self/mem")
    loader = load_session if name.endswith(".rnnstep.json") else load_tensors if name.endswith(
        ("pt", "safetensors")) else load_array
    with pytest.raises(InputError) as refusal:
        loader(str(tmp_path / name))
    assert str(tmp_path / name) in str(refusal.value) and "\n" not in str(refusal.value)


def test_trace_with_stdout_closed_or_full_is_one_line_and_status_2():
    env = {**os.environ, "PYTHONPATH": ROOT}
    command = [sys.executable, "-m", "rnn_stepper", "trace"]
    closed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=env, close_fds=True, preexec_fn=lambda: os.close(1))
    assert closed.returncode == 2 and closed.stderr.count("\n") == 1, closed.stderr
    assert "standard output is closed" in closed.stderr
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "No space left on device" in done.stderr


# --- session files ------------------------------------------------------------------------------------------------

def session_doc() -> dict:
    return json.loads(json.dumps(session_to_document(make_session())))


@pytest.mark.parametrize("change, says", [
    (lambda d: d["config"].update(bias="false"), "bias must be true or false, got 'false'"),
    (lambda d: d["config"].update(batch_first="no"), "batch_first must be true or false, got 'no'"),
    (lambda d: d["config"].update(bidirectional=1), "bidirectional must be true or false"),
    (lambda d: d["config"].update(dropout="0.5"), "dropout must be a number"),
    (lambda d: d["input"][0][0].__setitem__(0, None), "input: [0][0][0]: null is not"),
    (lambda d: d["weights"]["weight_hh_l0"][0].__setitem__(1, True), "weights.weight_hh_l0: [0][1]: true is not"),
    (lambda d: d.update(seed=2**64), "seed must be between"),
    (lambda d: d.update(seed=1.5), "seed must be a whole number"),
])
def test_session_values_of_the_wrong_kind_are_refused(tmp_path, change, says):
    doc = session_doc()
    change(doc)
    path = tmp_path / "s.rnnstep.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as refusal:
        load_session(str(path))
    assert says in str(refusal.value) and str(path) in str(refusal.value)


def test_a_session_with_a_huge_integer_is_refused(tmp_path):
    text = json.dumps(session_doc()).replace('"input": [[[', '"input": [[[' + "9" * 320 + ", ", 1)
    path = tmp_path / "s.rnnstep.json"
    path.write_text(text)
    with pytest.raises(InputError, match="320-digit whole number is too large"):
        load_session(str(path))


def test_a_session_with_a_64_bit_seed_loads_with_torchs_weights(tmp_path):
    doc = session_doc()
    doc["seed"] = 2**40
    path = tmp_path / "s.rnnstep.json"
    path.write_text(json.dumps(doc))
    session, _ = load_session(str(path))
    assert session.seed == 2**40


# --- memory: small files never take big memory --------------------------------------------------------------------



def test_aliased_safetensors_entries_are_refused_before_any_is_read(tmp_path, baseline_rss):
    header = {f"t{i}": {"dtype": "F32", "shape": [1024, 1024], "data_offsets": [0, 4 * MiB]} for i in range(2000)}
    path = safetensors(tmp_path / "alias.safetensors", header, b"\0" * (4 * MiB))  # claims 8 GiB
    status, rss = peak("trace", "--weights", path)
    assert status == 2 and rss < baseline_rss + SLACK, rss / MiB
    with pytest.raises(InputError, match="entries 't0' and 't1' overlap"):
        load_tensors(path)


def test_stride_0_tensors_are_refused_by_file_and_name_before_any_copy(tmp_path, baseline_rss):
    weights = notebook_weights()
    weights["weight_ih_l0"] = torch.zeros(1).expand(40_000, 40_000)  # 2 KB on disk, 6 GB once copied
    weights["weight_hh_l0"] = torch.zeros(1).expand(40_000, 40_000)
    path = str(tmp_path / "stride0.pt")
    torch.save(weights, path)
    status, rss = peak("trace", "--weights", path)
    assert status == 2 and rss < baseline_rss + SLACK, rss / MiB
    with pytest.raises(InputError) as refusal:
        load_tensors(path)
    assert str(refusal.value).startswith(path + ": tensor 'weight_ih_l0' repeats its data")


def test_many_names_for_overlapping_views_of_one_pt_storage_are_refused(tmp_path):
    big = torch.zeros(1 << 20)
    torch.save({f"w{i}": big[i:] for i in range(64)}, tmp_path / "views.pt")  # 4 MiB file, 256 MiB of views
    with pytest.raises(InputError, match="its tensors overlap"):
        load_tensors(str(tmp_path / "views.pt"))
    tied = notebook_weights()
    torch.save({"encoder.rnn": tied, "decoder.rnn": tied}, tmp_path / "tied.pt")  # the same tensors twice
    assert len(load_tensors(str(tmp_path / "tied.pt"))) == 8


def test_steps_past_the_sequence_end_at_once(qtbot):
    from rnn_stepper.ui.app import open_window

    _, window = open_window(steps=10**30, background=False, restore=False)
    qtbot.addWidget(window)
    assert window.model.at_end


# --- the window ---------------------------------------------------------------------------------------------------

class Deferred:
    """A model runner that holds each computation until the test lets it finish, or fail."""

    def __init__(self):
        self.jobs = []

    def __call__(self, work, done, progress):
        self.jobs.append((work, done, progress))

    def finish(self, error: BaseException | None = None):
        work, done, progress = self.jobs.pop(0)
        try:
            result = work(progress) if error is None else error
        except Exception as exc:
            result = exc
        done(result)


def deferred_window(qtbot):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    runner = Deferred()
    window = MainWindow(StepperModel(runner=runner))
    qtbot.addWidget(window)
    runner.finish()
    return window, runner


def test_imported_is_said_only_once_the_trace_is_on_show(qtbot, tmp_path):
    torch.save(notebook_weights(), tmp_path / "w.pt")
    window, runner = deferred_window(qtbot)
    messages = []
    window.model.events.message.connect(messages.append)
    window.files.import_weights(str(tmp_path / "w.pt"))
    runner.finish()  # the file is read; the trace of its weights is still to come
    assert not any(m.startswith("Imported") for m in messages)
    runner.finish(RuntimeError("the computation failed"))
    assert not any(m.startswith("Imported") for m in messages)
    window.files.import_weights(str(tmp_path / "w.pt"))
    runner.finish()
    runner.finish()
    assert [m for m in messages if m.startswith("Imported")] == [
        "Imported RNN(5, 2, batch_first=True); nonlinearity=tanh is kept (a state dict does not record it)"]


@pytest.mark.parametrize("error", [MemoryError(), RuntimeError("torch could not read it"),
                                   InputError("holds no tensors")])
def test_every_import_failure_names_the_file(qtbot, tmp_path, no_modal_dialogs, error):
    path = str(tmp_path / "w.pt")
    torch.save(notebook_weights(), path)
    window, runner = deferred_window(qtbot)
    before = window.model.session
    window.files.import_weights(path)
    runner.finish(error)
    (title, text), = no_modal_dialogs
    assert text.startswith(path + ": ") and "\n" not in text and window.model.session is before


def test_a_sparse_checkpoint_in_the_window_is_one_named_refusal(qtbot, tmp_path, no_modal_dialogs):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    weights = notebook_weights()
    weights["weight_hh_l0"] = weights["weight_hh_l0"].to_sparse()
    torch.save(weights, tmp_path / "w.pt")
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    assert not window.files.import_weights(str(tmp_path / "w.pt"))
    assert no_modal_dialogs[-1][1] == f"{tmp_path / 'w.pt'}: tensor 'weight_hh_l0' is sparse (sparse_coo); save " \
                                      "it dense with .to_dense()"


@pytest.mark.parametrize("seed", [2**31, 2**40, 2**64 - 1, -5])
def test_a_64_bit_seed_opens_saved_and_the_seed_box_holds_it(qtbot, tmp_path, monkeypatch, seed):
    from PySide6 import QtWidgets

    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    monkeypatch.setattr(QtWidgets.QMessageBox, "critical", lambda *a: (_ for _ in ()).throw(AssertionError(a)))
    doc = session_doc()
    doc["seed"] = seed
    doc["weights"] = {k: v.tolist() for k, v in make_session(seed=seed).weights.items()}
    path = tmp_path / "s.rnnstep.json"
    path.write_text(json.dumps(doc))
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    assert window.files.open_path(str(path))
    box = window.config_panel.fields["seed"]
    assert box.value() == seed and box.text() == str(seed) and not window.model.dirty
    window.model.configure(hidden_size=3)  # a recompute keeps the seed
    assert window.model.session.seed == seed and box.value() == seed


def test_typing_a_big_seed_draws_torchs_weights_and_a_seed_past_64_bits_is_refused(qtbot):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    box = window.config_panel.fields["seed"]
    box.setText(str(2**63 + 7))
    box.editingFinished.emit()
    assert window.model.session.seed == 2**63 + 7
    assert torch.equal(window.model.session.weights["weight_hh_l0"], make_session(seed=2**63 + 7).weights[
        "weight_hh_l0"])
    box.setText(str(2**64))
    box.editingFinished.emit()
    assert window.model.session.seed == 2**63 + 7 and box.text() == str(2**63 + 7)
    assert "seed must be between" in window.config_panel.error.text()


# --- no work lost: two instances, bad autosaves, full disks, links and modes -------------------------------------

def dirty_window(qtbot, hidden_size):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.model.configure(hidden_size=hidden_size)
    window.files.autosave(block=True)
    return window


def test_two_instances_keep_their_own_autosaves_and_a_killed_ones_is_offered(qtbot):
    from instances import killed
    from rnn_stepper.ui.session_files import autosave_path

    dirty = dirty_window(qtbot, 4)
    mine = autosave_path()
    killed()  # from here on, windows are a second instance
    clean = dirty_window(qtbot, 2)
    clean.model.configure(hidden_size=2)
    assert not clean.model.dirty or clean.model.session.config.hidden_size == 2
    clean.files.autosave(block=True)  # a clean or dirty second instance never deletes the first one's file
    assert mine.exists() and autosave_path() != mine
    offered = []
    assert clean.files.offer_restore(ask=lambda orphan: offered.append(orphan) or True)
    assert offered == [mine] and clean.model.session.config.hidden_size == 4 and clean.model.dirty
    assert not mine.exists() and autosave_path().exists()  # the restored work is now this instance's autosave
    del dirty


def test_two_killed_dirty_instances_are_both_offered_newest_first(qtbot):
    from instances import killed
    from rnn_stepper.ui.session_files import autosave_path

    first = dirty_window(qtbot, 3)
    older = autosave_path()
    killed()
    os.utime(older, (1, 1))
    second = dirty_window(qtbot, 6)
    newer = autosave_path()
    killed()
    fresh = dirty_window(qtbot, 2)
    offered = []
    assert not fresh.files.offer_restore(ask=lambda orphan: offered.append(orphan) and False)
    assert offered == [newer, older] and not older.exists() and not newer.exists()  # declined: deleted
    del first, second


def test_an_instance_that_is_alive_is_never_offered(qtbot):
    from rnn_stepper.ui.session_files import orphaned_autosaves

    dirty_window(qtbot, 4)
    assert orphaned_autosaves() == []  # the same process holds the lock: a second instance sees it alive


@pytest.mark.parametrize("damage", ["huge integer", "trace fails"])
def test_a_bad_autosave_is_explained_set_aside_and_never_offered_again(qtbot, monkeypatch, no_modal_dialogs,
                                                                       damage):
    from instances import killed
    from rnn_stepper.ui.session_files import autosave_path, orphaned_autosaves

    dirty_window(qtbot, 4)
    orphan = autosave_path()
    if damage == "huge integer":
        orphan.write_text(orphan.read_text().replace('"input": [[[', '"input": [[[' + "9" * 400 + ", ", 1))
    else:
        import rnn_stepper.core.trace as trace_module

        real = trace_module.compute_trace

        def fails_on_the_restored(session, *args, **kwargs):
            if session.config.hidden_size == 4:
                raise RuntimeError("the kernel failed")
            return real(session, *args, **kwargs)

        monkeypatch.setattr(trace_module, "compute_trace", fails_on_the_restored)
    killed()
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    model = StepperModel()
    fresh = MainWindow(model)
    qtbot.addWidget(fresh)
    before = fresh.model.session
    assert not fresh.files.offer_restore(ask=lambda path: True)
    title, text = no_modal_dialogs[-1]
    assert title == "Could not restore the session" and "set aside as" in text and "\n" not in text
    assert fresh.model.session is before and not orphan.exists()
    assert orphan.with_name("damaged-" + orphan.name).exists() and orphaned_autosaves() == []


def test_the_crash_guard_is_installed_before_the_window_is_built(monkeypatch, capsys):
    from PySide6 import QtWidgets

    from rnn_stepper.ui import app

    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "critical", lambda *a: shown.append(a))

    def fails(*args, **kwargs):
        raise RuntimeError("restoring went wrong")

    monkeypatch.setattr(app, "open_window", fails)
    assert app.run_window() == 1
    assert shown and "restoring went wrong" in shown[-1][2]
    assert "Traceback" not in capsys.readouterr().err


def write_fails(monkeypatch, errno_=28):
    """The disk fills up at the last moment: the fsync before the rename fails, as on a full or failing disk."""
    import errno as errno_module

    def fsync(fd):
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(os, "fsync", fsync)
    return errno_module


@pytest.mark.parametrize("export", ["plot.png", "plot.svg", "trace.json", "trace.csv", "slide.png", "snippet.py"])
def test_a_failed_export_keeps_the_previous_file_and_says_so(qtbot, tmp_path, monkeypatch, no_modal_dialogs,
                                                             export):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    path = tmp_path / export
    path.write_bytes(b"the previous export")
    messages = []
    window.model.events.message.connect(messages.append)
    write_fails(monkeypatch)
    do = {"plot": lambda: window.exports.plot(str(path)), "trace": lambda: window.exports.trace(str(path)),
          "slide": lambda: window.exports.slide(str(path), (1280, 720)),
          "snippet": lambda: window.exports.snippet(str(path))}[export.split(".")[0]]
    assert not do()
    # no half-written file beside it ("data" and "settings" are the test's own autosave and settings folders, which
    # a slow machine's 5-second autosave may have made meanwhile)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("data", "settings", "config"))
    assert path.read_bytes() == b"the previous export" and left == [export]
    assert "No space left on device" in no_modal_dialogs[-1][1] and not any(m.startswith("Exported") for m in
                                                                             messages)
    monkeypatch.undo()
    assert do() and path.read_bytes() != b"the previous export"


def test_a_failed_session_save_keeps_the_previous_file(tmp_path, monkeypatch):
    from rnn_stepper.core.session_file import save_session

    path = tmp_path / "s.rnnstep.json"
    save_session(str(path), make_session())
    before = path.read_bytes()
    write_fails(monkeypatch, 5)
    with pytest.raises(InputError, match=r"could not save \(Input/output error\)"):
        save_session(str(path), make_session(seed=2))
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["s.rnnstep.json"]


def test_saving_onto_a_symlink_writes_its_target_and_keeps_the_link_and_the_mode(tmp_path):
    from rnn_stepper.core.session_file import save_session

    real = tmp_path / "shared" / "lecture.rnnstep.json"
    real.parent.mkdir()
    save_session(str(real), make_session())
    os.chmod(real, 0o664)
    link = tmp_path / "link.rnnstep.json"
    link.symlink_to(real)
    save_session(str(link), make_session(seed=7))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_session(str(real))[0].seed == 7
    assert oct(os.stat(real).st_mode & 0o777) == oct(0o664)
    assert sorted(p.name for p in real.parent.iterdir()) == ["lecture.rnnstep.json"]


def test_a_new_file_gets_the_usual_mode_not_0600(tmp_path):
    from rnn_stepper.core.writing import _umask, write_atomically

    write_atomically(str(tmp_path / "new.txt"), b"x")
    assert os.stat(tmp_path / "new.txt").st_mode & 0o777 == 0o666 & ~_umask()


def test_trace_csv_onto_a_full_device_is_one_line_and_status_2():
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "rnn_stepper", "trace", "--format", "csv", "--sequence",
                               ";".join(["1,2,3,4,5"] * 5000)], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT})
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "No space left" in done.stderr, done.stderr
