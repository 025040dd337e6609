"""Running the CSMS: storage ready, then uvicorn serving the app on the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from cryptography import x509

from pole_link.errors import PoleLinkError
from service.api.commissioning_reports import build_commissioning_router
from service.api.files_routes import (
    FILES_PREFIX,
    FileTransfers,
    build_files_router,
    build_pole_files_router,
)
from service.api.firmware_packages import build_packages_router
from service.api.pole_settings import build_settings_router
from service.api.rollouts import build_rollouts_router
from service.api.security_events import build_security_events_router
from service.api.service_tokens import build_service_tokens_router
from service.api.tokens import TokenStore, default_token_file
from service.app import create_app
from service.cluster.bus import PgBus
from service.cluster.cluster import Cluster, new_worker_id
from service.files import FileStore, default_files_dir
from service.live import events as live_events
from service.live.hub import LiveHub
from service.ocpp.pole_handler import Clock, CsmsSettings, wall_clock
from service.ocpp.repository_store import RepositoryStore
from service.policy.capacity import CapacityPolicy
from service.policy.pole_settings import PoleSettingsCache, apply_grid_limit
from service.rollouts import RolloutRunner
from service.rollouts.leader import PgLeader
from service.security.ca import ServiceCa
from service.security.certificates import certificate_handler
from service.security.events import SecurityEvents
from service.security.gate import Gate
from service.security.rotation import KeyTracker
from service.security.routes import build_security_router
from service.security.service_tokens import (
    KEY_FILE_NAME,
    ServiceTokenIssuer,
    load_or_create_key,
)
from service.security.store import CredentialStore
from service.security.tls import TlsFiles, server_context
from service.storage.database import StorageError, create_engine_for, migrate
from service.storage.repository import AsyncRepository, Repository
from service.storage.service_token_store import AsyncServiceTokenRepository
from service.websocket_protocol import BufferedWebSocketProtocol

LOGGER = logging.getLogger(__name__)


@dataclass
class RunningService:
    server: uvicorn.Server
    task: asyncio.Task[None]
    host: str
    port: int
    repository: Repository
    policy: CapacityPolicy
    live_hub: LiveHub
    policy_task: asyncio.Task[None] | None = None
    files: FileTransfers | None = None
    cluster: Cluster | None = None
    rollouts: RolloutRunner | None = None
    rollout_task: asyncio.Task[None] | None = None
    service_tokens: ServiceTokenIssuer | None = None
    """Issues technicians' service tokens and provisions poles' keys (issue 17)."""
    tls: bool = False
    """Served over TLS (``--tls-cert``): ``wss://`` and ``https://``."""

    @property
    def ocpp_url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}/ocpp"

    async def stop(self) -> None:
        for background in (self.policy_task, self.rollout_task):
            if background is not None:
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background
        if self.service_tokens is not None:
            await self.service_tokens.close()
        await self.live_hub.close()
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        if self.cluster is not None:
            await self.cluster.close()
        if self.rollouts is not None and isinstance(self.rollouts.leader, PgLeader):
            await self.rollouts.leader.close()
        self.repository.engine.dispose()


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

    API tokens are checked against ``token_file`` (default: `default_token_file`); making
    the first one (`service.api.ensure_admin_token`) is the caller's job, so it can print it.
    Firmware images and diagnostics live in ``files_dir`` (default: `default_files_dir`);
    ``public_url`` is where poles reach this service, if not where the operator does.
    ``sock``, if given, is an already bound socket to serve on instead of ``host``/``port``
    (e.g. one of several processes' ``SO_REUSEPORT`` sockets on the same port); it is closed
    when the service stops. Without it, the default, uvicorn binds ``host``/``port`` itself.

    ``clustered``: this process is one of several sharing the fleet through one PostgreSQL
    database (`service.cluster`; ``paalwerk service --workers N``). Whoever starts them
    migrates and closes dangling sessions first (`prepare_storage`), not each of them.

    ``clock`` is the service's time: what poles are told in ``currentTime``, what their
    clocks are measured against and what the capacity policy deploys and verifies by
    (tests pass one they control).

    ``trusted_roots`` are the manufacturer root certificates signed firmware packages must
    chain to (``paalwerk service --trust``); with none, every package is refused.

    ``tls``: serve TLS (security profiles 2 and 3, `service.security.tls`); a bad
    certificate or key raises `TlsError` before anything is served. ``ca`` signs the
    poles' certificate requests (SignCertificate, profile 3).
    """
    ssl_context = server_context(tls) if tls is not None else None
    engine = create_engine_for(db_url)
    if clustered and engine.dialect.name != "postgresql":
        raise StorageError(db_url, "several service processes need PostgreSQL: they route "
                                   "commands and live data to each other with LISTEN/NOTIFY")
    repository = Repository(engine)
    if not clustered:
        await asyncio.to_thread(prepare_storage, repository)
    tokens = TokenStore(token_file or default_token_file())
    # Service tokens (issue 17): the signing key lives beside the API token file, 0600.
    token_issuer = ServiceTokenIssuer(
        await asyncio.to_thread(load_or_create_key,
                                (token_file or default_token_file()).parent / KEY_FILE_NAME),
        AsyncServiceTokenRepository(repository.engine), clock)
    settings = settings or CsmsSettings()
    policy: CapacityPolicy | None = None
    async_repository = AsyncRepository(repository)
    pole_settings = PoleSettingsCache()
    await pole_settings.load(async_repository)

    async def booted(pole_id: str) -> None:
        """The pole's connection limit (eis 33), then its capacity profile (eis 24); its
        service token keys and revocations (eis 69) alongside, in the background."""
        token_issuer.provision_in_background(pole_id, app.state.connections.get(pole_id))
        if policy is None or not settings.deploy_capacity_profile:
            return
        connection = app.state.connections.get(pole_id)
        if connection is not None:
            try:
                await apply_grid_limit(connection, pole_settings.get(pole_id))
            except PoleLinkError as exc:
                LOGGER.warning("%s: GridConnectionMaxCurrent not set: %s", pole_id, exc)
        await policy.on_boot(pole_id)

    store = RepositoryStore(async_repository)
    # Pole credentials (issue 16): checked before every upgrade, changed through the API.
    credentials = CredentialStore(repository)
    security_events = SecurityEvents(async_repository)
    gate = Gate(credentials, security_events, clock)
    app = create_app(store, settings, tokens=tokens, on_booted=booted, clock=clock, gate=gate,
                     pole_handler=certificate_handler(ca, KeyTracker(credentials, clock)))
    app.include_router(build_security_router(app.state.connections, async_repository,
                                             credentials, security_events, tokens, clock))
    security_events.publish = lambda record: app.state.live_hub.publish(
        live_events.security_event(record))
    policy = CapacityPolicy(app.state.connections, async_repository,
                            pole_settings.settings_for, clock=clock)
    app.include_router(build_settings_router(app.state.connections, async_repository, tokens,
                                             pole_settings, policy))
    # Firmware updates and diagnostics: files hosted for poles (service/api/files_routes.py).
    files = FileTransfers(FileStore(files_dir or default_files_dir(db_url)),
                          public_url=public_url)
    app.include_router(build_files_router(app.state.connections, async_repository, tokens,
                                          files))
    app.include_router(build_pole_files_router(async_repository, files))
    app.include_router(build_packages_router(async_repository, tokens, files, trusted_roots,
                                             clock))
    app.include_router(build_commissioning_router(async_repository, tokens, clock))
    # Rollouts (issue 14): poles fetch the image where this service listens, unless told.
    served_at: list[str] = []

    def location(sha256: str, name: str) -> str:
        return f"{(public_url or served_at[0]).rstrip('/')}{FILES_PREFIX}/firmware/" \
               f"{sha256}/{name}"
    leader = PgLeader(db_url) if clustered else None
    rollouts = RolloutRunner(async_repository, app.state.connections, files.store, location,
                             clock=clock, leader=leader, events=app.state.live_hub.publish)
    store.firmware_watch = rollouts
    app.include_router(build_rollouts_router(rollouts, async_repository, tokens))
    app.include_router(build_security_events_router(async_repository, tokens))
    app.include_router(build_service_tokens_router(token_issuer, app.state.connections,
                                                   async_repository, tokens))
    cluster: Cluster | None = None
    if clustered:
        cluster = Cluster(PgBus(db_url, new_worker_id()), app.state.connections,
                          app.state.live_hub, {"settings": pole_settings, "slots": files.slots})
        await cluster.start()
        app.state.connections.cluster = cluster
        pole_settings.share = functools.partial(cluster.share, "settings")
        files.slots.share = functools.partial(cluster.share, "slots")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                            ws=BufferedWebSocketProtocol, ws_ping_interval=None,
                            ssl_context_factory=None if ssl_context is None
                            else lambda _config, _default: ssl_context)
    server = uvicorn.Server(config)
    sockets = [sock] if sock is not None else None
    task = asyncio.create_task(server.serve(sockets=sockets), name="csms")
    while not server.started:
        if task.done():
            task.result()  # raise why it could not start (port taken, …)
        await asyncio.sleep(0.01)
    bound_host, bound = server.servers[0].sockets[0].getsockname()[:2]
    if sock is not None:
        host = str(bound_host)
    served_at.append(f"{'https' if tls else 'http'}://{host}:{int(bound)}")
    running = RunningService(server, task, host, int(bound), repository, policy,
                             app.state.live_hub, files=files, cluster=cluster,
                             rollouts=rollouts, tls=tls is not None,
                             service_tokens=token_issuer)
    running.rollout_task = asyncio.create_task(rollouts.run(), name="firmware rollouts")
    if settings.deploy_capacity_profile:
        running.policy_task = asyncio.create_task(policy.run(), name="capacity policy")
    return running


def prepare_storage(repository: Repository) -> None:
    """Before serving: the schema at head, and connection sessions a stopped service left
    open closed at each pole's last contact (uptime, eis 48). Run once per start of the
    whole service, before any of its processes serves a pole."""
    migrate(repository.engine)
    repository.close_dangling_sessions()


def prepare_database(db_url: str) -> None:
    """`prepare_storage` for a service whose processes are not started yet (``--workers``):
    its own short-lived engine, closed again."""
    engine = create_engine_for(db_url)
    try:
        prepare_storage(Repository(engine))
    finally:
        engine.dispose()
