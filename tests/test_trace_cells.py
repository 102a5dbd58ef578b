"""`rnn-stepper trace --cell {rnn,gru,lstm}` and the exports, for every cell type: what a lecturer reads in the
text, what a tool reads in the JSON and the CSV, the LaTeX of each phase and the Python snippet that recomputes
the session. Every number is compared with the trace (and so the torch module) computed in the same run."""

import csv
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from helpers import run
from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.cells import CELL_TYPES
from rnn_stepper.core.distance import bits_equal
from rnn_stepper.core.export import csv_columns, iter_steps, phase_latex, python_snippet

NOTEBOOK_INPUT = [[1.0] * 5, [2.0] * 5, [3.0] * 5]


def shown(values) -> str:
    """A vector as `trace` prints it: numpy's shortest round-trip digits."""
    return np.array2string(np.asarray(values), max_line_width=10_000, threshold=10_000)


def blocks(out: str) -> list[dict[str, str]]:
    """Each timestep of the text output as {label: value}, in the order printed."""
    steps = []
    for block in out.split("time step ")[1:]:
        lines = block.split("\n\n")[0].splitlines()[1:]
        steps.append(dict(tuple(part.strip() for part in line.split(" : ", 1)) for line in lines))
    return steps


def session_of(cell: str, **options):
    return make_session(RNNConfig(cell=cell, **options), NOTEBOOK_INPUT)


# --- the text a lecturer reads -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", list(CELL_TYPES))
def test_the_text_shows_each_phase_of_the_cell_type_in_click_order_with_the_traces_numbers(capsys, cell):
    status, out, err = run(capsys, "--cell", cell, "--lang", "en")
    assert status == 0 and err == ""
    trace = compute_trace(session_of(cell))
    kind, module = trace.config.cell_type, f"nn.{trace.config.cell_type.module_name}"
    assert out.startswith(trace.config.describe())
    steps = blocks(out)
    assert len(steps) == 3
    titles = [phase.title for phase in kind.phases(trace.config)]
    for t, step in enumerate(steps):
        labels = list(step)
        assert labels[-2:] == [f"{module} output", "max |Δ|"]
        assert labels[-2 - len(titles):-2] == titles  # every phase, in the order a click reveals them
        cell_trace = trace.cell(0)
        H = trace.config.hidden_size
        for phase in kind.phases(trace.config):
            values = cell_trace.phases[phase.name][t]
            if phase.width > 1:  # a stacked phase, gate block by gate block
                assert step[phase.title] == "  ".join(f"{gate} {shown(values[:, k * H:(k + 1) * H])}"
                                                      for k, gate in enumerate(kind.gate_names))
            else:
                assert step[phase.title] == shown(values)
        assert step[f"{module} output"] == shown(cell_trace.reference[t])
        assert step["max |Δ|"] == "0 (0 ulp)"
    assert f"bitwise identical to {module}: yes" in out


def test_a_gru_shows_its_reset_and_update_gates_between_zero_and_one(capsys):
    out = run(capsys, "--cell", "gru", "--lang", "en")[1]
    trace = compute_trace(session_of("gru"))
    for t, step in enumerate(blocks(out)):
        for title, name in (("reset gate", "reset_gate"), ("update gate", "update_gate")):
            gate = trace.cell(0).phases[name][t]
            assert step[title] == shown(gate) and bool(((gate > 0) & (gate < 1)).all())
        assert step["h₀ (initial)" if t == 0 else f"h_{t - 1} (t-1)"] == shown(trace.cell(0).h_prev[t])


def test_an_lstm_shows_its_cell_state_beside_h_and_the_fused_kernels_distance_with_the_reason(capsys):
    out = run(capsys, "--cell", "lstm", "--lang", "en")[1]
    trace = compute_trace(session_of("lstm"))
    cell = trace.cell(0)
    for t, step in enumerate(blocks(out)):
        previous = "₀ (initial)" if t == 0 else f"_{t - 1} (t-1)"
        assert step[f"h{previous}"] == shown(cell.h_prev[t])
        assert step[f"c{previous}"] == shown(cell.c_prev[t])
        assert step["cell state"] == shown(cell.phases["cell"][t])
    assert "bitwise identical to nn.LSTM: yes" in out  # against nn.LSTM's native path, which the trace replays
    if trace.fused is None:  # this PyTorch runs the native cell for a float32 LSTM too
        assert "oneDNN's fused kernel" not in out
    elif trace.fused_max_ulps:
        assert (f"your PyTorch computes this nn.LSTM with oneDNN's fused kernel ({trace.fused.kernel}); its bits "
                f"differ from the step-by-step cell: {trace.fused_max_ulps:.3g} ulp") in out
    else:
        assert "here its bits agree with the step-by-step cell" in out


def test_a_projected_lstm_shows_the_unprojected_state_and_h_with_proj_size_units(capsys):
    out = run(capsys, "--cell", "lstm", "--hidden-size", "3", "--proj-size", "1", "--lang", "en")[1]
    trace = compute_trace(session_of("lstm", hidden_size=3, proj_size=1))
    step = blocks(out)[1]
    assert step["unprojected hidden state"] == shown(trace.cell(0).phases["unprojected"][1])
    assert step["new hidden state"] == shown(trace.cell(0).hidden[1])
    assert np.asarray(trace.cell(0).hidden[1]).shape == (1, 1)


def test_the_reverse_direction_names_the_step_its_state_comes_from(capsys):
    out = run(capsys, "--cell", "gru", "--bidirectional", "--lang", "en")[1]
    trace = compute_trace(session_of("gru", bidirectional=True))
    reverse = blocks(out.split("== layer 0, reverse ==")[1])
    assert [step["input"] for step in reverse] == [shown(trace.cell(0, 1).x[t]) for t in (2, 1, 0)]
    assert [label for step in reverse for label in step if label.startswith("h")] == \
        ["h₀ (initial)", "h_2 (t+1)", "h_1 (t+1)"]
    assert reverse[2]["h_1 (t+1)"] == shown(trace.cell(0, 1).hidden[1])
    assert "t-1" not in out.split("== layer 0, reverse ==")[1]


def test_the_textbook_order_says_what_it_computes_and_why_it_lands_where_it_does(capsys):
    out = run(capsys, "--cell", "gru", "--order", "textbook", "--lang", "en")[1]
    trace = compute_trace(make_session(RNNConfig(cell="gru"), NOTEBOOK_INPUT, order="textbook"))
    kind = trace.config.cell_type
    assert f"textbook order: {kind.textbook_name}" in out
    assert f"bitwise identical to nn.GRU: {'yes' if trace.bitwise_equal else 'no'}" in out
    assert (kind.textbook_note in out) == (not trace.bitwise_equal)
    for t, step in enumerate(blocks(out)):
        assert step["candidate"] == shown(trace.cell(0).phases["candidate"][t])


def test_korean_labels_the_gates_with_the_cell_types_korean_titles(capsys):
    out = run(capsys, "--cell", "lstm", "--lang", "ko")[1]
    assert "타임 스텝 0 =>" in out
    assert "망각 게이트" in out and "셀 상태" in out and "nn.LSTM 출력과 비트 단위로 일치: 예" in out
    assert "forget gate" not in out


# --- bad combinations: one line that says how to fix it ----------------------------------------------------------

@pytest.mark.parametrize("args, fix", [
    (["--cell", "gru", "--nonlinearity", "relu"], "leave --nonlinearity out, or use --cell rnn"),
    (["--cell", "lstm", "--nonlinearity", "tanh"], "leave --nonlinearity out, or use --cell rnn"),
    (["--proj-size", "2", "--hidden-size", "2", "--cell", "lstm"], "give a smaller --proj-size or a larger "
                                                                    "--hidden-size"),
    (["--proj-size", "1", "--cell", "gru"], "leave --proj-size out, or use --cell lstm"),
    (["--cell", "gru", "--c0", "{c0}"], "leave --c0 out, or use --cell lstm"),
    (["--cell", "lstm", "--hidden-size", "3", "--c0", "{c0}"], "this session needs (1, 1, 3)"),
    (["--cell", "lstm", "--hidden-size", "3", "--proj-size", "1", "--h0", "{c0}"], "this session needs (1, 1, 1)"),
])
def test_a_bad_combination_exits_2_with_one_line_saying_how_to_fix_it(capsys, tmp_path, args, fix):
    c0 = tmp_path / "c0.json"
    c0.write_text("[[[0.5, -0.5]]]")
    status, out, err = run(capsys, *[a.format(c0=c0) for a in args])
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("rnn-stepper: error: ") and fix in err


def test_a_gru_state_dict_refuses_nn_rnns_nonlinearity_rather_than_ignore_it(capsys, tmp_path):
    torch.save(nn.GRU(5, 2).state_dict(), tmp_path / "gru.pt")
    status, _, err = run(capsys, "--weights", str(tmp_path / "gru.pt"), "--nonlinearity", "relu")
    assert status == 2 and "this is an nn.GRU: leave --nonlinearity out" in err and err.count("\n") == 1


# --- the JSON document -------------------------------------------------------------------------------------------

def test_an_lstms_json_round_trips_its_phases_states_c_n_and_the_fused_distance(capsys, tmp_path):
    rng = np.random.default_rng(5)
    h0, c0 = rng.standard_normal((4, 1, 3)).astype(np.float32), rng.standard_normal((4, 1, 3)).astype(np.float32)
    np.save(tmp_path / "h0.npy", h0)
    np.save(tmp_path / "c0.npy", c0)
    options = ["--cell", "lstm", "--hidden-size", "3", "--num-layers", "2", "--bidirectional"]
    status, out, _ = run(capsys, *options, "--h0", str(tmp_path / "h0.npy"), "--c0", str(tmp_path / "c0.npy"),
                         "--format", "json")
    assert status == 0
    doc = json.loads(out)
    config = RNNConfig(cell="lstm", hidden_size=3, num_layers=2, bidirectional=True)
    trace = compute_trace(make_session(config, NOTEBOOK_INPUT, h0=h0, c0=c0))
    assert doc["schema_version"] == 2 and doc["config"]["cell"] == "lstm" and doc["config"]["proj_size"] == 0
    assert doc["cell"]["module"] == "nn.LSTM" and doc["cell"]["states"] == ["h_prev", "c_prev"]
    assert [p["name"] for p in doc["cell"]["phases"]] == list(config.phases)
    assert doc["c0"] == c0.tolist() and doc["h0"] == h0.tolist()
    assert doc["reference"]["c_n"] == trace.reference.final["cell"].tolist()
    assert doc["manual"]["c_n"] == trace.final["cell"].tolist() == doc["reference"]["c_n"]
    assert len(doc["steps"]) == 2 * 2 * 3
    for step in doc["steps"]:
        cell = trace.cell(step["layer"], step["direction"])
        assert step["h_prev"] == cell.h_prev[step["t"], 0].tolist()
        assert step["c_prev"] == cell.c_prev[step["t"], 0].tolist()
        for name in config.phases:
            assert step[name] == cell.phases[name][step["t"], 0].tolist()
    if trace.fused is None:
        assert doc["fused"] is None
    else:
        assert doc["fused"]["kernel"] == trace.fused.kernel
        assert doc["fused"]["c_n"] == trace.fused.final["cell"].tolist()
        assert doc["fused"]["max_ulps"] == trace.fused_max_ulps
        assert doc["fused"]["max_abs_diff"] == trace.fused_max_abs_diff
    # The document alone rebuilds the session: the same bits.
    rebuilt = compute_trace(make_session(
        RNNConfig.from_dict({k: v for k, v in doc["config"].items() if k not in ("seed", "order")}), doc["input"],
        weights=doc["weights"], h0=doc["h0"], c0=doc["c0"]))
    assert rebuilt.final["cell"].tolist() == doc["manual"]["c_n"]


@pytest.mark.parametrize("cell, options", [("rnn", {}), ("gru", {}), ("lstm", {}),
                                           ("lstm", {"hidden_size": 3, "proj_size": 2})])
def test_the_json_lists_the_phases_so_a_reader_knows_each_steps_keys(capsys, cell, options):
    argv = ["--cell", cell] + [a for k, v in options.items() for a in ("--" + k.replace("_", "-"), str(v))]
    doc = json.loads(run(capsys, *argv, "--format", "json")[1])
    trace = compute_trace(session_of(cell, **options))
    kind = trace.config.cell_type
    described = doc["cell"]["phases"]
    assert [(p["name"], p["symbol"], p["title"]) for p in described] == [
        (p.name, p.symbol, p.title) for p in kind.phases(trace.config)]
    step = doc["steps"][0]
    for phase in described:
        assert len(step[phase["name"]]) == phase["size"]
        assert (phase["blocks"] is not None) == (phase["size"] > trace.config.hidden_size)
    assert set(step) == {"layer", "direction", "t", "batch", "x", *doc["cell"]["states"],
                         *(p["name"] for p in described), "reference", "abs_diff", "ulps"}
    assert len(step["hidden"]) == trace.config.output_size
    assert doc["reference"]["h_n"] == trace.reference_h_n.tolist()


# --- the CSV table -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, options", [("rnn", {}), ("gru", {"num_layers": 2}), ("lstm", {"bidirectional": True}),
                                           ("lstm", {"hidden_size": 3, "proj_size": 2})])
def test_the_csv_has_a_column_per_phase_and_per_gate_block_and_a_row_per_unit(capsys, cell, options):
    argv = ["--cell", cell]
    for k, v in options.items():
        argv += ["--" + k.replace("_", "-")] + ([] if v is True else [str(v)])
    status, out, _ = run(capsys, *argv, "--format", "csv")
    assert status == 0
    trace = compute_trace(session_of(cell, **options))
    config, kind = trace.config, trace.config.cell_type
    H, P = config.hidden_size, config.output_size
    expected = []
    for phase in kind.phases(config):
        expected += [f"{phase.name}_{gate}" for gate in kind.gate_names] if phase.width > 1 else [phase.name]
    states = ["h_prev", "c_prev"] if "cell" in kind.state else ["h_prev"]
    rows = list(csv.DictReader(io.StringIO(out)))
    own = np.dtype(config.dtype).type  # each value is written in its own dtype's shortest digits
    assert list(rows[0]) == ["layer", "direction", "t", "batch", "unit", *states, *expected, "reference",
                             "abs_diff", "ulps"]
    assert len(rows) == len(trace.cells) * 3 * H
    for row in rows:
        cell_trace = trace.cell(int(row["layer"]), int(row["direction"]))
        t, unit = int(row["t"]), int(row["unit"])
        for phase in kind.phases(config):
            values = cell_trace.phases[phase.name][t, 0]
            if phase.width > 1:
                for k, gate in enumerate(kind.gate_names):
                    assert own(row[f"{phase.name}_{gate}"]) == own(values[k * H + unit].item())
            elif unit < len(values):
                assert own(row[phase.name]) == own(values[unit].item())
        if unit < P:
            assert own(row["hidden"]) == own(row["reference"]) == own(cell_trace.reference[t, 0, unit].item())
        else:  # a projected h has fewer units than c: its fields stay empty
            assert row["hidden"] == row["reference"] == row["h_prev"] == ""


def test_each_steps_record_reads_every_csv_column_as_trace_to_dataframe_reads_it():
    # Trace.to_dataframe builds its table as `step[column][unit]` for the columns of csv_columns.
    trace = compute_trace(session_of("gru", num_layers=2))
    columns = csv_columns(trace)
    H = trace.config.hidden_size
    for step in iter_steps(trace):
        phases = trace.cell(step["layer"], step["direction"]).phases
        for unit in range(len(step["hidden"])):
            for k, gate in enumerate(trace.config.cell_type.gate_names):
                assert step[f"recurrent_term_{gate}"][unit] == phases["recurrent_term"][step["t"], 0, k * H + unit]
            assert [step[c] if c in ("layer", "direction", "t", "batch") else unit if c == "unit" else
                    step[c][unit] for c in columns]


# --- LaTeX -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, options", [("rnn", {"nonlinearity": "relu"}), ("gru", {}), ("gru", {"bias": False}),
                                           ("lstm", {}), ("lstm", {"hidden_size": 3, "proj_size": 1})])
@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_every_phase_of_every_cell_type_has_its_latex_with_this_steps_numbers(cell, options, order):
    session = make_session(RNNConfig(cell=cell, **options), NOTEBOOK_INPUT, order=order)
    trace = compute_trace(session)
    cell_trace = trace.cell(0)
    for phase in trace.config.cell_type.phases(trace.config):
        text = phase_latex(cell_trace, 1, 0, phase.name, trace.config, order)
        value = cell_trace.phases[phase.name][1, 0].numpy()
        assert text.startswith(f"{phase.symbol}_{{1}} = ")
        assert text.endswith(r" = \begin{bmatrix}" + r" \\ ".join(str(v) for v in value) + r"\end{bmatrix}")
        assert text.count("{") == text.count("}") and text.count(r"\left(") == text.count(r"\right)")
        placeholders = "|".join([*trace.config.phases, "x", "h_prev", "c_prev"])
        assert not re.search(rf"\{{({placeholders})(\.\d)?\}}", text), text  # every vector filled in
        assert ("b_{" in text) == (trace.config.bias and "[+ b_" in phase.equation_for(order))
        assert "_{0}" in text or "{prev}" not in phase.equation_for(order)  # h_{t-1} of t = 1 is h_0


# --- the Python snippet ------------------------------------------------------------------------------------------

def run_snippet(session) -> str:
    result = subprocess.run([sys.executable, "-c", python_snippet(session)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


SNIPPETS = [
    ("rnn", {"bidirectional": True, "nonlinearity": "relu"}),
    ("gru", {}),
    ("gru", {"bias": False, "bidirectional": True, "num_layers": 2}),
    ("lstm", {}),
    ("lstm", {"bidirectional": True, "bias": False}),
    ("lstm", {"hidden_size": 3, "proj_size": 2, "num_layers": 2, "batch_first": False}),
]


@pytest.mark.slow  # each snippet runs in a fresh Python
@pytest.mark.parametrize("cell, options", SNIPPETS)
@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_the_snippet_recomputes_every_cell_type_and_says_what_the_trace_says(cell, options, order):
    config = RNNConfig(cell=cell, **options)
    rng = np.random.default_rng(2)
    inputs = rng.standard_normal((4, 2, 5) if not config.batch_first else (2, 4, 5))
    c0 = rng.standard_normal((config.num_layers * config.num_directions, 2, config.hidden_size)) if (
        "cell" in config.cell_type.state) else None
    session = make_session(config, inputs, order=order, c0=c0)
    trace = compute_trace(session)
    out = run_snippet(session)
    module = f"nn.{config.cell_type.module_name}"
    # every state of every step, in the order the cells computed them, as numpy prints them
    printed = "".join(f"layer {c.layer} direction {c.direction} time step {t} =>\n"
                      + "".join(f"   {'output' if s == 'hidden' else s} (manual) : {c.phases[s][t].numpy()}\n"
                                for s in config.cell_type.state)
                      for c in trace.cells for t in c.walk)
    assert printed in out
    # The snippet compares the output and every final state with the module's (native path), as the trace does.
    same = bits_equal(trace.output.numpy(), trace.reference_output.numpy()) and all(
        bits_equal(trace.final[s].numpy(), trace.reference.final[s].numpy()) for s in trace.final)
    assert f"bitwise identical to {module}: {same}" in out
    if order == "kernel":
        assert same and trace.bitwise_equal


def test_the_snippet_of_one_unbatched_float64_sequence_with_h0_and_c0_is_identical_to_nn_lstm():
    rng = np.random.default_rng(0)
    config = RNNConfig(cell="lstm", hidden_size=3, proj_size=2, dtype="float64", bidirectional=True)
    session = make_session(config, rng.standard_normal((4, 5)), unbatched=True, h0=rng.standard_normal((2, 2)),
                           c0=rng.standard_normal((2, 3)))
    out = run_snippet(session)
    trace = compute_trace(session)
    assert trace.bitwise_equal and "bitwise identical to nn.LSTM: True" in out
    assert f"   cell (manual) : {trace.cell(0, 1).phases['cell'][0].numpy()}\n" in out
