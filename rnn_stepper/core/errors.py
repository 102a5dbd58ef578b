"""The one error type for bad input, from a user or from a file; and the signal that a computation was cancelled."""

import re

# What a file can smuggle into a message that a terminal or a dialog would act on rather than show: control
# characters (a newline splits the one line; ANSI escapes recolour or rewrite the terminal) and bidi overrides.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character written as its Python escape (`\\n`, `\\x1b`), so it stays one line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class InputError(ValueError):
    """What was wrong and how to fix it, in one line a person can act on.

    `source` names the file (or option) the bad value came from; it leads the message.
    """

    def __init__(self, message: str, source: str | None = None):
        # Names in a message come from files (tensor names, keys, paths): escaped here, once, for every caller.
        message, source = printable(message), None if source is None else printable(source)
        self.source = source
        self.detail = message
        super().__init__(f"{source}: {message}" if source else message)

    def within(self, source: str) -> "InputError":
        """The same error, said of `source` (a file name or an option), which leads what it already names."""
        source = printable(source)
        if self.source is None:
            return InputError(self.detail, source)
        if self.source == source or self.source.startswith(source + ": "):
            return self
        return InputError(self.detail, f"{source}: {self.source}")


class Cancelled(Exception):
    """The user stopped a long computation; whatever it was going to replace stays as it was."""
