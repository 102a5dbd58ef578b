"""The shipped lesson on addition order: the textbook order lands a few ulps from nn.RNN on every CPU, by an amount
IEEE arithmetic decides alone, because every product in it is exact."""

import importlib.resources

import numpy as np
import torch

from rnn_stepper.core import compute_trace
from rnn_stepper.core.distance import ulp_distance
from rnn_stepper.core.session_file import load_session

LESSON = importlib.resources.files("rnn_stepper.resources") / "sessions" / "addition-order.rnnstep.json"


def lesson():
    session, _cursor = load_session(str(LESSON))
    return session


def both_groupings_in_ieee_float32(session):
    """The kernel's and the textbook's pre-activations and hidden states, one scalar float32 operation at a time:
    numpy's float32 scalars round every + exactly as IEEE 754 says, on any CPU, with no BLAS involved."""
    w = {k: v.numpy() for k, v in session.weights.items()}
    x = session.inputs[0].numpy()
    H = w["weight_hh_l0"].shape[0]
    f32 = np.float32

    def product(W, v, i):  # the one non-zero term of row i: exact, so the order of the GEMM's sum cannot matter
        (j,) = np.flatnonzero(W[i])
        return f32(W[i, j] * v[j])

    out = {}
    for order in ("kernel", "textbook"):
        h, zs, hs = np.zeros(H, f32), [], []
        for x_t in x:
            z = np.empty(H, f32)
            for i in range(H):
                a = f32(product(w["weight_ih_l0"], x_t, i) + w["bias_ih_l0"][i])
                p = product(w["weight_hh_l0"], h, i)
                b = w["bias_hh_l0"][i]
                z[i] = f32(f32(p + b) + a) if order == "kernel" else f32(f32(a + p) + b)
            h = np.maximum(z, f32(0))  # relu: exact
            zs.append(z)
            hs.append(h)
        out[order] = (np.array(zs), np.array(hs))
    return out


def test_every_product_in_the_lesson_is_exact():
    for name in ("weight_ih_l0", "weight_hh_l0"):
        W = lesson().weights[name].numpy()
        assert ((W != 0).sum(axis=1) == 1).all(), name
        nonzero = np.abs(W[W != 0])
        assert np.array_equal(nonzero, 2.0 ** np.round(np.log2(nonzero))), f"{name}: powers of two only"
    assert lesson().config.nonlinearity == "relu" and lesson().order == "textbook"


def test_the_textbook_order_lands_a_few_ulps_from_nn_rnn_by_the_amount_ieee_rounding_predicts():
    session = lesson()
    trace = compute_trace(session)
    predicted = both_groupings_in_ieee_float32(session)
    cell = trace.cell(0)
    # nn.RNN itself computes the kernel's grouping, and the trace the textbook's, bit for bit.
    assert np.array_equal(cell.reference[:, 0].numpy(), predicted["kernel"][1])
    assert np.array_equal(cell.phases["pre_activation"][:, 0].numpy(), predicted["textbook"][0])
    expected_ulps = ulp_distance(predicted["textbook"][1], predicted["kernel"][1]).max(axis=1)
    assert cell.step_ulps.tolist() == expected_ulps.tolist()
    assert not trace.bitwise_equal
    assert expected_ulps[0] == 0 and 1 <= expected_ulps[1:].min() and expected_ulps.max() <= 4


def test_in_kernel_order_the_lesson_is_nn_rnn_bit_for_bit():
    from dataclasses import replace

    trace = compute_trace(replace(lesson(), order="kernel"))
    assert trace.bitwise_equal
    with torch.no_grad():
        assert torch.equal(trace.output, lesson().module()(lesson().inputs)[0])
