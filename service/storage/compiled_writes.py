"""Frequent writes compiled once and handed to the database driver as plain rows.

Every OCPP call stores a few rows (its message log lines, a status event, meter samples).
Through ``connection.execute(statement, rows)`` SQLAlchemy re-derives, for every batch,
what the statement needs and builds every row's parameters through its generic machinery;
under load that cost as much interpreter time as the driver's own work, on the same lock
as the event loop. Here a statement is compiled once per set of parameter names, its
parameter processors (e.g. `UTCDateTime` → the dialect's timestamp form) are looked up
once, and each batch goes to the driver's ``executemany`` as tuples (positional drivers
such as sqlite3) or dicts (psycopg).

Only what this can reproduce exactly takes the short path: a statement with Python-side
defaults, ``RETURNING``, or expanding ``IN`` parameters goes through SQLAlchemy as before.

On PostgreSQL, the plain inserts of tables that only grow (`mark_append`: message log,
meter samples, status events) go in with ``COPY … FROM STDIN`` instead: one command per
batch rather than one statement per row, which halves the database's own work for them.

A table whose rows a pole may resend (meter samples, status events: issue 20) has a unique
natural key, and its insert is ``INSERT … ON CONFLICT DO NOTHING``, which ``COPY`` cannot
do. There the batch is COPYed into a temporary staging table of the connection and moved
with one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (`StagedCopyStatement`): measured
here at 70 rows a batch, 1.3 ms against 1.0 ms for the plain COPY, 2.0 ms for ``unnest``
arrays and 2.6 ms for ``executemany`` (700 rows: 12.7, 8.2, 18.3, 30.0 ms). On SQLite the
same ``INSERT … ON CONFLICT DO NOTHING`` (and the plain appends) go in as multi-row
``INSERT … VALUES`` statements (`MultiRowStatement`).
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from service.storage.models import UTCDateTime

Processor = Callable[[Any], Any] | None


class DriverStatement:
    """One statement compiled for a dialect and a fixed set of parameter names."""

    def __init__(self, statement: Any, keys: Sequence[str], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
        if compiled.prefetch or compiled.effective_returning or any(
                bind.expanding for bind in compiled.binds.values()):
            raise ValueError("statement needs SQLAlchemy at execution time")
        self.sql: str = compiled.string
        self.positional: bool = bool(compiled.positional)
        names = list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        escaped = compiled.escaped_bind_names or {}
        self.fields: list[_Field] = []
        """In SQL order."""
        for name in names:
            bind = compiled.binds[name]
            constant = _FROM_ROW if bind.key in keys else bind.effective_value
            if constant is None and bind.required:
                raise ValueError(f"parameter {bind.key!r} has no value")
            self.fields.append((bind.key, escaped.get(name, name), constant,
                                 _processor(bind.type, dialect)))
        self._build = _row_builder(self.fields, by_name=not self.positional)

    def rows(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The driver's parameters for ``rows``: tuples in SQL order, or dicts by SQL name."""
        build = self._build
        return [build(row) for row in rows]

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        connection.exec_driver_sql(self.sql, self.rows(rows))


class CopyStatement:
    """An append's rows as psycopg's ``COPY … FROM STDIN``, in the connection's
    transaction, values bound as by SQLAlchemy (e.g. `UTCDateTime` checks and converts)."""

    def __init__(self, table: sa.Table, keys: Sequence[str], dialect: Dialect, *,
                 from_tuples: bool = False) -> None:
        quote = dialect.identifier_preparer.quote
        self.command = (f"COPY {quote(table.name)} ({', '.join(quote(key) for key in keys)}) "
                        "FROM STDIN")
        self._fields: list[_Field] = [(key, key, _FROM_ROW, _processor(table.c[key].type,
                                                                       dialect))
                                      for key in keys]
        self._build = _row_builder(self._fields, by_name=False, from_tuples=from_tuples)

    def execute(self, connection: Connection, rows: Sequence[Any]) -> None:
        driver_connection: Any = connection.connection.driver_connection
        build = self._build
        with driver_connection.cursor() as cursor, cursor.copy(self.command) as copy:
            for row in rows:
                copy.write_row(build(row))


class StagedCopyStatement:
    """An append that skips rows already stored (``ON CONFLICT DO NOTHING``), still loaded
    with ``COPY``: into a temporary table of the connection, then moved in one statement
    that also empties it. The table is made by the connection's first batch; ``IF NOT
    EXISTS`` every time, so one whose creation was rolled back is simply made again.

    The move's ``DELETE`` only marks the staged rows dead, and nothing vacuums a temporary
    table: it kept every row the connection ever staged (a pooled connection lives as long
    as the service), and each move scanned all of them, from disk once past
    ``temp_buffers`` (8 MB). `benchmarks/staged_copy.py`, 1,200 batches of 240 samples on
    one connection: PostgreSQL's CPU per sample rose from 11–15 to 36–40 µs as the table
    grew to 36 MB (issue 20). So the table is truncated once `TRUNCATE_AFTER_ROWS` have
    passed through it on its connection (the count is kept with the pooled connection):
    about 12 µs a sample throughout. Truncating at every commit instead (``ON COMMIT
    DELETE ROWS``) costs about 0.15 ms a commit, a third more for a batch of a few
    samples, which is what a fleet's steady traffic commits."""

    TRUNCATE_AFTER_ROWS = 4_000
    """About 500 KB of meter samples: each move scans at most that, well within
    ``temp_buffers``, and a truncation (a new file for the table) is rare."""

    def __init__(self, table: sa.Table, keys: Sequence[str], dialect: Dialect, *,
                 from_tuples: bool = False) -> None:
        quote = dialect.identifier_preparer.quote
        stage = quote(f"paalwerk_stage_{table.name}")
        columns = ", ".join(quote(key) for key in keys)
        self.create = (f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} AS "
                       f"SELECT {columns} FROM {quote(table.name)} WITH NO DATA")
        self.copy = CopyStatement(table, keys, dialect, from_tuples=from_tuples)
        self.copy.command = f"COPY {stage} ({columns}) FROM STDIN"
        self.move = (f"WITH staged AS (DELETE FROM {stage} RETURNING {columns}) "
                     f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM staged "
                     "ON CONFLICT DO NOTHING")
        self.truncate = f"TRUNCATE {stage}"
        self._passed_key = f"paalwerk rows through {stage}"

    def execute(self, connection: Connection, rows: Sequence[Any]) -> None:
        driver_connection: Any = connection.connection.driver_connection
        with driver_connection.cursor() as cursor:
            cursor.execute(self.create)
        self.copy.execute(connection, rows)
        info = connection.connection.info
        passed = info.get(self._passed_key, 0) + len(rows)
        with driver_connection.cursor() as cursor:
            cursor.execute(self.move)
            if passed >= self.TRUNCATE_AFTER_ROWS:
                cursor.execute(self.truncate)
                passed = 0
        info[self._passed_key] = passed


class MultiRowStatement:
    """An insert's rows as SQLite ``INSERT … VALUES (…), (…), …``, up to
    `ROWS_PER_STATEMENT` rows a statement: an append (with ``ON CONFLICT DO NOTHING``
    where repeats are skipped, `append`), or an upsert (``ON CONFLICT … DO UPDATE``, e.g.
    a boot's pole, a status's connector: `from_driver`).

    sqlite3's ``executemany`` steps the statement once per row and lets go of the GIL around
    every step; while the event loop's thread is busy, each step then waits for the GIL to
    come back (up to the 5 ms switch interval). In a reconnect storm (issue 20) the writer
    thread spent 53 s executing half a million rows that way, longer than the whole flush. One
    statement per few hundred rows gives the GIL up once for all of them, and the database
    parses and plans the insert once. Same effect as ``executemany``: SQLite inserts a
    statement's rows one after the other, so a row whose key is stored already, also
    earlier in the same statement, is skipped or updated just as a later ``executemany``
    row would be. (PostgreSQL refuses to update one row twice in a statement: there the
    upserts stay with psycopg's ``executemany``.)"""

    ROWS_PER_STATEMENT = 400

    def __init__(self, head: str, row: str, tail: str, fields: Sequence[_Field], *,
                 from_tuples: bool = False) -> None:
        self._head, self._row, self._tail = head, row, tail
        self._sql: dict[int, str] = {}
        self._build = _row_builder(fields, by_name=False, from_tuples=from_tuples)

    @classmethod
    def append(cls, table: sa.Table, keys: Sequence[str], dialect: Dialect,
               skip_repeats: bool, *, from_tuples: bool = False) -> MultiRowStatement:
        """The plain insert of ``keys`` into ``table`` (rows as tuples in ``keys`` order
        with ``from_tuples``)."""
        if any(column.default is not None and column.key not in keys
               for column in table.columns):
            raise ValueError("a Python-side default needs SQLAlchemy at execution time")
        quote = dialect.identifier_preparer.quote
        return cls(f"INSERT INTO {quote(table.name)} "
                   f"({', '.join(quote(key) for key in keys)}) VALUES ",
                   "(" + ", ".join("?" for _ in keys) + ")",
                   " ON CONFLICT DO NOTHING" if skip_repeats else "",
                   [(key, key, _FROM_ROW, _processor(table.c[key].type, dialect))
                    for key in keys], from_tuples=from_tuples)

    @classmethod
    def from_driver(cls, statement: DriverStatement) -> MultiRowStatement:
        """A single-row ``INSERT … VALUES (?, …) …`` whose every parameter is in its one
        ``VALUES`` group (an ``ON CONFLICT`` clause after it binds nothing)."""
        group = "(" + ", ".join("?" for _ in statement.fields) + ")"
        head, found, tail = statement.sql.partition(" VALUES " + group)
        if (not statement.positional or not found or not head.startswith("INSERT INTO ")
                or statement.sql.count("?") != len(statement.fields)):
            raise ValueError("not a single-row INSERT … VALUES with every parameter in it")
        return cls(head + " VALUES ", group, tail, statement.fields)

    def sql(self, rows: int) -> str:
        """The statement for ``rows`` rows (made once per count)."""
        text = self._sql.get(rows)
        if text is None:
            text = self._sql[rows] = self._head + ", ".join([self._row] * rows) + self._tail
        return text

    def execute(self, connection: Connection, rows: Sequence[Any]) -> None:
        build, step = self._build, self.ROWS_PER_STATEMENT
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            values = tuple(itertools.chain.from_iterable(map(build, chunk)))
            connection.exec_driver_sql(self.sql(len(chunk)), values)


class KeyedUpdate:
    """SQLite: a batch of ``UPDATE table SET a = ?, … WHERE key = ?`` (a heartbeat's
    contact, a clock's offset) as ``UPDATE … FROM (VALUES (…), (…), …)``, one statement per
    `MultiRowStatement.ROWS_PER_STATEMENT` rows instead of one step per row: the GIL is given
    up once per statement, not once per row (`MultiRowStatement`).

    Same effect as ``executemany``: a key's later row overwrites its earlier one there, so
    only each key's last row is kept here (a join that matches a row twice would update it
    with either). Needs SQLite 3.33 (`KeyedUpdate.supported`)."""

    def __init__(self, table: sa.Table, key: tuple[str, str],
                 sets: Sequence[tuple[str, str]], dialect: Dialect) -> None:
        """``key``, ``sets``: (column, parameter name) pairs."""
        quote = dialect.identifier_preparer.quote
        name = quote(table.name)
        assignments = ", ".join(f"{quote(column)} = v.column{index}"
                                for index, (column, _) in enumerate(sets, start=2))
        self._head = f"UPDATE {name} SET {assignments} FROM (VALUES "
        self._tail = f") AS v WHERE {name}.{quote(key[0])} = v.column1"
        self._row = "(" + ", ".join("?" for _ in range(len(sets) + 1)) + ")"
        self._build = _row_builder([(parameter, parameter, _FROM_ROW,
                                     _processor(table.c[column].type, dialect))
                                    for column, parameter in (key, *sets)], by_name=False)

    @staticmethod
    def supported() -> bool:
        """``UPDATE … FROM`` came with SQLite 3.33 (2020); an older library keeps
        ``executemany``."""
        return sqlite3.sqlite_version_info >= (3, 33)

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        last = {values[0]: values for values in map(self._build, rows)}
        _in_chunks(connection, self._head, self._row, self._tail, list(last.values()))


class FirstOpenRow:
    """SQLite: a batch of ``INSERT INTO table (key, a, …) SELECT ?, ?, … WHERE NOT EXISTS
    (a row of that key still open)`` — a connection session begun at a boot — as
    ``INSERT … SELECT v.… FROM (VALUES (…), (…), …) AS v WHERE NOT EXISTS (…)``, one
    statement per `MultiRowStatement.ROWS_PER_STATEMENT` rows instead of one step per row.

    Why: in a reconnect storm's first batches this was the one statement still run row by
    row (300 of a 300-boot batch's 312 statement runs), and each run gives up the GIL and
    waits for the busy event loop to hand it back (issue 20: a first batch of 322 boots
    executed for 1,038 ms on 145 ms of CPU, and the next waited for it).

    Same effect as ``executemany``: there a key's first row opens it and its later rows find
    it open, so only each key's first row is kept here.
    """

    def __init__(self, table: sa.Table, key: tuple[str, str],
                 columns: Sequence[tuple[str, str]], open_column: str,
                 dialect: Dialect) -> None:
        """``key``, ``columns``: (column, parameter name) pairs; a row is open while
        ``open_column`` is NULL."""
        quote = dialect.identifier_preparer.quote
        name = quote(table.name)
        pairs = [key, *columns]
        self._head = (f"INSERT INTO {name} ({', '.join(quote(c) for c, _ in pairs)}) SELECT "
                      + ", ".join(f"v.column{i}" for i in range(1, len(pairs) + 1))
                      + " FROM (VALUES ")
        self._tail = (f") AS v WHERE NOT EXISTS (SELECT 1 FROM {name} WHERE "
                      f"{name}.{quote(key[0])} = v.column1 AND "
                      f"{name}.{quote(open_column)} IS NULL)")
        self._row = "(" + ", ".join("?" for _ in pairs) + ")"
        self._build = _row_builder([(parameter, parameter, _FROM_ROW,
                                     _processor(table.c[column].type, dialect))
                                    for column, parameter in pairs], by_name=False)

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        first: dict[Any, tuple[Any, ...]] = {}
        for values in map(self._build, rows):
            first.setdefault(values[0], values)
        _in_chunks(connection, self._head, self._row, self._tail, list(first.values()))


def _in_chunks(connection: Connection, head: str, row: str, tail: str,
               rows: Sequence[tuple[Any, ...]]) -> None:
    """``head`` + ``row`` once per row, comma-separated, + ``tail``: one statement per
    `MultiRowStatement.ROWS_PER_STATEMENT` rows (`KeyedUpdate`, `FirstOpenRow`)."""
    step = MultiRowStatement.ROWS_PER_STATEMENT
    for start in range(0, len(rows), step):
        chunk = rows[start:start + step]
        connection.exec_driver_sql(head + ", ".join([row] * len(chunk)) + tail,
                                   tuple(itertools.chain.from_iterable(chunk)))


class TupleRows:
    """An append whose writes each carry many rows as tuples (values in `columns` order),
    e.g. every sampled value of one MeterValues call: one write per call instead of a dict
    per row, built twice (issue 20: a day's backlog is 1.9 million sampled values in a
    10,000-pole storm, each built as a dict by the handler and again by the storage before
    the driver got its tuple). ``statement`` is marked as an append
    (`CompiledWrites.mark_append`); its batches go in as the append's rows do (multi-row
    ``INSERT`` on SQLite, ``COPY`` on PostgreSQL), elsewhere through SQLAlchemy as dicts."""

    def __init__(self, statement: Any, columns: Sequence[str]) -> None:
        self.statement = statement
        self.columns = tuple(columns)

    def dicts(self, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        """``rows`` as SQLAlchemy's parameters (the path without a compiled writer)."""
        return [dict(zip(self.columns, row, strict=True)) for row in rows]


class _FromRow:
    """Marks a parameter whose value comes from each row."""


_FROM_ROW = _FromRow()
_Field = tuple[str, str, Any, Processor]
"""(parameter key, name in the SQL, constant value or _FROM_ROW, processor)."""
_Writer = (DriverStatement | CopyStatement | StagedCopyStatement | MultiRowStatement
           | KeyedUpdate | FirstOpenRow)
_TupleWriter = CopyStatement | StagedCopyStatement | MultiRowStatement


def _processor(type_: Any, dialect: Dialect) -> Processor:
    """What SQLAlchemy applies to a value of ``type_`` on its way to the driver."""
    processor: Processor = type_.dialect_impl(dialect).bind_processor(dialect)
    if processor is not None and isinstance(type_, UTCDateTime) and dialect.name == "sqlite":
        return _sqlite_utc_text(processor)
    return processor


_SAMPLE = datetime(2026, 12, 5, 13, 4, 5, 60_708, tzinfo=timezone(timedelta(hours=1)))


def _sqlite_utc_text(processor: Callable[[Any], Any]) -> Processor:
    """`UTCDateTime` on SQLite in one step: the UTC wall clock as SQLAlchemy's SQLite text
    (``2026-12-05 12:04:05.060708``), by ``datetime.isoformat`` in C.

    SQLAlchemy's chain (the decorator's check and conversion, then a ``%`` format of a dict
    of seven fields) was the writer's largest Python cost per row in a reconnect storm
    (issue 20): every stored row has a time. Anything but an aware ``datetime`` goes
    through ``processor`` (e.g. a naive one, to be refused with its message), and the
    short path is only taken if it gives what ``processor`` gives."""
    def text(value: Any) -> Any:
        if type(value) is datetime and value.utcoffset() is not None:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return processor(value)
    return text if text(_SAMPLE) == processor(_SAMPLE) else processor


def _row_builder(fields: Sequence[_Field], *, by_name: bool, from_tuples: bool = False
                 ) -> Callable[[Any], Any]:
    """One function that turns a row into the driver's parameters: a tuple in SQL order,
    or (``by_name``) a dict by SQL name, each value through its processor.

    Written out as one expression per statement, once: looping over the fields for every
    row (a call per value, a tuple unpacked per value) was most of the writer's Python
    time per row in a reconnect storm (issue 20). Names in the source are only generated
    ones (``r``, ``c3``, ``p3``) and ``repr`` of the keys, so no column name becomes code.
    ``from_tuples``: each row is a tuple of the values in ``fields`` order (`TupleRows`),
    not a mapping by key.
    """
    namespace: dict[str, Any] = {}
    parts: list[str] = []
    for index, (key, name, constant, processor) in enumerate(fields):
        if constant is _FROM_ROW:
            value = f"r[{index}]" if from_tuples else f"r[{key!r}]"
        else:
            namespace[f"c{index}"] = constant
            value = f"c{index}"
        if processor is not None:
            namespace[f"p{index}"] = processor
            value = f"p{index}({value})"
        parts.append(f"{name!r}: {value}" if by_name else value)
    body = ("{" + ", ".join(parts) + "}") if by_name else ("(" + "".join(
        part + ", " for part in parts) + ")")
    build: Callable[[Any], Any] = eval(  # generated, see above
        f"lambda r: {body}", namespace)
    return build


class CompiledWrites:
    """Executes batches of one statement, through the driver where it can."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._writers: dict[tuple[int, tuple[str, ...]], tuple[Any, _Writer | None]] = {}
        self._appends: dict[int, tuple[Any, sa.Table, bool]] = {}
        self._tuple_writers: dict[int, tuple[TupleRows, _TupleWriter | None]] = {}
        self._sqlite_forms: dict[int, tuple[Any, frozenset[str],
                                            Callable[[], KeyedUpdate | FirstOpenRow]]] = {}
        """Statements with a multi-row form of their own on SQLite (`mark_keyed_update`,
        `mark_first_open`): the statement (so its id cannot be reused), the parameters a
        batch must have, and the form's maker."""

    def mark_append(self, statement: Any, table: sa.Table, *,
                    skip_repeats: bool = False) -> None:
        """``statement`` is ``insert(table)`` with nothing else — or, ``skip_repeats``, with
        only ``ON CONFLICT DO NOTHING``: rows may be COPYed (through a staging table)."""
        self._appends[id(statement)] = (statement, table, skip_repeats)

    def mark_keyed_update(self, statement: Any, table: sa.Table, key: tuple[str, str],
                          sets: Sequence[tuple[str, str]]) -> None:
        """``statement`` is ``UPDATE table SET column = :parameter, … WHERE key column =
        :key parameter`` and nothing else (``key``, ``sets``: (column, parameter) pairs):
        on SQLite its batches go in as `KeyedUpdate` (from SQLite 3.33)."""
        if KeyedUpdate.supported():
            self._sqlite_form(statement, [key, *sets],
                              lambda: KeyedUpdate(table, key, sets, self.dialect))

    def mark_first_open(self, statement: Any, table: sa.Table, key: tuple[str, str],
                        columns: Sequence[tuple[str, str]], open_column: str) -> None:
        """``statement`` inserts (key, columns…) from its parameters unless a row of that
        key has ``open_column`` NULL, and nothing else: on SQLite its batches go in as
        `FirstOpenRow`."""
        self._sqlite_form(statement, [key, *columns], lambda: FirstOpenRow(
            table, key, columns, open_column, self.dialect))

    def _sqlite_form(self, statement: Any, pairs: Sequence[tuple[str, str]],
                     make: Callable[[], KeyedUpdate | FirstOpenRow]) -> None:
        self._sqlite_forms[id(statement)] = (
            statement, frozenset(parameter for _, parameter in pairs), make)

    def execute(self, connection: Connection, statement: Any, rows: Sequence[Any]) -> None:
        """``connection.execute(statement, rows)``, with the same effect; for a
        `TupleRows` statement ``rows`` are its writes, each a sequence of tuples."""
        if isinstance(statement, TupleRows):
            self._execute_tuples(connection, statement, rows)
            return
        keys = tuple(rows[0])
        writer = (self._writer(statement, keys)
                  if all(tuple(row) == keys for row in rows) else None)
        if writer is None:  # mixed parameter sets (rare), or SQLAlchemy is needed
            connection.execute(statement, list(rows))
        else:
            writer.execute(connection, rows)

    def _execute_tuples(self, connection: Connection, statement: TupleRows,
                        writes: Sequence[Sequence[Sequence[Any]]]) -> None:
        rows = [row for write in writes for row in write]
        if not rows:
            return
        entry = self._tuple_writers.get(id(statement))
        if entry is None:
            append = self._appends.get(id(statement.statement))
            writer: _TupleWriter | None = None
            if append is not None and self.dialect.name == "postgresql":
                writer = (StagedCopyStatement(append[1], statement.columns, self.dialect,
                                              from_tuples=True) if append[2]
                          else CopyStatement(append[1], statement.columns, self.dialect,
                                             from_tuples=True))
            elif append is not None and self.dialect.name == "sqlite":
                with contextlib.suppress(ValueError):
                    writer = MultiRowStatement.append(append[1], statement.columns,
                                                      self.dialect, append[2], from_tuples=True)
            entry = self._tuple_writers[id(statement)] = (statement, writer)
        if entry[1] is None:
            connection.execute(statement.statement, statement.dicts(rows))
        else:
            entry[1].execute(connection, rows)

    def _writer(self, statement: Any, keys: tuple[str, ...]) -> _Writer | None:
        # The statement itself is kept in the value so its id cannot be reused.
        entry = self._writers.get((id(statement), keys))
        if entry is None:
            append = self._appends.get(id(statement))
            form = self._sqlite_forms.get(id(statement))
            writer: _Writer | None
            if form is not None and self.dialect.name == "sqlite" and set(keys) == form[1]:
                writer = form[2]()
            elif append is not None and self.dialect.name == "postgresql":
                writer = (StagedCopyStatement(append[1], keys, self.dialect) if append[2]
                          else CopyStatement(append[1], keys, self.dialect))
            elif append is not None and self.dialect.name == "sqlite":
                try:
                    writer = MultiRowStatement.append(append[1], keys, self.dialect,
                                                      append[2])
                except ValueError:
                    writer = self._driver_statement(statement, keys)
            else:
                writer = self._driver_statement(statement, keys)
                if writer is not None and self.dialect.name == "sqlite":
                    with contextlib.suppress(ValueError):
                        writer = MultiRowStatement.from_driver(writer)
            entry = self._writers[(id(statement), keys)] = (statement, writer)
        return entry[1]

    def _driver_statement(self, statement: Any, keys: tuple[str, ...]
                          ) -> DriverStatement | None:
        try:
            return DriverStatement(statement, keys, self.dialect)
        except (ValueError, AttributeError, KeyError):
            return None
