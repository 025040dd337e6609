"""eis 69 with ``--workers``: ``paalwerk service --workers 2 --tls-cert … --tls-key …`` serves
wss/https on every worker process, sharing one port and one PostgreSQL fleet.

The real command in a process of its own, a certificate made here by the service's own CA,
poles at security profile 2 (TLS + Basic) through the real OCPP client, and the operator API
over https from fresh connections, so requests land on both workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from service.security.ca import init_ca
from tests.service.security_support import (
    PASSWORD,
    basic,
    refused,
    secured_pole,
    server_certificate,
    trusting,
    wall_now,
)
from tests.support import eventually, postgres_schema
from tests.workers_support import two_workers

POLES = [f"PW-{n:04d}" for n in range(1, 5)]


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


async def test_eis69_two_tls_workers_serve_profile_2_poles_and_https_api(
        pg_url: str, tmp_path: Path) -> None:
    ca = init_ca(tmp_path / "ca", wall_now())
    cert, key = server_certificate(ca, tmp_path / "tls")
    async with two_workers(pg_url, tmp_path, "--tls-cert", str(cert), "--tls-key", str(key),
                           "--ca-dir", str(tmp_path / "ca")) as workers:
        port, ocpp_url = workers.port, workers.ocpp_url
        assert workers.scheme == "wss"
        assert f"https://127.0.0.1:{port}/api/v1" in await workers.line()
        verify = trusting(ca.certificate_pem())

        def api() -> httpx.AsyncClient:
            """A new client, so a new TLS connection: the kernel may hand it to either
            worker."""
            return workers.api(verify=verify)

        async with api() as client:
            for pole_id in POLES:
                answer = await client.post("/api/v1/poles", json={
                    "id": pole_id, "securityProfile": 2, "basicAuthPassword": PASSWORD})
                assert answer.status_code in (200, 201), answer.text
        # Every worker checks the password: a wrong one is refused, whoever takes it.
        for _ in range(4):
            assert await refused(f"{ocpp_url}/PW-0001", basic("PW-0001", "not-the-pass-123"),
                                 ssl_context=verify) == 401
        async with AsyncExitStack() as poles:
            for pole_id in POLES:
                await poles.enter_async_context(secured_pole(
                    ocpp_url, tmp_path, pole_id, profile=2, password=PASSWORD,
                    ca_pem=ca.certificate_pem()))

            async def fleet() -> list[tuple[str, bool]]:
                async with api() as client:
                    poles_now = (await client.get("/api/v1/poles")).json()
                return [(pole["id"], pole["connected"]) for pole in poles_now]

            everyone = [(pole_id, True) for pole_id in POLES]

            async def all_connected() -> bool:
                return await fleet() == everyone

            await eventually(all_connected, timeout=30)
            for _ in range(6):  # fresh connections: whichever worker answers, all are there
                assert await fleet() == everyone
            for _ in range(3):
                for pole_id in POLES:
                    async with api() as client:
                        answer = await client.post(f"/api/v1/poles/{pole_id}/call", json={
                            "action": "GetConfiguration",
                            "payload": {"key": ["SecurityProfile"]}})
                    assert answer.status_code == 200, answer.text
                    assert answer.json()["result"]["configurationKey"][0]["value"] == "2"
            # Plain HTTP is not served next to TLS.
            with pytest.raises(httpx.HTTPError):
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                             timeout=10) as plain:
                    await plain.get("/api/v1/poles")
