"""Trains the character model shipped as char_lstm.pt: chapter 15's part-3 language model, made small.

    python resources/weights/train_char_lstm.py        # under a minute on one core of a laptop CPU

The model is the book's, nn.Embedding(V, 16) → nn.LSTM(16, 64, batch_first=True) → nn.Linear(64, V), trained as
the book trains it (its loop calls the model one character per call and sums the cross-entropy over the chunk,
Adam), on the opening of The Mysterious Island in mysterious_island.txt beside this file. The vocabulary is
`sorted(set(text))` of that whole file, as the book builds `char_array`, so the file itself is the --vocab:

    rnn-stepper --weights char_lstm.pt --vocab mysterious_island.txt --text "The island"
    rnn-stepper trace --weights char_lstm.pt --vocab mysterious_island.txt --text "The island" --generate 40
"""

from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).parent
TEXT = (HERE / "mysterious_island.txt").read_text(encoding="utf-8")
EMBED_DIM, HIDDEN_SIZE = 16, 64
SEQ_LENGTH, BATCH_SIZE, STEPS = 40, 16, 300


class RNN(nn.Module):
    """The book's model, called one character per call with its hidden and cell states."""

    def __init__(self, vocab_size, embed_dim, rnn_hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn_hidden_size = rnn_hidden_size
        self.rnn = nn.LSTM(embed_dim, rnn_hidden_size, batch_first=True)
        self.fc = nn.Linear(rnn_hidden_size, vocab_size)

    def forward(self, x, hidden, cell):
        out = self.embedding(x).unsqueeze(1)
        out, (hidden, cell) = self.rnn(out, (hidden, cell))
        out = self.fc(out).reshape(out.size(0), -1)
        return out, hidden, cell

    def init_hidden(self, batch_size):
        hidden = torch.zeros(1, batch_size, self.rnn_hidden_size)
        cell = torch.zeros(1, batch_size, self.rnn_hidden_size)
        return hidden, cell


def main():
    # Matrices this small train several times faster on one thread than on two taking turns (20 steps: 1.8 s of
    # CPU against 9.9 s here), and one thread's sums do not depend on how many cores the machine has
    torch.set_num_threads(1)
    char_array = sorted(set(TEXT))
    char2int = {ch: i for i, ch in enumerate(char_array)}
    story = TEXT.split("\n", 1)[1]  # the credit line names the source; the model learns the story
    encoded = torch.tensor([char2int[ch] for ch in story])
    torch.manual_seed(1)
    model = RNN(len(char_array), EMBED_DIM, HIDDEN_SIZE)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    chunks = torch.Generator().manual_seed(1)
    for step in range(STEPS):
        starts = torch.randint(0, len(encoded) - SEQ_LENGTH - 1, (BATCH_SIZE,), generator=chunks)
        seq_batch = torch.stack([encoded[s:s + SEQ_LENGTH] for s in starts.tolist()])
        target_batch = torch.stack([encoded[s + 1:s + SEQ_LENGTH + 1] for s in starts.tolist()])
        hidden, cell = model.init_hidden(BATCH_SIZE)
        optimizer.zero_grad()
        loss = 0
        for c in range(SEQ_LENGTH):
            pred, hidden, cell = model(seq_batch[:, c], hidden, cell)
            loss += loss_fn(pred, target_batch[:, c])
        loss.backward()
        optimizer.step()
        if step % 100 == 99:
            print(f"step {step + 1}: loss {loss.item() / SEQ_LENGTH:.3f}")
    torch.save(model.state_dict(), HERE / "char_lstm.pt")


if __name__ == "__main__":
    main()
