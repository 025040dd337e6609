"""What a rollout decides without I/O: which version is older, and when a start may be.

Versions are compared without a packaging library: split into runs of digits and of
other characters, digits compared as numbers (``1.10`` > ``1.9``), text as text, text
above a number where they meet. A leading name (the letters before the first digit, as in
``sim-0.1.0``) is not part of the version. Pre-release rules (``1.4-rc1`` < ``1.4``) are
not attempted: a suffix sorts after.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")
PEAK = (time(17), time(21))
"""SPEC.md: the evening peak, local wall-clock time."""

_PART = re.compile(r"\d+|[A-Za-z]+")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key: ``(0, number)`` for digits, ``(1, text)`` for letters; separators
    (``.``, ``-``, ``_``) only split."""
    version = re.sub(r"^[^0-9]*", "", version)
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower())
                 for part in _PART.findall(version))


def version_below(version: str | None, limit: str) -> bool:
    """Is ``version`` older than ``limit``? An unknown version counts as older."""
    return version is None or version_key(version) < version_key(limit)


def parse_hhmm(text: str) -> time:
    """``"02:00"`` → 02:00; ValueError names what is wrong."""
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", text)
    if match is None:
        raise ValueError(f"{text!r} is not a time of day as HH:MM (00:00–23:59)")
    return time(int(match[1]), int(match[2]))


def _within(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # wraps past midnight


def may_start(at: datetime, window_start: str | None, window_end: str | None,
              avoid_peak: bool) -> bool:
    """May a pole be started at ``at``: inside the window (local time) if one is set, and,
    with ``avoid_peak``, not inside the 17:00–21:00 peak?"""
    local = at.astimezone(LOCAL).time()
    if avoid_peak and _within(local, *PEAK):
        return False
    if window_start is not None and window_end is not None:
        return _within(local, parse_hhmm(window_start), parse_hhmm(window_end))
    return True
