"""What every cell type's steps share: the kernel's GEMMs, and a store that keeps each step's fresh tensors.

MKL picks its code path by shapes, strides and memory alignment, so a step computes into fresh tensors, as
PyTorch's kernel does, and only then are they stored in the (T, B, ·) trace: no GEMM reads or writes through it.

torch is imported where it is called, so that a cell type's declarations load before torch does.
"""

from __future__ import annotations

BLOCK = 256  # timesteps stored, and reported to `progress`, at a time: often enough to cancel quickly


def project_inputs(x, W_ih, b_ih):
    """W_ih x_t + b_ih for every t in one GEMM (`FullLayer` in aten/src/ATen/native/RNN.cpp), on x as strided as
    torch.nn hands it to the kernel: it needs no earlier state, so the kernel computes it before the loop."""
    import torch.nn.functional as F

    return F.linear(x, W_ih, b_ih)


def linear(h, W_T, bias):
    """`F.linear(h, W, b)` for a 2-D h, as at::linear does it: addmm with the bias fused into the GEMM, or a
    plain mm without one. W_T is transposed once per cell rather than once per step: the same view either way."""
    return h.mm(W_T) if bias is None else bias.addmm(h, W_T)


def plus_bias(product, bias):
    # bias=False means no addition at all: adding zeros would turn -0.0 into +0.0.
    return product if bias is None else product + bias


class StepStore:
    """Each timestep's fresh tensors, stacked into preallocated (T, B, ·) trace tensors a block at a time.

    One `stack` per block of steps costs far less than a copy per step, and the block bounds the memory held
    beyond the trace; `progress(done)` hears after each block, and may raise to stop the pass."""

    def __init__(self, walk: list[int], progress):
        self.walk, self.progress = walk, progress
        self.traces: list | None = None
        self.pending: list[tuple] = []
        self.done = 0

    def add(self, *values) -> None:
        if self.traces is None:
            self.traces = [v.new_empty(len(self.walk), *v.shape) for v in values]
        self.pending.append(values)
        if len(self.pending) == BLOCK:
            self.flush()

    def flush(self) -> None:
        import torch

        ts = self.walk[self.done:self.done + len(self.pending)]
        lo, hi = min(ts), max(ts) + 1
        for trace, steps in zip(self.traces, zip(*self.pending)):
            # a reverse walk visited t = hi-1 … lo
            torch.stack(steps if ts[0] == lo else steps[::-1], out=trace[lo:hi])
        self.done += len(self.pending)
        self.pending = []
        self.progress(self.done)

    def finish(self) -> list:
        if self.pending:
            self.flush()
        return self.traces
