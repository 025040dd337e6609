"""Test helpers shared across the suite: a hand-moved clock, a raw service-port client and a
sim subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import serial
from cryptography import x509

from pole_link.protocol.frames import Body, FrameDecoder, encode_frame
from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from pole_link.token_wallet import MemoryTokenStore, TokenWallet
from service.api.tokens import ensure_admin_token
from service.ocpp.pole_handler import CsmsSettings
from service.server import RunningService, start_service

REPO = Path(__file__).resolve().parent.parent

CLOCK_START = datetime(2031, 3, 9, 8, 30, tzinfo=UTC)
"""A date no one runs these tests on: a test that reads the real clock would show."""


class ManualClock:
    """Time that moves only when the test moves it.

    Tests inject it wherever the code takes a clock, so that no test depends on today's date,
    the machine's time zone or how fast the machine is: ages, graces, timeouts and paces come
    out the same on every run. One reading, in the two views the code asks for: `now()` is the
    wall clock (an aware datetime in `start`'s zone, for a `Callable[[], datetime]`) and
    calling the clock, or `monotonic()`, gives monotonic seconds (for a `Callable[[], float]`).
    They read `start` and `seconds` until the test moves them: `advance` moves both alike,
    `set` puts one view at a reading and the other follows.
    """

    def __init__(self, start: datetime = CLOCK_START, *, seconds: float = 1000.0) -> None:
        self._now = _aware(start)
        self._seconds = seconds

    def __call__(self) -> float:
        return self._seconds

    def monotonic(self) -> float:
        return self._seconds

    def now(self) -> datetime:
        return self._now

    def advance(self, step: float | timedelta) -> None:
        """Let `step` (seconds, or a timedelta) pass."""
        if isinstance(step, timedelta):
            self._now += step
            self._seconds += step.total_seconds()
        else:
            self._now += timedelta(seconds=step)
            self._seconds += step

    def set(self, reading: datetime | float) -> None:
        """Put the wall clock (a datetime) or the monotonic seconds (a number) at `reading`."""
        if isinstance(reading, datetime):
            self._seconds += (_aware(reading) - self._now).total_seconds()
            self._now = reading
        else:
            self._now += timedelta(seconds=reading - self._seconds)
            self._seconds = reading


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"a manual clock reads aware datetimes, not {moment!r}")
    return moment


class RawPort:
    """Speaks to a pole's service port byte by byte, to send what no well-behaved client would."""

    def __init__(self, path: str) -> None:
        self.port = serial.Serial(path, 115200, timeout=0.2)
        self.port.reset_input_buffer()
        self.decoder = FrameDecoder()
        self._bodies: list[Body] = []
        """Frames decoded but not yet read: one read from the port may finish several."""
        self._ids = 0

    def write(self, data: bytes) -> None:
        self.port.write(data)

    def send_json(self, message: Any) -> None:
        self.write(encode_frame(json.dumps(message).encode()))

    def next_id(self) -> str:
        self._ids += 1
        return f"raw-{self._ids}"

    def read_message(self, timeout: float = 5.0) -> Any:
        """The next JSON message from the pole (answering any Live call it makes)."""
        deadline = time.monotonic() + timeout
        while not self._bodies and time.monotonic() < deadline:
            self._bodies += self.decoder.feed(self.port.read(max(1, self.port.in_waiting)))
        if not self._bodies:
            raise TimeoutError("no frame from the pole")
        body = self._bodies.pop(0)
        return json.loads(bytes(body)) if body[:1] == b"[" else body

    def request(self, action: str, payload: dict[str, Any], timeout: float = 5.0) -> Any:
        unique_id = self.next_id()
        self.send_json([2, unique_id, action, payload])
        return self.answer_to(unique_id, timeout)

    def answer_to(self, unique_id: str, timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            message = self.read_message(max(0.1, deadline - time.monotonic()))
            if isinstance(message, list) and message[1] == unique_id:
                return message
            if isinstance(message, list) and message[0] == 2:  # a Live call: answer it
                self.send_json([3, message[1], {"status": "Accepted"}])

    def vendor(self, message_id: str, data: Any) -> Any:
        return self.request("DataTransfer", {"vendorId": "paalwerk", "messageId": message_id,
                                             "data": json.dumps(data)})

    def close(self) -> None:
        self.port.close()


class SimProcess:
    """``paalwerk sim`` as a real child process, as outside scripts run it."""

    def __init__(self, *args: str) -> None:
        self.args = ["--serial", *args] if "--serial" not in args else list(args)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paalwerk", "sim", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        self.lines: list[str] = []

    def read_ports(self, count: int, timeout: float = 20.0) -> dict[str, str]:
        """The first ``count`` lines: ``<pole-id> serial <path>``."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        ports: dict[str, str] = {}
        while len(ports) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"sim printed only {self.lines}")
            line = self.process.stdout.readline()
            if not line:
                errors = self.process.stderr.read() if self.process.stderr else ""
                raise RuntimeError(f"sim exited: {errors}")
            self.lines.append(line.rstrip("\n"))
            pole_id, kind, path = line.split()
            assert kind == "serial"
            ports[pole_id] = path
        return ports

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for state the test does not own (no event to wait on), failing after ``timeout``."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - polling another component's state
            await asyncio.sleep(0.02)


@asynccontextmanager
async def served_on_loopback(app: Any) -> AsyncIterator[tuple[str, Any]]:
    """``app`` (ASGI) served by a real uvicorn on a free 127.0.0.1 port: its base URL
    (``ws://127.0.0.1:PORT``) and the `uvicorn.Server` (whose ``server_state`` a test may
    read, e.g. which connections the server still holds)."""
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    await until(lambda: server.started)
    try:
        yield f"ws://127.0.0.1:{port}", server
    finally:
        server.should_exit = True
        await task


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    """`until` for conditions that need an HTTP request to look at."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - state seen only over HTTP
            await asyncio.sleep(0.05)


@dataclass
class ConnectedPole:
    pole: VirtualPole
    client: PoleOcppClient
    outbox: Outbox


@asynccontextmanager
async def connected_pole(ocpp_url: str, state_dir: Path, pole_id: str = "PW-0001", *,
                         start: datetime, adopt_csms_time: bool = False,
                         security_extension: bool = True, profile: int = 0,
                         password: str | None = None
                         ) -> AsyncIterator[ConnectedPole]:
    """A virtual pole with its real OCPP client, connected and with its outbox drained.

    Its clock starts at `start` and keeps it, as ``paalwerk sim --start`` does, unless
    `adopt_csms_time` lets it follow the CSMS's ``currentTime`` (a sim without --start).
    ``security_extension=False``: a legacy pole (``paalwerk sim --legacy-ocpp``).
    ``profile``/``password``: its security profile and HTTP Basic password (register the
    pole with them at the service first).
    """
    pole = VirtualPole(pole_id, clock=SimClock(start), security_extension=security_extension)
    pole.security.profile = profile
    pole.security.authorization_key = password
    outbox = Outbox(state_dir / pole_id / "outbox.sqlite")
    client = PoleOcppClient(pole, ocpp_url, outbox, adopt_csms_time=adopt_csms_time)
    tasks = [asyncio.create_task(client.run()), asyncio.create_task(pole.scheduler.run())]
    try:
        await until(lambda: client.connected and len(outbox) == 0)
        yield ConnectedPole(pole, client, outbox)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        outbox.close()


async def technician_token(service: RunningService, pole: VirtualPole,
                           role: str = "engineer") -> str:
    """What a technician fetched before the visit: a token signed with ``service``'s key for
    ``pole``, dated by the pole's own clock (tests run poles at fixed dates) — once the
    service has given the pole its key, after which the pole refuses the PIN."""
    from pole_link.service_tokens import Claims, issue

    issuer = service.service_tokens
    assert issuer is not None
    await until(lambda: pole.service_access.keys_text == issuer.keys_value)
    now = int(pole.clock.now().timestamp())
    return issue(issuer.key, Claims(issuer.issuer_name, "technician", role, (pole.pole_id,),
                                    now, now + 8 * 3600, uuid.uuid4().hex))


def wallet_with(token: str, pole: VirtualPole) -> TokenWallet:
    """A laptop wallet holding ``token``, reading the time as the pole does."""
    wallet = TokenWallet(MemoryTokenStore(), now=pole.clock.now)
    wallet.add([token])
    return wallet


@dataclass
class Api:
    """A running service on 127.0.0.1 with an HTTP client that holds a valid API token."""

    service: RunningService
    client: httpx.AsyncClient
    token: str
    db_url: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}"


PG_ENV = "PAALWERK_TEST_PG"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL on ``$PAALWERK_TEST_PG`` confined to a fresh schema, dropped after.

    Skips when the variable is unset; fails when it is set but the server is unreachable
    (a silent skip would hide a broken CI database).
    """
    import sqlalchemy as sa

    from service.storage.database import normalise_url

    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL variant not run")
    url = normalise_url(raw)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {error}")
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@asynccontextmanager
async def running_service(tmp_path: Path, db_url: str | None = None, *,
                          clock: Callable[[], datetime] | None = None,
                          settings: CsmsSettings | None = None,
                          trusted_roots: Sequence[x509.Certificate] = (), port: int = 0
                          ) -> AsyncIterator[Api]:
    """The CSMS on ``db_url`` (default: a SQLite file in ``tmp_path``) with a token;
    ``clock`` is its time (default: the wall clock); ``trusted_roots`` the manufacturer
    roots firmware packages are checked against (default: none); ``port``: the one of a
    stopped service, so its poles reconnect to the restarted one (default: any free)."""
    token_file = tmp_path / "tokens.json"
    token = ensure_admin_token(token_file)
    assert token is not None
    db_url = db_url or f"sqlite:///{tmp_path / 'csms.sqlite'}"
    extra: dict[str, Any] = {} if clock is None else {"clock": clock}
    service = await start_service(db_url, token_file=token_file, files_dir=tmp_path / "files",
                                  settings=settings, trusted_roots=trusted_roots, port=port,
                                  **extra)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}",
                                     headers=headers, timeout=20) as client:
            yield Api(service, client, token, db_url)
    finally:
        await service.stop()


def audited(engine: Any, words: str) -> list[str]:
    """What the audit trail says after ``words``, oldest first: the detail of an entry
    written in those words, or — for an API write, whose one entry carries its route's
    notes as ``"<words>: <detail>"`` (`service.accounts.request_entry`) — that note's
    detail."""
    from sqlmodel import Session, col, select

    from service.storage.models import AuditLog

    found: list[str] = []
    with Session(engine) as session:
        for row in session.exec(select(AuditLog).order_by(col(AuditLog.id))).all():
            if row.action == words:
                found.append(row.detail)
                continue
            for note in row.detail.split("; "):
                if note.startswith(f"{words}: "):
                    found.append(note[len(words) + 2:])
    return found
