"""A pole's OCPP upgrade goes straight to its endpoint, ahead of the operator API's layers.

Every ASGI connection walks the app's whole stack before its route runs: FastAPI's error,
telemetry and body-limit middleware, the audit trail, the exception middleware, the exit
stack and the routing over every route of the service, and each message the endpoint
sends or receives passes their wrappers again. None of them does anything for a pole's
WebSocket (they serve HTTP requests; the route is a plain Starlette one with no
dependencies), but in a reconnect storm their cost is paid 10,000 times at once
(issue 20, `benchmarks/connection_cost.py`). `PoleFrontDoor` sits outside them and hands a
``/ocpp/{pole_id}`` WebSocket to the same endpoint the route holds; anything else —
another path, an id with a ``/``, a ``root_path`` the router would strip — goes through
the app as before, so the route still answers what the front door leaves alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

Endpoint = Callable[[WebSocket], Awaitable[None]]
PREFIX = "/ocpp/"


def endpoint_of(routes: list[BaseRoute], path: str) -> Endpoint:
    """The endpoint of the WebSocket route at ``path`` (the one `PoleFrontDoor` serves)."""
    for route in routes:
        if isinstance(route, WebSocketRoute) and route.path == path:
            endpoint: Endpoint = route.endpoint
            return endpoint
    raise LookupError(f"no WebSocket route {path}")


class PoleFrontDoor:
    """ASGI middleware: ``/ocpp/{pole_id}`` WebSockets to ``endpoint``, the rest to ``app``."""

    def __init__(self, app: ASGIApp, endpoint: Endpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not scope.get("root_path"):
            path: str = scope["path"]
            pole_id = path[len(PREFIX):]
            if path.startswith(PREFIX) and pole_id and "/" not in pole_id:
                scope["path_params"] = {"pole_id": pole_id}
                await self.endpoint(WebSocket(scope, receive, send))
                return
        await self.app(scope, receive, send)
