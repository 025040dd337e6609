"""What the CSMS stores and asks, as plain method calls.

Synchronous on purpose: SQLAlchemy's sync engine works the same on SQLite and PostgreSQL, and
the event loop reaches it through :class:`AsyncRepository`, which runs each call in a worker
thread so the loop never blocks on disk or network.

Writes that can race between service processes (pole upsert, connector state, a resent
StartTransaction) are single ``INSERT … ON CONFLICT`` statements, which both backends support,
so no read-then-write window exists.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from pole_link.service_api import EndReason
from service.accounts.principal import CURRENT
from service.accounts.request_entry import REQUEST_ENTRY
from service.storage import audit_chain, compliance_tally, stop_batch
from service.storage.batched_reads import BatchedReads
from service.storage.compiled_writes import CompiledWrites, TupleRows
from service.storage.database import single_reads, storage_errors
from service.storage.models import (
    AuditLog,
    ChargingProfileRecord,
    CommissioningReportRow,
    ConnectionSession,
    Connector,
    FirmwarePackageRow,
    FirmwareRollout,
    FirmwareRolloutPole,
    FirmwareUpdate,
    MessageLog,
    MeterValue,
    Pole,
    SecurityEvent,
    StatusEvent,
    TechnicianKeyRow,
    Transaction,
    UTCDateTime,
)
from service.storage.stop_batch import Stop
from service.storage.writer_times import BatchTime, WriterTimes, profiled

LOGGER = logging.getLogger(__name__)
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))
_Row = TypeVar("_Row")
P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")

Start = tuple[str, int, str, int, datetime]
"""(pole, connector, card, meter start in Wh, started at) — one StartTransaction."""

StatusChangeRow = Any
"""A result row with ``pole_id``, ``connector_id``, ``timestamp``, ``status`` of one status
event (``sa.Row``, whose type parameters differ between SQLAlchemy 2.0 and 2.1)."""

RowWrite = tuple[Any, Mapping[str, Any]]
"""A write of one row (its parameters by name), e.g. one whose statement returns its id."""
Write = RowWrite | tuple[Any, Sequence[tuple[Any, ...]]]
"""One row's worth of a write: a reusable statement and its parameters. Writes of the same
statement are executed together (one ``executemany``), so statements are built once. A
`TupleRows` statement's write carries many rows at once, as tuples (a call's samples)."""

MeterSample = tuple[str, int, "int | None", datetime, str, "str | None", float, "str | None",
                    "str | None", "str | None"]
"""One sampled value as stored: its values in `_METER_COLUMNS` order."""

_METER_COLUMNS = ("pole_id", "connector_id", "transaction_id", "timestamp", "measurand", "phase",
                  "value", "unit", "context", "location")


def by_pole(rows: Iterable[Any]) -> dict[str, list[Any]]:
    """Rows of a fleet-wide read grouped by their ``pole_id``, each group in read order."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(row.pole_id, []).append(row)
    return groups


def _table(model: type[Any]) -> sa.Table:
    """The SQLAlchemy table of a SQLModel class (SQLModel does not type ``__table__``)."""
    table: sa.Table = model.__table__
    return table



def _duplicate_start(pole_id: str, connector_id: int, id_tag: str, started: datetime
                     ) -> sa.Select[Any]:
    """The transaction a StartTransaction repeats: the same socket, card and start (the
    unique key its insert conflicts on)."""
    table = _table(Transaction)
    return sa.select(table.c.id).where(
        table.c.pole_id == pole_id, table.c.connector_id == connector_id,
        table.c.started == started, table.c.id_tag == id_tag)


class _BootReads:
    """The reads every boot makes, each built once: building a select and its cache key
    cost more CPU than SQLite's answer (issue 20, `benchmarks/connection_cost.py`)."""

    def __init__(self) -> None:
        poles, entries = _table(Pole), _table(FirmwareRolloutPole)
        self.pole_exists = sa.select(poles.c.id).where(poles.c.id == sa.bindparam("pole_id"))
        self.in_rollout = (sa.select(entries.c.rollout_id)
                           .where(entries.c.pole_id == sa.bindparam("pole_id"),
                                  entries.c.state.in_(sa.bindparam("states", expanding=True)))
                           .limit(1))
        # The same reads for many poles at once (`service.storage.batched_reads`).
        self.poles_existing = sa.select(poles.c.id).where(
            poles.c.id.in_(sa.bindparam("pole_ids", expanding=True)))
        self.poles_in_rollout = (
            sa.select(entries.c.pole_id).distinct()
            .where(entries.c.pole_id.in_(sa.bindparam("pole_ids", expanding=True)),
                   entries.c.state.in_(sa.bindparam("states", expanding=True))))


@functools.cache
def _boot_reads() -> _BootReads:
    return _BootReads()



def audit_entry(actor: str, action: str, detail: str = "", at: datetime | None = None, *,
                role: str = "", pole_id: str | None = None, result: str = ""
                ) -> dict[str, Any]:
    """One audit trail entry's content (`audit_chain.CONTENT`), timed now unless ``at``."""
    return {"time": at or datetime.now(UTC), "actor": actor, "role": role,
            "action": action, "pole_id": pole_id, "result": result, "detail": detail}

class Repository:
    """Synchronous storage API of the CSMS; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._statements: dict[str, Any] = {}
        self.compiled_writes = CompiledWrites(engine.dialect)

    # -- plumbing ---------------------------------------------------------------------------

    def _write(self, writes: Iterable[Write]) -> None:
        """Run ``writes`` in one transaction (what `BatchWriter` does for many callers)."""
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            execute_grouped(connection, writes, self.compiled_writes)

    def _statement(self, name: str, build: Callable[[], Any]) -> Any:
        statement = self._statements.get(name)
        if statement is None:
            statement = self._statements[name] = build()
        return statement

    def _append_statement(self, model: type[Any], *, skip_repeats: bool = False) -> Any:
        """The plain ``INSERT`` of a table that only grows (log, samples, events): batches
        of it may be bulk-loaded (`CompiledWrites.mark_append`).

        ``skip_repeats``: the table has a unique natural key and a row already stored is
        left out (``ON CONFLICT DO NOTHING``), so a message a pole resends after a lost
        answer is stored once (issue 20) — decided by the database in the same batch, with
        no read before the write.
        """
        table = _table(model)

        def build() -> Any:
            statement = (self._insert(model).on_conflict_do_nothing() if skip_repeats
                         else sa.insert(table))
            self.compiled_writes.mark_append(statement, table, skip_repeats=skip_repeats)
            return statement
        return self._statement(f"append {table.name}", build)

    def _session(self) -> Session:
        # Objects stay readable after commit: callers get plain detached rows.
        return Session(self.engine, expire_on_commit=False)

    def _insert(self, model: type[Any]) -> Any:
        """A dialect ``INSERT`` that knows ``ON CONFLICT``."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(_table(model))
        if self.engine.dialect.name == "sqlite":
            return sqlite.insert(_table(model))
        raise NotImplementedError(f"no upsert for {self.engine.dialect.name}")

    # -- poles ------------------------------------------------------------------------------

    def upsert_pole(self, pole_id: str, *, vendor: str | None = None, model: str | None = None,
                    serial: str | None = None, firmware: str | None = None,
                    auto_registered: bool | None = None, grid_operator: str | None = None,
                    programme_start: datetime | None = None,
                    connection_size: str | None = None, registered_at: datetime | None = None,
                    last_seen: datetime | None = None, connected: bool | None = None) -> Pole:
        """Create the pole or update the given fields; ``None`` means "leave as it is"."""
        fields: dict[str, Any] = {
            "vendor": vendor, "model": model, "serial": serial, "firmware": firmware,
            "auto_registered": auto_registered, "grid_operator": grid_operator,
            "programme_start": programme_start, "connection_size": connection_size,
            "registered_at": registered_at, "last_seen": last_seen, "connected": connected}
        values = {name: value for name, value in fields.items() if value is not None}
        # Model defaults are Python-side only; a core INSERT has to spell them out.
        inserted = {"auto_registered": False, "connection_size": "3x35", "connected": False,
                    **values}
        statement = self._insert(Pole).values(id=pole_id, **inserted)
        if values:
            statement = statement.on_conflict_do_update(
                index_elements=["id"],
                set_={name: statement.excluded[name] for name in values})
        else:
            statement = statement.on_conflict_do_nothing(index_elements=["id"])
        with storage_errors(self.engine.url), self._session() as session:
            session.execute(statement)
            session.commit()
            pole = session.get(Pole, pole_id)
        assert pole is not None
        if programme_start is not None or registered_at is not None:
            self.refresh_compliance_tally(pole_id)
        return pole

    def pole_boot_writes(self, pole_id: str, *, vendor: str, model: str, serial: str | None,
                         firmware: str | None, auto_registered: bool, at: datetime
                         ) -> list[Write]:
        """A BootNotification: the pole's details and contact (`upsert_pole` with these
        fields), and a connection session unless one is open (`session_began`), as two writes
        of fixed statements, so many boots go in one ``executemany`` each.

        As in `upsert_pole`, ``None`` (serial, firmware) leaves the stored value, and the
        auto-registration flag and time are only written for an ``auto_registered`` boot.
        """
        def build() -> Any:
            table = _table(Pole)
            statement = self._insert(Pole)
            new = statement.excluded
            return statement.on_conflict_do_update(index_elements=["id"], set_={
                "vendor": new.vendor, "model": new.model,
                "serial": sa.func.coalesce(new.serial, table.c.serial),
                "firmware": sa.func.coalesce(new.firmware, table.c.firmware),
                "last_seen": new.last_seen, "connected": new.connected,
                "auto_registered": sa.case((new.registered_at.is_(None),
                                            table.c.auto_registered),
                                           else_=new.auto_registered),
                "registered_at": sa.func.coalesce(new.registered_at, table.c.registered_at)})

        upsert = self._statement("pole_boot", build)
        return [(upsert, {"id": pole_id, "vendor": vendor, "model": model, "serial": serial,
                          "firmware": firmware, "last_seen": at, "connected": True,
                          "auto_registered": auto_registered,
                          "registered_at": at if auto_registered else None,
                          "connection_size": "3x35"}),
                *self.session_began_writes(pole_id, at)]

    def get_pole(self, pole_id: str) -> Pole | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(Pole, pole_id)

    def pole_exists(self, pole_id: str) -> bool:
        """Read at every boot: one statement built once (`_boot_reads`), issue 20."""
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return connection.execute(_boot_reads().pole_exists,
                                      {"pole_id": pole_id}).first() is not None

    def existing_poles(self, pole_ids: Sequence[str]) -> set[str]:
        """Which of ``pole_ids`` are registered: one query for a storm's many boots
        (`AsyncRepository.pole_known`)."""
        with storage_errors(self.engine.url), single_reads(self.engine).connect() as connection:
            return set(connection.execute(_boot_reads().poles_existing,
                                          {"pole_ids": list(pole_ids)}).scalars())

    def poles_in_rollouts(self, pole_ids: Sequence[str], states: Sequence[str]) -> set[str]:
        """Which of ``pole_ids`` have an entry in ``states`` of some rollout: one query for
        a storm's many boots, where nearly always none has (`pole_in_rollouts`)."""
        with storage_errors(self.engine.url), single_reads(self.engine).connect() as connection:
            return set(connection.execute(_boot_reads().poles_in_rollout,
                                          {"pole_ids": list(pole_ids),
                                           "states": list(states)}).scalars())

    def pole_ids(self) -> set[str]:
        """Every registered pole's id."""
        table = _table(Pole)
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return set(connection.execute(sa.select(table.c.id)).scalars())

    def list_poles(self) -> list[Pole]:
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(select(Pole).order_by(col(Pole.id))).all())

    def pole_seen(self, pole_id: str, at: datetime, *, connected: bool) -> None:
        """Record contact (heartbeat, any message) or a disconnect; unknown poles are ignored."""
        self._write(self.pole_seen_writes(pole_id, at, connected=connected))

    def pole_seen_writes(self, pole_id: str, at: datetime, *, connected: bool) -> list[Write]:
        def build() -> Any:
            table = _table(Pole)
            statement = (sa.update(table).where(table.c.id == sa.bindparam("b_id"))
                         .values(last_seen=sa.bindparam("b_at", type_=UTCDateTime()),
                                 connected=sa.bindparam("b_connected", type_=sa.Boolean())))
            self.compiled_writes.mark_keyed_update(
                statement, table, ("id", "b_id"), [("last_seen", "b_at"),
                                                   ("connected", "b_connected")])
            return statement
        return [(self._statement("pole_seen", build),
                 {"b_id": pole_id, "b_at": at, "b_connected": connected})]

    def pole_clock(self, pole_id: str, offset_s: float, at: datetime) -> None:
        """The pole's clock was measured `offset_s` off the service's at `at`."""
        self._write(self.pole_clock_writes(pole_id, offset_s, at))

    def pole_clock_writes(self, pole_id: str, offset_s: float, at: datetime) -> list[Write]:
        def build() -> Any:
            table = _table(Pole)
            statement = (sa.update(table).where(table.c.id == sa.bindparam("c_id"))
                         .values(clock_offset_s=sa.bindparam("c_offset", type_=sa.Float()),
                                 clock_checked_at=sa.bindparam("c_at", type_=UTCDateTime())))
            self.compiled_writes.mark_keyed_update(
                statement, table, ("id", "c_id"), [("clock_offset_s", "c_offset"),
                                                   ("clock_checked_at", "c_at")])
            return statement
        return [(self._statement("pole_clock", build),
                 {"c_id": pole_id, "c_offset": offset_s, "c_at": at})]

    # -- connection sessions (uptime, eis 48) -----------------------------------------------

    def session_began(self, pole_id: str, at: datetime) -> None:
        """A pole's OCPP session is up; a second boot on the same session changes nothing."""
        self._write(self.session_began_writes(pole_id, at))

    def session_began_writes(self, pole_id: str, at: datetime) -> list[Write]:
        def build() -> Any:
            # INSERT … SELECT … WHERE NOT EXISTS: one statement, so it can be batched (on
            # SQLite many boots' in one statement, `CompiledWrites.mark_first_open`).
            table = _table(ConnectionSession)
            pole = sa.bindparam("s_pole", type_=sa.String())
            still_open = sa.select(table.c.id).where(table.c.pole_id == pole,
                                                    table.c.ended.is_(None))
            statement = sa.insert(table).from_select(
                ["pole_id", "started"],
                sa.select(pole, sa.bindparam("s_at", type_=UTCDateTime()))
                .where(~sa.exists(still_open)))
            self.compiled_writes.mark_first_open(statement, table, ("pole_id", "s_pole"),
                                                 [("started", "s_at")], "ended")
            return statement
        return [(self._statement("session_began", build), {"s_pole": pole_id, "s_at": at})]

    def session_ended(self, pole_id: str, at: datetime, reason: str | None = None) -> None:
        self._write(self.session_ended_writes(pole_id, at, reason))

    def session_ended_writes(self, pole_id: str, at: datetime, reason: str | None = None
                             ) -> list[Write]:
        """Close the pole's open session at ``at``, saying how it ended (`EndReason`)."""
        def build() -> Any:
            table = _table(ConnectionSession)
            ended = sa.bindparam("e_at", type_=UTCDateTime())
            return (sa.update(table).where(table.c.pole_id == sa.bindparam("e_pole"),
                                           table.c.ended.is_(None))
                    .values(ended=sa.case((table.c.started > ended, table.c.started),
                                          else_=ended),
                            end_reason=sa.bindparam("e_reason", type_=sa.String())))
        return [(self._statement("session_ended", build),
                 {"e_pole": pole_id, "e_at": at, "e_reason": reason})]

    def close_dangling_sessions(self) -> int:
        """At service start: sessions left open by a stop end at the pole's last contact."""
        with storage_errors(self.engine.url), self._session() as session:
            table, poles = _table(ConnectionSession), _table(Pole)
            last_seen = (sa.select(poles.c.last_seen).where(poles.c.id == table.c.pole_id)
                         .scalar_subquery())
            result = session.execute(sa.update(table).where(table.c.ended.is_(None))
                                     .values(ended=sa.func.coalesce(last_seen, table.c.started),
                                             end_reason=EndReason.SERVICE_STOPPED.value))
            session.execute(sa.update(poles).values(connected=False))
            session.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def connection_sessions(self, pole_id: str | None, start: datetime, end: datetime
                            ) -> list[ConnectionSession]:
        """Sessions overlapping ``[start, end)``, oldest first; open ones included. Without
        ``pole_id``, every pole's in one query (the fleet listing's uptime)."""
        query = select(ConnectionSession).where(
            col(ConnectionSession.started) < end,
            sa.or_(col(ConnectionSession.ended).is_(None), col(ConnectionSession.ended) > start))
        if pole_id is not None:
            query = query.where(ConnectionSession.pole_id == pole_id)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(query.order_by(col(ConnectionSession.started))).all())

    # -- status -----------------------------------------------------------------------------

    def record_status(self, pole_id: str, connector_id: int, status: str, error_code: str,
                      at: datetime, *, stamped_on_arrival: bool = False) -> None:
        """Keep the event, and move the connector's current state unless the event is older.

        Queued events arrive late after an offline period (eis 53): an old event must not
        overwrite a newer state. ``since`` moves only when status or error changes.

        ``stamped_on_arrival``: the pole sent no timestamp and ``at`` is when the service
        received it, so a resend (its answer lost in a crash) would carry a new time and
        slip past the natural key. Such an event is kept only if it changes the
        connector's current status or error code: repeating the state the connector is
        already in is no event (a pole reports a status when it changes), and a resend of
        one already stored is exactly that repeat. Decided by the database in the same
        batch (``INSERT … SELECT … WHERE NOT EXISTS``), so it survives a restart and costs
        no read before the write.
        """
        self._write(self.record_status_writes(pole_id, connector_id, status, error_code, at,
                                              stamped_on_arrival=stamped_on_arrival))

    def _status_unless_current(self) -> Any:
        """``INSERT`` a status event only if the connector is not already in that state."""
        def build() -> Any:
            events, connectors = _table(StatusEvent), _table(Connector)
            names = ("pole_id", "connector_id", "status", "error_code", "timestamp")
            values = {name: sa.bindparam(name, type_=events.c[name].type) for name in names}
            current = sa.select(sa.literal(1)).where(
                connectors.c.pole_id == values["pole_id"],
                connectors.c.connector_id == values["connector_id"],
                connectors.c.status == values["status"],
                connectors.c.error_code == values["error_code"]).exists()
            return sa.insert(events).from_select(
                list(names), sa.select(*values.values()).where(~current))
        return self._statement("status_event unless current", build)

    def record_status_writes(self, pole_id: str, connector_id: int, status: str,
                             error_code: str, at: datetime, *,
                             stamped_on_arrival: bool = False) -> list[Write]:
        def build_upsert() -> Any:
            table = _table(Connector)
            statement = self._insert(Connector)
            changed = sa.or_(table.c.status != statement.excluded.status,
                             table.c.error_code != statement.excluded.error_code)
            return statement.on_conflict_do_update(
                index_elements=["pole_id", "connector_id"],
                set_={"status": statement.excluded.status,
                      "error_code": statement.excluded.error_code,
                      "since": sa.case((changed, statement.excluded.since),
                                       else_=table.c.since)},
                where=table.c.since <= statement.excluded.since)

        event = (self._status_unless_current() if stamped_on_arrival
                 else self._append_statement(StatusEvent, skip_repeats=True))
        upsert = self._statement("connector_upsert", build_upsert)
        return [(event, {"pole_id": pole_id, "connector_id": connector_id, "status": status,
                         "error_code": error_code, "timestamp": at}),
                (upsert, {"pole_id": pole_id, "connector_id": connector_id, "status": status,
                          "error_code": error_code, "since": at})]

    def connectors(self, pole_id: str | None = None) -> list[Connector]:
        """A pole's connectors; without ``pole_id`` every pole's, in one query (a fleet
        listing of 10,000 poles must not make 10,000 queries)."""
        query = select(Connector)
        if pole_id is not None:
            query = query.where(Connector.pole_id == pole_id)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                query.order_by(col(Connector.pole_id), col(Connector.connector_id))).all())

    def status_events(self, pole_id: str | None, start: datetime, end: datetime
                      ) -> list[StatusEvent]:
        """Status events with ``start <= timestamp < end``, oldest first (uptime, eis 48);
        without ``pole_id``, every pole's."""
        query = select(StatusEvent).where(col(StatusEvent.timestamp) >= start,
                                          col(StatusEvent.timestamp) < end)
        if pole_id is not None:
            query = query.where(StatusEvent.pole_id == pole_id)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                query.order_by(col(StatusEvent.timestamp), col(StatusEvent.id))).all())

    def status_history(self, pole_id: str | None, start: datetime, end: datetime
                       ) -> list[StatusChangeRow]:
        """The last event before ``start`` of every connector (the state the period opens
        with), then every event in ``[start, end)``; oldest first. Without ``pole_id``,
        every pole's in two queries, for a fleet listing (group them by ``pole_id``).

        Plain rows (``pole_id``, ``connector_id``, ``timestamp``, ``status``), not ORM
        objects: a fleet's month is a million events, and objects cost ten times more.
        """
        table = _table(StatusEvent)
        columns = (table.c.pole_id, table.c.connector_id, table.c.timestamp, table.c.status)
        before = (sa.select(table.c.pole_id, table.c.connector_id,
                            sa.func.max(table.c.timestamp).label("at"))
                  .where(table.c.timestamp < start))
        during = sa.select(*columns).where(table.c.timestamp >= start, table.c.timestamp < end)
        if pole_id is not None:
            before = before.where(table.c.pole_id == pole_id)
            during = during.where(table.c.pole_id == pole_id)
        last = before.group_by(table.c.pole_id, table.c.connector_id).subquery()
        opening = (sa.select(*columns).join(last, sa.and_(
            table.c.pole_id == last.c.pole_id, table.c.connector_id == last.c.connector_id,
            table.c.timestamp == last.c.at)))
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            rows = list(connection.execute(opening.order_by(table.c.timestamp, table.c.id)))
            rows += connection.execute(during.order_by(table.c.timestamp, table.c.id))
        return rows

    # -- transactions -----------------------------------------------------------------------

    def start_transaction(self, pole_id: str, connector_id: int, id_tag: str, meter_start: int,
                          started: datetime) -> int:
        """The CSMS transaction id: new from the database's sequence, or the existing one when
        the pole resends a StartTransaction whose answer it lost (same pole, connector, start
        time and idTag). Unique across service processes sharing one database.
        """
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            return self.start_transaction_in(connection, pole_id, connector_id, id_tag,
                                             meter_start, started)

    def start_transaction_in(self, connection: Connection, pole_id: str, connector_id: int,
                             id_tag: str, meter_start: int, started: datetime) -> int:
        """`start_transaction` inside the caller's database transaction."""
        [transaction_id] = self.start_transactions_in(
            connection, [(pole_id, connector_id, id_tag, meter_start, started)])
        return transaction_id

    def start_transactions_in(self, connection: Connection, starts: Sequence[Start]
                              ) -> list[int]:
        """Many StartTransactions in the caller's database transaction (a writer batch's:
        a reconnect storm's thousands of queued Starts share its commits); each one's id.

        One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` for up to a thousand of them
        (SQLAlchemy's "insertmanyvalues"), the ids matched back by the unique key, since
        the database returns the inserted rows in no promised order and none for a start
        already stored: that one (a resend whose answer was lost, or the same start twice
        in the batch) gets the id stored before. One at a time, each start was a statement
        run of its own, and each gives up the GIL to the busy event loop (issue 20)."""
        def build() -> Any:
            # Built once, values as parameters: built per call, its construction and cache
            # key were four fifths of a Start's time on the writer's thread (issue 20).
            table = _table(Transaction)
            return (self._insert(Transaction)  # its columns: the parameters' names
                    .on_conflict_do_nothing(
                        index_elements=["pole_id", "connector_id", "started", "id_tag"])
                    .returning(table.c.id, table.c.pole_id, table.c.connector_id,
                               table.c.started, table.c.id_tag))
        rows = [{"pole_id": pole_id, "connector_id": connector_id, "id_tag": id_tag,
                 "meter_start": meter_start, "started": started, "low_current_vehicle": False}
                for pole_id, connector_id, id_tag, meter_start, started in starts]
        stored = {(pole_id, connector_id, started, id_tag): int(new_id)
                  for new_id, pole_id, connector_id, started, id_tag in connection.execute(
                      self._statement("start_transaction", build), rows)}
        ids = []
        for pole_id, connector_id, id_tag, _, started in starts:
            key = (pole_id, connector_id, started, id_tag)
            if key not in stored:
                existing = connection.execute(_duplicate_start(
                    pole_id, connector_id, id_tag, started)).scalar_one_or_none()
                assert existing is not None, "conflict reported but no transaction found"
                stored[key] = int(existing)
            ids.append(stored[key])
        return ids

    def find_duplicate_start(self, pole_id: str, connector_id: int, id_tag: str,
                             started: datetime) -> int | None:
        """The id of the transaction this StartTransaction repeats, if any."""
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            found = connection.execute(
                _duplicate_start(pole_id, connector_id, id_tag, started)).scalar_one_or_none()
        return None if found is None else int(found)

    def get_transaction(self, transaction_id: int) -> Transaction | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(Transaction, transaction_id)

    def transaction_card(self, transaction_id: int) -> tuple[str, bool] | None:
        """The card (idTag) the transaction was started with and whether it has stopped;
        None for an unknown one. One statement built once, no ORM object: the OCPI session
        pusher reads this for every start and stop to tell a local card's transaction from
        an eMSP's (issue 20: a reconnect storm's backlog is thousands of each)."""
        def build() -> Any:
            table = _table(Transaction)
            return sa.select(table.c.id_tag, table.c.stopped.is_not(None)).where(
                table.c.id == sa.bindparam("transaction_id"))
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            row = connection.execute(self._statement("transaction card", build),
                                     {"transaction_id": transaction_id}).first()
        return None if row is None else (str(row[0]), bool(row[1]))

    def _update_transaction(self, transaction_id: int, where: Any = None,
                            **values: Any) -> bool:
        """`update_transaction_in`, in a database transaction of its own."""
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            return self.update_transaction_in(connection, transaction_id, where, **values)

    def update_transaction_in(self, connection: Connection, transaction_id: int,
                              where: Any = None, **values: Any) -> bool:
        """Change one transaction and, in the same database transaction, the eis 25/30
        tally its verdict counts in (`service.storage.compliance_tally`): the pole is
        locked, the entry before and after the change compared, the difference applied.
        A resent message that changes nothing therefore counts nothing."""
        table = _table(Transaction)
        if where is None and not any(isinstance(value, sa.ClauseElement)
                                     for value in values.values()):
            # Plain values (a low-current flag): the statement built once per set of
            # columns, the values as parameters (issue 20: built per call, construction
            # and cache key were a good part of a backlog's change on the writer's thread).
            names = tuple(values)

            def build() -> Any:
                return sa.update(table).where(
                    table.c.id == sa.bindparam("changed_transaction_id")).values(
                    {name: sa.bindparam(f"new_{name}", type_=table.c[name].type)
                     for name in names})
            parameters = {f"new_{name}": value for name, value in values.items()}
            parameters["changed_transaction_id"] = transaction_id
            return compliance_tally.change_transaction(
                connection, transaction_id,
                self._statement("update transaction " + " ".join(names), build), parameters)
        statement = sa.update(table).where(table.c.id == transaction_id)
        if where is not None:
            statement = statement.where(where)
        return compliance_tally.change_transaction(connection, transaction_id,
                                                   statement.values(**values))

    def overrule_change(self, at: datetime, source: str) -> tuple[Any, dict[str, Any]]:
        """What an overrule changes, and the condition that only the first one counts."""
        return (_table(Transaction).c.overruled_at.is_(None),
                {"overruled_at": at, "overrule_source": source})

    def low_current_values(self, at: datetime | None) -> dict[str, Any]:
        """What a low-current detection changes; the first detection time is kept."""
        table = _table(Transaction)
        values: dict[str, Any] = {"low_current_vehicle": True}
        if at is not None:
            values["low_current_at"] = sa.func.coalesce(table.c.low_current_at,
                                                        sa.bindparam("at", at, UTCDateTime()))
        return values

    def stop_transaction(self, transaction_id: int, meter_stop: int, stopped: datetime,
                         reason: str | None) -> bool:
        """Close the transaction; a resent StopTransaction just writes the same values again.

        ``False`` when the CSMS does not know the id (the pole must still get an answer).
        """
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            [known] = self.stop_transactions_in(connection, [
                (transaction_id, meter_stop, stopped, reason)])
        return known

    def stop_transactions_in(self, connection: Connection, stops: Sequence[Stop]
                             ) -> list[bool]:
        """Many StopTransactions in the caller's database transaction (a writer batch's),
        in a few statements with their tally (`service.storage.stop_batch`); per stop,
        was its transaction known?"""
        def build() -> Any:
            self.compiled_writes.mark_keyed_update(stop_batch.UPDATE, _table(Transaction),
                                                   stop_batch.UPDATE_KEY,
                                                   stop_batch.UPDATE_SETS)
            return stop_batch.UPDATE
        self._statement("stop transactions", build)
        return stop_batch.stop_transactions(connection, self.compiled_writes, stops)

    def mark_overrule(self, transaction_id: int, at: datetime, source: str) -> bool:
        """Record the driver's overrule; only the first one counts (eis 25), later are no-ops.

        ``False`` when the transaction is unknown or was already overruled.
        """
        where, values = self.overrule_change(at, source)
        return self._update_transaction(transaction_id, where, **values)

    def mark_low_current(self, transaction_id: int, at: datetime | None = None) -> bool:
        """Flag a low-current vehicle (eis 30); the first detection time is kept."""
        return self._update_transaction(transaction_id, **self.low_current_values(at))

    def refresh_compliance_tally(self, pole_id: str) -> None:
        """Recount the pole's eis 25/30 tally if its programme start (or registration)
        is not the one the tally counts from, e.g. after the grantor set it (eis 24)."""
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            compliance_tally.refresh_pole(connection, pole_id)

    def rebuild_compliance_tally(self) -> int:
        """Count every pole's eis 25/30 tally afresh from its transactions (what migration
        0024 does; for histories written around this class, e.g. imported or generated)."""
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            return compliance_tally.backfill(connection)

    def transactions(self, pole_id: str, start: datetime, end: datetime) -> list[Transaction]:
        """Transactions that overlap ``[start, end)`` — started before ``end`` and not stopped
        before ``start`` (running ones included) — oldest first. Reports need the overlap, not
        only those started inside the window: a peak can begin mid-transaction.
        """
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(Transaction).where(
                    Transaction.pole_id == pole_id,
                    col(Transaction.started) < end,
                    sa.or_(col(Transaction.stopped).is_(None), col(Transaction.stopped) >= start))
                .order_by(col(Transaction.started), col(Transaction.id))).all())

    def running_transactions(self, pole_id: str | None = None) -> list[Transaction]:
        """The pole's transactions without a stop, oldest first (what its sockets run now);
        without ``pole_id`` every pole's, in one query."""
        query = select(Transaction).where(col(Transaction.stopped).is_(None))
        if pole_id is not None:
            query = query.where(Transaction.pole_id == pole_id)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                query.order_by(col(Transaction.started), col(Transaction.id))).all())

    # -- meter values -----------------------------------------------------------------------

    def add_meter_values(self, rows: Iterable[MeterValue | Mapping[str, Any]]) -> int:
        """Insert many samples in one transaction, as one executemany; returns the count
        given (samples stored before, by their natural key, are skipped: see `MeterValue`).

        Core ``INSERT`` rather than ORM objects: a month of 15-minute samples is ~12k rows and
        the ORM's per-object bookkeeping would dominate.
        """
        writes = self.meter_value_writes(rows)
        if writes:
            self._write(writes)
        return len(writes)

    def meter_value_writes(self, rows: Iterable[MeterValue | Mapping[str, Any]]
                           ) -> list[Write]:
        statement = self._append_statement(MeterValue, skip_repeats=True)
        writes: list[Write] = []
        for row in rows:
            source = row.model_dump() if isinstance(row, MeterValue) else row
            writes.append((statement, {name: source.get(name) for name in _METER_COLUMNS}))
        return writes

    def meter_sample_writes(self, samples: Sequence[MeterSample]) -> list[Write]:
        """One write for many samples given as tuples (`MeterSample`): what a MeterValues
        call stores, without a dict per sample (`TupleRows`); stored once by natural key
        like `meter_value_writes`' rows."""
        if not samples:
            return []
        statement = self._statement("meter samples", lambda: TupleRows(
            self._append_statement(MeterValue, skip_repeats=True), _METER_COLUMNS))
        return [(statement, samples)]

    def meter_values(self, pole_id: str, start: datetime, end: datetime,
                     connector_id: int | None = None) -> list[MeterValue]:
        """Samples with ``start <= timestamp < end``, in time order (then connector, insert)."""
        query = select(MeterValue).where(MeterValue.pole_id == pole_id,
                                         col(MeterValue.timestamp) >= start,
                                         col(MeterValue.timestamp) < end)
        if connector_id is not None:
            query = query.where(MeterValue.connector_id == connector_id)
        query = query.order_by(col(MeterValue.timestamp), col(MeterValue.connector_id),
                               col(MeterValue.id))
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(query).all())

    # -- message log ------------------------------------------------------------------------

    def log_message(self, pole_id: str, direction: str, action: str | None, unique_id: str,
                    payload: Any, *, at: datetime | None = None,
                    latency_ms: float | None = None) -> None:
        """Keep one OCPP message; ``payload`` as JSON text, or any JSON-able value."""
        self._write(self.log_message_writes(pole_id, direction, action, unique_id, payload,
                                            at=at, latency_ms=latency_ms))

    def log_message_writes(self, pole_id: str, direction: str, action: str | None,
                           unique_id: str, payload: Any, *, at: datetime | None = None,
                           latency_ms: float | None = None) -> list[Write]:
        if direction not in ("in", "out"):
            raise ValueError(f"direction must be 'in' or 'out', not {direction!r}")
        text = payload if isinstance(payload, str) else _COMPACT_JSON.encode(payload)
        statement = self._append_statement(MessageLog)
        return [(statement, {"pole_id": pole_id, "time": at or datetime.now(UTC),
                             "direction": direction, "action": action, "unique_id": unique_id,
                             "payload": text, "latency_ms": latency_ms})]

    def message_log(self, pole_id: str, action: str | None = None,
                    since: datetime | None = None, limit: int = 500, *,
                    until: datetime | None = None, oldest_first: bool = False
                    ) -> list[MessageLog]:
        """The newest ``limit`` messages of a pole (optionally one action, from ``since``,
        before ``until``), newest first: what a helpdesk looks at first. A replay reads a
        window from its start instead (``oldest_first``): the first ``limit`` messages.
        """
        query = select(MessageLog).where(MessageLog.pole_id == pole_id)
        if action is not None:
            query = query.where(MessageLog.action == action)
        if since is not None:
            query = query.where(col(MessageLog.time) >= since)
        if until is not None:
            query = query.where(col(MessageLog.time) < until)
        if oldest_first:
            query = query.order_by(col(MessageLog.time), col(MessageLog.id)).limit(limit)
        else:
            query = query.order_by(col(MessageLog.time).desc(),
                                   col(MessageLog.id).desc()).limit(limit)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(query).all())

    def prune_message_log(self, keep_per_pole: int, pole_id: str | None = None) -> int:
        """Delete all but the newest ``keep_per_pole`` messages of ``pole_id``, or of every
        pole; returns the count. A connected pole prunes its own log as it grows, through
        its ``(pole_id, time)`` index: a fleet-wide pass reads the whole table."""
        if keep_per_pole < 0:
            raise ValueError("keep_per_pole must be >= 0")
        table = _table(MessageLog)
        if pole_id is not None:
            older = (sa.select(table.c.id).where(table.c.pole_id == pole_id)
                     .order_by(table.c.time.desc(), table.c.id.desc()).offset(keep_per_pole))
            with storage_errors(self.engine.url), self.engine.begin() as connection:
                doomed_ids = list(connection.execute(older).scalars())
                if doomed_ids:
                    connection.execute(sa.delete(table).where(table.c.id.in_(doomed_ids)))
            return len(doomed_ids)
        ranked = sa.select(
            table.c.id,
            sa.func.row_number().over(partition_by=table.c.pole_id,
                                      order_by=(table.c.time.desc(), table.c.id.desc()))
            .label("rank")).subquery()
        doomed = sa.select(ranked.c.id).where(ranked.c.rank > keep_per_pole)
        with storage_errors(self.engine.url), self._session() as session:
            result = session.execute(sa.delete(table).where(table.c.id.in_(doomed)))
            session.commit()
        return int(getattr(result, "rowcount", 0))

    # -- charging profiles and audit --------------------------------------------------------

    def add_charging_profile(self, pole_id: str, connector_id: int, profile: Mapping[str, Any],
                             deployed_at: datetime) -> int:
        statement, parameters = self.charging_profile_insert(pole_id, connector_id, profile,
                                                             deployed_at)
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            return int(connection.execute(statement, parameters).scalar_one())

    def charging_profile_insert(self, pole_id: str, connector_id: int,
                                profile: Mapping[str, Any], deployed_at: datetime) -> RowWrite:
        """The insert of a deployed profile; it returns the record's id."""
        def build() -> Any:
            table = _table(ChargingProfileRecord)
            return sa.insert(table).returning(table.c.id)
        return (self._statement("charging_profile", build),
                {"pole_id": pole_id, "connector_id": connector_id,
                 "profile": json.dumps(profile), "deployed_at": deployed_at})

    def mark_profile_verified(self, record_id: int, at: datetime) -> None:
        """GetCompositeSchedule confirmed the deployed profile (SPEC "Decisions: Time")."""
        self._write(self.profile_verified_writes(record_id, at))

    def profile_verified_writes(self, record_id: int, at: datetime) -> list[Write]:
        def build() -> Any:
            table = _table(ChargingProfileRecord)
            return (sa.update(table).where(table.c.id == sa.bindparam("v_id"))
                    .values(verified_at=sa.bindparam("v_at", type_=UTCDateTime())))
        return [(self._statement("profile_verified", build), {"v_id": record_id, "v_at": at})]

    def charging_profiles(self, pole_id: str) -> list[ChargingProfileRecord]:
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(ChargingProfileRecord).where(ChargingProfileRecord.pole_id == pole_id)
                .order_by(col(ChargingProfileRecord.deployed_at))).all())

    # -- firmware updates -------------------------------------------------------------------

    FIRMWARE_FINAL = frozenset({"Installed", "InstallationFailed", "DownloadFailed", "NotSent",
                                "InvalidSignature", "InstallVerificationFailed",
                                "InvalidCertificate", "RevokedCertificate", "Rejected"})
    """Statuses after which a further report belongs to a new update."""

    def firmware_requested(self, pole_id: str, location: str, at: datetime) -> int:
        """An update is about to be sent to the pole; returns its id."""
        with storage_errors(self.engine.url), self._session() as session:
            update = FirmwareUpdate(pole_id=pole_id, location=location, requested_at=at,
                                    status="Requested", status_at=at)
            session.add(update)
            session.commit()
            assert update.id is not None
            return update.id

    def firmware_not_sent(self, update_id: int, at: datetime, status: str = "NotSent") -> None:
        """The request never reached the pole (offline, no answer: ``NotSent``), or the
        pole refused it: ``status`` is then its answer (``InvalidCertificate``, …)."""
        with storage_errors(self.engine.url), self._session() as session:
            update = session.get(FirmwareUpdate, update_id)
            if update is not None and update.status == "Requested":
                update.status, update.status_at = status, at
                session.add(update)
                session.commit()

    def firmware_status(self, pole_id: str, status: str, at: datetime) -> None:
        """A FirmwareStatusNotification: the pole's newest unfinished update moves on, or,
        with none, a new one starts (the pole was updated without this service asking).
        ``Idle`` (nothing going on, as answered to a trigger) changes no update.

        The newest update's own status again is the same report resent (its answer was
        lost, issue 20) and changes nothing: a second ``Installed`` does not start a
        second update, nor move the time of the first. A pole's reports come one at a
        time over its one connection, so this read-then-write has no rival writer."""
        if status == "Idle":
            return
        with storage_errors(self.engine.url), self._session() as session:
            newest = session.exec(
                select(FirmwareUpdate).where(FirmwareUpdate.pole_id == pole_id)
                .order_by(col(FirmwareUpdate.id).desc()).limit(1)).first()
            if newest is not None and newest.status == status:
                return
            if newest is None or newest.status in self.FIRMWARE_FINAL:
                newest = FirmwareUpdate(pole_id=pole_id, status=status, status_at=at)
            else:
                newest.status, newest.status_at = status, at
            session.add(newest)
            session.commit()

    def firmware_updates(self, pole_id: str, limit: int = 50) -> list[FirmwareUpdate]:
        """The pole's firmware updates, newest first."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(FirmwareUpdate).where(FirmwareUpdate.pole_id == pole_id)
                .order_by(col(FirmwareUpdate.id).desc()).limit(limit)).all())

    # -- signed firmware packages -----------------------------------------------------------

    def add_firmware_package(self, row: FirmwarePackageRow) -> tuple[FirmwarePackageRow, bool]:
        """Record an accepted package: ``(the stored row, whether it is new)``. An image
        recorded before keeps its first row (also when another process records it at the
        same moment)."""
        with storage_errors(self.engine.url), self._session() as session:
            existing = session.get(FirmwarePackageRow, row.sha256)
            if existing is not None:
                return existing, False
            session.add(row)
            try:
                session.commit()
            except sa.exc.IntegrityError:
                session.rollback()
                existing = session.get(FirmwarePackageRow, row.sha256)
                if existing is None:
                    raise
                return existing, False
            return row, True

    def firmware_package(self, sha256: str) -> FirmwarePackageRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(FirmwarePackageRow, sha256)

    def firmware_packages(self) -> list[FirmwarePackageRow]:
        """Every accepted package, newest upload first."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(FirmwarePackageRow).order_by(col(FirmwarePackageRow.uploaded_at).desc(),
                                                    col(FirmwarePackageRow.sha256))).all())

    # -- firmware rollouts ------------------------------------------------------------------

    def add_rollout(self, rollout: FirmwareRollout, poles: Sequence[tuple[str, str | None]]
                    ) -> FirmwareRollout:
        """A new rollout and its poles (``(pole id, firmware now)``, in sending order), all
        ``pending``, in one transaction."""
        with storage_errors(self.engine.url), self._session() as session:
            session.add(rollout)
            session.flush()
            assert rollout.id is not None
            for position, (pole_id, version) in enumerate(poles):
                session.add(FirmwareRolloutPole(
                    rollout_id=rollout.id, pole_id=pole_id, position=position,
                    state="pending", from_version=version, updated_at=rollout.created_at))
            session.commit()
            return rollout

    def rollouts(self, states: Sequence[str] | None = None) -> list[FirmwareRollout]:
        """Every rollout (or those in ``states``), newest first."""
        query = select(FirmwareRollout)
        if states is not None:
            query = query.where(col(FirmwareRollout.state).in_(list(states)))
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(query.order_by(col(FirmwareRollout.id).desc())).all())

    def rollouts_to_follow(self, open_states: Sequence[str], closed_states: Sequence[str],
                           pole_states: Sequence[str]) -> list[FirmwareRollout]:
        """Rollouts in ``open_states``, and those in ``closed_states`` that still have a
        pole in ``pole_states`` (a cancelled rollout's poles already sent), oldest first."""
        poles = _table(FirmwareRolloutPole)
        still = sa.exists(sa.select(poles.c.pole_id).where(
            poles.c.rollout_id == col(FirmwareRollout.id),
            poles.c.state.in_(list(pole_states))))
        query = select(FirmwareRollout).where(sa.or_(
            col(FirmwareRollout.state).in_(list(open_states)),
            sa.and_(col(FirmwareRollout.state).in_(list(closed_states)), still)))
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(query.order_by(col(FirmwareRollout.id))).all())

    def rollout(self, rollout_id: int) -> FirmwareRollout | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(FirmwareRollout, rollout_id)

    def rollout_poles(self, rollout_id: int) -> list[FirmwareRolloutPole]:
        """The rollout's poles in sending order."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(FirmwareRolloutPole).where(FirmwareRolloutPole.rollout_id == rollout_id)
                .order_by(col(FirmwareRolloutPole.position))).all())

    def set_rollout_state(self, rollout_id: int, state: str, reason: str | None,
                          at: datetime, *, only_from: Sequence[str],
                          failures_acknowledged: int | None = None) -> bool:
        """Move the rollout to ``state`` if it is in one of ``only_from``: did it move?"""
        table = _table(FirmwareRollout)
        values: dict[str, Any] = {"state": state, "reason": reason, "updated_at": at}
        if failures_acknowledged is not None:
            values["failures_acknowledged"] = failures_acknowledged
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            result = connection.execute(
                sa.update(table).where(table.c.id == rollout_id,
                                       table.c.state.in_(list(only_from)))
                .values(**values))
            return bool(result.rowcount)

    def move_rollout_pole(self, rollout_id: int, pole_id: str, state: str, at: datetime, *,
                          only_from: Sequence[str], reason: str | None = None,
                          reported: str | None = None, sent: bool = False) -> bool:
        """Move one pole of a rollout to ``state`` if it is in one of ``only_from`` (a
        compare-and-set, so a status report and the runner never overwrite each other's
        newer state): did it move? ``reported``, if given, is kept as the pole's last
        status; ``sent`` stamps the send time."""
        table = _table(FirmwareRolloutPole)
        values: dict[str, Any] = {"state": state, "reason": reason, "updated_at": at}
        if reported is not None:
            values["reported"] = reported
        if sent:
            values["sent_at"] = at
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            result = connection.execute(
                sa.update(table).where(table.c.rollout_id == rollout_id,
                                       table.c.pole_id == pole_id,
                                       table.c.state.in_(list(only_from)))
                .values(**values))
            return bool(result.rowcount)

    def poles_in_open_rollouts(self, rollout_states: Sequence[str],
                               pole_states: Sequence[str]) -> set[str]:
        """Poles in ``pole_states`` of a rollout in ``rollout_states``."""
        poles, rollouts = _table(FirmwareRolloutPole), _table(FirmwareRollout)
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return set(connection.execute(
                sa.select(poles.c.pole_id).join(rollouts, rollouts.c.id == poles.c.rollout_id)
                .where(rollouts.c.state.in_(list(rollout_states)),
                       poles.c.state.in_(list(pole_states)))).scalars())

    def pole_in_rollouts(self, pole_id: str, states: Sequence[str]
                         ) -> list[tuple[FirmwareRolloutPole, FirmwareRollout]]:
        """The pole's entries in ``states`` with their rollouts (normally one).

        Asked at every boot, where nearly always the answer is none: a one-row Core read
        (a statement built once) says so before any ORM session is opened (issue 20)."""
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            if connection.execute(_boot_reads().in_rollout,
                                  {"pole_id": pole_id, "states": list(states)}
                                  ).first() is None:
                return []
        return self.rollout_entries(pole_id, states)

    def rollout_entries(self, pole_id: str, states: Sequence[str]
                        ) -> list[tuple[FirmwareRolloutPole, FirmwareRollout]]:
        """`pole_in_rollouts` without its first check (the caller knows there are some)."""
        with storage_errors(self.engine.url), self._session() as session:
            rows = session.exec(
                select(FirmwareRolloutPole, FirmwareRollout)
                .join(FirmwareRollout,
                      col(FirmwareRollout.id) == col(FirmwareRolloutPole.rollout_id))
                .where(FirmwareRolloutPole.pole_id == pole_id,
                       col(FirmwareRolloutPole.state).in_(list(states)))).all()
            return [(entry, rollout) for entry, rollout in rows]

    # -- commissioning reports (issue 15) ---------------------------------------------------

    def add_technician_key(self, row: TechnicianKeyRow) -> tuple[TechnicianKeyRow, bool]:
        """Register a technician's public key: ``(the stored row, whether it is new)``.
        A key registered before keeps its first registration time."""
        return self._add_once(row, TechnicianKeyRow, (row.technician, row.public_key))

    def technician_keys(self, technician: str) -> list[TechnicianKeyRow]:
        """Every key registered for ``technician``, oldest first (all still verify)."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(TechnicianKeyRow).where(TechnicianKeyRow.technician == technician)
                .order_by(col(TechnicianKeyRow.registered_at),
                          col(TechnicianKeyRow.public_key))).all())

    def key_holders(self, public_key: str) -> list[str]:
        """The technicians ``public_key`` is registered for (normally at most one)."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(TechnicianKeyRow.technician)
                .where(TechnicianKeyRow.public_key == public_key)).all())

    def add_commissioning_report(self, row: CommissioningReportRow
                                 ) -> tuple[CommissioningReportRow, bool]:
        """Store a verified report: ``(the stored row, whether it is new)``; a run stored
        before keeps its first report (the caller compares the two)."""
        return self._add_once(row, CommissioningReportRow, row.run_id)

    def commissioning_reports(self, pole_id: str) -> list[CommissioningReportRow]:
        """The pole's reports, newest run first, without the report and PDF bodies."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(CommissioningReportRow)
                .options(defer(CommissioningReportRow.report),  # type: ignore[arg-type]
                         defer(CommissioningReportRow.pdf))  # type: ignore[arg-type]
                .where(CommissioningReportRow.pole_id == pole_id)
                .order_by(col(CommissioningReportRow.finished).desc(),
                          col(CommissioningReportRow.run_id))).all())

    def commissioning_report(self, run_id: str) -> CommissioningReportRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(CommissioningReportRow, run_id)

    def _add_once(self, row: _Row, model: type[_Row], key: Any) -> tuple[_Row, bool]:
        """Insert ``row`` unless a row with its primary key exists (also when another
        process inserts it at the same moment): ``(the stored row, whether it is new)``."""
        with storage_errors(self.engine.url), self._session() as session:
            existing = session.get(model, key)
            if existing is not None:
                return existing, False
            session.add(row)
            try:
                session.commit()
            except sa.exc.IntegrityError:
                session.rollback()
                existing = session.get(model, key)
                if existing is None:
                    raise
                return existing, False
            return row, True
    # -- security events --------------------------------------------------------------------

    def add_security_event(self, event: SecurityEvent) -> SecurityEvent:
        """Store one event a pole reported (before the pole gets its answer); the stored
        row. An event stored before (same pole, time, type and techInfo: the pole resent
        it after a lost answer, issue 20) is not stored again: its first row comes back."""
        table = _table(SecurityEvent)
        values = {"pole_id": event.pole_id, "type": event.type, "tech_info": event.tech_info,
                  "timestamp": event.timestamp, "received_at": event.received_at}
        statement = (self._insert(SecurityEvent).values(**values).on_conflict_do_nothing()
                     .returning(table.c.id))
        with storage_errors(self.engine.url), self._session() as session:
            new_id = session.execute(statement).scalar_one_or_none()
            session.commit()
            if new_id is None:
                stored = session.exec(select(SecurityEvent).where(
                    SecurityEvent.pole_id == event.pole_id,
                    col(SecurityEvent.timestamp) == event.timestamp,
                    SecurityEvent.type == event.type,
                    sa.func.coalesce(col(SecurityEvent.tech_info), "")
                    == (event.tech_info or ""))).first()
            else:
                stored = session.get(SecurityEvent, new_id)
        assert stored is not None, "conflict reported but no security event found"
        return stored

    def security_events(self, pole_id: str | None = None, *, since: datetime | None = None,
                        limit: int = 100) -> list[SecurityEvent]:
        """Events of one pole (or the fleet), received at or after ``since``, newest
        received first, at most ``limit``."""
        query = select(SecurityEvent)
        if pole_id is not None:
            query = query.where(SecurityEvent.pole_id == pole_id)
        if since is not None:
            query = query.where(col(SecurityEvent.received_at) >= since)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                query.order_by(col(SecurityEvent.id).desc()).limit(limit)).all())

    def audit(self, actor: str, action: str, detail: str = "",
              at: datetime | None = None, *, role: str = "", pole_id: str | None = None,
              result: str = "") -> int:
        """Append one entry to the hash-chained audit trail (`audit_chain`); its id."""
        entry = audit_entry(actor, action, detail, at, role=role, pole_id=pole_id,
                            result=result)
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            return audit_chain.append(connection, entry)

    def audits_in(self, connection: Connection, entries: Sequence[Mapping[str, Any]]
                  ) -> list[int]:
        """Many audit entries (`audit_entry`) in the caller's database transaction (a writer
        batch's), chained in order; their ids."""
        return audit_chain.append_many(connection, entries)

    def audit_entries(self, *, since: datetime | None = None, until: datetime | None = None,
                      actor: str | None = None, pole_id: str | None = None,
                      action: str | None = None, limit: int = 1000,
                      offset: int = 0) -> list[AuditLog]:
        """Audit entries oldest first; ``action`` matches a part of the action."""
        query = select(AuditLog)
        if since is not None:
            query = query.where(col(AuditLog.time) >= since)
        if until is not None:
            query = query.where(col(AuditLog.time) < until)
        if actor is not None:
            query = query.where(AuditLog.actor == actor)
        if pole_id is not None:
            query = query.where(AuditLog.pole_id == pole_id)
        if action is not None:
            query = query.where(col(AuditLog.action).contains(action, autoescape=True))
        query = query.order_by(col(AuditLog.id)).offset(offset).limit(limit)
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(query).all())

    def verify_audit(self) -> list[audit_chain.ChainProblem]:
        """Every break in the audit chain (empty: intact)."""
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return audit_chain.verify(connection)


def execute_grouped(connection: Connection, writes: Iterable[Write],
                    compiled: CompiledWrites) -> None:
    """Execute writes with one ``executemany`` per statement, in order of first appearance.

    Writes of one statement keep their order; writes of different statements are
    independent rows (a log line, a status event, a connector's state), so running one
    statement's rows before another's changes nothing.
    """
    groups: dict[int, tuple[Any, list[Any]]] = {}
    for statement, parameters in writes:
        group = groups.get(id(statement))
        if group is None:
            groups[id(statement)] = (statement, [parameters])
        else:
            group[1].append(parameters)
    for statement, rows in groups.values():
        compiled.execute(connection, statement, rows)


class BatchWriter:
    """Group commit: the writes of every caller waiting at the same moment, in one transaction.

    One writer thread takes everything queued, executes it (`execute_grouped`) and commits
    once; each caller's future resolves only after that commit, so "stored before
    acknowledged" still holds, at the cost of one transaction per batch instead of per
    message. A failed batch is retried one caller at a time, so one bad write fails only
    its own caller. The thread stops after `IDLE_S` without work and restarts on demand.

    A write whose statement returns something (an ``INSERT … RETURNING id``) goes in with
    `submit_returning`; it runs on its own, after the batch's grouped writes, and its future
    gets the single value returned. Work that must read before it writes (an overrule or a
    low-current report with its compliance tally) goes in with `submit_work`, run the same
    way. Work of which a batch may hold hundreds (a storm's StartTransactions, and its
    StopTransactions with their tally) goes in with `submit_grouped`: one call for all of
    them, in a few statements instead of one or several each — every statement run gives
    up the GIL.
    Keeping every write of the OCPP side on this one thread matters on SQLite: a writer on
    another thread waits for the database's write lock in sleeps of up to 100 ms while this
    thread takes it again and again (issue 20: a reconnect storm's Starts and Stops waited
    up to a minute, and with them the card look-ups queued behind them on the thread pool).
    """

    IDLE_S = 2.0
    MAX_CALLERS = 1000
    """Callers per batch at most. A reconnect storm's first second queues thousands of boots
    at once (5,089 callers took 2.3 s in one batch, issue 20); in batches of this size the
    first are answered, and send their next call, while the rest are still being stored."""

    def __init__(self, engine: Engine, compiled: CompiledWrites) -> None:
        self.engine = engine
        self.compiled = compiled
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: collections.deque[_Queued] = collections.deque()
        """Appended by the event loop without a lock (deque appends are atomic), so a busy
        writer costs the loop nothing; the lock is only taken to wake or start the writer."""
        self._running = False
        self._idle = False
        """The writer found (or is about to find) nothing to do and may be waiting."""
        self.batches = 0
        """Transactions committed (for tests and benchmarks)."""
        self.times = WriterTimes()
        """Per batch: how long its oldest caller waited, executing, committing."""

    def submit(self, writes: list[Write]) -> asyncio.Future[Any]:
        """Queue ``writes``; the future is done (``None``) once they are committed."""
        return self._enqueue(writes, None)

    def submit_returning(self, write: RowWrite) -> asyncio.Future[Any]:
        """Queue one returning write; the future gets its value once it is committed."""
        statement, parameters = write

        def returning(connection: Connection) -> Any:
            return connection.execute(statement, parameters).scalar_one()
        return self._enqueue([], returning)

    def submit_work(self, work: Callable[[Connection], R]) -> asyncio.Future[R]:
        """Queue ``work`` (reads and writes on the batch's connection, e.g.
        `Repository.update_transaction_in`); the future gets what it returns once the batch
        is committed. An exception fails only this caller (the batch is retried without it).
        """
        return self._enqueue([], work)

    def submit_grouped(self, group: Callable[[Connection, list[A]], list[R]], argument: A
                       ) -> asyncio.Future[R]:
        """Queue ``argument`` for ``group`` (e.g. `Repository.stop_transactions_in`): the
        batch calls ``group`` once, after its other work, with the arguments of all its
        callers that gave the same ``group``, which returns one result for each, in order.
        ``group`` must give what calling it for each argument alone, one after the other,
        would; as other work, an exception fails only this caller."""
        return self._enqueue([], _Member(group, argument))

    def _enqueue(self, writes: list[Write], work: Callable[[Connection], Any] | None
                 ) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.append((writes, work, future, loop, time.perf_counter()))
        # Read after the append: a writer that saw an empty queue has set _idle first.
        if self._idle or not self._running:
            with self._lock:
                if self._running:
                    self._wake.notify()
                else:
                    self._running = True
                    threading.Thread(target=profiled(self._run), name="storage writer",
                                     daemon=True).start()
        return future

    def _run(self) -> None:
        while True:
            if not self._queue:
                with self._lock:
                    self._idle = True  # before looking: see `_enqueue`
                    if not self._queue:
                        self._wake.wait(self.IDLE_S)
                    if not self._queue:
                        self._running = False
                        self._idle = False
                        return
                    self._idle = False
            batch = [self._queue.popleft()
                     for _ in range(min(len(self._queue), self.MAX_CALLERS))]
            outcomes = self._commit(batch)
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], _Outcome]]]
            by_loop = {}
            for (_, _, future, loop, _), outcome in zip(batch, outcomes, strict=True):
                by_loop.setdefault(loop, []).append((future, outcome))
            for loop, results in by_loop.items():
                with contextlib.suppress(RuntimeError):  # loop closed: nobody waits any more
                    loop.call_soon_threadsafe(_resolve, results)

    def _commit(self, batch: list[_Queued]) -> list[_Outcome]:
        try:
            values: list[Any] = []
            started, started_cpu = time.perf_counter(), time.thread_time()
            started_at = time.time()
            with storage_errors(self.engine.url), self.engine.connect() as connection:
                with connection.begin():
                    writes = [write for item in batch for write in item[0]]
                    execute_grouped(connection, writes, self.compiled)
                    values = _run_work(connection, batch)
                    executed, executed_cpu = time.perf_counter(), time.thread_time()
                committed = time.perf_counter()
            self.batches += 1
            self.times.add(BatchTime(started - batch[0][4], executed - started,
                                     committed - executed, len(batch),
                                     executed_cpu - started_cpu, started_at, len(writes),
                                     sum(1 for item in batch if item[1] is not None)))
            return [(None, value) for value in values]
        except Exception as error:
            if len(batch) == 1:
                return [(error, None)]
        return [self._commit([item])[0] for item in batch]


class _Member:
    """One caller's part of grouped work (`BatchWriter.submit_grouped`)."""

    __slots__ = ("argument", "group")

    def __init__(self, group: Callable[[Connection, list[Any]], list[Any]],
                 argument: Any) -> None:
        self.group, self.argument = group, argument

    def __call__(self, connection: Connection) -> Any:
        """Alone (a batch retried one caller at a time)."""
        [value] = self.group(connection, [self.argument])
        return value


def _run_work(connection: Connection, batch: list[_Queued]) -> list[Any]:
    """Each caller's work in order, then each group's members in one call (per caller:
    what it returned, None for plain writes)."""
    values: list[Any] = []
    groups: dict[Callable[[Connection, list[Any]], list[Any]],
                 tuple[list[int], list[Any]]] = {}
    for index, (_, work, _, _, _) in enumerate(batch):
        if isinstance(work, _Member):
            indices, arguments = groups.setdefault(work.group, ([], []))
            indices.append(index)
            arguments.append(work.argument)
            values.append(None)
        else:
            values.append(None if work is None else work(connection))
    for group, (indices, arguments) in groups.items():
        for index, result in zip(indices, group(connection, arguments), strict=True):
            values[index] = result
    return values


_Queued = tuple[list[Write], Callable[[Connection], Any] | None, "asyncio.Future[Any]",
                asyncio.AbstractEventLoop, float]
"""Writes, work, the caller's future and loop, when it was submitted (`time.perf_counter`)."""
_Outcome = tuple[BaseException | None, Any]


def _resolve(results: list[tuple[asyncio.Future[Any], _Outcome]]) -> None:
    for future, (error, value) in results:
        if future.done():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)


def _in_rollouts(repository: Repository
                 ) -> Callable[[list[tuple[str, tuple[str, ...]]]],
                               dict[tuple[str, tuple[str, ...]], bool]]:
    """`Repository.poles_in_rollouts` for keys of (pole, states): one query per set of
    states asked (the rollout runner always asks the same one)."""
    def fetch(keys: list[tuple[str, tuple[str, ...]]]
              ) -> dict[tuple[str, tuple[str, ...]], bool]:
        by_states: dict[tuple[str, ...], list[str]] = {}
        for pole_id, states in keys:
            by_states.setdefault(states, []).append(pole_id)
        found: dict[tuple[str, tuple[str, ...]], bool] = {}
        for states, pole_ids in by_states.items():
            for pole_id in repository.poles_in_rollouts(pole_ids, states):
                found[(pole_id, states)] = True
        return found
    return fetch


def _threaded(method: Callable[Concatenate[Repository, P], R]
              ) -> Callable[Concatenate[AsyncRepository, P], Coroutine[Any, Any, R]]:
    """The same method, run in a worker thread so the event loop keeps serving poles."""

    async def call(self: AsyncRepository, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(method, self.sync, *args, **kwargs)

    call.__name__ = method.__name__
    call.__qualname__ = f"AsyncRepository.{method.__name__}"
    call.__doc__ = method.__doc__
    return call


class AsyncRepository:
    """:class:`Repository` for the event loop: same methods, awaitable."""

    def __init__(self, repository: Repository) -> None:
        self.sync = repository
        self.writer = BatchWriter(repository.engine, repository.compiled_writes)
        self._starts = repository.start_transactions_in
        self._stops = repository.stop_transactions_in
        self._audits = repository.audits_in
        """One object each for all starts, all stops, all audit entries: the writer
        groups by it."""
        self._known: set[str] | None = None
        self._loading: asyncio.Future[set[str]] | None = None
        self.registered: BatchedReads[str, bool] = BatchedReads(
            lambda ids: dict.fromkeys(repository.existing_poles(ids), True), False)
        """Is a pole not known here yet registered? Many boots' asks, one query."""
        self.in_rollouts: BatchedReads[tuple[str, tuple[str, ...]], bool] = BatchedReads(
            _in_rollouts(repository), False)
        """Does a booting pole have a rollout entry in these states? One query a storm."""

    # The frequent writes of connected poles go through the group-committing writer.
    async def pole_seen(self, pole_id: str, at: datetime, *, connected: bool) -> None:
        await self.writer.submit(self.sync.pole_seen_writes(pole_id, at, connected=connected))

    async def record_status(self, pole_id: str, connector_id: int, status: str,
                            error_code: str, at: datetime, *,
                            stamped_on_arrival: bool = False) -> None:
        await self.writer.submit(self.sync.record_status_writes(
            pole_id, connector_id, status, error_code, at,
            stamped_on_arrival=stamped_on_arrival))

    async def add_meter_values(self, rows: Iterable[MeterValue | Mapping[str, Any]]) -> int:
        writes = self.sync.meter_value_writes(rows)
        if writes:
            await self.writer.submit(writes)
        return len(writes)

    async def add_meter_samples(self, samples: Sequence[MeterSample]) -> None:
        """`Repository.meter_sample_writes`, committed with the writer's next batch."""
        writes = self.sync.meter_sample_writes(samples)
        if writes:
            await self.writer.submit(writes)

    def log_message(self, pole_id: str, direction: str, action: str | None,
                    unique_id: str, payload: Any, *, at: datetime | None = None,
                    latency_ms: float | None = None) -> asyncio.Future[Any]:
        """The row queued in the group commit; the future is done once it is stored. A
        future, not a coroutine: two rows per OCPP exchange, and a task each was 5 % of a
        reconnect storm's CPU (issue 20)."""
        return self.writer.submit(self.sync.log_message_writes(
            pole_id, direction, action, unique_id, payload, at=at, latency_ms=latency_ms))

    # The boot path: poles (re)connect by the thousand after an outage.
    async def pole_booted(self, pole_id: str, *, vendor: str, model: str, serial: str | None,
                          firmware: str | None, auto_registered: bool, at: datetime) -> None:
        """`Repository.pole_boot_writes`, committed: details, contact and session."""
        await self.writer.submit(self.sync.pole_boot_writes(
            pole_id, vendor=vendor, model=model, serial=serial, firmware=firmware,
            auto_registered=auto_registered, at=at))
        if self._known is not None:
            self._known.add(pole_id)

    async def pole_known(self, pole_id: str) -> bool:
        """Is the pole registered? Known ids are kept in memory (loaded at first use, added
        on every registration through this repository); poles are never deleted, so only an
        id not seen yet needs the database (another process may have registered it).
        """
        if self._known is None:
            if self._loading is None:
                self._loading = asyncio.ensure_future(asyncio.to_thread(self.sync.pole_ids))
            try:
                known = await asyncio.shield(self._loading)
            except Exception:
                self._loading = None
                raise
            if self._known is None:
                self._known = known
        if pole_id in self._known:
            return True
        if await self.registered.get(pole_id):
            self._known.add(pole_id)
            return True
        return False

    upsert_pole = _threaded(Repository.upsert_pole)

    async def session_began(self, pole_id: str, at: datetime) -> None:
        await self.writer.submit(self.sync.session_began_writes(pole_id, at))

    async def session_ended(self, pole_id: str, at: datetime, reason: str | None = None
                            ) -> None:
        await self.writer.submit(self.sync.session_ended_writes(pole_id, at, reason))

    async def add_charging_profile(self, pole_id: str, connector_id: int,
                                   profile: Mapping[str, Any], deployed_at: datetime) -> int:
        return int(await self.writer.submit_returning(self.sync.charging_profile_insert(
            pole_id, connector_id, profile, deployed_at)))

    async def mark_profile_verified(self, record_id: int, at: datetime) -> None:
        await self.writer.submit(self.sync.profile_verified_writes(record_id, at))

    async def pole_clock(self, pole_id: str, offset_s: float, at: datetime) -> None:
        await self.writer.submit(self.sync.pole_clock_writes(pole_id, offset_s, at))

    # Transactions too: read-then-write work in the writer's batch (`BatchWriter.submit_work`).
    async def start_transaction(self, pole_id: str, connector_id: int, id_tag: str,
                                meter_start: int, started: datetime) -> int:
        """`Repository.start_transaction`, committed with the writer's next batch, together
        with the batch's other starts (`Repository.start_transactions_in`)."""
        return await self.writer.submit_grouped(self._starts, (pole_id, connector_id, id_tag,
                                                               meter_start, started))

    async def stop_transaction(self, transaction_id: int, meter_stop: int, stopped: datetime,
                               reason: str | None) -> bool:
        """`Repository.stop_transaction`, committed with the writer's next batch, together
        with the batch's other stops (`Repository.stop_transactions_in`)."""
        return await self.writer.submit_grouped(self._stops, (transaction_id, meter_stop,
                                                              stopped, reason))

    async def mark_overrule(self, transaction_id: int, at: datetime, source: str) -> bool:
        """`Repository.mark_overrule`, committed with the writer's next batch."""
        where, values = self.sync.overrule_change(at, source)
        return await self._update_transaction(transaction_id, where, values)

    async def mark_low_current(self, transaction_id: int, at: datetime | None = None
                               ) -> bool:
        """`Repository.mark_low_current`, committed with the writer's next batch."""
        return await self._update_transaction(transaction_id, None,
                                              self.sync.low_current_values(at))

    async def _update_transaction(self, transaction_id: int, where: Any,
                                  values: dict[str, Any]) -> bool:
        sync = self.sync
        return await self.writer.submit_work(lambda connection: sync.update_transaction_in(
            connection, transaction_id, where, **values))

    get_pole = _threaded(Repository.get_pole)
    list_poles = _threaded(Repository.list_poles)
    connectors = _threaded(Repository.connectors)
    status_events = _threaded(Repository.status_events)
    status_history = _threaded(Repository.status_history)
    close_dangling_sessions = _threaded(Repository.close_dangling_sessions)
    connection_sessions = _threaded(Repository.connection_sessions)
    find_duplicate_start = _threaded(Repository.find_duplicate_start)
    get_transaction = _threaded(Repository.get_transaction)
    transactions = _threaded(Repository.transactions)
    running_transactions = _threaded(Repository.running_transactions)
    meter_values = _threaded(Repository.meter_values)
    message_log = _threaded(Repository.message_log)
    prune_message_log = _threaded(Repository.prune_message_log)
    charging_profiles = _threaded(Repository.charging_profiles)
    audit_entries = _threaded(Repository.audit_entries)
    verify_audit = _threaded(Repository.verify_audit)

    async def audit(self, actor: str, action: str, detail: str = "",
                    at: datetime | None = None, *, role: str = "",
                    pole_id: str | None = None, result: str = "") -> int:
        """`Repository.audit`, committed with the storage writer's next batch and chained
        together with that batch's other entries (`Repository.audits_in`: a storm's
        deployments wrote one transaction each, issue 20). An entry a route writes as
        "api" names the operator calling
        it (`service.accounts.principal.CURRENT`). Written by a route during an API write,
        it goes into that request's one entry (`service.accounts.request_entry`), which the
        audit middleware writes: then 0 is returned, as there is no id yet."""
        entry = REQUEST_ENTRY.get()
        if entry is not None and entry.take(actor, action, detail, pole_id):
            return 0
        caller = CURRENT.get()
        if caller is not None and actor == "api":
            actor, role = caller.name, role or caller.role.value
        entry_id: int = await self.writer.submit_grouped(self._audits, audit_entry(
            actor, action, detail, at, role=role, pole_id=pole_id, result=result))
        return entry_id
    firmware_requested = _threaded(Repository.firmware_requested)
    firmware_not_sent = _threaded(Repository.firmware_not_sent)
    firmware_status = _threaded(Repository.firmware_status)
    firmware_updates = _threaded(Repository.firmware_updates)
    add_firmware_package = _threaded(Repository.add_firmware_package)
    firmware_package = _threaded(Repository.firmware_package)
    firmware_packages = _threaded(Repository.firmware_packages)
    add_rollout = _threaded(Repository.add_rollout)
    rollouts = _threaded(Repository.rollouts)
    rollout = _threaded(Repository.rollout)
    rollouts_to_follow = _threaded(Repository.rollouts_to_follow)
    rollout_poles = _threaded(Repository.rollout_poles)
    set_rollout_state = _threaded(Repository.set_rollout_state)
    move_rollout_pole = _threaded(Repository.move_rollout_pole)

    async def pole_in_rollouts(self, pole_id: str, states: Sequence[str]
                               ) -> list[tuple[FirmwareRolloutPole, FirmwareRollout]]:
        """`Repository.pole_in_rollouts`, its first check read with the other boots' asks
        (`in_rollouts`): asked at every boot, nearly always answered none."""
        if not await self.in_rollouts.get((pole_id, tuple(states))):
            return []
        return await asyncio.to_thread(self.sync.rollout_entries, pole_id, states)

    poles_in_open_rollouts = _threaded(Repository.poles_in_open_rollouts)
    add_technician_key = _threaded(Repository.add_technician_key)
    technician_keys = _threaded(Repository.technician_keys)
    key_holders = _threaded(Repository.key_holders)
    add_commissioning_report = _threaded(Repository.add_commissioning_report)
    commissioning_reports = _threaded(Repository.commissioning_reports)
    commissioning_report = _threaded(Repository.commissioning_report)
    add_security_event = _threaded(Repository.add_security_event)
    security_events = _threaded(Repository.security_events)


__all__: Sequence[str] = ("AsyncRepository", "Repository")
