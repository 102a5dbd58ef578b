# %% [markdown]
# # The notebook's sequence through nn.GRU and nn.LSTM, gate by gate
#
# Chapter 15's notebook builds `nn.RNN(5, 2, batch_first=True)` after `torch.manual_seed(1)` and feeds it three
# timesteps of 1s, 2s and 3s. Build an `nn.GRU` and an `nn.LSTM` the same way, and RNN Stepper recomputes each
# gate by hand and checks it against the module, bit for bit. Run it as a script (`python
# examples/gru_lstm_ch15.py`: the window closes the run) or cell by cell (`%gui qt` first in Jupyter).

# %%
import torch
import torch.nn as nn

import rnn_stepper

x_seq = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5])

torch.manual_seed(1)
gru = nn.GRU(input_size=5, hidden_size=2, batch_first=True)
torch.manual_seed(1)
lstm = nn.LSTM(input_size=5, hidden_size=2, batch_first=True)

# %% [markdown]
# One step of a GRU is six phases: the input projection and recurrent term of all three gates at once, then the
# reset gate r, the update gate z, the candidate n and h'. PyTorch multiplies r into `(W_hn h + b_hn)`, not into h
# before W_hn as the 2014 paper does: `order="textbook"` computes the paper's GRU, and how far it lands.

# %%
g = rnn_stepper.trace(gru, x_seq)
print(g)
print("phases of one step:", ", ".join(g.phases))
print("the paper's GRU lands", rnn_stepper.trace(gru, x_seq, order="textbook").max_abs_diff, "from nn.GRU")

# %% [markdown]
# An LSTM carries a second state, the cell c. In float32 PyTorch hands the whole layer to oneDNN's fused kernel,
# which adds in its own order: the hand pass is checked against the step-by-step cell (oneDNN off), and the
# fused kernel's distance is measured, not hidden.

# %%
h0, c0 = torch.zeros(1, 2), torch.ones(1, 2)  # an LSTM's state is the pair (h0, c0), as nn.LSTM takes it
t = rnn_stepper.trace(lstm, x_seq, (h0, c0))
print(t)
print("c_n:", t.c_n)
print("oneDNN's fused kernel lands", t.fused_max_ulps, "ulps from the step-by-step cell")

# %%
rnn_stepper.show(lstm, x_seq, (h0, c0))
