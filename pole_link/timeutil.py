"""Timestamps on the wire: ISO-8601 with an offset, always timezone-aware (PROTOCOL.md)."""

from __future__ import annotations

from datetime import UTC, datetime


def format_time(moment: datetime) -> str:
    """UTC with a ``Z``, millisecond precision: what OCPP peers parse most reliably."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in Paalwerk carries its offset")
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """Parse ISO-8601; a time without offset is refused rather than guessed."""
    if not isinstance(text, str):
        raise ValueError(f"time must be an ISO-8601 string, got {type(text).__name__}")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return moment


def utc_now() -> datetime:
    return datetime.now(UTC)
