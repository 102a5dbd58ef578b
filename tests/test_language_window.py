"""The language model's window (issue 27 §3) on the shipped character LSTM and the prompt "The island": each call's
character, the embedding row it reads, the cell of the call on show, the head's top-k probabilities as bars, Sample
drawing what the book's sample() draws, and a prompt the vocabulary cannot encode said, not crashed on."""

import importlib.resources

import numpy as np
import pytest
import torch
from PySide6 import QtCore
from torch.distributions.categorical import Categorical

from book_models import RNN, books_generation
from rnn_stepper.core.files import load_tensors
from rnn_stepper.core.language_model import Sampling, language_model_from, load_vocabulary
from rnn_stepper.language import TOP_K, LanguageSession
from rnn_stepper.ui.language_window import LanguageWindow, shown

WEIGHTS = importlib.resources.files("rnn_stepper.resources") / "weights"
MODEL, TEXT = str(WEIGHTS / "char_lstm.pt"), str(WEIGHTS / "mysterious_island.txt")
PROMPT = "The island"


@pytest.fixture(scope="module")
def book():
    """The book's own model with the shipped weights, and its char_array and char2int."""
    char_array = sorted(set(open(TEXT, encoding="utf-8").read()))
    state = torch.load(MODEL, weights_only=True)
    V, E = state["embedding.weight"].shape
    model = RNN(V, E, state["rnn.weight_hh_l0"].shape[1])
    model.load_state_dict(state)
    return model.eval(), char_array, {ch: i for i, ch in enumerate(char_array)}


@pytest.fixture
def window(qtbot):
    session = LanguageSession(language_model_from(load_tensors(MODEL), MODEL), load_vocabulary(TEXT), PROMPT,
                              Sampling(seed=1))
    shown_window = LanguageWindow(session)
    qtbot.addWidget(shown_window)
    shown_window.resize(1280, 720)
    shown_window.show()
    qtbot.waitExposed(shown_window)
    yield shown_window
    shown_window.close()


def books_probabilities(book, prompt, scale=1.0):
    """Categorical(logits=logits * scale).probs of the book's model after it is fed `prompt`, one char per call."""
    model, char_array, char2int = book
    _, logits = books_generation(model, char_array, char2int, prompt, 1, scale=scale)
    return Categorical(logits=logits[-1] * scale).probs


def bars(window):
    """What the head's bar plot draws: (token rows from its tick labels, bar lengths)."""
    opts = window.head.bars.opts
    ticks = window.head.getAxis("left")._tickLevels[0]
    return [label for _, label in ticks], np.asarray(opts["width"], dtype=np.float64), np.asarray(opts["y"])


def expected_bars(book, probabilities):
    _, char_array, _ = book
    p = probabilities.double().numpy()
    rows = sorted(range(len(p)), key=lambda k: -p[k])[:TOP_K]
    return [f"“{shown(char_array[k])}”" for k in rows], p[rows]


def test_each_call_shows_its_character_and_lights_the_embedding_row_it_reads(window, qtbot, book):
    _, _, char2int = book
    buttons = window.calls.buttons
    assert [b.text() for b in buttons] == [shown(ch) for ch in PROMPT]
    for k, ch in enumerate(PROMPT):
        qtbot.mouseClick(buttons[k], QtCore.Qt.LeftButton)
        assert window.session.call_index == k and buttons[k].isChecked()
        assert window.embedding.lit_row == char2int[ch]
        ticks = window.embedding.getAxis("left")._tickLevels[0]
        assert ticks == [(char2int[ch], f"“{shown(ch)}” {char2int[ch]}")]
        # the lit row is the cell's input: the step strip's session is fed exactly that row
        cell_input = window.session.cells.session.inputs.reshape(-1)
        table_row = torch.from_numpy(window.embedding.image.image[char2int[ch]])
        assert torch.equal(cell_input, table_row)
        assert window.session.cells.at_end  # every phase of the call's cell on show


def test_the_bars_are_the_heads_top_k_probabilities_bit_for_bit(window, book):
    labels, widths, rows = bars(window)
    want_labels, want_widths = expected_bars(book, books_probabilities(book, PROMPT))
    assert labels == want_labels
    assert np.array_equal(widths, want_widths)  # float32 values carried exactly into the plot
    assert list(rows) == list(range(TOP_K))


def test_sample_appends_the_character_the_books_sample_draws(window, qtbot, book):
    model, char_array, char2int = book
    for n in range(1, 6):
        qtbot.mouseClick(window.sample_button, QtCore.Qt.LeftButton)
        expected, _ = books_generation(model, char_array, char2int, PROMPT, n, seed=1)
        assert window.session.text == expected
        assert window.calls.next_label.text() == "→ " + shown(expected[-1])
        assert "= “" + shown(expected) + "”" in window.text.text()
    # the call on show is the one that drew the last character, and its drawn bar is in the sampling colour
    assert len(window.calls.buttons) == len(PROMPT) + 4
    assert window.calls.buttons[-1].isChecked()
    drawn = char2int[window.session.text[-1]]
    assert window.session.call.drawn == drawn


def test_the_scale_changes_the_bars_to_the_scaled_distribution(window, book):
    _, before, _ = bars(window)
    window.spread.setValue(2.0)
    labels, after, _ = bars(window)
    assert not np.array_equal(before, after)
    want_labels, want_widths = expected_bars(book, books_probabilities(book, PROMPT, scale=2.0))
    assert labels == want_labels and np.array_equal(after, want_widths)
    assert "logits × 2.0" in window.head.getPlotItem().titleLabel.text


@pytest.mark.parametrize("typed, says", [
    ("The islandé", "Character 11 of the prompt, “é”, is not in the model's vocabulary"),
    ("", "The prompt is empty"),
])
def test_a_prompt_the_vocabulary_cannot_encode_is_said_and_the_typed_text_kept(window, qtbot, typed, says):
    window.prompt.clear()
    window.prompt.insert(typed)  # as typed or pasted (QTest cannot key in an é)
    qtbot.keyClick(window.prompt, QtCore.Qt.Key_Return)
    assert window.problem.isVisible() and says in window.problem.text()
    assert window.prompt.text() == typed  # nothing typed is lost
    assert [b.text() for b in window.calls.buttons] == [shown(ch) for ch in PROMPT]  # the last fed stays
    window.prompt.setText("The sea")
    qtbot.keyClick(window.prompt, QtCore.Qt.Key_Return)
    assert not window.problem.isVisible()
    assert [b.text() for b in window.calls.buttons] == [shown(ch) for ch in "The sea"]


def test_the_command_opens_the_window_with_the_books_draws(shot, capsys, book):
    model, char_array, char2int = book
    window = shot(capsys, "--weights", MODEL, "--vocab", TEXT, "--text", PROMPT, "--generate", "3", "--seed", "2")
    expected, _ = books_generation(model, char_array, char2int, PROMPT, 3, seed=2)
    assert window.session.text == expected
    assert window.prompt.text() == PROMPT


def test_window_options_of_one_recurrent_module_are_refused_in_one_line(capsys):
    from helpers import run_cli

    status, _, err = run_cli(capsys, "--weights", MODEL, "--vocab", TEXT, "--text", PROMPT, "--steps", "2")
    assert status == 2 and err.count("\n") == 1 and "--steps does not apply to a language model's window" in err
    status, _, err = run_cli(capsys, "--weights", MODEL, "--vocab", TEXT, "--text", "The islandé")
    assert status == 2 and "'é' (at character 10) is not in the vocabulary" in err


@pytest.mark.usefixtures("close_shown_windows")
def test_show_opens_the_window_on_a_model_built_in_python(qtbot, book):
    import rnn_stepper
    from rnn_stepper.ui import show

    model, char_array, char2int = book
    torch.manual_seed(7)
    before = torch.get_rng_state()
    rnn_stepper.show(model, PROMPT, vocab=char_array, generate=4, block=False)
    assert torch.equal(torch.get_rng_state(), before)  # the caller's random state is left as it was
    window = show.windows[-1]
    assert isinstance(window, LanguageWindow) and window.isVisible()
    assert window.session.text == books_generation(model, char_array, char2int, PROMPT, 4, seed=1)[0]
    with pytest.raises(TypeError, match="leave out h0"):
        rnn_stepper.show(model, PROMPT, torch.zeros(1, 1, 64), vocab=char_array, block=False)


def test_file_open_example_opens_the_shipped_model_beside_the_stepper(qtbot, book):
    from rnn_stepper.ui import language_window
    from rnn_stepper.ui.main_window import MainWindow

    stepper = MainWindow()
    qtbot.addWidget(stepper)
    stepper.language_example_action.trigger()
    window = language_window.opened[-1]
    qtbot.addWidget(window)
    assert window.isVisible() and window.session.text == PROMPT
    assert window.prompt.text() == PROMPT
    _, char_array, _ = book
    assert window.session.vocabulary.tokens == tuple(char_array)
    window.close()


LOOKS = [("normal", 1.0), ("presentation", 1.25), ("presentation", 2.0)]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("look", LOOKS, ids=[f"{mode}-{scale:g}x" for mode, scale in LOOKS])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1920, 1080)], ids=["1024x768", "1280x720", "1920x1080"])
def test_the_window_is_legible_at_every_size_look_and_language(qtbot, size, look, lang):
    """As tests/test_legibility.py reads the stepper's window: no text of this window cut or drawn over another, and
    in presentation mode from 1280 × 720 up, the back row's sizes, on every page a reader can reach. The step strip
    is the stepper's own panel, measured there (tests/test_legibility.py), not again here."""
    import legibility
    from rnn_stepper.ui import i18n
    from rnn_stepper.ui.main_window import apply_look

    mode, scale = look
    i18n.install(lang)
    QtCore.QSettings().setValue("font_scale", scale)
    window = LanguageWindow(LanguageSession.example(), presenting=mode == "presentation")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.session.sample()
    minimums = legibility.PRESENTATION_MINIMUM_PX if mode == "presentation" and size >= (1280, 720) else None
    found = []
    pages = window.stages.currentWidget()
    for page in range(pages.count()) if window.focused else [None]:
        if page is not None:
            pages.setCurrentIndex(page)
        legibility.settle(window)
        found += [f"[{page}] {problem}" for problem in legibility.problems(window, minimums)
                  if "StepPanel/" not in problem]
    window.close()
    apply_look(False)  # the normal fonts and look for the tests after this one
    assert found == [], "\n".join(found)


def test_an_rnn_in_the_lstms_place_and_a_temperature_are_shown_as_they_are(qtbot):
    """The book's model with an nn.RNN, sampled with logits / T: one state in the heading, the control a
    temperature, and the bars Categorical(logits=logits / T) of the model's own logits."""
    from book_models import trained_model
    from rnn_stepper.core.language_model import language_model_of, vocabulary_from

    model, char_array, char2int = trained_model("rnn")
    session = LanguageSession(language_model_of(model), vocabulary_from(char_array, "vocab"), "The",
                              Sampling(seed=3, scale=None, temperature=0.7))
    window = LanguageWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert "h_t-1 from" in window.cell_heading.text() and "c_t-1" not in window.cell_heading.text()
    assert window.spread.prefix().strip() == "temperature" and window.spread.value() == pytest.approx(0.7)
    with torch.no_grad():
        hidden = torch.zeros(1, 1, 16)
        for ch in "The":
            logits, hidden, _ = model(torch.tensor([char2int[ch]]), hidden, None)
    probabilities = Categorical(logits=logits.squeeze(0) / 0.7).probs
    labels, widths, _ = bars(window)
    assert (labels, list(widths)) == tuple(map(list, expected_bars((model, char_array, char2int), probabilities)))
    window.close()
