"""What PyTorch itself returns for a session: the module's own forward pass, and every layer's hidden states.

A fused kernel (oneDNN's LSTM in float32, and in bfloat16 where the CPU has AVX-512) cannot be stepped: the trace is checked against the module's native
path, which PyTorch runs with oneDNN turned off, and the fused kernel's own result is kept beside it to measure
how far it lands.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

import torch

from .config import cell_suffix
from .layout import time_major
from .session import Session, build_module
from .torch_private import TorchDispatchMode, set_mkldnn_enabled


@dataclass
class Reference:
    """What the torch module returns for a session on its native path, and the module that returned it."""

    module: torch.nn.Module
    output: torch.Tensor
    final: dict[str, torch.Tensor]  # "hidden": h_n, and "cell": c_n for an LSTM
    layers: list[torch.Tensor]  # every layer's hidden states, (T, B, D·P): see layer_references
    fused: "Fused | None" = None


@dataclass
class Fused:
    """The module's default forward pass where it hands whole layers to a fused kernel: its own numbers."""

    kernel: str  # the aten op that ran, e.g. "mkldnn_rnn_layer"
    output: torch.Tensor
    final: dict[str, torch.Tensor]


# oneDNN's switch is one flag for the whole process: a pass that turns it off, and a pass that reads it as the user
# left it, must not overlap (a window's worker and a Python caller can trace at once).
SWITCH = threading.RLock()


@contextlib.contextmanager
def native_path():
    """Turns off oneDNN's fused RNN kernels, so torch.nn runs the cell step by step (`FullLayer` in RNN.cpp),
    the path the hand pass replays. nn.RNN and nn.GRU take it anyway. Only the one flag: `mkldnn.flags()` would
    also reset TF32 and precision settings (and warn about them)."""
    with SWITCH:
        enabled = set_mkldnn_enabled(False)
        try:
            yield
        finally:
            set_mkldnn_enabled(enabled)


def reference_pass(session: Session, progress=lambda layers: None) -> Reference:
    """The module's own pass; `progress(layers)` hears after each layer below the top is checked, and may raise to
    stop (the module's forward itself is one call that cannot be stopped)."""
    config = session.config
    with torch.no_grad():
        module = build_module(config, session.weights)
        with native_path():
            output, final = module(session.inputs, session.initial_state())
            layers = layer_references(session, output, progress)
        return Reference(module, output, dict(zip(config.cell_type.state, as_tuple(final))), layers,
                         fused_pass(session, module, output))


def fused_pass(session: Session, module, native_output) -> Fused | None:
    """The module's default forward, when it runs a fused kernel: recorded, so the window can say which."""
    if not session.config.cell_type.may_fuse(session.config):
        return None  # torch.nn runs the native cell: nothing else to measure
    with SWITCH, fused_kernels() as watch:  # oneDNN as the user left it, while no other pass turns it off
        output, final = module(session.inputs, session.initial_state())
    if not watch.seen:
        return None
    return Fused(sorted(watch.seen)[0], output, dict(zip(session.config.cell_type.state, as_tuple(final))))


def fused_kernels(backward: bool = False):
    """A dispatch mode that notes, in `.seen`, which of torch's RNN kernels ran (e.g. "mkldnn_rnn_layer"; with
    `backward`, only their backward kernels, e.g. "mkldnn_rnn_layer_backward")."""
    class FusedKernels(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.seen: set[str] = set()

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            name = func.overloadpacket.__name__
            if "rnn" in name and (not backward or "backward" in name):
                self.seen.add(name)
            return func(*args, **(kwargs or {}))

    return FusedKernels()


def as_tuple(final) -> tuple:
    return final if isinstance(final, tuple) else (final,)


def layer_references(session: Session, reference_output, progress=lambda layers: None) -> list[torch.Tensor]:
    """The module's hidden states for every layer, (T, B, D·P) each.

    torch.nn returns only the last layer's; a layer below is checked against a one-layer module holding that
    layer's weights, fed the reference output of the layer beneath it — the same calls the full module makes.
    """
    config = session.config
    D = config.num_directions
    x = time_major(session.inputs, config.batch_first)
    initial = session.time_major_state()
    references = []
    layer_input = x
    for layer in range(config.num_layers - 1):
        state = tuple(initial[name][layer * D:(layer + 1) * D] for name in config.cell_type.state)
        layer_input, _ = one_layer_module(config, session.weights, layer)(layer_input,
                                                                         state if len(state) > 1 else state[0])
        references.append(layer_input)
        progress(layer + 1)
    references.append(time_major(reference_output, config.batch_first))
    return references


def one_layer_module(config, weights: dict, layer: int) -> torch.nn.Module:
    """A one-layer, sequence-first module holding layer `layer`'s weights: the layer as the full module runs it."""
    one_config = config.replace(input_size=config.layer_input_size(layer), num_layers=1, batch_first=False,
                                dropout=0.0)
    # Layer l's own parameters under layer 0's names, looked up by name: a scan of every weight per layer would
    # make many layers quadratic.
    return build_module(one_config, {name: weights[name.replace(cell_suffix(0, 0), cell_suffix(layer, 0))]
                                     for name in one_config.parameter_shapes()})

