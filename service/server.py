"""Running the CSMS: its parts built (`service.services`), then uvicorn serving the app
(`service.app`) on the event loop, with the app's lifespan starting the background work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from cryptography import x509

from service.api.files_routes import FileTransfers
from service.app import create_app
from service.cluster.cluster import Cluster
from service.event_loop import choose, describe
from service.listen_queue import LISTEN_BACKLOG
from service.live.hub import LiveHub
from service.ocpp import gc_policy
from service.ocpp.pole_handler import Clock, CsmsSettings, wall_clock
from service.paced_accept import PacedAcceptor, TurnBudget, paced_reads
from service.policy.capacity import CapacityPolicy
from service.rollouts import RolloutRunner
from service.security.ca import ServiceCa
from service.security.service_tokens import ServiceTokenIssuer
from service.security.tls import TlsFiles
from service.services import (
    ServiceConfig,
    Services,
    build_services,
    prepare_database,
    prepare_storage,
)
from service.storage.repository import Repository
from service.websocket_protocol import BufferedWebSocketProtocol

__all__ = ["RunningService", "ServiceConfig", "prepare_database", "prepare_storage",
           "serve", "start_service"]

LOOP_LOGGER = logging.getLogger("service.event_loop")


class PacedServer(uvicorn.Server):
    """uvicorn's server, its connections taken by a `PacedAcceptor` (a few per loop turn)
    instead of the loop's own listener, which takes a whole storm's queue in one turn, and
    their HTTP requests (a pole's upgrade) read a few per turn too (`paced_reads`).

    uvicorn has no public hook for who accepts a listener's connections, so this leans on
    three of its internals (every service test serves through this class, so a change in
    them fails the suite): ``startup(sockets=[])`` starts the lifespan without listening;
    ``config.http_protocol_class`` is the HTTP protocol uvicorn would build (the same
    parser choice, `service.event_loop`); it is built with ``server_state`` and the
    lifespan's ``state``, as uvicorn's own ``create_protocol`` does (in 0.55, the version
    ``pyproject.toml`` pins).
    """

    def __init__(self, config: uvicorn.Config, sock: socket.socket,
                 ssl_context: ssl.SSLContext | None) -> None:
        super().__init__(config)
        self.sock = sock
        self.ssl_context = ssl_context
        self.acceptor: PacedAcceptor | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        # No socket for uvicorn to listen on: it starts the lifespan and marks itself
        # started; the acceptor serves the socket with the protocol uvicorn would build.
        await super().startup(sockets=[])
        config = self.config
        http = paced_reads(config.http_protocol_class, TurnBudget())

        def protocol() -> asyncio.Protocol:
            made: asyncio.Protocol = http(  # type: ignore[call-arg]
                config=config, server_state=self.server_state,
                app_state=self.lifespan.state)
            return made
        self.acceptor = PacedAcceptor(self.sock, protocol, backlog=config.backlog,
                                      ssl_context=self.ssl_context)
        self.acceptor.start()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.acceptor is not None:  # stop accepting before the connections are closed
            self.acceptor.close()
        await super().shutdown(sockets=sockets)


@dataclass
class RunningService:
    """A service serving on this event loop; `stop` it when done."""

    server: uvicorn.Server
    task: asyncio.Task[None]
    services: Services

    @property
    def host(self) -> str:
        return self.services.host

    @property
    def port(self) -> int:
        return self.services.port

    @property
    def tls(self) -> bool:
        """Served over TLS (``--tls-cert``): ``wss://`` and ``https://``."""
        return self.services.ssl_context is not None

    @property
    def repository(self) -> Repository:
        return self.services.repository

    @property
    def policy(self) -> CapacityPolicy:
        return self.services.policy

    @property
    def live_hub(self) -> LiveHub:
        return self.services.live_hub

    @property
    def files(self) -> FileTransfers:
        return self.services.files

    @property
    def cluster(self) -> Cluster | None:
        return self.services.cluster

    @property
    def rollouts(self) -> RolloutRunner:
        return self.services.rollouts

    @property
    def service_tokens(self) -> ServiceTokenIssuer:
        """Issues technicians' service tokens and provisions poles' keys (issue 17)."""
        return self.services.service_tokens

    @property
    def ocpp_url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}/ocpp"

    async def stop(self) -> None:
        """Stop serving (the lifespan stops the background work), then close storage."""
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        self.services.close()


async def serve(services: Services) -> RunningService:
    """Serve ``services`` with uvicorn on their socket; return once the lifespan has
    started the background work and connections are accepted."""
    ssl_context = services.ssl_context
    http = choose().http  # httptools where installed (`service.event_loop`)
    # The accept queue (`service.listen_queue`): a fleet reconnecting at once waits in it
    # instead of retrying its SYNs seconds later; uvicorn's own default is 2,048.
    config = uvicorn.Config(create_app(services), log_level="warning", lifespan="on",
                            backlog=LISTEN_BACKLOG, http=http,
                            ws=BufferedWebSocketProtocol, ws_ping_interval=None,
                            ssl_context_factory=None if ssl_context is None
                            else lambda _config, _default: ssl_context)
    server = PacedServer(config, services.sock, ssl_context)
    task = asyncio.create_task(server.serve(), name="csms")
    while not server.started:
        if task.done():
            task.result()  # raise why it could not start
            raise RuntimeError("the service stopped while starting: its background work "
                               "could not start (see the log above)")
        await asyncio.sleep(0.01)
    gc_policy.settle()  # the start-up heap frozen before the poles' traffic
    LOOP_LOGGER.info("%s", describe(asyncio.get_running_loop(), http))
    return RunningService(server, task, services)


async def start_service(db_url: str, *, host: str = "127.0.0.1", port: int = 0,
                        settings: CsmsSettings | None = None,
                        token_file: Path | None = None, files_dir: Path | None = None,
                        public_url: str | None = None,
                        sock: socket.socket | None = None,
                        clustered: bool = False,
                        clock: Clock = wall_clock,
                        trusted_roots: Sequence[x509.Certificate] = (),
                        tls: TlsFiles | None = None,
                        ca: ServiceCa | None = None) -> RunningService:
    """Migrate the database, start serving, and return once the port is bound.

    The arguments are `ServiceConfig`'s (read there). API tokens are checked against
    ``token_file`` (default: `default_token_file`); making the first one
    (`service.api.ensure_admin_token`) is the caller's job, so it can print it.
    """
    config = ServiceConfig(db_url, host=host, port=port, sock=sock,
                           settings=settings or CsmsSettings(), token_file=token_file,
                           files_dir=files_dir, public_url=public_url, clustered=clustered,
                           clock=clock, trusted_roots=trusted_roots, tls=tls, ca=ca)
    services = await build_services(config)
    try:
        return await serve(services)
    except BaseException:
        services.close()
        raise
