"""Keeping the eis 25/30 tally (`service.storage.tally_models`) equal to the transactions.

Every change of a transaction that can move its verdict — its stop (also a late one sent
after an offline week, eis 53), its overrule, its low-current flag — goes through
`change_transaction`, which applies the difference between the transaction's tally entry
before and after the change in the same database transaction. So a resent StopTransaction
or report, which changes nothing, adds nothing; and a change that does not commit leaves
no trace in the tally either.

Several service processes may write (``--workers``): the pole's row is locked first
(``SELECT … FOR NO KEY UPDATE``; on SQLite the database's write lock, taken before the
first read), so the entry before the change is the one the tally holds, a rebuild of the
pole's tally (its programme start changed) never interleaves with an increment, and the
counts themselves are changed by the database (``peak = peak + 1``), never written back
from a value read in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from service.reports.compliance import ProgramStart, TransactionRecord
from service.reports.compliance_tally import (
    TallyEntry,
    TallyLow,
    programme_months,
    tally_entry,
)
from service.storage.compiled_writes import CompiledWrites
from service.storage.models import Pole, Transaction
from service.storage.tally_models import TallyLowRow, TallyMonthRow, TallyPoleRow

POLES: sa.Table = Pole.__table__  # type: ignore[attr-defined]
TRANSACTIONS: sa.Table = Transaction.__table__  # type: ignore[attr-defined]
TALLY_POLES: sa.Table = TallyPoleRow.__table__  # type: ignore[attr-defined]
TALLY: sa.Table = TallyMonthRow.__table__  # type: ignore[attr-defined]
TALLY_LOW: sa.Table = TallyLowRow.__table__  # type: ignore[attr-defined]
T = TypeVar("T")
CHUNK = 400
"""Poles or transactions per statement where many go in at once (under SQLite's and
PostgreSQL's limits on a statement's parameters)."""

RECORD_COLUMNS = (TRANSACTIONS.c.pole_id, TRANSACTIONS.c.connector_id, TRANSACTIONS.c.id,
                  TRANSACTIONS.c.started, TRANSACTIONS.c.stopped, TRANSACTIONS.c.overruled_at,
                  TRANSACTIONS.c.low_current_vehicle, TRANSACTIONS.c.id_tag)


def record(row: Sequence[Any]) -> TransactionRecord:
    """A row of `RECORD_COLUMNS` as the report's record. As `service.api.compliance`
    maps it: StartTransaction comes once a card was accepted *and* a vehicle connected."""
    return TransactionRecord(pole_id=row[0], connector_id=row[1], transaction_id=row[2],
                             authorised_at=row[3], plugged_at=row[3], ended_at=row[4],
                             overrule_at=row[5], low_current_vehicle=bool(row[6]),
                             id_tag=row[7])


def _insert(connection: Connection, table: sa.Table) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# The statements of every stop, built once with the pole or transaction as a parameter:
# built per call, SQLAlchemy's construction and cache keys were a third of a stop's time
# on the storage writer's thread in a reconnect storm's backlog (issue 20).
_PROGRAMME = (sa.select(sa.func.coalesce(POLES.c.programme_start, POLES.c.registered_at),
                        TALLY_POLES.c.programme_start)
              .select_from(POLES.outerjoin(TALLY_POLES, TALLY_POLES.c.pole_id == POLES.c.id))
              .where(POLES.c.id == sa.bindparam("pole_id")))
_PROGRAMME_LOCKED = _PROGRAMME.with_for_update(of=POLES, key_share=True)
_TOUCH_POLE = (sa.update(POLES).where(POLES.c.id == sa.bindparam("pole_id"))
               .values(id=POLES.c.id))
_POLE_OF = sa.select(TRANSACTIONS.c.pole_id).where(
    TRANSACTIONS.c.id == sa.bindparam("transaction_id"))
_RECORD = sa.select(*RECORD_COLUMNS).where(TRANSACTIONS.c.id == sa.bindparam("transaction_id"))


def _programme_of(connection: Connection, pole_id: str, *, lock: bool
                  ) -> tuple[datetime | None, datetime | None]:
    """``(programme start or registration, start the pole's tally counts from)``."""
    query = _PROGRAMME
    if lock and connection.dialect.name == "sqlite":
        # SQLite has no row locks, and its driver begins a transaction only at the first
        # write: a write first takes the database's write lock (waiting for it as any
        # writer does), so what is read next stays true until the commit.
        connection.execute(_TOUCH_POLE, {"pole_id": pole_id})
    elif lock:
        # FOR NO KEY UPDATE: other tally writers of the pole wait, rows that merely refer
        # to the pole (status events, meter values) do not.
        query = _PROGRAMME_LOCKED
    row = connection.execute(query, {"pole_id": pole_id}).one_or_none()
    if row is None:
        return None, None
    start, tallied = row
    return aware(start), aware(tallied)


def aware(value: Any) -> datetime | None:
    """A stored time as aware UTC, also where an expression lost the column's type."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def add_entry(connection: Connection, tx: TransactionRecord, entry: TallyEntry,
              sign: int) -> None:
    """Add (``sign`` 1) or take away (−1) one transaction's entry, by the database's own
    arithmetic on the counts."""
    if entry.low_current:
        connection.execute(TALLY_LOW.delete().where(
            TALLY_LOW.c.transaction_id == tx.transaction_id))
        if sign > 0:
            connection.execute(TALLY_LOW.insert().values(
                transaction_id=tx.transaction_id, pole_id=tx.pole_id, month=entry.month,
                first_peak=entry.first_peak, overruled=entry.overruled, id_tag=tx.id_tag))
        return
    statement = _insert(connection, TALLY).values(
        pole_id=tx.pole_id, month=entry.month, peak=sign, overruled=sign * int(entry.overruled))
    connection.execute(statement.on_conflict_do_update(
        index_elements=["pole_id", "month"],
        set_={"peak": TALLY.c.peak + statement.excluded.peak,
              "overruled": TALLY.c.overruled + statement.excluded.overruled}))


def change_transaction(connection: Connection, transaction_id: int, change: sa.Update,
                       parameters: Mapping[str, Any] | None = None) -> bool:
    """Apply ``change`` (an ``UPDATE`` of the transactions table with its values set) to
    transaction ``transaction_id`` and, in the same database transaction, its difference to
    the pole's tally; ``False`` if the transaction is unknown or ``change`` matched no row.

    The pole is locked first (this module's docstring), reading its programme start in the
    same statement; the update returns the transaction's row before and after. On
    PostgreSQL that is two statements plus the tally's own change, where reading, locking
    and reading again took six round trips: a reconnect storm's StopTransactions (each in
    a transaction of its own, several processes sharing the database) waited on them.
    ``parameters``: those of ``change``'s bound parameters (a statement built once).
    """
    locked = _lock_pole_of(connection, transaction_id)
    if locked is None:
        return False
    start, tallied = locked
    if connection.dialect.name != "postgresql":
        # SQLite's RETURNING cannot name an UPDATE's FROM tables: read before and after.
        before = read_record(connection, transaction_id)
        if not getattr(connection.execute(change, parameters), "rowcount", 0):
            return False
        after = read_record(connection, transaction_id)
        assert before is not None and after is not None
        _apply(connection, before, after, start, tallied)
        return True
    old = sa.select(*RECORD_COLUMNS).where(TRANSACTIONS.c.id == transaction_id).subquery()
    row = connection.execute(change.where(TRANSACTIONS.c.id == old.c.id)
                             .returning(*old.c, *RECORD_COLUMNS), parameters).one_or_none()
    if row is None:
        return False
    width = len(RECORD_COLUMNS)
    _apply(connection, record(row[:width]), record(row[width:]), start, tallied)
    return True


def _lock_pole_of(connection: Connection, transaction_id: int
                  ) -> tuple[datetime | None, datetime | None] | None:
    """Lock the pole of a transaction; `_programme_of` it, or ``None`` for an unknown
    transaction. On PostgreSQL one statement finds, locks and reads the pole."""
    if connection.dialect.name != "postgresql":
        pole_id = connection.execute(_POLE_OF, {"transaction_id": transaction_id}
                                     ).scalar_one_or_none()
        return None if pole_id is None else _programme_of(connection, pole_id, lock=True)
    pole = (sa.select(TRANSACTIONS.c.pole_id).where(TRANSACTIONS.c.id == transaction_id)
            .scalar_subquery())
    row = connection.execute(
        sa.select(sa.func.coalesce(POLES.c.programme_start, POLES.c.registered_at),
                  TALLY_POLES.c.programme_start)
        .select_from(POLES.outerjoin(TALLY_POLES, TALLY_POLES.c.pole_id == POLES.c.id))
        .where(POLES.c.id == pole)
        .with_for_update(of=POLES, key_share=True)).one_or_none()
    return None if row is None else (aware(row[0]), aware(row[1]))


def lock_pole_of(connection: Connection, transaction_id: int) -> str | None:
    """Lock the pole of a transaction (before the transaction's row is read or changed);
    its id, or ``None`` for an unknown transaction."""
    pole_id = connection.execute(_POLE_OF, {"transaction_id": transaction_id}
                                 ).scalar_one_or_none()
    if pole_id is not None:
        _programme_of(connection, pole_id, lock=True)
    return pole_id


def read_record(connection: Connection, transaction_id: int) -> TransactionRecord | None:
    row = connection.execute(_RECORD, {"transaction_id": transaction_id}).one_or_none()
    return None if row is None else record(row)


def transaction_changed(connection: Connection, before: TransactionRecord,
                        after: TransactionRecord) -> None:
    """Bring the pole's tally in line with one changed transaction (the pole is locked by
    `lock_pole_of` in this database transaction). A pole whose tally counts from another
    programme start than the pole's is rebuilt from its transactions instead."""
    start, tallied = _programme_of(connection, after.pole_id, lock=False)
    _apply(connection, before, after, start, tallied)


def _apply(connection: Connection, before: TransactionRecord, after: TransactionRecord,
           start: datetime | None, tallied: datetime | None) -> None:
    """`transaction_changed` with the pole's programme start (and the tally's) read."""
    changes = entry_changes(before, after, start, tallied)
    if changes is None:
        assert start is not None
        rebuild_pole(connection, after.pole_id, start)
        return
    for entry, tx, sign in changes:
        add_entry(connection, tx, entry, sign)


def entry_changes(before: TransactionRecord, after: TransactionRecord,
                  start: datetime | None, tallied: datetime | None
                  ) -> list[tuple[TallyEntry, TransactionRecord, int]] | None:
    """What a transaction's change does to its pole's tally (``start``: the pole's programme
    start or registration, ``tallied``: the start its tally counts from): the entries to
    take away (−1) and add (+1), none when the verdict did not move or the pole has no
    programme — or ``None`` when the tally counts from another start and must be recounted.
    One rule for a single change (`change_transaction`) and a batch's (`stop_batch`)."""
    if start is None:
        return []
    if tallied != start:
        return None
    bounds = programme_months(start)
    old = tally_entry(before, start, bounds=bounds)
    new = tally_entry(after, start, bounds=bounds)
    if old == new:
        return []
    return [(entry, tx, sign) for entry, tx, sign in ((old, before, -1), (new, after, 1))
            if entry is not None]


def refresh_pole(connection: Connection, pole_id: str) -> None:
    """Lock the pole and rebuild its tally unless it already counts from its start."""
    start, tallied = _programme_of(connection, pole_id, lock=True)
    if start is not None and tallied != start:
        rebuild_pole(connection, pole_id, start)


def _entries(records: Iterable[TransactionRecord], start: datetime
             ) -> tuple[dict[int, list[int]], list[dict[str, Any]]]:
    bounds = programme_months(start)
    months: dict[int, list[int]] = {}
    lows: list[dict[str, Any]] = []
    for tx in records:
        entry = tally_entry(tx, start, bounds=bounds)
        if entry is None:
            continue
        if entry.low_current:
            lows.append({"transaction_id": tx.transaction_id, "pole_id": tx.pole_id,
                         "month": entry.month, "first_peak": entry.first_peak,
                         "overruled": entry.overruled, "id_tag": tx.id_tag})
        else:
            counts = months.setdefault(entry.month, [0, 0])
            counts[0] += 1
            counts[1] += int(entry.overruled)
    return months, lows


def _store_poles(connection: Connection,
                 counted: Mapping[str, tuple[datetime, dict[int, list[int]],
                                             list[dict[str, Any]]]],
                 compiled: CompiledWrites | None = None) -> None:
    """Each pole's tally replaced by its counts (programme start, months, low-current
    vehicles: `_entries`): a few statements for all of them. ``compiled``: the rows go in
    through it (one multi-row statement on SQLite)."""
    poles = list(counted)
    for forget in _FORGET_POLES:
        connection.execute(forget, {"poles": poles})
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _INSERTS}
    for pole_id, (start, months, lows) in counted.items():
        rows[TALLY.name] += [{"pole_id": pole_id, "month": month, "peak": peak,
                              "overruled": over} for month, (peak, over) in sorted(months.items())]
        rows[TALLY_LOW.name] += lows
        rows[TALLY_POLES.name].append({"pole_id": pole_id, "programme_start": start})
    for name, statement in _INSERTS.items():
        if not rows[name]:
            continue
        if compiled is None:
            connection.execute(statement, rows[name])
        else:
            compiled.execute(connection, statement, rows[name])


def rebuild_pole(connection: Connection, pole_id: str, start: datetime) -> None:
    """The pole's tally recounted from all its finished transactions, from ``start``."""
    rebuild_poles(connection, {pole_id: start})


_POLES: sa.BindParameter[list[str]] = sa.bindparam("poles", expanding=True)
_FINISHED_OF_POLES = sa.select(*RECORD_COLUMNS).where(
    TRANSACTIONS.c.pole_id.in_(_POLES), TRANSACTIONS.c.stopped.is_not(None))
_FORGET_POLES = [table.delete().where(table.c.pole_id.in_(_POLES))
                 for table in (TALLY, TALLY_LOW, TALLY_POLES)]
_INSERTS = {table.name: table.insert() for table in (TALLY, TALLY_LOW, TALLY_POLES)}
"""Built once, so `CompiledWrites` can keep their driver form (multi-row on SQLite)."""


def rebuild_poles(connection: Connection, starts: Mapping[str, datetime],
                  compiled: CompiledWrites | None = None) -> None:
    """Each pole's tally recounted from all its finished transactions, from its start in
    ``starts``: a few statements per `CHUNK` poles, not five per pole (a reconnect storm's
    batch of stops recounts every pole whose first stop it holds, issue 20). ``compiled``:
    as `_store_poles`."""
    for chunk in chunks(sorted(starts)):
        finished: dict[str, list[TransactionRecord]] = {}
        for row in connection.execute(_FINISHED_OF_POLES, {"poles": chunk}).all():
            finished.setdefault(row[0], []).append(record(row))
        _store_poles(connection, {pole_id: (starts[pole_id], *_entries(
            finished.get(pole_id, ()), starts[pole_id])) for pole_id in chunk}, compiled)


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most `CHUNK`."""
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def backfill(connection: Connection) -> int:
    """Every pole's tally counted afresh from the stored transactions (migration 0024, or
    after transactions were written around the repository); the number of poles.

    One pass over the finished transactions, pole by pole (streamed, so a fleet's years
    never sit in memory at once)."""
    starts = {pole_id: aware(start) for pole_id, start in connection.execute(
        sa.select(POLES.c.id, sa.func.coalesce(POLES.c.programme_start,
                                               POLES.c.registered_at)))}
    for table in (TALLY, TALLY_LOW, TALLY_POLES):
        connection.execute(table.delete())
    done: set[str] = set()
    query = (sa.select(*RECORD_COLUMNS).where(TRANSACTIONS.c.stopped.is_not(None))
             .order_by(TRANSACTIONS.c.pole_id))
    rows = connection.execute(query, execution_options={"stream_results": True,
                                                        "yield_per": 20_000})
    for pole_id, records in _by_pole(record(row) for row in rows):
        start = starts.get(pole_id)
        if start is not None:
            _store_poles(connection, {pole_id: (start, *_entries(records, start))})
            done.add(pole_id)
    quiet = [{"pole_id": pole_id, "programme_start": start} for pole_id, start in starts.items()
             if start is not None and pole_id not in done]
    if quiet:
        connection.execute(TALLY_POLES.insert(), quiet)
    return len(done) + len(quiet)


def _by_pole(records: Iterator[TransactionRecord]
             ) -> Iterator[tuple[str, list[TransactionRecord]]]:
    current: list[TransactionRecord] = []
    for tx in records:
        if current and current[0].pole_id != tx.pole_id:
            yield current[0].pole_id, current
            current = []
        current.append(tx)
    if current:
        yield current[0].pole_id, current


def read_tally(connection: Connection, programmes: Sequence[ProgramStart], until: datetime
               ) -> tuple[list[ProgramStart], dict[tuple[str, int], tuple[int, int]],
                          list[TallyLow], list[TransactionRecord]]:
    """What `reports_from_tally` needs for the poles whose tally counts from their
    programme start: those poles, their counts, their low-current vehicles, and their
    transactions still running at ``until`` or stopped after it (see there)."""
    tallied = {pole_id: aware(start) for pole_id, start in connection.execute(
        sa.select(TALLY_POLES.c.pole_id, TALLY_POLES.c.programme_start)).all()}
    current = [p for p in programmes if tallied.get(p.pole_id) == p.start]
    poles = {p.pole_id for p in current}
    if not current:
        return [], {}, [], []
    # fetchall (``.all()``): iterating a result fetches row by row, seconds for a fleet.
    counts = {(pole_id, month): (peak, over) for pole_id, month, peak, over in connection.execute(
        sa.select(TALLY.c.pole_id, TALLY.c.month, TALLY.c.peak, TALLY.c.overruled)).all()
        if pole_id in poles}
    # PostgreSQL hands back aware times itself; `UTCDateTime`'s conversion of each of a
    # fleet's low-current vehicles cost a second.
    first_peak = (sa.type_coerce(TALLY_LOW.c.first_peak, sa.DateTime(timezone=True))
                  if connection.dialect.name == "postgresql" else TALLY_LOW.c.first_peak)
    lows = [TallyLow(row[0], row[1], row[2], row[3], bool(row[4]), row[5])
            for row in connection.execute(
        sa.select(TALLY_LOW.c.pole_id, TALLY_LOW.c.transaction_id, TALLY_LOW.c.month,
                  first_peak, TALLY_LOW.c.overruled, TALLY_LOW.c.id_tag)).all()
        if row[0] in poles]
    horizon = until
    for programme in current:
        bounds = programme_months(programme.start)
        later = [bound for bound in bounds if bound > until]
        horizon = max(horizon, later[0] if later else bounds[-1])
    unsettled = [record(row) for row in connection.execute(
        sa.select(*RECORD_COLUMNS).where(sa.or_(
            sa.and_(TRANSACTIONS.c.stopped.is_(None), TRANSACTIONS.c.started < until),
            sa.and_(TRANSACTIONS.c.stopped > until, TRANSACTIONS.c.started < horizon)))).all()
        if row[0] in poles]
    return current, counts, lows, unsettled
