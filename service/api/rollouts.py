"""Firmware rollouts (issue 14, across the fleet): the operator's routes.

A rollout sends one accepted signed package (by its image's SHA-256) to a set of poles —
named, or chosen by a filter such as "firmware older than 2.0" — a few at a time, inside
a start window, halting on too many failures. `service.rollouts.RolloutRunner` does the
work; these routes only check and hand over.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.api.params import RowId
from service.api.routes import PREFIX, ApiError
from service.rollouts.plan import parse_hhmm
from service.rollouts.runner import RolloutError, RolloutPlan, RolloutRunner, rollout_json
from service.storage.repository import AsyncRepository


class RolloutBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str = Field(pattern="^[0-9a-f]{64}$",
                        description="an accepted package's image SHA-256 "
                                    "(GET /api/v1/firmware/packages)")
    pole_ids: list[str] | None = Field(
        default=None, min_length=1, description="these poles, in this order (default: all)")
    version_below: str | None = Field(
        default=None, min_length=1, max_length=64,
        description="only poles whose firmware is older than this (1.10 > 1.9); a pole "
                    "whose version is unknown counts as older")
    concurrency: int = Field(default=1, ge=1, le=1000,
                             description="at most this many poles updating at once")
    window_start: str | None = Field(default=None, description="HH:MM Europe/Amsterdam")
    window_end: str | None = Field(
        default=None, description="HH:MM Europe/Amsterdam; may wrap past midnight")
    avoid_peak: bool = Field(default=True,
                             description="never start a pole in the 17:00–21:00 peak")
    halt_after_failures: int | None = Field(default=None, ge=1,
                                            description="halt once this many poles failed")
    halt_after_percent: float | None = Field(
        default=None, gt=0, le=100, description="halt once this share of poles failed")
    offline_limit_s: int = Field(default=86400, ge=0,
                                 description="a pending pole offline longer fails")
    step_timeout_s: int = Field(default=3600, ge=1,
                                description="a sent pole without progress this long fails")

    @model_validator(mode="after")
    def _window(self) -> RolloutBody:
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("give window_start and window_end together, or neither")
        for text in (self.window_start, self.window_end):
            if text is not None:
                parse_hhmm(text)
        return self


def _api_error(error: RolloutError) -> ApiError:
    return ApiError(error.status, error.code, error.detail)


def build_rollouts_router(runner: RolloutRunner, repository: AsyncRepository) -> APIRouter:
    """``/api/v1/firmware/rollouts`` (bearer token)."""
    router = APIRouter(prefix=PREFIX, tags=["firmware rollouts"])

    async def one(rollout_id: RowId) -> dict[str, Any]:
        rollout = await repository.rollout(rollout_id)
        if rollout is None:
            raise ApiError(404, "UnknownRollout", f"no rollout {rollout_id}")
        return rollout_json(rollout, await repository.rollout_poles(rollout_id))

    @router.post("/firmware/rollouts", status_code=201)
    async def create_rollout(body: RolloutBody) -> dict[str, Any]:
        """Start a rollout; it runs in the service, stored, across restarts. Refused:
        404 ``UnknownPackage``/``UnknownPole``, 422 ``NoPoles`` (nothing matches)."""
        try:
            rollout = await runner.create(RolloutPlan(**body.model_dump()))
        except RolloutError as error:
            raise _api_error(error) from None
        assert rollout.id is not None
        return await one(rollout.id)

    @router.get("/firmware/rollouts")
    async def list_rollouts() -> list[dict[str, Any]]:
        """Every rollout, newest first, with counts of poles per state."""
        return [rollout_json(rollout, await repository.rollout_poles(rollout.id or 0),
                             poles=False)
                for rollout in await repository.rollouts()]

    @router.get("/firmware/rollouts/{rollout_id}")
    async def get_rollout(rollout_id: RowId) -> dict[str, Any]:
        """The rollout and each pole's state (pending, sending, sent, Downloading, Downloaded,
        Installing, Installed, failed, cancelled) with the reason of a failure."""
        return await one(rollout_id)

    for action in ("pause", "resume", "cancel"):
        router.add_api_route(f"/firmware/rollouts/{{rollout_id}}/{action}",
                             _operator_route(runner, action, one), methods=["POST"],
                             name=f"{action}_rollout",
                             description=_DESCRIPTIONS[action])
    return router


_DESCRIPTIONS = {
    "pause": "Start no further pole; poles already sent are still followed (422 unless "
             "running).",
    "resume": "Running again, after a pause or a halt (422 unless paused or halted).",
    "cancel": "Pending poles are cancelled; poles already sent are still followed.",
}


def _operator_route(runner: RolloutRunner, action: str, one: Any) -> Any:
    async def route(rollout_id: RowId) -> dict[str, Any]:
        try:
            await getattr(runner, action)(rollout_id)
        except RolloutError as error:
            raise _api_error(error) from None
        result: dict[str, Any] = await one(rollout_id)
        return result
    route.__name__ = f"{action}_rollout"
    return route
