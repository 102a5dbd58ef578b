# %% [markdown]
# # 15.2 An RNN for sequence modelling: the forward pass by hand, then step by step
#
# The example of chapter 15.2 of the textbook notebook: build an `nn.RNN`, run it on a sequence of three
# timesteps, recompute every hidden state by hand and compare. The last cell opens the same module and input
# in RNN Stepper, which walks the loop one phase per click and checks each number against `nn.RNN` bit for bit.
#
# Run it as a script (`python examples/notebook_ch15.py`: the window closes the run), cell by cell in an editor
# that knows `# %%` cells, or paste the cells into Jupyter (`%gui qt` first keeps the notebook usable while the
# window is open).

# %%
import torch
import torch.nn as nn

import rnn_stepper

torch.manual_seed(1)
rnn_layer = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
# batch_first=True: the input is (batch_size, sequence_length, 5), 5 being input_size.
# num_layers > 1 would stack several recurrent layers.
print(rnn_layer)

# %%
w_xh = rnn_layer.weight_ih_l0
w_hh = rnn_layer.weight_hh_l0
b_xh = rnn_layer.bias_ih_l0
b_hh = rnn_layer.bias_hh_l0

print("W_xh shape:", w_xh.shape)
print("W_hh shape:", w_hh.shape)
print("b_xh shape:", b_xh.shape)
print("b_hh shape:", b_hh.shape)

# %% [markdown]
# Run `rnn_layer` forward, and recompute the output of each timestep by hand beside it.

# %%
x_seq = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5]).float()

# the simple RNN's output
output, hn = rnn_layer(torch.reshape(x_seq, (1, 3, 5)))
out_man = []

# the output computed by hand
for t in range(3):
    xt = torch.reshape(x_seq[t], (1, 5))
    print(f"time step {t} =>")
    print("   input           :", xt.numpy())

    ht = torch.matmul(xt, torch.transpose(w_xh, 0, 1)) + b_xh  # swaps w_xh's first and second dimensions
    print("   hidden          :", ht.detach().numpy())
    if t > 0:
        prev_h = out_man[t - 1]
    else:
        prev_h = torch.zeros((ht.shape))
    ot = ht + torch.matmul(prev_h, torch.transpose(w_hh, 0, 1)) + b_hh
    ot = torch.tanh(ot)  # nn.RNN's default activation; its nonlinearity parameter can choose relu instead
    out_man.append(ot)
    print("   output (manual) :", ot.detach().numpy())
    print("   RNN output      :", output[:, t].detach().numpy())
    print()

# %% [markdown]
# How close is the hand loop? `rnn_stepper.trace` recomputes the pass in the notebook's order of operations
# (`order="textbook"`) and in PyTorch's own (`"kernel"`, bitwise equal to `nn.RNN`); `compare` measures
# `out_man` against either. This is what an autograder can call on a student's loop.

# %%
textbook = rnn_stepper.trace(rnn_layer, x_seq, order="textbook")
kernel = rnn_stepper.trace(rnn_layer, x_seq)
print("the loop against the notebook's order:", textbook.compare(out_man))
print("the loop against nn.RNN's own order:  ", kernel.compare(out_man))

# %% [markdown]
# Step through it: each click on Step is one pass of the loop above; Phase ▷ shows its four phases
# (W_xh·x_t + b_xh, W_hh·h_(t-1) + b_hh, their sum, tanh) one at a time.

# %%
rnn_stepper.show(rnn_layer, x_seq)
