"""Numbers only: torch and numpy. Nothing in here may import Qt or pyqtgraph."""

from .config import RNNConfig
from .errors import InputError
from .session import Session, make_session, session_from_module
from .trace import PHASES, CellTrace, Trace, compute_trace

__all__ = [
    "PHASES", "CellTrace", "InputError", "RNNConfig", "Session", "Trace", "compute_trace", "make_session",
    "session_from_module",
]
