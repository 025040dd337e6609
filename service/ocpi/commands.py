"""Commands from eMSPs (mod_commands, our Receiver interface): START_SESSION,
STOP_SESSION and UNLOCK_CONNECTOR become OCPP RemoteStartTransaction,
RemoteStopTransaction and UnlockConnector on the pole.

The partner gets a `CommandResponse` at once (ACCEPTED with a timeout, or why not), and
the pole's verdict later as a `CommandResult` POSTed to its ``response_url`` — the pole may
be slow, or held by another service process (`Connections` relays the call).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from pole_link.errors import LinkTimeout, PoleLinkError
from service.api.routes import PoleConnections
from service.ocpi.client import PartnerCallError
from service.ocpi.envelope import OCPI_PREFIX, OcpiError, Status, answer, invalid_body
from service.ocpi.models import (
    VERSION,
    CommandResponse,
    CommandResponseType,
    CommandResult,
    CommandResultType,
    CommandType,
    DisplayText,
    StartSession,
    StopSession,
    UnlockConnector,
    dumped,
)
from service.ocpi.registry import Caller, Registry
from service.ocpi.token_store import AsyncOcpiTokenRepository
from service.ocpi.tokens import keep_token
from service.storage.id_tags import AsyncIdTagRepository
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
ModelT = TypeVar("ModelT", bound=BaseModel)
POLE_TIMEOUT_S = 30


def _words(text: str) -> list[DisplayText]:
    return [DisplayText(language="en", text=text[:512])]


class CommandRunner:
    """Sends a command to its pole and reports the result to the partner."""

    def __init__(self, registry: Registry, connections: PoleConnections) -> None:
        self.registry, self.connections = registry, connections
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, caller: Caller, response_url: str, pole_id: str, action: str,
              payload: dict[str, Any], judge: Callable[[dict[str, Any]], CommandResultType]
              ) -> None:
        task = asyncio.create_task(
            self._run(caller, response_url, pole_id, action, payload, judge),
            name=f"OCPI {action} {pole_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, caller: Caller, response_url: str, pole_id: str, action: str,
                   payload: dict[str, Any],
                   judge: Callable[[dict[str, Any]], CommandResultType]) -> None:
        connection = self.connections.get(pole_id)
        if connection is None:
            result = CommandResult(result=CommandResultType.FAILED,
                                   message=_words(f"pole {pole_id} is not connected"))
        else:
            try:
                answered = await connection.call_action(action, payload,
                                                        timeout=POLE_TIMEOUT_S)
                result = CommandResult(result=judge(answered),
                                       message=_words(f"{action}: {answered.get('status')}"))
            except LinkTimeout:
                result = CommandResult(result=CommandResultType.TIMEOUT,
                                       message=_words(f"pole {pole_id} did not answer"))
            except PoleLinkError as exc:
                result = CommandResult(result=CommandResultType.FAILED,
                                       message=_words(f"{action}: {exc}"))
        try:
            await self.registry.client_for(caller.partner, caller.reply_to).call(
                "POST", response_url, dumped(result))
        except (PartnerCallError, ValueError) as exc:
            LOGGER.warning("OCPI: %s result for %s not delivered to %s: %s", action, pole_id,
                           caller.partner.name, exc)


def build_commands_router(registry: Registry, connections: PoleConnections,
                          repository: AsyncRepository, tokens: AsyncOcpiTokenRepository,
                          cards: AsyncIdTagRepository, clock: Callable[[], datetime],
                          changed: Callable[[], None] | None = None) -> APIRouter:
    router = APIRouter(prefix=f"{OCPI_PREFIX}/{VERSION}/commands", tags=["ocpi"])
    runner = CommandRunner(registry, connections)

    def accepted(request: Request) -> JSONResponse:
        return answer(request, dumped(CommandResponse(
            result=CommandResponseType.ACCEPTED, timeout=POLE_TIMEOUT_S)), clock())

    def refused(request: Request, result: CommandResponseType, why: str) -> JSONResponse:
        return answer(request, dumped(CommandResponse(result=result, timeout=0,
                                                      message=_words(why))), clock())

    async def socket_of(location_id: str, evse_uid: str | None) -> tuple[str, int | None]:
        pole = await repository.get_pole(location_id)
        if pole is None:
            raise OcpiError(404, Status.UNKNOWN_LOCATION,
                            f"no location {location_id!r} at this CPO")
        if evse_uid is None:
            return pole.id, None
        prefix = f"{pole.id}-"
        number = evse_uid[len(prefix):] if evse_uid.startswith(prefix) else ""
        if not number.isdigit():
            raise OcpiError(404, Status.UNKNOWN_LOCATION,
                            f"no EVSE {evse_uid!r} at location {location_id!r}")
        return pole.id, int(number)

    @router.post("/{command}")
    async def command(command: str, request: Request) -> JSONResponse:
        route = request.scope.get("route")
        caller = await registry.authenticate(request.headers.get("Authorization"),
                                             "commands",
                                             f"POST {getattr(route, 'path', '')}",
                                             request.headers)
        try:
            kind = CommandType(command)
        except ValueError:
            raise OcpiError(404, Status.CLIENT_ERROR,
                            f"unknown command {command!r}") from None
        body = await _json(request)
        if kind == CommandType.START_SESSION:
            start = _parse(StartSession, body)
            pole_id, connector = await socket_of(start.location_id, start.evse_uid)
            assert caller.partner.id is not None
            if await tokens.by_uid(start.token.uid) is None:  # known for the start's verdict
                await keep_token(tokens, cards, clock, changed, caller.partner.id,
                                 start.token)
            payload: dict[str, Any] = {"idTag": start.token.uid[:20]}
            if connector is not None:
                payload["connectorId"] = connector
            runner.start(caller, start.response_url, pole_id, "RemoteStartTransaction",
                         payload, _status_is("Accepted"))
            return accepted(request)
        if kind == CommandType.STOP_SESSION:
            stop = _parse(StopSession, body)
            transaction = (await repository.get_transaction(int(stop.session_id))
                           if stop.session_id.isdigit() and len(stop.session_id) < 10
                           else None)
            if transaction is None or transaction.stopped is not None:
                return refused(request, CommandResponseType.UNKNOWN_SESSION,
                               f"no running session {stop.session_id!r}")
            runner.start(caller, stop.response_url, transaction.pole_id,
                         "RemoteStopTransaction", {"transactionId": transaction.id},
                         _status_is("Accepted"))
            return accepted(request)
        if kind == CommandType.UNLOCK_CONNECTOR:
            unlock = _parse(UnlockConnector, body)
            pole_id, connector = await socket_of(unlock.location_id, unlock.evse_uid)
            runner.start(caller, unlock.response_url, pole_id, "UnlockConnector",
                         {"connectorId": connector}, _status_is("Unlocked"))
            return accepted(request)
        return refused(request, CommandResponseType.NOT_SUPPORTED,
                       f"{kind} is not supported by this CPO")

    return router


def _status_is(good: str) -> Callable[[dict[str, Any]], CommandResultType]:
    def judge(answered: dict[str, Any]) -> CommandResultType:
        return (CommandResultType.ACCEPTED if answered.get("status") == good
                else CommandResultType.REJECTED)
    return judge


def _parse(model: type[ModelT], body: Any) -> ModelT:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise invalid_body(exc, model.__name__) from None


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise OcpiError(400, Status.INVALID_PARAMETERS, "the body is not JSON") from None
