"""What each charging pole of a grid group wants (eis 32), from its meter values of the
last quarter-hour, so a group's cap is split by what vehicles draw rather than by what
they were offered.

Per socket: the highest phase's ``Current.Import`` over the window (a vehicle that drew
16 A in the last 15 minutes can draw it again; one at 6 A for a quarter-hour is not held
back by a 6 A offer it leaves unused). A socket that takes all it is offered
(``Current.Import`` within `SATURATION_A` of ``Current.Offered``, as the pole's own
balancer judges it) shows only its offer, not its want: the pole then counts as wanting
its maximum, and the split's next round sees what it really takes. A pole with no
current in the window is unknown: the caller uses a default (its maximum).

Qt- and I/O-free; times are the caller's clock when the values arrived (the poles' own
clocks may be wrong), so tests drive it with a simulated clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

WINDOW_S = 900.0
SATURATION_A = 0.5
"""As `pole_link.model.balancer.BalancerConfig.demand_saturation_a`."""
IMPORT, OFFERED = "Current.Import", "Current.Offered"


@dataclass
class _Socket:
    imports: deque[tuple[datetime, float]] = field(default_factory=deque)
    """(arrived, highest phase current) within the window, oldest first."""
    offered: float | None = None
    """The latest ``Current.Offered``, when the pole reports it."""


def currents(meter_value: Iterable[Mapping[str, Any]]) -> tuple[float | None, float | None]:
    """(highest phase ``Current.Import``, highest ``Current.Offered``) of one OCPP
    ``meterValue`` list; None where the measurand is absent. Unreadable values are
    skipped (a pole's bad sample must not stop the split)."""
    found: dict[str, float] = {}
    for sample in meter_value:
        for value in sample.get("sampledValue", []):
            measurand = value.get("measurand")
            if measurand not in (IMPORT, OFFERED):
                continue
            try:
                amps = float(value.get("value", ""))
            except (TypeError, ValueError):
                continue
            found[measurand] = max(found.get(measurand, amps), amps)
    return found.get(IMPORT), found.get(OFFERED)


class DemandWindow:
    """Recent currents per (pole, socket); `demand_a` answers what a pole wants now."""

    def __init__(self, window_s: float = WINDOW_S, saturation_a: float = SATURATION_A) -> None:
        self.window = timedelta(seconds=window_s)
        self.saturation_a = saturation_a
        self._sockets: dict[str, dict[int, _Socket]] = {}
        """pole → socket → its currents: a session's start or stop forgets one pole's
        sockets, and a scan of every pole's for it was most of the grid balancer's time in
        a reconnect storm (a day's backlog starts and stops every socket; issue 20)."""

    def record(self, pole_id: str, connector_id: int, at: datetime,
               imported: float | None, offered: float | None) -> None:
        socket = self._sockets.setdefault(pole_id, {}).setdefault(connector_id, _Socket())
        if offered is not None:
            socket.offered = offered
        if imported is not None:
            socket.imports.append((at, max(0.0, imported)))
        self._forget(socket, at)

    def reset(self, pole_id: str) -> None:
        """A session started or stopped: the earlier currents say nothing of the new mix
        of vehicles (the pole counts as unknown until its next meter values)."""
        self._sockets.pop(pole_id, None)

    def demand_a(self, pole_id: str, now: datetime) -> float | None:
        """Amperes per phase the pole's vehicles want (summed over its sockets), or None
        when unknown or a vehicle takes all it is offered (then: the pole's maximum)."""
        total, seen = 0.0, False
        for socket in self._sockets.get(pole_id, {}).values():
            self._forget(socket, now)
            if not socket.imports:
                continue
            seen = True
            latest = socket.imports[-1][1]
            if socket.offered is not None and socket.offered > 0 \
                    and latest >= socket.offered - self.saturation_a:
                return None
            total += max(amps for _at, amps in socket.imports)
        return total if seen else None

    def _forget(self, socket: _Socket, now: datetime) -> None:
        while socket.imports and now - socket.imports[0][0] > self.window:
            socket.imports.popleft()
