"""The CSMS as an ASGI application: ``/ocpp/{pole_id}`` for the poles.

The operator API (``/api/v1``) and the live feed join this app. Operator commands reach a
pole through `connections`: its handler here, or, when several processes share the fleet
(`service.cluster`), a stand-in that relays to the process holding it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import FastAPI, WebSocket
from starlette.responses import PlainTextResponse

from pole_link.errors import LinkLost
from service.accounts.store import Accounts, AccountStore
from service.accounts.trail import AuditTrail
from service.api import TokenStore, install_api
from service.api.accounts import build_accounts_router
from service.api.id_tags import build_id_tags_router
from service.api.routes import PREFIX
from service.cards.authority import IdTagAuthority
from service.cluster.cluster import Cluster, RemotePole
from service.live.endpoint import build_live_router
from service.live.events import connection_event
from service.live.hub import LiveHub
from service.ocpp.connection_end import EndReason, silence_limit_s
from service.ocpp.pole_handler import (
    BootHook,
    Clock,
    CsmsSettings,
    PoleHandler,
    PoleStore,
    wall_clock,
)
from service.ocpp.repository_store import RepositoryStore
from service.ocpp.websocket_connection import WebSocketConnection
from service.overrule_page import build_overrule_router
from service.security.gate import Attempt, Gate
from service.security.takeover import second_connection
from service.storage.id_tags import AsyncIdTagRepository
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

SUBPROTOCOL = "ocpp1.6"


class Connections:
    """The handler of every pole connected to this process, by pole id."""

    def __init__(self) -> None:
        self.handlers: dict[str, PoleHandler] = {}
        self.cluster: Cluster | None = None
        """Set when this process is one of several (`service.cluster`)."""

    def __contains__(self, pole_id: object) -> bool:
        return pole_id in self.handlers

    def get(self, pole_id: str) -> PoleHandler | RemotePole | None:
        """The pole's connection wherever it is held, or None if it is not connected."""
        handler = self.handlers.get(pole_id)
        if handler is None and self.cluster is not None:
            return self.cluster.remote(pole_id)
        return handler

    def local(self, pole_id: str) -> PoleHandler | None:
        return self.handlers.get(pole_id)

    def local_ids(self) -> list[str]:
        return list(self.handlers)

    def replaced_elsewhere(self, pole_id: str) -> None:
        """The pole connected to another process: forget its (dead) socket here, quietly,
        so this process does not also report it disconnected."""
        handler = self.handlers.pop(pole_id, None)
        if handler is not None:
            handler.connection_lost(LinkLost(f"{pole_id}: reconnected to another process"))


def create_app(store: PoleStore, settings: CsmsSettings | None = None, *,
               repository: AsyncRepository | None = None,
               tokens: TokenStore | None = None,
               on_booted: BootHook | None = None, clock: Clock = wall_clock,
               gate: Gate | None = None,
               pole_handler: type[PoleHandler] = PoleHandler) -> FastAPI:
    """The CSMS app; the operator API is mounted when storage is reachable for it.

    ``repository`` defaults to the one behind a `RepositoryStore`. ``tokens`` checks API
    bearer tokens; without it every ``/api/v1`` request is refused (never open by default).
    ``clock`` is the service's time (poles get it as ``currentTime``; tests set it).
    ``gate`` checks each pole's credentials before the upgrade (`service.security`);
    without it every pole is admitted at profile 0. ``pole_handler`` is the class serving
    each pole (`service.security.certificates` adds certificate signing).
    """
    settings = settings or CsmsSettings()
    app = FastAPI(title="Paalwerk CSMS", version="0.1.0")
    connections = Connections()
    hub = LiveHub(connections.get)
    app.state.connections = connections
    app.state.live_hub = hub
    app.state.store = store
    app.state.clock = clock
    if repository is None and isinstance(store, RepositoryStore):
        repository = store.repository
    authority: IdTagAuthority | None = None
    if repository is not None:
        # The card register (issue 16): the OCPP answers and its operator routes.
        register = AsyncIdTagRepository(repository.sync.engine)
        authority = IdTagAuthority(register, accept_unknown=settings.accept_unknown_id_tags,
                                   clock=clock)
        app.include_router(build_id_tags_router(connections, repository, register, tokens,
                                                clock))
        install_api(app, connections, repository, tokens)
        # Accounts, roles and the audit trail (issue 17): the guard finds users' tokens
        # through `tokens.accounts`; every API write is recorded.
        accounts = Accounts(AccountStore(repository.sync.engine, clock), repository)
        if tokens is not None:
            tokens.accounts = accounts
        app.include_router(build_accounts_router(tokens, accounts, repository, clock))
        app.add_middleware(AuditTrail, repository=repository, clock=clock)
        app.include_router(build_live_router(hub, tokens, PREFIX))
        app.include_router(build_overrule_router(connections, repository))

    async def booted(pole_id: str) -> None:
        """After each accepted boot: live streams resume, then the capacity policy runs."""
        hub.publish(connection_event(pole_id, True, clock()))
        hub.pole_connected(pole_id)
        if on_booted is not None:
            await on_booted(pole_id)

    @app.websocket("/ocpp/{pole_id}")
    async def ocpp(websocket: WebSocket, pole_id: str) -> None:
        offered = websocket.scope.get("subprotocols") or []
        if SUBPROTOCOL not in offered:
            reason = (f"this endpoint speaks OCPP 1.6J only: request the subprotocol "
                      f"'{SUBPROTOCOL}' (offered: {', '.join(offered) or 'none'})")
            LOGGER.warning("%s: refused: %s", pole_id, reason)
            try:
                await websocket.send_denial_response(PlainTextResponse(reason, status_code=400))
            except RuntimeError:  # the server cannot send a denial body: plain refusal
                await websocket.close(code=1002, reason=reason[:120])
            return
        if gate is not None and not await admitted(websocket, pole_id, gate):
            return
        await websocket.accept(subprotocol=SUBPROTOCOL)
        connection = WebSocketConnection(websocket, pole_id)
        handler = pole_handler(pole_id, connection, store, settings,
                               on_booted=booted, events=hub, clock=clock,
                               authority=authority)
        previous = connections.handlers.get(pole_id)
        connections.handlers[pole_id] = handler
        if previous is not None:  # the pole reconnected: its old socket is dead
            previous.connection_lost(LinkLost(f"{pole_id}: replaced by a new connection"))
            old = previous._connection
            if gate is not None and isinstance(old, WebSocketConnection):
                await old.hang_up(EndReason.CLOSED, "replaced")  # whoever held it: gone
        if connections.cluster is not None:
            connections.cluster.pole_held(pole_id, True)
        watchdog = asyncio.create_task(
            hang_up_when_silent(connection, silence_limit_s(settings.heartbeat_interval_s)),
            name=f"{pole_id} silence watchdog")
        try:
            await handler.start()
        except LinkLost as exc:
            LOGGER.info("%s: disconnected: %s", pole_id, exc)
        finally:
            watchdog.cancel()
            if connections.handlers.get(pole_id) is handler:
                del connections.handlers[pole_id]
                if connections.cluster is not None:
                    connections.cluster.pole_held(pole_id, False)
                hub.pole_disconnected(pole_id)
                if handler.accepted:
                    hub.publish(connection_event(pole_id, False, clock()))
                with contextlib.suppress(Exception):
                    await store.connection_ended(
                        pole_id, clock(), connection.end_reason or EndReason.DROPPED)

    async def admitted(websocket: WebSocket, pole_id: str, gate: Gate) -> bool:
        """The security profile's checks, then the second-connection rule; a refusal is
        answered in plain HTTP, before any upgrade (`service.security`)."""
        attempt = Attempt.from_scope(pole_id, websocket.scope)
        admission = await gate.admit(attempt)
        previous = connections.get(pole_id)
        if admission.admitted and previous is not None:
            admission = await second_connection(attempt, admission, previous, gate.events,
                                                clock)
        if admission.admitted:
            return True
        assert admission.status is not None
        await websocket.send_denial_response(PlainTextResponse(
            admission.reason, status_code=admission.status, headers=admission.headers))
        return False

    return app


async def hang_up_when_silent(connection: WebSocketConnection, limit_s: float) -> None:
    """Close a connection that stays silent past missed heartbeats.

    Without it a pole behind a half-open TCP connection (its modem lost the network, no
    packet ever says so) would be shown online for ever. One sleeping task per
    connection, waking about once per heartbeat interval: nothing per message.
    """
    while True:
        silent_for = time.monotonic() - connection.last_received
        if silent_for >= limit_s:
            LOGGER.warning("%s: silent for %.0f s: missed heartbeats, hanging up",
                           connection.pole_id, silent_for)
            await connection.hang_up(EndReason.SILENT, "missed heartbeats")
            return
        await asyncio.sleep(limit_s - silent_for)
