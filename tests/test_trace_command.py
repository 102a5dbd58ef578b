"""`rnn-stepper trace`: the notebook's walkthrough for any session, as text, JSON or CSV."""

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from helpers import run, run_cli
from notebook_code import nn_rnn_hidden, the_notebooks_own_code
from rnn_stepper.core import RNNConfig, compute_trace, make_session


def shown(values) -> str:
    """An array as the notebook prints `.numpy()`: numpy's shortest round-trip digits."""
    return np.array2string(np.asarray(values), max_line_width=10_000, threshold=10_000)


def test_no_options_prints_the_notebooks_table(capsys):
    status, out, err = run(capsys, "--lang", "en")
    assert status == 0 and err == ""
    assert out.startswith("RNN(5, 2, batch_first=True)  (kernel, float32, seed=1)")
    blocks = out.split("time step ")[1:]
    assert [b.splitlines()[0] for b in blocks] == ["0 =>", "1 =>", "2 =>"]
    assert "input            : [[1. 1. 1. 1. 1.]]" in blocks[0]
    notebook, trace = the_notebooks_own_code(), compute_trace(make_session())
    for t, block in enumerate(blocks):
        assert f"input projection : {shown(trace.cell(0).phases['input_projection'][t])}" in block
        assert f"new hidden state : {shown(notebook['rnn_output'][t])}" in block  # the manual output
        assert f"nn.RNN output    : {shown(notebook['rnn_output'][t])}" in block
        assert "max |Δ|          : 0 (0 ulp)" in block
    assert "bitwise identical to nn.RNN: yes" in out


def test_textbook_order_in_korean_prints_the_notebooks_hand_loop_beside_nn_rnn(capsys):
    status, out, _ = run(capsys, "--order", "textbook", "--lang", "ko")
    assert status == 0
    assert "타임 스텝 0 =>" in out
    notebook, trace = the_notebooks_own_code(), compute_trace(make_session(order="textbook"))
    blocks = out.split("타임 스텝 ")[1:]
    for t, block in enumerate(blocks):
        assert f"입력 투영    : {shown(notebook['input_projection'][t])}" in block
        assert f"새 은닉 상태 : {shown(notebook['hidden'][t])}" in block
        assert f"nn.RNN 출력  : {shown(notebook['rnn_output'][t])}" in block
    assert f"nn.RNN 출력과 비트 단위로 일치: {'예' if trace.bitwise_equal else '아니오'}" in out
    g = lambda v: f"{v:.3g}" if v else "0"  # noqa: E731  (the text output's short form)
    assert f"최대 |Δ| = {g(trace.max_abs_diff)} ({g(trace.max_ulps)} ulp)" in out


def test_language_follows_the_system_locale(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert "타임 스텝 0 =>" in run_cli(capsys, "trace")[1]  # no --lang


def test_json_holds_every_number_shown_and_rebuilds_the_session(capsys):
    status, out, _ = run(capsys, "--format", "json", "--num-layers", "2", "--bidirectional", "--hidden-size", "3")
    assert status == 0
    doc = json.loads(out)
    assert {"config", "steps", "reference", "max_abs_diff", "bitwise_equal"} <= set(doc)
    assert doc["bitwise_equal"] is True and doc["max_abs_diff"] == 0.0
    assert doc["config"]["num_layers"] == 2 and doc["config"]["bidirectional"] is True
    assert len(doc["steps"]) == 2 * 2 * 3 * 1  # layers × directions × timesteps × batch
    first = doc["steps"][0]
    assert {"layer", "direction", "t", "batch", "x", "input_projection", "recurrent_term", "pre_activation",
            "hidden"} <= set(first)
    assert [s["t"] for s in doc["steps"] if s["layer"] == 0 and s["direction"] == 1] == [2, 1, 0]
    # Rebuild from the document alone: same weights, same input, the same bits.
    config = RNNConfig.from_dict({k: v for k, v in doc["config"].items() if k not in ("seed", "order")})
    rebuilt = compute_trace(make_session(config, doc["input"], weights=doc["weights"]))
    assert rebuilt.reference_output.tolist() == doc["reference"]["output"]
    assert rebuilt.reference_h_n.tolist() == doc["reference"]["h_n"]
    for step in doc["steps"]:
        cell = rebuilt.cell(step["layer"], step["direction"])
        for name in ("x", "h_prev", "input_projection", "recurrent_term", "pre_activation", "hidden"):
            values = cell.x if name == "x" else cell.h_prev if name == "h_prev" else cell.phases[name]
            assert values[step["t"], step["batch"]].tolist() == step[name]


def test_json_writes_nan_as_a_string_so_strict_parsers_read_it(capsys):
    status, out, _ = run(capsys, "--format", "json", "--sequence", "1,1,1,1,1; nan,2,2,2,2")
    assert status == 0
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert doc["nonfinite"] is True and doc["steps"][1]["hidden"] == ["NaN", "NaN"]


def test_csv_has_a_row_per_hidden_unit_of_each_step(capsys):
    status, out, _ = run(capsys, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0 and len(rows) == 3 * 2
    assert list(rows[0])[:6] == ["layer", "direction", "t", "batch", "unit", "h_prev"]
    assert rows[0]["hidden"] == str(np.float32(nn_rnn_hidden()[0][0]))  # float32's shortest digits
    assert rows[5]["t"] == "2" and rows[5]["unit"] == "1" and rows[5]["abs_diff"] == "0.0" and rows[5]["ulps"] == "0"


@pytest.mark.parametrize("args", [
    ["--seq-first"], ["--nonlinearity", "relu"], ["--no-bias"], ["--dtype", "float64"],
    ["--num-layers", "3", "--hidden-size", "4", "--bidirectional"], ["--unbatched"], ["--seed", "42"],
    ["--dropout", "0.3", "--num-layers", "2"],
])
def test_every_option_stays_bitwise_equal_in_kernel_order(capsys, args):
    status, out, _ = run(capsys, "--format", "json", *args)
    doc = json.loads(out)
    assert status == 0 and doc["bitwise_equal"] is True


def test_the_dropout_note_says_it_changes_nothing(capsys):
    out = run(capsys, "--dropout", "0.5", "--num-layers", "2", "--lang", "en")[1]
    assert "dropout=0.5 only acts in training mode" in out


def test_input_size_is_read_off_the_sequence(capsys):
    doc = json.loads(run(capsys, "--format", "json", "--sequence", "1 2; 3 4; 5 6")[1])
    assert doc["config"]["input_size"] == 2 and doc["sequence_length"] == 3


def test_the_console_script_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "rnn_stepper", "trace", "--lang", "en"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "bitwise identical to nn.RNN: yes" in result.stdout


def test_unbatched_input_is_passed_to_nn_rnn_as_two_dimensional(capsys):
    doc = json.loads(run(capsys, "--format", "json", "--unbatched")[1])
    assert doc["batched"] is False
    assert torch.tensor(doc["reference"]["output"]).shape == (3, 2)


def test_text_and_json_say_what_computed_them_and_how_far_this_machine_is_from_the_notebook(capsys):
    from rnn_stepper.core.machine import numeric_environment
    from rnn_stepper.core.notebook import distance_from_notebook

    environment = numeric_environment()
    status, out, _ = run(capsys, "--order", "textbook", "--lang", "en")
    assert status == 0 and f"computed with {environment.describe()}" in out
    for distance in distance_from_notebook(compute_trace(make_session(order="textbook"))):
        label = {"input_projection": "input projection", "hidden": "new hidden state"}[distance.phase]
        said = [line for line in out.splitlines() if line.startswith(label + ":")]
        assert len(said) == 1
        if distance.max_ulps:
            assert f"{distance.max_ulps:.3g} ulp from the notebook's printout" in said[0]
        else:
            assert "the notebook's printed digits exactly" in said[0]
    doc = json.loads(run(capsys, "--format", "json")[1])
    assert doc["environment"] == environment.to_dict()
    assert set(doc["notebook_distance"]) == {"hidden"} and len(doc["notebook_distance"]["hidden"]) == 3
    other = run(capsys, "--seed", "2", "--lang", "en")[1]
    assert "notebook" not in other and json.loads(run(capsys, "--seed", "2", "--format", "json")[1])[
        "notebook_distance"] is None


@pytest.mark.slow  # fresh processes write T = 20,000 steps
@pytest.mark.parametrize("fmt", ["json", "csv"])  # text streams the same way; benchmarks/memory.py measures all
def test_a_long_trace_is_written_as_it_is_made_within_its_memory_estimate(tmp_path, fmt):
    # Peak RSS of the whole process, less that of the same command on one step: what the job held. At hidden
    # size 2 nearly all of it is per-step overhead, which the estimate counts; 1.5x is the documented target.
    import os

    from rnn_stepper.core.config import estimated_bytes

    T = 20_000
    values = np.random.default_rng(0).standard_normal((T, 1)).astype(np.float32)
    np.save(tmp_path / "long.npy", values)
    np.save(tmp_path / "one.npy", values[:1])

    def peak(name):
        with open(os.devnull, "wb") as sink:
            process = subprocess.Popen([sys.executable, "-m", "rnn_stepper", "trace", "--hidden-size", "2",
                                        "--input", str(tmp_path / name), "--format", fmt], stdout=sink)
            _, status, usage = os.wait4(process.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        return usage.ru_maxrss * 1024

    held = peak("long.npy") - peak("one.npy")
    assert held <= 1.5 * estimated_bytes(RNNConfig(input_size=1, hidden_size=2), T, 1)
