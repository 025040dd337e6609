"""``/api/v1/oscp/…`` and ``/api/v1/grid-groups``: operators manage the grid operators'
capacity providers and which grid group each pole is in (issue 22).

Behind the operator guard (admins write, everyone reads the groups). A new capacity
provider's initial token is in the answer that creates it, once; no route ever shows a
token again. The groups' answer is what the GUI's Grid groups page draws: each group's
forecast blocks, the cap in force, and per pole what it got.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from service.api.errors import ApiError
from service.api.routes import PREFIX
from service.oscp.balancer import GroupBalancer
from service.oscp.forecasts import amps_per_phase
from service.oscp.partners import Partner
from service.oscp.provider import PREFIX as OSCP_PREFIX
from service.oscp.provider import FlexibilityProvider
from service.storage.repository import AsyncRepository

NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]


class NewPartner(BaseModel):
    id: Name
    name: Annotated[str, Field(min_length=1, max_length=128)]


class GroupChoice(BaseModel):
    group: Name | None = None


def partner_json(partner: Partner) -> dict[str, Any]:
    return {"id": partner.partner_id, "name": partner.name, "state": partner.state.value,
            "baseUrl": partner.base_url, "heartbeatIntervalS": partner.heartbeat_interval_s,
            "lastHeartbeat": partner.last_heartbeat.isoformat()
            if partner.last_heartbeat else None}


def build_oscp_admin_router(provider: FlexibilityProvider, balancer: GroupBalancer,
                            repository: AsyncRepository) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["OSCP"])

    @router.get("/oscp/partners")
    async def list_partners() -> list[dict[str, Any]]:
        return [partner_json(p) for p in provider.partners.by_id.values()]

    @router.post("/oscp/partners", status_code=201)
    async def add_partner(body: NewPartner) -> dict[str, Any]:
        """A capacity provider and its initial token (shown here once): the grid operator
        registers with it at ``registerUrl``."""
        try:
            partner, token = await provider.add_partner(body.id, body.name)
        except ValueError as exc:
            raise ApiError(409, "Conflict", str(exc)) from None
        return partner_json(partner) | {"token": token,
                                        "registerUrl": f"{provider.public_url}/register"}

    @router.delete("/oscp/partners/{partner_id}")
    async def remove_partner(partner_id: str) -> dict[str, Any]:
        if not await provider.remove_partner(partner_id):
            raise ApiError(404, "NotFound", f"no capacity provider {partner_id!r}")
        return {"removed": partner_id}

    @router.get("/oscp/refusals")
    async def refusals() -> list[dict[str, Any]]:
        """OSCP requests refused (no token, a wrong one, no X-Request-ID), newest last."""
        return [{"at": r.at.isoformat(), "path": r.path, "client": r.client,
                 "reason": r.reason} for r in provider.partners.refusals]

    @router.get("/grid-groups")
    async def grid_groups() -> list[dict[str, Any]]:
        answer = []
        for group_id in provider.groups.names():
            state = balancer.states.get(group_id)
            limit = provider.limit(group_id)
            answer.append({
                "group": group_id, "poles": provider.groups.poles(group_id),
                "limitA": None if limit is None else limit.amps,
                "blockStart": None if limit is None else limit.start.isoformat(),
                "blockEnd": None if limit is None else limit.end.isoformat(),
                "offers": {} if state is None else state.split.offers,
                "paused": [] if state is None else state.split.paused,
                "problems": [] if state is None else state.problems,
                "actualA": {p: balancer.actual_a(p) for p in provider.groups.poles(group_id)},
                "blocks": [{"start": b.start_time.isoformat(), "end": b.end_time.isoformat(),
                            "amps": round(amps_per_phase(b), 1)}
                           for b in provider.forecasts.blocks(group_id)],
                "oscpUrl": OSCP_PREFIX})
        return answer

    @router.put("/poles/{pole_id}/grid-group")
    async def set_grid_group(pole_id: str, body: GroupChoice) -> dict[str, Any]:
        if not await asyncio.to_thread(repository.sync.pole_exists, pole_id):
            raise ApiError(404, "NotFound", f"pole {pole_id} is not known to this service")
        await provider.set_group(pole_id, body.group)
        return {"pole": pole_id, "group": body.group}

    @router.post("/grid-groups/import")
    async def import_groups(request: Request) -> dict[str, Any]:
        """CSV ``pole_id,group`` (a header line optional; an empty group removes the pole
        from its group). All rows are checked before any is applied."""
        text = (await request.body()).decode("utf-8-sig", errors="replace")
        rows: list[tuple[str, str | None]] = []
        errors: list[str] = []
        known = await asyncio.to_thread(repository.sync.pole_ids)
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not row or not "".join(row).strip():
                continue
            pole_id, group = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
            if number == 1 and pole_id.lower() in ("pole_id", "pole", "paal"):
                continue
            if pole_id not in known:
                errors.append(f"line {number}: pole {pole_id!r} is not known to this service")
            elif group and not name_ok(group):
                errors.append(f"line {number}: group {group!r}: use letters, digits, . _ - "
                              "(at most 64)")
            else:
                rows.append((pole_id, group or None))
        if errors:
            raise ApiError(422, "InvalidCsv", "; ".join(errors[:20]))
        for member, choice in rows:
            await provider.set_group(member, choice)
        return {"applied": len(rows)}

    return router


def name_ok(name: str) -> bool:
    return bool(NAME_PATTERN.fullmatch(name))
