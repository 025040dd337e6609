"""Service tokens (eis 69): what checking one costs a pole, and an ``Auth`` round trip
over the virtual pole's service port on a real pseudo-terminal.

A real pole's controller is far slower than a laptop; the verify figure shows the budget
is tiny (one Ed25519 verification and a JSON parse), so a pole can afford to check every
``Auth`` and the lockout is about guessing, not load.

    .venv/bin/python benchmarks/service_token_auth.py [--tokens 2000] [--auths 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pole_link.protocol.connection import FramedConnection
from pole_link.service_tokens import Claims, issue, public_key_text, verify
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.serial import SerialLink


def token(key: Ed25519PrivateKey, start: int, jti: str) -> str:
    return issue(key, Claims("paalwerk", "bench", "technician", ("PW-0001",), start,
                             start + 3600, jti))


def bench_verify(count: int) -> None:
    key = Ed25519PrivateKey.generate()
    clock = SimClock()
    now = clock.now()
    start = int(now.timestamp())
    tokens = [token(key, start, f"t{i}") for i in range(count)]
    began = time.perf_counter()
    for text in tokens:
        verify(text, [key.public_key()], "PW-0001", now)
    per = (time.perf_counter() - began) / count
    print(f"verify: {per * 1e6:.0f} µs per token ({count} tokens)")
    began = time.perf_counter()
    for i in range(count):
        token(key, start, f"s{i}")
    print(f"issue:  {(time.perf_counter() - began) / count * 1e6:.0f} µs per token")


async def bench_auth(count: int) -> None:
    key = Ed25519PrivateKey.generate()
    pole = VirtualPole("PW-0001", clock=SimClock())
    pole.service_access.change(public_key_text(key.public_key()))
    port = PtyPort()
    end = ServicePortEnd(pole, FramedConnection(port))
    serving = asyncio.create_task(end.serve())
    text = token(key, int((pole.clock.now() - timedelta(seconds=1)).timestamp()), "auth")
    times: list[float] = []
    try:
        async with PoleSession(SerialLink(port.path)) as session:
            for _ in range(count):
                began = time.perf_counter()
                await session.authenticate(text)
                times.append(time.perf_counter() - began)
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await port.close()
    times.sort()
    print(f"Auth over the pty: median {statistics.median(times) * 1e3:.2f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1e3:.2f} ms ({count} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--auths", type=int, default=200)
    args = parser.parse_args()
    bench_verify(args.tokens)
    asyncio.run(bench_auth(args.auths))


if __name__ == "__main__":
    main()
