"""A pole's OCPP 1.6 local authorisation list: what the CSMS sent with SendLocalList.

Kept apart from `VirtualPole` because its rules are OCPP's own, not the pole's physics:
a Full update replaces the list (an empty one clears it), a Differential one adds or
replaces the cards that carry ``idTagInfo`` and removes those that do not, and must carry
a higher version than the list held (else VersionMismatch); an update longer than
``SendLocalListMaxLength``, one that would make the list longer than
``LocalAuthListMaxLength``, or one with an unreadable entry is Failed and changes nothing.
Tags compare without regard to case (OCPP IdToken is a CiString).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ocpp.v16.enums import UpdateStatus

from pole_link.timeutil import parse_time


@dataclass(frozen=True)
class ListedCard:
    id_tag: str
    status: str
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


class BadEntry(ValueError):
    """An entry of a SendLocalList that cannot be read."""


def _field(entry: Mapping[str, object], snake: str, camel: str) -> object:
    """The ocpp library hands handlers snake_case; the local port's raw JSON is camelCase."""
    return entry.get(snake, entry.get(camel))


def read_entry(entry: Mapping[str, object]) -> tuple[str, ListedCard | None]:
    """(key, card), or (key, None) for a removal; `BadEntry` when unreadable."""
    tag = _field(entry, "id_tag", "idTag")
    if not isinstance(tag, str) or not tag:
        raise BadEntry(f"an entry without an idTag: {dict(entry)!r}")
    info = _field(entry, "id_tag_info", "idTagInfo")
    if info is None:
        return tag.upper(), None
    if not isinstance(info, Mapping) or not isinstance(info.get("status"), str):
        raise BadEntry(f"{tag}: idTagInfo without a status")
    expiry = _field(info, "expiry_date", "expiryDate")
    try:
        expiry_date = parse_time(expiry) if isinstance(expiry, str) else None
    except ValueError as exc:
        raise BadEntry(f"{tag}: {exc}") from None
    parent = _field(info, "parent_id_tag", "parentIdTag")
    return tag.upper(), ListedCard(tag, str(info["status"]), expiry_date,
                                   parent if isinstance(parent, str) else None)


class LocalAuthList:
    """The list and its version (0: none received, or cleared by an empty Full)."""

    def __init__(self) -> None:
        self.version = 0
        self._cards: dict[str, ListedCard] = {}

    def __len__(self) -> int:
        return len(self._cards)

    def update(self, version: int, update_type: str, entries: Iterable[Mapping[str, object]],
               *, max_update: int, max_length: int) -> UpdateStatus:
        """Apply one SendLocalList, all or nothing."""
        entries = list(entries)
        if update_type == "Differential" and version <= self.version:
            return UpdateStatus.version_mismatch
        if len(entries) > max_update:
            return UpdateStatus.failed
        try:
            read = [read_entry(entry) for entry in entries]
        except BadEntry:
            return UpdateStatus.failed
        cards = {} if update_type == "Full" else dict(self._cards)
        for key, card in read:
            if card is None:
                cards.pop(key, None)
            else:
                cards[key] = card
        if len(cards) > max_length:
            return UpdateStatus.failed
        self._cards = cards
        self.version = version
        return UpdateStatus.accepted

    def card(self, id_tag: str) -> ListedCard | None:
        return self._cards.get(id_tag.upper())

    def status(self, id_tag: str, now: datetime) -> str | None:
        """The list's verdict on the card at ``now`` (the pole's clock), None if unlisted:
        an Accepted card past its expiry date is Expired."""
        card = self.card(id_tag)
        if card is None:
            return None
        if card.status == "Accepted" and card.expiry_date is not None \
                and card.expiry_date <= now:
            return "Expired"
        return card.status
