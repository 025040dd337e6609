"""Pole locations as operators type them: one checked form, from the API or a CSV file.

Bad input is refused in words a technician understands (which field, what was wrong, what
is expected); a CSV import keeps every good row and names each bad row by its row number
(the header is row 1, as a spreadsheet shows it), so one typo never costs the other rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pole_link.service_outages import LocationRecord, coordinates_problem

TEXT_LIMITS = {"address": 200, "postcode": 16, "city": 100, "grid_operator": 32,
               "area_code": 32}
"""The columns' lengths in storage (`service.storage.pole_locations.PoleLocation`)."""
CSV_HEADER = ("pole_id", "address", "postcode", "city", "latitude", "longitude",
              "grid_operator", "area_code")
GRID_OPERATORS = ("Enexis", "Liander", "Stedin", "Coteq", "Rendo", "Westland Infra")
"""The Dutch netbeheerders, spelled the way the board shows them (eis 24 names the first
five); another name is accepted as typed, these are only matched case-insensitively."""


class LocationError(ValueError):
    """A location that cannot be stored, with the reason in words."""


def _number(name: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise LocationError(f"{name} must be a number of degrees, not {value!r}")
    try:
        return float(str(value).strip().replace(",", ".")) if isinstance(value, str) \
            else float(value)
    except (TypeError, ValueError):
        raise LocationError(f"{name} {value!r} is not a number of degrees "
                            "(e.g. 52.2551)") from None


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise LocationError(f"{name} must be text, not {value!r}")
    value = " ".join(value.split())
    if len(value) > TEXT_LIMITS[name]:
        raise LocationError(f"{name} is {len(value)} characters long; at most "
                            f"{TEXT_LIMITS[name]} fit")
    return value or None


def _operator(value: str | None) -> str | None:
    if value is None:
        return None
    for known in GRID_OPERATORS:
        if value.casefold() == known.casefold():
            return known
    return value


def check_location(pole_id: str, fields: Mapping[str, Any]) -> LocationRecord:
    """The location these fields describe, or `LocationError` saying what is wrong."""
    unknown = sorted(set(fields) - set(CSV_HEADER[1:]) - {"pole_id"})
    if unknown:
        raise LocationError(f"unknown field {', '.join(unknown)}; a location has "
                            f"{', '.join(CSV_HEADER[1:])}")
    latitude = _number("latitude", fields.get("latitude"))
    longitude = _number("longitude", fields.get("longitude"))
    problem = coordinates_problem(latitude, longitude)
    if problem is not None:
        raise LocationError(problem)
    postcode = _text("postcode", fields.get("postcode"))
    if postcode is not None:
        compact = postcode.replace(" ", "").upper()
        if len(compact) == 6 and compact[:4].isdigit() and compact[4:].isalpha():
            postcode = f"{compact[:4]} {compact[4:]}"
    return LocationRecord(
        pole_id, _text("address", fields.get("address")), postcode,
        _text("city", fields.get("city")), latitude, longitude,
        _operator(_text("grid_operator", fields.get("grid_operator"))),
        _text("area_code", fields.get("area_code")))


@dataclass
class ParsedLocations:
    locations: list[LocationRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_csv(text: str) -> ParsedLocations:
    """Every good row of a locations CSV (comma or semicolon, as Dutch spreadsheets save),
    and each bad row's number and reason."""
    parsed = ParsedLocations()
    text = text.lstrip("\ufeff")
    if not text.strip():
        parsed.errors.append("the file is empty: expected a header row "
                             f"{','.join(CSV_HEADER)}")
        return parsed
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    if "pole_id" not in header:
        parsed.errors.append(f"row 1: the header has no pole_id column (found: "
                             f"{', '.join(header) or 'nothing'}); expected "
                             f"{','.join(CSV_HEADER)}")
        return parsed
    unknown = [h for h in header if h and h not in CSV_HEADER]
    if unknown:
        parsed.errors.append(f"row 1: column {', '.join(unknown)} is not a location field "
                             "and was ignored")
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): v for k, v in raw.items()
               if k and (k or "").strip().lower() in CSV_HEADER}
        pole_id = (row.pop("pole_id", None) or "").strip()
        if not pole_id:
            if any((v or "").strip() for v in row.values()):
                parsed.errors.append(f"row {number}: no pole_id")
            continue
        try:
            location = check_location(pole_id, {k: v for k, v in row.items()})
        except LocationError as error:
            parsed.errors.append(f"row {number} ({pole_id}): {error}")
            continue
        if pole_id in seen:
            parsed.errors.append(f"row {number} ({pole_id}): the pole is also on row "
                                 f"{seen[pole_id]}; the later row counts")
            parsed.locations = [loc for loc in parsed.locations if loc.pole_id != pole_id]
        seen[pole_id] = number
        parsed.locations.append(location)
    return parsed
