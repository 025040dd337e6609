"""Everything about talking to a pole: model, local protocol, transports, sessions, virtual pole.

Imports nothing of Paalwerk's other packages and no Qt or database, so the GUI,
the service and outside scripts can all build on it.
"""

from pole_link.errors import (
    CallError,
    ConnectError,
    FrameError,
    LinkLost,
    LinkTimeout,
    NotAuthorised,
    PoleLinkError,
)

__all__ = [
    "CallError",
    "ConnectError",
    "FrameError",
    "LinkLost",
    "LinkTimeout",
    "NotAuthorised",
    "PoleLinkError",
]
