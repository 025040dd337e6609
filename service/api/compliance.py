"""Compliance reports (eis 25, 30) over the API, from what the CSMS stored.

The report logic is pure (`service.reports.compliance`); this module only maps
stored transactions onto its records. A StartTransaction is sent once a card was
accepted *and* a vehicle connected, so its time serves as both "authorised" and
"plugged in" — the one approximation the CSMS has to make.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.reports.compliance import (
    ProgramStart,
    SubperiodReport,
    TransactionRecord,
    compliance_report,
)
from service.storage.repository import AsyncRepository


class NoProgrammeStart(LookupError):
    """The pole has neither a programme start nor a registration date to count from."""


def to_record(transaction: Any) -> TransactionRecord:
    return TransactionRecord(
        pole_id=transaction.pole_id, connector_id=transaction.connector_id,
        transaction_id=transaction.id, authorised_at=transaction.started,
        plugged_at=transaction.started, ended_at=transaction.stopped,
        overrule_at=transaction.overruled_at,
        low_current_vehicle=bool(transaction.low_current_vehicle), id_tag=transaction.id_tag)


async def pole_compliance(repository: AsyncRepository, pole_id: str, until: datetime
                          ) -> list[SubperiodReport]:
    """Every subperiod of the pole's programme that has begun by ``until``."""
    pole = await repository.get_pole(pole_id)
    start = pole.programme_start or pole.registered_at if pole is not None else None
    if start is None:
        raise NoProgrammeStart(
            f"pole {pole_id!r} has no programme start: set it before reporting (eis 24)")
    stored = await repository.transactions(pole_id, start, until)
    return compliance_report([to_record(t) for t in stored], ProgramStart(pole_id, start),
                             until=until)
