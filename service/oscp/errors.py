"""OSCP 2.0's refusal body, ``{"message": "<sentence>"}``, on every non-2xx answer under
``/oscp/`` (issue 22).

A Capacity Provider's software reads ``message`` (the published OpenAPI's error shape);
FastAPI's own ``{"detail": …}`` would reach its operator as an empty error. The operator
API (``/api/v1``) and OCPI (``/ocpi``) keep their own envelopes: the handlers here look at
the path and hand everything else to the handler that answered it before, so installing
them changes nothing outside ``/oscp/``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response

PATHS = "/oscp/"
"""Whose answers are OSCP's: the Flexibility Provider's end (``/oscp/fp/2.0``) and any
unknown path beside it (a Capacity Provider calling a wrong URL gets a sentence too)."""

Handler = Callable[[Request, Exception], Awaitable[Response]]


class OscpError(Exception):
    """A refusal to a Capacity Provider: its HTTP status and the sentence it reads."""

    def __init__(self, status: int, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers

    def response(self) -> JSONResponse:
        return JSONResponse({"message": self.message}, status_code=self.status,
                            headers=self.headers)


def is_oscp(request: Request) -> bool:
    return request.url.path.startswith(PATHS)


def install_oscp_errors(app: FastAPI) -> None:
    """Answer OSCP paths' errors with ``{"message"}``. Install after the operator API's
    handlers (`service.api.routes.install_error_handlers`): the one for a malformed request
    wraps theirs."""
    found = app.exception_handlers.get(RequestValidationError)
    others_invalid: Handler = found if found is not None else _unhandled  # type: ignore[assignment]

    async def oscp_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OscpError)
        return exc.response()

    async def invalid(request: Request, exc: Exception) -> Response:
        """OSCP refuses a malformed message with 400 (not FastAPI's 422)."""
        if not is_oscp(request):
            return await others_invalid(request, exc)
        assert isinstance(exc, RequestValidationError)
        problems = [f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg')}"
                    for error in exc.errors()]
        return OscpError(400, "; ".join(problems) or "malformed message").response()

    async def http_error(request: Request, exc: Exception) -> Response:
        """Starlette's own refusals (an unknown endpoint, a wrong method)."""
        assert isinstance(exc, StarletteHTTPException)
        if not is_oscp(request):
            return await http_exception_handler(request, exc)  # FastAPI's default
        headers = dict(exc.headers) if exc.headers else None
        return OscpError(exc.status_code, _sentence(exc), headers).response()

    async def server_error(request: Request, exc: Exception) -> Response:
        """A fault of ours: the Capacity Provider learns only that it should try again."""
        if not is_oscp(request):
            return PlainTextResponse("Internal Server Error", status_code=500)  # the default
        return OscpError(500, "the Flexibility Provider failed to handle this message; "
                              "please send it again later").response()

    app.add_exception_handler(OscpError, oscp_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)


def _sentence(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return "no such OSCP endpoint here: this Flexibility Provider serves /oscp/fp/2.0/…"
    if exc.status_code == 405:
        return "this OSCP endpoint does not take that HTTP method"
    return str(exc.detail)


async def _unhandled(request: Request, exc: Exception) -> Response:
    raise exc
