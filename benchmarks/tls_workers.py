"""TLS with ``--workers``: how many pole logins (TLS handshake, Basic password, OCPP upgrade)
and fresh https API requests per second one and two service processes take.

Each run starts the real command, ``paalwerk service --workers N --tls-cert … --tls-key …``
(N = 1 runs the same command without ``--workers``), on a PostgreSQL schema of its own,
with a certificate from a CA made here. ``--poles`` poles are registered at security
profile 2; then ``--clients`` concurrent clients log in as them ``--rounds`` times each
(connect, upgrade, close) and make as many https requests, each on a new connection.

    PAALWERK_TEST_PG=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/tls_workers.py [--workers 1 2] [--clients 20] [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import signal
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.security.ca import init_ca  # noqa: E402
from tests.service.security_support import server_certificate, trusting  # noqa: E402
from tests.support import postgres_schema  # noqa: E402

PASSWORD = "benchmark-password-0123456789"


async def run(workers: int, clients: int, rounds: int, poles: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, postgres_schema() as db_url:
        directory = Path(tmp)
        ca = init_ca(directory / "ca", _now())
        cert, key = server_certificate(ca, directory / "tls")
        command = [sys.executable, "-m", "paalwerk", "service", "--db", db_url, "--port", "0",
                   "--token-file", str(directory / "tokens.json"), "--tls-cert", str(cert),
                   "--tls-key", str(key), "--ca-dir", str(directory / "ca")]
        if workers > 1:
            command += ["--workers", str(workers)]
        else:  # one process picks no free port by itself: take one first
            command[command.index("0")] = str(_free_port())
        started = time.perf_counter()
        service = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            cwd=REPO, env=dict(os.environ, XDG_CONFIG_HOME=str(directory / "config")))
        assert service.stdout is not None
        try:
            token = (await service.stdout.readline()).decode().rsplit(" ", 1)[-1].strip()
            serving = (await service.stdout.readline()).decode()
            ready_s = time.perf_counter() - started
            port = int(serving.split("wss://127.0.0.1:", 1)[1].split("/", 1)[0])
            verify = trusting(ca.certificate_pem())
            base = f"https://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=base, verify=verify, headers=headers,
                                         timeout=60) as api:
                for n in range(poles):
                    await api.post("/api/v1/poles", json={
                        "id": f"BT-{n:04d}", "securityProfile": 2,
                        "basicAuthPassword": PASSWORD})
            logins = await _measure(clients, rounds, lambda c, r: _login(
                f"wss://127.0.0.1:{port}/ocpp", f"BT-{(c * rounds + r) % poles:04d}", verify))
            requests = await _measure(clients, rounds, lambda c, r: _request(
                base, headers, verify))
        finally:
            service.send_signal(signal.SIGTERM)
            await service.wait()
    print(f"workers={workers}: serving after {ready_s:.1f} s")
    for name, (rate, times) in (("pole logins (TLS+Basic+upgrade)", logins),
                                ("https API requests, new connection each", requests)):
        print(f"  {name}: {rate:.0f}/s; median {statistics.median(times) * 1000:.0f} ms, "
              f"p95 {_p95(times) * 1000:.0f} ms over {len(times)}")


async def _measure(clients: int, rounds: int, one: Callable[[int, int], Awaitable[None]]
                   ) -> tuple[float, list[float]]:
    times: list[float] = []

    async def client(c: int) -> None:
        for r in range(rounds):
            began = time.perf_counter()
            await one(c, r)
            times.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(clients)))
    return len(times) / (time.perf_counter() - began), times


async def _login(url: str, pole_id: str, verify: ssl.SSLContext) -> None:
    basic = base64.b64encode(f"{pole_id}:{PASSWORD}".encode()).decode()
    async with connect(f"{url}/{pole_id}", subprotocols=[Subprotocol("ocpp1.6")],
                       additional_headers={"Authorization": f"Basic {basic}"},
                       ssl=verify, open_timeout=60):
        pass


async def _request(base: str, headers: dict[str, str], verify: ssl.SSLContext) -> None:
    async with httpx.AsyncClient(base_url=base, verify=verify, headers=headers,
                                 timeout=60) as client:
        answer = await client.get("/api/v1/poles")
        answer.raise_for_status()


def _p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95) - 1]


def _now() -> datetime:
    """TLS checks certificates against the real clock: they are made valid around it."""
    return datetime.now(UTC)


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--poles", type=int, default=50)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    for workers in args.workers:
        asyncio.run(run(workers, args.clients, args.rounds, args.poles))


if __name__ == "__main__":
    main()
