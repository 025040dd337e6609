"""The service's event loop and HTTP parser (issue 20): uvloop and httptools where installed,
the standard loop and h11 where not, and the operator told which at start.

The real ``paalwerk service`` in a process of its own (one process, and ``--workers 2`` on
PostgreSQL), a pole booting through the real OCPP client and the operator API over HTTP:
what a pole and an operator rely on must work on whichever loop the process got.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from service.event_loop import ENVIRONMENT, choose, loop_name, run
from tests.support import REPO, connected_pole, postgres_schema
from tests.workers_support import two_workers

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
POLE = "PW-0001"
HIDE_C_PARTS = ("import sys; sys.modules['uvloop'] = None; sys.modules['httptools'] = None; "
                "from paalwerk.cli import main; sys.exit(main())")
"""``paalwerk`` on an interpreter where neither uvloop nor httptools can be imported, as on
an installation without them."""

needs_uvloop = pytest.mark.skipif(
    sys.platform == "win32" or importlib.util.find_spec("uvloop") is None
    or importlib.util.find_spec("httptools") is None,
    reason="uvloop and httptools are not installed here")


@dataclass
class Service:
    port: int
    token: str
    log: Path

    @property
    def ocpp_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def loop_lines(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines()
                if "service.event_loop" in line]


@contextlib.asynccontextmanager
async def paalwerk_service(tmp_path: Path, *interpreter_args: str,
                           environment: dict[str, str] | None = None
                           ) -> AsyncIterator[Service]:
    """``paalwerk service`` in one process on SQLite; stopped with SIGTERM at the end, which
    it must survive cleanly (exit status 0)."""
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), **(environment or {}))
    if environment is None:
        env.pop(ENVIRONMENT, None)
    command = [sys.executable, *(interpreter_args or ("-m", "paalwerk")), "service",
               "--db", f"sqlite:///{tmp_path / 'csms.sqlite'}", "--port", "0",
               "--token-file", str(tmp_path / "tokens.json")]
    log = tmp_path / "service.log"
    with log.open("wb") as errors:
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=errors, cwd=REPO, env=env)
    assert process.stdout is not None
    try:
        async with asyncio.timeout(60):
            token = (await process.stdout.readline()).decode().rsplit(" ", 1)[-1].strip()
            serving = (await process.stdout.readline()).decode()
        assert "ws://127.0.0.1:" in serving, log.read_text()
        port = int(serving.split("ws://127.0.0.1:", 1)[1].split("/", 1)[0])
        yield Service(port, token, log)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await process.wait() == 0, log.read_text()


async def _a_pole_boots_and_the_api_lists_it(service: Service, state: Path) -> None:
    api = httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}", timeout=30,
                            headers={"Authorization": f"Bearer {service.token}"})
    async with connected_pole(service.ocpp_url, state, POLE, start=START), api:
        answer = await api.get("/api/v1/poles")
    assert answer.status_code == 200, answer.text
    assert POLE in answer.text


@needs_uvloop
async def test_the_service_runs_on_uvloop_and_httptools_and_says_so(tmp_path: Path) -> None:
    async with paalwerk_service(tmp_path) as service:
        await _a_pole_boots_and_the_api_lists_it(service, tmp_path / "poles")
        [line] = service.loop_lines()
    assert "INFO service.event_loop: event loop: uvloop " in line
    assert "HTTP parser: httptools " in line


async def test_without_uvloop_and_httptools_the_service_runs_on_asyncio_and_h11(
        tmp_path: Path) -> None:
    """An installation without the C parts (Windows has no uvloop) serves as before."""
    async with paalwerk_service(tmp_path, "-c", HIDE_C_PARTS) as service:
        await _a_pole_boots_and_the_api_lists_it(service, tmp_path / "poles")
        [line] = service.loop_lines()
    assert "event loop: asyncio; HTTP parser: h11 " in line


@needs_uvloop
async def test_an_operator_can_ask_for_the_standard_loop(tmp_path: Path) -> None:
    async with paalwerk_service(tmp_path, environment={ENVIRONMENT: "asyncio"}) as service:
        await _a_pole_boots_and_the_api_lists_it(service, tmp_path / "poles")
        [line] = service.loop_lines()
    assert "event loop: asyncio; HTTP parser: h11 " in line


def test_a_misspelt_loop_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match=f"{ENVIRONMENT}='uvlop': use 'asyncio'"):
        choose({ENVIRONMENT: "uvlop"})


def test_windows_gets_the_standard_loop_even_with_uvloop_importable() -> None:
    def importer(name: str) -> ModuleType:
        return ModuleType(name)  # both "installed"

    choice = choose({}, platform="win32", importer=importer)
    assert (choice.loop, choice.http, choice.factory) == ("asyncio", "httptools", None)


@needs_uvloop
def test_run_drives_the_coroutine_on_the_chosen_loop() -> None:
    """What the benchmark relies on to measure ours as ``paalwerk service`` runs it."""
    async def which() -> str:
        await asyncio.sleep(0)
        return loop_name(asyncio.get_running_loop())

    assert run(which(), choose({})) == "uvloop"
    assert run(which(), choose({ENVIRONMENT: "asyncio"})) == "asyncio"


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@needs_uvloop
async def test_every_worker_runs_on_uvloop_and_stops_cleanly_on_sigterm(
        pg_url: str, tmp_path: Path) -> None:
    """``--workers 2``: each spawned worker chooses its loop itself and says so; the
    helper's SIGTERM at the end must stop them all with exit status 0."""
    async with two_workers(pg_url, tmp_path) as workers:
        async with connected_pole(workers.ocpp_url, tmp_path / "poles", POLE,
                                  start=START), workers.api() as api:
            assert POLE in (await api.get("/api/v1/poles")).text
        lines = [line for line in workers.log.read_text().splitlines()
                 if "service.event_loop" in line]
    assert len(lines) == 2, workers.log.read_text()
    assert all("event loop: uvloop " in line and "HTTP parser: httptools " in line
               for line in lines), lines


@needs_uvloop
def test_eis69_profile_3_mutual_tls_on_uvloop(tmp_path: Path) -> None:
    """The pole's client certificate is read from the transport (`tls_extension`): uvloop's
    TLS transport must hand it over as the standard one does (profile 3, SQLite)."""
    from tests.service.test_pole_tls import (
        test_eis69_profile_3_mutual_tls_with_a_certificate_from_the_service_ca as profile_3,
    )

    run(profile_3(tmp_path, "sqlite"), choose({}))


@needs_uvloop
def test_the_listen_queue_on_uvloop(tmp_path: Path) -> None:
    """uvloop listens on the service's socket itself: with the queue the service asks for."""
    from tests.service.test_listen_queue import test_each_worker_socket_gets_the_same_queue

    run(test_each_worker_socket_gets_the_same_queue(tmp_path), choose({}))
