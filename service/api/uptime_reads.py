"""The fleet-wide reads uptime (eis 48) is computed from, shared by the uptime report
(`service.api.reports.fleet_uptime`) and the poles list's uptime column
(`service.api.uptime.fleet_uptime`): plain rows, not ORM objects, and only the status
events that can change availability, so both give the same figure from the same rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.reports.uptime import NOT_AVAILABLE
from service.storage.models import ConnectionSession, Connector, StatusEvent
from service.storage.repository import Repository

_EVENT = "e.pole_id, e.connector_id, e.timestamp, e.status, e.id FROM status_events e"
_AVAILABILITY_CHANGES = sa.text(f"""
SELECT pole_id, connector_id, timestamp, status FROM (
    SELECT o.* FROM connectors c CROSS JOIN LATERAL (
        SELECT {_EVENT} WHERE e.pole_id = c.pole_id AND e.connector_id = c.connector_id
          AND e.timestamp < :start ORDER BY e.timestamp DESC, e.id DESC LIMIT 1) o
    WHERE c.connector_id >= 0
  UNION ALL
    SELECT f.* FROM connectors c CROSS JOIN LATERAL (
        SELECT {_EVENT} WHERE e.pole_id = c.pole_id AND e.connector_id = c.connector_id
          AND e.timestamp >= :start AND e.timestamp < :end
        ORDER BY e.timestamp, e.id LIMIT 1) f
    WHERE c.connector_id >= 0
  UNION ALL
    SELECT n.pole_id, n.connector_id, n.timestamp, n.status, n.id FROM status_events n
    WHERE n.status IN ('Unavailable', 'Faulted') AND n.timestamp >= :start
      AND n.timestamp < :end AND n.connector_id >= 0
  UNION ALL
    SELECT a.* FROM status_events n CROSS JOIN LATERAL (
        SELECT {_EVENT} WHERE e.pole_id = n.pole_id AND e.connector_id = n.connector_id
          AND (e.timestamp, e.id) > (n.timestamp, n.id) AND e.timestamp < :end
        ORDER BY e.timestamp, e.id LIMIT 1) a
    WHERE n.status IN ('Unavailable', 'Faulted') AND n.timestamp >= :start
      AND n.timestamp < :end AND n.connector_id >= 0
) AS kept ORDER BY pole_id, timestamp, id
""")


def availability_changes(repository: Repository, start: datetime, end: datetime
                         ) -> list[Any]:
    """Every pole's status events that can change its eis 48 availability, oldest first per
    pole (ties in time in the order of the events' ids): per socket the last one before
    ``start`` (the state the period opens with) and its first in ``[start, end)`` (from
    when it is known, or after a not-available opening), then every Unavailable or
    Faulted event and the event after each.

    Uptime depends on nothing more (`service.reports.uptime`: a socket is available unless
    Unavailable or Faulted), and every event left out follows an available one with another
    available status, so it changes nothing. A fleet's year of Preparing → Charging →
    Finishing is tens of millions of rows; this reads a few per socket, found through the
    (socket, time) index of migration 0016r and the partial ``ix_status_events_notable``
    (migration 0015; 0021 dropped the narrower one it made redundant). The sockets are those of
    the ``connectors`` table, which every StatusNotification the CSMS stores upserts
    (`Repository.record_status`). SQLite has no LATERAL: `_sqlite_changes` keeps the same
    rows its own way.
    """
    if repository.engine.dialect.name != "postgresql":
        return _sqlite_changes(repository, start, end)
    with repository.engine.connect() as connection:
        return list(connection.execute(_AVAILABILITY_CHANGES, {"start": start, "end": end}))


def _sqlite_changes(repository: Repository, start: datetime, end: datetime) -> list[Any]:
    """SQLite has no LATERAL: each socket's last event before ``start`` is a correlated
    ``… ORDER BY timestamp DESC, id DESC LIMIT 1`` on the (pole, connector, time) index, one
    index probe per socket instead of `Repository.status_history`'s grouping of every
    earlier event; then the period's events `availability_changes` keeps, picked with
    ``lag()``. Same rows, same order per pole."""
    events, connectors = _table(StatusEvent), _table(Connector)
    earlier = events.alias("earlier")
    columns = (events.c.pole_id, events.c.connector_id, events.c.timestamp, events.c.status)
    last = (sa.select(earlier.c.id)
            .where(earlier.c.pole_id == connectors.c.pole_id,
                   earlier.c.connector_id == connectors.c.connector_id,
                   earlier.c.timestamp < start)
            .order_by(earlier.c.timestamp.desc(), earlier.c.id.desc())
            .limit(1).scalar_subquery())
    opening = (sa.select(*columns).select_from(connectors)
               .join(events, events.c.id == last).where(connectors.c.connector_id >= 0)
               .order_by(events.c.timestamp, events.c.id))
    # In the period, what `_AVAILABILITY_CHANGES` keeps: each socket's first event, every
    # not-available one and the event after each; the scan stays in SQLite's C code.
    previous = sa.func.lag(events.c.status).over(
        partition_by=(events.c.pole_id, events.c.connector_id),
        order_by=(events.c.timestamp, events.c.id)).label("previous")
    period = (sa.select(*columns, events.c.id, previous)
              .where(events.c.timestamp >= start, events.c.timestamp < end,
                     events.c.connector_id >= 0).subquery())
    during = (sa.select(period.c.pole_id, period.c.connector_id, period.c.timestamp,
                        period.c.status)
              .where(sa.or_(period.c.previous.is_(None),
                            period.c.previous.in_(sorted(NOT_AVAILABLE)),
                            period.c.status.in_(sorted(NOT_AVAILABLE))))
              .order_by(period.c.timestamp, period.c.id))
    with repository.engine.connect() as connection:
        rows = list(connection.execute(opening))
        rows += connection.execute(during)
    return rows


def _table(model: type[Any]) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def connection_intervals(repository: Repository, start: datetime, end: datetime
                         ) -> list[Any]:
    """Every pole's connection sessions overlapping ``[start, end)`` as plain rows
    (``pole_id``, ``started``, ``ended``): `Repository.connection_sessions` without the
    ORM objects, which cost seconds for a fleet's year of sessions."""
    table: sa.Table = ConnectionSession.__table__  # type: ignore[attr-defined]
    started: sa.ColumnElement[Any] = table.c.started
    ended: sa.ColumnElement[Any] = table.c.ended
    if repository.engine.dialect.name == "postgresql":
        # psycopg hands back aware times itself; `UTCDateTime`'s conversion of a fleet's
        # year of sessions, one value at a time, cost about half a second.
        aware = sa.DateTime(timezone=True)
        started, ended = (sa.type_coerce(started, aware).label("started"),
                          sa.type_coerce(ended, aware).label("ended"))
    query = (sa.select(table.c.pole_id, started, ended, table.c.end_reason)
             .where(table.c.started < end,
                    sa.or_(table.c.ended.is_(None), table.c.ended > start))
             .order_by(table.c.started))
    with repository.engine.connect() as connection:
        return list(connection.execute(query).all())
