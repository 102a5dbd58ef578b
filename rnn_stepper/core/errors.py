"""The one error type for bad input, from a user or from a file; and the signal that a computation was cancelled."""


class InputError(ValueError):
    """What was wrong and how to fix it, in one line a person can act on.

    `source` names the file (or option) the bad value came from; it leads the message.
    """

    def __init__(self, message: str, source: str | None = None):
        self.source = source
        self.detail = message
        super().__init__(f"{source}: {message}" if source else message)

    def within(self, source: str) -> "InputError":
        """The same error, said of `source` (a file name or an option), which leads what it already names."""
        if self.source is None:
            return InputError(self.detail, source)
        if self.source == source or self.source.startswith(source + ": "):
            return self
        return InputError(self.detail, f"{source}: {self.source}")


class Cancelled(Exception):
    """The user stopped a long computation; whatever it was going to replace stays as it was."""
