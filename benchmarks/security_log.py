"""GetLog and certificate round trips of the OCPP 1.6 security extension (issue 16).

    a virtual pole with N security events: GetLog SecurityLog answer time, time until the
    file is uploaded and reported Uploaded, file size; GetInstalledCertificateIds of a
    full store (20 roots per type) and ExtendedTriggerMessage (a plain command, for
    comparison) through the operator API

The service runs in this process (``start_service`` on a fresh SQLite file, or ``--db``)
and one virtual pole with its real OCPP client connects to it over 127.0.0.1, as the
tests do; everything goes through the typed `ServiceClient`. Timings are wall clock,
median of ``--rounds``.

    .venv/bin/python benchmarks/security_log.py [--events 10000] [--rounds 5] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pole_link.firmware.signing import make_root, pem_of
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.sim.certificate_store import MAX_CERTIFICATES
from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from service.api.tokens import ensure_admin_token
from service.server import start_service

POLE = "PW-0001"


async def main(events: int, rounds: int, db: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-seclog-") as scratch:
        directory = Path(scratch)
        token_file = directory / "tokens.json"
        token = ensure_admin_token(token_file)
        assert token is not None
        service = await start_service(db or f"sqlite:///{directory / 'csms.sqlite'}",
                                      token_file=token_file, files_dir=directory / "files")
        pole = VirtualPole(POLE, clock=SimClock(datetime.now(UTC)))
        for number in range(events):
            pole.security_log.append((pole.clock.now(), "InvalidMessages",
                                      f"benchmark event {number}"))
        now = datetime.now(UTC)
        for kind in ("ManufacturerRootCertificate", "CentralSystemRootCertificate"):
            for number in range(MAX_CERTIFICATES):
                assert pole.certificates.install(
                    kind, pem_of(make_root(f"{kind} {number}", now)[1])) == "Accepted"
        outbox = Outbox(directory / "outbox.sqlite")
        client = PoleOcppClient(pole, service.ocpp_url, outbox)
        tasks = [asyncio.create_task(client.run()), asyncio.create_task(pole.scheduler.run())]
        try:
            while True:  # connected, boot messages delivered
                if client.connected and not len(outbox):
                    break
                await asyncio.sleep(0.05)
            async with ServiceClient(ServiceEndpoint(
                    f"http://127.0.0.1:{service.port}", token)) as api:
                answers, uploads, listings, triggers = [], [], [], []
                size = 0
                for _ in range(rounds):
                    started = time.perf_counter()
                    request_id, _ = await api.request_log(POLE, "SecurityLog")
                    answered = time.perf_counter()
                    while True:
                        [log, *_] = await api.log_requests(POLE)
                        if log.request_id == request_id and log.status in (
                                "Uploaded", "UploadFailure"):
                            break
                        await asyncio.sleep(0.01)
                    uploads.append(time.perf_counter() - started)
                    answers.append(answered - started)
                    assert log.status == "Uploaded", log
                    size = len(await api.download_log(POLE, request_id))
                    started = time.perf_counter()
                    certificates = await api.installed_certificates(POLE)
                    listings.append(time.perf_counter() - started)
                    assert len(certificates) == 2 * MAX_CERTIFICATES
                    started = time.perf_counter()
                    assert await api.extended_trigger(POLE, "Heartbeat") == {
                        "status": "Accepted"}
                    triggers.append(time.perf_counter() - started)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            outbox.close()
            await service.stop()
    print(f"security log of {events} events: {size / 1024:.0f} KiB")
    print(f"GetLog answer (API request → pole's answer back): "
          f"median {statistics.median(answers) * 1000:.0f} ms")
    print(f"GetLog to Uploaded (API request → LogStatusNotification Uploaded stored): "
          f"median {statistics.median(uploads) * 1000:.0f} ms")
    print(f"ExtendedTriggerMessage Heartbeat through the API (a plain command, for "
          f"comparison): median {statistics.median(triggers) * 1000:.0f} ms")
    print(f"GetInstalledCertificateIds, both types ({2 * MAX_CERTIFICATES} roots) through "
          f"the API: median {statistics.median(listings) * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default=None)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.events, arguments.rounds, arguments.db))
