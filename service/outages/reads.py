"""The outage board's reads: a bounded window of the whole fleet, then the year of the few.

The rules (`service.outages.rules`) need every pole's last week to find shared drops in
an area, so the week is read fleet-wide in one query per table (plain rows by time
range, on the time indexes of migration 0015), never one query per pole. The year that
eis 48's uptime needs is read only for the poles that end up on the board, in chunks of
ids: a year of 10,000 poles is millions of status events; a year of the fifty on the
board is a moment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pole_link.service_outages import (
    EvidenceRecord,
    LocationRecord,
    OutageBoard,
    OutageRecord,
)
from service.outages import rules
from service.reports.uptime import ConnectionInterval, StatusChange, service_downtime, uptime
from service.storage.database import storage_errors
from service.storage.models import (
    ConnectionSession,
    Connector,
    FirmwareUpdate,
    MeterValue,
    Pole,
    SecurityEvent,
    StatusEvent,
    Transaction,
)
from service.storage.pole_locations import PoleLocation
from service.storage.service_runs import ServiceRuns, down_windows, restart_at

NOTABLE_STATUS = ("error_code <> 'NoError' OR status IN "
                  "('Faulted', 'Unavailable', 'SuspendedEVSE')")
"""The partial index ``ix_status_events_notable``'s condition, word for word (migration
0015): a query uses a partial index only when its condition is the index's."""
DOWN_STATUS = "status IN ('Unavailable', 'Faulted')"
"""``ix_status_events_down``'s condition: events that take a connector out of service."""
CHUNK = 500
RUNS_BACK = timedelta(days=400)
"""How far back the service's runs are read to find its last restart: past a year-long
outage of the service itself (a row per start: a cheap read)."""
"""Ids per ``IN (…)``: well under every backend's parameter limit."""


def _t(model: type) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


class BoardReads:
    """Synchronous reads of what the board's rules need (run in a worker thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.runs = ServiceRuns(engine)

    def histories(self, now: datetime) -> tuple[list[rules.PoleHistory],
                                                dict[str, str]]:
        """The history over `rules.BOARD_WINDOW` before ``now`` of every pole that has any
        (a pole with nothing but ordinary charging in the week is not read row by row),
        and each pole's area.

        Narrowed in the database, because Python's cost per row is what a fleet-wide read
        spends: sessions that began or ended in the window; status events only of poles
        with a fault, an error code or a pause in the window (all of theirs, so a fault
        that cleared is seen to clear); connectors' current states only where not fine.
        """
        start = now - rules.BOARD_WINDOW
        firmware_from = start - rules.AFTER_UPDATE
        poles, conn, status, tx, sec, fw, loc = (
            _t(Pole), _t(Connector), _t(StatusEvent), _t(Transaction), _t(SecurityEvent),
            _t(FirmwareUpdate), _t(PoleLocation))
        sessions: dict[str, list[rules.Session]] = defaultdict(list)
        statuses: dict[str, list[rules.Status]] = defaultdict(list)
        stops: dict[str, list[rules.Stop]] = defaultdict(list)
        low: dict[str, list[rules.LowCurrent]] = defaultdict(list)
        security: dict[str, list[rules.Security]] = defaultdict(list)
        firmware: dict[str, list[rules.FirmwareStatus]] = defaultdict(list)
        offers: dict[str, list[rules.Offer]] = defaultdict(list)
        cs, mv = _t(ConnectionSession), _t(MeterValue)
        troubled = (sa.select(status.c.pole_id).where(
            status.c.timestamp >= start, status.c.timestamp < now,
            sa.text(f"({NOTABLE_STATUS})")).distinct())
        with storage_errors(self.engine.url), self.engine.connect() as db:
            offline = set(db.execute(sa.select(poles.c.id).where(
                poles.c.connected.is_(False))).scalars())
            # Ended in the window, or began in it and still open: two indexed ranges.
            session_columns = (cs.c.pole_id, cs.c.started, cs.c.ended, cs.c.end_reason)
            ended_in = sa.select(*session_columns).where(cs.c.ended >= start,
                                                         cs.c.started < now)
            open_in = sa.select(*session_columns).where(cs.c.started >= start,
                                                        cs.c.started < now,
                                                        cs.c.ended.is_(None))
            rows = [*db.execute(ended_in).all(), *db.execute(open_in).all()]
            for p, started, ended, reason in sorted(rows, key=lambda r: r[1]):
                sessions[p].append(rules.Session(started, ended, reason))
            # Poles dark since before the window: their last session says since when.
            last = (sa.select(cs.c.pole_id, sa.func.max(cs.c.started).label("started"))
                    .where(cs.c.pole_id.in_(sa.select(poles.c.id).where(
                        poles.c.connected.is_(False))), cs.c.ended < start)
                    .group_by(cs.c.pole_id).subquery())
            for p, started, ended, reason in db.execute(
                    sa.select(cs.c.pole_id, cs.c.started, cs.c.ended, cs.c.end_reason)
                    .join(last, sa.and_(cs.c.pole_id == last.c.pole_id,
                                        cs.c.started == last.c.started))).all():
                if p not in sessions:
                    sessions[p].append(rules.Session(started, ended, reason))
            # The state each connector opens the window with, where it is not fine: its
            # current row, when that began before the window (nothing changed since).
            for p, c, st, code, since in db.execute(
                    sa.select(conn.c.pole_id, conn.c.connector_id, conn.c.status,
                              conn.c.error_code, conn.c.since)
                    .where(conn.c.since < start, sa.or_(
                        conn.c.error_code != "NoError",
                        conn.c.status.in_(("Faulted", "Unavailable", "SuspendedEVSE"))))).all():
                statuses[p].append(rules.Status(since, c, st, code))
            for p, at, c, st, code in db.execute(
                    sa.select(status.c.pole_id, status.c.timestamp, status.c.connector_id,
                              status.c.status, status.c.error_code)
                    .where(status.c.timestamp >= start, status.c.timestamp < now,
                           status.c.pole_id.in_(troubled))
                    .order_by(status.c.timestamp, status.c.id)).all():
                statuses[p].append(rules.Status(at, c, st, code))
            for p, c, stopped, reason in db.execute(
                    sa.select(tx.c.pole_id, tx.c.connector_id, tx.c.stopped, tx.c.stop_reason)
                    .where(tx.c.stopped >= start, tx.c.stopped < now,
                           tx.c.stop_reason == "PowerLoss")).all():
                stops[p].append(rules.Stop(stopped, c, reason))
            for p, c, at in db.execute(
                    sa.select(tx.c.pole_id, tx.c.connector_id, tx.c.low_current_at)
                    .where(tx.c.stopped >= start, tx.c.low_current_vehicle.is_(True),
                           tx.c.low_current_at >= start)).all():
                low[p].append(rules.LowCurrent(at, c))
            for p, c, at in db.execute(
                    sa.select(tx.c.pole_id, tx.c.connector_id, tx.c.low_current_at)
                    .where(tx.c.stopped.is_(None), tx.c.low_current_vehicle.is_(True),
                           tx.c.low_current_at >= start)).all():
                low[p].append(rules.LowCurrent(at, c))
            # Literal bounds: they must match the partial index's predicate (migration 0015).
            for p, c, at, amps in db.execute(
                    sa.select(mv.c.pole_id, mv.c.connector_id, mv.c.timestamp, mv.c.value)
                    .where(mv.c.timestamp >= start, mv.c.timestamp < now,
                           sa.text("measurand = 'Current.Offered' AND value > 0 "
                                   "AND value < 6"))).all():
                offers[p].append(rules.Offer(at, c, amps))
            for p, at, kind, info in db.execute(
                    sa.select(sec.c.pole_id, sec.c.timestamp, sec.c.type, sec.c.tech_info)
                    .where(sec.c.received_at >= start, sec.c.received_at < now,
                           sec.c.type.in_(sorted(rules.SECURITY_ALERTS)))
                    .order_by(sec.c.received_at, sec.c.id)).all():
                security[p].append(rules.Security(at, kind, info))
            for p, at, st in db.execute(
                    sa.select(fw.c.pole_id, fw.c.status_at, fw.c.status)
                    .where(fw.c.status_at >= firmware_from, fw.c.status_at < now)
                    .order_by(fw.c.status_at)).all():
                firmware[p].append(rules.FirmwareStatus(at, st))
            ids = sorted(offline | set(sessions) | set(statuses) | set(stops) | set(low)
                         | set(security) | set(firmware) | set(offers))
            areas: dict[str, str] = {}
            for i in range(0, len(ids), CHUNK):
                for p, operator, code in db.execute(
                        sa.select(loc.c.pole_id, loc.c.grid_operator, loc.c.area_code)
                        .where(loc.c.pole_id.in_(ids[i:i + CHUNK]),
                               loc.c.area_code.is_not(None))).all():
                    areas[p] = LocationRecord(p, grid_operator=operator,
                                              area_code=code).area or code
        histories = [rules.PoleHistory(
            p, areas.get(p), p not in offline, sessions.get(p, ()),
            sorted(statuses.get(p, ()), key=lambda s: s.at), stops.get(p, ()),
            low.get(p, ()), offers.get(p, ()), security.get(p, ()), firmware.get(p, ()))
            for p in ids]
        return histories, areas

    def locations(self, pole_ids: Sequence[str]) -> dict[str, LocationRecord]:
        """The full locations of these poles (the board's few)."""
        loc = _t(PoleLocation)
        found: dict[str, LocationRecord] = {}
        ids = sorted(set(pole_ids))
        with storage_errors(self.engine.url), self.engine.connect() as db:
            for i in range(0, len(ids), CHUNK):
                for row in db.execute(sa.select(loc).where(
                        loc.c.pole_id.in_(ids[i:i + CHUNK]))).all():
                    found[row.pole_id] = LocationRecord(
                        row.pole_id, row.address, row.postcode, row.city, row.latitude,
                        row.longitude, row.grid_operator, row.area_code)
        return found

    def year_budgets(self, pole_ids: Sequence[str], now: datetime
                     ) -> dict[str, rules.UptimeBudget]:
        """eis 48 for the year so far of these poles (since registration when later).

        Uptime changes only where a connector goes out of service (Unavailable, Faulted)
        or comes back, so only those events are read — through the partial index
        ``ix_status_events_down`` and the next event of the same connector — with each
        connector's state at new year (or its first event after). A year of ordinary
        Available/Charging changes stays in the database; the figure is the same as
        `service.reports.uptime.uptime` over every event (tested).
        """
        year_start, year_end = rules.year_bounds(now)
        poles, cs, status = _t(Pole), _t(ConnectionSession), _t(StatusEvent)
        registered: dict[str, datetime | None] = {}
        sessions: dict[str, list[ConnectionInterval]] = defaultdict(list)
        ends: dict[str, list[tuple[datetime, datetime | None, str | None]]] = defaultdict(list)
        events: dict[int, tuple[str, int, datetime, str]] = {}
        """By event id (a row may be found twice): pole, connector, time, status."""
        ids = sorted(set(pole_ids))
        columns = (status.c.id, status.c.pole_id, status.c.connector_id, status.c.timestamp,
                   status.c.status)
        row: Any
        with storage_errors(self.engine.url), self.engine.connect() as db:
            for i in range(0, len(ids), CHUNK):
                part = ids[i:i + CHUNK]
                for row in db.execute(sa.select(poles.c.id, poles.c.registered_at)
                                      .where(poles.c.id.in_(part))).all():
                    registered[row.id] = row.registered_at
                for row in db.execute(
                        sa.select(cs.c.pole_id, cs.c.started, cs.c.ended, cs.c.end_reason)
                        .where(cs.c.pole_id.in_(part), cs.c.started < now,
                               sa.or_(cs.c.ended.is_(None), cs.c.ended > year_start))).all():
                    sessions[row.pole_id].append(ConnectionInterval(row.started, row.ended))
                    ends[row.pole_id].append((row.started, row.ended, row.end_reason))
                # Each connector's state at new year: its last event before.
                last = (sa.select(status.c.pole_id, status.c.connector_id,
                                  sa.func.max(status.c.timestamp).label("at"))
                        .where(status.c.pole_id.in_(part), status.c.timestamp < year_start)
                        .group_by(status.c.pole_id, status.c.connector_id).subquery())
                opened: set[tuple[str, int]] = set()
                for row in db.execute(sa.select(*columns).join(last, sa.and_(
                        status.c.pole_id == last.c.pole_id,
                        status.c.connector_id == last.c.connector_id,
                        status.c.timestamp == last.c.at))).all():
                    events[row.id] = (row.pole_id, row.connector_id, row.timestamp, row.status)
                    opened.add((row.pole_id, row.connector_id))
                # Connectors with no event before new year (the connectors table knows
                # every connector that ever reported): their first event after.
                conn = _t(Connector)
                newer = sorted({row.pole_id for row in db.execute(
                    sa.select(conn.c.pole_id, conn.c.connector_id)
                    .where(conn.c.pole_id.in_(part))).all()
                    if (row.pole_id, row.connector_id) not in opened})
                first = (sa.select(status.c.pole_id, status.c.connector_id,
                                   sa.func.min(status.c.timestamp).label("at"))
                         .where(status.c.pole_id.in_(newer),
                                status.c.timestamp >= year_start, status.c.timestamp < now)
                         .group_by(status.c.pole_id, status.c.connector_id).subquery())
                for row in db.execute(sa.select(*columns).join(first, sa.and_(
                        status.c.pole_id == first.c.pole_id,
                        status.c.connector_id == first.c.connector_id,
                        status.c.timestamp == first.c.at))).all():
                    events[row.id] = (row.pole_id, row.connector_id, row.timestamp, row.status)
                # Out-of-service events, each with when the same connector next reported.
                d, n = status.alias("d"), status.alias("n")
                next_at = (sa.select(sa.func.min(n.c.timestamp)).where(
                    n.c.pole_id == d.c.pole_id, n.c.connector_id == d.c.connector_id,
                    sa.or_(n.c.timestamp > d.c.timestamp,
                           sa.and_(n.c.timestamp == d.c.timestamp, n.c.id > d.c.id)))
                    .scalar_subquery())
                wanted: set[tuple[str, int, datetime]] = set()
                for row in db.execute(
                        sa.select(d.c.id, d.c.pole_id, d.c.connector_id, d.c.timestamp,
                                  d.c.status, next_at.label("next_at"))
                        .where(d.c.pole_id.in_(part), d.c.timestamp < now,
                               sa.text("d." + DOWN_STATUS))).all():
                    events[row.id] = (row.pole_id, row.connector_id, row.timestamp, row.status)
                    if row.next_at is not None and row.next_at < now:
                        wanted.add((row.pole_id, row.connector_id, row.next_at))
                times = sorted({at for _p, _c, at in wanted})
                for j in range(0, len(times), CHUNK):
                    for row in db.execute(sa.select(*columns).where(
                            status.c.pole_id.in_(sorted({p for p, _c, _a in wanted})),
                            status.c.timestamp.in_(times[j:j + CHUNK]))).all():
                        if (row.pole_id, row.connector_id, row.timestamp) in wanted:
                            events[row.id] = (row.pole_id, row.connector_id, row.timestamp,
                                              row.status)
        changes: dict[str, list[StatusChange]] = defaultdict(list)
        for _id, (pole_id, connector, at, state) in sorted(
                events.items(), key=lambda item: (item[1][2], item[0])):
            if connector >= 0:
                changes[pole_id].append(StatusChange(at, connector, state))
        # The service's own down windows are not the poles' downtime (`service_downtime`).
        restarts = [gap.end for gap in down_windows(self.runs.runs(year_start, now), now)]
        budgets = {}
        for pole_id in ids:
            start = max(year_start, registered.get(pole_id) or year_start)
            if start >= now:
                continue
            report = uptime(pole_id, sessions.get(pole_id, []), changes.get(pole_id, []),
                            start, now, service_downtime(ends.get(pole_id, []), restarts))
            budgets[pole_id] = rules.uptime_budget(report, year_start, year_end)
        return budgets

    def board(self, now: datetime, area: str | None = None) -> OutageBoard:
        """The board at ``now`` as the API sends it; ``area`` narrows it to one area
        (``operator/code``, or just the code)."""
        histories, _areas = self.histories(now)
        restarted = restart_at(self.runs.runs(now - RUNS_BACK, now), now)
        entries = rules.board(histories, now, restarted=restarted)
        if area:
            entries = [e for e in entries if e.area is not None and (
                e.area == area or e.area.rsplit("/", 1)[-1] == area)]
        on_board = [e.pole_id for e in entries]
        budgets = self.year_budgets(on_board, now)
        locations = self.locations(on_board)
        return OutageBoard(now, tuple(_record(e, locations.get(e.pole_id),
                                              budgets.get(e.pole_id)) for e in entries))


def _record(entry: rules.BoardEntry, location: LocationRecord | None,
            budget: rules.UptimeBudget | None) -> OutageRecord:
    return OutageRecord(
        entry.pole_id, entry.cause.value, entry.since, entry.sockets,
        tuple(EvidenceRecord(e.text, dict(e.facts), e.code, dict(e.params))
              for e in entry.evidence), entry.next_step,
        entry.area, location.one_line() or None if location else None,
        round(budget.percent, 3) if budget else None,
        round(budget.hours_left, 1) if budget else None)
