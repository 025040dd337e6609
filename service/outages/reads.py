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
from datetime import datetime
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
from service.reports.uptime import ConnectionInterval, StatusChange, uptime
from service.storage.database import storage_errors
from service.storage.models import (
    ConnectionSession,
    Connector,
    FirmwareUpdate,
    Pole,
    SecurityEvent,
    StatusEvent,
    Transaction,
)
from service.storage.pole_locations import PoleLocation

CHUNK = 500
"""Ids per ``IN (…)``: well under every backend's parameter limit."""


def _t(model: type) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


def location_record(row: PoleLocation) -> LocationRecord:
    return LocationRecord(row.pole_id, row.address, row.postcode, row.city, row.latitude,
                          row.longitude, row.grid_operator, row.area_code)


class BoardReads:
    """Synchronous reads of what the board's rules need (run in a worker thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def histories(self, now: datetime) -> tuple[list[rules.PoleHistory],
                                                dict[str, LocationRecord]]:
        """Every pole's history over `rules.BOARD_WINDOW` before ``now``, and locations."""
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
        cs = _t(ConnectionSession)
        row: Any  # result rows of differing shapes, read by column name
        with storage_errors(self.engine.url), self.engine.connect() as db:
            pole_rows = list(db.execute(sa.select(poles.c.id, poles.c.connected)
                                        .order_by(poles.c.id)))
            locations = {row.pole_id: LocationRecord(
                row.pole_id, row.address, row.postcode, row.city, row.latitude,
                row.longitude, row.grid_operator, row.area_code)
                for row in db.execute(sa.select(loc))}
            for row in db.execute(
                    sa.select(cs.c.pole_id, cs.c.started, cs.c.ended, cs.c.end_reason)
                    .where(cs.c.started < now,
                           sa.or_(cs.c.ended.is_(None), cs.c.ended > start))
                    .order_by(cs.c.started)):
                sessions[row.pole_id].append(rules.Session(row.started, row.ended,
                                                           row.end_reason))
            # The state each connector opens the window with: its current row when that
            # began before the window (then nothing changed since), as a status at `since`.
            for row in db.execute(sa.select(conn).where(conn.c.since < start)):
                statuses[row.pole_id].append(rules.Status(row.since, row.connector_id,
                                                          row.status, row.error_code))
            for row in db.execute(
                    sa.select(status.c.pole_id, status.c.timestamp, status.c.connector_id,
                              status.c.status, status.c.error_code)
                    .where(status.c.timestamp >= start, status.c.timestamp < now)
                    .order_by(status.c.timestamp, status.c.id)):
                statuses[row.pole_id].append(rules.Status(row.timestamp, row.connector_id,
                                                          row.status, row.error_code))
            for row in db.execute(
                    sa.select(tx.c.pole_id, tx.c.connector_id, tx.c.stopped, tx.c.stop_reason)
                    .where(tx.c.stopped >= start, tx.c.stopped < now,
                           tx.c.stop_reason == "PowerLoss")):
                stops[row.pole_id].append(rules.Stop(row.stopped, row.connector_id,
                                                     row.stop_reason))
            for row in db.execute(
                    sa.select(tx.c.pole_id, tx.c.connector_id, tx.c.low_current_at)
                    .where(tx.c.started >= start - rules.BOARD_WINDOW, tx.c.started < now,
                           tx.c.low_current_at >= start)):
                low[row.pole_id].append(rules.LowCurrent(row.low_current_at, row.connector_id))
            for row in db.execute(
                    sa.select(sec.c.pole_id, sec.c.timestamp, sec.c.type, sec.c.tech_info)
                    .where(sec.c.received_at >= start, sec.c.received_at < now,
                           sec.c.type.in_(sorted(rules.SECURITY_ALERTS)))
                    .order_by(sec.c.received_at, sec.c.id)):
                security[row.pole_id].append(rules.Security(row.timestamp, row.type,
                                                            row.tech_info))
            for row in db.execute(
                    sa.select(fw.c.pole_id, fw.c.status_at, fw.c.status)
                    .where(fw.c.status_at >= firmware_from, fw.c.status_at < now)
                    .order_by(fw.c.status_at)):
                firmware[row.pole_id].append(rules.FirmwareStatus(row.status_at, row.status))
        histories = []
        for row in pole_rows:
            place = locations.get(row.id)
            histories.append(rules.PoleHistory(
                row.id, place.area if place else None, bool(row.connected),
                sessions.get(row.id, ()), sorted(statuses.get(row.id, ()),
                                                 key=lambda s: s.at),
                stops.get(row.id, ()), low.get(row.id, ()), (), security.get(row.id, ()),
                firmware.get(row.id, ())))
        return histories, locations

    def year_budgets(self, pole_ids: Sequence[str], now: datetime
                     ) -> dict[str, rules.UptimeBudget]:
        """eis 48 for the year so far of these poles (since registration when later)."""
        year_start, year_end = rules.year_bounds(now)
        poles, cs, status = _t(Pole), _t(ConnectionSession), _t(StatusEvent)
        registered: dict[str, datetime | None] = {}
        sessions: dict[str, list[ConnectionInterval]] = defaultdict(list)
        changes: dict[str, list[StatusChange]] = defaultdict(list)
        ids = sorted(set(pole_ids))
        row: Any
        with storage_errors(self.engine.url), self.engine.connect() as db:
            for i in range(0, len(ids), CHUNK):
                part = ids[i:i + CHUNK]
                for row in db.execute(sa.select(poles.c.id, poles.c.registered_at)
                                      .where(poles.c.id.in_(part))):
                    registered[row.id] = row.registered_at
                for row in db.execute(
                        sa.select(cs.c.pole_id, cs.c.started, cs.c.ended)
                        .where(cs.c.pole_id.in_(part), cs.c.started < now,
                               sa.or_(cs.c.ended.is_(None), cs.c.ended > year_start))):
                    sessions[row.pole_id].append(ConnectionInterval(row.started, row.ended))
                last = (sa.select(status.c.pole_id, status.c.connector_id,
                                  sa.func.max(status.c.timestamp).label("at"))
                        .where(status.c.pole_id.in_(part), status.c.timestamp < year_start)
                        .group_by(status.c.pole_id, status.c.connector_id).subquery())
                opening = sa.select(status.c.pole_id, status.c.timestamp,
                                    status.c.connector_id, status.c.status).join(
                    last, sa.and_(status.c.pole_id == last.c.pole_id,
                                  status.c.connector_id == last.c.connector_id,
                                  status.c.timestamp == last.c.at))
                during = (sa.select(status.c.pole_id, status.c.timestamp,
                                    status.c.connector_id, status.c.status)
                          .where(status.c.pole_id.in_(part), status.c.timestamp >= year_start,
                                 status.c.timestamp < now))
                for query in (opening, during):
                    for row in db.execute(query.order_by(status.c.timestamp, status.c.id)):
                        if row.connector_id >= 0:
                            changes[row.pole_id].append(
                                StatusChange(row.timestamp, row.connector_id, row.status))
        budgets = {}
        for pole_id in ids:
            start = max(year_start, registered.get(pole_id) or year_start)
            if start >= now:
                continue
            report = uptime(pole_id, sessions.get(pole_id, []), changes.get(pole_id, []),
                            start, now)
            budgets[pole_id] = rules.uptime_budget(report, year_start, year_end)
        return budgets

    def board(self, now: datetime, area: str | None = None) -> OutageBoard:
        """The board at ``now`` as the API sends it; ``area`` narrows it to one area
        (``operator/code``, or just the code)."""
        histories, locations = self.histories(now)
        entries = rules.board(histories, now)
        if area:
            entries = [e for e in entries if e.area is not None and (
                e.area == area or e.area.rsplit("/", 1)[-1] == area)]
        budgets = self.year_budgets([e.pole_id for e in entries], now)
        return OutageBoard(now, tuple(_record(e, locations.get(e.pole_id),
                                              budgets.get(e.pole_id)) for e in entries))


def _record(entry: rules.BoardEntry, location: LocationRecord | None,
            budget: rules.UptimeBudget | None) -> OutageRecord:
    return OutageRecord(
        entry.pole_id, entry.cause.value, entry.since, entry.sockets,
        tuple(EvidenceRecord(e.text, dict(e.facts)) for e in entry.evidence), entry.next_step,
        entry.area, location.one_line() or None if location else None,
        round(budget.percent, 3) if budget else None,
        round(budget.hours_left, 1) if budget else None)
