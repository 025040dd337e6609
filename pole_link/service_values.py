"""How the operator API's JSON values become Python values: one lenient reading for all.

Why a module of its own: `pole_link.service_api` (the client and its records),
`pole_link.service_cards` (the card register's records, a mixin of that client) and
`pole_link.service_accounts` (sign-in and users) read the same kinds of values from the
same service. One definition keeps them reading a missing
time, a boolean where a number belongs or a malformed row the same way: as absent, never
as a crash of the window that shows them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar, overload

from pole_link.timeutil import parse_time

__all__ = ["json_float", "json_int", "json_records", "json_str", "json_time"]

_R = TypeVar("_R")


def json_time(value: Any) -> datetime | None:
    """An ISO 8601 time, or None for anything else (missing, empty, not a string)."""
    if not isinstance(value, str) or not value:
        return None
    return parse_time(value)


def json_float(value: Any) -> float | None:
    """A number (not a boolean, which JSON keeps apart), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@overload
def json_int(value: Any) -> int | None: ...


@overload
def json_int(value: Any, default: int) -> int: ...


def json_int(value: Any, default: int | None = None) -> int | None:
    """An integer (not a boolean), or `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def json_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def json_records(items: Any, parse: Callable[[Mapping[str, Any]], _R]) -> list[_R]:
    """Every item that parses; one malformed row does not hide the others."""
    records = []
    for item in items if isinstance(items, list) else ():
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            records.append(parse(item))
    return records
