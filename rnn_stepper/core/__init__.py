"""Numbers only: torch and numpy. Nothing in here may import Qt or pyqtgraph.

Names are loaded on first use (PEP 562), so `from rnn_stepper.core.config import RNNConfig` does not import
torch: the window paints before torch has loaded.
"""

from importlib import import_module

_WHERE = {
    "RNNConfig": "config", "InputError": "errors", "Cancelled": "errors",
    "Session": "session", "make_session": "session", "session_from_module": "session",
    "CellTrace": "trace", "Trace": "trace", "compute_trace": "trace",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
