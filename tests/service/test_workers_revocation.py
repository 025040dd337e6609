"""eis 69 with ``--workers 2``: revoking a service token for every pole reaches at once
every connected pole, whichever worker process holds it and whichever takes the request.

The real command in a process of its own, six virtual poles over real OCPP and the operator
API from fresh connections, so the kernel spreads both over the two workers (where each
pole lands is the kernel's choice; `test_cluster.py` places poles on each process by hand).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from tests.service.security_support import secured_pole
from tests.support import REPO, eventually, postgres_schema

POLES = [f"PW-{n:04d}" for n in range(1, 7)]


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


async def test_eis69_with_two_workers_a_revocation_for_every_pole_reaches_them_all(
        pg_url: str, tmp_path: Path) -> None:
    environment = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = [sys.executable, "-m", "paalwerk", "service", "--workers", "2", "--db", pg_url,
               "--port", "0", "--token-file", str(tmp_path / "tokens.json"),
               "--files-dir", str(tmp_path / "files")]
    log = tmp_path / "service.log"
    with log.open("wb") as errors:
        service = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=errors, cwd=REPO,
            env=environment, start_new_session=True)
    try:
        assert service.stdout is not None

        async def line() -> str:
            text = (await service.stdout.readline()).decode()  # type: ignore[union-attr]
            assert text, f"the service stopped: {log.read_text()}"
            return text

        token = (await line()).rsplit(" ", 1)[-1].strip()
        serving = await line()
        assert "2 worker processes" in serving and "ws://127.0.0.1:" in serving, serving
        port = int(serving.split("ws://127.0.0.1:", 1)[1].split("/", 1)[0])
        ocpp_url = f"ws://127.0.0.1:{port}/ocpp"

        def api() -> httpx.AsyncClient:
            """A new client, so a new connection: either worker may take it."""
            return httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                     headers={"Authorization": f"Bearer {token}"})

        async with AsyncExitStack() as poles:
            connected = [await poles.enter_async_context(
                secured_pole(ocpp_url, tmp_path, pole_id)) for pole_id in POLES]

            async def every_worker_knows_all() -> bool:
                for _ in range(4):
                    async with api() as client:
                        listed = (await client.get("/api/v1/poles")).json()
                    if sorted(p["id"] for p in listed if p["connected"]) != POLES:
                        return False
                return True

            await eventually(every_worker_knows_all, timeout=30)
            for _ in range(3):  # fresh connections: whichever worker takes the request
                async with api() as client:
                    issued = await client.post("/api/v1/service-tokens",
                                               json={"poles": ["*"], "hours": 4})
                    assert issued.status_code == 200, issued.text
                    jti = issued.json()["jti"]
                async with api() as client:
                    revoked = await client.post(f"/api/v1/service-tokens/{jti}/revoke")
                assert revoked.status_code == 200, revoked.text
                assert revoked.json()["poles"] == dict.fromkeys(POLES, "Accepted")
                for pole in connected:
                    assert jti in pole.pole.service_access.revoked, pole.pole.pole_id
    finally:
        service.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await service.wait() == 0, log.read_text()
