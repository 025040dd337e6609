"""The Fleet view: every pole the service knows at a glance, for the helpdesk.

`FleetModel` holds one row per pole, filled from ``GET /api/v1/poles`` and kept current
by the ``/api/v1/live`` events; `FleetFilter` searches and narrows it; `FleetView` shows
it. The view never talks to the network: whoever owns the API client feeds the model.
"""

from gui.fleet.filter import FleetFilter, QuickFilter
from gui.fleet.model import (
    AttentionRole,
    Column,
    FleetModel,
    LedBlinkingRole,
    LedColourRole,
    PoleIdRole,
    PoleRow,
    RowFlag,
    SearchTextRole,
    Severity,
    SocketState,
    SortKeyRole,
)
from gui.fleet.view import FleetView

__all__ = [
    "AttentionRole",
    "Column",
    "FleetFilter",
    "FleetModel",
    "FleetView",
    "LedBlinkingRole",
    "LedColourRole",
    "PoleIdRole",
    "PoleRow",
    "QuickFilter",
    "RowFlag",
    "SearchTextRole",
    "Severity",
    "SocketState",
    "SortKeyRole",
]
