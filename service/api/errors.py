"""The operator API's error answer, shared by every router and the guard."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import JSONResponse


class ApiError(Exception):
    """An error answer: ``{"error": code, "description": text}`` with an HTTP status."""

    def __init__(self, status: int, error: str, description: str,
                 details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, *, detail: str | None = None) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description
        self.details = details
        self.headers = headers
        self.detail = detail
        """A sentence also under ``detail`` (FastAPI's own key), e.g. a refusal's."""

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"error": self.error, "description": self.description}
        if self.details:
            body["details"] = self.details
        if self.detail:
            body["detail"] = self.detail
        return JSONResponse(body, status_code=self.status, headers=self.headers)


async def api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """422 with a sentence up front (e.g. a start time without an offset), details after."""
    assert isinstance(exc, RequestValidationError)
    problems = [f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg')}"
                for error in exc.errors()]
    # (Under /oscp/ a malformed message is OSCP's 400 instead: `service.oscp.errors`.)
    return JSONResponse({"error": "InvalidRequest", "description": "; ".join(problems),
                         "detail": [{"loc": list(error.get("loc", ())),
                                     "msg": error.get("msg"), "type": error.get("type")}
                                    for error in exc.errors()]}, status_code=422)
