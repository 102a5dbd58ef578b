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


def activation_backward(nonlinearity: str, grad, output):
    """∂L/∂z from ∂L/∂h and h = f(z), as autograd's formulas for tanh and relu compute it from the output:
    grad · (1 − h²), or grad where h > 0."""
    import torch

    if nonlinearity == "tanh":
        return torch.ops.aten.tanh_backward(grad, output)
    return torch.ops.aten.threshold_backward(grad, output, 0)


def project_inputs_backward(grad, x, W_ih, has_bias: bool):
    """The input projection's gradients for every timestep at once, as autograd differentiates F.linear: at::linear
    folds a contiguous input into one addmm (its bias gradient a sum over rows), any other into a matmul of a
    contiguous copy (its bias gradient a sum over time and batch). Returns (∂L/∂x, ∂L/∂W_ih, ∂L/∂b_ih)."""
    T, B = grad.shape[:2]
    grad_2d = grad.view(T * B, -1)
    x_2d = x.reshape(T * B, -1)  # a view of a contiguous input, else the copy matmul made
    W_ih_T = W_ih.t()
    grad_x = product_grad_left(grad_2d, x_2d, W_ih_T).view(T, B, -1)  # ∂L/∂x_t = ∂L/∂a_t W_ih
    grad_W = product_grad_right(grad_2d, x_2d, W_ih_T).t()  # Σ_t ∂L/∂a_tᵀ x_t, in one product
    grad_b = None
    if has_bias:
        summed = grad_2d.sum(0, keepdim=True) if x.is_contiguous() else grad.sum((0, 1), keepdim=True)
        grad_b = summed.view(-1)
    return grad_x, grad_W, grad_b


# The gradients of a product left @ right, as autograd's mm_mat1_backward and mm_mat2_backward compute them
# (torch/csrc/autograd/FunctionsManual.cpp): an operand that was column-major gets its gradient computed transposed,
# so that it comes out column-major too — another GEMM, which can round differently.

def column_major(t) -> bool:
    return t.stride(0) == 1 and t.stride(1) == t.shape[0]


def product_grad_left(grad, left, right):
    """∂L/∂left = ∂L/∂(left @ right) rightᵀ."""
    return right.mm(grad.t()).t() if column_major(left) else grad.mm(right.t())


def product_grad_right(grad, left, right):
    """∂L/∂right = leftᵀ ∂L/∂(left @ right)."""
    return grad.t().mm(left).t() if column_major(right) else left.t().mm(grad)


def recurrent_weight_share(grad_pre, h_prev, p):
    """One step's share of ∂L/∂W_hh and ∂L/∂b_hh: ∂L/∂s_tᵀ h_{t-1} in the form autograd uses for the transposed
    weight of `h_{t-1} @ W_hhᵀ` (mm_mat2_backward), and Σ_batch ∂L/∂s_t (None without a bias). s_t is the
    recurrent term, every gate block of it for a gated cell."""
    weight = product_grad_right(grad_pre, h_prev, p.W_hh.T).t()
    bias = None if p.b_hh is None else grad_pre.sum(0, keepdim=True).view(-1)
    return weight, bias


def stacked_gates(cell, t, names):
    """A gated cell's gates at t as the kernel activated them in place: views of one fresh (B, G·H) block, each
    gate's rows at its own offset, so that a backward formula reads them with the kernel's strides."""
    import torch

    return torch.cat([cell.phases[name][t] for name in names], 1).unsafe_chunk(len(names), 1)
