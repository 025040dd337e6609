"""A minimal OCPP 1.6J central system for tests, built on the ``ocpp`` library.

The stub listens on ``127.0.0.1`` with real WebSockets (``websockets`` asyncio server) and
answers every charge-point-initiated OCPP 1.6 action with ``ocpp.v16.ChargePoint`` handlers.
It records every CALL exactly as it arrived (camelCase JSON, arrival order, across reconnects),
checks every received frame against the OCPP 1.6 JSON schemas (violations go to
:attr:`CsmsStub.schema_errors` instead of crashing), and can send calls to a connected pole
with raw camelCase dicts.

Typical use::

    stub = CsmsStub(blocked_tags={"BAD"})
    await stub.start()
    ...  # the pole connects to f"{stub.url}/{pole_id}"
    await stub.wait_for("BootNotification")
    answer = await stub.call("PW-0001", "TriggerMessage", {"requestedMessage": "Heartbeat"})
    await stub.stop()
    assert stub.schema_errors == []

It uses nothing from ``pole_link`` except :mod:`pole_link.timeutil`.
"""

from __future__ import annotations

import asyncio
import contextlib
import decimal
import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from jsonschema.exceptions import ValidationError as SchemaValidationError
from ocpp.messages import Call, MessageType, get_validator
from ocpp.routing import on as _untyped_on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.datatypes import IdTagInfo
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from pole_link.timeutil import format_time, utc_now

__all__ = ["CallErrorReceived", "CsmsStub", "Received"]

LOGGER = logging.getLogger("tests.csms_stub")

OCPP_VERSION = "1.6"
SUBPROTOCOL = "ocpp1.6"
PATH_PREFIX = "/ocpp/"
VENDOR_ID = "paalwerk"
KNOWN_MESSAGE_IDS = frozenset({"Overrule", "LowCurrentVehicle", "Live"})

#: OCPP-J 1.6 §4.2.3 error codes a CALLERROR may carry.
CALL_ERROR_CODES = frozenset({
    "NotImplemented", "NotSupported", "InternalError", "ProtocolError", "SecurityError",
    "FormationViolation", "PropertyConstraintViolation", "OccurenceConstraintViolation",
    "TypeConstraintViolation", "GenericError",
})

#: OCPP 2.0 spellings the ``ocpp`` library also uses for 1.6 CALLERRORs, and their 1.6 names.
_CALL_ERROR_CODES_16 = {"FormatViolation": "FormationViolation",
                        "OccurrenceConstraintViolation": "OccurenceConstraintViolation"}

#: Schemas whose ``multipleOf: 0.1`` only validates when floats are parsed as Decimal
#: (the same list ``ocpp.messages`` uses; its validator cache ignores ``parse_float``).
_DECIMAL_CALLS = frozenset({"SetChargingProfile", "RemoteStartTransaction"})
_DECIMAL_RESULTS = frozenset({"GetCompositeSchedule"})

#: Longest unique id OCPP-J 1.6 allows (§4.1.4).
_MAX_UNIQUE_ID = 36


_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def on(action: str) -> Callable[[_Handler], _Handler]:
    """``ocpp.routing.on`` with a type mypy can see (the library ships no hints)."""
    return cast(Callable[[_Handler], _Handler], _untyped_on(action))


@dataclass(frozen=True)
class Received:
    """One CALL a pole sent, with its payload exactly as it arrived (camelCase JSON)."""

    pole_id: str
    action: str
    payload: dict[str, Any]
    at: datetime


class CallErrorReceived(Exception):
    """The pole answered a CSMS call with a CALLERROR."""

    def __init__(self, pole_id: str, action: str, code: str, description: str,
                 details: Any) -> None:
        super().__init__(f"{pole_id} answered {action} with CALLERROR {code}: {description}"
                         f" {details!r}")
        self.pole_id = pole_id
        self.action = action
        self.code = code
        self.description = description
        self.details = details


@dataclass
class _Frame:
    """A received text frame split into its OCPP-J parts (structure checked, payload not)."""

    message_type_id: int
    unique_id: str
    action: str | None = None
    payload: Any = None
    error_code: str | None = None
    error_description: str | None = None
    error_details: Any = None
    problems: list[str] = field(default_factory=list)


def _split_frame(raw: str) -> _Frame | str:
    """Parse an OCPP-J frame; return the reason instead when it is not one."""
    try:
        message = json.loads(raw)
    except ValueError:
        return "not valid JSON"
    if not isinstance(message, list) or not message:
        return "not a non-empty JSON array"
    type_id = message[0]
    if type_id not in (MessageType.Call, MessageType.CallResult, MessageType.CallError):
        return f"unknown MessageTypeId {type_id!r}"
    expected = {MessageType.Call: 4, MessageType.CallResult: 3, MessageType.CallError: 5}[type_id]
    if len(message) != expected:
        return f"message type {type_id} needs {expected} elements, got {len(message)}"
    unique_id = message[1]
    if not isinstance(unique_id, str):
        return f"UniqueId {unique_id!r} is not a string"
    frame = _Frame(type_id, unique_id)
    if len(unique_id) > _MAX_UNIQUE_ID:
        frame.problems.append(f"UniqueId longer than {_MAX_UNIQUE_ID} characters")
    if type_id == MessageType.Call:
        frame.action, frame.payload = message[2], message[3]
        if not isinstance(frame.action, str):
            return f"Action {frame.action!r} is not a string"
    elif type_id == MessageType.CallResult:
        frame.payload = message[2]
    else:
        frame.error_code, frame.error_description, frame.error_details = message[2:]
        if frame.error_code not in CALL_ERROR_CODES:
            frame.problems.append(f"unknown CALLERROR code {frame.error_code!r}")
        if not isinstance(frame.error_description, str):
            frame.problems.append("CALLERROR description is not a string")
        if not isinstance(frame.error_details, dict):
            frame.problems.append("CALLERROR details is not an object")
    if type_id != MessageType.CallError and not isinstance(frame.payload, dict):
        frame.problems.append("payload is not a JSON object")
    return frame


def schema_problem(message_type_id: int, action: str, raw_payload: Any) -> str | None:
    """Validate one payload against the OCPP 1.6 schema; the violation, or None if valid.

    ``raw_payload`` is the already-decoded payload; it is re-encoded and decoded with
    ``Decimal`` floats for the schemas that need it, as ``ocpp.messages`` does.
    """
    use_decimal = (message_type_id == MessageType.Call and action in _DECIMAL_CALLS) or (
        message_type_id == MessageType.CallResult and action in _DECIMAL_RESULTS)
    try:
        if use_decimal:
            validator = get_validator(message_type_id, action, OCPP_VERSION,
                                      parse_float=decimal.Decimal)
            payload = json.loads(json.dumps(raw_payload), parse_float=decimal.Decimal)
        else:
            validator = get_validator(message_type_id, action, OCPP_VERSION)
            payload = raw_payload
    except (OSError, ValueError):
        return f"no OCPP 1.6 schema for action {action!r}"
    try:
        validator.validate(payload)
    except SchemaValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "<payload>"
        return f"{where}: {error.message}"
    return None


class _PoleConnection(ChargePoint):  # type: ignore[misc]  # ocpp ships no type hints
    """The central-system side of one pole's WebSocket: handlers, recording, CSMS calls.

    ``route_message`` is overridden so the raw frame is parsed, checked and recorded before
    the library routes it; CALLRESULT/CALLERROR frames answering the stub's own calls are
    matched by unique id here and never reach the library's response queue.
    """

    def __init__(self, pole_id: str, connection: ServerConnection, stub: CsmsStub) -> None:
        super().__init__(pole_id, connection, response_timeout=30)
        self._stub = stub
        self._current: dict[str, Any] = {}
        self._call_lock = asyncio.Lock()
        self._pending: dict[str, tuple[str, asyncio.Future[_Frame]]] = {}

    # -- receiving ------------------------------------------------------------------------

    async def route_message(self, raw_msg: str | bytes) -> None:
        """Check and record one received frame, then let the library handle CALLs."""
        stub = self._stub
        if isinstance(raw_msg, bytes):
            stub._schema_error(self.id, "binary frame (OCPP-J uses text frames)", raw_msg)
            return
        frame = _split_frame(raw_msg)
        if isinstance(frame, str):
            stub._schema_error(self.id, f"not an OCPP-J frame: {frame}", raw_msg)
            return
        for structural in frame.problems:
            stub._schema_error(self.id, structural, raw_msg)

        if frame.message_type_id == MessageType.Call:
            assert frame.action is not None
            payload = frame.payload if isinstance(frame.payload, dict) else {}
            stub._record(Received(self.id, frame.action, payload, utc_now()))
            if isinstance(frame.payload, dict):
                problem = schema_problem(MessageType.Call, frame.action, frame.payload)
                if problem is not None:
                    stub._schema_error(self.id, f"CALL {frame.action}: {problem}", raw_msg)
            # The library validates again and answers a violation with a CALLERROR.
            self._current = payload
            try:
                await super().route_message(raw_msg)
            finally:
                self._current = {}
            return

        pending = self._pending.get(frame.unique_id)
        if pending is None:
            stub._schema_error(self.id, f"answer to unknown unique id {frame.unique_id!r}",
                               raw_msg)
            return
        action, future = pending
        if frame.message_type_id == MessageType.CallResult and isinstance(frame.payload, dict):
            problem = schema_problem(MessageType.CallResult, action, frame.payload)
            if problem is not None:
                stub._schema_error(self.id, f"CALLRESULT {action}: {problem}", raw_msg)
        if not future.done():
            future.set_result(frame)

    def connection_lost(self) -> None:
        """Fail every CSMS call still waiting for an answer on this connection."""
        for action, future in self._pending.values():
            if not future.done():
                future.set_exception(
                    ConnectionError(f"{self.id} disconnected before answering {action}"))

    # -- sending --------------------------------------------------------------------------

    async def _send(self, message: str) -> None:
        """Send a frame; CALLERROR codes are rewritten to their OCPP 1.6 spelling.

        ocpp 2.1 answers an ``additionalProperties`` violation with ``FormatViolation`` (the
        OCPP 2.0 name) even on a 1.6 connection; OCPP-J 1.6 calls it ``FormationViolation``.
        """
        if message.startswith(f"[{MessageType.CallError},"):
            frame = json.loads(message)
            if frame[2] in _CALL_ERROR_CODES_16:
                frame[2] = _CALL_ERROR_CODES_16[frame[2]]
                message = json.dumps(frame, separators=(",", ":"))
        await super()._send(message)

    async def send_call(self, action: str, payload: dict[str, Any], timeout: float,
                        ) -> dict[str, Any]:
        """Send one CALL and wait for its answer; one outstanding call at a time (OCPP-J)."""
        async with self._call_lock:
            unique_id = str(uuid.uuid4())
            future: asyncio.Future[_Frame] = asyncio.get_running_loop().create_future()
            self._pending[unique_id] = (action, future)
            try:
                await self._send(Call(unique_id, action, payload).to_json())
                try:
                    async with asyncio.timeout(timeout):
                        answer = await future
                except TimeoutError:
                    raise TimeoutError(
                        f"{self.id} did not answer {action} within {timeout} s") from None
            finally:
                del self._pending[unique_id]
        if answer.message_type_id == MessageType.CallError:
            raise CallErrorReceived(self.id, action, str(answer.error_code),
                                    str(answer.error_description), answer.error_details)
        result: dict[str, Any] = answer.payload if isinstance(answer.payload, dict) else {}
        return result

    # -- handlers -------------------------------------------------------------------------

    def _id_tag_info(self, id_tag: str) -> IdTagInfo:
        return IdTagInfo(status=self._stub.tag_status(id_tag))

    @on("BootNotification")
    def on_boot_notification(self, **_: Any) -> call_result.BootNotification:
        return call_result.BootNotification(current_time=format_time(utc_now()),
                                            interval=self._stub.heartbeat_interval,
                                            status=self._stub.boot_status)

    @on("Heartbeat")
    def on_heartbeat(self, **_: Any) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=format_time(utc_now()))

    @on("StatusNotification")
    def on_status_notification(self, **_: Any) -> call_result.StatusNotification:
        return call_result.StatusNotification()

    @on("Authorize")
    def on_authorize(self, **_: Any) -> call_result.Authorize:
        return call_result.Authorize(id_tag_info=self._id_tag_info(self._current["idTag"]))

    @on("StartTransaction")
    def on_start_transaction(self, **_: Any) -> call_result.StartTransaction:
        payload = self._current
        transaction_id = self._stub._next_transaction_id()
        self._stub.transactions[transaction_id] = {
            "pole_id": self.id,
            "connectorId": payload["connectorId"],
            "idTag": payload["idTag"],
            "meterStart": payload["meterStart"],
            "timestamp": payload["timestamp"],
            "stop": None,
        }
        return call_result.StartTransaction(transaction_id=transaction_id,
                                            id_tag_info=self._id_tag_info(payload["idTag"]))

    @on("StopTransaction")
    def on_stop_transaction(self, **_: Any) -> call_result.StopTransaction:
        payload = self._current
        transaction = self._stub.transactions.setdefault(payload["transactionId"], {
            "pole_id": self.id, "connectorId": None, "idTag": None, "meterStart": None,
            "timestamp": None, "stop": None,
        })
        transaction["stop"] = payload
        id_tag = payload.get("idTag")
        return call_result.StopTransaction(
            id_tag_info=None if id_tag is None else self._id_tag_info(id_tag))

    @on("MeterValues")
    def on_meter_values(self, **_: Any) -> call_result.MeterValues:
        return call_result.MeterValues()

    @on("DataTransfer")
    def on_data_transfer(self, **_: Any) -> call_result.DataTransfer:
        payload = self._current
        if payload["vendorId"] != VENDOR_ID:
            status = "UnknownVendorId"
        elif payload.get("messageId") in KNOWN_MESSAGE_IDS:
            status = "Accepted"
        else:
            status = "UnknownMessageId"
        return call_result.DataTransfer(status=status)

    @on("FirmwareStatusNotification")
    def on_firmware_status_notification(self, **_: Any,
                                        ) -> call_result.FirmwareStatusNotification:
        return call_result.FirmwareStatusNotification()

    @on("DiagnosticsStatusNotification")
    def on_diagnostics_status_notification(self, **_: Any,
                                           ) -> call_result.DiagnosticsStatusNotification:
        return call_result.DiagnosticsStatusNotification()

    # Security whitepaper extension (eis 69), charge-point initiated.
    @on("SecurityEventNotification")
    def on_security_event_notification(self, **_: Any,
                                       ) -> call_result.SecurityEventNotification:
        return call_result.SecurityEventNotification()

    @on("LogStatusNotification")
    def on_log_status_notification(self, **_: Any) -> call_result.LogStatusNotification:
        return call_result.LogStatusNotification()

    @on("SignedFirmwareStatusNotification")
    def on_signed_firmware_status_notification(
            self, **_: Any) -> call_result.SignedFirmwareStatusNotification:
        return call_result.SignedFirmwareStatusNotification()

    @on("SignCertificate")
    def on_sign_certificate(self, **_: Any) -> call_result.SignCertificate:
        return call_result.SignCertificate(status="Accepted")


def _offered_subprotocols(headers: Headers) -> list[str]:
    return [part.strip() for value in headers.get_all("Sec-WebSocket-Protocol")
            for part in value.split(",") if part.strip()]


class CsmsStub:
    """A small OCPP 1.6J central system on 127.0.0.1 for tests.

    ``blocked_tags``, ``unknown_tags``, ``heartbeat_interval`` and ``boot_status`` are plain
    attributes and may be changed while running; they apply to the next message.
    """

    def __init__(self, *, blocked_tags: Iterable[str] = frozenset(),
                 unknown_tags: Iterable[str] = frozenset(), first_transaction_id: int = 1000,
                 heartbeat_interval: int = 900, boot_status: str = "Accepted") -> None:
        self.blocked_tags: set[str] = set(blocked_tags)
        self.unknown_tags: set[str] = set(unknown_tags)
        self.heartbeat_interval = heartbeat_interval
        self.boot_status = boot_status
        #: Every CALL the poles sent, in arrival order, across reconnects.
        self.received: list[Received] = []
        #: Every received frame (CALL or answer) that is not valid OCPP-J 1.6.
        self.schema_errors: list[str] = []
        #: transactionId -> start fields (camelCase), ``pole_id`` and ``stop`` payload.
        self.transactions: dict[int, dict[str, Any]] = {}
        self._next_id = first_transaction_id
        self._port = 0
        self._server: Server | None = None
        self._connections: dict[str, _PoleConnection] = {}
        self._changed = asyncio.Event()  # set and replaced on every change (see _notify)

    # -- server lifecycle -----------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (port 0: a free one, remembered for :meth:`restart`)."""
        if self._server is not None:
            raise RuntimeError("CsmsStub is already running")
        self._server = await serve(self._serve_pole, "127.0.0.1", port or self._port,
                                   subprotocols=[Subprotocol(SUBPROTOCOL)],
                                   process_request=self._check_request)
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the server and every pole connection (close code 1001, going away)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        await server.wait_closed()

    async def restart(self) -> None:
        """Start again on the same port as before."""
        await self.start(self._port)

    @property
    def port(self) -> int:
        """The port in use (kept after :meth:`stop`)."""
        return self._port

    @property
    def url(self) -> str:
        """Base URL; a pole connects to ``f"{url}/{pole_id}"``."""
        if not self._port:
            raise RuntimeError("CsmsStub has not been started")
        return f"ws://127.0.0.1:{self._port}/ocpp"

    async def __aenter__(self) -> CsmsStub:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def _check_request(self, connection: ServerConnection, request: Request,
                       ) -> Response | None:
        """Refuse a wrong path or a handshake without the ocpp1.6 subprotocol (HTTP 4xx)."""
        path = urlsplit(request.path).path
        if not path.startswith(PATH_PREFIX) or not path.removeprefix(PATH_PREFIX).strip("/"):
            return connection.respond(HTTPStatus.NOT_FOUND, f"expected {PATH_PREFIX}<pole_id>\n")
        if SUBPROTOCOL not in _offered_subprotocols(request.headers):
            return connection.respond(HTTPStatus.BAD_REQUEST,
                                      f"the {SUBPROTOCOL} subprotocol is required\n")
        return None

    async def _serve_pole(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        pole_id = urlsplit(connection.request.path).path.rstrip("/").rsplit("/", 1)[-1]
        pole = _PoleConnection(pole_id, connection, self)
        previous = self._connections.get(pole_id)
        if previous is not None:  # a pole that reconnects replaces its stale connection
            await previous._connection.close(1000, "replaced by a new connection")
        self._connections[pole_id] = pole
        self._notify()
        try:
            await pole.start()
        except ConnectionClosed:
            pass
        finally:
            pole.connection_lost()
            if self._connections.get(pole_id) is pole:
                del self._connections[pole_id]
            self._notify()

    # -- state used by the handlers -------------------------------------------------------

    def tag_status(self, id_tag: str) -> str:
        """The AuthorizationStatus the stub gives ``id_tag``."""
        if id_tag in self.blocked_tags:
            return "Blocked"
        if id_tag in self.unknown_tags:
            return "Invalid"
        return "Accepted"

    def _next_transaction_id(self) -> int:
        transaction_id = self._next_id
        self._next_id += 1
        return transaction_id

    def _record(self, received: Received) -> None:
        self.received.append(received)
        self._notify()

    def _schema_error(self, pole_id: str, problem: str, raw: str | bytes) -> None:
        text = raw if isinstance(raw, str) else repr(raw)
        if len(text) > 300:
            text = text[:300] + "…"
        message = f"{pole_id}: {problem} — {text}"
        LOGGER.warning("schema error: %s", message)
        self.schema_errors.append(message)

    def _notify(self) -> None:
        """Wake every waiter; each re-checks its own condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, condition: Callable[[], bool], timeout: float) -> None:
        """Wait until ``condition()`` holds, re-checked after every change; TimeoutError."""
        async with asyncio.timeout(timeout):
            while not condition():
                await self._changed.wait()

    # -- queries and waits ----------------------------------------------------------------

    def calls(self, action: str, pole_id: str | None = None) -> list[Received]:
        """The recorded CALLs of ``action`` (from ``pole_id``, or from any pole)."""
        return [r for r in self.received
                if r.action == action and (pole_id is None or r.pole_id == pole_id)]

    async def wait_for(self, action: str, count: int = 1, *, timeout: float = 10.0,
                       where: Callable[[Received], bool] | None = None) -> list[Received]:
        """Wait until at least ``count`` matching CALLs arrived; return all that match.

        On timeout an AssertionError says what did arrive.
        """
        def matching() -> list[Received]:
            return [r for r in self.calls(action) if where is None or where(r)]

        try:
            await self._wait_until(lambda: len(matching()) >= count, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} × {action}{' matching the filter' if where else ''}"
                f" within {timeout} s, got {len(matching())}; {self.summary()}") from None
        return matching()

    def connected(self, pole_id: str) -> bool:
        """Whether ``pole_id`` has an open WebSocket to the stub."""
        return pole_id in self._connections

    async def wait_connected(self, pole_id: str, timeout: float = 10.0) -> None:
        """Wait until ``pole_id`` is connected; AssertionError on timeout."""
        try:
            await self._wait_until(lambda: self.connected(pole_id), timeout)
        except TimeoutError:
            raise AssertionError(
                f"{pole_id} did not connect within {timeout} s; connected: "
                f"{sorted(self._connections) or 'none'}") from None

    def summary(self) -> str:
        """What arrived so far, per pole and action, for assertion messages."""
        if not self.received:
            return "nothing received"
        counts = Counter(f"{r.pole_id} {r.action}" for r in self.received)
        last = self.received[-1]
        return ("received " + ", ".join(f"{n} × {key}" for key, n in sorted(counts.items()))
                + f"; last: {last.pole_id} {last.action} {json.dumps(last.payload)[:200]}")

    # -- CSMS-initiated calls -------------------------------------------------------------

    async def call(self, pole_id: str, action: str, payload: dict[str, Any],
                   timeout: float = 10.0, *, validate: bool = True) -> dict[str, Any]:
        """Send ``action`` to a connected pole and return its CALLRESULT payload (camelCase).

        Raises CallErrorReceived (its code in the message) on a CALLERROR, TimeoutError
        without an answer, ConnectionError when the pole is not (or no longer) connected,
        and ValueError for a request that is not schema-valid (unless ``validate=False``,
        to test how a pole handles a bad request).
        """
        if validate:
            problem = schema_problem(MessageType.Call, action, payload)
            if problem is not None:
                raise ValueError(f"invalid {action} request: {problem}")
        pole = self._connections.get(pole_id)
        if pole is None:
            raise ConnectionError(f"{pole_id} is not connected to the CSMS stub")
        with contextlib.suppress(ConnectionClosed):
            return await pole.send_call(action, payload, timeout)
        raise ConnectionError(f"{pole_id} disconnected while sending {action}")
