"""The aten calls a piece of PyTorch code makes, as MKL and ATen's kernels receive them.

MKL, oneDNN and ATen choose a code path by CPU, threads, shapes, strides and memory alignment; two computations
that make the same calls on operands of the same shapes, strides and alignment run the same path, and so give the
same bits on any CPU. Recording both sides' calls with `TorchDispatchMode` proves that on the machine at hand and
for every machine, where comparing bits proves it only for this one.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from rnn_stepper.core.torch_private import TorchDispatchMode, tree_flatten

# Calls that only allocate, view, copy or gather data: no arithmetic, so no rounding and no code path to match.
# The hand pass stores each phase into its trace with copy_, and the kernel stacks its outputs: both are free to
# differ in these.
DATA_MOVEMENT = frozenset({
    "alias", "as_strided", "cat", "chunk", "clone", "copy_", "detach", "empty", "empty_like", "empty_strided", "expand",
    "lift_fresh", "new_empty", "new_empty_strided", "ones", "ones_like", "permute", "select", "slice", "split", "split_with_sizes", "squeeze", "squeeze_", "stack",
    "t", "t_", "transpose", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes",
    "transpose_", "unbind", "unsqueeze", "unsqueeze_",
    "view", "_unsafe_view", "zeros", "zeros_like",
})
ALIGNMENT = 64  # bytes: the widest vector register (AVX-512) and the CPU allocator's alignment


@dataclass(frozen=True)
class Operand:
    """What a kernel can see of a tensor besides its values."""

    dtype: torch.dtype
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    alignment: int  # data_ptr() % 64

    @classmethod
    def of(cls, value):
        if not isinstance(value, torch.Tensor):
            return value  # a scalar argument (alpha, dim, …) is part of the call too
        return cls(value.dtype, tuple(value.shape), value.stride(), value.data_ptr() % ALIGNMENT)


@dataclass(frozen=True)
class Call:
    op: str  # e.g. "addmm.default"
    inputs: tuple
    outputs: tuple

    def __str__(self) -> str:
        def show(v):
            if isinstance(v, Operand):
                return f"{str(v.dtype)[6:]}{list(v.shape)}/{list(v.stride)}@{v.alignment}"
            return repr(v)
        return f"{self.op}({', '.join(map(show, self.inputs))}) -> {', '.join(map(show, self.outputs))}"


class CallRecorder(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.calls: list[Call] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        inputs = tuple(Operand.of(v) for v in tree_flatten((args, kwargs))[0])
        outputs = tuple(Operand.of(v) for v in tree_flatten(result)[0])
        self.calls.append(Call(f"{func.overloadpacket.__name__}.{func._overloadname}", inputs, outputs))
        return result


def arithmetic_calls(run) -> list[Call]:
    """The calls `run()` makes that compute values (GEMMs, additions, activations), in order."""
    with CallRecorder() as recorder:
        run()
    return [c for c in recorder.calls if c.op.split(".")[0] not in DATA_MOVEMENT]


def first_difference(ours: list[Call], theirs: list[Call]) -> str:
    """Where two call sequences part, for an assertion message a person can act on."""
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return f"call {i}:\n  hand pass: {a}\n  nn.RNN:    {b}"
    return f"{len(ours)} calls by hand, {len(theirs)} by nn.RNN; the longer goes on with " + str(
        (ours if len(ours) > len(theirs) else theirs)[min(len(ours), len(theirs))])


def assert_makes_the_modules_own_calls(session) -> None:
    """The hand pass makes the module's own arithmetic calls, on its native path, in order, on operands of the
    same dtype, shape, stride and alignment."""
    from rnn_stepper.core.reference import native_path, reference_pass
    from rnn_stepper.core.trace import hand_pass

    reference = reference_pass(session)
    with torch.no_grad(), native_path():  # as reference_pass runs it
        theirs = arithmetic_calls(lambda: reference.module(session.inputs, session.initial_state()))
    ours = arithmetic_calls(lambda: hand_pass(session, reference))
    assert ours == theirs, first_difference(ours, theirs)
