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
        "relu": make_session(RNNConfig(nonlinearity="relu"), ramp),
        "two-layer-bidirectional": make_session(RNNConfig(input_size=2, hidden_size=3, num_layers=2,
                                                          bidirectional=True), sine[:6]),
        "saturating": make_session(RNNConfig(input_size=2, hidden_size=4), sine, weights=weights),
    }


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, session in examples().items():
        save_session(str(HERE / f"{name}{SUFFIX}"), session)
        print("wrote", name)
