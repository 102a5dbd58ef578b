"""Writes the example sessions in resources/sessions/. Run it again after a session format change:

    python -m rnn_stepper.resources.make_examples
"""

from pathlib import Path

import numpy as np

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.core.session_file import SUFFIX, save_session

HERE = Path(__file__).resolve().parent / "sessions"


def examples() -> dict:
    ramp = [[1.0] * 5, [2.0] * 5, [3.0] * 5]
    t = np.arange(12)
    sine = np.stack([np.sin(2 * np.pi * t / 12), np.cos(2 * np.pi * t / 12)], axis=1)
    saturating = make_session(RNNConfig(input_size=2, hidden_size=4), sine, seed=3)
    # Scale W_hh so its spectral radius is 1.8: the state grows until tanh pins it near ±1.
    w = saturating.weights["weight_hh_l0"]
    radius = float(np.abs(np.linalg.eigvals(w.double().numpy())).max())
    weights = {**saturating.weights, "weight_hh_l0": (w * (1.8 / radius)).to(w.dtype)}
    return {
        "notebook": make_session(),
        "addition-order": addition_order(),
        "relu": make_session(RNNConfig(nonlinearity="relu"), ramp),
        "two-layer-bidirectional": make_session(RNNConfig(input_size=2, hidden_size=3, num_layers=2,
                                                          bidirectional=True), sine[:6]),
        "saturating": make_session(RNNConfig(input_size=2, hidden_size=4), sine, weights=weights),
        # The notebook's input through the notebook's construction with another class: torch.manual_seed(1);
        # nn.GRU(5, 2, batch_first=True), and likewise nn.LSTM (make_session's seed draws exactly those weights).
        "gru-notebook": make_session(RNNConfig(cell="gru")),
        "lstm-notebook": make_session(RNNConfig(cell="lstm")),
        "lstm-forget-gate-memory": forget_gate_memory(),
        "gradient-vanishing": gradient_over_50_steps("tanh", GRADIENT_RADIUS["tanh"]),
        "gradient-exploding": gradient_over_50_steps("relu", GRADIENT_RADIUS["relu"]),
        "lstm-gradient-surviving": lstm_gradient_over_50_steps(),
    }


def addition_order():
    """Where the bias is added, a lesson that shows on every CPU.

    Every weight row has one non-zero entry, a power of two, so every product in every GEMM is exact and no BLAS
    code path can round it. What is left is where b_hh joins: the kernel adds (W_hh h + b_hh) + a, the textbook
    (a + W_hh h) + b_hh, and IEEE rounds the two groupings apart. With b_hh = 2 and inputs near -1.5 the
    intermediate sums sit in [1, 4), whose ulps are 2 to 4 times those of the result near 0.5: a few ulps apart
    from t = 1 on. At t = 0, W_hh h_0 = 0 and both orders are exact. ReLU adds no rounding of its own.
    """
    config = RNNConfig(input_size=2, hidden_size=2, nonlinearity="relu")
    weights = {"weight_ih_l0": [[1.0, 0.0], [0.0, 1.0]], "weight_hh_l0": [[0.5, 0.0], [0.0, 0.5]],
               "bias_ih_l0": [0.0, 0.0], "bias_hh_l0": [2.0, 2.0]}
    inputs = [[-1.9, -1.3], [-1.6, -1.3], [-1.9, -1.1], [-1.6, -1.2]]
    return make_session(config, inputs, weights=weights, order="textbook")


# The memory example's numbers, named for the test that checks its lesson.
MEMORY_STEPS = 50  # the pulse at t = 0 must still show in c at t = MEMORY_STEPS
MEMORY_FORGET_BIAS = (7.0, 0.0)  # per unit: σ(7) ≈ 0.99909 keeps, σ(0) = 0.5 halves every step


def forget_gate_memory():
    """An LSTM whose forget gate keeps one pulse for 50 steps, beside a unit that forgets it in a few.

    Input: one number per step, 1 at t = 0 and 0 for t = 1 … 50. Two units, the same except for the forget gate's
    bias. Every weight is chosen so one gate does one thing (W_hh is zero: nothing but the input drives a gate):
    - input gate i = σ(10·x − 5): open (0.9933) at the pulse, nearly shut (0.0067) after;
    - cell candidate g = tanh(4·x): 0.9993 at the pulse, exactly 0 after, so nothing more is written;
    - forget gate f = σ(b_f): unit 0 has b_f = 7, f ≈ 0.99909, so c keeps 0.99909^50 ≈ 96 % of the pulse at t = 50;
      unit 1 has b_f = 0, f = 0.5, so c halves every step and holds 0.5^50 ≈ 1e-15 of it;
    - output gate o = σ(2) ≈ 0.88 throughout, so h = o·tanh(c) shows c's memory too.
    Step to t = 50 and compare c's two units: that is what a forget gate near 1 buys. Without the pulse (x = 0
    everywhere) g is 0 and c stays exactly 0, which is what the test compares against.
    """
    H, steps = 2, MEMORY_STEPS
    per_gate = {  # (weight on x, bias) per gate, in nn.LSTM's block order i, f, g, o
        "i": ([10.0, 10.0], [-5.0, -5.0]),
        "f": ([0.0, 0.0], list(MEMORY_FORGET_BIAS)),
        "g": ([4.0, 4.0], [0.0, 0.0]),
        "o": ([0.0, 0.0], [2.0, 2.0]),
    }
    config = RNNConfig(cell="lstm", input_size=1, hidden_size=H)
    assert config.cell_type.gate_names == tuple(per_gate)  # the blocks above are stacked in the cell's order
    weights = {
        "weight_ih_l0": [[w] for gate in per_gate.values() for w in gate[0]],
        "weight_hh_l0": [[0.0] * H for _ in range(4 * H)],
        "bias_ih_l0": [b for gate in per_gate.values() for b in gate[1]],
        "bias_hh_l0": [0.0] * (4 * H),
    }
    inputs = [[1.0]] + [[0.0]] * steps
    return make_session(config, inputs, weights=weights)


# The gradient examples' spectral radii, named for the test that checks their lessons (issue 15).
GRADIENT_STEPS = 50
GRADIENT_RADIUS = {"tanh": 0.5, "relu": 1.8}


def gradient_over_50_steps(nonlinearity: str, radius: float):
    """Backpropagation through 50 steps where ρ(W_hh) decides everything: ∂L/∂h_{t-1} = W_hhᵀ (f'(z_t) ⊙ ∂L/∂h_t).

    - tanh, ρ = 0.5: each step back multiplies the gradient by at most 0.5 (tanh' ≤ 1), so ‖∂L/∂h_0‖ is some 1e-15
      of ‖∂L/∂h_49‖: the loss cannot teach the weights anything about the first inputs. The gradient vanishes.
    - relu, ρ = 1.8: W_hh has positive entries (its leading eigenvector is positive, Perron–Frobenius) and the input
      is positive, so every unit stays active, relu' = 1, and each step back multiplies the gradient by ~1.8:
      ~1.8^49 ≈ 3e12 at t = 0. The gradient explodes (and so does the state: relu does not saturate).
    W_hh is scaled to the exact radius in float64; the loss is Σ h_n, stepped back with Step back.
    """
    H, I = 4, 2
    rng = np.random.default_rng(15)
    positive = nonlinearity == "relu"
    w_hh = rng.uniform(0.1, 1.0, (H, H)) if positive else rng.normal(0.0, 1.0, (H, H))
    w_hh *= radius / np.abs(np.linalg.eigvals(w_hh)).max()
    w_ih = rng.uniform(0.1, 0.5, (H, I)) if positive else rng.normal(0.0, 0.5, (H, I))
    wave = long_wave()
    inputs = 1.0 + 0.5 * wave if positive else wave
    weights = {"weight_ih_l0": w_ih.tolist(), "weight_hh_l0": w_hh.tolist(),
               "bias_ih_l0": [0.0] * H, "bias_hh_l0": [0.0] * H}
    return make_session(RNNConfig(input_size=I, hidden_size=H, nonlinearity=nonlinearity), inputs, weights=weights)


def long_wave() -> np.ndarray:
    """The gradient examples' input: 50 steps of a sine and a cosine of period 12, (50, 2)."""
    t = np.arange(GRADIENT_STEPS)
    return np.stack([np.sin(2 * np.pi * t / 12), np.cos(2 * np.pi * t / 12)], axis=1)


LSTM_FORGET_BIAS = 5.0  # σ(5) ≈ 0.9933 at every step: 0.9933^49 ≈ 0.72 of ∂L/∂c survives 49 steps back
LSTM_RECURRENT_SCALE = 0.05  # W_hh's entries' spread: what flows back through h is small beside the cell path


def lstm_gradient_over_50_steps():
    """gradient-vanishing's input and loss (Σ h_n) through an nn.LSTM: the gradient that survives.

    Along the cell state ∂L/∂c_{t-1} = ∂L/∂c_t ⊙ f_t + (what reaches c_{t-1} through h_{t-1}): no W_hh, no tanh'.
    The forget gate's bias is 5 in every unit, so f_t ≈ 0.993 whatever the input, and ‖∂L/∂c_0‖ keeps some 70 %
    of ‖∂L/∂c_49‖, while ‖∂L/∂h_t‖ before the last step is only what flows back through W_hh (small here).
    Open it beside gradient-vanishing and step back: the Forgetting page plots both norms.
    """
    H, I = 4, 2
    rng = np.random.default_rng(28)
    config = RNNConfig(cell="lstm", input_size=I, hidden_size=H)
    forget = config.cell_type.gate_names.index("f")
    bias_ih = np.zeros(4 * H)
    bias_ih[forget * H:(forget + 1) * H] = LSTM_FORGET_BIAS
    weights = {"weight_ih_l0": rng.normal(0.0, 0.5, (4 * H, I)).tolist(),
               "weight_hh_l0": rng.normal(0.0, LSTM_RECURRENT_SCALE, (4 * H, H)).tolist(),
               "bias_ih_l0": bias_ih.tolist(), "bias_hh_l0": [0.0] * (4 * H)}
    return make_session(config, long_wave(), weights=weights)


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, session in examples().items():
        save_session(str(HERE / f"{name}{SUFFIX}"), session)
        print("wrote", name)
