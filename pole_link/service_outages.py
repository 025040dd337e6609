"""The outage board and pole locations of the operator API (issue 19), as typed values and
calls.

A mixin of `pole_link.service_api.ServiceClient` like `pole_link.service_cards`: the board
(``GET /api/v1/outages``) says which poles are down and why, and locations (``…/location``,
``/locations``, ``/locations/import``) say where they stand and in which grid operator area.
The records here are what the service sends: it builds its JSON with the same ``to_json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pole_link.service_values import json_float as _float
from pole_link.service_values import json_int as _int
from pole_link.service_values import json_records as _records
from pole_link.service_values import json_str as _str
from pole_link.service_values import json_time as _time
from pole_link.timeutil import format_time

LATITUDE_NL = (50.7, 53.7)
"""The Netherlands, with a margin: a latitude outside it is a typo (or swapped with the
longitude), not a pole of this tender."""
LONGITUDE_NL = (3.2, 7.3)


@dataclass(frozen=True, slots=True)
class LocationRecord:
    """Where one pole stands; every field may be unknown."""

    pole_id: str
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    grid_operator: str | None = None
    """The netbeheerder (Enexis, Liander, …)."""
    area_code: str | None = None
    """The grid operator's area: poles there lose power together."""

    @property
    def area(self) -> str | None:
        """Operator and area as one key (``"Enexis/ZW-12"``); None without an area code."""
        if not self.area_code:
            return None
        return f"{self.grid_operator}/{self.area_code}" if self.grid_operator \
            else self.area_code

    def one_line(self) -> str:
        """``Kerkstraat 1, 7411 AB Deventer`` (what is known of it)."""
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.address, place) if p)

    def to_json(self) -> dict[str, Any]:
        return {"pole_id": self.pole_id, "address": self.address, "postcode": self.postcode,
                "city": self.city, "latitude": self.latitude, "longitude": self.longitude,
                "grid_operator": self.grid_operator, "area_code": self.area_code}

    def body(self) -> dict[str, Any]:
        """The fields an operator sets (a PUT body)."""
        item = self.to_json()
        del item["pole_id"]
        return item

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> LocationRecord:
        pole = _str(item.get("pole_id"))
        if not pole:
            raise ValueError(f"a location without pole_id: {dict(item)!r}")
        return cls(pole, _str(item.get("address")), _str(item.get("postcode")),
                   _str(item.get("city")), _float(item.get("latitude")),
                   _float(item.get("longitude")), _str(item.get("grid_operator")),
                   _str(item.get("area_code")))


def coordinates_problem(latitude: float | None, longitude: float | None) -> str | None:
    """Why these coordinates cannot be a pole in the Netherlands, in words; None if fine."""
    if (latitude is None) != (longitude is None):
        return "give both latitude and longitude, or neither"
    if latitude is None or longitude is None:
        return None
    if LONGITUDE_NL[0] <= latitude <= LONGITUDE_NL[1] and \
            LATITUDE_NL[0] <= longitude <= LATITUDE_NL[1]:
        return (f"latitude {latitude} and longitude {longitude} look swapped: in the "
                f"Netherlands the latitude is about 51–53 and the longitude about 3–7")
    if not LATITUDE_NL[0] <= latitude <= LATITUDE_NL[1]:
        return (f"latitude {latitude} is outside the Netherlands "
                f"({LATITUDE_NL[0]}–{LATITUDE_NL[1]} degrees north)")
    if not LONGITUDE_NL[0] <= longitude <= LONGITUDE_NL[1]:
        return (f"longitude {longitude} is outside the Netherlands "
                f"({LONGITUDE_NL[0]}–{LONGITUDE_NL[1]} degrees east)")
    return None


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a CSV import kept, and each refused row in words (with its row number)."""

    imported: int
    errors: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": list(self.errors)}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ImportResult:
        errors = item.get("errors")
        return cls(_int(item.get("imported"), 0),
                   tuple(str(e) for e in errors) if isinstance(errors, list) else ())


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """One finding of a rule: a sentence (English, for scripts and CSV) and the facts
    behind it, plus a stable ``code`` and the ``params`` that word it again in the app's
    language (times ISO 8601 UTC). A service older than codes sends none: the app then
    shows the sentence."""

    text: str
    facts: Mapping[str, str | int | float] = field(default_factory=dict)
    code: str | None = None
    params: Mapping[str, str | int | float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "facts": dict(self.facts), "code": self.code,
                "params": dict(self.params)}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> EvidenceRecord:
        text = _str(item.get("text"))
        if text is None:
            raise ValueError("evidence without text")
        return cls(text, _values(item.get("facts")), _str(item.get("code")),
                   _values(item.get("params")))


def _values(item: Any) -> dict[str, str | int | float]:
    """A JSON object of plain values (anything else left out)."""
    if not isinstance(item, Mapping):
        return {}
    return {str(k): v for k, v in item.items()
            if isinstance(v, str | int | float) and not isinstance(v, bool)}


@dataclass(frozen=True, slots=True)
class OutageRecord:
    """One pole on the board under one probable cause."""

    pole_id: str
    cause: str
    """``grid``, ``telecom``, ``hardware``, ``firmware``, ``capacity`` or ``security``."""
    since: datetime
    sockets: tuple[int, ...]
    evidence: tuple[EvidenceRecord, ...]
    next_step: str
    area: str | None = None
    location: str | None = None
    """The pole's address on one line, when known."""
    uptime_percent: float | None = None
    """eis 48: up this year so far."""
    hours_left: float | None = None
    """Hours the pole may still be down this year and meet 98 % (negative: missed)."""

    def to_json(self) -> dict[str, Any]:
        return {"pole_id": self.pole_id, "cause": self.cause, "since": format_time(self.since),
                "sockets": list(self.sockets),
                "evidence": [e.to_json() for e in self.evidence],
                "next_step": self.next_step, "area": self.area, "location": self.location,
                "uptime_percent": self.uptime_percent, "hours_left": self.hours_left}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> OutageRecord:
        pole, cause, since = _str(item.get("pole_id")), _str(item.get("cause")), _time(
            item.get("since"))
        if not pole or not cause or since is None:
            raise ValueError(f"an incomplete outage: {dict(item)!r}")
        sockets = item.get("sockets")
        return cls(pole, cause, since,
                   tuple(s for s in sockets if isinstance(s, int))
                   if isinstance(sockets, list) else (),
                   tuple(_records(item.get("evidence"), EvidenceRecord.from_json)),
                   _str(item.get("next_step")) or "", _str(item.get("area")),
                   _str(item.get("location")), _float(item.get("uptime_percent")),
                   _float(item.get("hours_left")))


@dataclass(frozen=True, slots=True)
class OutageBoard:
    """The board at one moment of the service's clock."""

    generated_at: datetime
    entries: tuple[OutageRecord, ...]

    def to_json(self) -> dict[str, Any]:
        return {"generated_at": format_time(self.generated_at),
                "entries": [e.to_json() for e in self.entries]}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> OutageBoard:
        at = _time(item.get("generated_at"))
        if at is None:
            raise ValueError("a board without generated_at")
        return cls(at, tuple(_records(item.get("entries"), OutageRecord.from_json)))


def _location_path(pole_id: str) -> str:
    return f"/poles/{quote(pole_id, safe='')}/location"


class OutageRequests:
    """The board's and the locations' calls; `ServiceClient` supplies ``_request``."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def outages(self, area: str | None = None) -> OutageBoard:
        """The outage board now; ``area`` (``operator/code`` or a code) narrows it."""
        params = {"area": area} if area else None
        return OutageBoard.from_json(await self._request(
            "GET", "/outages", params=params, what="read the outage board"))

    async def locations(self) -> list[LocationRecord]:
        """Every pole's location that is set."""
        return _records(await self._request("GET", "/locations", what="list the locations"),
                        LocationRecord.from_json)

    async def pole_location(self, pole_id: str) -> LocationRecord:
        """One pole's location (all fields None when none is set)."""
        return LocationRecord.from_json(await self._request(
            "GET", _location_path(pole_id), what=f"read the location of {pole_id}"))

    async def set_pole_location(self, location: LocationRecord) -> LocationRecord:
        """Set (replace) one pole's location; `ServiceRefused` 422 says what is wrong."""
        return LocationRecord.from_json(await self._request(
            "PUT", _location_path(location.pole_id), json=location.body(),
            what=f"set the location of {location.pole_id}"))

    async def import_locations(self, csv_text: str) -> ImportResult:
        """Import a CSV of locations (header: ``pole_id,address,postcode,city,latitude,
        longitude,grid_operator,area_code``): good rows are kept, bad ones listed."""
        return ImportResult.from_json(await self._request(
            "POST", "/locations/import", content=csv_text.encode("utf-8"),
            headers={"Content-Type": "text/csv"}, what="import locations"))
