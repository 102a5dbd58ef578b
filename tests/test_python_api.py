"""rnn_stepper.trace and load_session: a user's own nn.RNN (or the one inside their model) and input, traced
without a window, checked against that very module run here, and the module left as it was."""

import itertools
import json
import subprocess
import sys
import types

import numpy as np
import pytest
import torch
import torch.nn as nn

import rnn_stepper
from rnn_stepper.core.distance import ulp_distance
from rnn_stepper.core.reference import native_path
from rnn_stepper.core.session_file import load_session as window_loads

# Every option nn.RNN has, crossed: layers × directions × nonlinearity × bias × layout, each in both dtypes.
CONFIGS = [
    dict(num_layers=layers, bidirectional=bidirectional, nonlinearity=act, bias=bias, batch_first=batch_first)
    for layers, bidirectional, act, bias, batch_first in itertools.product(
        (1, 2), (False, True), ("tanh", "relu"), (True, False), (True, False))
]


def config_id(c):
    return "-".join(f"{k}={v}" for k, v in c.items())


def build(config, dtype=torch.float32, seed=0, input_size=3, hidden_size=4, batch=2, steps=5, dropout=0.0):
    torch.manual_seed(seed)
    module = nn.RNN(input_size, hidden_size, dropout=dropout if config["num_layers"] > 1 else 0.0, dtype=dtype,
                    **config)
    shape = (batch, steps, input_size) if config["batch_first"] else (steps, batch, input_size)
    x = torch.randn(*shape, dtype=dtype)
    D = 2 if config["bidirectional"] else 1
    h0 = torch.randn(config["num_layers"] * D, batch, hidden_size, dtype=dtype)
    return module, x, h0


def same_bits(a, b):
    as_bytes = [v.contiguous().view(-1).view(torch.uint8) for v in (a, b)]
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(*as_bytes)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_every_configuration_is_read_from_the_module_and_matches_it_bit_for_bit(config, dtype):
    module, x, h0 = build(config, dtype)
    with torch.no_grad():
        expected_output, expected_h_n = module(x, h0)
    t = rnn_stepper.trace(module, x, h0)
    assert {k: t.config[k] for k in config} == config
    assert (t.config["input_size"], t.config["hidden_size"], t.config["dtype"]) == (3, 4, str(dtype)[6:])
    assert t.bitwise_equal and t.max_ulps == 0.0 and t.max_abs_diff == 0.0
    assert same_bits(t.output, expected_output) and same_bits(t.h_n, expected_h_n)
    assert same_bits(t.reference_output, expected_output) and same_bits(t.reference_h_n, expected_h_n)
    assert (t.sequence_length, t.batch_size, t.batched, t.order) == (5, 2, True, "kernel")
    assert torch.equal(t.input, x) and torch.equal(t.h0, h0)


@pytest.mark.parametrize("batch_first", [True, False])
def test_an_unbatched_sequence_is_traced_as_nn_rnn_takes_it(batch_first):
    torch.manual_seed(1)
    module = nn.RNN(5, 2, batch_first=batch_first)
    x = torch.randn(4, 5)
    h0 = torch.randn(1, 2)
    t = rnn_stepper.trace(module, x, h0)
    with torch.no_grad():
        output, h_n = module(x, h0)
    assert not t.batched and t.batch_size == 1 and t.sequence_length == 4
    assert same_bits(t.output, output) and same_bits(t.h_n, h_n) and t.bitwise_equal


def test_dropout_is_read_from_the_module_and_evaluated_as_in_eval_mode():
    config = dict(num_layers=2, bidirectional=False, nonlinearity="tanh", bias=True, batch_first=True)
    module, x, h0 = build(config, dropout=0.5)
    module.train()
    t = rnn_stepper.trace(module, x, h0)
    assert t.config["dropout"] == 0.5
    assert module.training  # the module's own mode is not touched
    with torch.no_grad():
        expected, _ = module.eval()(x, h0)
    assert same_bits(t.output, expected)


def test_tensors_numpy_arrays_and_nested_lists_give_the_same_trace():
    torch.manual_seed(1)
    module = nn.RNN(5, 2, batch_first=True)
    rows = [[1.0] * 5, [2.0] * 5, [3.0] * 5]
    traces = [rnn_stepper.trace(module, x) for x in (torch.tensor(rows), np.array(rows), rows,
                                                     np.array(rows, dtype=np.int64), tuple(map(tuple, rows)))]
    for t in traces:
        assert same_bits(t.output, traces[0].output) and same_bits(t.input, traces[0].input)
    # numbers written down are rounded to the module's dtype as torch.tensor(values) rounds them
    wide = [[0.1, 0.2, 0.3, 0.4, 0.5]]
    assert same_bits(rnn_stepper.trace(module, wide).input, torch.tensor(wide))


def test_the_module_and_torchs_random_state_are_left_exactly_as_they_were():
    torch.manual_seed(5)
    module = nn.RNN(3, 4, num_layers=2, bidirectional=True)
    before = {k: v.clone() for k, v in module.state_dict().items()}
    x = torch.randn(6, 2, 3, requires_grad=True)
    rng = torch.get_rng_state()
    t = rnn_stepper.trace(module, x, order="textbook")
    assert torch.equal(torch.get_rng_state(), rng)
    assert all(torch.equal(v, before[k]) for k, v in module.state_dict().items())
    assert all(p.grad is None and p.requires_grad for p in module.parameters()) and module.training
    assert x.grad is None
    assert t.session.weights["weight_ih_l0"].data_ptr() != module.weight_ih_l0.data_ptr()  # a copy


def the_notebooks_loop(rnn_layer, x_seq):
    """Chapter 15.2's hand-written loop, as the notebook writes it."""
    w_xh, w_hh, b_xh, b_hh = rnn_layer.weight_ih_l0, rnn_layer.weight_hh_l0, rnn_layer.bias_ih_l0, rnn_layer.bias_hh_l0
    out_man = []
    for t in range(x_seq.shape[0]):
        xt = torch.reshape(x_seq[t], (1, 5))
        ht = torch.matmul(xt, torch.transpose(w_xh, 0, 1)) + b_xh
        prev_h = out_man[t - 1] if t > 0 else torch.zeros(ht.shape)
        ot = torch.tanh(ht + torch.matmul(prev_h, torch.transpose(w_hh, 0, 1)) + b_hh)
        out_man.append(ot)
    return out_man


def test_an_autograder_checks_the_notebooks_loop_against_the_textbook_order_trace():
    torch.manual_seed(1)
    rnn_layer = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
    x_seq = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5])
    batch_of_one = torch.reshape(x_seq, (1, 3, 5))
    out_man = the_notebooks_loop(rnn_layer, x_seq)
    textbook = rnn_stepper.trace(rnn_layer, batch_of_one, order="textbook")
    verdict = textbook.compare(out_man)
    assert verdict.bitwise_equal and verdict.max_ulps == 0.0
    # Against the kernel order (nn.RNN's own bits) the same loop is as far off as the textbook trace says.
    kernel = rnn_stepper.trace(rnn_layer, batch_of_one)
    assert kernel.compare(out_man).max_ulps == textbook.max_ulps
    # A wrong loop (the recurrent bias forgotten) is caught.
    wrong = [h - 0.01 for h in out_man]
    assert not textbook.compare(wrong).bitwise_equal and textbook.compare(wrong).max_abs_diff > 1e-3
    assert textbook.compare(textbook.output).bitwise_equal
    with pytest.raises(ValueError, match="got 2 timesteps, the trace has 3"):
        textbook.compare(out_man[:2])
    with pytest.raises(TypeError, match="float64"):
        textbook.compare([h.double() for h in out_man])


def test_phase_gives_each_phase_as_the_equation_says():
    torch.manual_seed(2)
    module = nn.RNN(3, 4, bidirectional=True, batch_first=True)
    x = torch.randn(2, 5, 3)
    t = rnn_stepper.trace(module, x)
    a, r, z, h = (t.phase(name, 0, 1) for name in t.phases)
    assert torch.equal(z, a + r) and torch.equal(h, torch.tanh(z))
    assert torch.equal(h.transpose(0, 1), t.output[..., 4:])  # the reverse half of nn.RNN's output
    with pytest.raises(ValueError, match="phase must be one of"):
        t.phase("forget_gate")
    with pytest.raises(ValueError, match="layers 0 … 0"):
        t.phase("hidden", layer=1)


def test_to_json_is_the_trace_commands_document():
    torch.manual_seed(1)
    module = nn.RNN(5, 2, batch_first=True)
    x = torch.tensor([[[1.0] * 5, [2.0] * 5, [3.0] * 5]])
    t = rnn_stepper.trace(module, x)
    doc = json.loads(t.to_json())
    assert doc["schema"] == "rnn-stepper/trace" and doc["bitwise_equal"] is True and doc["max_ulps"] == 0.0
    assert doc["manual"]["output"] == t.output.tolist() == module(x)[0].tolist()
    assert doc["config"]["batch_first"] is True and doc["config"]["seed"] is None
    assert len(doc["steps"]) == 3 and t.to_dict()["steps"] == doc["steps"]


class FakeDataFrame:
    """pandas is not a dependency: a stand-in that keeps what to_dataframe hands to pandas.DataFrame."""

    def __init__(self, data, columns):
        self.data, self.columns = data, columns


def test_to_dataframe_has_one_row_per_hidden_unit_of_each_step(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=FakeDataFrame))
    torch.manual_seed(3)
    module = nn.RNN(3, 2, num_layers=2, bidirectional=True)
    t = rnn_stepper.trace(module, torch.randn(4, 3))
    frame = t.to_dataframe()
    assert frame.columns == ["layer", "direction", "t", "batch", "unit", "h_prev", "input_projection",
                             "recurrent_term", "pre_activation", "hidden", "reference", "abs_diff", "ulps"]
    rows = 2 * 2 * 4 * 1 * 2  # layers × directions × T × batch × units
    assert all(len(column) == rows for column in frame.data.values())
    # The reverse cell of layer 1 at t = 0, unit 1, is h_n's last row
    index = next(i for i in range(rows) if (frame.data["layer"][i], frame.data["direction"][i], frame.data["t"][i],
                                            frame.data["unit"][i]) == (1, 1, 0, 1))
    assert frame.data["hidden"][index] == t.h_n[3, 1].item() == frame.data["reference"][index]


def test_to_dataframe_without_pandas_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    t = rnn_stepper.trace(nn.RNN(2, 2), [[1.0, 2.0]])
    with pytest.raises(ImportError, match="pip install pandas"):
        t.to_dataframe()


def test_to_dataframe_with_real_pandas():
    pandas = pytest.importorskip("pandas")
    torch.manual_seed(3)
    t = rnn_stepper.trace(nn.RNN(3, 2, batch_first=True), torch.randn(2, 4, 3))
    frame = t.to_dataframe()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 4 * 2 * 2
    assert frame["hidden"].tolist() == frame["reference"].tolist()


def test_save_session_and_load_session_round_trip_bit_for_bit(tmp_path):
    torch.manual_seed(4)
    module = nn.RNN(3, 5, num_layers=2, nonlinearity="relu", batch_first=True, dtype=torch.float64)
    x, h0 = torch.randn(2, 6, 3, dtype=torch.float64), torch.randn(2, 2, 5, dtype=torch.float64)
    t = rnn_stepper.trace(module, x, h0, order="textbook")
    path = t.save_session(tmp_path / "mine.rnnstep.json")
    back = rnn_stepper.load_session(path)
    assert back.order == "textbook" and back.config == t.config
    assert same_bits(back.output, t.output) and same_bits(back.input, x) and same_bits(back.h0, h0)
    rebuilt = back.module()
    assert all(same_bits(v, module.state_dict()[k]) for k, v in rebuilt.state_dict().items())
    session, _ = window_loads(path)  # File > Open reads the same file
    assert session.config.describe() == "RNN(3, 5, num_layers=2, nonlinearity=relu, batch_first=True)"


def test_load_session_refuses_a_damaged_file_saying_what_is_wrong(tmp_path):
    path = tmp_path / "bad.rnnstep.json"
    path.write_text('{"format": "rnn-stepper/session", "version": 1, "config": {"input_size": 0}}')
    with pytest.raises(ValueError, match="bad.rnnstep.json: input_size must be at least 1"):
        rnn_stepper.load_session(path)
    with pytest.raises(ValueError, match="no such file"):
        rnn_stepper.load_session(tmp_path / "missing.rnnstep.json")


# --- models inside models ----------------------------------------------------------------------------------------

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 4)
        self.rnn = nn.RNN(4, 3, batch_first=True)
        self.head = nn.Linear(3, 2)

    def forward(self, tokens):
        output, _ = self.rnn(self.embedding(tokens))
        return self.head(output[:, -1])


def test_a_model_with_one_rnn_gives_that_rnn_and_says_which(capsys):
    torch.manual_seed(6)
    model = Classifier()
    emb = model.embedding(torch.tensor([[1, 2, 3]])).detach()
    t = rnn_stepper.trace(model, emb)
    assert t.module_path == "rnn" and "at model.rnn" in repr(t)
    assert "model.rnn, the nn.RNN inside this Classifier: RNN(4, 3, batch_first=True)" in capsys.readouterr().err
    direct = rnn_stepper.trace(model.rnn, emb)  # the usual call after an embedding layer
    assert same_bits(direct.output, t.output) and direct.module_path == ""
    with torch.no_grad():
        assert same_bits(t.output, model.rnn(emb)[0])


def test_the_models_own_input_gets_a_hint_to_embed_it_first():
    model = Classifier()
    with pytest.raises(TypeError, match="torch.int64.*pass the embedded sequence to model.rnn"):
        rnn_stepper.trace(model, torch.tensor([[1, 2, 3]]))
    with pytest.raises(ValueError, match="each timestep has 7 values but input_size is 4.*model.rnn"):
        rnn_stepper.trace(model, torch.zeros(1, 3, 7))


def test_several_recurrent_modules_are_listed_by_attribute_path_and_type():
    model = nn.Module()
    model.encoder = nn.Sequential(nn.Linear(3, 3), nn.RNN(3, 4))
    model.decoder = nn.LSTM(4, 4)
    with pytest.raises(ValueError, match=r"holds 2 recurrent modules: model.encoder\[1\] \(nn.RNN\), model.decoder "
                                         r"\(nn.LSTM\); pass the one"):
        rnn_stepper.trace(model, torch.zeros(2, 3))
    t = rnn_stepper.trace(model.encoder, torch.zeros(2, 3))
    assert t.module_path == "1"


def test_a_gru_or_lstm_is_found_inside_a_model_and_traced_bitwise(capsys):
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 3), nn.GRU(3, 2, num_layers=2, batch_first=True))
    x = torch.randn(2, 4, 3)
    t = rnn_stepper.trace(model, x)
    assert t.module_path == "1" and t.config["cell"] == "gru" and t.c_n is None and t.fused_max_ulps is None
    assert "model[1], the nn.GRU inside this Sequential: GRU(3, 2, num_layers=2" in capsys.readouterr().err
    with torch.no_grad():
        expected, h_n = model[1](x)
    assert same_bits(t.output, expected) and same_bits(t.h_n, h_n) and t.bitwise_equal
    assert t.phases == ("input_projection", "recurrent_term", "reset_gate", "update_gate", "candidate", "hidden")
    assert "bitwise equal to nn.GRU" in repr(t)


def test_a_recurrent_module_without_a_cell_here_is_refused_by_name():
    class Custom(nn.RNNBase):
        def __init__(self):
            super().__init__("RNN_TANH", 3, 2)

    with pytest.raises(TypeError, match="steps a torch.nn.RNN, nn.GRU or nn.LSTM .*; Custom is none of them"):
        rnn_stepper.trace(Custom(), torch.zeros(2, 3))
    with pytest.raises(TypeError, match=r"holds no nn.RNN, nn.GRU or nn.LSTM, only model\[1\] \(Custom\)"):
        rnn_stepper.trace(nn.Sequential(nn.Linear(3, 3), Custom()), torch.zeros(2, 3))


def test_an_lstm_takes_its_state_as_nn_lstm_does_and_matches_its_native_cell_bitwise():
    torch.manual_seed(4)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x, h0, c0 = torch.randn(2, 5, 3), torch.randn(4, 2, 4), torch.randn(4, 2, 4)
    t = rnn_stepper.trace(lstm, x, (h0, c0))
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False):  # the cell step by step, as the hand pass
        expected, (h_n, c_n) = lstm(x, (h0, c0))
    assert t.bitwise_equal and same_bits(t.output, expected)
    assert same_bits(t.h_n, h_n) and same_bits(t.c_n, c_n) and same_bits(t.final["cell"], c_n)
    assert same_bits(t.reference_final["cell"], c_n) and same_bits(t.c0, c0)
    assert t.phases[-1] == "hidden" and "forget_gate" in t.phases and "cell" in t.phases
    assert t.phase("forget_gate", layer=1, direction=1).shape == (5, 2, 4)
    # PyTorch's default float32 pass is oneDNN's fused kernel: its distance is measured, whatever it is here.
    with torch.no_grad():
        fused, (fused_h, fused_c) = lstm(x, (h0, c0))
    farthest = max(float((a - b).abs().max()) for a, b in ((fused, t.output), (fused_h, t.h_n), (fused_c, t.c_n)))
    assert t.fused_max_abs_diff == farthest
    assert (t.fused_max_ulps == 0) == all(same_bits(a, b) for a, b in ((fused, t.output), (fused_h, t.h_n),
                                                                        (fused_c, t.c_n)))
    # float64 runs the cell itself: there is no fused kernel to measure
    assert rnn_stepper.trace(lstm.double(), x.double()).fused_max_ulps is None


def test_a_state_in_the_wrong_form_for_its_module_is_refused_with_the_form_it_takes():
    with pytest.raises(TypeError, match=r"nn.LSTM takes its initial state as a pair \(h0, c0\)"):
        rnn_stepper.trace(nn.LSTM(3, 2), torch.zeros(4, 3), torch.zeros(1, 2))
    with pytest.raises(TypeError, match=r"nn.GRU's initial state is one tensor h0 \(the pair \(h0, c0\) is"):
        rnn_stepper.trace(nn.GRU(3, 2), torch.zeros(4, 3), (torch.zeros(1, 2), torch.zeros(1, 2)))
    with pytest.raises(ValueError, match=r"c0 has shape \(1, 3\), but this session needs \(1, 2\)"):
        rnn_stepper.trace(nn.LSTM(3, 2), torch.zeros(4, 3), (torch.zeros(1, 2), torch.zeros(1, 3)))
    t = rnn_stepper.trace(nn.LSTM(3, 2), torch.zeros(4, 3), (None, torch.ones(1, 2)))  # h0 zeros, as the window
    assert t.h0 is None and torch.equal(t.c0, torch.ones(1, 2))


# --- what is refused, and what the message says ------------------------------------------------------------------

@pytest.mark.parametrize("module, x, error, says", [
    ("not a module", [[1.0]], TypeError, "steps a torch.nn.RNN, nn.GRU or nn.LSTM .*got builtins.str"),
    (nn.Linear(5, 2), [[1.0] * 5], TypeError, "this Linear holds no nn.RNN"),
    (nn.RNN(5, 2, dtype=torch.complex64), [[1.0] * 5], TypeError, "torch.complex64; the stepper shows"),
    (nn.RNN(5, 2, device="meta"), [[1.0] * 5], ValueError, "on meta; the stepper computes on the CPU"),
    (nn.RNN(5, 2), torch.zeros(3, 5, device="meta"), ValueError, "x is on meta"),
    (nn.RNN(5, 2), torch.zeros(3, 5, dtype=torch.float64), TypeError, "x is torch.float64 but .* torch.float32"),
    (nn.RNN(5, 2), torch.zeros(3, 5, dtype=torch.bool), TypeError, "x is torch.bool"),
    (nn.RNN(5, 2), np.zeros((3, 5), dtype=bool), TypeError, "numpy array of bool"),
    (nn.RNN(5, 2), "1,2,3", TypeError, "a torch.Tensor, a numpy array or nested lists of numbers, got str"),
    (nn.RNN(5, 2), [[1.0] * 5, [2.0] * 4], ValueError, r"\[1\] has shape \[4\] but \[0\] has \[5\]"),
    (nn.RNN(5, 2), [[1.0] * 5, ["a"] * 5], ValueError, "'a' is not a number"),
    (nn.RNN(5, 2), torch.zeros(3, 4), ValueError, "each timestep has 4 values but input_size is 5"),
    (nn.RNN(5, 2), torch.zeros(5), ValueError, "1 dimensions; give \\(T, input_size\\)"),
    (nn.RNN(5, 2), torch.zeros(1, 1, 3, 5), ValueError, "4 dimensions"),
    (nn.RNN(5, 2), torch.zeros(0, 5), ValueError, "empty"),
])
def test_bad_arguments_get_a_clear_error(module, x, error, says):
    with pytest.raises(error, match=says):
        rnn_stepper.trace(module, x)


def test_bad_h0_and_order_are_refused():
    module = nn.RNN(5, 2, num_layers=2, batch_first=True)
    x = torch.zeros(3, 4, 5)
    with pytest.raises(ValueError, match=r"h0 has shape \(1, 3, 2\), but this session needs \(2, 3, 2\)"):
        rnn_stepper.trace(module, x, torch.zeros(1, 3, 2))
    with pytest.raises(TypeError, match="h0 is torch.float64"):
        rnn_stepper.trace(module, x, torch.zeros(2, 3, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="order must be 'kernel' or 'textbook', got 'fast'"):
        rnn_stepper.trace(module, x, order="fast")


# --- light to import -----------------------------------------------------------------------------------------------

def fresh_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_importing_rnn_stepper_loads_neither_torch_nor_qt():
    result = fresh_python(
        "import sys, rnn_stepper; assert callable(rnn_stepper.show) and callable(rnn_stepper.trace);"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'PySide6', 'pyqtgraph', 'shiboken6'));"
        "print(loaded)")
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


def test_trace_and_everything_on_it_load_no_qt(tmp_path):
    result = fresh_python(
        "import sys, torch, rnn_stepper\n"
        "t = rnn_stepper.trace(torch.nn.RNN(5, 2, batch_first=True), torch.ones(1, 3, 5))\n"
        "t.to_json(); t.compare(t.output); t.phase('hidden'); repr(t)\n"
        f"back = rnn_stepper.load_session(t.save_session({str(tmp_path / 's.rnnstep.json')!r}))\n"
        "assert t.bitwise_equal and back.bitwise_equal\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', "
        "'PyQt6')))")
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize("kind", [nn.RNN, nn.GRU, nn.LSTM])
def test_backward_gives_every_gradient_as_the_users_own_loss_backward_leaves_it_in_grad(kind):
    torch.manual_seed(28)
    module = kind(3, 4, num_layers=2, bidirectional=True, dtype=torch.float64)
    x, h0, c0 = torch.randn(5, 2, 3, dtype=torch.float64), *torch.randn(2, 4, 2, 4, dtype=torch.float64)
    state = (h0, c0) if kind is nn.LSTM else h0
    backward = rnn_stepper.trace(module, x, state).backward()
    # the user's own training step, on the module itself
    x_leaf = x.clone().requires_grad_(True)
    leaves = tuple(s.clone().requires_grad_(True) for s in (state if kind is nn.LSTM else (state,)))
    final = module(x_leaf, leaves if kind is nn.LSTM else leaves[0])[1]
    (final[0] if kind is nn.LSTM else final).sum().backward()
    expected = {name: p.grad for name, p in module.named_parameters()} | {"input": x_leaf.grad, "h0": leaves[0].grad}
    if kind is nn.LSTM:
        expected["c0"] = leaves[1].grad
    assert backward.loss == "L = sum of h_n" and backward.bitwise_equal and backward.max_ulps == 0
    assert set(backward.gradients) == set(expected)
    for name, grad in expected.items():
        assert torch.equal(backward.gradients[name], grad), name
        assert torch.equal(backward.autograd[name], grad), name
    assert backward.hidden(1, 1).shape == (5, 2, 4)
    assert backward.pre_activation(0).shape[-1] == 4 * {nn.RNN: 1, nn.GRU: 3, nn.LSTM: 4}[kind]
    assert (backward.cell(0) is None) == (kind is not nn.LSTM)
    assert backward.fused_gradients is None and backward.fused_max_ulps is None  # float64: the native cell itself
    with pytest.raises(ValueError, match="layers 0 … 1 and directions 0 and 1; got layer=2"):
        backward.hidden(2)


def test_backward_of_an_mse_against_a_target_and_the_default_float32_lstms_fused_distance():
    torch.manual_seed(28)
    lstm = nn.LSTM(3, 4)
    x, target = torch.randn(6, 1, 3), torch.randn(6, 1, 4)
    backward = rnn_stepper.trace(lstm, x).backward(target)
    x_leaf = x.clone().requires_grad_(True)
    with native_path():  # the native cell, the one stepped
        nn.functional.mse_loss(lstm(x_leaf)[0], target).backward()
    assert backward.loss == "L = mean((output - target)^2)" and backward.bitwise_equal
    assert torch.equal(backward.gradients["input"], x_leaf.grad)
    assert torch.equal(backward.gradients["weight_hh_l0"], lstm.weight_hh_l0.grad)
    # PyTorch's default float32 backward is oneDNN's: its gradients are given and their distance measured, not promised
    fused = backward.fused_gradients
    assert set(fused) == set(backward.gradients)
    assert backward.fused_max_ulps == max(float(ulp_distance(backward.gradients[k].numpy(), fused[k].numpy()).max())
                                          for k in fused)
    with pytest.raises(ValueError, match=r"the target is \(6, 4\); the output it is compared with is \(6, 1, 4\)"):
        rnn_stepper.trace(lstm, x).backward(target[:, 0])
    with pytest.raises(ValueError, match="nn.GRU in textbook order is not yet"):
        rnn_stepper.trace(nn.GRU(3, 4), x, order="textbook").backward()
