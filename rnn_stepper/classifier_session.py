"""A whole classifier on a padded batch of reviews as the window sees it, without the window: the book's part-2
model (embedding → the recurrent module over the batch packed by its lengths → hidden[-1] → head), every stage
computed once by core/classifier.py's `classify`.

The recurrent module is a `StepperModel` of its own over the embedded batch with the reviews' lengths
(core/packed.py's `session_trace`), so the stepper window's step strip walks the packed cells unchanged, and the
cursor it keeps (timestep, batch row) is the one place that says which review and which word are on show. Nothing
here keeps a cursor of its own: the embedding row lit, the review marked and the head on show all follow `cells`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import StepperModel

if TYPE_CHECKING:
    from .core.classifier import Classifier, ClassifierTrace
    from .core.language_model import Vocabulary


class ClassifierSession:
    """The model, its batch of token ids and their lengths, the words they stand for (when a vocabulary is given),
    and the stages computed once."""

    def __init__(self, trace: ClassifierTrace, vocabulary: Vocabulary | None = None) -> None:
        import torch

        from .core import collector
        from .core.errors import InputError
        from .core.session import Session

        model = trace.model
        if vocabulary is not None and len(vocabulary) != model.vocabulary_size:
            raise InputError(f"the vocabulary has {len(vocabulary)} tokens but the model's embedding has "
                             f"{model.vocabulary_size} rows")
        self.trace, self.model, self.vocabulary = trace, model, vocabulary
        # The embedded batch as the recurrent module reads it, with the reviews' lengths: stepped as the
        # classifier's packed pass steps it (the same packed_pass over the same data).
        session = Session(model.config, model.weights, trace.stages["embedding"].clone(), lengths=tuple(trace.lengths))
        with collector.paused(), torch.random.fork_rng(devices=[]):  # building the reference module draws weights
            self.cells = StepperModel(session)
        # the last layer on show: the one whose final states the head reads
        self.cells.show_cell(model.config.num_layers - 1, 0, 0)

    @classmethod
    def compute(cls, model: Classifier, ids, lengths, vocabulary: Vocabulary | None = None) -> ClassifierSession:
        """The stages of `model` over the batch (core/classifier.classify), on show."""
        import torch

        from .core import collector
        from .core.classifier import classify

        with collector.paused(), torch.random.fork_rng(devices=[]):
            return cls(classify(model, ids, lengths), vocabulary)

    @classmethod
    def example(cls) -> ClassifierSession:
        """The shipped sentiment classifier (resources/weights/sentiment.pt, trained by train_sentiment.py beside it)
        on its four reviews of 6, 4, 3 and 7 words."""
        import importlib.resources

        import numpy as np

        from .core.classifier import classifier_from
        from .core.files import load_tensors
        from .core.language_model import load_vocabulary

        folder = importlib.resources.files("rnn_stepper.resources") / "weights"
        weights = str(folder / "sentiment.pt")
        ids = np.load(str(folder / "sentiment_reviews.npy"))
        lengths = [int(n) for n in (ids != 0).sum(axis=1)]  # padding_idx 0 pads each review at its end
        return cls.compute(classifier_from(load_tensors(weights), weights), ids, lengths,
                           load_vocabulary(str(folder / "sentiment_vocab.json")))

    # --- what is shown: the cursor is the cells' ------------------------------------------------------------------

    @property
    def lengths(self) -> list[int]:
        return self.trace.lengths

    @property
    def batch(self) -> int:
        """The review on show: the step strip's batch row."""
        return self.cells.batch

    @property
    def t(self) -> int:
        """The timestep on show: the cursor's, or where the walk starts before the first click."""
        return self.cells.t if self.cells.t is not None else self.cells.cell.walk[0]

    def token_id(self, b: int, t: int) -> int:
        ids = self.trace.ids if self.model.config.batch_first else self.trace.ids.T
        return int(ids[b, t])

    def token(self, k: int) -> str:
        """Token k as the vocabulary spells it, or its id where no vocabulary was given."""
        return self.vocabulary.tokens[k] if self.vocabulary is not None else f"#{k}"

    def lit_token(self) -> int | None:
        """The embedding row x_t is on show for: the review on show's token at t, None after the review ended."""
        if self.t >= self.lengths[self.batch]:
            return None
        return self.token_id(self.batch, self.t)

    def head_revealed(self, b: int) -> bool:
        """Whether review b's head is on show: its last real hidden state is revealed in the last layer (the head
        reads h_n, which the walk reaches at the review's last step, or at t = 0 walking back)."""
        m = self.cells
        if m.layer != self.model.config.num_layers - 1:
            return False
        last = self.lengths[b] - 1 if m.direction == 0 else 0
        return last in m.completed

    def head_stages(self) -> list[str]:
        """The stages after the cells, in order: the readout, then each head layer and its activation."""
        return [name for name in self.trace.stages if name not in ("embedding", "h_n", "c_n")]

    def probability(self, b: int) -> float | None:
        """The head's output for review b when it is one number (the book's sigmoid), else None."""
        output = self.trace.output[b]
        return float(output[0]) if output.numel() == 1 else None

    def show(self, b: int, t: int | None = None) -> None:
        """Review b on show, at timestep t (its first step when not given): the cells' cursor moves there."""
        m = self.cells
        m.show_cell(m.layer, m.direction, b)
        if t is not None:
            walk = m.cell.walk
            m.move_to((walk.index(t) + 1) * len(m.phases))
