"""The Audit screen's state without widgets: the filter as typed, the entries read so far,
and each entry as a table row in words (issue 17, eis 69).

Qt-free, like `gui.cards.lookup`. The period is typed as local dates (``2026-12-04``) in
the admin's zone and sent as instants: "until" includes the whole of its day. A date that is
no date is refused with a sentence naming the field, before anything is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gui.account_words import role_word
from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason
from pole_link.service_accounts import AuditRecord

ADMIN_ZONE = ZoneInfo("Europe/Amsterdam")
PAGE_SIZE = 200
"""Entries per request; "Load more" asks for the next page."""
API_PREFIX = "/api/v1"

_BAD_DATE = QT_TRANSLATE_NOOP("FleetRows", "%1: type a date as year-month-day, e.g. %2.")
_BACKWARDS = QT_TRANSLATE_NOOP("FleetRows", "The period ends before it starts.")
_RESULT_OK = QT_TRANSLATE_NOOP("FleetRows", "done")
_RESULT_REFUSED = QT_TRANSLATE_NOOP("FleetRows", "refused")
_RESULT_FAILED = QT_TRANSLATE_NOOP("FleetRows", "failed (%1)")
_RESULT_RECORDED = QT_TRANSLATE_NOOP("FleetRows", "recorded")


class FilterError(ValueError):
    """A filter the service cannot be asked with; ``reason`` says why in words."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.text())
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the admin asks for; None or empty: no limit on that field."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    pole_id: str | None = None
    action: str | None = None


def parse_filter(since: str, until: str, actor: str, pole: str, action: str, *,
                 zone: ZoneInfo = ADMIN_ZONE, since_label: str = "From",
                 until_label: str = "Until") -> AuditFilter:
    """The typed filter as a query; `FilterError` for a date that is no date."""
    start = _day(since, since_label, zone)
    end = _day(until, until_label, zone)
    if start is not None and end is not None and end < start:
        raise FilterError(Reason(_BACKWARDS))
    return AuditFilter(start, end + timedelta(days=1) if end is not None else None,
                       actor.strip() or None, pole.strip() or None, action.strip() or None)


def _day(text: str, label: str, zone: ZoneInfo) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FilterError(Reason(_BAD_DATE, (label, "2026-12-04"))) from None
    return datetime.combine(day, time(), zone)


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One entry as the table shows it."""

    time: str
    actor: str
    role: Reason | str
    action: str
    pole: str
    result: Reason
    refused: bool


def result_words(status: str) -> tuple[Reason, bool]:
    """The HTTP status the service recorded, in words; True for a refusal. An entry the
    service wrote itself (a card's new status, in words) has none: it is "recorded"."""
    if not status:
        return Reason(_RESULT_RECORDED), False
    if status.startswith("2"):
        return Reason(_RESULT_OK), False
    if status in ("401", "403"):
        return Reason(_RESULT_REFUSED), True
    return Reason(_RESULT_FAILED, (status,)), False


def row_of(entry: AuditRecord, zone: ZoneInfo) -> AuditRow:
    result, refused = result_words(entry.result)
    action = entry.action.replace(f" {API_PREFIX}/", " /")
    return AuditRow(entry.time.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), entry.actor,
                    role_word(entry.role), action, entry.pole_id or "—", result, refused)


class AuditTrail:
    """The entries read for the current filter, oldest first, and whether more may wait."""

    def __init__(self, zone: ZoneInfo = ADMIN_ZONE, page_size: int = PAGE_SIZE) -> None:
        self.zone = zone
        self.page_size = page_size
        self.filter = AuditFilter()
        self.entries: list[AuditRecord] = []
        self.more = False
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def start(self, audit_filter: AuditFilter, first_page: list[AuditRecord]) -> None:
        """The first page for a new filter replaces what was shown."""
        self.filter = audit_filter
        self.entries = []
        self.add_page(first_page)

    def add_page(self, page: list[AuditRecord]) -> None:
        """A further page ("Load more"); a full page means more may follow."""
        known = {entry.id for entry in self.entries}
        self.entries.extend(entry for entry in page if entry.id not in known)
        self.more = len(page) >= self.page_size
        self._changed()

    def clear(self) -> None:
        self.entries = []
        self.more = False
        self._changed()

    @property
    def offset(self) -> int:
        return len(self.entries)

    def rows(self) -> list[AuditRow]:
        return [row_of(entry, self.zone) for entry in self.entries]

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
