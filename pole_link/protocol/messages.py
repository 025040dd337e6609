"""OCPP-J messages read strictly, with OCPP 1.6's own error codes.

The ``ocpp`` library parses and validates messages too, but for a pole's service
port it does three things PROTOCOL.md forbids: it drops unparseable input without
counting it, it answers with ``FormatViolation`` (OCPP 2.0 spelling) instead of
``FormationViolation``, and it maps a missing field to ``ProtocolError``. So the
parsing and the mapping of schema errors live here, while the schemas themselves
and the ``Call``/``CallResult``/``CallError`` classes are the library's.
"""

from __future__ import annotations

import decimal
import json
from typing import Any, TypeAlias

from jsonschema.exceptions import ValidationError as SchemaValidationError
from ocpp.exceptions import (
    FormationViolationError,
    OccurenceConstraintViolationError,
    OCPPError,
    PropertyConstraintViolationError,
    TypeConstraintViolationError,
)
from ocpp.messages import Call, CallError, CallResult, MessageType, get_validator
from ocpp.v16.enums import Action

OCPP_VERSION = "1.6"
MAX_ID_LENGTH = 36

KNOWN_ACTIONS = frozenset(action.value for action in Action)
"""Every OCPP 1.6 action name the library knows, both directions."""

Message: TypeAlias = Call | CallResult | CallError

# OCPP 1.6 schemas with decimal limits (multipleOf 0.1) only validate exactly with Decimal.
_DECIMAL_CALLS = frozenset({"SetChargingProfile", "RemoteStartTransaction"})
_DECIMAL_RESULTS = frozenset({"GetCompositeSchedule"})

_PROPERTY_KEYWORDS = frozenset(
    {"enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
     "pattern", "format", "minItems", "maxItems", "minLength", "uniqueItems"}
)


class Unreadable(Exception):
    """Input that cannot be answered at all: no message id could be read. Drop and count."""


class Malformed(Exception):
    """A JSON message whose id is readable but which is not a valid OCPP-J message."""

    def __init__(self, unique_id: str, error: OCPPError, *, answerable: bool) -> None:
        super().__init__(error.description)
        self.unique_id = unique_id
        self.error = error
        self.answerable = answerable
        """False for malformed results/errors: one never answers an answer."""


def _readable_id(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH else None


def _formation(cause: str) -> FormationViolationError:
    return FormationViolationError(description=cause, details={"cause": cause})


def parse(text: str | bytes, parsed: Any = None) -> Message:
    """Turn received text into a library message, or raise `Unreadable` / `Malformed`.

    ``parsed`` lets a caller that already decoded the JSON (to count a drop early)
    skip a second decode.
    """
    if parsed is None:
        try:
            parsed = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Unreadable(f"not JSON: {exc}") from None
    if not isinstance(parsed, list) or len(parsed) < 2:
        raise Unreadable("not an OCPP-J array with a message type and an id")
    type_id, unique_id = parsed[0], _readable_id(parsed[1])
    if unique_id is None:
        raise Unreadable("message id missing, not a string, or longer than 36 characters")
    if type_id == MessageType.Call:
        if len(parsed) != 4 or not isinstance(parsed[2], str):
            raise Malformed(unique_id, _formation("a CALL is [2, id, action, {payload}]"),
                            answerable=True)
        if not isinstance(parsed[3], dict):
            raise Malformed(unique_id, _formation("the payload of a CALL must be a JSON object"),
                            answerable=True)
        return Call(unique_id, parsed[2], parsed[3])
    if type_id == MessageType.CallResult:
        if len(parsed) != 3 or not isinstance(parsed[2], dict):
            raise Malformed(unique_id, _formation("a CALLRESULT is [3, id, {payload}]"),
                            answerable=False)
        return CallResult(unique_id, parsed[2])
    if type_id == MessageType.CallError:
        if len(parsed) != 5 or not all(isinstance(part, str) for part in parsed[2:4]):
            raise Malformed(
                unique_id,
                _formation("a CALLERROR is [4, id, code, description, {details}]"),
                answerable=False,
            )
        details = parsed[4] if isinstance(parsed[4], dict) else {}
        return CallError(unique_id, parsed[2], parsed[3], details)
    # Not a result or an error, so nobody waits on it: answering cannot confuse the peer.
    raise Malformed(unique_id, _formation(f"unknown message type {type_id!r}"), answerable=True)


def _schema_error(action: str, error: SchemaValidationError) -> OCPPError:
    where = "/".join(str(part) for part in error.absolute_path) or "payload"
    cause = f"{action}: {where}: {error.message}"
    details = {"cause": cause, "field": where}
    keyword = str(error.validator)
    if keyword == "required":
        return OccurenceConstraintViolationError(description=cause, details=details)
    if keyword in {"type", "maxLength"}:
        # A CiString too long violates its data type (CiString20Type etc.), as in OCPP 1.6.
        return TypeConstraintViolationError(description=cause, details=details)
    if keyword in _PROPERTY_KEYWORDS:
        return PropertyConstraintViolationError(description=cause, details=details)
    return FormationViolationError(description=cause, details=details)


def validate(message: Call | CallResult, action: str | None = None) -> None:
    """Check a payload against the library's OCPP 1.6 schema; raise the OCPP 1.6 error.

    ``action`` names the call a result answers (results do not carry it).
    """
    name = action or message.action
    is_call = isinstance(message, Call)
    decimal_payload = name in (_DECIMAL_CALLS if is_call else _DECIMAL_RESULTS)
    try:
        validator = get_validator(
            message.message_type_id,
            name,
            OCPP_VERSION,
            parse_float=decimal.Decimal if decimal_payload else float,
        )
    except OSError:
        raise _formation(f"no OCPP 1.6 schema for {name}") from None
    payload = message.payload
    if decimal_payload:
        payload = json.loads(json.dumps(payload), parse_float=decimal.Decimal)
    error = next(iter(sorted(validator.iter_errors(payload), key=_error_rank)), None)
    if error is not None:
        raise _schema_error(name, error)


def _error_rank(error: SchemaValidationError) -> tuple[int, int]:
    """Report the most telling error first: a missing field before a bad value."""
    order = {"required": 0, "type": 1, "additionalProperties": 3}
    return (order.get(str(error.validator), 2), len(error.absolute_path))


