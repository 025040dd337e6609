"""Tariffs (mod_tariffs, we are the Sender): simple prices an operator sets fleet-wide or
for one location — a flat fee per session, a price per kWh and a price per hour — served
to partners, named on each connector (``tariff_ids``) and used for a CDR's cost.

Set through the operator API (`build_tariffs_api_router`, admins), read by partners at
``/ocpi/2.2.1/tariffs`` (paginated). A location's own tariff wins over the fleet-wide one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Field as SqlField
from sqlmodel import Session, SQLModel, col, select

from pole_link.service_tariffs import tariff_problems
from service.api.routes import PREFIX, ApiError
from service.ocpi.envelope import OCPI_PREFIX, answer
from service.ocpi.identity import OcpiIdentity
from service.ocpi.models import (
    VERSION,
    PriceComponent,
    Tariff,
    TariffDimensionType,
    TariffElement,
    dumped,
)
from service.ocpi.pagination import Page
from service.ocpi.registry import Registry
from service.storage.database import storage_errors
from service.storage.models import _time
from service.storage.repository import AsyncRepository


class TariffRow(SQLModel, table=True):
    __tablename__ = "ocpi_tariffs"

    id: str = SqlField(primary_key=True, max_length=36)
    location_id: str | None = SqlField(default=None, max_length=36)
    """None: fleet-wide."""
    currency: str = SqlField(max_length=3)
    flat: float = 0.0
    per_kwh: float = 0.0
    per_hour: float = 0.0
    vat: float | None = None
    """VAT (%) on top of the prices, which are excl. VAT as OCPI's are; None: not said."""
    updated_at: datetime = _time()

    def cost(self, kwh: float, hours: float) -> float:
        return round(self.flat + self.per_kwh * kwh + self.per_hour * hours, 2)

    def ocpi(self, identity: OcpiIdentity) -> Tariff:
        components = [PriceComponent(type=kind, price=price, vat=self.vat, step_size=1)
                      for kind, price in ((TariffDimensionType.FLAT, self.flat),
                                          (TariffDimensionType.ENERGY, self.per_kwh),
                                          (TariffDimensionType.TIME, self.per_hour))
                      if price > 0] or [PriceComponent(type=TariffDimensionType.FLAT,
                                                       price=0.0, vat=self.vat, step_size=1)]
        return Tariff(country_code=identity.country_code, party_id=identity.party_id,
                      id=self.id, currency=self.currency,
                      elements=[TariffElement(price_components=components)],
                      last_updated=self.updated_at)


class TariffStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _listed(self) -> list[TariffRow]:
        with storage_errors(self.engine.url), Session(self.engine,
                                                      expire_on_commit=False) as session:
            return list(session.exec(select(TariffRow).order_by(
                col(TariffRow.updated_at), col(TariffRow.id))).all())

    def _save(self, row: TariffRow) -> None:
        with storage_errors(self.engine.url), Session(self.engine) as session:
            session.merge(row)
            session.commit()

    def _delete(self, tariff_id: str) -> bool:
        with storage_errors(self.engine.url), Session(self.engine) as session:
            row = session.get(TariffRow, tariff_id)
            if row is None:
                return False
            session.delete(row)
            session.commit()
            return True

    async def listed(self) -> list[TariffRow]:
        return await asyncio.to_thread(self._listed)

    async def save(self, row: TariffRow) -> None:
        await asyncio.to_thread(self._save, row)

    async def delete(self, tariff_id: str) -> bool:
        return await asyncio.to_thread(self._delete, tariff_id)

    async def for_location(self, location_id: str) -> TariffRow | None:
        """The location's own tariff, else the fleet-wide one, else none."""
        rows = await self.listed()
        own = [row for row in rows if row.location_id == location_id]
        fleet = [row for row in rows if row.location_id is None]
        chosen = own or fleet
        return chosen[-1] if chosen else None


def build_tariffs_router(registry: Registry, store: TariffStore,
                         clock: Callable[[], datetime]) -> APIRouter:
    """``GET /ocpi/2.2.1/tariffs``: our tariffs for registered partners, paginated."""
    router = APIRouter(prefix=f"{OCPI_PREFIX}/{VERSION}/tariffs", tags=["ocpi"])

    @router.get("")
    async def tariffs(request: Request) -> JSONResponse:
        await registry.authenticate(request.headers.get("Authorization"), "tariffs",
                                    "GET /ocpi/2.2.1/tariffs", request.headers)
        page = Page.of(request)
        items, total = page.select([row.ocpi(registry.identity)
                                    for row in await store.listed()],
                                   lambda item: item.last_updated)
        return answer(request, dumped(items), clock(), headers=page.headers(request, total))

    return router


class TariffBody(BaseModel):
    locationId: Annotated[str, Field(min_length=1, max_length=36,  # noqa: N815 - JSON
                                     pattern=r"^[\x21-\x7e]+$")] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    flat: Annotated[float, Field(allow_inf_nan=False)] = 0.0
    perKwh: Annotated[float, Field(allow_inf_nan=False)] = 0.0  # noqa: N815 - JSON
    perHour: Annotated[float, Field(allow_inf_nan=False)] = 0.0  # noqa: N815 - JSON
    vat: Annotated[float | None, Field(allow_inf_nan=False)] = None
    """Ranges: `pole_link.service_tariffs.tariff_problems`, refused in its sentences."""


def tariff_json(row: TariffRow) -> dict[str, Any]:
    return {"id": row.id, "locationId": row.location_id, "currency": row.currency,
            "flat": row.flat, "perKwh": row.per_kwh, "perHour": row.per_hour,
            "vat": row.vat, "updatedAt": row.updated_at.isoformat()}


TariffId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9_.-]+$")]


def build_tariffs_api_router(store: TariffStore, repository: AsyncRepository,
                             clock: Callable[[], datetime]) -> APIRouter:
    """``/api/v1/ocpi/tariffs``: everyone reads, admins set and delete."""
    router = APIRouter(prefix=PREFIX, tags=["roaming partners"])

    @router.get("/ocpi/tariffs")
    async def list_tariffs() -> list[dict[str, Any]]:
        return [tariff_json(row) for row in await store.listed()]

    @router.put("/ocpi/tariffs/{tariff_id}")
    async def put_tariff(tariff_id: TariffId, body: TariffBody) -> dict[str, Any]:
        """Set a tariff: fleet-wide without ``locationId``, else for that pole; a price
        out of range is refused (422 ``InvalidTariff``) in a sentence, nothing stored."""
        problems = tariff_problems({"flat": body.flat, "perKwh": body.perKwh,
                                    "perHour": body.perHour}, body.vat)
        if problems:
            raise ApiError(422, "InvalidTariff", " ".join(problems))
        row = TariffRow(id=tariff_id, location_id=body.locationId, currency=body.currency,
                        flat=body.flat, per_kwh=body.perKwh, per_hour=body.perHour,
                        vat=body.vat, updated_at=clock())
        await store.save(row)
        await repository.audit("api", "ocpi-tariff.set",
                               f"{tariff_id}: {tariff_json(row)}")
        return tariff_json(row)

    @router.delete("/ocpi/tariffs/{tariff_id}")
    async def delete_tariff(tariff_id: TariffId) -> dict[str, Any]:
        if not await store.delete(tariff_id):
            raise ApiError(404, "UnknownTariff", f"no tariff {tariff_id!r}")
        await repository.audit("api", "ocpi-tariff.delete", tariff_id)
        return {"deleted": tariff_id}

    return router
