"""Two service processes sharing one fleet through PostgreSQL (``--workers``), as poles and
operators see them: real WebSockets, real OCPP, real LISTEN/NOTIFY between the two.

Both services run in this test's event loop on ports of their own, as two workers of
``paalwerk service --workers 2`` would behind one port: a pole's connection lands on one,
an operator's request on the other.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from pole_link.sim.vehicles import EvType
from service.api.tokens import ensure_admin_token
from service.server import RunningService, prepare_database, start_service
from service.storage.database import StorageError
from tests.support import (
    ConnectedPole,
    connected_pole,
    eventually,
    postgres_schema,
    until,
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


class Pair:
    """Process A, where the operator is, and process B, which holds the pole."""

    def __init__(self, a: RunningService, b: RunningService, token: str) -> None:
        self.a, self.b, self.token = a, b, token
        headers = {"Authorization": f"Bearer {token}"}
        self.api_a = httpx.AsyncClient(base_url=f"http://127.0.0.1:{a.port}", headers=headers,
                                       timeout=30)
        self.api_b = httpx.AsyncClient(base_url=f"http://127.0.0.1:{b.port}", headers=headers,
                                       timeout=30)

    async def aclose(self) -> None:
        await self.api_a.aclose()
        await self.api_b.aclose()


@pytest.fixture
async def pair(pg_url: str, tmp_path: Path) -> AsyncIterator[Pair]:
    await asyncio.to_thread(prepare_database, pg_url)
    token_file = tmp_path / "tokens.json"
    token = ensure_admin_token(token_file)
    assert token is not None
    files = tmp_path / "files"
    b = await start_service(pg_url, token_file=token_file, files_dir=files, clustered=True)
    # A hands out upload locations on B, as a load balancer in front of both would.
    a = await start_service(pg_url, token_file=token_file, files_dir=files, clustered=True,
                            public_url=f"http://127.0.0.1:{b.port}")
    both = Pair(a, b, token)
    try:
        yield both
    finally:
        await both.aclose()
        await a.stop()
        await b.stop()


@asynccontextmanager
async def pole_on_b(pair: Pair, tmp_path: Path, pole_id: str = "PW-0001"
                    ) -> AsyncIterator[ConnectedPole]:
    async with connected_pole(pair.b.ocpp_url, tmp_path, pole_id,
                              start=datetime.now(UTC)) as pole:
        await until(lambda: pair.a.cluster is not None
                    and pole_id in pair.a.cluster.holders)
        yield pole


async def test_a_command_at_one_process_reaches_the_pole_held_by_another(
        pair: Pair, tmp_path: Path) -> None:
    async with pole_on_b(pair, tmp_path) as pole:
        listed = (await pair.api_a.get("/api/v1/poles")).json()
        assert [(p["id"], p["connected"]) for p in listed] == [("PW-0001", True)]
        changed = await pair.api_a.put("/api/v1/poles/PW-0001/configuration",
                                       json={"key": "LightIntensity", "value": "35"})
        assert changed.status_code == 200, changed.text
        assert changed.json()["result"] == {"status": "Accepted"}
        assert pole.pole.configuration.int_value("LightIntensity") == 35
        everything = await pair.api_a.post("/api/v1/poles/PW-0001/call", json={
            "action": "GetConfiguration", "payload": {}})
        assert len(everything.json()["result"]["configurationKey"]) >= 43
        # A message over PostgreSQL's 8,000-byte NOTIFY limit travels in pieces.
        long = await pair.api_a.post("/api/v1/poles/PW-0001/call", json={
            "action": "DataTransfer", "payload": {"vendorId": "elsewhere",
                                                  "data": "x" * 20_000}})
        assert long.status_code == 200, long.text
        assert long.json()["result"]["status"] == "UnknownVendorId"


async def test_a_pole_s_refusal_reads_the_same_through_another_process(
        pair: Pair, tmp_path: Path) -> None:
    async with pole_on_b(pair, tmp_path):
        refused = await pair.api_a.post("/api/v1/poles/PW-0001/call", json={
            "action": "ReserveNow", "payload": {"connectorId": 1, "expiryDate":
                                                "2026-12-01T00:00:00Z", "idTag": "x",
                                                "reservationId": 1}})
        assert refused.status_code == 502
        assert refused.json()["error"] in ("NotSupported", "NotImplemented")
    # Once the pole has left B, A knows it is offline and says so at once.
    await until(lambda: pair.a.cluster is not None and not pair.a.cluster.holders)
    offline = await pair.api_a.post("/api/v1/poles/PW-0001/reset", json={"type": "Soft"})
    assert offline.status_code == 409 and offline.json()["error"] == "PoleOffline"


async def test_the_live_feed_at_one_process_shows_a_pole_held_by_another(
        pair: Pair, tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{pair.a.port}/api/v1/live?token={pair.token}"
    events: list[dict[str, Any]] = []

    async def seen(match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        async with asyncio.timeout(15):
            while True:
                for event in events:
                    if match(event):
                        return event
                await asyncio.sleep(0.02)

    async with connect(url) as feed:
        async def pump() -> None:
            async for text in feed:
                events.append(json.loads(text))
        reader = asyncio.create_task(pump())
        try:
            async with pole_on_b(pair, tmp_path) as pole:
                await seen(lambda e: e["type"] == "connection" and e["connected"])
                await feed.send(json.dumps({"watch": "PW-0001", "intervalMs": 1000}))
                answer = await seen(lambda e: e["type"] == "watching")
                assert answer["status"] == "Accepted"
                await until(lambda: pole.client.end is not None
                            and pole.client.end.live.running)
                live = await seen(lambda e: e["type"] == "live")
                assert live["poleId"] == "PW-0001" and len(live["data"]["sockets"]) == 2
                pole.pole.plug(1, EvType.EV3)
                await seen(lambda e: e["type"] == "status" and e["connectorId"] == 1
                           and e["status"] == "Preparing")
                await feed.send(json.dumps({"unwatch": "PW-0001"}))
                await until(lambda: pole.client.end is not None
                            and not pole.client.end.live.running)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


async def test_settings_changed_at_one_process_are_known_at_the_other(
        pair: Pair, tmp_path: Path) -> None:
    async with pole_on_b(pair, tmp_path) as pole:
        put = await pair.api_a.put("/api/v1/poles/PW-0001/settings", json={
            "gridOperator": "Stedin", "connectionSize": "3x25"})
        assert put.status_code == 200, put.text
        assert pole.pole.configuration.int_value("GridConnectionMaxCurrent") == 25

        async def b_knows() -> bool:
            got = (await pair.api_b.get("/api/v1/poles/PW-0001/settings")).json()
            return bool(got["connectionSize"] == "3x25" and got["gridOperator"] == "Stedin")
        await eventually(b_knows)


async def test_issue16_a_card_blocked_at_one_process_reaches_the_list_of_a_pole_at_another(
        pair: Pair, tmp_path: Path) -> None:
    await pair.api_a.put("/api/v1/id-tags/CARD-7", json={"status": "Accepted"})
    async with pole_on_b(pair, tmp_path) as pole:
        full = await pair.api_a.post("/api/v1/poles/PW-0001/local-list",
                                     json={"updateType": "Full"})
        assert full.status_code == 200 and full.json()["status"] == "Accepted", full.text
        blocked = await pair.api_a.put("/api/v1/id-tags/CARD-7", json={"status": "Blocked"})
        assert blocked.status_code == 200
        now = datetime.now(UTC)
        await until(lambda: pole.pole.local_list.status("CARD-7", now) == "Blocked")
        assert pole.pole.local_list_version == 2


async def test_diagnostics_asked_at_one_process_are_uploaded_to_the_other(
        pair: Pair, tmp_path: Path) -> None:
    async with pole_on_b(pair, tmp_path):
        asked = await pair.api_a.post("/api/v1/poles/PW-0001/diagnostics", json={})
        assert asked.status_code == 200, asked.text
        file_name = asked.json()["fileName"]

        async def uploaded() -> bool:
            rows = (await pair.api_a.get("/api/v1/poles/PW-0001/diagnostics")).json()
            return file_name in [row["name"] for row in rows]
        await eventually(uploaded)


async def test_several_processes_refuse_sqlite_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="need PostgreSQL"):
        await start_service(f"sqlite:///{tmp_path / 'one.sqlite'}", clustered=True,
                            token_file=tmp_path / "tokens.json")


def test_paalwerk_service_workers_share_one_port_and_stop_on_sigterm(
        pg_url: str, tmp_path: Path) -> None:
    """The real command: two workers, poles spread over them, every API request (whichever
    worker takes it) sees the whole fleet and can command any pole; SIGTERM stops all."""
    import os
    import signal
    import subprocess
    import sys

    from tests.support import REPO

    # The poles' outboxes in the test's folder, not the user's: a run beside this one
    # (another worker, another checkout) would find them locked.
    environment = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"),
                       PAALWERK_STATE_DIR=str(tmp_path / "poles"))
    command = [sys.executable, "-m", "paalwerk", "service", "--workers", "2", "--db", pg_url,
               "--port", "0", "--token-file", str(tmp_path / "tokens.json"),
               "--files-dir", str(tmp_path / "files")]
    service = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=REPO, env=environment, start_new_session=True)
    sim = None
    try:
        assert service.stdout is not None
        token = service.stdout.readline().rsplit(" ", 1)[-1].strip()
        serving = service.stdout.readline()
        assert "2 worker processes" in serving
        # --port 0: one free port, picked once and shared by both workers.
        port = int(serving.split("ws://127.0.0.1:", 1)[1].split("/", 1)[0])
        sim = subprocess.Popen([sys.executable, "-m", "paalwerk", "sim", "--poles", "6",
                                "--csms", f"ws://127.0.0.1:{port}/ocpp"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
                               env=environment)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=30) as api:
            def fleet() -> list[tuple[str, bool]]:
                return [(p["id"], p["connected"]) for p in api.get("/api/v1/poles").json()]
            give_up = time.monotonic() + 30
            while fleet() != [(f"PW-{n:04d}", True) for n in range(1, 7)]:
                assert time.monotonic() < give_up, fleet()
                time.sleep(0.2)
            for _ in range(4):  # new connections: some land on each worker
                assert fleet() == [(f"PW-{n:04d}", True) for n in range(1, 7)]
                for n in range(1, 7):
                    answer = api.get(f"/api/v1/poles/PW-{n:04d}/configuration",
                                     params={"keys": "LightIntensity"})
                    assert answer.status_code == 200, answer.text
    finally:
        if sim is not None:
            sim.send_signal(signal.SIGTERM)
            sim.wait(15)
        service.send_signal(signal.SIGTERM)
        assert service.wait(30) == 0

    def leftovers() -> list[str]:
        return subprocess.run(["pgrep", "-s", str(service.pid)], capture_output=True,
                              text=True, check=False).stdout.split()
    give_up = time.monotonic() + 10  # multiprocessing's resource tracker leaves just after
    while leftovers():
        assert time.monotonic() < give_up, leftovers()
        time.sleep(0.1)


def test_paalwerk_service_workers_refuse_sqlite_with_the_reason(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.support import REPO

    finished = subprocess.run(
        [sys.executable, "-m", "paalwerk", "service", "--workers", "2", "--db",
         f"sqlite:///{tmp_path / 'x.sqlite'}"], capture_output=True, text=True, cwd=REPO,
        check=False, timeout=60)
    assert finished.returncode == 2
    assert "needs a PostgreSQL --db" in finished.stderr


async def test_the_processes_find_each_other_again_after_losing_the_database(
        pair: Pair, pg_url: str, tmp_path: Path) -> None:
    """A PostgreSQL restart or network blip drops the bus connections; they come back and
    commands relay again, with no restart of the service."""
    import psycopg

    from service.cluster.bus import libpq_url

    async with pole_on_b(pair, tmp_path) as pole:
        backends = []
        for service in (pair.a, pair.b):
            assert service.cluster is not None
            bus = service.cluster.bus
            for connection in (bus._listen, bus._send_conn):
                assert connection is not None
                backends.append(connection.info.backend_pid)
        async with await psycopg.AsyncConnection.connect(libpq_url(pg_url),
                                                         autocommit=True) as admin:
            for backend in backends:
                await admin.execute("SELECT pg_terminate_backend(%s)", (backend,))

        async def relayed() -> bool:
            answer = await pair.api_a.put("/api/v1/poles/PW-0001/configuration",
                                          params={"timeout": 3},
                                          json={"key": "LightIntensity", "value": "60"})
            return answer.status_code == 200
        await eventually(relayed, timeout=20)
        assert pole.pole.configuration.int_value("LightIntensity") == 60


async def test_a_pole_session_through_one_process_drives_a_pole_held_by_another(
        pair: Pair, tmp_path: Path) -> None:
    """What the desktop app does against a service of several processes: the ``csms``
    transport reaches process A; the pole is on B."""
    from ocpp.v16.enums import ConfigurationStatus

    from pole_link.session import PoleSession
    from pole_link.transports.csms import CsmsLink, ServiceEndpoint

    async with pole_on_b(pair, tmp_path) as pole:
        link = CsmsLink("PW-0001", ServiceEndpoint(f"http://127.0.0.1:{pair.a.port}",
                                                   pair.token))
        async with PoleSession(link) as session:
            assert session.identity is not None and session.identity.pole_id == "PW-0001"
            await session.authenticate("demo")
            assert await session.set_light_intensity(20) == ConfigurationStatus.accepted
            assert pole.pole.configuration.int_value("LightIntensity") == 20
            async with session.live(1000) as stream:
                async for sample in stream:
                    assert [s.connector_id for s in sample.sockets] == [1, 2]
                    assert sample.sockets[0].led.intensity_percent == 20
                    break


async def test_eis69_revoking_a_token_for_every_pole_reaches_the_poles_of_both_processes(
        pair: Pair, tmp_path: Path) -> None:
    """A lost laptop's ``["*"]`` token is revoked at once on every connected pole, not
    only on those held by the process that took the request."""
    async with pole_on_b(pair, tmp_path / "b", "PW-0001") as on_b, \
            connected_pole(pair.a.ocpp_url, tmp_path / "a", "PW-0002",
                           start=datetime.now(UTC)) as on_a:
        await until(lambda: pair.b.cluster is not None
                    and "PW-0002" in pair.b.cluster.holders)
        issued = await pair.api_a.post("/api/v1/service-tokens",
                                       json={"poles": ["*"], "hours": 4})
        assert issued.status_code == 200, issued.text
        jti = issued.json()["jti"]
        revoked = await pair.api_a.post(f"/api/v1/service-tokens/{jti}/revoke")
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["poles"] == {"PW-0001": "Accepted", "PW-0002": "Accepted"}
        assert jti in on_a.pole.service_access.revoked
        assert jti in on_b.pole.service_access.revoked
        # The same from the other process, for a second token.
        again = (await pair.api_b.post("/api/v1/service-tokens",
                                       json={"poles": ["*"], "hours": 1})).json()["jti"]
        answer = await pair.api_b.post(f"/api/v1/service-tokens/{again}/revoke")
        assert answer.json()["poles"] == {"PW-0001": "Accepted", "PW-0002": "Accepted"}
        assert again in on_a.pole.service_access.revoked


async def test_issue20_events_cross_between_processes_only_while_a_grid_group_needs_them(
        pair: Pair, tmp_path: Path) -> None:
    """Without a live-feed client or a grid group nobody needs a pole's events, so no
    process sends them to the others (in a reconnect storm that traffic was a quarter of
    each process's time). A grid group makes each process's balancer follow them: it reads
    the sessions already running from storage and then hears the other process's poles."""
    grid_a, oscp_a = pair.a.services.grid, pair.a.services.oscp
    async with pole_on_b(pair, tmp_path) as pole:
        pole.pole.plug(1, EvType.EV3)
        pole.pole.present_card(1, "CARD-1")
        await until(lambda: pole.pole.socket(1).transaction is not None
                    and pole.pole.socket(1).transaction.csms_id is not None)  # type: ignore[union-attr]
        transaction = pole.pole.socket(1).transaction
        assert transaction is not None
        assert pair.b.live_hub.forward is None and pair.a.live_hub.forward is None
        assert not pair.a.live_hub.has_clients and not pair.b.live_hub.has_clients
        assert grid_a.charging == {}

        await oscp_a.set_group("PW-0001", "CABLE-7")
        await until(lambda: pair.b.services.oscp.groups.of_pole.get("PW-0001") == "CABLE-7")
        await until(lambda: pair.b.live_hub.forward is not None)  # A's balancer listens
        await until(lambda: grid_a.charging.get("PW-0001") == {transaction.csms_id})
        pole.pole.unplug(1)  # the stop happens on B; A's balancer hears of it
        await until(lambda: grid_a.charging.get("PW-0001") == set())

        await oscp_a.set_group("PW-0001", None)
        await until(lambda: pair.b.live_hub.forward is None, timeout=15)
        assert grid_a.charging == {} and grid_a.actual == {}
