"""Every private PyTorch API the program uses, in one place: a torch upgrade that renames or drops one breaks
here, and tests/test_torch_private.py says which. constraints.txt pins the torch these were checked with.

Nothing else in the package (or its tests) reaches into `torch._…`, `torch.utils._…` or a private keyword
argument; the public `torch.ops.aten.*` operators the core calls are PyTorch's documented operator set.
"""

from __future__ import annotations

import torch
from torch.utils._python_dispatch import TorchDispatchMode  # every aten call as the kernels receive it
from torch.utils._pytree import tree_flatten  # the tensors inside a call's nested arguments

__all__ = ["TorchDispatchMode", "log_softmax_backward", "set_mkldnn_enabled", "tree_flatten"]


def set_mkldnn_enabled(enabled: bool) -> bool:
    """Turn oneDNN's kernels on or off for the whole process and return whether they were on.

    The public `torch.backends.mkldnn.flags(enabled=…)` also resets TF32 and precision settings (and warns about
    them); `set_flags`' private keywords change only this one switch (`_fp32_precision=None`: leave it)."""
    was_enabled, *_ = torch.backends.mkldnn.set_flags(_enabled=enabled, _fp32_precision=None)
    return was_enabled


def log_softmax_backward(grad: torch.Tensor, log_probs: torch.Tensor, dim: int, dtype: torch.dtype) -> torch.Tensor:
    """∂L/∂logits from ∂L/∂log_softmax(logits): grad − exp(log_probs) · Σ grad, as autograd computes it for
    `log_softmax` (aten's underscored `_log_softmax_backward_data`, the call autograd makes)."""
    return torch.ops.aten._log_softmax_backward_data(grad, log_probs, dim, dtype)
