"""``/api/v1/outages`` and pole locations: the helpdesk's board of why poles are down.

The board is read on request, never cached: the rules are pure
(`service.outages.rules`) and the reads bounded (`service.outages.reads`), so a fleet of
10,000 poles answers within a second (``benchmarks/outage_board.py``), and the GUI asks
again when the live feed reports a connection or status change. Locations are set per
pole (PUT replaces, PATCH changes the fields given) or imported from CSV, where every
good row is kept and each bad row named with its row number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from pole_link.service_outages import ImportResult, LocationRecord
from service.api.routes import PREFIX, ApiError
from service.outages.locations import LocationError, check_location, parse_csv
from service.outages.reads import BoardReads
from service.storage.pole_locations import AsyncLocationRepository, PoleLocation
from service.storage.repository import AsyncRepository

Area = Annotated[str | None, Query(
    description="only this grid operator area: 'Enexis/ZW-12' or just the code 'ZW-12'")]
LocationBody = Annotated[dict[str, Any], Body(
    description="address, postcode, city, latitude, longitude (degrees, WGS84), "
                "grid_operator, area_code; missing fields are cleared (PUT) or kept (PATCH)")]


def _row(location: LocationRecord, at: datetime) -> PoleLocation:
    return PoleLocation(pole_id=location.pole_id, address=location.address,
                        postcode=location.postcode, city=location.city,
                        latitude=location.latitude, longitude=location.longitude,
                        grid_operator=location.grid_operator, area_code=location.area_code,
                        updated_at=at)


def _record(row: PoleLocation | None, pole_id: str) -> LocationRecord:
    if row is None:
        return LocationRecord(pole_id)
    return LocationRecord(row.pole_id, row.address, row.postcode, row.city, row.latitude,
                          row.longitude, row.grid_operator, row.area_code)


def build_outages_router(repository: AsyncRepository, locations: AsyncLocationRepository,
                         clock: Callable[[], datetime]) -> APIRouter:
    """The board and the location routes (mounted behind the operator guard)."""
    router = APIRouter(prefix=PREFIX, tags=["outages"])
    reads = BoardReads(repository.sync.engine)

    async def known(pole_id: str) -> None:
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")

    @router.get("/outages")
    async def outages(area: Area = None) -> dict[str, Any]:
        """Poles offline, faulted or not charging as they should, by probable cause
        (grid, telecom, hardware, firmware, capacity, security), each with its evidence,
        since when, the sockets affected, eis 48 uptime this year and hours left before
        it misses 98 %, and the next step."""
        board = await asyncio.to_thread(reads.board, clock(), area)
        return board.to_json()

    @router.get("/locations")
    async def all_locations() -> list[dict[str, Any]]:
        """Every pole location that is set, by pole id."""
        return [_record(row, row.pole_id).to_json() for row in await locations.all()]

    @router.get("/poles/{pole_id}/location")
    async def pole_location(pole_id: str) -> dict[str, Any]:
        """The pole's location; every field null when none is set."""
        await known(pole_id)
        return _record(await locations.get(pole_id), pole_id).to_json()

    async def store(pole_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        try:
            location = check_location(pole_id, fields)
        except LocationError as error:
            raise ApiError(422, "InvalidLocation", f"{pole_id}: {error}") from None
        await locations.put([_row(location, clock())])
        return location.to_json()

    @router.put("/poles/{pole_id}/location")
    async def put_location(pole_id: str, body: LocationBody) -> dict[str, Any]:
        """Set the pole's location (fields left out are cleared)."""
        await known(pole_id)
        return await store(pole_id, {k: v for k, v in body.items() if k != "pole_id"})

    @router.patch("/poles/{pole_id}/location")
    async def patch_location(pole_id: str, body: LocationBody) -> dict[str, Any]:
        """Change only the fields given (null clears one)."""
        await known(pole_id)
        current = _record(await locations.get(pole_id), pole_id).body()
        current.update({k: v for k, v in body.items() if k != "pole_id"})
        return await store(pole_id, current)

    @router.post("/locations/import", openapi_extra={"requestBody": {
        "required": True, "description": "CSV with the header pole_id,address,postcode,city,"
                                         "latitude,longitude,grid_operator,area_code (UTF-8; "
                                         "comma or semicolon)",
        "content": {"text/csv": {"schema": {"type": "string"}}}}})
    async def import_locations(request: Request) -> dict[str, Any]:
        """Store every good row; each bad one is named with its row number and reason."""
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(422, "InvalidRequest", "the CSV is not UTF-8 text: save it as "
                                                  "'CSV UTF-8'") from None
        parsed = parse_csv(text)
        found = await locations.known_poles([loc.pole_id for loc in parsed.locations])
        kept = [loc for loc in parsed.locations if loc.pole_id in found]
        errors = list(parsed.errors) + [
            f"{loc.pole_id}: no such pole is registered; its row was not imported"
            for loc in parsed.locations if loc.pole_id not in found]
        now = clock()
        await locations.put([_row(loc, now) for loc in kept])
        return ImportResult(len(kept), tuple(errors)).to_json()

    return router
