"""The tender's reports of the operator API (eis 25, 30, 48) as typed values and calls.

A mixin of `pole_link.service_api.ServiceClient`, like the card register's: the reports
are one subject (issue 19) with their own records. The numbers are the service's, never
recomputed here: the grantor's evidence must come from one computation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pole_link.service_values import json_float as _float
from pole_link.service_values import json_int as _int
from pole_link.service_values import json_records as _records
from pole_link.service_values import json_time as _time
from pole_link.timeutil import format_time


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class LowCurrentOverruleRecord:
    """A low-current vehicle (eis 30) whose driver also pressed overrule: named."""

    transaction_id: int
    id_tag: str


@dataclass(frozen=True, slots=True)
class SubperiodRecord:
    """One pole's eis 25 compliance in one subperiod (`service.reports.compliance`)."""

    pole_id: str
    subperiod: str
    """``baseline``, ``subperiod 2`` or ``subperiod 3``."""
    start: datetime
    end: datetime
    complete: bool
    peak_transactions: int
    overruled: int
    overruled_percent: float | None
    target_percent: int | None
    aim_percent: int | None
    target_met: bool | None
    """None: no target (baseline) or no peak transactions to judge."""
    low_current_transactions: tuple[int, ...] = ()
    low_current_overruled: tuple[LowCurrentOverruleRecord, ...] = ()

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> SubperiodRecord:
        start, end = _time(item.get("start")), _time(item.get("end"))
        if not item.get("pole_id") or not item.get("subperiod") or start is None \
                or end is None:
            raise ValueError(f"an incomplete compliance row: {dict(item)!r}")
        named = tuple(LowCurrentOverruleRecord(_int(entry.get("transaction_id"), 0),
                                               str(entry.get("id_tag") or ""))
                      for entry in item.get("low_current_overruled") or ()
                      if isinstance(entry, Mapping))
        return cls(str(item["pole_id"]), str(item["subperiod"]), start, end,
                   bool(item.get("complete")), _int(item.get("peak_transactions"), 0),
                   _int(item.get("overruled"), 0), _float(item.get("overruled_percent")),
                   _int(item.get("target_percent")), _int(item.get("aim_percent")),
                   _flag(item.get("target_met")),
                   tuple(i for i in item.get("low_current_transactions") or ()
                         if isinstance(i, int)), named)


@dataclass(frozen=True, slots=True)
class UptimeRecord:
    """One pole's eis 48 uptime over one period (`service.reports.uptime`)."""

    pole_id: str
    start: datetime
    end: datetime
    period_seconds: float
    up_seconds: float
    connected_seconds: float
    available_seconds: float
    status_unknown_seconds: float
    percent: float
    meets_98: bool

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> UptimeRecord:
        start, end = _time(item.get("start")), _time(item.get("end"))
        percent = _float(item.get("percent"))
        if not item.get("pole_id") or start is None or end is None or percent is None:
            raise ValueError(f"an incomplete uptime row: {dict(item)!r}")

        def seconds(name: str) -> float:
            return _float(item.get(name)) or 0.0
        return cls(str(item["pole_id"]), start, end, seconds("period_seconds"),
                   seconds("up_seconds"), seconds("connected_seconds"),
                   seconds("available_seconds"), seconds("status_unknown_seconds"),
                   percent, bool(item.get("meets_98")))


def _pole(pole_id: str, tail: str) -> str:
    return f"/poles/{quote(pole_id, safe='')}{tail}"


class ReportRequests:
    """The reports' calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def compliance(self, pole_id: str, until: datetime) -> list[SubperiodRecord]:
        """eis 25/30 of one pole, every subperiod begun by ``until``. `LinkLost` (409) when
        the pole has no programme start to count from."""
        items = await self._request("GET", _pole(pole_id, "/compliance"),
                                    params={"until": format_time(until)},
                                    what=f"read {pole_id}'s compliance report")
        return _records(items, SubperiodRecord.from_json)

    async def uptime(self, pole_id: str, start: datetime, end: datetime) -> UptimeRecord:
        """eis 48 of one pole over ``[start, end)``."""
        item = await self._request("GET", _pole(pole_id, "/uptime"),
                                   params={"start": format_time(start),
                                           "end": format_time(end)},
                                   what=f"read {pole_id}'s uptime")
        return UptimeRecord.from_json(item)

    async def fleet_compliance(self, until: datetime) -> list[SubperiodRecord]:
        """eis 25/30 of every pole with a programme, by pole id."""
        items = await self._request("GET", "/reports/compliance",
                                    params={"until": format_time(until)}, timeout=120,
                                    what="read the fleet's compliance report")
        return _records(items, SubperiodRecord.from_json)

    async def fleet_uptime(self, start: datetime, end: datetime) -> list[UptimeRecord]:
        """eis 48 of every pole over ``[start, end)`` (from its registration if later)."""
        items = await self._request("GET", "/reports/uptime",
                                    params={"start": format_time(start),
                                            "end": format_time(end)}, timeout=120,
                                    what="read the fleet's uptime")
        return _records(items, UptimeRecord.from_json)

    async def compliance_csv(self, until: datetime, pole_id: str | None = None) -> str:
        """The compliance CSV of one pole, or of the fleet without ``pole_id``."""
        path = _pole(pole_id, "/compliance") if pole_id else "/reports/compliance"
        data: bytes = await self._request(
            "GET", path, params={"until": format_time(until), "format": "csv"}, raw=True,
            timeout=120, what=f"export {pole_id or 'the fleet'}'s compliance report")
        return data.decode("utf-8")

    async def uptime_csv(self, start: datetime, end: datetime,
                         pole_id: str | None = None) -> str:
        """The uptime CSV of one pole, or of the fleet without ``pole_id``."""
        path = _pole(pole_id, "/uptime") if pole_id else "/reports/uptime"
        data: bytes = await self._request(
            "GET", path, params={"start": format_time(start), "end": format_time(end),
                                 "format": "csv"}, raw=True, timeout=120,
            what=f"export {pole_id or 'the fleet'}'s uptime")
        return data.decode("utf-8")
