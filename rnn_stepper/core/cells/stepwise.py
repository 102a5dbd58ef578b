"""A reference module for a cell type torch.nn does not have: one timestep written in plain torch ops, looped over
layers, directions and time as torch.nn.RNN loops its cell, behind torch.nn.RNN's constructor arguments, state
dict keys (weight_ih_l0, …, bias_hh_l1_reverse) and call, `output, h_n = module(x, h0)`.

A cell type points its `reference` at a subclass ("package.module:Class") that sets `gates` and writes `step`.
Being plain torch, its numbers are not the hand pass's bits: the trace shows the distance, as it does for the
textbook order. One state (h) only: a cell with a second state would return it as nn.LSTM returns c_n.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..config import cell_suffix


class Stepwise(nn.Module):
    """torch.nn.RNN's interface around `step`, the subclass's one timestep of one cell."""

    gates = 1  # how many hidden_size-row blocks W_ih, W_hh and the biases stack

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, dropout, bidirectional
        directions = 2 if bidirectional else 1
        rows = self.gates * hidden_size
        for layer in range(num_layers):
            width = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = cell_suffix(layer, direction)
                shapes = {"weight_ih": (rows, width), "weight_hh": (rows, hidden_size)}
                if bias:
                    shapes |= {"bias_ih": (rows,), "bias_hh": (rows,)}
                for kind, shape in shapes.items():
                    self.register_parameter(kind + suffix, nn.Parameter(torch.empty(shape, dtype=dtype)))
        bound = 1 / math.sqrt(hidden_size)  # as torch.nn.RNNBase.reset_parameters draws them
        for parameter in self.parameters():
            nn.init.uniform_(parameter, -bound, bound)

    def step(self, x, h, W_ih, W_hh, b_ih, b_hh):
        """h_t from x_t (B, I) and h_{t-1} (B, H); a missing bias is None."""
        raise NotImplementedError

    def forward(self, input, hx=None):
        batched = input.dim() == 3
        x = input if batched else input.unsqueeze(0 if self.batch_first else 1)
        if self.batch_first:
            x = x.transpose(0, 1)  # time-major, as the loop walks it
        T, B = x.shape[:2]
        directions = 2 if self.bidirectional else 1
        if hx is None:
            hx = x.new_zeros(self.num_layers * directions, B, self.hidden_size)
        elif not batched:
            hx = hx.unsqueeze(1)
        finals = []
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                suffix = cell_suffix(layer, direction)
                weights = [getattr(self, kind + suffix, None) for kind in ("weight_ih", "weight_hh", "bias_ih",
                                                                           "bias_hh")]
                h = hx[layer * directions + direction]
                steps: list = [None] * T
                for t in (range(T) if direction == 0 else range(T - 1, -1, -1)):
                    h = steps[t] = self.step(layer_input[t], h, *weights)
                outputs.append(torch.stack(steps))
                finals.append(h)
            layer_input = torch.cat(outputs, dim=-1)
        output, h_n = layer_input, torch.stack(finals)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output, h_n = output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n
