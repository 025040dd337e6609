"""A second connection for a pole that is connected already (issue 16).

A rebooted pole reconnects before the service noticed its old socket died; an impostor
connects while the real pole is fine. Telling them apart: a client that proved it is the
pole (password or certificate) replaces the old connection; one that did not is refused
for as long as the old connection still answers. "Answers" is asked, not guessed: one
harmless read-only call (``GetConfiguration HeartbeatInterval``) with a short timeout;
any reply, even a CALLERROR, means the pole is there. Both outcomes are security events.
"""

from __future__ import annotations

from typing import Any, Protocol

from pole_link.errors import CallError, PoleLinkError
from service.security.events import SecurityEvent, SecurityEvents
from service.security.gate import Admission, Attempt

PROBE_TIMEOUT_S = 5.0
PROBE = ("GetConfiguration", {"key": ["HeartbeatInterval"]})


class Answerer(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


async def answers(connection: Answerer, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Does the connection's pole answer a call within ``timeout``?"""
    try:
        await connection.call_action(PROBE[0], dict(PROBE[1]), timeout=timeout)
    except CallError:
        return True
    except (PoleLinkError, TimeoutError):
        return False
    return True


async def second_connection(attempt: Attempt, admission: Admission, previous: Answerer,
                            events: SecurityEvents, at: Any,
                            timeout: float = PROBE_TIMEOUT_S) -> Admission:
    """The verdict on an admitted attempt while ``previous`` holds the pole."""
    if admission.authenticated:
        await events.record(attempt.pole_id, SecurityEvent.CONNECTION_REPLACED,
                            f"an authenticated connection from {attempt.peer} replaced the "
                            f"one in use", at())
        return admission
    if await answers(previous, timeout):
        reason = ("this pole is connected already and its connection answers; a second "
                  "connection without the pole's credentials is refused")
        await events.record(attempt.pole_id, SecurityEvent.IMPOSTOR_REFUSED,
                            f"{reason} (from {attempt.peer})", at())
        return Admission(409, reason)
    await events.record(attempt.pole_id, SecurityEvent.CONNECTION_REPLACED,
                        f"a connection from {attempt.peer} replaced one that no longer "
                        f"answered", at())
    return admission
