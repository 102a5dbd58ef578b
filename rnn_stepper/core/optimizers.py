"""The optimizers Train runs, as torch.optim runs them on the CPU, bit for bit.

On the CPU torch.optim updates each parameter on its own (`_single_tensor_sgd`, `_single_tensor_adam`: the
foreach and fused loops are for accelerators), so each update here is that loop's ops, in its order, on the same
shapes. A parameter's update reads only its own gradient and state: the order the parameters are visited in does
not change a bit. tests/test_optimizers.py trains with each and with torch.optim side by side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported where a tensor is made: the window names the optimizers before torch loads
    import torch

    from .backward import Gradients, Loss
    from .session import Session


class SGD:
    """torch.optim.SGD(params, lr): no momentum, no weight decay."""

    name = "SGD"
    default_lr = 0.1

    def __init__(self, lr: float):
        self.lr = lr

    def update(self, name: str, param: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
        # p ← p − lr·g, as SGD writes it: `p - lr * grad` would round twice
        return param.clone().add_(grad, alpha=-self.lr)


class Adam:
    """torch.optim.Adam(params, lr, betas, eps): no weight decay, no amsgrad. Kingma & Ba's algorithm 1, with
    the bias corrections folded into the step size and the denominator as torch folds them."""

    name = "Adam"
    default_lr = 0.01  # torch's default is 0.001: a hundred steps of it barely move a lecture's loss

    def __init__(self, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.state: dict[str, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}

    def update(self, name: str, param: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
        import torch

        beta1, beta2 = self.beta1, self.beta2
        if name not in self.state:  # as torch's _init_group: a float32 step count, zeroed moments
            self.state[name] = (torch.tensor(0.0), torch.zeros_like(param), torch.zeros_like(param))
        step_t, exp_avg, exp_avg_sq = self.state[name]
        step_t += 1
        exp_avg.lerp_(grad, 1 - beta1)                                  # m_t = β₁ m_{t-1} + (1 − β₁) g_t
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)    # v_t = β₂ v_{t-1} + (1 − β₂) g_t²
        step = step_t.item()
        step_size = self.lr / (1 - beta1**step)                         # lr / (1 − β₁ᵗ): m̂_t's correction
        denom = (exp_avg_sq.sqrt() / (1 - beta2**step) ** 0.5).add_(self.eps)  # √v̂_t + ε
        return param.clone().addcdiv_(exp_avg, denom, value=-step_size)  # p ← p − lr·m̂_t / (√v̂_t + ε)


OPTIMIZERS = {optimizer.name: optimizer for optimizer in (SGD, Adam)}


def optimizer_step(session: Session, loss: Loss, gradients: Gradients, optimizer) -> tuple[Session, Loss]:
    """The session after one `optimizer.step()` over the module's parameters, and the loss with its head stepped
    too (a classifier's h2o is in the same optimizer as the module it reads)."""
    from .backward import Head

    weights = {name: optimizer.update(name, value, gradients.parameters[name])
               for name, value in session.weights.items()}
    if loss.head is not None:
        head = loss.head
        stepped = {key: optimizer.update(f"{head.name}{key}", value, gradients.parameters[f"{head.name}{key}"])
                   for key, value in (("weight", head.weight), ("bias", head.bias)) if value is not None}
        loss = replace(loss, head=Head(head.name, stepped["weight"], stepped.get("bias")))
    return replace(session, weights=weights, seed=None), loss
