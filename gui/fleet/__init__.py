"""The Fleet view: every pole the service knows at a glance, for the helpdesk.

`Fleet` (`gui.fleet.fleet`) holds one row per pole, filled from ``GET /api/v1/poles``
and kept current by the ``/api/v1/live`` events, without Qt; `FleetModel` adapts it to
Qt's table model; `FleetFilter` searches and narrows it; `FleetView` shows it. The view
never talks to the network: whoever owns the API client feeds the model.

The Qt classes are imported on first use, so that importing the Qt-free parts
(`gui.fleet.fleet`, `gui.fleet.rows`) does not load Qt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gui.fleet.filter import FleetFilter, QuickFilter
    from gui.fleet.fleet import Fleet
    from gui.fleet.model import (
        AttentionRole,
        FleetModel,
        LedBlinkingRole,
        LedColourRole,
        PoleIdRole,
        SearchTextRole,
        SortKeyRole,
    )
    from gui.fleet.rows import Column, PoleRow, RowFlag, Severity, SocketState
    from gui.fleet.view import FleetView

_HOME = {
    "AttentionRole": "gui.fleet.model",
    "Column": "gui.fleet.rows",
    "Fleet": "gui.fleet.fleet",
    "FleetFilter": "gui.fleet.filter",
    "FleetModel": "gui.fleet.model",
    "FleetView": "gui.fleet.view",
    "LedBlinkingRole": "gui.fleet.model",
    "LedColourRole": "gui.fleet.model",
    "PoleIdRole": "gui.fleet.model",
    "PoleRow": "gui.fleet.rows",
    "QuickFilter": "gui.fleet.filter",
    "RowFlag": "gui.fleet.rows",
    "SearchTextRole": "gui.fleet.model",
    "Severity": "gui.fleet.rows",
    "SocketState": "gui.fleet.rows",
    "SortKeyRole": "gui.fleet.model",
}

__all__ = [
    "AttentionRole",
    "Column",
    "Fleet",
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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
