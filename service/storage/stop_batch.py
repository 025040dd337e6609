"""A writer batch's StopTransactions stored together, with their eis 25/30 tally.

One StopTransaction on its own (`compliance_tally.change_transaction`) is seven statement
runs on SQLite — find the pole, lock it, read its programme, read the transaction, update
it, read it again, count it — and five more the first time a pole's tally is made. In a
reconnect storm's backlog the writer stores thousands of stops a second, and every
statement run gives up the GIL and waits for the busy event loop to hand it back (issue
20). Here a batch's stops are four statements per 400 transactions on SQLite — lock their
poles, read them with their poles' programme starts, update them all, add the tally's
difference per pole and month — and three for all of them on PostgreSQL, where the update
returns the rows as they were (as many as one stop took alone); a few more for all the
poles whose tally is counted for the first time. Measured
(`benchmarks/writer_transactions.py`, 1,000 poles' peak transactions at once): on SQLite
a stop costs the writer 54–89 µs of CPU against 490–620 µs one by one (7,002–12,002
statement runs became 14–29); on PostgreSQL 39–79 µs against 1,497–2,320 µs (3,000–8,000
became 3–24).

Same effect as the stops one after the other:
- the poles are locked before anything is read (SQLite: a write first takes the database's
  write lock; PostgreSQL: ``FOR NO KEY UPDATE``, in pole order so two processes' batches
  cannot each hold what the other waits for);
- a transaction stopped twice in the batch (a resend) ends with its last stop's values,
  and counts once: the tally gets the difference between the row before the batch and
  after it, which is the sum of the single stops' differences;
- a stop only changes ``meter_stop``, ``stopped`` and ``stop_reason``, so the row after
  it is the row before with its new end — it is not read back;
- a pole whose tally counts from another programme start (or has none yet) is recounted
  from its transactions after the update, once, as a single stop would have done;
- an unknown transaction is reported as such (``False``), the others are stored.

Run after the batch's other work items (`BatchWriter.submit_grouped`): an overrule or
low-current report of the same transaction in the same batch changes other columns, and
each change's tally difference is taken from the row as it then is, so their order does
not change the sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from service.reports.compliance import TransactionRecord
from service.reports.compliance_tally import TallyEntry
from service.storage import compliance_tally
from service.storage.compiled_writes import CompiledWrites
from service.storage.compliance_tally import (
    POLES,
    RECORD_COLUMNS,
    TALLY,
    TALLY_POLES,
    TRANSACTIONS,
    aware,
    chunks,
    record,
)
from service.storage.models import UTCDateTime

Stop = tuple[int, int, datetime, str | None]
"""(transaction id, meter stop in Wh, stopped at, reason) — one StopTransaction."""

_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
_POLES_OF = sa.select(TRANSACTIONS.c.pole_id).where(TRANSACTIONS.c.id.in_(_IDS))
_PROGRAMME = (sa.func.coalesce(POLES.c.programme_start, POLES.c.registered_at),
              TALLY_POLES.c.programme_start)
"""A pole's programme start (or registration), and the start its tally counts from."""
_WIDTH = len(RECORD_COLUMNS)

# SQLite: lock (a write first, as `compliance_tally` explains), read, update, count.
_TOUCH = sa.update(POLES).where(POLES.c.id.in_(_POLES_OF.scalar_subquery())).values(
    id=POLES.c.id)
_READ = (sa.select(*RECORD_COLUMNS, *_PROGRAMME)
         .select_from(TRANSACTIONS.join(POLES, POLES.c.id == TRANSACTIONS.c.pole_id)
                      .outerjoin(TALLY_POLES, TALLY_POLES.c.pole_id == POLES.c.id))
         .where(TRANSACTIONS.c.id.in_(_IDS)))
UPDATE = (sa.update(TRANSACTIONS).where(TRANSACTIONS.c.id == sa.bindparam("stop_id"))
          .values(meter_stop=sa.bindparam("stop_meter", type_=TRANSACTIONS.c.meter_stop.type),
                  stopped=sa.bindparam("stop_at", type_=TRANSACTIONS.c.stopped.type),
                  stop_reason=sa.bindparam("stop_reason",
                                           type_=TRANSACTIONS.c.stop_reason.type)))
"""One stop's change (`CompiledWrites.mark_keyed_update`: many in one statement on SQLite)."""
UPDATE_KEY = ("id", "stop_id")
UPDATE_SETS = (("meter_stop", "stop_meter"), ("stopped", "stop_at"),
               ("stop_reason", "stop_reason"))

# PostgreSQL: lock reading the programmes, update returning the rows as they were, count —
# three round trips for any number of stops, as many as one stop took on its own.
_LOCK = (sa.select(POLES.c.id, *_PROGRAMME)
         .select_from(POLES.outerjoin(TALLY_POLES, TALLY_POLES.c.pole_id == POLES.c.id))
         .where(POLES.c.id.in_(_POLES_OF.scalar_subquery()))
         .order_by(POLES.c.id).with_for_update(of=POLES, key_share=True))
"""The poles locked in id order (``FOR NO KEY UPDATE``), with their programmes."""
_NEW = sa.func.unnest(
    sa.bindparam("ids", type_=postgresql.ARRAY(TRANSACTIONS.c.id.type)),
    sa.bindparam("meters", type_=postgresql.ARRAY(TRANSACTIONS.c.meter_stop.type)),
    sa.bindparam("ats", type_=postgresql.ARRAY(UTCDateTime())),
    sa.bindparam("reasons", type_=postgresql.ARRAY(TRANSACTIONS.c.stop_reason.type)),
).table_valued("id", "meter_stop", "stopped", "stop_reason").render_derived()
_OLD = TRANSACTIONS.alias("old")
_UPDATE_RETURNING_OLD = (
    sa.update(TRANSACTIONS)
    .where(TRANSACTIONS.c.id == _NEW.c.id, _OLD.c.id == _NEW.c.id)
    .values(meter_stop=_NEW.c.meter_stop, stopped=_NEW.c.stopped,
            stop_reason=_NEW.c.stop_reason)
    .returning(*(_OLD.c[column.key] for column in RECORD_COLUMNS)))
"""Every stop in one statement; ``old`` is read in the statement's snapshot, taken after
the poles were locked, so it is the row as the last writer of the pole left it."""


def _count_statement(insert: Any) -> Any:
    statement = insert(TALLY).values(
        pole_id=sa.bindparam("t_pole", type_=TALLY.c.pole_id.type),
        month=sa.bindparam("t_month", type_=TALLY.c.month.type),
        peak=sa.bindparam("t_peak", type_=TALLY.c.peak.type),
        overruled=sa.bindparam("t_overruled", type_=TALLY.c.overruled.type))
    return statement.on_conflict_do_update(
        index_elements=["pole_id", "month"],
        set_={"peak": TALLY.c.peak + statement.excluded.peak,
              "overruled": TALLY.c.overruled + statement.excluded.overruled})


COUNT = {"sqlite": _count_statement(sqlite.insert),
         "postgresql": _count_statement(postgresql.insert)}
"""Per dialect: a (pole, month)'s counts changed by the database's own arithmetic; one
row per key in a batch, so PostgreSQL never updates a row twice in one statement."""


def stop_transactions(connection: Connection, compiled: CompiledWrites,
                      stops: Sequence[Stop]) -> list[bool]:
    """Store ``stops`` (one batch's) with their tally; per stop, was the transaction known?
    (This module's docstring says why together and why it is the same.)"""
    last = {stop[0]: stop for stop in stops}
    if connection.dialect.name == "postgresql":
        # All at once: the poles locked in one order (chunks would each be sorted, not
        # the whole), the stops' values as arrays (no limit on their number).
        before = _stored_on_postgresql(connection, list(last.values()))
    else:
        before = {}
        for ids in chunks(sorted(last)):  # under SQLite's limit on parameters
            before.update(_stored(connection, compiled, [last[tx_id] for tx_id in ids]))
    _count(connection, compiled, [
        (old, replace(old, ended_at=last[tx_id][2].astimezone(UTC)), start, tallied)
        for tx_id, (old, start, tallied) in before.items()])
    return [stop[0] in before for stop in stops]


_Before = dict[int, tuple[TransactionRecord, datetime | None, datetime | None]]
"""Per stored transaction: its row before the stop, its pole's programme start, and the
start the pole's tally counts from."""


def _stored(connection: Connection, compiled: CompiledWrites, stops: list[Stop]) -> _Before:
    ids = [stop[0] for stop in stops]
    connection.execute(_TOUCH, {"ids": ids})
    before: _Before = {}
    for row in connection.execute(_READ, {"ids": ids}).all():
        before[row[2]] = (record(row[:_WIDTH]), aware(row[_WIDTH]), aware(row[_WIDTH + 1]))
    if before:
        compiled.execute(connection, UPDATE, [
            {"stop_id": tx_id, "stop_meter": meter, "stop_at": at, "stop_reason": reason}
            for tx_id, meter, at, reason in stops if tx_id in before])
    return before


def _stored_on_postgresql(connection: Connection, stops: list[Stop]) -> _Before:
    programmes = {pole_id: (aware(start), aware(tallied)) for pole_id, start, tallied
                  in connection.execute(_LOCK, {"ids": [stop[0] for stop in stops]}).all()}
    if not programmes:
        return {}
    ids, meters, ats, reasons = (list(column) for column in zip(*stops, strict=True))
    rows = connection.execute(_UPDATE_RETURNING_OLD, {"ids": ids, "meters": meters,
                                                      "ats": ats, "reasons": reasons}).all()
    return {row[2]: (record(row), *programmes[row[0]]) for row in rows}


def _count(connection: Connection, compiled: CompiledWrites,
           changes: list[tuple[TransactionRecord, TransactionRecord, datetime | None,
                               datetime | None]]) -> None:
    """The tally's difference for ``changes`` (before, after, the pole's programme start,
    the start its tally counts from), as `compliance_tally` applies one change."""
    counts: dict[tuple[str, int], list[int]] = {}
    recount: dict[str, datetime] = {}
    for old, new, start, tallied in changes:
        entries = compliance_tally.entry_changes(old, new, start, tallied)
        if entries is None:
            assert start is not None
            recount[new.pole_id] = start
            continue
        for entry, tx, sign in entries:
            if entry.low_current:  # its own row, few of them: as a single stop does
                compliance_tally.add_entry(connection, tx, entry, sign)
            else:
                _add(counts, tx.pole_id, entry, sign)
    rows = [{"t_pole": pole_id, "t_month": month, "t_peak": peak, "t_overruled": overruled}
            for (pole_id, month), (peak, overruled) in counts.items()
            if peak or overruled]
    if rows:
        compiled.execute(connection, COUNT[connection.dialect.name], rows)
    if recount:
        compliance_tally.rebuild_poles(connection, recount, compiled)


def _add(counts: dict[tuple[str, int], list[int]], pole_id: str, entry: TallyEntry,
         sign: int) -> None:
    key = (pole_id, entry.month)
    total = counts.setdefault(key, [0, 0])
    total[0] += sign
    total[1] += sign * int(entry.overruled)
