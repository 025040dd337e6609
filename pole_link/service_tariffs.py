"""Roaming tariffs through the operator API (issue 21): the one contract for the GUI's
Tariffs tab and the service's check of what an admin types — both use `tariff_problems`,
so a price the service would refuse is named in the same words before it is sent.

Prices are euros excluding VAT (OCPI's ``price`` is excl. VAT; ``vat`` is the percentage
on top).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pole_link.service_values import json_records as _records
from pole_link.service_values import json_time as _time

PRICE_LIMITS: dict[str, tuple[float, str]] = {
    "perKwh": (2.0, "The price per kWh"),
    "perHour": (25.0, "The price per hour"),
    "flat": (25.0, "The fee per session"),
}
"""Highest price accepted (euros excl. VAT), and how a sentence names it. Public charging
in the Netherlands costs well under these; a price above them is a typo (35 for 0.35)."""
VAT_MAX = 27.0
"""The highest VAT rate in the EU (%); the Netherlands charges 21 %."""


def tariff_problems(prices: Mapping[str, float], vat: float | None) -> list[str]:
    """Why these prices cannot be a tariff, in sentences (none: they can)."""
    problems: list[str] = []
    for key, (highest, name) in PRICE_LIMITS.items():
        price = prices.get(key, 0.0)
        if not 0 <= price <= highest:
            problems.append(f"{name} must be between € 0.00 and € {highest:.2f} excl. VAT; "
                            f"{price:g} is not (a decimal point slipped?).")
    if vat is not None and not 0 <= vat <= VAT_MAX:
        problems.append(f"VAT must be between 0 and {VAT_MAX:g} % (the Netherlands: 21 %); "
                        f"{vat:g} is not.")
    return problems


@dataclass(frozen=True, slots=True)
class TariffRecord:
    """One tariff as the operator API gives it."""

    id: str
    location_id: str | None
    """The pole it is for; None: fleet-wide."""
    currency: str = "EUR"
    flat: float = 0.0
    per_kwh: float = 0.0
    per_hour: float = 0.0
    vat: float | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> TariffRecord:
        if not item.get("id"):
            raise ValueError(f"a tariff without id: {dict(item)!r}")
        location = item.get("locationId")
        vat = item.get("vat")
        return cls(str(item["id"]), str(location) if location else None,
                   str(item.get("currency") or "EUR"), float(item.get("flat") or 0),
                   float(item.get("perKwh") or 0), float(item.get("perHour") or 0),
                   None if vat is None else float(vat), _time(item.get("updatedAt")))

    def body(self) -> dict[str, Any]:
        """What ``PUT /ocpi/tariffs/{id}`` takes."""
        return {"locationId": self.location_id, "currency": self.currency,
                "flat": self.flat, "perKwh": self.per_kwh, "perHour": self.per_hour,
                "vat": self.vat}


class TariffRequests:
    """The tariffs' calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def ocpi_tariffs(self) -> list[TariffRecord]:
        return _records(await self._request("GET", "/ocpi/tariffs",
                                            what="read the roaming tariffs"),
                        TariffRecord.from_json)

    async def set_ocpi_tariff(self, tariff: TariffRecord) -> TariffRecord:
        """Set (create or replace) a tariff; `ServiceRefused` says why it was refused."""
        return TariffRecord.from_json(await self._request(
            "PUT", f"/ocpi/tariffs/{tariff.id}", json=tariff.body(),
            what=f"set tariff {tariff.id}"))

    async def delete_ocpi_tariff(self, tariff_id: str) -> None:
        await self._request("DELETE", f"/ocpi/tariffs/{tariff_id}",
                            what=f"delete tariff {tariff_id}")
