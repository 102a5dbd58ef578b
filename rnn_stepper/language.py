"""A whole language model as the window sees it, without the window: the prompt, the generation, and the call on
show (rnn_stepper/model.py is the same for the recurrent module alone).

Every number comes from core/language_model.py's `generate()`: the prompt fed one token per call, then each drawn
token fed to the next call, under `torch.manual_seed(seed)`. Sample draws one more token from where the last
draw left the state and the generator (`generate_more`), so the text is always what the book's
`sample(model, prompt, N)` returns for that N, whatever was clicked before. The recurrent module of the call on show is a `StepperModel` of its own (a
one-timestep session whose h0 and c0 are the call before's state), so the step strip of the stepper window shows
its phases unchanged.

Events: `generation` (a new prompt, sampling or draw was computed), `call` (another call is on show), `typed`
(the prompt being typed changed, or its problem did).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from .core.errors import InputError
from .model import Signal, StepperModel

if TYPE_CHECKING:
    from .core.language_model import Call, Generation, LanguageModel, Sampling, Vocabulary

TOP_K = 10  # the next tokens the head's bars show: more would not be read, and the rest add up to little


class LanguageSession:
    """The model, its vocabulary, the prompt, how tokens are drawn, how many were drawn, and the call on show."""

    def __init__(self, model: LanguageModel, vocabulary: Vocabulary, prompt: str, sampling: Sampling | None = None,
                 generated: int = 0, order: str = "kernel") -> None:
        from .core.language_model import Sampling, check_vocabulary

        self.events = SimpleNamespace(generation=Signal(), call=Signal(), typed=Signal())
        check_vocabulary(model, vocabulary)
        self.model, self.vocabulary, self.order = model, vocabulary, order
        self.sampling = sampling or Sampling()
        self.typed = prompt  # what the prompt field holds, valid or not: never lost
        # Why `typed` cannot be fed, None when it is fed: (position, token) of the first token the vocabulary
        # lacks, or (None, None) for an empty prompt; `problem_text` is the core's line for it
        self.problem: tuple[int | None, str | None] | None = None
        self.problem_text = ""
        self.generation = self._generate(prompt, generated)  # the first prompt must be valid: InputError if not
        self.prompt = prompt
        self._call = len(self.generation.calls) - 1
        self.cells = StepperModel(self.call.cells.session)  # the recurrent module of the call on show
        self._show_cells()

    EXAMPLE_PROMPT = "The island"

    @classmethod
    def example(cls) -> LanguageSession:
        """The shipped character LSTM (resources/weights/char_lstm.pt, trained by train_char_lstm.py beside it) on
        its text's vocabulary, prompted as the book prompts it."""
        import importlib.resources

        from .core.files import load_tensors
        from .core.language_model import language_model_from, load_vocabulary

        folder = importlib.resources.files("rnn_stepper.resources") / "weights"
        weights, text = str(folder / "char_lstm.pt"), str(folder / "mysterious_island.txt")
        return cls(language_model_from(load_tensors(weights), weights), load_vocabulary(text), cls.EXAMPLE_PROMPT)

    # --- what is shown ------------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        return self.generation.calls

    @property
    def call_index(self) -> int:
        return self._call

    @property
    def call(self) -> Call:
        return self.generation.calls[self._call]

    @property
    def generated(self) -> int:
        """How many tokens were drawn after the prompt."""
        return len(self.generation.tokens) - len(self.generation.prompt)

    @property
    def text(self) -> str:
        """The prompt and every token drawn: what the book's sample() returns."""
        return self.generation.text

    def token(self, k: int) -> str:
        return self.vocabulary.tokens[k]

    def lit_token(self) -> int:
        """The embedding row the call on show reads: its x_t."""
        return self.call.token

    def top(self, k: int = TOP_K) -> list[tuple[int, float]]:
        """The call's k most probable next tokens, (row, probability) from the most probable down: the core's
        probabilities, the softmax of the scaled logits, read as they are (ties keep the vocabulary's order)."""
        p = self.call.probabilities
        order = sorted(range(p.shape[0]), key=lambda row: -float(p[row]))
        return [(row, float(p[row])) for row in order[:k]]

    def describe_sampling(self) -> str:
        return self.sampling.describe()

    # --- changing what is shown ---------------------------------------------------------------------------------

    def show_call(self, index: int) -> None:
        index = max(0, min(len(self.calls) - 1, int(index)))
        if index != self._call:
            self._call = index
            self._show_cells()
            self.events.call.emit()

    def set_prompt(self, text: str) -> bool:
        """Feed a new prompt, nothing drawn yet. A prompt the vocabulary cannot encode keeps the generation on show
        and says why (`problem`); the text typed is kept either way. Returns whether it was fed."""
        self.typed = text
        try:
            generation = self._generate(text, 0)
        except InputError as exc:
            tokens = self.vocabulary.split(text)
            self.problem = next(((k, t) for k, t in enumerate(tokens) if t not in self.vocabulary.index),
                                (None, None))
            self.problem_text = exc.detail
            self.events.typed.emit()
            return False
        self.problem, self.problem_text = None, ""
        self.prompt = text
        self.events.typed.emit()
        self._replace(generation, len(generation.calls) - 1)
        return True

    def sample(self) -> None:
        """Draw one more token: the book's sample(model, prompt, N + 1) under the same seed, so the tokens drawn
        before stay as they were and one is appended (only the new call is stepped). The call on show is the one
        that drew it."""
        from .core import collector
        from .core.language_model import generate_more

        with collector.paused():
            generation = generate_more(self.generation)
        self._replace(generation, len(generation.calls) - 1)

    def set_sampling(self, sampling: Sampling) -> None:
        """Another scale, temperature or seed: the same number of tokens drawn again from the start under it."""
        if sampling == self.sampling:
            return
        generation = self._generate(self.prompt, self.generated, sampling)
        self.sampling = sampling
        self._replace(generation, min(self._call, len(generation.calls) - 1))

    def set_spread(self, value: float) -> None:
        """The sampling's scale, or its temperature when it divides: the one number the window's control sets."""
        from .core.language_model import Sampling

        s = self.sampling
        self.set_sampling(Sampling(s.seed, scale=value, temperature=None) if s.temperature is None else
                          Sampling(s.seed, scale=None, temperature=value))

    def restart(self) -> None:
        """The prompt alone again: the tokens drawn are dropped."""
        generation = self._generate(self.prompt, 0)
        self._replace(generation, len(generation.calls) - 1)

    # --- inside ----------------------------------------------------------------------------------------------------

    def _generate(self, prompt: str, generated: int, sampling: Sampling | None = None) -> Generation:
        from .core import collector
        from .core.language_model import generate

        with collector.paused():  # thousands of small tensors and no cycles: as every computation (model.run_now)
            return generate(self.model, self.vocabulary, prompt, generated, sampling or self.sampling, self.order)

    def _replace(self, generation: Generation, call: int) -> None:
        self.generation, self._call = generation, call
        self._show_cells()
        self.events.generation.emit()
        self.events.call.emit()

    def _show_cells(self) -> None:
        """The recurrent module's one-timestep trace of the call on show, every phase revealed."""
        cells = self.call.cells
        self.cells.show_computed(cells.session, cells, undoable=False)
        self.cells.run_to_end()
