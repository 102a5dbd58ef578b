"""Trains the small checkpoint shipped as sine_rnn.pt: an nn.RNN that predicts the next sample of a sine wave.

    python resources/weights/train_sine.py        # about 10 s on a laptop CPU

The RNN sits under the prefix `rnn.` beside a linear head, as in most real checkpoints, so File > Import weights
shows how a prefix is picked.
"""

from pathlib import Path

import torch
import torch.nn as nn


class SinePredictor(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=8, batch_first=True)
        self.head = nn.Linear(8, 1)

    def forward(self, x):
        hidden, _ = self.rnn(x)
        return self.head(hidden)


def batches(n=64, length=24, generator=None):
    phase = torch.rand(n, 1, generator=generator) * 2 * torch.pi
    t = torch.arange(length + 1) * 0.3
    wave = torch.sin(t + phase).unsqueeze(-1)  # (n, length + 1, 1)
    return wave[:, :-1], wave[:, 1:]


def main():
    torch.manual_seed(0)
    model = SinePredictor()
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    generator = torch.Generator().manual_seed(0)
    for _ in range(400):
        x, y = batches(generator=generator)
        loss = nn.functional.mse_loss(model(x), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    print(f"final mse {loss.item():.5f}")
    torch.save(model.state_dict(), Path(__file__).with_name("sine_rnn.pt"))


if __name__ == "__main__":
    main()
