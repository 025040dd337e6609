"""Why a pole's OCPP connection ended, in the few kinds a helpdesk acts on differently.

"Offline" alone sends a technician out blind. A pole that closed its connection itself
was rebooting or told to; one whose connection simply broke lost its network or power;
one that went silent while the socket stayed open (a half-open TCP connection, common
behind mobile networks) is found only because its heartbeats stopped. The kinds are
stored per connection session (``connection_sessions.end_reason``) and shown in the app;
the words themselves are part of the API's contract (`pole_link.service_api.EndReason`).
"""

from __future__ import annotations

from pole_link.service_api import EndReason

__all__ = ["EndReason", "end_reason_of", "silence_limit_s"]


CLEAN_CODES = frozenset({1000, 1001})

HEARTBEATS_MISSED = 2
"""A pole is given up on after this many heartbeat intervals of silence, plus half one."""


def silence_limit_s(heartbeat_interval_s: float) -> float:
    """How long a connected pole may stay silent before the service hangs up."""
    return heartbeat_interval_s * (HEARTBEATS_MISSED + 0.5)


def end_reason_of(close_code: int | None) -> EndReason:
    """The kind of end a WebSocket close code means (None: no close frame arrived)."""
    return EndReason.CLOSED if close_code in CLEAN_CODES else EndReason.DROPPED
