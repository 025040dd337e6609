"""What one service process is made of, built once, in dependency order, from its settings.

`ServiceConfig` holds every setting (``paalwerk service``'s options, or a test's); a call of
`build_services` makes each part exactly once, handing every part what it needs when it is
made — nothing is patched in afterwards. `service.app.create_app` then mounts the routes
over these parts, and its lifespan runs `Services.start` / `Services.stop` (the background
work: the cluster's bus, firmware rollouts, the capacity policy, the live feed).

The order in `build_services` is the dependency order: storage, then the cluster's bus
(what the rest calls to reach other processes), the pole connections, the live feed, and
on up to the rollouts, which the OCPP store tells of each pole's new firmware.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from pole_link.errors import PoleLinkError
from service import memory_release
from service.accounts.store import Accounts, AccountStore
from service.api.files_routes import FILES_PREFIX, FileTransfers
from service.api.tokens import TokenStore, default_token_file
from service.cards.authority import IdTagAuthority
from service.cards.auto_push import LocalListPusher
from service.cards.local_list import LocalListSender
from service.cluster.bus import PgBus
from service.cluster.cluster import Cluster, new_worker_id
from service.connections import Connections
from service.files import FileStore, default_files_dir
from service.files.upload_slots import UploadSlots
from service.live import events as live_events
from service.live.events import connection_event
from service.live.hub import LiveHub
from service.ocpi.active_profiles import ActiveProfiles
from service.ocpi.followed_store import FollowedStore
from service.ocpi.identity import OcpiIdentity
from service.ocpi.location_push import LocationPusher, PoleEvents
from service.ocpi.partner_store import AsyncPartnerRepository
from service.ocpi.registry import Registry
from service.ocpi.secrets_box import KEY_FILE_NAME as OCPI_KEY_FILE_NAME
from service.ocpi.secrets_box import load_or_create_box
from service.ocpi.sessions import SessionPusher
from service.ocpi.tariffs import TariffStore
from service.ocpi.token_store import AsyncOcpiTokenRepository
from service.ocpi.tokens import RoamingAuthority
from service.ocpp.boot_configuration import SharedConfiguration
from service.ocpp.boot_follow_ups import BootFollowUps
from service.ocpp.call_budget import Admission, CallBudget, Paced
from service.ocpp.later_calls import DEFAULT_DRAIN_LIMIT, LaterCalls
from service.ocpp.link_loss import pole_call_failed
from service.ocpp.pole_handler import Clock, CsmsSettings, EventSink, PoleHandler, wall_clock
from service.ocpp.repository_store import RepositoryStore
from service.oscp.balancer import GroupBalancer
from service.oscp.measurements import energy_source
from service.oscp.provider import FlexibilityProvider
from service.oscp.store import KEY_FILE_NAME as OSCP_KEY_FILE_NAME
from service.oscp.store import OscpStore
from service.oscp.store import load_or_create_key as load_or_create_oscp_key
from service.policy.capacity import CapacityPolicy
from service.policy.pole_settings import GRID_LIMIT_KEY, PoleSettingsCache, apply_grid_limit
from service.rollouts import RolloutRunner
from service.rollouts.leader import PgLeader
from service.rollouts.runner import SEND_TIMEOUT_S
from service.rollouts.send import ReleaseSender
from service.run_keeper import RunKeeper
from service.security.ca import ServiceCa
from service.security.certificates import certificate_handler
from service.security.events import SecurityEvents
from service.security.gate import Gate
from service.security.log_requests import LogRequests
from service.security.rotation import KeyTracker
from service.security.service_tokens import (
    KEY_FILE_NAME,
    SERVICE_TOKEN_KEYS,
    ServiceTokenIssuer,
    load_or_create_key,
)
from service.security.store import CredentialStore
from service.security.tls import TlsFiles, server_context
from service.storage.database import StorageError, create_engine_for, migrate
from service.storage.id_tags import AsyncIdTagRepository
from service.storage.repository import AsyncRepository, Repository
from service.storage.service_runs import ServiceRuns
from service.storage.service_token_store import AsyncServiceTokenRepository

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceConfig:
    """Every setting of one service process.

    ``sock``, if given, is an already bound socket to serve on instead of ``host``/``port``
    (one of several processes' ``SO_REUSEPORT`` sockets on the same port); otherwise
    `build_services` binds ``host``/``port`` itself (port 0: any free one). Either way the
    address is known before anything runs, so poles can be sent firmware URLs at once.

    ``clustered``: one of several processes sharing the fleet through one PostgreSQL
    database (`service.cluster`); whoever starts them prepares storage (`prepare_storage`),
    not each of them. ``clock`` is the service's time (what poles are told, what the
    capacity policy deploys by; tests pass one they control). ``trusted_roots`` are the
    manufacturer roots signed firmware must chain to (none: every package is refused).
    ``tls`` serves wss/https (security profiles 2 and 3); ``ca`` signs the poles'
    certificate requests (profile 3).
    """

    db_url: str
    host: str = "127.0.0.1"
    port: int = 0
    sock: socket.socket | None = None
    settings: CsmsSettings = field(default_factory=CsmsSettings)
    token_file: Path | None = None
    files_dir: Path | None = None
    public_url: str | None = None
    clustered: bool = False
    clock: Clock = wall_clock
    trusted_roots: Sequence[x509.Certificate] = ()
    tls: TlsFiles | None = None
    ca: ServiceCa | None = None
    ocpi: OcpiIdentity = field(default_factory=OcpiIdentity)
    """Who this CSMS is to OCPI roaming partners (issue 21)."""


@dataclass
class Services:
    """The parts of one service process, each made once by `build_services`."""

    config: ServiceConfig
    sock: socket.socket
    """The bound listening socket (uvicorn serves on it; closed when it stops)."""
    base_url: str
    """Where poles reach this process over HTTP(S): ``public_url``, or where it listens."""
    ssl_context: ssl.SSLContext | None
    repository: Repository
    async_repository: AsyncRepository
    tokens: TokenStore
    cluster: Cluster | None
    connections: Connections
    live_hub: LiveHub
    pole_settings: PoleSettingsCache
    policy: CapacityPolicy
    credentials: CredentialStore
    security_events: SecurityEvents
    gate: Gate
    log_requests: LogRequests
    """The poles' GetLog uploads (security extension)."""
    accounts: Accounts
    """Operators' accounts and tokens (issue 17); the guard reaches them through
    ``tokens.accounts``."""
    service_tokens: ServiceTokenIssuer
    """Technicians' service tokens for the poles' local port, and the poles' keys to
    check them (issue 17)."""
    pole_handler: type[PoleHandler]
    id_tags: AsyncIdTagRepository
    authority: IdTagAuthority
    local_lists: LocalListSender
    local_list_pusher: LocalListPusher
    """Card changes and boots bring poles' local lists up to date (`service.cards`)."""
    files: FileTransfers
    sender: ReleaseSender
    """Sends firmware to poles for rollouts and the single-pole route alike, so both
    remember the same legacy poles."""
    rollouts: RolloutRunner
    leader: PgLeader | None
    store: RepositoryStore
    oscp: FlexibilityProvider
    """OSCP 2.0 towards grid operators (issue 22): their forecasts cap grid groups."""
    grid: GroupBalancer
    """Each grid group's cap split over its poles as profiles (eis 32)."""
    budget: CallBudget = field(default_factory=CallBudget)
    """Paces the service's own boot-time calls behind the poles' calls (a reconnect storm)."""
    admission: Admission = field(default_factory=Admission)
    """How many poles handshake and boot at once (a reconnect storm)."""
    policy_task: asyncio.Task[None] | None = None
    ocpi: Registry | None = None
    """OCPI roaming partners and their handshake (issue 21); made by `build_services`."""
    ocpi_pusher: LocationPusher | None = None
    ocpi_tokens: AsyncOcpiTokenRepository | None = None
    ocpi_sessions: SessionPusher | None = None
    ocpi_tariffs: TariffStore | None = None
    ocpi_profiles: ActiveProfiles | None = None
    """Sessions an eMSP shapes, kept told of the limits their poles apply (eis 62)."""
    follow_ups: BootFollowUps = field(init=False)
    """Booted poles waiting for the service's calls after their boot, as ids (issue 20)."""

    def __post_init__(self) -> None:
        self.follow_ups = BootFollowUps(self._follow_up)

    @property
    def pole_events(self) -> EventSink:
        """Where pole handlers report: the live hub, and OCPI partners' pushes."""
        if self.ocpi_pusher is None:
            return self.live_hub
        return PoleEvents(self.live_hub, self.ocpi_pusher, self.ocpi_sessions,
                          self.ocpi_profiles)
    rollout_task: asyncio.Task[None] | None = None
    oscp_task: asyncio.Task[None] | None = None
    grid_task: asyncio.Task[None] | None = None
    run_keeper: RunKeeper | None = None
    """This process's run, so the board tells the service's downtime from the poles'."""

    @property
    def settings(self) -> CsmsSettings:
        return self.config.settings

    @property
    def clock(self) -> Clock:
        return self.config.clock

    @property
    def host(self) -> str:
        """The host in this process's URLs: the one asked for, or the socket's."""
        if self.config.sock is None:
            return self.config.host
        return str(self.sock.getsockname()[0])

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    async def pole_booted(self, pole_id: str) -> None:
        """After each accepted boot: live streams resume at once; the service's calls to the
        pole (`_follow_up`) take their turn behind the poles booted before it."""
        self.live_hub.publish(connection_event(pole_id, True, self.clock()))
        self.live_hub.pole_connected(pole_id)
        if self.settings.push_local_lists:
            self.local_list_pusher.pole_booted(pole_id)  # a background task: no waiting
        self.follow_ups.add(pole_id)

    async def _follow_up(self, pole_id: str) -> None:
        """The pole's service token keys (eis 69) beside its connection limit (eis 33) and
        capacity profile (eis 24), on the connection it has here now (it may have
        reconnected while waiting for its turn; gone, or now held by another service
        process: its boot there, or its next boot, brings it to a turn of its own)."""
        connection = self.connections.local(pole_id)
        if connection is None:
            return
        deploy = self.settings.deploy_capacity_profile
        # One GetConfiguration for this boot, shared by the keys, the limit and the check.
        shared = SharedConfiguration(
            Paced(connection, self.budget),
            (SERVICE_TOKEN_KEYS, GRID_LIMIT_KEY) if deploy else (SERVICE_TOKEN_KEYS,))
        work = [self.service_tokens.provision_logged(pole_id, shared)]
        if deploy:
            work.append(self._deploy(pole_id, shared))
        for outcome in await asyncio.gather(*work, return_exceptions=True):
            if isinstance(outcome, Exception):  # each part ran to its end; say what broke
                LOGGER.error("%s: the calls after its boot failed", pole_id, exc_info=outcome)
            elif isinstance(outcome, BaseException):
                raise outcome  # cancelled: the service stops

    async def _deploy(self, pole_id: str, shared: SharedConfiguration) -> None:
        try:
            await apply_grid_limit(shared, self.pole_settings.get(pole_id))
        except PoleLinkError as exc:
            pole_call_failed(LOGGER, pole_id, "GridConnectionMaxCurrent not set", exc,
                             boot=shared)
        await self.policy.on_boot(pole_id, shared)

    async def start(self) -> None:
        """The background work, before the first pole or operator is served (lifespan)."""
        self.run_keeper = RunKeeper(ServiceRuns(self.repository.engine), self.clock)
        await self.run_keeper.start()
        if self.cluster is not None:
            await self.cluster.start(self.connections, self.live_hub,
                                     {"settings": self.pole_settings,
                                      "slots": self.files.slots,
                                      "local-lists": self.local_list_pusher,
                                      "oscp": self.oscp,
                                      **({"ocpi-profiles": self.ocpi_profiles}
                                         if self.ocpi_profiles is not None else {})})
        if self.ocpi_profiles is not None:  # eMSPs keep hearing of their sessions' limits
            await self.ocpi_profiles.load()
        self.rollout_task = asyncio.create_task(self.rollouts.run(), name="firmware rollouts")
        self.oscp_task = asyncio.create_task(self.oscp.run(), name="OSCP lifecycle")
        self.grid_task = asyncio.create_task(
            self.grid.run(self.live_hub, running=self._running_sessions), name="grid groups")
        if self.settings.deploy_capacity_profile:
            self.policy_task = asyncio.create_task(self.policy.run(), name="capacity policy")

    async def _running_sessions(self) -> list[tuple[str, int]]:
        """(pole, transaction id) of every session without a stop (the grid balancer's
        start, `GroupBalancer.run`)."""
        return [(running.pole_id, int(running.id or 0))
                for running in await self.async_repository.running_transactions()]

    async def stop(self) -> None:
        """The background work stopped (lifespan shutdown); storage stays open."""
        for background in (self.policy_task, self.rollout_task, self.oscp_task,
                           self.grid_task):
            if background is not None:
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background
        self.policy_task = self.rollout_task = self.oscp_task = self.grid_task = None
        await self.oscp.close()
        await self.follow_ups.close()
        if self.ocpi_pusher is not None:
            await self.ocpi_pusher.close()
        if self.ocpi_sessions is not None:
            await self.ocpi_sessions.close()
        if self.ocpi_profiles is not None:
            await self.ocpi_profiles.close()
        if self.ocpi is not None:
            await self.ocpi.close()
        await self.live_hub.close()
        if self.run_keeper is not None:
            await self.run_keeper.stop()
        if self.cluster is not None:
            await self.cluster.close()
        if self.leader is not None:
            await self.leader.close()

    def close(self) -> None:
        """Storage closed, after the server stopped."""
        self.repository.engine.dispose()


async def build_services(config: ServiceConfig) -> Services:
    """Every part of a service process, made in dependency order, none of them started.

    Raises `StorageError` (database unusable, or SQLite for a cluster), `TlsError` (bad
    certificate or key) or `OSError` (the port is taken) before anything is served.
    """
    ssl_context = server_context(config.tls) if config.tls is not None else None
    engine = create_engine_for(config.db_url)
    sock: socket.socket | None = None
    try:
        if config.clustered and engine.dialect.name != "postgresql":
            raise StorageError(config.db_url, "several service processes need PostgreSQL: "
                                              "they route commands and live data to each "
                                              "other with LISTEN/NOTIFY")
        repository = Repository(engine)
        if not config.clustered:
            await asyncio.to_thread(prepare_storage, repository)
        async_repository = AsyncRepository(repository)
        sock = config.sock or bind_socket(config.host, config.port)
        return await _parts(config, sock, ssl_context, repository, async_repository)
    except BaseException:
        if sock is not None and config.sock is None:
            sock.close()
        engine.dispose()
        raise


async def _parts(config: ServiceConfig, sock: socket.socket,
                 ssl_context: ssl.SSLContext | None, repository: Repository,
                 async_repository: AsyncRepository) -> Services:
    clock, settings = config.clock, config.settings
    scheme = "https" if config.tls is not None else "http"
    host = config.host if config.sock is None else str(sock.getsockname()[0])
    base_url = (config.public_url or f"{scheme}://{host}:{sock.getsockname()[1]}").rstrip("/")
    # Several processes: the bus to the others first — everything below may call on it.
    cluster = Cluster(PgBus(config.db_url, new_worker_id())) if config.clustered else None
    connections = Connections(cluster)
    hub = LiveHub(connections.get)
    pole_settings = PoleSettingsCache(
        share=None if cluster is None else functools.partial(cluster.share, "settings"))
    await pole_settings.load(async_repository)
    admission = Admission(settings.boots_in_flight)
    budget = CallBudget(settings.server_calls_per_s, boots=admission,
                        boots_first_s=settings.boots_first_s)
    if settings.calls_in_flight:
        admission.pace_by(budget, settings.calls_in_flight)
    if settings.later_calls:  # a booted pole's backlog waits while others boot
        budget.later = LaterCalls(admission, settings.later_calls,
                                  drain_limit=settings.calls_in_flight or DEFAULT_DRAIN_LIMIT)
    admission.on_settled = memory_release.RELEASE.after_storm  # a storm's freed heap back
    policy = CapacityPolicy(connections, async_repository, pole_settings.settings_for,
                            clock=clock, pace=budget.slot)
    # Pole credentials (issue 16): checked before every upgrade, changed through the API.
    credentials = CredentialStore(repository)
    security_events = SecurityEvents(
        async_repository, publish=lambda record: hub.publish(live_events.security_event(record)))
    gate = Gate(credentials, security_events, clock)
    log_requests = LogRequests(repository)  # GetLog (service/api/certificates.py)
    # Accounts and roles (issue 17): refusals about a pole also reach its security events.
    accounts = Accounts(AccountStore(repository.engine, clock), async_repository,
                        security_events)
    token_file = config.token_file or default_token_file()
    tokens = TokenStore(token_file)
    tokens.accounts = accounts
    # Service tokens (issue 17): the signing key lives beside the API token file, 0600.
    service_tokens = ServiceTokenIssuer(
        await asyncio.to_thread(load_or_create_key, token_file.parent / KEY_FILE_NAME),
        AsyncServiceTokenRepository(repository.engine), clock)
    id_tags = AsyncIdTagRepository(repository.engine)
    # OCPI roaming partners (issue 21): the tokens we send them sealed under a 0600 key.
    ocpi = Registry(AsyncPartnerRepository(repository.engine),
                    await asyncio.to_thread(load_or_create_box,
                                            token_file.parent / OCPI_KEY_FILE_NAME),
                    config.ocpi, base_url, clock, async_repository)
    ocpi_tokens = AsyncOcpiTokenRepository(repository.engine)
    ocpi_tariffs = TariffStore(repository.engine)
    ocpi_profiles = ActiveProfiles(ocpi, async_repository, connections, clock,
                                   FollowedStore(repository.engine))
    if cluster is not None:  # an eMSP's PUT and its pole's meter values may meet apart
        ocpi_profiles.share = functools.partial(cluster.share, "ocpi-profiles")
    policy.limits_changed = ocpi_profiles.pole_changed
    # eMSPs' tokens (eis 60): the register's judge, asking the eMSP where the token says so.
    authority = RoamingAuthority(
        IdTagAuthority(id_tags, accept_unknown=settings.accept_unknown_id_tags, clock=clock),
        ocpi_tokens, ocpi)
    local_lists = LocalListSender(id_tags, clock)
    pusher = LocalListPusher(local_lists, id_tags, connections, async_repository)
    if cluster is not None:  # card changes reach every process's poles
        pusher.share = functools.partial(cluster.share, "local-lists")
    # Firmware and diagnostics files hosted for poles (service/api/files_routes.py).
    slots = UploadSlots(
        share=None if cluster is None else functools.partial(cluster.share, "slots"))
    files = FileTransfers(FileStore(config.files_dir or default_files_dir(config.db_url)),
                          slots, public_url=config.public_url)

    def location(sha256: str, name: str) -> str:
        """Where poles fetch a rollout's image (issue 14)."""
        return f"{base_url}{FILES_PREFIX}/firmware/{sha256}/{name}"

    leader = PgLeader(config.db_url) if config.clustered else None
    sender = ReleaseSender(connections, async_repository, files.store,
                           timeout_s=SEND_TIMEOUT_S)
    rollouts = RolloutRunner(async_repository, connections, files.store, location,
                             clock=clock, leader=leader, events=hub.publish, sender=sender)
    oscp = FlexibilityProvider(base_url, clock, energy=energy_source(repository), store=OscpStore(
        repository.engine, await asyncio.to_thread(
            load_or_create_oscp_key, token_file.parent / OSCP_KEY_FILE_NAME)))
    await oscp.load()
    if cluster is not None:  # a partner's calls may reach any process; one leads (issue 22)
        oscp.share, oscp.leader = functools.partial(cluster.share, "oscp"), leader
    grid = GroupBalancer(oscp, connections, pole_settings.settings_for, clock=clock)
    grid.limits_changed = ocpi_profiles.pole_changed  # eMSPs told of a group share
    return Services(
        config=config, sock=sock, base_url=base_url, ssl_context=ssl_context,
        repository=repository, async_repository=async_repository,
        tokens=tokens, accounts=accounts, service_tokens=service_tokens,
        cluster=cluster, connections=connections, live_hub=hub,
        pole_settings=pole_settings, policy=policy, credentials=credentials,
        security_events=security_events, gate=gate,
        log_requests=log_requests,
        pole_handler=certificate_handler(config.ca, KeyTracker(credentials, clock),
                                         log_requests),
        id_tags=id_tags, authority=authority, local_lists=local_lists,
        local_list_pusher=pusher, files=files, sender=sender,
        rollouts=rollouts,
        leader=leader, store=RepositoryStore(async_repository, firmware_watch=rollouts),
        ocpi=ocpi, ocpi_pusher=LocationPusher(ocpi, async_repository),
        ocpi_tokens=ocpi_tokens,
        ocpi_sessions=SessionPusher(ocpi, async_repository, ocpi_tokens, ocpi_tariffs),
        ocpi_tariffs=ocpi_tariffs, ocpi_profiles=ocpi_profiles,
        budget=budget, admission=admission,
        oscp=oscp, grid=grid)


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (0: any free port), as uvicorn would bind it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


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
