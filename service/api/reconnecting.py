"""Which offline poles are only *reconnecting* after the service's own restart (eis 48).

A pole cannot reconnect to a service that is down: a pole that was connected when the
service stopped is expected back within `SERVICE_RESTART_GRACE` of the restart, and the
Outages board leaves it off until then (`service.outages.rules.telecom`). The pole list
carries the same fact — the restart and, per pole, until when it counts as reconnecting —
so the Fleet page says "reconnecting" instead of "offline" during that grace.

One read of the service's runs; the sessions are read only inside the grace, so a list of
the fleet costs nothing extra on any other minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pole_link.service_api import EndReason
from service.reports.uptime import SERVICE_RESTART_GRACE
from service.storage.database import storage_errors
from service.storage.models import ConnectionSession
from service.storage.service_runs import ServiceRuns, restart_at

RUNS_BACK = timedelta(days=400)
"""How far back the runs are read to find the last restart (as the Outages board does)."""


@dataclass(frozen=True)
class Reconnecting:
    """The service's last restart (None on a first start) and the poles still within the
    grace after it, each with the moment it ends."""

    restarted: datetime | None = None
    until: dict[str, datetime] = field(default_factory=dict)


def _sessions() -> sa.Table:
    table: sa.Table = ConnectionSession.__table__  # type: ignore[attr-defined]
    return table


def reconnecting(engine: Engine, now: datetime, pole_id: str | None = None
                 ) -> Reconnecting:
    """The board's rule, for the whole fleet at ``now`` (or only ``pole_id``): a pole whose
    newest session ended because the service stopped, no later than the restart, is
    reconnecting until `SERVICE_RESTART_GRACE` after the restart (synchronous: run it in
    a thread)."""
    restarted = restart_at(ServiceRuns(engine).runs(now - RUNS_BACK, now), now)
    if restarted is None or now - restarted >= SERVICE_RESTART_GRACE:
        return Reconnecting(restarted)
    until = restarted + SERVICE_RESTART_GRACE
    cs, later = _sessions(), _sessions().alias("later")
    newer = sa.select(later.c.id).where(later.c.pole_id == cs.c.pole_id,
                                        later.c.started > cs.c.started)
    query = (sa.select(cs.c.pole_id)
             .where(cs.c.end_reason == EndReason.SERVICE_STOPPED.value,
                    cs.c.ended <= restarted, cs.c.ended >= restarted - RUNS_BACK,
                    ~sa.exists(newer))
             .distinct())
    if pole_id is not None:
        query = query.where(cs.c.pole_id == pole_id)
    with storage_errors(engine.url), engine.connect() as db:
        poles = db.execute(query).scalars().all()
    return Reconnecting(restarted, dict.fromkeys(poles, until))
