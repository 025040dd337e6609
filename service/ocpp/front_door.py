"""A pole's OCPP upgrade goes straight to its endpoint, ahead of the operator API's layers.

Every ASGI connection walks the app's whole stack before its route runs: FastAPI's error,
telemetry and body-limit middleware, the audit trail, the exception middleware, the exit
stack and the routing over every route of the service, and each message the endpoint
sends or receives passes their wrappers again. None of them does anything for a pole's
WebSocket (they serve HTTP requests; the route is a plain Starlette one with no
dependencies), but in a reconnect storm their cost is paid 10,000 times at once
(issue 20, `benchmarks/connection_cost.py`). `PoleFirstApp` is the FastAPI app whose own
ASGI entry hands a ``/ocpp/{pole_id}`` WebSocket to the same endpoint the route holds;
anything else — another path, an id with a ``/``, a ``root_path`` the router would strip —
goes through the app as before, so the route still answers what the front door leaves alone.

It is the app's entry, not a middleware, because a middleware sits inside FastAPI's own
(error, telemetry, body limit) and under FastAPI's and Starlette's ``__call__``: each of
those coroutines waits, frame and all, for as long as a pole stays connected — about
1.5 KB a connection (issue 20, memory per connection). FastAPI's native telemetry, when an
operator turns it on, therefore sees no pole connections (a span as long as a pole stays
connected, 10,000 of them, tells nothing); the operator API is traced as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

Endpoint = Callable[[WebSocket], Awaitable[None]]
PREFIX = "/ocpp/"


def endpoint_of(routes: list[BaseRoute], path: str) -> Endpoint:
    """The endpoint of the WebSocket route at ``path`` (the one `PoleFirstApp` serves)."""
    for route in routes:
        if isinstance(route, WebSocketRoute) and route.path == path:
            endpoint: Endpoint = route.endpoint
            return endpoint
    raise LookupError(f"no WebSocket route {path}")


def pole_id_of(scope: Scope) -> str | None:
    """The pole of a ``/ocpp/{pole_id}`` WebSocket the route would match; None otherwise."""
    if scope["type"] != "websocket" or scope.get("root_path"):
        return None
    path: str = scope["path"]
    pole_id = path[len(PREFIX):]
    if path.startswith(PREFIX) and pole_id and "/" not in pole_id:
        return pole_id
    return None


class PoleFirstApp(FastAPI):
    """FastAPI, with ``/ocpp/{pole_id}`` WebSockets handed to `pole_endpoint` first."""

    pole_endpoint: Endpoint | None = None
    """Set by `service.app.create_app`; None: every connection goes through FastAPI."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.pole_endpoint
        if endpoint is not None:
            pole_id = pole_id_of(scope)
            if pole_id is not None:
                scope["path_params"] = {"pole_id": pole_id}
                await endpoint(WebSocket(scope, receive, send))
                return
        await super().__call__(scope, receive, send)
