"""One change, one redraw (issue 30 §1): each operation is announced once, with the set of what it changed, and each
view redraws once for it when it is affected, not at all when it is not. Counted on the window itself."""

import pytest

from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow

STEP_VIEWS = {"WeightsPanel", "GuessRow", "StepPanel", "ComparisonPanel", "SequencePanel", "MainWindow",
              "SequenceTable", "UnrolledView", "PhaseWeights", "BackwardPanel"}
SESSION_VIEWS = STEP_VIEWS | {"ConfigPanel"}  # a new trace: the options shown again too


def view_classes() -> list[type]:
    """Every class of the window's parts that follows the model (has an on_change of its own), in every module of
    ui/: a view split into a module of its own is counted too."""
    import importlib
    import pkgutil

    import rnn_stepper.ui

    modules = [importlib.import_module(f"rnn_stepper.ui.{info.name}")
               for info in pkgutil.iter_modules(rnn_stepper.ui.__path__)]
    return [cls for module in modules for cls in vars(module).values()
            if isinstance(cls, type) and cls.__module__ == module.__name__ and "on_change" in vars(cls)]


class Redraws:
    """Records, while an operation runs, each announcement of the model and each view's redraw for it. Made
    before the window: the window connects its views' on_change when it builds them."""

    def __init__(self, monkeypatch):
        self.announced, self.drawn = [], []
        for cls in view_classes():
            monkeypatch.setattr(cls, "on_change", self.counting(cls.on_change))

    def counting(self, on_change):
        def counted(view, what):
            drew = on_change(view, what)
            if drew:
                self.drawn.append(type(view).__name__)
            return drew
        return counted

    def listen(self, model) -> None:
        model.events.changed.connect(self.announced.append)

    def during(self, operation) -> tuple[list, dict]:
        self.announced.clear()
        self.drawn.clear()
        operation()
        return list(self.announced), {name: self.drawn.count(name) for name in set(self.drawn)}


@pytest.fixture
def redraws(monkeypatch):
    return Redraws(monkeypatch)


@pytest.fixture(params=["backward never opened", "backward opened once"])
def window(qtbot, redraws, request):
    shown = MainWindow(StepperModel())
    qtbot.addWidget(shown)
    shown.resize(1280, 720)
    shown.show()
    qtbot.waitExposed(shown)
    if request.param == "backward opened once":  # its panel is built then, and follows the model from there on
        shown.show_backward()
        shown.show_page(0)
    redraws.listen(shown.model)
    return shown


def built(window, names) -> set:
    """The views of `names` the window has: the backward pass's panel only once it has been asked for."""
    return set(names) - (set() if window.backward_page.built else {"BackwardPanel"})


def each_once(names) -> dict:
    return {name: 1 for name in names}


@pytest.mark.parametrize("operation, changes, drawn", [
    (lambda m: m.step(), {"cursor"}, STEP_VIEWS),
    (lambda m: m.step_phase(), {"cursor"}, STEP_VIEWS),
    (lambda m: (m.run_to_end(), m.back()), {"cursor"}, STEP_VIEWS),
    (lambda m: (m.step(), m.reset()), {"cursor"}, STEP_VIEWS),
    (lambda m: m.configure(hidden_size=3), {"trace", "cursor"}, SESSION_VIEWS),
    (lambda m: m.set_weight("weight_hh_l0", (0, 0), 0.5), {"trace", "cursor"}, SESSION_VIEWS),
    (lambda m: m.set_predict(True), {"guesses"}, {"GuessRow", "StepPanel"}),
])
def test_each_operation_is_announced_once_and_each_view_affected_redraws_once(window, redraws, operation,
                                                                             changes, drawn):
    announced, counts = redraws.during(lambda: operation(window.model))
    assert announced[-1] == frozenset(changes)
    # one redraw per announcement, none for the rest
    assert counts == {name: len(announced) for name in built(window, drawn)}


def test_a_selection_redraws_what_shows_it_and_a_move_that_closes_it_says_both_at_once(window, redraws):
    window.model.step()
    announced, counts = redraws.during(lambda: window.model.select(0, "input_projection", 0))
    assert announced == [frozenset({"selected"})]
    assert counts == each_once(built(window, {"WeightsPanel", "StepPanel", "MainWindow", "ExplainPanel",
                                              "BackwardPanel"}))
    # stepping back before t = 0's phase closes the selection: one announcement says both, one redraw each
    announced, counts = redraws.during(window.model.reset)
    assert announced == [frozenset({"cursor", "selected"})]
    assert counts == each_once(built(window, STEP_VIEWS | {"ExplainPanel"}))


def test_predicting_then_leaving_the_step_forgets_the_guesses_in_the_same_announcement(window, redraws):
    window.model.set_predict(True)
    window.model.step()  # stops before h_0
    window.model.set_guess(0, 0.5)
    window.model.step()  # h_0 revealed beside the guess
    assert window.model.guesses == {0: 0.5}
    announced, counts = redraws.during(window.model.step)  # the next step
    assert announced == [frozenset({"cursor", "guesses"})] and window.model.guesses == {}
    assert counts == each_once(built(window, STEP_VIEWS))


def test_following_other_units_redraws_the_comparison_and_the_marks_only(window, redraws):
    announced, counts = redraws.during(lambda: window.model.set_followed_units([1]))
    assert announced == [frozenset({"units"})]
    assert counts == each_once({"ComparisonPanel", "SequencePanel"})


def test_another_cell_is_one_announcement(qtbot, redraws):
    from rnn_stepper.core.config import RNNConfig
    from rnn_stepper.core.session import make_session

    window = MainWindow(StepperModel(make_session(RNNConfig(num_layers=2))))
    qtbot.addWidget(window)
    redraws.listen(window.model)
    announced, counts = redraws.during(lambda: window.model.show_cell(1, 0))
    assert announced == [frozenset({"cell", "cursor"})]
    assert counts == each_once(built(window, STEP_VIEWS))


def test_after_a_language_switch_only_the_new_windows_views_redraw(window, redraws):
    new = window.set_language("ko")
    try:
        announced, counts = redraws.during(new.model.step)
        assert announced == [frozenset({"cursor"})]
        assert counts == each_once(built(new, STEP_VIEWS))  # once each: the old window's views no longer listen
    finally:
        new.set_language("en").close()


def test_the_backward_walk_redraws_the_backward_page_once_a_phase_and_nothing_forward(qtbot, redraws,
                                                                                    monkeypatch):
    from rnn_stepper.ui.backward_panel import BackwardPanel

    refreshes = []
    original = BackwardPanel.refresh
    monkeypatch.setattr(BackwardPanel, "refresh", lambda panel: (refreshes.append(1), original(panel))[1])
    window = MainWindow(StepperModel())  # built after the count is set up: its panel connects the counted refresh
    qtbot.addWidget(window)
    redraws.listen(window.model)
    model = window.model
    model.run_to_end()
    model.backprop.compute()
    window.show_backward()
    refreshes.clear()
    announced, counts = redraws.during(model.backprop.step_back_phase)
    assert announced == [] and counts == {}  # the forward pass did not move
    assert len(refreshes) == 1
