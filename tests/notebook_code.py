"""The seed notebook's own code (chapter 15.2, cells [1], [2] and [5]), run in the test that needs its numbers.

Its printed digits came from another CPU; tests compare with what its code computes here, in the same run.
"""

import torch
import torch.nn as nn


def the_notebooks_own_code() -> dict:
    """Each of the notebook's printed quantities as a float32 array (T, 1, H), as this machine computes them."""
    torch.manual_seed(1)
    rnn_layer = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
    w_xh, w_hh = rnn_layer.weight_ih_l0, rnn_layer.weight_hh_l0
    b_xh, b_hh = rnn_layer.bias_ih_l0, rnn_layer.bias_hh_l0
    x_seq = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5]).float()
    output, hn = rnn_layer(torch.reshape(x_seq, (1, 3, 5)))
    out_man, hidden_man = [], []
    for t in range(3):
        xt = torch.reshape(x_seq[t], (1, 5))
        ht = torch.matmul(xt, torch.transpose(w_xh, 0, 1)) + b_xh
        prev_h = out_man[t - 1] if t > 0 else torch.zeros((ht.shape))
        ot = ht + torch.matmul(prev_h, torch.transpose(w_hh, 0, 1)) + b_hh
        ot = torch.tanh(ot)
        out_man.append(ot)
        hidden_man.append(ht)

    def steps(tensors):
        return torch.stack(tensors).detach().numpy()

    return {"rnn_output": output[0].detach().numpy()[:, None], "input_projection": steps(hidden_man),
            "hidden": steps(out_man)}


def nn_rnn_hidden() -> list[list[float]]:
    """nn.RNN's h_0, h_1, h_2 for the notebook's session, as lists of floats."""
    return the_notebooks_own_code()["rnn_output"][:, 0].tolist()
