"""Store the hand-computed histories of the report tests (eis 25, 30, 48) in a service's
database, as the CSMS would have stored them, so the API, the GUI and the PDF can be
checked against the same numbers the pure tests prove."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from service.reports.compliance import TransactionRecord
from service.reports.uptime import ConnectionInterval, StatusChange
from service.storage.models import ConnectionSession, Connector, StatusEvent, Transaction
from service.storage.repository import Repository


def store_transactions(repository: Repository, records: Sequence[TransactionRecord]) -> None:
    """Each record as a stored transaction with its own id. The CSMS knows one start (a
    StartTransaction comes once a card is accepted *and* a vehicle connected), so it is
    the later of the two: the moment from which the report counts anyway.

    Written around the repository (one bulk insert), so the eis 25/30 tally is then counted
    afresh from the transactions, as migration 0021 counts a database's history."""
    rows = [{"id": r.transaction_id, "pole_id": r.pole_id, "connector_id": r.connector_id,
             "id_tag": r.id_tag, "meter_start": 0,
             "meter_stop": None if r.ended_at is None else 1000,
             "started": max(r.authorised_at, r.plugged_at or r.authorised_at),
             "stopped": r.ended_at, "overruled_at": r.overrule_at,
             "overrule_source": None if r.overrule_at is None else "pole",
             "low_current_vehicle": r.low_current_vehicle} for r in records]
    with repository.engine.begin() as connection:
        connection.execute(sa.insert(Transaction.__table__), rows)  # type: ignore[attr-defined]
    repository.rebuild_compliance_tally()


def store_uptime_history(repository: Repository, pole_id: str,
                         connections: Sequence[ConnectionInterval],
                         statuses: Sequence[StatusChange]) -> None:
    with repository.engine.begin() as connection:
        connection.execute(sa.insert(ConnectionSession.__table__), [  # type: ignore[attr-defined]
            {"pole_id": pole_id, "started": c.start, "ended": c.end} for c in connections])
        connection.execute(sa.insert(StatusEvent.__table__), [  # type: ignore[attr-defined]
            {"pole_id": pole_id, "connector_id": s.connector_id, "status": s.status,
             "error_code": "NoError", "timestamp": s.at} for s in statuses])
        latest = {s.connector_id: s for s in sorted(statuses, key=lambda s: s.at)}
        connection.execute(sa.insert(Connector.__table__), [  # type: ignore[attr-defined]
            {"pole_id": pole_id, "connector_id": s.connector_id, "status": s.status,
             "error_code": "NoError", "since": s.at} for s in latest.values()])


def register(repository: Repository, pole_id: str, *, registered_at: datetime,
             programme_start: datetime | None = None) -> None:
    repository.upsert_pole(pole_id, vendor="Paalwerk", model="PW2", registered_at=registered_at,
                           programme_start=programme_start)
