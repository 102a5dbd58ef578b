"""Any number of the trace opens a breakdown of its arithmetic: its terms are the session's own weights and
inputs, and its result is the trace's value bit for bit (issue 12)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import run, sessions
from rnn_stepper.core import InputError, compute_trace, make_session
from rnn_stepper.core.config import cell_suffix
from rnn_stepper.core.explain import explain


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(sessions("kernel"), sessions("textbook")), st.data())
def test_every_element_of_every_phase_opens_a_breakdown_of_the_traces_own_numbers(session, data):
    trace = compute_trace(session)
    config = trace.config
    layer = data.draw(st.integers(0, config.num_layers - 1))
    direction = data.draw(st.integers(0, config.num_directions - 1))
    t = data.draw(st.integers(0, trace.seq_len - 1))
    batch = data.draw(st.integers(0, trace.batch_size - 1))
    phase = data.draw(st.sampled_from(config.phases))
    cell = trace.cell(layer, direction)
    unit = data.draw(st.integers(0, cell.phases[phase].shape[-1] - 1))
    breakdown = explain(trace, layer, direction, t, batch, phase, unit)
    value = cell.phases[phase][t, batch, unit]
    assert np.array(breakdown.returned, dtype=config.dtype).tobytes() == value.numpy().tobytes()
    text = breakdown.text()
    assert text.splitlines()[0].startswith(f"{breakdown.symbol}: ")
    if breakdown.is_product:
        weight = {"W_ih": "weight_ih", "W_hh": "weight_hh", "W_hr": "weight_hr"}[breakdown.weight]
        W = session.weights[weight + cell_suffix(layer, direction)]
        assert [term.weight for term in breakdown.terms] == W[unit].tolist()
        # every addend: the textbook order's a_t[i] first (read from the trace), the products, the bias
        assert Fraction(breakdown.first[1] if breakdown.first else 0) + sum(term.product for term in breakdown.terms) \
            + Fraction(breakdown.bias[1] if breakdown.bias else 0) == breakdown.exact
        assert all(term.product == Fraction(term.weight) * Fraction(term.value) for term in breakdown.terms)
        assert "cannot be observed" in text


def test_the_notebooks_first_projection_is_written_out_with_its_weights_and_the_gemms_own_value():
    trace = compute_trace(make_session())
    breakdown = explain(trace, 0, 0, 0, 0, "input_projection", 0)
    W, b = trace.session.weights["weight_ih_l0"], trace.session.weights["bias_ih_l0"]
    assert [(term.weight, term.value) for term in breakdown.terms] == [(w, 1.0) for w in W[0].tolist()]
    assert breakdown.bias == ("b_ih[0]", b[0].item())
    exact = sum(Fraction(w) for w in W[0].tolist()) + Fraction(b[0].item())
    assert breakdown.exact == exact
    rounded = np.float32(float(exact))  # float64 holds this sum exactly, so one rounding is the correct one
    assert Fraction(float(exact)) == exact and breakdown.rounded == float(rounded)
    assert breakdown.returned == trace.cell(0).phases["input_projection"][0, 0, 0].item()


def test_a_breakdown_outside_the_trace_is_refused_saying_what_exists():
    trace = compute_trace(make_session())
    with pytest.raises(InputError, match="unit must be between 0 and 1, got 2"):
        explain(trace, 0, 0, 0, 0, "hidden", 2)
    with pytest.raises(InputError, match="phase must be one of input_projection, recurrent_term"):
        explain(trace, 0, 0, 0, 0, "reset_gate", 0)
    with pytest.raises(InputError, match="t must be between 0 and 2"):
        explain(trace, 0, 0, 3, 0, "hidden", 0)


def test_trace_explain_prints_the_same_breakdown_the_core_writes(capsys):
    status, out, err = run(capsys, "--cell", "gru", "--explain", "0,0,1,0,input_projection,4")
    assert status == 0 and err == ""
    from rnn_stepper.core import RNNConfig

    expected = explain(compute_trace(make_session(RNNConfig(cell="gru"))), 0, 0, 1, 0, "input_projection", 4)
    assert out == expected.text() + "\n"


@pytest.mark.parametrize("spec, says", [("0,0,9,0,hidden,0", "t must be between 0 and 2, got 9"),
                                        ("0,0,1", "is not LAYER,DIR,T,BATCH,PHASE,UNIT"),
                                        ("0,0,a,0,hidden,0", "must be whole numbers"),
                                        ("0,0,0,0,forget_gate,0", "phase must be one of")])
def test_a_breakdown_that_does_not_exist_is_one_line(capsys, spec, says):
    status, out, err = run(capsys, "--explain", spec)
    assert status == 2 and out == "" and err.count("\n") == 1 and says in err, err


def test_the_textbook_orders_pre_activation_is_broken_down_as_it_groups_it():
    """`(a_t + W_hh h_{t-1}) + b_hh`: a_t[i] from the trace, the product's terms, then the bias, not `a + r`."""
    trace = compute_trace(make_session(order="textbook"))
    breakdown = explain(trace, 0, 0, 1, 0, "pre_activation", 0)
    cell = trace.cell(0)
    a = cell.phases["input_projection"][1, 0, 0].item()
    W, b = trace.session.weights["weight_hh_l0"], trace.session.weights["bias_hh_l0"]
    h = cell.phases["hidden"][0, 0]
    assert breakdown.equation == "z_1 = (a_1 + W_hh h_0) + b_hh"
    assert breakdown.first == ("a_1[0]", a)
    assert [(term.weight, term.value) for term in breakdown.terms] == list(zip(W[0].tolist(), h.tolist()))
    assert breakdown.exact == Fraction(a) + sum(term.product for term in breakdown.terms) + Fraction(b[0].item())
    assert breakdown.returned == cell.phases["pre_activation"][1, 0, 0].item()
    assert breakdown.reads == [("input_projection", 0), ("h_prev", None)]
    assert breakdown.parameters == [("weight_hh", 0), ("bias_hh", 0)]
    assert "a_t + r_t" not in breakdown.text() and "textbook order" in breakdown.text()


@pytest.mark.parametrize("cell, order, phase, unit", [("rnn", "kernel", "input_projection", 1),
                                                      ("rnn", "textbook", "pre_activation", 0),
                                                      ("gru", "textbook", "candidate", 1),
                                                      ("lstm", "kernel", "hidden", 0)])
def test_a_breakdown_in_latex_is_one_balanced_aligned_block_with_its_terms(cell, order, phase, unit):
    from rnn_stepper.core import RNNConfig

    breakdown = explain(compute_trace(make_session(RNNConfig(cell=cell), order=order)), 0, 0, 1, 0, phase, unit)
    latex = breakdown.latex()
    assert latex.startswith("\\begin{aligned}\n") and latex.endswith("\n\\end{aligned}")
    depth = 0
    for char in latex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, latex
    assert depth == 0 and latex.count("(") == latex.count(")")
    rows = latex.split("\\\\\n")
    assert all(row.count("&") == 1 for row in rows), rows  # one alignment point a row
    assert "·" not in latex and "⊙" not in latex and "−" not in latex  # every symbol written the LaTeX way
    for term in breakdown.terms:
        assert breakdown.number(term.weight) in latex and breakdown.number(term.value) in latex
    assert breakdown.number(breakdown.returned).replace("e", r"\mathrm{e}") in latex


def test_the_initial_state_is_h_init_in_latex_as_in_the_exported_equation_and_never_times_0_output():
    """The window writes the initial state h₀; LaTeX has no glyph for ₀, and h_0 is the output at t = 0."""
    from rnn_stepper.core.equations import fill

    breakdown = explain(compute_trace(make_session()), 0, 0, 0, 0, "recurrent_term", 0)
    assert "h₀" in breakdown.text()
    latex = breakdown.latex()
    assert r"h_{\mathrm{init}}" in latex and "₀" not in latex and "h_{0}" not in latex
    exported = fill("r_{t} = W_hh h_{prev} + b_hh", bias=True, t=0, prev="init", latex=True)
    assert exported == r"r_{0} = W_{hh} h_{\mathrm{init}} + b_{hh}"


def test_a_breakdown_names_what_it_reads_for_the_window_to_light_up():
    from rnn_stepper.core import RNNConfig

    trace = compute_trace(make_session(RNNConfig(cell="gru", hidden_size=3)))
    projection = explain(trace, 0, 0, 0, 0, "input_projection", 7)
    assert projection.reads == [("x", None)] and projection.parameters == [("weight_ih", 7), ("bias_ih", 7)]
    gate = explain(trace, 0, 0, 0, 0, "update_gate", 2)  # z = σ(a_z + s_z): the z blocks, rows 3 + 2
    assert gate.reads == [("input_projection", 5), ("recurrent_term", 5)] and gate.parameters == []


def test_a_translated_breakdown_changes_its_sentences_and_keeps_every_number():
    breakdown = explain(compute_trace(make_session()), 0, 0, 0, 0, "input_projection", 0)
    english, marked = breakdown.lines(), breakdown.lines(lambda text: "«" + text + "»")
    assert len(english) == len(marked)
    for plain, said in zip(english, marked):
        assert said == plain or said.replace("«", "").replace("»", "") == plain
    assert sum(plain != said for plain, said in zip(english, marked)) == 4
