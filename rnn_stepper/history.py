"""Undo and redo for the stepper's model: the sessions before each change, and the ones undone.

Sessions are immutable, so the history is only the sessions themselves; each gets its trace computed again when
it comes back (a trace is large, a session is not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.session import Session

UNDO_DEPTH = 100  # changes Ctrl+Z can undo: each a session (weights and inputs), its trace recomputed on return


class History:
    """`before`: the sessions before each change, the latest last; `undone`: the sessions undone, the latest last."""

    def __init__(self, depth: int = UNDO_DEPTH) -> None:
        self.depth = depth
        self.before: list[Session] = []
        self.undone: list[Session] = []

    @property
    def can_undo(self) -> bool:
        return bool(self.before)

    @property
    def can_redo(self) -> bool:
        return bool(self.undone)

    def replaced(self, shown: Session, how: str) -> None:
        """`shown`, the session on show, is being replaced: by an `edit` (it can come back), an `undo` or a `redo`
        (it moves to the other list), an `open` (a new history starts), or `none` (it does not come back)."""
        if how == "edit":
            self.before = [*self.before[-(self.depth - 1):], shown]
            self.undone = []
        elif how == "undo":
            self.before.pop()
            self.undone.append(shown)
        elif how == "redo":
            self.undone.pop()
            self.before.append(shown)
        elif how == "open":
            self.before, self.undone = [], []
