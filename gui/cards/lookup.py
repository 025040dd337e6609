"""The helpdesk's card lookup without Qt: what is known of one card and what may be done.

A caller on the phone says "my card does not work": the helpdesk needs the register's
verdict, the card's recent transactions (did it charge at all, where, how much) and one
action — block or unblock. The rules (when an Accepted card counts as expired, which
button applies, how a transaction reads) live here, tested as plain Python; the view only
shows them. Requests to the service go through `fetch` and `set_blocked`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from pole_link.service_api import ServiceRefused
from pole_link.service_cards import (
    CardRequests,
    CardStatus,
    CardTransactionRecord,
    IdTagRecord,
)

ID_TAG_MAX = 20
"""OCPP 1.6 IdToken length."""
HELPDESK_ZONE = ZoneInfo("Europe/Amsterdam")
"""Drivers phone about local time (SPEC.md "Time")."""
DASH = "—"


class Verdict(StrEnum):
    """What the register says of the card now."""

    NOT_LOOKED_UP = "not looked up"
    UNKNOWN = "unknown"
    """Not in the register: the service's unknown-card setting answers for it."""
    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"


class QueryError(ValueError):
    """What the helpdesk typed is not a card number; the reason is the message."""


def check_query(text: str) -> str:
    """The card number to look up, or `QueryError` saying why not."""
    tag = text.strip()
    if not tag:
        raise QueryError("empty")
    if len(tag) > ID_TAG_MAX:
        raise QueryError("too long")
    return tag


@dataclass(frozen=True)
class TransactionRow:
    """One transaction as the table shows it (local time, kWh)."""

    pole: str
    socket: str
    started: str
    stopped: str
    energy_kwh: str
    reason: str


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else DASH


class CardLookup:
    """One looked-up card; listeners hear every change (the view redraws)."""

    def __init__(self, zone: ZoneInfo = HELPDESK_ZONE) -> None:
        self.zone = zone
        self.query = ""
        self.card: IdTagRecord | None = None
        self.transactions: tuple[CardTransactionRecord, ...] = ()
        self.looked_up = False
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def show(self, query: str, card: IdTagRecord | None,
             transactions: list[CardTransactionRecord]) -> None:
        """The service's answer to a lookup (``card`` None: not in the register)."""
        self.query, self.card, self.looked_up = query, card, True
        self.transactions = tuple(transactions)
        self._changed()

    def card_changed(self, card: IdTagRecord) -> None:
        """The service confirmed a block or unblock."""
        self.card = card
        self._changed()

    def verdict(self, now: datetime) -> Verdict:
        if not self.looked_up:
            return Verdict.NOT_LOOKED_UP
        if self.card is None:
            return Verdict.UNKNOWN
        if self.card.expired_at(now):
            return Verdict.EXPIRED
        try:
            return Verdict(self.card.status)
        except ValueError:
            return Verdict.INVALID

    @property
    def can_block(self) -> bool:
        """Any card looked up may be blocked, one not in the register too (it is then
        registered as Blocked: a lost card of another provider can be stopped here)."""
        return self.looked_up and (self.card is None or self.card.status != "Blocked")

    @property
    def can_unblock(self) -> bool:
        return self.card is not None and self.card.status == "Blocked"

    def rows(self) -> list[TransactionRow]:
        return [TransactionRow(
            t.pole_id, str(t.connector_id), _local(t.started, self.zone),
            _local(t.stopped, self.zone),
            f"{t.energy_wh / 1000:.2f}" if t.energy_wh is not None else DASH,
            t.stop_reason or DASH) for t in self.transactions]


async def fetch(client: CardRequests, tag: str, *, limit: int = 20
                ) -> tuple[IdTagRecord | None, list[CardTransactionRecord]]:
    """The card (None when the register does not hold it) and its newest transactions."""
    try:
        card: IdTagRecord | None = await client.id_tag(tag)
    except ServiceRefused as refused:
        if refused.status != 404:
            raise
        card = None
    return card, await client.id_tag_transactions(tag, limit=limit)


async def set_blocked(client: CardRequests, lookup: CardLookup, blocked: bool
                      ) -> IdTagRecord:
    """Block (or unblock) the looked-up card, keeping its expiry date and group."""
    status: CardStatus = "Blocked" if blocked else "Accepted"
    if lookup.card is None:
        return await client.put_id_tag(lookup.query, status)
    return await client.set_id_tag_status(lookup.card, status)
