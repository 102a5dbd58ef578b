"""A cell type is a plug-in (issue 29): a fourth one, the minimal gated unit (Zhou et al. 2016), lives only in this
file. Its steps are this module's `phases`, `kernel` and `textbook`; its reference is `MinimalGatedUnit`, one
timestep in plain torch ops. Registered with `cells.register`, it is traced, checked against its reference and
against its own formulas, explained, exported and drawn, and nothing outside core/cells/ knows its name.

One timestep, in the reset-after form PyTorch's GRU uses (f multiplies W_hn h + b_hn; the paper applies it to h
before the product, which the textbook order computes):

    f_t = σ(a_f + s_f),   n_t = tanh(a_n + f_t ⊙ s_n),   h_t = (n_t − h_{t-1}) ⊙ f_t + h_{t-1}
"""

import csv
import io
import json

import numpy as np
import pytest
import torch

from conformance import departures, session_for, variants
from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.cells import (
    CELL_TYPES,
    HIDDEN,
    CellSteps,
    CellType,
    Phase,
    gate,
    input_projection,
    recurrent_term,
    register,
    unregister,
)
from rnn_stepper.core.cells.stepwise import Stepwise
from rnn_stepper.core.explain import explain
from rnn_stepper.core.steps import StepStore, linear, plus_bias, project_inputs

NAME = "mgu"


def phases(config) -> tuple[Phase, ...]:
    return (
        input_projection("Input projection: W_ih maps x_t to two blocks, the forget gate's and the candidate's.", 2),
        recurrent_term("s", "Recurrent term: W_hh maps h_{t-1} to the same two blocks, biases included.", 2),
        gate("forget_gate", "f", "forget gate", 0, "Forget gate: how much of the candidate replaces the state."),
        Phase("candidate", "n", "candidate", "tanh({input_projection.1} + {forget_gate} ⊙ {recurrent_term.1})",
              "Candidate: the forget gate scales W_hn h + b_hn.",
              reads=(("weight_ih", 1), ("bias_ih", 1), ("weight_hh", 1), ("bias_hh", 1)), scale="bounded",
              textbook_numbers="tanh({input_projection.1} + W_hn · ({forget_gate} ⊙ {h_prev}) [+ b_hn])"),
        Phase("hidden", "h", "new hidden state", "({candidate} − {h_prev}) ⊙ {forget_gate} + {h_prev}",
              "New hidden state: the old one moved towards the candidate by the forget gate.", scale="bounded"),
    )


def kernel(x, initial, p, config, walk, progress) -> dict:
    """As PyTorch's kernel steps a GRU: one GEMM for every a_t, one for each s_t, the gates in place."""
    a = input_projections = project_inputs(x, p.W_ih, p.b_ih)
    s = recurrent_terms = a.new_empty(a.shape)
    store = StepStore(walk, progress)
    W_hh_T = p.W_hh.T
    h_prev = initial["hidden"]
    for t in walk:
        a_f, a_n = a[t].unsafe_chunk(2, 1)
        recurrent_term = linear(h_prev, W_hh_T, p.b_hh)
        s[t].copy_(recurrent_term)
        s_f, s_n = recurrent_term.unsafe_chunk(2, 1)
        forget_gate = s_f.add_(a_f).sigmoid_()
        candidate = a_n.add(s_n.mul_(forget_gate)).tanh_()
        hidden = (candidate - h_prev).mul_(forget_gate).add_(h_prev)
        store.add(forget_gate, candidate, hidden)
        h_prev = hidden
    forget_gates, candidates, hiddens = store.finish()
    return {"input_projection": input_projections, "recurrent_term": recurrent_terms, "forget_gate": forget_gates,
            "candidate": candidates, "hidden": hiddens}


def textbook(x, initial, p, config, walk, progress) -> dict:
    """The paper's MGU: f applied to h before W_hn."""
    H = config.hidden_size
    W_hn, b_hn = p.W_hh[H:], None if p.b_hh is None else p.b_hh[H:]
    store = StepStore(walk, progress)
    h_prev = initial["hidden"]
    for t in walk:
        input_projection = plus_bias(x[t] @ p.W_ih.T, p.b_ih)
        recurrent_term = plus_bias(h_prev @ p.W_hh.T, p.b_hh)
        a_f, a_n = input_projection.chunk(2, 1)
        s_f, _ = recurrent_term.chunk(2, 1)
        forget_gate = (a_f + s_f).sigmoid()
        candidate = (a_n + plus_bias((forget_gate * h_prev) @ W_hn.T, b_hn)).tanh()
        hidden = (candidate - h_prev) * forget_gate + h_prev
        store.add(input_projection, recurrent_term, forget_gate, candidate, hidden)
        h_prev = hidden
    return dict(zip(("input_projection", "recurrent_term", "forget_gate", "candidate", "hidden"), store.finish()))


class MinimalGatedUnit(Stepwise):
    """The reference: the same equations in plain torch ops, one timestep at a time, as a student would write
    them. It shares no code with `kernel`."""

    gates = 2

    def step(self, x, h, W_ih, W_hh, b_ih, b_hh):
        a = torch.nn.functional.linear(x, W_ih, b_ih)
        s = torch.nn.functional.linear(h, W_hh, b_hh)
        a_f, a_n = a.chunk(2, 1)
        s_f, s_n = s.chunk(2, 1)
        f = torch.sigmoid(a_f + s_f)
        n = torch.tanh(a_n + f * s_n)
        return (n - h) * f + h


MGU = CellType(NAME, "MinimalGatedUnit", 2, ("f", "n"), (HIDDEN,), textbook_name="the paper's MGU",
               textbook_note="the paper applies f to h before W_hn", module=__name__,
               reference=f"{__name__}:MinimalGatedUnit")


@pytest.fixture
def mgu():
    register(MGU)
    yield MGU
    unregister(NAME)


def mgu_session(order="kernel", **options):
    config = RNNConfig(cell=NAME, input_size=3, hidden_size=4, **options)
    return make_session(config, torch.randn(2, 5, 3, generator=torch.Generator().manual_seed(4)), seed=4, order=order)


def test_the_cell_type_contract_holds_for_every_registered_type(mgu):
    for kind in CELL_TYPES.values():
        assert isinstance(kind.steps, CellSteps), kind.name
        config = RNNConfig(cell=kind.name, hidden_size=4)
        names = kind.phase_names(config)
        assert names[-1] == "hidden" and set(kind.state) <= set(names)
        assert all(state.size(config) in (config.hidden_size, config.output_size) for state in kind.states)
        assert len(kind.gate_names) == kind.gates
        assert issubclass(kind.reference_class(), torch.nn.Module)
        for option in kind.options:
            assert option.problem(option.default) is None and all(option.problem(v) is None for v in option.examples)
        module = kind.reference_class()(config.input_size, 4, **kind.module_options(config))
        assert {k: tuple(v.shape) for k, v in module.state_dict().items()} == config.parameter_shapes()


def test_a_registered_cell_is_traced_and_lands_on_its_plain_torch_reference(mgu):
    for options in ({}, {"num_layers": 2, "bidirectional": True}, {"bias": False, "batch_first": False}):
        trace = compute_trace(mgu_session(**options))
        assert trace.phases == ("input_projection", "recurrent_term", "forget_gate", "candidate", "hidden")
        assert trace.max_ulps <= 8, (options, trace.max_ulps)  # plain torch adds in another order: a few ulps
        with torch.no_grad():
            output, h_n = trace.reference.module(trace.session.inputs)
        assert torch.equal(output, trace.reference_output) and torch.equal(h_n, trace.reference_h_n)


@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_a_registered_cell_computes_the_formulas_it_prints(mgu, order):
    for config in variants(mgu):
        assert departures(session_for(config, order)) == []


def test_a_registered_cell_is_explained_element_by_element(mgu):
    trace = compute_trace(mgu_session("textbook"))
    breakdown = explain(trace, 0, 0, 2, 1, "candidate", 3)
    assert breakdown.equation == "n_2 = tanh(a_n + W_hn (f_2 ⊙ h_1) + b_hn)"
    assert breakdown.returned == trace.cell(0).phases["candidate"][2, 1, 3].item()
    assert breakdown.ulps <= 64  # its formula holds a product of its own, rounded in float32 (see the conformance test)
    assert ("weight_hh", 4 + 3) in breakdown.parameters  # W_hn's row 3 is W_hh's row H + 3
    product = explain(trace, 0, 0, 0, 0, "recurrent_term", 5)
    assert product.is_product and product.weight == "W_hh" and len(product.terms) == 4


def test_a_registered_cell_is_exported_as_json_csv_and_latex(mgu, tmp_path):
    from rnn_stepper.core.export import phase_latex, trace_to_csv, trace_to_json
    from rnn_stepper.core.session_file import load_session, save_session

    session = mgu_session(num_layers=2)
    trace = compute_trace(session)
    doc = json.loads(trace_to_json(trace))
    assert doc["cell"]["name"] == NAME and doc["cell"]["states"] == ["h_prev"]
    assert [p["equation"] for p in doc["cell"]["phases"]][2:] == [
        "f_t = σ(a_f + s_f)", "n_t = tanh(a_n + f_t ⊙ s_n)", "h_t = (n_t − h_prev) ⊙ f_t + h_prev"]
    rows = list(csv.DictReader(io.StringIO(trace_to_csv(trace))))
    last = rows[-1]  # layer 1's last step, its last batch row and unit
    assert np.float32(last["hidden"]) == trace.cell(1).hidden[-1, -1, -1].numpy()
    assert r"\sigma" in phase_latex(trace.cell(0), 1, 0, "forget_gate", trace.config)
    path = tmp_path / "mgu.rnnstep.json"
    save_session(str(path), session)
    again, _ = load_session(str(path))
    assert again.config == session.config and torch.equal(compute_trace(again).output, trace.output)


def test_a_registered_cell_is_drawn_in_the_window_and_steps_to_its_end(mgu, qtbot):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel(mgu_session()))
    window.resize(1280, 720)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    model, panel = window.model, window.step_view
    assert list(panel.vectors) == ["x", "input_projection", "h_prev", "recurrent_term", "forget_gate", "candidate",
                                   "hidden"]
    for name in model.trace.phases:
        model.step_phase()
        assert model.phase == name
        assert np.array_equal(panel.vectors[name].values().ravel(), model.cell.phases[name][0, 0].numpy())
    assert panel.equation.text().startswith("h_0 = (n_0 − h₀) ⊙ f_0 + h₀")
    window.close()


def test_a_registered_cells_python_snippet_runs_with_its_plain_torch_reference_written_out(mgu):
    import subprocess
    import sys

    from rnn_stepper.core.export import python_snippet

    session = mgu_session(num_layers=2, bidirectional=True)
    script = python_snippet(session)
    assert "class MinimalGatedUnit(Stepwise):" in script and "import rnn_stepper" not in script
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    trace = compute_trace(session)
    assert "MinimalGatedUnit output:" in result.stdout
    # the reference's last output, as numpy prints it: the module ran as the window's trace ran it
    assert np.array2string(trace.reference_output.numpy())[:40] in result.stdout
