"""float16 and bfloat16 modules are stepped in their own dtype: PyTorch's CPU kernel runs nn.RNN, nn.GRU and nn.LSTM
in both, and the hand pass makes its calls, so the trace has the module's bits. Where nn.LSTM hands a bfloat16
layer to oneDNN's fused kernel, that kernel's distance is measured, as in float32. Distances count each dtype's own
steps: a bfloat16 ulp is a bfloat16 step, counted here against torch.nextafter walked in bfloat16."""

import itertools
import json
import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn as nn
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import rnn_stepper
from aten_calls import assert_makes_the_modules_own_calls
from helpers import run_cli, sessions
from rnn_stepper.core import compute_trace
from rnn_stepper.core.distance import bits_equal, exact_text, numbers, ulp_distance
from rnn_stepper.core.reference import fused_kernels, native_path

HALF = (torch.float16, torch.bfloat16)
MODULES = {
    "rnn tanh": lambda **o: nn.RNN(3, 4, nonlinearity="tanh", **o),
    "rnn relu": lambda **o: nn.RNN(3, 4, nonlinearity="relu", **o),
    "gru": lambda **o: nn.GRU(3, 4, **o),
    "lstm": lambda **o: nn.LSTM(3, 4, **o),
    "lstm proj_size": lambda **o: nn.LSTM(3, 4, proj_size=2, **o),
}


def as_tuple(final):
    return final if isinstance(final, tuple) else (final,)


@pytest.mark.parametrize("dtype", HALF, ids=str)
@pytest.mark.parametrize("kind", MODULES)
@pytest.mark.parametrize("batch_first, bidirectional", list(itertools.product((True, False), repeat=2)))
def test_a_half_precision_module_is_traced_bit_for_bit_in_its_own_dtype(dtype, kind, batch_first, bidirectional):
    torch.manual_seed(0)
    module = MODULES[kind](num_layers=2, batch_first=batch_first, bidirectional=bidirectional).to(dtype)
    x = torch.randn(2, 5, 3).to(dtype)
    with torch.no_grad(), native_path():  # the step-by-step cell; a fused bfloat16 LSTM is measured below
        output, final = module(x)
    trace = rnn_stepper.trace(module, x)
    assert trace.output.dtype == dtype and trace.bitwise_equal
    assert bits_equal(trace.output, output)
    for ours, theirs in zip(trace.final.values(), as_tuple(final)):
        assert bits_equal(ours, theirs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", dtypes=("float16", "bfloat16")))
def test_in_half_precision_the_hand_pass_makes_the_modules_own_calls_and_gets_its_bits(session):
    # the calls are the proof for every CPU; the bits, for this one
    assert_makes_the_modules_own_calls(session)
    assert compute_trace(session).bitwise_equal


@pytest.mark.parametrize("dtype", HALF, ids=str)
def test_where_nn_lstm_fuses_a_half_precision_layer_the_fused_kernels_distance_is_measured(dtype):
    torch.manual_seed(0)
    module = nn.LSTM(3, 4, num_layers=2).to(dtype)
    x = torch.randn(5, 2, 3).to(dtype)
    with torch.no_grad(), fused_kernels() as watch:  # as a user runs it: oneDNN on, where this CPU has its kernel
        output, (h_n, c_n) = module(x)
    trace = rnn_stepper.trace(module, x)
    assert trace.bitwise_equal  # against the native path, always
    if watch.seen:  # bfloat16 on a CPU with AVX-512 (this one); float16 only where oneDNN has float16 kernels
        expected = max(float(ulp_distance(a, b).max()) for a, b in
                       ((trace.output, output), (trace.final["hidden"], h_n), (trace.final["cell"], c_n)))
        assert trace.fused_max_ulps == expected
    else:
        assert trace.fused_max_ulps is None and bits_equal(trace.output, output)


def nextafter_walk(start: torch.Tensor, steps: int) -> torch.Tensor:
    """`steps` representable numbers of start's dtype up from start, one torch.nextafter at a time."""
    value, up = start.clone(), torch.full_like(start, float("inf"))
    for _ in range(steps):
        value = torch.nextafter(value, up)
        if bool((value == 0).all()):
            value = value.abs()  # nextafter reaches -0.0 from below; +0.0 is the same point on the line
    return value


@pytest.mark.parametrize("dtype", HALF, ids=str)
@pytest.mark.parametrize("start", [-3.0, -1e-38, 0.0, 1e-3, 1.0, 200.0])
def test_a_half_precision_ulp_is_one_step_of_its_own_dtype_as_nextafter_walks_it(dtype, start):
    begin = torch.tensor([start], dtype=dtype)
    for steps in (0, 1, 2, 7, 130):
        end = nextafter_walk(begin, steps)
        if not bool(torch.isfinite(end).all()):
            continue
        assert ulp_distance(begin, end).tolist() == [steps]
        assert ulp_distance(end, begin).tolist() == [steps]


def test_a_bfloat16_ulp_is_65536_float32_steps_of_its_image():
    torch.manual_seed(0)
    a = torch.randn(1000).to(torch.bfloat16)
    b = nextafter_walk(a, 3)
    assert ulp_distance(a, b).tolist() == [3] * 1000
    assert ulp_distance(numbers(a), numbers(b)).tolist() == [3 * 65536] * 1000  # the images, read as float32


def test_bfloat16_bits_are_compared_as_bfloat16s_bits():
    a = torch.tensor([0.0, 1.0, float("nan"), 2.0], dtype=torch.bfloat16)
    b = torch.tensor([-0.0, 1.0, float("nan"), 2.0], dtype=torch.bfloat16)
    assert not bits_equal(a, b) and ulp_distance(a, b)[0] == 0  # a zero of the other sign: equal, not the same bits
    assert bits_equal(a[1:], b[1:])
    assert bits_equal(b, b.view(torch.int16).view(torch.bfloat16))


@given(st.integers(-(1 << 15), (1 << 15) - 1))
@example(0x0400)  # 2**-119, a power of two: "1.51e-36" reads back, from the wider interval above it
@example(0x7F7F)  # the largest bfloat16: "3.4e+38" would read back as inf
def test_bfloat16_is_written_with_the_fewest_digits_that_read_back_as_itself(pattern):
    value = torch.tensor([pattern], dtype=torch.int16).view(torch.bfloat16)
    if not bool(torch.isfinite(value).all()) or float(value) == 0:
        return
    v = float(value)
    text = exact_text(v, "bfloat16")
    assert nearest_bfloat16(Decimal(text)) == v
    digits = significant(text)
    assert digits <= 4  # 8 significant bits: bfloat16's honest count, never float32's 9
    if digits > 1:  # and no text of fewer digits reads back as v: neither neighbour of v with one digit less
        assert all(nearest_bfloat16(shorter) != v for shorter in decimal_neighbours(v, digits - 1))


def significant(text: str) -> int:
    return len(Decimal(text).normalize().as_tuple().digits)


def decimal_neighbours(v: float, digits: int) -> list[Decimal]:
    """The decimals of `digits` significant digits just below and just above v."""
    exact = Decimal(v)
    step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return [exact.quantize(step, rounding=ROUND_FLOOR), exact.quantize(step, rounding=ROUND_CEILING)]


ALL_BFLOAT16 = numbers(torch.arange(-(1 << 15), 1 << 15, dtype=torch.int32).to(torch.int16).view(torch.bfloat16))
# ±inf stand where the next power of two would be: past half a step beyond the largest bfloat16, values round to inf
ALL_BFLOAT16 = np.unique(np.concatenate([ALL_BFLOAT16[np.isfinite(ALL_BFLOAT16)].astype(np.float64),
                                         [-2.0 ** 128, 2.0 ** 128]]))


def nearest_bfloat16(x: Decimal) -> float:
    """The decimal x rounded to the nearest bfloat16, ties to the even one, found among all of them and compared as
    fractions: the reference exact_text is checked against, computed another way than its own."""
    i = int(np.searchsorted(ALL_BFLOAT16, float(x)))
    candidates = ALL_BFLOAT16[max(i - 2, 0):i + 2]
    odd = lambda v: int(np.array(v, dtype=np.float32).view(np.int32)) >> 16 & 1  # noqa: E731
    nearest = float(min(candidates, key=lambda v: (abs(Fraction(float(v)) - Fraction(x)), odd(v))))
    return nearest if abs(nearest) < 2.0 ** 128 else math.copysign(math.inf, nearest)


@pytest.mark.parametrize("dtype", HALF, ids=str)
def test_a_half_precision_safetensors_file_is_stepped_in_its_dtype_with_no_upcast_note(capsys, tmp_path, dtype):
    from safetensors.torch import save_file

    torch.manual_seed(0)
    lstm = nn.LSTM(5, 3, batch_first=True).to(dtype)
    save_file(lstm.state_dict(), tmp_path / "half.safetensors")
    status, out, err = run_cli(capsys, "trace", "--weights", str(tmp_path / "half.safetensors"), "--format", "json")
    assert status == 0 and "converted" not in err and "float32" not in err
    document = json.loads(out)
    assert document["config"]["dtype"] == str(dtype)[6:]
    assert document["bitwise_equal"] and document["max_ulps"] == 0
    x = torch.tensor(document["input"], dtype=dtype)
    with torch.no_grad(), native_path():
        output, _ = lstm(x)
    assert bits_equal(torch.tensor(document["manual"]["output"], dtype=dtype), output)  # JSON's digits are exact


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_the_window_steps_a_half_precision_session_and_writes_the_digits_its_dtype_has(qtbot, dtype):
    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.core.distance import array_text
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    session = make_session(RNNConfig(cell="lstm", hidden_size=3, dtype=dtype), [[1.0] * 5, [2.0] * 5, [3.0] * 5])
    window = MainWindow(StepperModel(session))
    window.resize(1280, 720)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(3):
        window.actions_by_name["step"].trigger()
    trace = window.model.trace
    assert trace.output.dtype == getattr(torch, dtype)
    assert "bitwise identical so far" in window.status.text()
    verdict = window.comparison.verdict_text()  # where torch fuses a bfloat16 LSTM: "… to the native path …"
    assert verdict.startswith("bitwise identical") and verdict.endswith("at all 3 steps")
    h_2 = trace.cell(0).hidden[2, 0]
    written = window.step_view.equation.text().splitlines()[-1].strip("= ").strip()
    assert written == array_text(h_2, max_line_width=80, threshold=12, edgeitems=3, floatmode="unique")
    table = window.comparison.step_table
    by_hand = [table.data(table.index(unit, 0)) for unit in range(table.rowCount())]
    assert by_hand == [exact_text(float(v), dtype) for v in h_2]
    assert all(len(text.lstrip("-").replace(".", "").lstrip("0")) <= (4 if dtype == "bfloat16" else 5)
               for text in by_hand)  # the digits bfloat16's 8 and float16's 11 significant bits have, no more


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", dtypes=("float16", "bfloat16")), st.data())
def test_a_half_precision_number_breaks_down_to_its_exact_sum_rounded_to_its_own_dtype(session, data):
    from rnn_stepper.core.explain import explain

    trace = compute_trace(session)
    config = trace.config
    t = data.draw(st.integers(0, trace.seq_len - 1))
    phase = data.draw(st.sampled_from(config.phases))
    cell = trace.cell(0)
    unit = data.draw(st.integers(0, cell.phases[phase].shape[-1] - 1))
    breakdown = explain(trace, 0, 0, t, 0, phase, unit)
    assert breakdown.returned == float(cell.phases[phase][t, 0, unit])
    assert exact_text(breakdown.returned, config.dtype) in breakdown.text()  # in the digits its dtype has
    rounded = torch.tensor([breakdown.rounded], dtype=config.torch_dtype)
    assert float(rounded) == breakdown.rounded  # a number of the session's dtype
    if breakdown.is_product and np.isfinite(breakdown.rounded):  # and the nearest one to the exact sum
        exact = Fraction(breakdown.exact)
        for way in (-np.inf, np.inf):
            neighbour = float(torch.nextafter(rounded, torch.tensor([way], dtype=config.torch_dtype)))
            if np.isfinite(neighbour):
                assert abs(Fraction(breakdown.rounded) - exact) <= abs(Fraction(neighbour) - exact)


@pytest.mark.parametrize("stored, session_dtype, stepped", [
    ("bfloat16", "float32", "bfloat16"), ("float16", "float64", "float16"), ("float32", "bfloat16", "float32"),
    ("float32", "float64", "float64"),  # widened exactly, as before
])
def test_weights_opened_in_the_window_are_stepped_in_the_dtype_they_were_stored_in(stored, session_dtype, stepped):
    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.core.session import with_imported_weights

    torch.manual_seed(0)
    weights = {k: v.to(getattr(torch, stored)) for k, v in nn.GRU(5, 3).state_dict().items()}
    session = with_imported_weights(make_session(RNNConfig(dtype=session_dtype)), weights)
    assert session.config.dtype == stepped and session.weights["weight_hh_l0"].dtype == getattr(torch, stepped)
    assert compute_trace(session).bitwise_equal


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_the_exported_script_and_equation_work_in_half_precision(dtype):
    import subprocess
    import sys

    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.core.export import phase_latex, python_snippet

    session = make_session(RNNConfig(cell="lstm", hidden_size=3, dtype=dtype), [[1.0] * 5, [2.0] * 5, [3.0] * 5])
    result = subprocess.run([sys.executable, "-c", python_snippet(session)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "bitwise identical to nn.LSTM: True" in result.stdout
    assert "every gradient bitwise identical to autograd: True" in result.stdout
    cell = compute_trace(session).cell(0)
    latex = phase_latex(cell, 0, 0, "hidden", session.config)
    assert latex.endswith(r"\begin{bmatrix}" + r" \\ ".join(exact_text(float(v), dtype) for v in cell.hidden[0, 0])
                          + r"\end{bmatrix}")


@pytest.mark.parametrize("dtype", HALF, ids=str)
@pytest.mark.parametrize("kind", ["rnn tanh", "gru", "lstm"])
def test_a_half_precision_batch_of_different_lengths_is_stepped_as_the_packed_kernel_steps_it(dtype, kind):
    torch.manual_seed(0)
    module = MODULES[kind](batch_first=True).to(dtype)
    x, lengths = torch.randn(3, 5, 3).to(dtype), [5, 2, 3]
    trace = rnn_stepper.trace(module, x, lengths=lengths)
    packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
    with torch.no_grad(), native_path():
        output, _ = module(packed)
    assert trace.bitwise_equal and bits_equal(trace.output.data, output.data)


@pytest.mark.parametrize("dtype", HALF, ids=str)
def test_a_half_precision_character_model_generates_in_its_own_dtype_as_the_books_sample_does(capsys, tmp_path,
                                                                                                dtype):
    from book_models import books_generation, trained_model

    model, char_array, char2int = trained_model()
    model = model.to(dtype)
    torch.save(model.state_dict(), tmp_path / "half.pt")
    (tmp_path / "chars.json").write_text(json.dumps(char_array))

    def init_hidden(batch_size):  # the book's, in the model's dtype: its float32 zeros would be refused
        return tuple(torch.zeros(1, batch_size, model.rnn_hidden_size, dtype=dtype) for _ in range(2))

    model.init_hidden = init_hidden
    expected, logits = books_generation(model, char_array, char2int, "The island", 8, seed=1)
    status, out, err = run_cli(capsys, "trace", "--weights", str(tmp_path / "half.pt"), "--vocab",
                               str(tmp_path / "chars.json"), "--text", "The island", "--generate", "8", "--seed", "1",
                               "--format", "json")
    assert status == 0 and "converted" not in err
    document = json.loads(out)
    assert document["model"]["recurrent"]["dtype"] == str(dtype)[6:]
    assert document["generated"] == expected and document["bitwise_equal"]


def test_the_language_window_opens_on_a_bfloat16_character_model(qtbot, tmp_path):
    import importlib.resources

    from rnn_stepper.core.files import load_tensors
    from rnn_stepper.core.language_model import Sampling, language_model_from, load_vocabulary
    from rnn_stepper.language import LanguageSession
    from rnn_stepper.ui.language_window import LanguageWindow

    weights = importlib.resources.files("rnn_stepper.resources") / "weights"
    state = torch.load(str(weights / "char_lstm.pt"), weights_only=True)
    torch.save({k: v.to(torch.bfloat16) for k, v in state.items()}, tmp_path / "half.pt")
    model = language_model_from(load_tensors(str(tmp_path / "half.pt")), str(tmp_path / "half.pt"))
    assert model.config.dtype == "bfloat16"
    window = LanguageWindow(LanguageSession(model, load_vocabulary(str(weights / "mysterious_island.txt")),
                                            "The island", Sampling(seed=1)))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    assert "every stage of this call is bitwise equal to the model's own modules" in window.status.text()


def test_the_classifier_window_opens_on_a_bfloat16_model_and_writes_its_head_in_its_digits(qtbot,
                                                                                             close_shown_windows):
    from rnn_stepper.ui import show
    from rnn_stepper.ui.classifier_window import ClassifierWindow
    from test_sentiment_model import reviews, trained_model

    model = trained_model().to(torch.bfloat16)
    text, lengths = reviews([6, 4, 3, 7])
    rnn_stepper.show(model, text, lengths=lengths, block=False)
    window = show.latest(show.windows[-1])
    assert isinstance(window, ClassifierWindow)
    window.resize(1280, 720)
    qtbot.waitExposed(window)
    assert window.session.model.config.dtype == "bfloat16"
    assert "every stage bitwise equal to the model's own modules" in window.status.text()
    output = window.session.trace.stages[window.session.head_stages()[-1]][0]
    assert window.head.written(output) == "[" + ", ".join(exact_text(float(v), "bfloat16") for v in output) + "]"
