"""``/ocpi/2.2.1/locations``: the Locations module, Sender interface (we are the CPO):
the whole list paginated and filtered on ``last_updated``, or one location, EVSE or
connector. Only registered partners reach it (`Registry.authenticate`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.ocpi.envelope import OCPI_PREFIX, OcpiError, Status, answer
from service.ocpi.locations import location_of, stored_place
from service.ocpi.locations_page import locations_page
from service.ocpi.models import VERSION, Location, dumped
from service.ocpi.pagination import Page
from service.ocpi.registry import Registry
from service.ocpi.tariffs import TariffStore
from service.storage.repository import AsyncRepository


async def tariff_ids(tariffs: TariffStore | None
                     ) -> tuple[list[str], dict[str, list[str]]]:
    """The fleet-wide tariff's id (the last one set) and each pole's own tariff id: the
    ids a location's connectors name."""
    rows = await tariffs.listed() if tariffs is not None else []
    fleet = [row.id for row in rows if row.location_id is None][-1:]
    own = {row.location_id: [row.id] for row in rows if row.location_id is not None}
    return fleet, own


def build_locations_router(registry: Registry, repository: AsyncRepository,
                           clock: Callable[[], datetime],
                           tariffs: TariffStore | None = None) -> APIRouter:
    router = APIRouter(prefix=f"{OCPI_PREFIX}/{VERSION}/locations", tags=["ocpi"])

    async def allowed(request: Request) -> None:
        route = request.scope.get("route")
        await registry.authenticate(request.headers.get("Authorization"), "locations",
                                    f"{request.method} {getattr(route, 'path', '')}",
                                    request.headers)

    async def one(location_id: str) -> Location:
        pole = await repository.get_pole(location_id)
        if pole is None:
            raise OcpiError(404, Status.UNKNOWN_LOCATION,
                            f"no location {location_id!r} at this CPO")
        tariff = await tariffs.for_location(pole.id) if tariffs is not None else None
        return location_of(registry.identity, pole, await repository.connectors(pole.id),
                           [tariff.id] if tariff is not None else None,
                           await stored_place(repository, pole.id))

    @router.get("")
    async def locations(request: Request) -> JSONResponse:
        """A page of our locations (``offset``, ``limit``, ``date_from``, ``date_to``)."""
        await allowed(request)
        page = Page.of(request)
        found = await locations_page(repository.sync.engine, page.offset, page.limit,
                                     page.date_from, page.date_to)
        fleet, own = await tariff_ids(tariffs)
        items = [location_of(registry.identity, pole, found.connectors.get(pole.id, []),
                             own.get(pole.id, fleet), found.places.get(pole.id))
                 for pole in found.poles]
        return answer(request, dumped(items), clock(),
                      headers=page.headers(request, found.total))

    @router.get("/{location_id}")
    async def location(location_id: str, request: Request) -> JSONResponse:
        await allowed(request)
        return answer(request, dumped(await one(location_id)), clock())

    @router.get("/{location_id}/{evse_uid}")
    async def evse(location_id: str, evse_uid: str, request: Request) -> JSONResponse:
        await allowed(request)
        for item in (await one(location_id)).evses or []:
            if item.uid == evse_uid:
                return answer(request, dumped(item), clock())
        raise OcpiError(404, Status.UNKNOWN_LOCATION,
                        f"no EVSE {evse_uid!r} at location {location_id!r}")

    @router.get("/{location_id}/{evse_uid}/{connector_id}")
    async def connector(location_id: str, evse_uid: str, connector_id: str,
                        request: Request) -> JSONResponse:
        await allowed(request)
        for item in (await one(location_id)).evses or []:
            if item.uid == evse_uid:
                for plug in item.connectors:
                    if plug.id == connector_id:
                        return answer(request, dumped(plug), clock())
        raise OcpiError(404, Status.UNKNOWN_LOCATION,
                        f"no connector {connector_id!r} on EVSE {evse_uid!r}")

    return router
