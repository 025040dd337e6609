"""The card register of the operator API (``/api/v1/id-tags``), as typed values and calls.

A mixin of `pole_link.service_api.ServiceClient` rather than more lines in it: the
register is one subject (issue 16) with its own records, and the client stays the one
place that maps the service's refusals onto `pole_link.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from pole_link.service_values import json_int as _int
from pole_link.service_values import json_records as _records
from pole_link.service_values import json_time as _time
from pole_link.timeutil import format_time

CardStatus = Literal["Accepted", "Blocked", "Expired", "Invalid"]
CARD_STATUSES: tuple[CardStatus, ...] = ("Accepted", "Blocked", "Expired", "Invalid")


@dataclass(frozen=True, slots=True)
class IdTagRecord:
    """One card of the register."""

    id_tag: str
    status: str
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> IdTagRecord:
        if not item.get("idTag") or not item.get("status"):
            raise ValueError(f"a card without idTag or status: {dict(item)!r}")
        parent = item.get("parentIdTag")
        return cls(str(item["idTag"]), str(item["status"]), _time(item.get("expiryDate")),
                   str(parent) if parent else None, _time(item.get("updatedAt")))

    def expired_at(self, now: datetime) -> bool:
        """Would the service answer Expired at ``now`` (an Accepted card past its date)?"""
        return (self.status == "Accepted" and self.expiry_date is not None
                and self.expiry_date <= now)


@dataclass(frozen=True, slots=True)
class IdTagPage:
    """One page of the register and how many cards match in all."""

    items: tuple[IdTagRecord, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class CardTransactionRecord:
    """One transaction of a card, on whichever pole it ran."""

    id: int
    pole_id: str
    connector_id: int
    id_tag: str
    started: datetime
    stopped: datetime | None = None
    energy_wh: float | None = None
    stop_reason: str | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> CardTransactionRecord:
        started = _time(item.get("started"))
        if not isinstance(item.get("id"), int) or not item.get("pole_id") or started is None:
            raise ValueError(f"an incomplete transaction: {dict(item)!r}")
        start, stop = item.get("meter_start"), item.get("meter_stop")
        energy = float(stop - start) if isinstance(start, int | float) and isinstance(
            stop, int | float) else None
        reason = item.get("stop_reason")
        return cls(int(item["id"]), str(item["pole_id"]), _int(item.get("connector_id"), 0),
                   str(item.get("id_tag") or ""), started, _time(item.get("stopped")),
                   energy, str(reason) if reason else None)


@dataclass(frozen=True, slots=True)
class CsvImportReport:
    """What an import registered, and each refused line in words."""

    imported: int
    errors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LocalListResult:
    """The outcome of sending the register to a pole as its local list."""

    status: str
    """The pole's answer (Accepted, Failed, NotSupported, VersionMismatch) or UpToDate."""
    update_type: str
    list_version: int
    entries: int
    messages: int
    notes: tuple[str, ...]

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> LocalListResult:
        return cls(str(item.get("status")), str(item.get("updateType")),
                   _int(item.get("listVersion"), 0), _int(item.get("entries"), 0),
                   _int(item.get("messages"), 0),
                   tuple(str(note) for note in item.get("notes") or ()))


def _path(id_tag: str, tail: str = "") -> str:
    return f"/id-tags/{quote(id_tag, safe='')}{tail}"


class CardRequests:
    """The register's calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def id_tags(self, search: str | None = None, *, offset: int = 0, limit: int = 100
                      ) -> IdTagPage:
        """A page of the register by tag; ``search`` matches tag or group, any case."""
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if search:
            params["search"] = search
        page = await self._request("GET", "/id-tags", params=params, what="list the cards")
        return IdTagPage(tuple(_records(page.get("items"), IdTagRecord.from_json)),
                         _int(page.get("total"), 0), _int(page.get("offset"), 0),
                         _int(page.get("limit"), limit))

    async def id_tag(self, id_tag: str) -> IdTagRecord:
        """One card; `ServiceRefused` (404, ``UnknownIdTag``) when the register lacks it."""
        return IdTagRecord.from_json(await self._request(
            "GET", _path(id_tag), what=f"read card {id_tag}"))

    async def put_id_tag(self, id_tag: str, status: CardStatus, *,
                         expiry_date: datetime | None = None,
                         parent_id_tag: str | None = None) -> IdTagRecord:
        """Register the card, or replace all that is known of it."""
        body: dict[str, Any] = {"status": status}
        if expiry_date is not None:
            body["expiryDate"] = format_time(expiry_date)
        if parent_id_tag:
            body["parentIdTag"] = parent_id_tag
        return IdTagRecord.from_json(await self._request(
            "PUT", _path(id_tag), json=body, what=f"register card {id_tag}"))

    async def set_id_tag_status(self, card: IdTagRecord, status: CardStatus) -> IdTagRecord:
        """Block or unblock a card, keeping its expiry date and group."""
        return await self.put_id_tag(card.id_tag, status, expiry_date=card.expiry_date,
                                     parent_id_tag=card.parent_id_tag)

    async def delete_id_tag(self, id_tag: str) -> None:
        await self._request("DELETE", _path(id_tag), what=f"delete card {id_tag}")

    async def id_tag_transactions(self, id_tag: str, *, limit: int = 20
                                  ) -> list[CardTransactionRecord]:
        """The card's newest transactions on every pole, newest first."""
        items = await self._request("GET", _path(id_tag, "/transactions"),
                                    params={"limit": limit},
                                    what=f"read card {id_tag}'s transactions")
        return _records(items, CardTransactionRecord.from_json)

    async def export_id_tags(self) -> str:
        """The register as CSV (what `import_id_tags` reads)."""
        data: bytes = await self._request("GET", "/id-tags", params={"format": "csv"},
                                          raw=True, what="export the cards")
        return data.decode("utf-8")

    async def import_id_tags(self, csv_text: str) -> CsvImportReport:
        """Register every good line; the report names each bad line and why."""
        report = await self._request("POST", "/id-tags/import", content=csv_text.encode(),
                                     headers={"Content-Type": "text/csv"},
                                     what="import the cards")
        return CsvImportReport(_int(report.get("imported"), 0),
                               tuple(str(e) for e in report.get("errors") or ()))

    async def send_local_list(self, pole_id: str,
                              update_type: Literal["Full", "Differential"] = "Differential"
                              ) -> LocalListResult:
        """Send the register to the pole as its local authorisation list."""
        item = await self._request("POST", f"/poles/{quote(pole_id, safe='')}/local-list",
                                   json={"updateType": update_type},
                                   what=f"send the local list to {pole_id}")
        return LocalListResult.from_json(item)

    async def local_list_version(self, pole_id: str) -> int:
        """The pole's own list version (GetLocalListVersion, asked live)."""
        item = await self._request("GET", f"/poles/{quote(pole_id, safe='')}/local-list",
                                   what=f"read {pole_id}'s local list version")
        return _int(item.get("listVersion"), -1)
