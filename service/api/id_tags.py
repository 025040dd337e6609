"""``/api/v1/id-tags``: the card register (issue 16), and the poles' local lists.

The helpdesk blocks a card here; the CSMS then answers Authorize, StartTransaction and
StopTransaction from it (`service.cards.authority`), and ``POST /poles/{id}/local-list``
carries it to a pole for offline use. ``PUT /id-tags/{idTag}`` is a fixed name: an
outside compliance suite drives the service through it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.responses import Response

from pole_link.timeutil import format_time
from service.api.params import Offset
from service.api.routes import (
    DEFAULT_TIMEOUT,
    PREFIX,
    ApiError,
    PoleConnections,
    Timeout,
    send_command,
)
from service.cards.csv_io import CardError, check_card, parse_csv, to_csv
from service.cards.local_list import LocalListSender
from service.storage.id_tag_models import ID_TAG_MAX, IdTagRow
from service.storage.id_tags import AsyncIdTagRepository, IdTagWrite
from service.storage.repository import AsyncRepository

Status = Literal["Accepted", "Blocked", "Expired", "Invalid"]
IdTagPath = Annotated[str, Path(alias="idTag", min_length=1, max_length=ID_TAG_MAX,
                                description="the card's id tag (OCPP IdToken, any case)")]


class IdTagBody(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    status: Status
    expiry_date: AwareDatetime | None = Field(
        default=None, alias="expiryDate",
        description="from this moment an Accepted card is answered Expired")
    parent_id_tag: str | None = Field(default=None, alias="parentIdTag", min_length=1,
                                      max_length=ID_TAG_MAX, description="the card's group")


class LocalListBody(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    update_type: Literal["Full", "Differential"] = Field(alias="updateType")


def card_json(row: IdTagRow) -> dict[str, Any]:
    return {"idTag": row.id_tag, "status": row.status,
            "expiryDate": format_time(row.expiry_date) if row.expiry_date else None,
            "parentIdTag": row.parent_id_tag, "updatedAt": format_time(row.updated_at)}


def build_id_tags_router(connections: PoleConnections, repository: AsyncRepository,
                         register: AsyncIdTagRepository,
                         clock: Callable[[], datetime], *,
                         sender: LocalListSender | None = None,
                         changed: Callable[[], None] | None = None) -> APIRouter:
    """The register's routes and the local-list commands, behind the bearer token.

    ``changed`` is told after every card change (`LocalListPusher.register_changed`
    carries it to the connected poles' local lists); it must not wait.
    """
    router = APIRouter(prefix=PREFIX, tags=["id tags"])
    sender = sender or LocalListSender(register, clock)

    def register_changed() -> None:
        if changed is not None:
            changed()

    async def known_pole(pole_id: str) -> None:
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")

    async def audit(action: str, detail: Any) -> None:
        await repository.audit("api", action, json.dumps(detail, separators=(",", ":")))

    @router.put("/id-tags/{idTag}")
    async def put_id_tag(id_tag: IdTagPath, body: IdTagBody) -> dict[str, Any]:
        """Register the card or replace what is known of it (status, expiry, group).
        ``created`` says which."""
        try:
            card = check_card(id_tag, body.status, None, body.parent_id_tag)
        except CardError as error:
            raise ApiError(422, "InvalidRequest", str(error)) from None
        row, created = await register.put(
            IdTagWrite(card.id_tag, card.status, body.expiry_date, card.parent_id_tag),
            clock())
        answer = card_json(row)
        await audit(f"id tag {row.id_tag} → {row.status}", answer)
        register_changed()
        return {**answer, "created": created}

    @router.get("/id-tags", response_model=None, responses={200: {"content": {
        "application/json": {}, "text/csv": {"schema": {"type": "string"}}}}})
    async def list_id_tags(
            search: Annotated[str | None, Query(max_length=ID_TAG_MAX, description=(
                "only cards whose tag or group contains this, in any case"))] = None,
            offset: Offset = 0,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100,
            format: Literal["json", "csv"] = "json") -> Response | dict[str, Any]:
        """A page of the register, by tag, with the total that matches; ``format=csv``
        exports the whole register (``search`` still applies), as import reads it."""
        if format == "csv":
            rows = (await register.page(search, 0, 2**31 - 1))[0] if search \
                else await register.every()
            return Response(to_csv(rows), media_type="text/csv")
        rows, total = await register.page(search, offset, limit)
        return {"items": [card_json(row) for row in rows], "total": total,
                "offset": offset, "limit": limit}

    @router.post("/id-tags/import", openapi_extra={"requestBody": {
        "required": True, "description": "CSV with the header idTag,status,expiryDate,"
                                         "parentIdTag (UTF-8)",
        "content": {"text/csv": {"schema": {"type": "string"}}}}})
    async def import_id_tags(request: Request) -> dict[str, Any]:
        """Register every good line; each bad one is reported with its line number and
        what is wrong, and kept out."""
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(422, "InvalidRequest", "the CSV is not UTF-8 text") from None
        parsed = parse_csv(text)
        await register.put_many(parsed.cards, clock())
        if parsed.cards:
            register_changed()
        await audit("id tags imported", {"imported": len(parsed.cards),
                                         "errors": len(parsed.errors)})
        return {"imported": len(parsed.cards), "errors": parsed.errors}

    @router.get("/id-tags/{idTag}")
    async def get_id_tag(id_tag: IdTagPath) -> dict[str, Any]:
        row = await register.get(id_tag)
        if row is None:
            raise ApiError(404, "UnknownIdTag", f"no card {id_tag!r} in the register")
        return card_json(row)

    @router.get("/id-tags/{idTag}/transactions")
    async def id_tag_transactions(id_tag: IdTagPath,
                                  limit: Annotated[int, Query(ge=1, le=500)] = 20
                                  ) -> list[dict[str, Any]]:
        """The card's newest transactions on every pole (registered or not: a helpdesk
        asks about cards the register does not hold too)."""
        return [{"id": t.id, "pole_id": t.pole_id, "connector_id": t.connector_id,
                 "id_tag": t.id_tag, "started": format_time(t.started),
                 "stopped": format_time(t.stopped) if t.stopped else None,
                 "meter_start": t.meter_start, "meter_stop": t.meter_stop,
                 "stop_reason": t.stop_reason}
                for t in await register.transactions_of(id_tag, limit)]

    @router.delete("/id-tags/{idTag}")
    async def delete_id_tag(id_tag: IdTagPath) -> dict[str, Any]:
        """Forget the card: from now on it is unknown (see the unknown-tag setting)."""
        if not await register.delete(id_tag, clock()):
            raise ApiError(404, "UnknownIdTag", f"no card {id_tag!r} in the register")
        await audit(f"id tag {id_tag} deleted", {"idTag": id_tag})
        register_changed()
        return {"deleted": id_tag}

    @router.post("/poles/{pole_id}/local-list")
    async def send_local_list(pole_id: str, body: LocalListBody,
                              timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Send the register as the pole's local authorisation list (SendLocalList),
        in full or as the changes since the list it holds (falling back to full when the
        pole's version is not the one this service sent)."""
        await known_pole(pole_id)

        async def call(action: str, payload: dict[str, Any]) -> dict[str, Any]:
            answer = await send_command(connections, repository, pole_id, action, payload,
                                        timeout)
            result: dict[str, Any] = answer["result"]
            return result

        outcome = await sender.send(pole_id, call, body.update_type)
        return outcome.to_json()

    @router.get("/poles/{pole_id}/local-list")
    async def local_list_version(pole_id: str, timeout: Timeout = DEFAULT_TIMEOUT
                                 ) -> dict[str, Any]:
        """The pole's list version (GetLocalListVersion, asked live), the one this service
        last sent it and the register's revision now."""
        await known_pole(pole_id)
        answer = await send_command(connections, repository, pole_id, "GetLocalListVersion",
                                    {}, timeout)
        held = await register.local_list(pole_id)
        return {"listVersion": answer["result"].get("listVersion"),
                "sent": None if held is None else {
                    "listVersion": held.version, "revision": held.revision,
                    "updateType": held.update_type, "entries": held.entries,
                    "sentAt": format_time(held.sent_at)},
                "registerRevision": await register.revision()}

    return router
