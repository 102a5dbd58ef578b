"""The window follows the cell type: nn.GRU's and nn.LSTM's gates step by step, each read from the cell type's
declared phases (core/cells), on their own colour scales, with the weights they read framed, and checked against
the torch module. Numbers are compared with torch computed in the same run, never with digits from one machine."""

import numpy as np
import pytest
import torch
from PySide6 import QtCore

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.core.distance import ulp_distance
from rnn_stepper.core.equations import fill, previous_label
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.style import vector_text


def open_window(qtbot, **config) -> MainWindow:
    w = MainWindow(StepperModel(make_session(RNNConfig(**config))))
    w.resize(1280, 720)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def declared(window):
    config = window.model.session.config
    return config.cell_type.phases(config)


def framed(view) -> bool:
    """Whether a matrix view is framed as read by the phase on show."""
    return view.vb.border is not None and view.vb.border.style() != QtCore.Qt.NoPen


def gru_by_torch(session, x, h):
    """One step of the GRU, written from nn.GRU's documented equations in float64: a reference independent of
    the kernel-order replica under test."""
    w = {k: v.double() for k, v in session.weights.items()}
    H = session.config.hidden_size
    gi = x.double() @ w["weight_ih_l0"].T + w["bias_ih_l0"]
    gh = h.double() @ w["weight_hh_l0"].T + w["bias_hh_l0"]
    r = torch.sigmoid(gi[:H] + gh[:H])
    z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
    n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
    return {"reset_gate": r, "update_gate": z, "candidate": n, "hidden": (1 - z) * n + z * h.double()}


def test_a_gru_steps_gate_by_gate_with_each_gates_numbers_and_equation(qtbot):
    window = open_window(qtbot, cell="gru")
    m, panel = window.model, window.step_view
    phases = declared(window)
    # the strip is the cell type's phases, and h_{t-1} just before the recurrent term that reads it
    assert list(panel.vectors) == ["x", "input_projection", "h_prev"] + [p.name for p in phases][1:]
    assert len(phases) == 6
    session, cell = m.session, m.cell
    h = cell.initial["hidden"][0]  # h0: zeros, as the notebook gives none
    for t in range(m.seq_len):
        x = cell.x[t, 0]
        expected = gru_by_torch(session, x, h)
        for k, phase in enumerate(phases):
            m.step_phase()
            assert m.phase == phase.name
            shown = panel.vectors[phase.name].values().ravel()
            assert np.array_equal(shown, cell.phases[phase.name][t, 0].numpy())  # what the trace holds
            if phase.name in expected:  # and what nn.GRU's equations give, to float32's rounding
                np.testing.assert_allclose(shown, expected[phase.name].numpy(), rtol=0, atol=4e-7)
            assert f"phase {k + 1} of 6: {phase.title}" in panel.heading.text()
            lines = panel.equation.text().splitlines()
            assert lines[0] == fill(phase.equation, bias=True, t=t, prev=previous_label(cell.walk, t))
            assert lines[-1].strip("= ").split() == vector_text(cell.phases[phase.name][t, 0].numpy()).split()
            assert panel.explanation.text() == phase.explanation
            assert panel.vectors[phase.name].title.text.count("<b>") == 1  # the phase on show is the bold one
        h = cell.hidden[t, 0]
    assert window.comparison.verdict_text() == f"bitwise identical at all {m.seq_len} steps"


def test_gates_are_drawn_on_their_own_zero_to_one_scale_and_stacked_vectors_show_their_gate_blocks(qtbot):
    from rnn_stepper.ui import style

    window = open_window(qtbot, cell="gru")
    window.model.step()
    vectors = window.step_view.vectors
    signed = [vectors[phase.name] for phase in declared(window) if phase.scale != "gate"]
    for phase in declared(window):
        if phase.scale == "gate":
            assert vectors[phase.name].sequential and vectors[phase.name].levels == (0.0, 1.0)
    # every state and pre-activation on one symmetric scale, fitted to the largest of them and of h_{t-1}: they
    # compare by colour (issue 26)
    largest = max(float(np.nanmax(np.abs(view.values()))) for view in [*signed, vectors["h_prev"]]
                  if np.isfinite(view.values()).any())
    assert all(not view.sequential and view.levels == (-largest, largest) for view in signed)
    gate = vectors["update_gate"]
    top = style.colormap(sequential=True).getLookupTable(nPts=256, alpha=True)
    value = float(gate.values()[0, 0])
    assert (gate.image.image[0, 0] == top[int(np.clip(value * 255.0, 0, 255))]).all()
    window.model.back()
    for _ in range(5):  # the candidate n reads the n blocks of a_t and s_t: those rows of them are framed
        window.model.step_phase()
    assert window.model.phase == "candidate"
    H = window.model.session.config.hidden_size
    assert vectors["input_projection"].marked_rows() == vectors["recurrent_term"].marked_rows() == (2 * H, 3 * H)
    window.model.step_phase()  # h reads no block of them
    assert vectors["input_projection"].marked_rows() is None
    stacked = vectors["input_projection"]
    assert stacked.values().shape == (3 * H, 1)
    assert [label for _, label in stacked.axes["left"]._tickLevels[0]] == ["r0", "r1", "z0", "z1", "n0", "n1"]
    assert len(stacked._separators) == 2  # a line between r | z and between z | n


def test_the_weights_a_gate_reads_are_framed_row_block_by_row_block(qtbot):
    window = open_window(qtbot, cell="gru")
    m, views = window.model, window.weights.views
    H = m.session.config.hidden_size
    assert [label for _, label in views["weight_hh"].axes["left"]._tickLevels[0]] == ["r0", "r1", "z0", "z1",
                                                                                      "n0", "n1"]
    m.step_phase()  # the input projection reads all of W_ih and b_ih
    assert framed(views["weight_ih"]) and views["weight_ih"].marked_rows() is None
    assert not framed(views["weight_hh"])
    for phase in declared(window)[1:]:
        m.step_phase()
        assert m.phase == phase.name
        reads = dict(phase.reads)
        for kind in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"):
            block = reads.get(kind)
            assert views[kind].marked_rows() == (None if block is None else (block * H, (block + 1) * H)), kind
            # the whole matrix framed when the phase reads all of it, only its gate's rows when it reads one block
            assert framed(views[kind]) == (kind in reads and block is None), kind
    assert not views["weight_hr"].isVisible()


def test_an_lstm_shows_its_cell_state_beside_h(qtbot):
    window = open_window(qtbot, cell="lstm")
    m = window.model
    assert len(window.step_view.vectors) == 1 + 8 + 2  # x, the phases, and the h_{t-1} and c_{t-1} they read
    m.step()
    m.step()
    c = m.cell.phases["cell"]
    assert np.array_equal(window.step_view.vectors["cell"].values().ravel(), c[1, 0].numpy())
    heatmaps = window.sequence.heatmaps
    assert list(heatmaps) == ["hidden", "cell"]
    assert np.array_equal(heatmaps["cell"].values()[:, :2], c[:2, 0].numpy().T)
    assert "c_t" in heatmaps["cell"].title.text
    # h, c and ‖h‖ alike hold the revealed steps only
    assert all(np.isnan(view.values()[:, 2]).all() for view in heatmaps.values())
    assert window.sequence.norm_curve.getData()[0].tolist() == [0, 1]


def test_switching_the_cell_type_in_the_editor_rebuilds_the_strip_and_keeps_the_timestep(qtbot):
    window = open_window(qtbot)  # the notebook's nn.RNN
    m, chooser = window.model, window.config_panel.fields["cell"]
    m.step()
    m.step()
    m.step_phase()
    assert (m.t, m.phase) == (2, "input_projection")
    for module, count in (("GRU", 6), ("LSTM", 8), ("RNN", 4)):
        chooser.setCurrentText(module)
        assert m.session.config.cell_type.module_name == module
        shown_phases = [name for name in window.step_view.vectors if name != "x" and not name.endswith("_prev")]
        assert shown_phases == list(m.phases) and len(m.phases) == count
        assert m.t == 2 and m.phase == "input_projection"  # same timestep, same first phase
        shown = window.step_view.vectors["input_projection"].values().ravel()
        assert np.array_equal(shown, m.cell.phases["input_projection"][2, 0].numpy())
        assert f"nn.{module}" in window.comparison.values_plot.getPlotItem().titleLabel.text
        assert window.weights.views["weight_hh"].values().shape[0] == m.session.config.cell_type.gates * 2


def test_options_a_module_does_not_take_are_greyed_out(qtbot):
    window = open_window(qtbot, cell="gru")
    fields = window.config_panel.fields
    assert not fields["nonlinearity"].isEnabled() and not fields["proj_size"].isEnabled()
    assert "paper" in window.config_panel.order_note.text()  # the GRU's textbook order is another function
    fields["cell"].setCurrentText("LSTM")
    assert fields["proj_size"].isEnabled() and not fields["nonlinearity"].isEnabled()
    fields["cell"].setCurrentText("RNN")
    assert fields["nonlinearity"].isEnabled() and not fields["proj_size"].isEnabled()
    fields["proj_size"].setValue(1)  # refused for nn.RNN: a message, and the session stays
    assert window.model.session.config.proj_size == 0 and window.config_panel.error.text()


def test_a_float32_lstm_shows_both_references_and_the_fused_kernels_distance(qtbot):
    window = open_window(qtbot, cell="lstm")
    m = window.model
    if m.trace.fused is None:
        pytest.skip("this PyTorch runs nn.LSTM's native cell in float32: there is no fused kernel to show")
    session = m.session
    module = torch.nn.LSTM(5, 2, batch_first=True)
    module.load_state_dict(session.weights)
    with torch.no_grad():
        fused_output, (fused_h, fused_c) = module(session.inputs, session.initial_state())  # default: oneDNN
    ulps = max(float(ulp_distance(a.numpy(), b.numpy()).max())
               for a, b in ((m.trace.output, fused_output), (m.trace.h_n, fused_h), (m.trace.final["cell"], fused_c)))
    lesson = window.comparison.lesson
    assert lesson.isVisible()
    text = lesson.text()
    assert "native path" in text and "bit for bit" in text and "oneDNN's fused kernel" in text
    assert "its bits differ from the step-by-step cell" in text
    assert (f"{ulps:.0f} ulp" in text) if ulps else ("0 ulp" in text)
    m.run_to_end()
    assert window.comparison.verdict_text() == f"bitwise identical to the native path at all {m.seq_len} steps"
    curve = window.comparison.fused_curve
    per_step = curve.yData  # as set; getData() gives log10 of it on the log axis
    # |by hand − fused| at each t, exact (in float64, where a float32 difference needs no rounding)
    expected = np.abs(m.cell.hidden[:, 0].numpy().astype(np.float64) - fused_output[0].numpy()).max(axis=1)
    assert np.array_equal(per_step, expected[expected > 0]) and curve.isVisible()


def test_an_rnn_or_a_gru_has_one_reference_and_no_lesson_about_a_fused_kernel(qtbot):
    window = open_window(qtbot, cell="gru")
    assert window.model.trace.fused is None
    assert not window.comparison.lesson.isVisible() and not window.comparison.fused_curve.isVisible()
    assert "nn.GRU" in window.comparison.diff_plot.getPlotItem().titleLabel.text
    assert window.comparison.verdict_text() == "Step to compare with nn.GRU"


def test_a_projected_lstm_shows_w_hr_and_frames_it_while_h_is_projected(qtbot):
    window = open_window(qtbot, cell="lstm", hidden_size=3, proj_size=2)
    m, views = window.model, window.weights.views
    view = views["weight_hr"]
    assert view.isVisible() and view.values().shape == (2, 3)
    assert np.array_equal(view.values(), m.session.weights["weight_hr_l0"].numpy())
    assert "W<sub>hr</sub> 2×3" in view.title.text
    assert "unprojected" in window.step_view.vectors
    m.step()  # ends on h_t = W_hr m_t
    assert m.phase == "hidden" and framed(view)
    assert window.step_view.vectors["hidden"].values().shape == (2, 1)
    assert window.step_view.vectors["unprojected"].values().shape == (3, 1)
    # Its W_hh stacks four 3 × 2 blocks: no eigenvalues, so no ρ, and the window says why rather than a number.
    assert "n/a" in window.sequence.radius.text() and "3 × 2" in window.sequence.radius.text()


def test_a_spectral_radius_that_does_not_exist_reads_n_a(qtbot, monkeypatch):
    window = open_window(qtbot, cell="gru")
    monkeypatch.setattr(type(window.model.trace), "spectral_radius", lambda self, layer, direction=0: float("nan"))
    window.sequence.refresh()
    assert "n/a" in window.sequence.radius.text()


def test_a_new_cell_type_reaches_the_window_in_korean_too(qtbot):
    from rnn_stepper.ui import i18n

    i18n.install("ko")
    try:
        window = open_window(qtbot, cell="lstm")
        window.model.step_phase()
        window.model.step_phase()
        window.model.step_phase()
        translated = QtCore.QCoreApplication.translate("Cells", "input gate")
        assert translated != "input gate" and translated in window.step_view.heading.text()
    finally:
        i18n.install("en")


def test_a_vector_whose_formula_has_no_room_writes_its_symbol_as_large_as_its_neighbours_titles(qtbot):
    # At 1280 × 720 a GRU's strip is one row of narrow views: n_t's and h_t's formulas fit on no two lines, and
    # their symbols alone were set at the smallest scale, 9 px beside their neighbours' 13 px.
    import legibility

    window = open_window(qtbot, cell="gru")
    for _ in range(3):
        window.model.step()
    legibility.settle(window)
    alone = [view for view in window.step_view.vectors.values() if "<br>" not in view.title.text]
    assert alone  # the case this is about
    for view in alone:
        assert f"font-size:{view._title_px()}px" in view.title.text
        assert view.title.item.boundingRect().width() <= view.width()  # and it fits its view
