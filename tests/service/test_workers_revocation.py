"""eis 69 with ``--workers 2``: revoking a service token for every pole reaches at once
every connected pole, whichever worker process holds it and whichever takes the request.

The real command in a process of its own, six virtual poles over real OCPP and the operator
API from fresh connections, so the kernel spreads both over the two workers (where each
pole lands is the kernel's choice; `test_cluster.py` places poles on each process by hand).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from tests.service.security_support import secured_pole
from tests.support import eventually, postgres_schema
from tests.workers_support import two_workers

POLES = [f"PW-{n:04d}" for n in range(1, 7)]


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


async def test_eis69_with_two_workers_a_revocation_for_every_pole_reaches_them_all(
        pg_url: str, tmp_path: Path) -> None:
    async with two_workers(pg_url, tmp_path) as workers:
        ocpp_url, api = workers.ocpp_url, workers.api

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
