"""Each phase's math is written once, as the formula `explain` evaluates (Phase.numbers), and the equation a
student reads is written from it. Here that formula is checked against the kernel: for every registered cell type,
both orders, every option, every phase and unit, the formula evaluated in float64 on the trace's own inputs lands
where the step's value is, within the rounding the arithmetic allows (issue 29).

The bound. Each rounding of the step's arithmetic (an addition, a product, an activation) errs by at most u·M,
where u is the dtype's unit roundoff and M the size of the numbers it passes through: the formula evaluated over
absolute values (explain.evaluate with magnitudes=True). A sum that cancels keeps the absolute error of its terms,
which is why the error is measured at M and not at the result. With n roundings on the way, the bound is
|kernel − formula| ≤ 2n·u·M: 2u a rounding, not u, because torch's and numpy's σ and tanh are each within an ulp
(2u), not half of one.

- An elementwise phase (a gate, a candidate, c_t, h_t) has n of 1 to 4: a few ulps at M's scale.
- A product (a row of W x_t + b, in any order a BLAS library adds it) has n of the dot product's length plus the
  additions around it: this is γ_n Σ(|W_ij| |x_j|) + … (Higham, Accuracy and Stability of Numerical Algorithms,
  eq. 3.5), a bound relative to the sum of the terms' sizes that holds for every order of summation, which
  cannot be observed.

float64 evaluates the formula with roundings of its own; for a float64 session they count as many again.
Measured on the configs below, the largest distance is under half the bound.
"""

from dataclasses import replace

import pytest

from conformance import departures, session_for, variants
from rnn_stepper.core import RNNConfig
from rnn_stepper.core.cells import CELL_TYPES, _phases

CASES = [(config, order) for kind in CELL_TYPES.values() for config in variants(kind)
         for order in ("kernel", "textbook")]


@pytest.mark.parametrize("config, order", CASES, ids=[f"{c.describe()}-{c.dtype}-{o}" for c, o in CASES])
def test_every_phase_computes_the_formula_it_prints(config, order):
    assert departures(session_for(config, order)) == []


def test_a_formula_that_reads_the_wrong_gate_is_caught(monkeypatch):
    """The mutation issue 29 found unnoticed by 146 tests: GRU's candidate reading the update gate where it reads
    the reset gate. The kernel still computes the reset gate's candidate; the printed formula no longer does."""
    gru = CELL_TYPES["gru"]
    declared = gru.steps.phases

    def mutated(config):
        return tuple(replace(phase, numbers=phase.numbers.replace("{reset_gate}", "{update_gate}"))
                     if phase.name == "candidate" else phase for phase in declared(config))

    monkeypatch.setattr(gru.steps, "phases", mutated)
    _phases.cache_clear()
    try:
        config = RNNConfig(cell="gru", input_size=3, hidden_size=4)
        assert "r_{t} ⊙" not in gru.phases(config)[4].equation  # the printed equation follows the formula
        found = departures(session_for(config, "kernel"))
        assert found and all(": candidate[" in line for line in found)
    finally:
        _phases.cache_clear()
