"""``/api/v1/poles/{id}/settings``: grid operator, programme start and connection size.

Changing the connection size changes what the pole may draw, so the change is carried
through at once when the pole is connected: ``GridConnectionMaxCurrent`` is set (eis 33)
and the capacity profile re-deployed and verified; an offline pole gets both when it
next boots. The answer says which of these happened.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pole_link.errors import PoleLinkError
from service.api.routes import PREFIX, ApiError, PoleConnections
from service.policy.capacity import CapacityPolicy
from service.policy.pole_settings import (
    PoleSettings,
    PoleSettingsCache,
    apply_grid_limit,
)
from service.storage.repository import AsyncRepository

GridOperator = Literal["Enexis", "Liander", "Coteq", "Rendo", "Stedin"]
"""The same names as `GRID_OPERATORS`, spelled out so OpenAPI lists them."""


class SettingsBody(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    grid_operator: GridOperator | None = Field(default=None, alias="gridOperator")
    programme_start: AwareDatetime | None = Field(
        default=None, alias="programmeStart",
        description="start of the pole's programme (eis 24); subperiods count from it")
    connection_size: Literal["3x35", "3x25"] = Field(default="3x35", alias="connectionSize")


def _out(settings: PoleSettings) -> dict[str, Any]:
    return {"gridOperator": settings.grid_operator,
            "programmeStart": settings.programme_start.isoformat()
            if isinstance(settings.programme_start, datetime) else None,
            "connectionSize": settings.connection_size,
            "gridConnectionMaxCurrent": settings.grid_limit_a}


def build_settings_router(connections: PoleConnections, repository: AsyncRepository,
                          cache: PoleSettingsCache, policy: CapacityPolicy) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    async def known(pole_id: str) -> None:
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")

    @router.get("/poles/{pole_id}/settings")
    async def get_settings(pole_id: str) -> dict[str, Any]:
        await known(pole_id)
        return _out(cache.get(pole_id))

    @router.put("/poles/{pole_id}/settings")
    async def put_settings(pole_id: str, body: SettingsBody) -> dict[str, Any]:
        """Store the settings, then apply them to the pole if it is connected."""
        await known(pole_id)
        settings = PoleSettings(body.grid_operator, body.programme_start,
                                body.connection_size)
        await repository.upsert_pole(pole_id, grid_operator=body.grid_operator,
                                     programme_start=body.programme_start,
                                     connection_size=body.connection_size)
        cache.put(pole_id, settings)
        await repository.audit("api", f"settings → {pole_id}", str(_out(settings)))
        answer: dict[str, Any] = {"settings": _out(settings)}
        connection = connections.get(pole_id)
        if connection is None:
            answer["applied"] = "PoleOffline: applied when the pole next connects"
            return answer
        try:
            answer["gridConnectionMaxCurrent"] = await apply_grid_limit(connection, settings)
        except PoleLinkError as exc:
            answer["gridConnectionMaxCurrent"] = f"{type(exc).__name__}: {exc}"
        deployed = await policy.deploy(pole_id)
        answer["capacityProfile"] = {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in dataclasses.asdict(deployed).items()}
        return answer

    return router
