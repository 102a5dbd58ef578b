"""The book's part-3 character model, its training loop and its sample(), as chapter 15 writes them: the code a
student runs, against which the stepper's generation is compared (test_language_model, and its command line in
test_language_model_command)."""


import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical

from rnn_stepper.core.reference import native_path

TEXT = ("THE MYSTERIOUS ISLAND. The island was uninhabited, the colonists thought; the engineer "
        "said the island had been volcanic, and the sailor laughed at the balloon.")


class RNN(nn.Module):
    """The book's model: embedding → recurrent module (batch_first) → fc, called one token at a time."""

    def __init__(self, vocab_size, embed_dim, rnn_hidden_size, cell="lstm", **options):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn_hidden_size = rnn_hidden_size
        self.lstm = cell == "lstm"
        self.rnn = (nn.LSTM if self.lstm else nn.RNN)(embed_dim, rnn_hidden_size, batch_first=True, **options)
        self.fc = nn.Linear(rnn_hidden_size, vocab_size)

    def forward(self, x, hidden, cell):
        out = self.embedding(x).unsqueeze(1)
        if self.lstm:
            out, (hidden, cell) = self.rnn(out, (hidden, cell))
        else:  # an nn.RNN in the LSTM's place: the same model with one state
            out, hidden = self.rnn(out, hidden)
        out = self.fc(out).reshape(out.size(0), -1)
        return out, hidden, cell

    def init_hidden(self, batch_size):
        hidden = torch.zeros(1, batch_size, self.rnn_hidden_size)
        cell = torch.zeros(1, batch_size, self.rnn_hidden_size)
        return hidden, cell


def sample(model, char_array, char2int, starting_str, len_generated_text=500, scale_factor=1.0, logits_seen=None):
    """The book's sample(), with every logits it computes kept in `logits_seen`."""
    encoded_input = torch.tensor([char2int[s] for s in starting_str])
    encoded_input = torch.reshape(encoded_input, (1, -1))
    generated_str = starting_str
    model.eval()
    hidden, cell = model.init_hidden(1)
    for c in range(len(starting_str) - 1):
        logits, hidden, cell = model(encoded_input[:, c].view(1), hidden, cell)
        logits_seen.append(torch.squeeze(logits, 0))
    last_char = encoded_input[:, -1]
    for _ in range(len_generated_text):
        logits, hidden, cell = model(last_char.view(1), hidden, cell)
        logits = torch.squeeze(logits, 0)
        logits_seen.append(logits)
        scaled_logits = logits * scale_factor
        m = Categorical(logits=scaled_logits)
        last_char = m.sample()
        generated_str += str(char_array[last_char])
    return generated_str


def trained_model(cell="lstm", steps=5, seed=0, **options):
    """The book's training loop, a few steps on chunks of TEXT."""
    char_array = sorted(set(TEXT))
    char2int = {ch: i for i, ch in enumerate(char_array)}
    encoded = torch.tensor([char2int[ch] for ch in TEXT])
    torch.manual_seed(seed)
    model = RNN(len(char_array), 8, 16, cell, **options)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    chunk = 20
    for step in range(steps):
        start = (step * 7) % (len(encoded) - chunk - 1)
        seq, target = encoded[start:start + chunk].unsqueeze(0), encoded[start + 1:start + chunk + 1].unsqueeze(0)
        hidden, cell_state = model.init_hidden(1)
        optimizer.zero_grad()
        loss = 0
        for c in range(chunk):
            pred, hidden, cell_state = model(seq[:, c], hidden, cell_state)
            loss += loss_fn(pred, target[:, c])
        loss.backward()
        optimizer.step()
    return model.eval(), char_array, char2int


def books_generation(model, char_array, char2int, prompt, n, scale=1.0, seed=1, native=True):
    logits = []
    with torch.no_grad():
        torch.manual_seed(seed)
        if native:
            with native_path():
                text = sample(model, char_array, char2int, prompt, n, scale, logits)
        else:
            text = sample(model, char_array, char2int, prompt, n, scale, logits)
    return text, logits
