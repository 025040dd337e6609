"""The OCPI response envelope and status codes, and the error that carries both an HTTP
status and an OCPI status code (transport and format, status codes).

Every route answers through `answer` or by raising `OcpiError`, so a partner always gets
``{data?, status_code, status_message?, timestamp}`` and the ``X-Request-ID`` /
``X-Correlation-ID`` it sent, even on a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

OCPI_PREFIX = "/ocpi"


class Status(IntEnum):
    SUCCESS = 1000
    CLIENT_ERROR = 2000
    INVALID_PARAMETERS = 2001
    NOT_ENOUGH_INFORMATION = 2002
    UNKNOWN_LOCATION = 2003
    UNKNOWN_TOKEN = 2004
    SERVER_ERROR = 3000
    UNABLE_TO_USE_CLIENT_API = 3001
    UNSUPPORTED_VERSION = 3002
    NO_MATCHING_ENDPOINTS = 3003


class OcpiError(Exception):
    """A refusal: the HTTP status, the OCPI status code and a sentence for the partner's
    operator."""

    def __init__(self, http_status: int, status: Status, message: str) -> None:
        super().__init__(message)
        self.http_status, self.status, self.message = http_status, status, message


def stamp(now: datetime) -> str:
    """OCPI DateTime: UTC, ``Z``, no offset."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(data: Any, now: datetime, status: Status = Status.SUCCESS,
             message: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if data is not None:
        body["data"] = data
    body["status_code"] = int(status)
    if message:
        body["status_message"] = message
    body["timestamp"] = stamp(now)
    return body


def echo_headers(request: Request) -> dict[str, str]:
    """The request's ids sent back, and routing headers reversed (a reply goes back to
    whoever sent the request)."""
    headers = {}
    for name in ("X-Request-ID", "X-Correlation-ID"):
        value = request.headers.get(name)
        if value:
            headers[name] = value
    for side, other in (("from", "to"), ("to", "from")):
        for field in ("country-code", "party-id"):
            value = request.headers.get(f"OCPI-{side}-{field}")
            if value:
                headers[f"OCPI-{other}-{field}"] = value
    return headers


def answer(request: Request, data: Any, now: datetime, *, status: Status = Status.SUCCESS,
           message: str | None = None, http_status: int = 200,
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(envelope(data, now, status, message), status_code=http_status,
                        headers={**echo_headers(request), **(headers or {})})


def install_ocpi_errors(app: FastAPI, clock: Callable[[], datetime]) -> None:
    """`OcpiError` answered in the envelope with its HTTP status (the routes parse their
    bodies themselves, after the token check, so a bad body is an `OcpiError` too)."""

    async def ocpi_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OcpiError)
        return answer(request, None, clock(), status=exc.status, message=exc.message,
                      http_status=exc.http_status)

    app.add_exception_handler(OcpiError, ocpi_error)


def invalid_body(exc: ValidationError, what: str) -> OcpiError:
    """A partner's object that breaks the specification's rules, in words (2001)."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ())) or what}: "
        f"{error.get('msg', 'invalid')}" for error in exc.errors()[:5])
    return OcpiError(400, Status.INVALID_PARAMETERS,
                     f"invalid or missing fields in the {what}: {problems}")
