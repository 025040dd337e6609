"""The operator API ``/api/v1``: read the fleet from storage, send commands to live poles.

Reads come from the database, so they work for poles that are offline. Commands go to the
pole's live connection in this process and are bounded by a per-call timeout, so an operator
(or the GUI) never waits on a pole that does not answer: 409 when the pole is not connected,
502 when it answers with a CALLERROR, 504 when it does not answer in time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol

from fastapi import APIRouter, FastAPI, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.responses import Response

from pole_link.errors import CallError, FrameError, LinkLost, LinkTimeout
from pole_link.protocol.redaction import redact
from pole_link.timeutil import utc_now
from service.api.compliance import NoProgrammeStart, pole_compliance
from service.api.errors import ApiError as ApiError
from service.api.errors import api_error, invalid_request
from service.api.guard import token_check as token_check
from service.api.reconnecting import reconnecting
from service.api.uptime import fleet_uptime, pole_uptime, uptime_start
from service.policy.overrule import overrule as overrule_transaction
from service.reports.compliance import to_csv as compliance_csv
from service.reports.compliance import to_json as compliance_json
from service.reports.uptime import uptime_to_csv, uptime_to_json
from service.security.store import CredentialStore
from service.storage.models import ConnectionSession, MessageLog, MeterValue, Transaction
from service.storage.repository import AsyncRepository, by_pole

LOGGER = logging.getLogger(__name__)
# ApiError and token_check lived here first: re-exported (``as``) for routers importing them.

PREFIX = "/api/v1"
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 60.0


class Commandable(Protocol):
    """What the API needs of a pole's connection (`PoleHandler` is one)."""

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


class PoleConnections(Protocol):
    """The live connections of this process (`service.app.Connections`)."""

    def get(self, pole_id: str) -> Commandable | None: ...


# -- response and request bodies ------------------------------------------------------------

class ConnectorOut(BaseModel):
    connector_id: int
    status: str
    error_code: str
    since: datetime
    transaction_id: int | None = None
    """The transaction running on this socket, if any (the newest, should a stop be lost)."""
    transaction_started: datetime | None = None


class PoleOut(BaseModel):
    id: str
    vendor: str | None
    model: str | None
    serial: str | None
    firmware: str | None
    connected: bool
    """Whether this service holds a live connection now (commands can reach it)."""
    last_seen: datetime | None
    auto_registered: bool
    grid_operator: str | None
    connection_size: str
    connectors: list[ConnectorOut]
    uptime_percent: float | None = None
    """eis 48 over the last ``uptime_days`` days, when the request asked for it."""
    clock_offset_s: float | None = None
    """The pole's clock minus the service's when last measured (negative: behind); None
    until measured. Off by more than 2 s needs attention: the service sets the time
    through the Heartbeat's ``currentTime`` where the pole lets it."""
    clock_checked_at: datetime | None = None
    registered: bool = False
    """In the pole register (``POST /api/v1/poles``) and not decommissioned; a pole that
    only ever booted (auto-registered) is not."""
    security_profile: int = 0
    """OCPP security profile 0–3 from the register; 0 for a pole not in it."""
    service_restarted: datetime | None = None
    """When the service last came back after being down (None after a first start)."""
    reconnecting_until: datetime | None = None
    """Set while the pole, connected when the service stopped, is expected back after its
    restart (`service.api.reconnecting`): until then it is reconnecting, not offline."""


class _Camel(BaseModel):
    """OCPP field names (camelCase) in bodies, as operators know them from the spec."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class CallBody(_Camel):
    action: str = Field(min_length=1, examples=["GetConfiguration"])
    payload: dict[str, Any] = Field(default_factory=dict)


class ResetBody(_Camel):
    kind: Literal["Hard", "Soft"] = Field(alias="type")


class ConnectorBody(_Camel):
    connector_id: int = Field(alias="connectorId", ge=0)


class RemoteStartBody(_Camel):
    connector_id: int | None = Field(default=None, alias="connectorId", gt=0)
    id_tag: str = Field(alias="idTag", min_length=1, max_length=20)


class RemoteStopBody(_Camel):
    transaction_id: int = Field(alias="transactionId")


class AvailabilityBody(_Camel):
    connector_id: int = Field(alias="connectorId", ge=0)
    kind: Literal["Inoperative", "Operative"] = Field(alias="type")


class ConfigurationBody(_Camel):
    key: str = Field(min_length=1, max_length=50)
    value: str = Field(max_length=500)


class TriggerBody(_Camel):
    requested_message: str = Field(alias="requestedMessage", examples=["StatusNotification"])
    connector_id: int | None = Field(default=None, alias="connectorId", gt=0)


class ChargingProfileBody(_Camel):
    connector_id: int = Field(alias="connectorId", ge=0)
    profile: dict[str, Any] = Field(alias="csChargingProfiles", description=(
        "an OCPP 1.6 csChargingProfiles object; checked against the OCPP schema before it "
        "is sent"))


class ClearProfileBody(_Camel):
    profile_id: int | None = Field(default=None, alias="id")
    connector_id: int | None = Field(default=None, alias="connectorId", ge=0)
    purpose: Literal["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"] | None = Field(
        default=None, alias="chargingProfilePurpose")
    stack_level: int | None = Field(default=None, alias="stackLevel", ge=0)


class OverruleBody(_Camel):
    connector_id: int = Field(alias="connectorId", gt=0)
    transaction_id: int | None = Field(default=None, alias="transactionId")


def _ocpp(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(by_alias=True, exclude_none=True)


Timeout = Annotated[float, Query(gt=0, le=MAX_TIMEOUT,
                                 description="seconds to wait for the pole's answer")]
Start = Annotated[AwareDatetime, Query(description="ISO-8601 with offset, inclusive")]
# Module level, not in `build_router`: FastAPI resolves these (string) annotations against
# the module's globals, and a closure variable would silently become a query parameter.
End = Annotated[AwareDatetime, Query(description="ISO-8601 with offset, exclusive")]
UptimeDays = Annotated[int | None, Query(ge=1, le=366, description=(
    "add uptime_percent (eis 48) over this many days up to now; costs a query per pole"))]


# -- the router -----------------------------------------------------------------------------

async def send_command(connections: PoleConnections, repository: AsyncRepository,
                       pole_id: str, action: str, payload: dict[str, Any],
                       timeout: float) -> dict[str, Any]:
    """Send one OCPP call to the live pole, and map every failure to an HTTP answer.

    Every router that commands poles uses this, so a pole that is offline (409), refuses
    (502) or stays silent (504) reads the same to an operator whatever the command.
    The outer ``asyncio.timeout`` also covers waiting for the connection's call lock
    (OCPP allows one call in flight), so a queue behind a silent pole cannot hang us.
    """
    handler = connections.get(pole_id)
    if handler is None:
        raise ApiError(409, "PoleOffline",
                       f"pole {pole_id!r} is not connected to this service")
    await repository.audit("api", f"{action} → {pole_id}",
                           redact(json.dumps(payload, separators=(",", ":"))),
                           pole_id=pole_id, result="sent")
    try:
        async with asyncio.timeout(timeout):
            result = await handler.call_action(action, payload, timeout=timeout)
    except CallError as exc:
        raise ApiError(502, exc.code, exc.description or str(exc), exc.details) from None
    except (LinkTimeout, TimeoutError):
        raise ApiError(504, "Timeout", f"{action}: no answer from {pole_id} within "
                                       f"{timeout:g} s") from None
    except LinkLost as exc:
        raise ApiError(409, "PoleOffline", f"the connection was lost: {exc}") from None
    except FrameError as exc:
        raise ApiError(502, "FrameError", str(exc)) from None
    return {"result": result}


def build_router(connections: PoleConnections, repository: AsyncRepository,
                 clock: Callable[[], datetime] = utc_now) -> APIRouter:
    """All ``/api/v1`` routes, every one behind the bearer-token check; ``clock`` is the
    service's time (tests inject one)."""
    router = APIRouter(prefix=PREFIX)

    async def known_pole(pole_id: str) -> None:
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")

    register = CredentialStore(repository.sync)

    def pole_out(pole: Any, percent: float | None, connectors: list[Any],
                 transactions: list[Any], profiles: dict[str, int]) -> PoleOut:
        """One pole as the API shows it, from its connectors, running transactions and its
        place in the register (``profiles``: `CredentialStore.profiles`)."""
        running = {t.connector_id: t for t in transactions}
        return PoleOut(
            registered=pole.id in profiles, security_profile=profiles.get(pole.id, 0),
            uptime_percent=percent,
            id=pole.id, vendor=pole.vendor, model=pole.model, serial=pole.serial,
            firmware=pole.firmware, connected=connections.get(pole.id) is not None,
            last_seen=pole.last_seen, auto_registered=pole.auto_registered,
            clock_offset_s=pole.clock_offset_s, clock_checked_at=pole.clock_checked_at,
            grid_operator=pole.grid_operator, connection_size=pole.connection_size,
            connectors=[ConnectorOut(
                connector_id=c.connector_id, status=c.status, error_code=c.error_code,
                since=c.since,
                transaction_id=running[c.connector_id].id if c.connector_id in running else None,
                transaction_started=running[c.connector_id].started
                if c.connector_id in running else None)
                for c in connectors])

    async def command(pole_id: str, action: str, payload: dict[str, Any],
                      timeout: float) -> dict[str, Any]:
        return await send_command(connections, repository, pole_id, action, payload, timeout)

    # -- reads ------------------------------------------------------------------------------

    @router.get("/poles", response_model=list[PoleOut])
    async def list_poles(uptime_days: UptimeDays = None) -> list[PoleOut]:
        """Every registered pole with its live connection state and connector states."""
        connectors = by_pole(await repository.connectors())
        running = by_pole(await repository.running_transactions())
        poles = await repository.list_poles()
        profiles = await register.aprofiles()
        percents = (await fleet_uptime(repository, poles, uptime_days, datetime.now(UTC))
                    if uptime_days else {})
        back = await asyncio.to_thread(reconnecting, repository.sync.engine, clock())
        return [pole_out(pole, percents.get(pole.id), connectors.get(pole.id, []),
                         running.get(pole.id, []), profiles).model_copy(update={
                             "service_restarted": back.restarted,
                             "reconnecting_until": back.until.get(pole.id)})
                for pole in poles]

    @router.get("/poles/{pole_id}", response_model=PoleOut)
    async def get_pole(pole_id: str, uptime_days: UptimeDays = 30) -> PoleOut:
        pole = await repository.get_pole(pole_id)
        if pole is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")
        percent = None
        if uptime_days:
            end = datetime.now(UTC)
            start = uptime_start(pole.registered_at, uptime_days, end)
            if start < end:
                percent = (await pole_uptime(repository, pole_id, start, end)).percent
        back = await asyncio.to_thread(reconnecting, repository.sync.engine, clock(), pole_id)
        return pole_out(pole, percent, await repository.connectors(pole_id),
                        await repository.running_transactions(pole_id),
                        await register.aprofiles(pole_id)).model_copy(update={
                            "service_restarted": back.restarted,
                            "reconnecting_until": back.until.get(pole_id)})

    @router.get("/poles/{pole_id}/uptime", response_model=None)
    async def uptime(pole_id: str, start: Start, end: End,
                     format: Literal["json", "csv"] = "json",
                     ) -> Response | dict[str, object]:
        """eis 48: connected to the CSMS *and* available for charging, over ``[start, end)``."""
        await known_pole(pole_id)
        if not start < end:
            raise ApiError(422, "InvalidRequest", "end must be after start")
        report = await pole_uptime(repository, pole_id, start, end)
        if format == "csv":
            return Response(uptime_to_csv([report]), media_type="text/csv")
        return uptime_to_json([report])[0]

    @router.get("/poles/{pole_id}/connections", response_model=list[ConnectionSession])
    async def connection_sessions(pole_id: str, start: Start, end: End
                                  ) -> list[ConnectionSession]:
        """The pole's OCPP connection sessions overlapping ``[start, end)``, oldest first,
        each with how it ended (``end_reason``: closed, dropped, silent, service-stopped;
        null while open): why a pole is offline, and how often it drops."""
        await known_pole(pole_id)
        if not start < end:
            raise ApiError(422, "InvalidRequest", "end must be after start")
        found: list[ConnectionSession] = await repository.connection_sessions(
            pole_id, start, end)
        return found

    @router.get("/poles/{pole_id}/transactions", response_model=list[Transaction])
    async def transactions(pole_id: str, start: Start, end: End) -> list[Transaction]:
        """Transactions overlapping ``[start, end)``, running ones included."""
        await known_pole(pole_id)
        found: list[Transaction] = await repository.transactions(pole_id, start, end)
        return found

    @router.get("/poles/{pole_id}/meter-values", response_model=list[MeterValue])
    async def meter_values(pole_id: str, start: Start, end: End,
                           connector: Annotated[int | None, Query(ge=0)] = None
                           ) -> list[MeterValue]:
        """Samples with ``start <= timestamp < end``, one row per measurand and phase."""
        await known_pole(pole_id)
        rows: list[MeterValue] = await repository.meter_values(pole_id, start, end, connector)
        return rows

    @router.get("/poles/{pole_id}/messages", response_model=list[MessageLog])
    async def messages(pole_id: str, action: str | None = None,
                       limit: Annotated[int, Query(ge=1, le=5000)] = 500,
                       start: Start | None = None, end: End | None = None,
                       order: Literal["newest", "oldest"] = "newest") -> list[MessageLog]:
        """The newest OCPP messages, newest first; no 404, because refused unknown poles
        are logged too and their messages are what a helpdesk needs. ``start``/``end``
        bound a window; ``order=oldest`` reads it from its start (a replay, issue 19)."""
        rows: list[MessageLog] = await repository.message_log(
            pole_id, action, since=start, limit=limit, until=end,
            oldest_first=order == "oldest")
        return rows

    # -- commands ---------------------------------------------------------------------------

    @router.get("/poles/{pole_id}/compliance", response_model=None)
    async def compliance(pole_id: str, until: End | None = None,
                         format: Literal["json", "csv"] = "json",
                         ) -> Response | list[dict[str, object]]:
        """eis 25/30 per subperiod: peak transactions, overruled %, target met."""
        await known_pole(pole_id)
        try:
            reports = await pole_compliance(repository, pole_id, until or datetime.now(UTC))
        except NoProgrammeStart as exc:
            raise ApiError(409, "NoProgrammeStart", str(exc)) from None
        if format == "csv":
            return Response(compliance_csv(reports), media_type="text/csv")
        return compliance_json(reports)

    @router.post("/poles/{pole_id}/call")
    async def call(pole_id: str, body: CallBody,
                   timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Any OCPP 1.6 action, passed through as given: the escape hatch for what the
        named commands do not cover."""
        return await command(pole_id, body.action, body.payload, timeout)

    @router.post("/poles/{pole_id}/reset")
    async def reset(pole_id: str, body: ResetBody,
                    timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "Reset", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/unlock")
    async def unlock(pole_id: str, body: ConnectorBody,
                     timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "UnlockConnector", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/remote-start")
    async def remote_start(pole_id: str, body: RemoteStartBody,
                           timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "RemoteStartTransaction", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/remote-stop")
    async def remote_stop(pole_id: str, body: RemoteStopBody,
                          timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "RemoteStopTransaction", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/availability")
    async def availability(pole_id: str, body: AvailabilityBody,
                           timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "ChangeAvailability", _ocpp(body), timeout)

    @router.get("/poles/{pole_id}/configuration")
    async def get_configuration(pole_id: str, keys: Annotated[list[str] | None, Query()] = None,
                                timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """The pole's own configuration (asked live, never a cached copy)."""
        return await command(pole_id, "GetConfiguration", {"key": keys} if keys else {},
                             timeout)

    @router.get("/poles/{pole_id}/composite-schedule")
    async def composite_schedule(
            pole_id: str,
            connector_id: Annotated[int, Query(alias="connectorId", ge=0)],
            duration: Annotated[int, Query(gt=0, le=7 * 86400)],
            charging_rate_unit: Annotated[Literal["A", "W"] | None,
                                          Query(alias="chargingRateUnit")] = None,
            timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """The pole's own composite schedule (GetCompositeSchedule): what it will allow
        over the next ``duration`` seconds. A read, so the helpdesk may ask it too
        (through the generic ``/call`` it would need an engineer)."""
        payload: dict[str, Any] = {"connectorId": connector_id, "duration": duration}
        if charging_rate_unit is not None:
            payload["chargingRateUnit"] = charging_rate_unit
        return await command(pole_id, "GetCompositeSchedule", payload, timeout)

    @router.post("/poles/{pole_id}/charging-profiles")
    async def set_charging_profile(pole_id: str, body: ChargingProfileBody,
                                   timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Install a charging profile (SetChargingProfile): technicians deploy capacity
        profiles (eis 24) without the engineers' generic ``/call``."""
        return await command(pole_id, "SetChargingProfile", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/charging-profiles/clear")
    async def clear_charging_profile(pole_id: str, body: ClearProfileBody,
                                     timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Remove charging profiles (ClearChargingProfile) by id or by connector, purpose
        and stack level."""
        return await command(pole_id, "ClearChargingProfile", _ocpp(body), timeout)

    @router.put("/poles/{pole_id}/configuration")
    async def change_configuration(pole_id: str, body: ConfigurationBody,
                                   timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "ChangeConfiguration", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/trigger")
    async def trigger(pole_id: str, body: TriggerBody,
                      timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await command(pole_id, "TriggerMessage", _ocpp(body), timeout)

    @router.post("/poles/{pole_id}/overrule")
    async def overrule(pole_id: str, body: OverruleBody) -> dict[str, Any]:
        """The driver's overrule made from the phone (eis 28): the pole lifts the peak limit
        for the running transaction, and the overrule is stored with it once confirmed."""
        await known_pole(pole_id)
        await repository.audit("api", f"Overrule → {pole_id}",
                               json.dumps(_ocpp(body), separators=(",", ":")), pole_id=pole_id)
        result = await overrule_transaction(connections, repository, pole_id,
                                            body.connector_id, "phone",
                                            transaction_id=body.transaction_id)
        if result.outcome in ("Accepted", "AlreadyOverruled"):
            return {"result": {"status": result.outcome,
                               "transactionId": result.transaction_id}}
        http_status = {"NoTransaction": 409, "PoleOffline": 409, "NotConfirmed": 502}
        raise ApiError(http_status[result.outcome], result.outcome, result.detail)

    return router


def install_error_handlers(app: FastAPI) -> None:
    """Make the API's errors JSON ``{"error", "description"}``, bad requests included."""
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
