"""The conformance check of each phase's printed formula against the kernel's value (issue 29), shared by
test_phase_conformance (every registered cell type) and test_fourth_cell_type (one registered in a test).

Each phase's math is written once, as the formula `explain` evaluates (Phase.numbers), and the equation a
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

import re

import numpy as np
import torch

from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.config import cell_suffix
from rnn_stepper.core.equations import fill, previous_label, step_vector
from rnn_stepper.core.explain import evaluate, parameter

OPERATIONS = re.compile(r"[+−⊙]|σ\(|tanh\(|relu\(")
PRODUCT = re.compile(r"\b(W_\w+) · ")


def variants(kind) -> list[RNNConfig]:
    """Configs that between them take every path of a cell type's steps: two layers each way, with and without
    biases, in both dtypes, and each of its options' other values."""
    base = dict(cell=kind.name, input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    options = [{}] + [{option.name: value} for option in kind.options for value in option.examples]
    return [RNNConfig(**base, **option, bias=bias, dtype=dtype)
            for option in options for bias in (True, False) for dtype in ("float32", "float64")]


def session_for(config, order):
    """Inputs of a few sizes and a random initial state, so the first step's formula reads numbers too."""
    gen = torch.Generator().manual_seed(29)
    inputs = torch.randn(2, 4, config.input_size, generator=gen) * 2
    cells = config.num_layers * config.num_directions
    initial = {state.argument: torch.randn(cells, 2, state.size(config), generator=gen)
               for state in config.cell_type.states}
    return make_session(config, inputs, seed=29, order=order, **initial)


def roundings(template: str, session, config, suffix: str) -> int:
    """How many roundings the formula's arithmetic makes at most: one per operation, and one per term of each
    dot product in it."""
    dots = sum(parameter(session, config, weight, suffix).shape[1] for weight in PRODUCT.findall(template))
    return len(OPERATIONS.findall(template)) + dots


def departures(session) -> list[str]:
    """Every element of every phase whose value is further from its formula than the bound allows, described."""
    trace = compute_trace(session)
    config = session.config
    u = np.finfo(config.dtype).eps / 2 + (np.finfo(np.float64).eps / 2 if config.dtype == "float64" else 0)
    found = []
    for layer, direction in config.cells():
        cell, suffix = trace.cell(layer, direction), cell_suffix(layer, direction)
        for phase in config.cell_type.phases(config):
            for t in cell.walk:
                template = fill(phase.numbers_for(session.order), bias=config.bias, t=t,
                                prev=previous_label(cell.walk, t))
                n = roundings(template, session, config, suffix)
                for batch in range(trace.batch_size):
                    vectors = step_vector(cell, t, batch, config)
                    formula = evaluate(template, session, config, suffix, vectors)
                    size = evaluate(template, session, config, suffix, vectors, magnitudes=True)
                    kernel = cell.phases[phase.name][t, batch].numpy().astype(np.float64)
                    error = np.abs(kernel - formula)
                    for unit in np.flatnonzero(~(error <= 2 * n * u * size)):
                        found.append(f"{config.describe()} {session.order}: {phase.name}[t={t}, batch={batch}, "
                                     f"unit={unit}] (layer {layer}, direction {direction}) is "
                                     f"{float(kernel[unit])!r}, its formula {phase.numbers_for(session.order)!r} "
                                     f"says {float(formula[unit])!r}: {error[unit] / (u * size[unit]):.3g} u·M from "
                                     f"it, {2 * n} allowed")
    return found
