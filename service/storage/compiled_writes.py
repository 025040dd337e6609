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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Dialect

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
        self._fields: list[tuple[str, str, Any, Processor]] = []
        """(parameter key, name in the SQL, constant value or _FROM_ROW, processor)."""
        for name in names:
            bind = compiled.binds[name]
            constant = _FROM_ROW if bind.key in keys else bind.effective_value
            if constant is None and bind.required:
                raise ValueError(f"parameter {bind.key!r} has no value")
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            self._fields.append((bind.key, escaped.get(name, name), constant, processor))

    def rows(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The driver's parameters for ``rows``: tuples in SQL order, or dicts by SQL name."""
        fields = self._fields
        if self.positional:
            return [tuple(_value(row, field) for field in fields) for row in rows]
        return [{field[1]: _value(row, field) for field in fields} for row in rows]


class _FromRow:
    """Marks a parameter whose value comes from each row."""


_FROM_ROW = _FromRow()


def _value(row: Mapping[str, Any], field: tuple[str, str, Any, Processor]) -> Any:
    key, _, constant, processor = field
    value = row[key] if constant is _FROM_ROW else constant
    return processor(value) if processor is not None else value


class CompiledWrites:
    """Executes batches of one statement, through the driver where it can."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._compiled: dict[tuple[int, tuple[str, ...]], tuple[Any, DriverStatement | None]]
        self._compiled = {}

    def execute(self, connection: Connection, statement: Any,
                rows: Sequence[Mapping[str, Any]]) -> None:
        """``connection.execute(statement, rows)``, with the same effect."""
        keys = tuple(rows[0])
        if any(tuple(row) != keys for row in rows):
            connection.execute(statement, list(rows))  # mixed parameter sets: rare, general
            return
        driver = self._driver_statement(statement, keys)
        if driver is None:
            connection.execute(statement, list(rows))
        else:
            connection.exec_driver_sql(driver.sql, driver.rows(rows))

    def _driver_statement(self, statement: Any, keys: tuple[str, ...]
                          ) -> DriverStatement | None:
        # The statement itself is kept in the value so its id cannot be reused.
        entry = self._compiled.get((id(statement), keys))
        if entry is None:
            try:
                driver: DriverStatement | None = DriverStatement(statement, keys, self.dialect)
            except (ValueError, AttributeError, KeyError):
                driver = None
            entry = self._compiled[(id(statement), keys)] = (statement, driver)
        return entry[1]
