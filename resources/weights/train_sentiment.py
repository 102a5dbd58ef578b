"""Trains the small sentiment classifier shipped as sentiment.pt: the book's part-2 model (chapter 15) at toy
sizes, on short made-up reviews over a vocabulary of a few dozen words.

    python resources/weights/train_sentiment.py        # a few seconds on a laptop CPU

It writes, beside itself:
    sentiment.pt               the model's state_dict: embedding., rnn., fc1., fc2.
    sentiment_vocab.json       the vocabulary, a JSON list of words: row k of the embedding is word k ("<pad>" is 0)
    sentiment_reviews.npy      four reviews of different lengths as padded token ids, (4, 7), padded with 0
    sentiment_reviews.txt      the same reviews as words, one a line, with their lengths

and prints the command that steps them:
    rnn-stepper trace --weights sentiment.pt --input sentiment_reviews.npy --lengths 6,4,3,7
"""

import json
import random
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent

GOOD = ["great", "wonderful", "loved", "brilliant", "moving", "fun", "beautiful", "best", "enjoyed", "superb"]
BAD = ["boring", "awful", "hated", "dull", "terrible", "worst", "bad", "waste", "slow", "poor"]
OTHER = ["the", "a", "film", "movie", "plot", "acting", "story", "was", "is", "it", "i", "this", "and", "with",
         "have", "ever", "seen", "of", "so", "very", "not"]
VOCABULARY = ["<pad>", "<unk>"] + OTHER + GOOD + BAD  # the book's vocab puts '<pad>' at 0 and '<unk>' at 1

REVIEWS = [  # what the shipped ids hold, lengths 6, 4, 3, 7
    "a wonderful film with great acting",
    "the plot was dull",
    "i loved it",
    "the worst movie i have ever seen",
]


class RNN(nn.Module):
    """The book's part-2 model."""

    def __init__(self, vocab_size, embed_dim, rnn_hidden_size, fc_hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = nn.LSTM(embed_dim, rnn_hidden_size, batch_first=True)
        self.fc1 = nn.Linear(rnn_hidden_size, fc_hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(fc_hidden_size, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, text, lengths):
        out = self.embedding(text)
        out = nn.utils.rnn.pack_padded_sequence(out, lengths.cpu().numpy(), enforce_sorted=False, batch_first=True)
        out, (hidden, cell) = self.rnn(out)
        out = hidden[-1, :, :]
        out = self.fc1(out)
        out = self.relu(out)
        out = self.fc2(out)
        out = self.sigmoid(out)
        return out


def encode(words: list[str]) -> list[int]:
    return [VOCABULARY.index(w) if w in VOCABULARY else 1 for w in words]


def made_up_review(rng: random.Random) -> tuple[list[str], float]:
    """A few filler words around one or two words of one sentiment, 2 to 8 words long."""
    positive = rng.random() < 0.5
    words = [rng.choice(OTHER) for _ in range(rng.randint(1, 6))]
    for _ in range(rng.randint(1, 2)):
        words.insert(rng.randint(0, len(words)), rng.choice(GOOD if positive else BAD))
    return words, float(positive)


def collate_batch(reviews):
    """The book's collate_batch: ids padded with 0 to the longest review, and the lengths."""
    texts = [torch.tensor(encode(words)) for words, _ in reviews]
    labels = torch.tensor([label for _, label in reviews])
    lengths = torch.tensor([len(t) for t in texts])
    return nn.utils.rnn.pad_sequence(texts, batch_first=True), labels, lengths


def main():
    rng = random.Random(0)
    torch.manual_seed(1)
    model = RNN(len(VOCABULARY), 8, 16, 16)
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(40):  # the book's training loop, a few batches of made-up reviews
        text_batch, label_batch, lengths = collate_batch([made_up_review(rng) for _ in range(16)])
        optimizer.zero_grad()
        pred = model(text_batch, lengths)[:, 0]
        loss = loss_fn(pred, label_batch)
        loss.backward()
        optimizer.step()
    model.eval()
    print(f"final loss {loss.item():.4f}")
    torch.save(model.state_dict(), HERE / "sentiment.pt")
    (HERE / "sentiment_vocab.json").write_text(json.dumps(VOCABULARY) + "\n")
    text, _, lengths = collate_batch([(review.split(), 0.0) for review in REVIEWS])
    np.save(HERE / "sentiment_reviews.npy", text.numpy())
    (HERE / "sentiment_reviews.txt").write_text("".join(f"{len(r.split())}\t{r}\n" for r in REVIEWS))
    with torch.no_grad():
        for review, p in zip(REVIEWS, model(text, lengths)[:, 0].tolist()):
            print(f"{p:.3f}  {review}")
    print("rnn-stepper trace --weights sentiment.pt --input sentiment_reviews.npy --lengths "
          + ",".join(map(str, lengths.tolist())))


if __name__ == "__main__":
    main()
