"""The CSMS as an ASGI application: ``/ocpp/{pole_id}`` for the poles, ``/api/v1`` for
operators, ``/files`` for what poles fetch and upload, ``/o/…`` for drivers.

`create_app` is the one place routes are mounted, each router with its guard, over the
parts `service.services.build_services` made. Operator commands reach a pole through
`Services.connections`: its handler here, or, when several processes share the fleet
(`service.cluster`), a stand-in that relays to the process holding it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, WebSocket
from starlette.responses import PlainTextResponse

from pole_link.errors import LinkLost
from service.accounts.trail import AuditTrail
from service.api.accounts import build_accounts_router
from service.api.certificates import build_certificates_router
from service.api.commissioning_reports import build_commissioning_router
from service.api.files_routes import build_files_router, build_pole_files_router
from service.api.firmware_packages import build_packages_router
from service.api.guard import operator_guard
from service.api.id_tags import build_id_tags_router
from service.api.outages import build_outages_router
from service.api.pole_settings import build_settings_router
from service.api.reports import build_reports_router
from service.api.rollouts import build_rollouts_router
from service.api.routes import PREFIX, build_router, install_error_handlers
from service.api.security_events import build_security_events_router
from service.api.service_tokens import build_service_tokens_router
from service.live.endpoint import build_live_router
from service.live.events import connection_event
from service.ocpi.envelope import install_ocpi_errors
from service.ocpi.mount import ocpi_routers
from service.ocpp.call_budget import Place
from service.ocpp.connection_end import EndReason, silence_limit_s
from service.ocpp.front_door import PoleFirstApp, endpoint_of
from service.ocpp.handshake import forget_upgrade
from service.ocpp.pole_handler import PoleHandler
from service.ocpp.silence_watch import SilenceWatch
from service.ocpp.websocket_connection import WebSocketConnection
from service.oscp.api import build_oscp_admin_router
from service.oscp.errors import install_oscp_errors
from service.oscp.routes import build_oscp_router
from service.overrule_page import build_overrule_router
from service.security.gate import Attempt
from service.security.routes import build_security_router
from service.security.takeover import second_connection
from service.services import Services
from service.storage.pole_locations import AsyncLocationRepository, LocationRepository

LOGGER = logging.getLogger(__name__)

SUBPROTOCOL = "ocpp1.6"
ADMISSION_HOLD_S = 30.0


def create_app(services: Services) -> FastAPI:
    """The CSMS app over ``services``: every route mounted here, in one list, each router
    with its guard; the lifespan starts and stops the background work (`Services.start`).

    Guards: `operator` — a token and a role the route allows (`service.api.guard`, the one
    rule every operator route goes through; login is public by the same table); poles are
    admitted by the `Gate` before the OCPP upgrade; the files poles fetch and upload carry a
    one-time token in their URL; the overrule page is for drivers at the pole (it lifts the
    limit of a running transaction, nothing else).
    """

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.stop()

    app = PoleFirstApp(title="Paalwerk CSMS", version="0.1.0", lifespan=lifespan)
    app.state.services = services
    app.state.connections = services.connections
    app.state.live_hub = services.live_hub
    app.state.store = services.store
    app.state.clock = services.clock
    s = services
    repository, connections, clock = s.async_repository, s.connections, s.clock
    # The guards. Each router below gets one; the ones not `operator` guard themselves.
    operator = [operator_guard(s.tokens)]  # a token, and a role the route allows
    poles_own: list[Any] = []  # the Gate before the OCPP upgrade; a one-time URL for files
    drivers: list[Any] = []  # the QR overrule page: lifts a running session's limit only
    token_in_socket: list[Any] = []  # the live feed: `identify` on header or ?token=
    # (OCPI's routers and guards come from `service.ocpi.mount.ocpi_routers`.)
    partners_token: list[Any] = []  # OSCP: each route checks the partner's `Token …`
    # Every route of the service, in one list. New routers join it with their guard, and
    # their routes join the permission table (`service.accounts.permissions`).
    ocpp_router = build_ocpp_router(s)
    routers: list[tuple[APIRouter, list[Any]]] = [
        (ocpp_router, poles_own),
        (build_pole_files_router(repository, s.files), poles_own),
        (build_overrule_router(connections, repository), drivers),
        (build_live_router(s.live_hub, s.tokens, PREFIX), token_in_socket),
        (build_router(connections, repository, clock), operator),
        (build_accounts_router(s.tokens, s.accounts, repository, clock), operator),
        (build_id_tags_router(connections, repository, s.id_tags, clock, sender=s.local_lists,
                              changed=s.local_list_pusher.register_changed
                              if s.settings.push_local_lists else None), operator),
        (build_security_router(connections, repository, s.credentials, s.security_events,
                               clock), operator),
        (build_security_events_router(repository), operator),
        (build_settings_router(connections, repository, s.pole_settings, s.policy),
         operator),
        (build_files_router(connections, repository, s.files, s.sender), operator),
        (build_certificates_router(connections, repository, s.files, s.log_requests,
                                   s.security_events, clock), operator),
        (build_packages_router(repository, s.files, s.config.trusted_roots, clock),
         operator),
        (build_rollouts_router(s.rollouts, repository), operator),
        (build_commissioning_router(repository, clock), operator),
        (build_service_tokens_router(s.service_tokens, connections, repository), operator),
        (build_reports_router(repository, clock), operator),
        *ocpi_routers(s, operator),
        (build_outages_router(repository, AsyncLocationRepository(
            LocationRepository(s.repository.engine)), clock), operator),
        (build_oscp_router(s.oscp), partners_token),
        (build_oscp_admin_router(s.oscp, s.grid, repository), operator),
    ]
    for router, guards in routers:
        app.include_router(router, dependencies=guards)
    install_error_handlers(app)
    install_ocpi_errors(app, clock)
    install_oscp_errors(app)  # after install_error_handlers: it wraps the 422 handler
    # Every API write on the audit trail (issue 17), whoever made it and whatever came of it.
    app.add_middleware(AuditTrail, repository=repository, clock=clock)
    # Ahead of every layer, FastAPI's own too: a pole's upgrade skips them (they serve HTTP).
    app.pole_endpoint = endpoint_of(ocpp_router.routes, "/ocpp/{pole_id}")
    return app


async def replaced(previous: PoleHandler, pole_id: str) -> None:
    """A reconnected pole's old connection: its calls failed, its socket hung up."""
    previous.connection_lost(LinkLost(f"{pole_id}: replaced by a new connection"))
    old = previous.link
    if isinstance(old, WebSocketConnection):
        await old.hang_up(EndReason.CLOSED, "replaced")  # whoever held it: gone


def build_ocpp_router(services: Services) -> APIRouter:
    """``/ocpp/{pole_id}``: one OCPP 1.6J WebSocket per pole, admitted by the `Gate`."""
    router = APIRouter()
    s = services
    connections, hub, clock, settings = s.connections, s.live_hub, s.clock, s.settings
    silence = SilenceWatch(silence_limit_s(settings.heartbeat_interval_s))

    async def ocpp(websocket: WebSocket) -> None:
        pole_id = str(websocket.path_params["pole_id"])
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
        # Admission control (a reconnect storm): the poles accepted are served first. The
        # rest wait here, before even their credentials are read: 10,000 lookups (and
        # password checks) queued for storage ahead of the admitted poles' boots would
        # slow those past their timeout (issue 20).
        await s.admission.enter()
        try:
            if not await admitted(websocket, pole_id):
                s.admission.leave()
                return
            await websocket.accept(subprotocol=SUBPROTOCOL)
            forget_upgrade(websocket.scope)
        except BaseException:
            s.admission.leave()
            raise
        finally:  # answered or refused: the upgrade no longer paces admissions
            s.admission.handshaken()
        connection = WebSocketConnection(websocket, pole_id)
        handler = s.pole_handler(pole_id, connection, s.store, settings,
                                 on_booted=s.pole_booted, events=s.pole_events, clock=clock,
                                 authority=s.authority, budget=s.budget)
        # Held until the first call is answered, the pole leaves or 30 s pass (OCPP's call
        # timeout, after which a silent pole makes room).
        place = Place(s.admission, handler.served, ADMISSION_HOLD_S)
        previous = connections.handlers.get(pole_id)
        connections.handlers[pole_id] = handler
        connections.held(pole_id, True)
        silence.watch(connection)
        try:  # from here on, whatever happens, the finally below cleans up after us
            if previous is not None:  # the pole reconnected: its old socket is dead
                await replaced(previous, pole_id)
                previous = None  # this frame lasts as long as the new connection does
            await handler.start()
        except LinkLost as exc:
            LOGGER.info("%s: disconnected: %s", pole_id, exc)
        finally:
            silence.forget(connection)
            place.give_back()
            if connections.handlers.get(pole_id) is handler:
                del connections.handlers[pole_id]
                connections.held(pole_id, False)
                hub.pole_disconnected(pole_id)
                if handler.accepted:
                    hub.publish(connection_event(pole_id, False, clock()))
                with contextlib.suppress(Exception):
                    await s.store.connection_ended(
                        pole_id, clock(), connection.end_reason or EndReason.DROPPED)

    # A plain Starlette route: FastAPI's dependency machinery (its exit stacks, solved
    # parameters) would stay alive for the whole connection, some KB per pole (issue 20).
    router.add_websocket_route("/ocpp/{pole_id}", ocpp)

    async def admitted(websocket: WebSocket, pole_id: str) -> bool:
        """The security profile's checks, then the second-connection rule; a refusal is
        answered in plain HTTP, before any upgrade (`service.security`)."""
        attempt = Attempt.from_scope(pole_id, websocket.scope)
        admission = await s.gate.admit(attempt)
        previous = connections.get(pole_id)
        if admission.admitted and previous is not None:
            admission = await second_connection(attempt, admission, previous,
                                                s.gate.events, clock)
        if admission.admitted:
            return True
        assert admission.status is not None
        await websocket.send_denial_response(PlainTextResponse(
            admission.reason, status_code=admission.status, headers=admission.headers))
        return False

    return router

