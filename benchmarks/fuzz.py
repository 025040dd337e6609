"""The eis 69 fuzzing, run longer than CI can: the API from its OpenAPI (schemathesis), the
OCPP-J codec, and both OCPP routers (the pole's service port over a pty, the CSMS over a
WebSocket), with the same strategies and checks as the bounded tests. Prints cases/s per
part and every failure found (a failure is a finding: reproduce it with the test).

    .venv/bin/python benchmarks/fuzz.py [--api-examples 30] [--codec-examples 20000]
                                        [--router-examples 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from pole_link.protocol import messages
from pole_link.protocol.frames import FrameDecoder, encode_frame
from tests.conftest import serve_pole, stop_tasks
from tests.fuzz_strategies import messages as fuzz_messages
from tests.pole_link.test_codec_fuzz import _fuzz_csms, _fuzz_pole
from tests.service.test_api_fuzz import fuzz as fuzz_api
from tests.support import RawPort, running_service


def _report(part: str, cases: int, seconds: float, failures: dict[str, str]) -> None:
    print(f"{part:<28} {cases:>8} cases in {seconds:7.1f} s = {cases / seconds:9.0f} cases/s"
          f"   failures: {len(failures)}")
    for label, failure in failures.items():
        print(f"  FAILURE {label}:\n    " + failure.replace("\n", "\n    "))


def _timed(part: str, run: Callable[[], int]) -> None:
    failures: dict[str, str] = {}
    start = time.perf_counter()
    cases = 0
    try:
        cases = run()
    except Exception as error:  # a finding, printed rather than raised
        failures[part] = repr(error)[:3000]
    _report(part, cases, time.perf_counter() - start, failures)


def codec(examples: int) -> int:
    """Any body through the parser and, framed after garbage, through the decoder."""
    count = 0

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fuzz_messages)
    def run(body: bytes) -> None:
        nonlocal count
        count += 1
        with contextlib.suppress(messages.Unreadable, messages.Malformed):
            messages.parse(body)
        decoder = FrameDecoder()
        assert decoder.feed(body + b"\x00" + encode_frame(body))[-1:] == [body]

    run()
    return count


async def routers_and_api(api_examples: int, router_examples: int) -> None:
    served, tasks = await serve_pole()
    raw = await asyncio.to_thread(RawPort, served.path)
    try:
        start = time.perf_counter()
        failures: dict[str, str] = {}
        try:
            await asyncio.to_thread(_fuzz_pole, raw, router_examples)
        except Exception as error:
            failures["service port"] = repr(error)[:3000]
        _report("pole service port (pty)", router_examples, time.perf_counter() - start,
                failures)
    finally:
        raw.close()
        await stop_tasks(tasks)
        await served.port.close()
    with tempfile.TemporaryDirectory() as folder:
        async with running_service(Path(folder)) as api:
            start = time.perf_counter()
            failures = {}
            try:
                await asyncio.to_thread(_fuzz_csms, f"{api.service.ocpp_url}/FUZZ-0001",
                                        router_examples)
            except Exception as error:
                failures["CSMS pole handler"] = repr(error)[:3000]
            _report("CSMS pole handler (ws)", router_examples, time.perf_counter() - start,
                    failures)
            spec: dict[str, Any] = (await api.client.get("/openapi.json")).json()
            start = time.perf_counter()
            statuses, failures = await asyncio.to_thread(fuzz_api, api.url, api.token, spec,
                                                         api_examples, False)
            _report("API (schemathesis, HTTP)", sum(statuses.values()),
                    time.perf_counter() - start, failures)
            print(f"  API answers by class: {dict(sorted(statuses.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-examples", type=int, default=30,
                        help="per route and generation mode")
    parser.add_argument("--codec-examples", type=int, default=20_000)
    parser.add_argument("--router-examples", type=int, default=1_000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # dropped garbage is logged by design; keep figures readable
    _timed("codec (parse + frames)", lambda: codec(args.codec_examples))
    asyncio.run(routers_and_api(args.api_examples, args.router_examples))


if __name__ == "__main__":
    main()
