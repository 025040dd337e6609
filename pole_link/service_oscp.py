"""Grid operators (OSCP capacity providers) and grid groups of the operator API
(``/api/v1/oscp/…``, ``/api/v1/grid-groups``), as typed values and calls (issue 22).

A mixin of `pole_link.service_api.ServiceClient`, like the card register's: one subject
with its own records; the client stays the one place that maps refusals onto errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pole_link.service_values import json_records as _records
from pole_link.service_values import json_time as _time


@dataclass(frozen=True, slots=True)
class CapacityProviderRecord:
    """A grid operator's system we speak OSCP 2.0 with; its state: new (not registered
    yet), registered, handshaken, online, offline (its heartbeats stopped)."""

    id: str
    name: str
    state: str
    base_url: str | None = None
    heartbeat_interval_s: int | None = None
    last_heartbeat: datetime | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> CapacityProviderRecord:
        interval = item.get("heartbeatIntervalS")
        return cls(str(item["id"]), str(item["name"]), str(item["state"]),
                   item.get("baseUrl"), int(interval) if interval is not None else None,
                   _time(item.get("lastHeartbeat")))


@dataclass(frozen=True, slots=True)
class NewCapacityProvider:
    """A capacity provider just added: its initial token is shown here only, once."""

    record: CapacityProviderRecord
    token: str
    register_url: str


@dataclass(frozen=True, slots=True)
class ForecastBlockRecord:
    start: datetime
    end: datetime
    amps: float

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ForecastBlockRecord:
        start, end = _time(item.get("start")), _time(item.get("end"))
        if start is None or end is None:
            raise ValueError(f"a forecast block without start or end: {dict(item)!r}")
        return cls(start, end, float(item["amps"]))


@dataclass(frozen=True, slots=True)
class GridGroupRecord:
    """One grid group: its poles, the cap in force (amperes per phase, None: uncapped),
    each pole's share, the poles paused, and why it may not comply."""

    group: str
    poles: tuple[str, ...]
    limit_a: float | None
    block_start: datetime | None
    block_end: datetime | None
    offers: Mapping[str, float]
    paused: tuple[str, ...]
    problems: tuple[str, ...]
    blocks: tuple[ForecastBlockRecord, ...]
    actual_a: Mapping[str, float] = field(default_factory=dict)
    """Per pole, what its vehicles drew at its latest meter values (per phase)."""

    @property
    def total_actual_a(self) -> float:
        return sum(self.actual_a.values())

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> GridGroupRecord:
        limit = item.get("limitA")
        return cls(str(item["group"]), tuple(str(p) for p in item.get("poles") or ()),
                   float(limit) if limit is not None else None,
                   _time(item.get("blockStart")), _time(item.get("blockEnd")),
                   {str(k): float(v) for k, v in (item.get("offers") or {}).items()},
                   tuple(str(p) for p in item.get("paused") or ()),
                   tuple(str(p) for p in item.get("problems") or ()),
                   tuple(_records(item.get("blocks"), ForecastBlockRecord.from_json)),
                   {str(k): float(v) for k, v in (item.get("actualA") or {}).items()})


class OscpRequests:
    """The calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def capacity_providers(self) -> list[CapacityProviderRecord]:
        return _records(await self._request("GET", "/oscp/partners",
                                            what="list the grid operators"),
                        CapacityProviderRecord.from_json)

    async def add_capacity_provider(self, provider_id: str, name: str) -> NewCapacityProvider:
        answer = await self._request("POST", "/oscp/partners",
                                     json={"id": provider_id, "name": name},
                                     what=f"add grid operator {name}")
        return NewCapacityProvider(CapacityProviderRecord.from_json(answer),
                                   str(answer["token"]), str(answer["registerUrl"]))

    async def remove_capacity_provider(self, provider_id: str) -> None:
        await self._request("DELETE", f"/oscp/partners/{quote(provider_id, safe='')}",
                            what=f"remove grid operator {provider_id}")

    async def grid_groups(self) -> list[GridGroupRecord]:
        return _records(await self._request("GET", "/grid-groups", what="read grid groups"),
                        GridGroupRecord.from_json)

    async def set_grid_group(self, pole_id: str, group: str | None) -> None:
        await self._request("PUT", f"/poles/{quote(pole_id, safe='')}/grid-group",
                            json={"group": group}, what=f"set the grid group of {pole_id}")

    async def import_grid_groups(self, csv_text: str) -> int:
        """Lines ``pole_id,group``; nothing is applied when any line is wrong."""
        answer = await self._request("POST", "/grid-groups/import",
                                     content=csv_text.encode(),
                                     headers={"Content-Type": "text/csv"},
                                     what="import grid groups")
        return int(answer["applied"])
