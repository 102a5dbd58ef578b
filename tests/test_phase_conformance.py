"""Each phase's math is written once, as the formula `explain` evaluates, and the equation a student reads is
written from it: for every registered cell type, both orders, every option, phase and unit, that formula evaluated
in float64 on the trace's own inputs lands within the rounding the arithmetic allows of the kernel's value (issue
29). The check and its bound, with the reasons for it, are in conformance.py."""

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
