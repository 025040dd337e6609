"""The ``ocpp`` library's v16 routing with PROTOCOL.md's error handling.

Both ends of a local link, and later the pole's OCPP connection and the CSMS, use
the library's ``ChargePoint``: its ``@on`` route map, its v16 dataclasses and
schemas. What must differ is overridden here and nowhere else:

* unparseable input is counted (``on_dropped``) instead of silently logged;
* malformed messages with a readable id get a CALLERROR with OCPP 1.6 spelling;
* an unknown action is ``NotImplemented`` and a known one without a handler is
  ``NotSupported`` (OCPP 1.6 §4.2.3 — the library has these the other way round);
* a call waits on a future of its own, so a lost link fails it at once
  (`LinkLost`) rather than after the timeout, and errors surface as `CallError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import functools
import inspect
import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import (
    InternalError,
    NotSupportedError,
    OCPPError,
    SecurityError,
)
from ocpp.exceptions import (
    NotImplementedError as OcppNotImplemented,
)
from ocpp.messages import Call, CallError, CallResult, get_validator
from ocpp.routing import after as _ocpp_after
from ocpp.routing import on as _ocpp_on
from ocpp.v16 import ChargePoint

from pole_link.errors import CallError as PoleCallError
from pole_link.errors import FrameError, LinkLost, LinkTimeout, NotAuthorised
from pole_link.protocol import messages
from pole_link.protocol.redaction import install_log_filter

LOGGER = logging.getLogger(__name__)
install_log_filter()  # frames are logged: a pole's AuthorizationKey is masked in them

DroppedHook = Callable[[str], None]
_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def on(action: str, *, skip_schema_validation: bool = False) -> Callable[[_Handler], _Handler]:
    """The library's ``@on``, typed, so handlers stay checked under ``mypy --strict``."""
    decorator: Callable[[_Handler], _Handler] = _ocpp_on(
        action, skip_schema_validation=skip_schema_validation)
    return decorator


def after(action: str) -> Callable[[_Handler], _Handler]:
    """The library's ``@after``, typed."""
    decorator: Callable[[_Handler], _Handler] = _ocpp_after(action)
    return decorator


_SNAKE_KEYS: dict[str, str] = {}
_SNAKE_KEYS_MAX = 4096
"""Keys converted so far (bounded: a peer cannot grow it without end with made-up keys)."""


_SNAKE_SAME: set[str] = set()
"""The remembered keys the library's conversion leaves as they are (``value``, ``unit``,
``timestamp``…)."""
_FLAT = frozenset({str, int, float, bool, type(None)})
"""The JSON values that hold no keys to convert."""


def _remembered(memo: dict[str, str], convert: Callable[[dict[str, Any]], dict[str, Any]],
                key: str, same: set[str] | None = None) -> str:
    """``convert``'s conversion of one key, computed once per distinct key (up to
    `_SNAKE_KEYS_MAX` keys are kept; those it leaves unchanged also go into ``same``)."""
    converted = memo.get(key)
    if converted is None:
        converted = next(iter(convert({key: None})))
        if len(memo) < _SNAKE_KEYS_MAX:
            memo[key] = converted
            if same is not None and converted == key:
                same.add(key)
    return converted


def _snake_key(key: str) -> str:
    """The library's key conversion (two regexes), once per distinct key."""
    return _remembered(_SNAKE_KEYS, camel_to_snake_case, key, _SNAKE_SAME)


def to_snake_case(data: Any) -> Any:
    """Same result as the library's ``camel_to_snake_case``, with the key conversion cached.

    Nested objects and arrays are walked without a call per scalar: a MeterValues is about
    60 keys and values, and one call each was 2.6 million calls in a 10,000-pole storm.
    """
    if isinstance(data, dict):
        return _snake_dict(data)
    if isinstance(data, list):
        return _snake_list(data)
    return data


def _snake_dict(data: dict[Any, Any]) -> dict[Any, Any]:
    if data.keys() <= _SNAKE_SAME and _FLAT.issuperset(map(type, data.values())):
        # Nothing to convert (a MeterValues' sampled values, most of its keys): a copy,
        # both tests done in C (issue 20).
        return data.copy()
    converted: dict[Any, Any] = {}
    known = _SNAKE_KEYS.get
    for key, value in data.items():
        if isinstance(value, dict):
            value = _snake_dict(value)
        elif isinstance(value, list):
            value = _snake_list(value)
        converted[known(key) or _snake_key(key)] = value
    return converted


def _snake_list(data: list[Any]) -> list[Any]:
    return [_snake_dict(value) if isinstance(value, dict)
            else _snake_list(value) if isinstance(value, list) else value
            for value in data]


_CAMEL_KEYS: dict[str, str] = {}


def _camel_key(key: str) -> str:
    """The library's snake→camel key conversion (a dozen replaces), once per distinct key."""
    return _remembered(_CAMEL_KEYS, snake_to_camel_case, key)


def to_camel_case(data: Any) -> Any:
    """Same result as the library's ``snake_to_camel_case``, the key conversion cached (an
    answer's keys are the same few for every message)."""
    if isinstance(data, dict):
        known = _CAMEL_KEYS.get
        return {known(key) or _camel_key(key): to_camel_case(value)
                for key, value in data.items()}
    if isinstance(data, list):
        return [to_camel_case(value) for value in data]
    return data


_SCALARS = frozenset({str, int, float, bool})
_FIELDS: dict[type, tuple[str, ...]] = {}


def answer_payload(response: Any) -> Any:
    """A handler's answer (a library dataclass) as the JSON object to send: the library's
    ``snake_to_camel_case(remove_nones(serialize_as_dict(response)))``. An answer of plain
    values (a Heartbeat's time, a MeterValues' nothing, a boot's status) is read field by
    field; the library's deep copy of the dataclass cost more than the rest of the answer."""
    if dataclasses.is_dataclass(response) and not isinstance(response, type):
        names = _FIELDS.get(type(response))
        if names is None:
            names = _FIELDS[type(response)] = tuple(
                field.name for field in dataclasses.fields(response))
        payload: dict[str, Any] = {}
        for name in names:
            value = getattr(response, name)
            if value is None:
                continue
            if type(value) not in _SCALARS and not isinstance(value, enum.Enum):
                break  # nested: the library's way
            payload[_CAMEL_KEYS.get(name) or _camel_key(name)] = value
        else:
            return payload
    return to_camel_case(remove_nones(serialize_as_dict(response)))


_METADATA = frozenset({"$schema", "$id", "id", "title", "description", "javaType", "format"})
# "format" is metadata here: the library's validators are built without a format checker.
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "null": lambda v: v is None,
}
Check = Callable[[Any], bool]
_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties", "enum",
                       "maxLength", "items", "minItems"})


def compile_schema(schema: Any) -> Check | None:
    """A fast yes/no check for the Draft-4 subset the OCPP 1.6 schemas use, or None.

    Only ever a shortcut for valid payloads: it answers True only where the full
    jsonschema validation would find no error (it is stricter where unsure: floats as
    integers, non-string enums), and False sends the payload through the full validation,
    which produces the OCPP error. A schema with any other keyword gets None (always full).

    Each schema node becomes one function: a typed node's keywords that cannot apply to its
    type are dropped (OCPP 1.6 puts ``additionalProperties`` on its string enums), and an
    enum, a length limit and the string type are one test. It runs for every value of every
    message and answer (a 10,000-pole storm: 2 million calls, a tenth of the OCPP handling).
    """
    if not isinstance(schema, dict) or set(schema) - _METADATA - _KEYWORDS:
        return None
    kind = schema.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _TYPES):
        return None
    if "enum" in schema and not all(isinstance(value, str) for value in schema["enum"]):
        return None
    object_check = _object_check(schema) if kind in (None, "object") else _anything
    list_check = _list_check(schema) if kind in (None, "array") else _anything
    if object_check is None or list_check is None:
        return None
    if kind == "string" or "enum" in schema:
        # A string (an enum is one): object and array keywords never apply to it.
        return _string_check(schema, kind)
    checks = [check for check in (
        None if kind is None else _TYPES[kind],
        _max_length(schema),
        None if object_check is _anything else object_check,
        None if list_check is _anything else list_check) if check is not None]
    if kind == "object" and object_check is not _anything:
        return object_check  # it tests the type itself (see `_object_check`)
    if kind == "array" and list_check is not _anything:
        return list_check
    if not checks:
        return _anything
    if len(checks) == 1:
        return checks[0]

    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 (no generator per value)
            if not check(v):
                return False
        return True
    return every


def _anything(v: Any) -> bool:
    return True


def _string_check(schema: dict[str, Any], kind: str | None) -> Check:
    """``type: string``, ``enum``, ``maxLength`` as one test (an enum's values too long for
    its own ``maxLength`` are left out of it)."""
    longest = int(schema["maxLength"]) if "maxLength" in schema else None
    if "enum" in schema:
        allowed = frozenset(value for value in schema["enum"]
                            if longest is None or len(value) <= longest)
        if kind not in (None, "string"):
            return lambda v: False  # an enum of strings on another type: nothing passes
        return lambda v: isinstance(v, str) and v in allowed
    if kind is None:  # maxLength alone: anything but a too-long string passes
        return _max_length(schema) or _anything
    if longest is None:
        return _TYPES["string"]
    return lambda v: isinstance(v, str) and len(v) <= longest


def _max_length(schema: dict[str, Any]) -> Check | None:
    if "maxLength" not in schema:
        return None
    longest = int(schema["maxLength"])
    return lambda v: not isinstance(v, str) or len(v) <= longest


def _object_check(schema: dict[str, Any]) -> Check | None:
    """``properties``, ``required``, ``additionalProperties`` (and ``type: object``, when
    given); `_anything` without them, None when a sub-schema cannot be compiled."""
    typed = schema.get("type") == "object"
    if not ("properties" in schema or "required" in schema
            or "additionalProperties" in schema):
        return _anything
    extra = schema.get("additionalProperties", True)
    if not isinstance(extra, bool):
        return None
    properties: dict[str, Check] = {}
    for name, sub in schema.get("properties", {}).items():
        check = compile_schema(sub)
        if check is None:
            return None
        properties[name] = check
    required = tuple(schema.get("required", ()))
    known = properties.get

    def object_check(v: Any) -> bool:
        if not isinstance(v, dict):
            return not typed  # untyped: these keywords ignore non-objects
        for name in required:
            if name not in v:
                return False
        for name, value in v.items():
            check = known(name)
            if check is None:
                if not extra:
                    return False
            elif not check(value):
                return False
        return True
    return object_check


def _list_check(schema: dict[str, Any]) -> Check | None:
    """``items``, ``minItems`` (and ``type: array``, when given); `_anything` without them."""
    typed = schema.get("type") == "array"
    if "items" not in schema and "minItems" not in schema:
        return _anything
    if isinstance(schema.get("items"), list):
        return None
    item = compile_schema(schema.get("items", {}))
    if item is None:
        return None
    least = int(schema.get("minItems", 0))

    def list_check(v: Any) -> bool:
        if not isinstance(v, list):
            return not typed
        if len(v) < least:
            return False
        for element in v:  # noqa: SIM110 (no generator per list)
            if not item(element):
                return False
        return True
    return list_check


_fast_checks: dict[tuple[int, str], Check | None] = {}


def _surely_valid(message: Call | CallResult, action: str) -> bool:
    """True when the compiled check passes; False means: validate fully."""
    key = (message.message_type_id, action)
    if key not in _fast_checks:
        if action in messages._DECIMAL_CALLS or action in messages._DECIMAL_RESULTS:
            # Never ask the library for these with float parsing: it caches one validator
            # per schema, and `messages.validate` needs the Decimal one (multipleOf 0.1).
            _fast_checks[key] = None
            return False
        try:
            validator = get_validator(message.message_type_id, action, messages.OCPP_VERSION)
        except OSError:
            _fast_checks[key] = None
        else:
            _fast_checks[key] = compile_schema(validator.schema)
    check = _fast_checks[key]
    return check is not None and check(message.payload)


def validate(message: Call | CallResult, action: str | None = None) -> None:
    """`messages.validate`, skipped when the compiled check already proves the payload valid."""
    if not _surely_valid(message, action or message.action):
        messages.validate(message, action)


@functools.lru_cache(maxsize=1024)
def _wants_unique_id(function: Callable[..., Any]) -> bool:
    return "call_unique_id" in inspect.signature(function).parameters


def call_error_to_exception(error: CallError, action: str) -> PoleCallError:
    """Turn a received CALLERROR into our exception, keeping the pole's exact code."""
    details = error.error_details if isinstance(error.error_details, dict) else {}
    if error.error_code == SecurityError.code:
        return NotAuthorised(error.error_description, details, action=action)
    return PoleCallError(error.error_code, error.error_description, details, action=action)


class StrictChargePoint(ChargePoint):  # type: ignore[misc]
    """A v16 ``ChargePoint`` whose routing follows PROTOCOL.md to the letter.

    Subclasses add ``@on(Action.X)`` handlers as with the plain library, and may
    override `check_call` to refuse a call before its handler runs (the pole's
    session rules do that).

    Slotted, the library's attributes too: a CSMS holds one of these per connected pole,
    and with a subclass's attributes they are more than the 30 keys a key-sharing
    instance dict holds (Python 3.11), so each had a dict of its own, 1.6 KB (issue 20).
    A subclass's own attributes go to the instance's dict unless it slots them as well.
    """

    # The library's `ChargePoint.__init__` (ocpp 2.x) sets `_call_lock`, `_connection`,
    # `_response_queue` (deleted again here), `_response_timeout`, `_unique_id_generator`,
    # `id`, `logger` and `route_map`; the rest are ours.
    __slots__ = ("_call_lock", "_callers", "_connection", "_lost", "_on_dropped", "_pending",
                 "_response_queue", "_response_timeout", "_unique_id_generator", "id",
                 "logger", "route_map")

    def __init__(
        self,
        id: str,
        connection: Any,
        response_timeout: float = 10.0,
        *,
        on_dropped: DroppedHook | None = None,
        logger: logging.Logger = LOGGER,
    ) -> None:
        routes = _routes_by_class.get(type(self))
        if routes is None:
            super().__init__(id, connection, response_timeout=response_timeout, logger=logger)
            # The library builds a route map of bound methods for every connection; a CSMS
            # holding 10,000 poles keeps one shared map of handler names per class instead
            # (about 3.5 KB a connection): issue 20, memory per connection.
            self.route_map: Routes = _shared_routes(type(self), self.route_map)
            # The library's response queue serves its own `call`, replaced here by a
            # future per call; its lock is made when a call is made (`_calling`).
            del self._response_queue, self._call_lock
        else:
            # The library's `__init__` without its route map: that looks up every handler
            # name any class ever registered on this object (an AttributeError raised for
            # most), per connection, only for the map thrown away above (issue 20, CPU per
            # connection). `test_routing` checks both ways make the same attributes.
            self.id = id
            self._response_timeout = response_timeout
            self._connection = connection
            self.route_map = routes
            self._unique_id_generator = uuid.uuid4
            self.logger = logger
        self._on_dropped = on_dropped
        self._pending: dict[str, tuple[str, asyncio.Future[Call | CallResult | CallError]]] = {}
        self._lost: BaseException | None = None
        self._call_lock: asyncio.Lock | None = None
        """One call at a time (OCPP 1.6 §4.1.1): there only while a call is made or
        waits, since an idle lock is a few hundred bytes and a contended one keeps a deque
        of its waiters (760 B) for good; 10,000 idle poles hold none (issue 20)."""
        self._callers = 0
        """Calls holding or waiting for `_call_lock`."""

    @property
    def link(self) -> Any:
        """The connection this handler reads and writes (the library keeps it private): a
        CSMS hangs up a replaced or decommissioned pole's socket through it."""
        return self._connection

    # ----------------------------------------------------------------- receiving
    async def start(self) -> None:
        """Read and route messages until the connection ends; then fail pending calls."""
        try:
            while True:
                text = await self._connection.recv()
                self.logger.info("%s: receive %s", self.id, text)
                await self.route_message(text)
                # Not kept while waiting for the next: a connection idles for minutes
                # (a few hundred bytes each at a fleet's scale, issue 20).
                del text
        except BaseException as exc:
            self.connection_lost(exc)
            raise

    def connection_lost(self, exc: BaseException | None) -> None:
        """Fail every call still waiting: nobody is going to answer it."""
        self._lost = exc if isinstance(exc, LinkLost) else LinkLost(f"{self.id}: link closed")
        for action, future in self._pending.values():
            if not future.done():
                future.set_exception(LinkLost(f"{action}: the link to {self.id} was lost"))
        self._pending.clear()

    def _dropped(self, reason: str) -> None:
        self.logger.warning("%s: dropped input: %s", self.id, reason)
        if self._on_dropped is not None:
            self._on_dropped(reason)

    async def route_message(self, raw_msg: str) -> None:
        try:
            msg = messages.parse(raw_msg, getattr(raw_msg, "parsed", None))
        except messages.Unreadable as exc:
            self._dropped(str(exc))
            return
        except messages.Malformed as exc:
            if exc.answerable:
                await self._send_error(exc.unique_id, exc.error)
            else:
                self._dropped(f"{exc.unique_id}: {exc.error.description}")
            return

        if isinstance(msg, Call):
            try:
                try:
                    await self._handle_call(msg)
                except OCPPError as error:
                    await self._send(msg.create_call_error(error).to_json())
            except LinkLost as exc:
                # The peer is closing (e.g. a pole that accepted a new SecurityProfile
                # reconnects at once), so this answer cannot go out; but the answers it
                # sent to our own calls before its close may still wait unread behind
                # this call. Keep reading: `recv` says when the link is really gone.
                self.logger.info("%s: %s not answered: %s", self.id, msg.action, exc)
            return
        entry = self._pending.pop(msg.unique_id, None)
        if entry is None:
            self.logger.warning("%s: answer to unknown call %s ignored", self.id, msg.unique_id)
            return
        if not entry[1].done():
            entry[1].set_result(msg)

    async def _send_error(self, unique_id: str, error: OCPPError) -> None:
        answer = CallError(unique_id, error.code, error.description, error.details)
        await self._send(answer.to_json())

    def check_call(self, msg: Call) -> None:
        """Refuse a valid call before its handler runs by raising an ``OCPPError``."""

    async def _handle_call(self, msg: Call) -> None:
        handlers = self.route_map.get(msg.action)
        if handlers is None or "_on_action" not in handlers:
            if msg.action in messages.KNOWN_ACTIONS:
                raise NotSupportedError(
                    description=f"{msg.action} is not supported here",
                    details={"cause": f"{msg.action} is an OCPP 1.6 action this end does not do"},
                )
            raise OcppNotImplemented(
                description=f"unknown action {msg.action!r}",
                details={"cause": f"{msg.action!r} is not an OCPP 1.6 action"},
            )
        skip_validation = handlers.get("_skip_schema_validation", False)
        if not skip_validation:
            validate(msg)
        self.check_call(msg)

        handler = getattr(self, handlers["_on_action"])
        kwargs = to_snake_case(msg.payload)
        if _wants_unique_id(getattr(handler, "__func__", handler)):
            kwargs["call_unique_id"] = msg.unique_id
        try:
            response = handler(**kwargs)
            if inspect.isawaitable(response):
                response = await response
        except OCPPError:
            raise
        except Exception as exc:
            self.logger.exception("%s: handler for %s failed", self.id, msg.action)
            raise InternalError(
                description=f"{msg.action} failed inside the handler",
                details={"cause": f"{type(exc).__name__}: {exc}"},
            ) from exc

        result = msg.create_call_result(answer_payload(response))
        if not skip_validation:
            validate(result, msg.action)
        await self._send(result.to_json())

        after_name = handlers.get("_after_action")
        if after_name is not None:
            outcome = getattr(self, after_name)(**kwargs)
            if inspect.isawaitable(outcome):
                task = asyncio.ensure_future(outcome)
                task.add_done_callback(_log_task_failure)

    # ------------------------------------------------------------------- calling
    async def call_action(
        self, action: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send one CALL and return the result payload as camelCase JSON.

        Raises `CallError` (or `NotAuthorised`) for a CALLERROR, `LinkTimeout` when
        no answer comes in time, `LinkLost` when the link goes, and `FrameError`
        when the answer violates the OCPP 1.6 schema.
        """
        if self._lost is not None:
            raise LinkLost(f"{action}: the link to {self.id} is closed")
        unique_id = str(self._unique_id_generator())
        call = Call(unique_id, action, payload)
        limit = self._response_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        if self._call_lock is None:
            self._call_lock = asyncio.Lock()
        self._callers += 1
        try:
            # No local name for the lock: a failed call's frame can outlive the call (in
            # its exception's traceback) and would keep the lock alive with it.
            async with self._call_lock:
                future: asyncio.Future[Call | CallResult | CallError] = loop.create_future()
                self._pending[unique_id] = (action, future)
                try:
                    await self._send(call.to_json())
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                    # cancellation that races with the answer arriving.
                    async with asyncio.timeout(limit):
                        answer = await future
                except TimeoutError:
                    raise LinkTimeout(
                        f"{action}: no answer from {self.id} within {limit:g} s") from None
                finally:
                    self._pending.pop(unique_id, None)
                    if not self._pending:  # a dict keeps its table when emptied (120 B)
                        self._pending.clear()
                    _settle(future)
        finally:
            self._callers -= 1
            if not self._callers:  # nobody holds or waits for it: the next call makes one
                self._call_lock = None
        if isinstance(answer, CallError):
            raise call_error_to_exception(answer, action)
        if not isinstance(answer, CallResult):
            raise FrameError(f"{action}: the answer was not a CALLRESULT")
        if action in messages.KNOWN_ACTIONS:
            try:
                messages.validate(answer, action)
            except OCPPError as exc:
                raise FrameError(f"{action}: the answer breaks the OCPP 1.6 schema: "
                                 f"{exc.description}") from None
        result: dict[str, Any] = answer.payload
        return result

    async def call(
        self,
        payload: Any,
        suppress: bool = False,
        unique_id: str | None = None,
        skip_schema_validation: bool = False,
    ) -> Any:
        """The library's dataclass-based call, routed through `call_action`.

        Unlike the library it raises on a CALLERROR (``suppress`` is ignored): a
        silently ``None`` result has hidden too many refusals.
        """
        action = payload.__class__.__name__
        body = snake_to_camel_case(remove_nones(serialize_as_dict(payload)))
        result = await self.call_action(action, body)
        result_class = getattr(self._call_result, action)
        return result_class(**to_snake_case(result))


Routes = dict[str, dict[str, Any]]
_routes_by_class: dict[type, Routes] = {}


def _shared_routes(cls: type, built: Routes) -> Routes:
    """The library's route map of one instance (action → bound handlers) as one map per
    class of handler *names*, looked up on the instance when a call comes in."""
    routes = _routes_by_class.get(cls)
    if routes is None:
        routes = _routes_by_class[cls] = {
            action: {option: (value.__name__ if option in ("_on_action", "_after_action")
                              else value)
                     for option, value in handlers.items()}
            for action, handlers in built.items()}
    return routes


def _log_task_failure(task: asyncio.Task[Any]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        exc = task.exception()
        if exc is not None:
            LOGGER.error("after-action hook failed", exc_info=exc)


def _settle(future: asyncio.Future[Any]) -> None:
    """Leave no call's future behind with an exception nobody reads: a call cancelled while
    sending (the link dropped, the service stopping) may have been failed by
    `connection_lost` meanwhile, and asyncio would log "Future exception was never
    retrieved" for it."""
    if not future.done():
        future.cancel()
    elif not future.cancelled():
        future.exception()
