"""The card register as CSV: what the helpdesk exports, edits in a spreadsheet and imports.

Columns: ``idTag,status,expiryDate,parentIdTag`` (the header is required, in any order;
expiryDate ISO-8601 with an offset, or empty). An import keeps every good line and names
each bad one with its line number and the reason in words; an export reads back as the
same register.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from pole_link.timeutil import format_time, parse_time
from service.storage.id_tag_models import ID_TAG_MAX, IdTagRow
from service.storage.id_tags import IdTagWrite, tag_key

COLUMNS = ("idTag", "status", "expiryDate", "parentIdTag")
STATUSES = ("Accepted", "Blocked", "Expired", "Invalid")


class CardError(ValueError):
    """A card that cannot be registered, and why (in words)."""


def check_card(id_tag: str, status: str, expiry: str | None, parent: str | None
               ) -> IdTagWrite:
    """A card from text fields, or `CardError` naming what is wrong."""
    id_tag = id_tag.strip()
    if not id_tag:
        raise CardError("idTag is empty")
    if len(id_tag) > ID_TAG_MAX:
        raise CardError(f"idTag {id_tag!r} is longer than {ID_TAG_MAX} characters "
                        "(OCPP 1.6 IdToken)")
    status = status.strip()
    if status not in STATUSES:
        raise CardError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    expiry_date = None
    if expiry and expiry.strip():
        try:
            expiry_date = parse_time(expiry.strip())
        except ValueError:
            raise CardError(f"expiryDate {expiry.strip()!r} is not an ISO-8601 time with an "
                            "offset, e.g. 2027-01-31T23:59:59+01:00") from None
    parent_id_tag = parent.strip() if parent and parent.strip() else None
    if parent_id_tag is not None and len(parent_id_tag) > ID_TAG_MAX:
        raise CardError(f"parentIdTag {parent_id_tag!r} is longer than {ID_TAG_MAX} "
                        "characters")
    return IdTagWrite(id_tag, status, expiry_date, parent_id_tag)


@dataclass(frozen=True)
class ParsedCsv:
    cards: list[IdTagWrite]
    errors: list[str]
    """One sentence per bad line: ``line 4: status 'Blokked' is not one of …``."""


def parse_csv(text: str) -> ParsedCsv:
    """Every good line as a card, every bad line as an error; a later line for the same
    tag (any case) replaces an earlier one, as it would in the register."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or ()]
    missing = [name for name in ("idTag", "status") if name not in header]
    if missing:
        return ParsedCsv([], [f"line 1: the header must name the columns "
                              f"{', '.join(COLUMNS)}; missing: {', '.join(missing)}"])
    reader.fieldnames = header
    cards: dict[str, IdTagWrite] = {}
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line, as spreadsheets leave at the end
        if None in row:
            errors.append(f"line {line}: more fields than the header has columns")
            continue
        try:
            card = check_card(row.get("idTag") or "", row.get("status") or "",
                              row.get("expiryDate"), row.get("parentIdTag"))
        except CardError as error:
            errors.append(f"line {line}: {error}")
            continue
        cards[tag_key(card.id_tag)] = card
    return ParsedCsv(list(cards.values()), errors)


def to_csv(rows: Iterable[IdTagRow]) -> str:
    """The register as CSV, by tag; `parse_csv` reads it back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow((row.id_tag, row.status,
                         format_time(row.expiry_date) if row.expiry_date else "",
                         row.parent_id_tag or ""))
    return out.getvalue()
