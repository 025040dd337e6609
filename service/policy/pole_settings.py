"""Each pole's capacity settings: its grid operator, programme start and connection size.

The tender's profile depends on the connection (eis 33: 3x25 A or 3x35 A per grid operator
and period): a 3x25 A pole's normal limit is 25 A, not 30. The capacity policy asks for a
pole's settings synchronously and often (every daylight-saving check), so they are kept in
memory, loaded from storage at start and updated by the API in the same step as storage.
With several service processes, a change made at one is told to the others (``share``,
`adopt`), since the pole's next boot may reach any of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from pole_link.profiles.tender import CONNECTION_MAX_A, TenderProfileSettings
from service.storage.repository import AsyncRepository

GRID_OPERATORS = ("Enexis", "Liander", "Coteq", "Rendo", "Stedin")
"""eis 24: the programme of Enexis/Liander starts at the first commissioning; Coteq, Rendo
and Stedin set their own start."""

ConnectionSize = Literal["3x35", "3x25"]

GRID_LIMIT_KEY = "GridConnectionMaxCurrent"
"""The pole's configuration key for its connection's limit (eis 33)."""


@dataclass(frozen=True)
class PoleSettings:
    grid_operator: str | None = None
    programme_start: datetime | None = None
    connection_size: ConnectionSize = "3x35"

    def tender(self) -> TenderProfileSettings:
        """The tender profile for this connection: normal limit = the connection's limit."""
        ceiling = CONNECTION_MAX_A[self.connection_size]
        return TenderProfileSettings(normal_limit_a=ceiling, connection=self.connection_size)

    @property
    def grid_limit_a(self) -> float:
        """What ``GridConnectionMaxCurrent`` must say on the pole (eis 33)."""
        return CONNECTION_MAX_A[self.connection_size]


class PoleSettingsCache:
    """`settings_for(pole_id)` for the capacity policy; unknown poles get the defaults."""

    def __init__(self, share: Callable[[dict[str, Any]], None] | None = None) -> None:
        self._settings: dict[str, PoleSettings] = {}
        self.share = share
        """With several processes (`service.cluster`): tells the others of a change."""

    async def load(self, repository: AsyncRepository) -> None:
        for pole in await repository.list_poles():
            self._settings[pole.id] = PoleSettings(
                pole.grid_operator, pole.programme_start,
                "3x25" if pole.connection_size == "3x25" else "3x35")

    def get(self, pole_id: str) -> PoleSettings:
        return self._settings.get(pole_id, PoleSettings())

    def put(self, pole_id: str, settings: PoleSettings) -> None:
        self._settings[pole_id] = settings
        if self.share is not None:
            start = settings.programme_start
            self.share({"pole": pole_id, "gridOperator": settings.grid_operator,
                        "programmeStart": start.isoformat() if start else None,
                        "connectionSize": settings.connection_size})

    def adopt(self, data: dict[str, Any]) -> None:
        """A change another process made (the data `put` shares)."""
        start = data.get("programmeStart")
        self._settings[str(data["pole"])] = PoleSettings(
            data.get("gridOperator"), datetime.fromisoformat(start) if start else None,
            "3x25" if data.get("connectionSize") == "3x25" else "3x35")

    def settings_for(self, pole_id: str) -> TenderProfileSettings:
        return self.get(pole_id).tender()


class Caller(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


async def apply_grid_limit(connection: Caller, settings: PoleSettings,
                           timeout: float = 30.0) -> str:
    """Make the pole's ``GridConnectionMaxCurrent`` match its connection (eis 20, 33).

    Returns the pole's answer (``Accepted``, ``Rejected``, …), or ``Unchanged`` when it
    already matched; a pole link error propagates to the caller.
    """
    wanted = settings.grid_limit_a
    answer = await connection.call_action(
        "GetConfiguration", {"key": [GRID_LIMIT_KEY]}, timeout=timeout)
    for entry in answer.get("configurationKey") or []:
        if entry.get("key") == GRID_LIMIT_KEY:
            with contextlib.suppress(TypeError, ValueError):
                if float(entry.get("value")) == wanted:
                    return "Unchanged"
    result = await connection.call_action(
        "ChangeConfiguration", {"key": GRID_LIMIT_KEY, "value": f"{wanted:g}"},
        timeout=timeout)
    return str(result.get("status"))
