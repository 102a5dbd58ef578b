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


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, session in examples().items():
        save_session(str(HERE / f"{name}{SUFFIX}"), session)
        print("wrote", name)
