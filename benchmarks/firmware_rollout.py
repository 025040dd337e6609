"""Firmware rollout across a fleet: time to complete and the service's CPU (issue 14).

    rollout of 200 lightweight poles with concurrency 20: time to complete and service CPU

The service is its own process, as in the field: ``paalwerk service --trust ROOT.pem`` on
a fresh SQLite file (or ``--db postgresql://…``), started from this worktree. This
process makes a manufacturer root and a signed release, uploads it through the typed
`ServiceClient`, connects ``--poles`` lightweight poles and starts the rollout through
the API, then follows it on the operator live feed (``rollout``/``rolloutPole`` events)
until the service says ``finished``.

A lightweight pole is an ``ocpp`` library ``ChargePoint`` over one WebSocket: it boots
(BootNotification, StatusNotification per connector, a Heartbeat) and answers what the
service asks at a boot (the capacity profile, its check, GetConfiguration). On
UpdateFirmware it downloads the image over HTTP from the location the service gave,
reports Downloading → Downloaded → Installing → Installed, waits ``--install-s`` (flash
and reboot time), drops its connection and boots again with the new version: the
version it boots with is what the rollout runner counts as success.

Printed: poles, concurrency, image size; time to complete from the first pole's connect
to the finish, and the rollout's own part (start request → finished); per-pole time
(the service's time from sending UpdateFirmware to the confirming boot), median and p95;
the service process's CPU seconds (user + system from /proc/<pid>/stat, all its threads)
from just before the poles connect to the end, also as a share of one core; bytes the
service served to the poles. This process's own CPU is printed too: on a small machine
the poles compete with the service for the cores.

    .venv/bin/python benchmarks/firmware_rollout.py [--poles 200] [--concurrency 20]
        [--image-kb 4096] [--install-s 0] [--step-timeout-s 600] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import websockets  # noqa: E402
from ocpp.routing import after, on  # noqa: E402
from ocpp.v16 import ChargePoint, call, call_result  # noqa: E402
from ocpp.v16.enums import (  # noqa: E402
    Action,
    ChargePointErrorCode,
    ChargePointStatus,
    ChargingProfileStatus,
    ConfigurationStatus,
    FirmwareStatus,
    GetCompositeScheduleStatus,
    RegistrationStatus,
    TriggerMessageStatus,
)

from pole_link.firmware.package import build_package  # noqa: E402
from pole_link.firmware.signing import make_root, make_signing_cert, pem_of  # noqa: E402
from pole_link.service_api import (  # noqa: E402
    RolloutEvent,
    RolloutPoleEvent,
    RolloutRequest,
    ServiceClient,
    ServiceEndpoint,
)
from service.api.tokens import ensure_admin_token  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
MODEL = "PW-Light"
OLD, NEW = "1.9.0", "2.0.0"
CONNECTORS = (0, 1, 2)
START_TIMEOUT_S = 60.0
BOOT_TIMEOUT_S = 120.0


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Fleet:
    """What the poles share: the HTTP client they download with, and their tallies."""

    http: httpx.AsyncClient
    install_s: float
    size: int
    booted: int = 0
    all_booted: asyncio.Event = field(default_factory=asyncio.Event)
    bytes_downloaded: int = 0
    reboots: int = 0
    first_connect: float | None = None
    failures: list[str] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


class LightPole(ChargePoint):  # type: ignore[misc]
    """One lightweight pole's OCPP side: answers what the service asks, and updates."""

    def __init__(self, pole_id: str, connection: Any, fleet: Fleet) -> None:
        super().__init__(pole_id, connection)
        self.fleet = fleet
        self.reboot = asyncio.Event()

    @on(Action.update_firmware)
    def on_update_firmware(self, location: str, retrieve_date: str, **_: Any
                           ) -> call_result.UpdateFirmware:
        return call_result.UpdateFirmware()

    @after(Action.update_firmware)
    def after_update_firmware(self, location: str, retrieve_date: str, **_: Any) -> None:
        # The read loop must go on (the statuses' answers arrive through it): a task.
        self.fleet.spawn(self.update(location))

    async def update(self, location: str) -> None:
        try:
            await self.call(call.FirmwareStatusNotification(FirmwareStatus.downloading))
            size = 0
            async with self.fleet.http.stream("GET", location) as response:
                response.raise_for_status()
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
            self.fleet.bytes_downloaded += size
            for status in (FirmwareStatus.downloaded, FirmwareStatus.installing):
                await self.call(call.FirmwareStatusNotification(status))
            await asyncio.sleep(self.fleet.install_s)
            await self.call(call.FirmwareStatusNotification(FirmwareStatus.installed))
        except Exception as exc:  # a benchmark pole that breaks is counted, not hidden
            self.fleet.failures.append(f"{self.id}: update: {exc!r}")
            with contextlib.suppress(Exception):
                await self.call(call.FirmwareStatusNotification(FirmwareStatus.download_failed))
            return
        self.reboot.set()

    # What the service asks of a pole at each boot (capacity profile, its check, limits).
    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, **_: Any) -> call_result.SetChargingProfile:
        return call_result.SetChargingProfile(ChargingProfileStatus.accepted)

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(self, **_: Any) -> call_result.GetCompositeSchedule:
        return call_result.GetCompositeSchedule(GetCompositeScheduleStatus.rejected)

    @on(Action.get_configuration)
    def on_get_configuration(self, **_: Any) -> call_result.GetConfiguration:
        return call_result.GetConfiguration(configuration_key=[])

    @on(Action.change_configuration)
    def on_change_configuration(self, **_: Any) -> call_result.ChangeConfiguration:
        return call_result.ChangeConfiguration(ConfigurationStatus.accepted)

    @on(Action.trigger_message)
    def on_trigger_message(self, **_: Any) -> call_result.TriggerMessage:
        return call_result.TriggerMessage(TriggerMessageStatus.rejected)


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def run_pole(ocpp_url: str, pole_id: str, fleet: Fleet, stop: asyncio.Event) -> None:
    """Connect, boot, wait; after an install, reconnect and boot the new version."""
    version = OLD
    while not stop.is_set():
        if fleet.first_connect is None:
            fleet.first_connect = time.perf_counter()
        async with websockets.connect(f"{ocpp_url}/{pole_id}", subprotocols=["ocpp1.6"],
                                      ping_interval=None) as connection:
            pole = LightPole(pole_id, connection, fleet)
            reader = asyncio.create_task(pole.start())
            try:
                answer = await pole.call(call.BootNotification(
                    charge_point_model=MODEL, charge_point_vendor="Paalwerk bench",
                    firmware_version=version))
                if answer.status != RegistrationStatus.accepted:
                    raise RuntimeError(f"boot {answer.status}")
                for connector in CONNECTORS:
                    await pole.call(call.StatusNotification(
                        connector, ChargePointErrorCode.no_error, ChargePointStatus.available,
                        timestamp=_now()))
                await pole.call(call.Heartbeat())
                if version == OLD:
                    fleet.booted += 1
                    if fleet.booted == fleet.size:
                        fleet.all_booted.set()
                waiting = [asyncio.ensure_future(pole.reboot.wait()),
                           asyncio.ensure_future(stop.wait())]
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiting:
                    waiter.cancel()
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await reader
        if pole.reboot.is_set():
            fleet.reboots += 1
            version = NEW


# ------------------------------------------------------------------------- the service
@dataclass
class Service:
    process: asyncio.subprocess.Process
    url: str
    token: str
    log: Path
    drain: asyncio.Task[None] | None = None


async def start_service(tmp: Path, db: str) -> Service:
    """``paalwerk service`` of this worktree on a free port, trusting the root made here."""
    token = ensure_admin_token(tmp / "tokens.json")
    assert token is not None
    db_url = f"sqlite:///{tmp / 'csms.sqlite'}" if db == "sqlite" else db
    log = tmp / "service.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "paalwerk", "service", "--db", db_url, "--port", "0",
        "--token-file", str(tmp / "tokens.json"), "--files-dir", str(tmp / "files"),
        "--trust", str(tmp / "root.pem"), cwd=str(REPO), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=log.open("wb"))
    assert process.stdout is not None
    async with asyncio.timeout(START_TIMEOUT_S):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise RuntimeError(f"the service stopped: {log.read_text()[-2000:]}")
            found = re.search(r"Operator API: (http://[^/\s]+)/api/v1", line)
            if found:
                service = Service(process, found[1], token, log)
                service.drain = asyncio.create_task(_drain(process.stdout))
                return service


async def _drain(stdout: asyncio.StreamReader) -> None:
    """The rest of its output, read so that a full pipe never holds the service up."""
    while await stdout.readline():
        pass


async def stop_service(service: Service) -> None:
    if service.process.returncode is None:
        service.process.terminate()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(20):
                await service.process.wait()
    if service.process.returncode is None:
        service.process.kill()
        await service.process.wait()


# ------------------------------------------------------------------------- the run
async def main(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    root_key, root = make_root("Bench manufacturer root", now)
    key, cert = make_signing_cert(root_key, root, "Bench release signing", now)
    image = random.Random(14).randbytes(args.image_kb * 1024)
    package = build_package(image, version=NEW, models=(MODEL,), key=key, signing_cert=cert)
    with tempfile.TemporaryDirectory(prefix="rollout-bench-") as name:
        tmp = Path(name)
        (tmp / "root.pem").write_text(pem_of(root))
        service = await start_service(tmp, args.db)
        try:
            return await measure(args, service, package.to_bytes())
        finally:
            await stop_service(service)


async def measure(args: argparse.Namespace, service: Service, package: bytes) -> int:
    endpoint = ServiceEndpoint(service.url, service.token)
    ocpp_url = service.url.replace("http://", "ws://") + "/ocpp"
    pid = service.process.pid
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=args.concurrency)
    async with ServiceClient(endpoint) as client, \
            httpx.AsyncClient(limits=limits, timeout=120) as http:
        release = await client.upload_firmware_package(package)
        fleet = Fleet(http, args.install_s, args.poles)
        stop = asyncio.Event()
        cpu_before = proc_cpu_s(pid)
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        wall_before = time.perf_counter()
        poles = [asyncio.create_task(run_pole(ocpp_url, f"BENCH-{n:04d}", fleet, stop))
                 for n in range(1, args.poles + 1)]
        try:
            async with asyncio.timeout(BOOT_TIMEOUT_S):
                await fleet.all_booted.wait()
            booted_at = time.perf_counter()
            steps: list[RolloutPoleEvent] = []
            async with client.live() as feed:
                started_at = time.perf_counter()
                rollout = await client.create_rollout(RolloutRequest(
                    release.sha256, concurrency=args.concurrency, avoid_peak=False,
                    step_timeout_s=args.step_timeout_s))
                async with asyncio.timeout(args.timeout_s):
                    async for event in feed:
                        if isinstance(event, RolloutPoleEvent) and \
                                event.rollout_id == rollout.id:
                            steps.append(event)
                        elif isinstance(event, RolloutEvent) and \
                                event.rollout_id == rollout.id and event.state == "finished":
                            break
            finished_at = time.perf_counter()
            cpu_after = proc_cpu_s(pid)
            own_after = resource.getrusage(resource.RUSAGE_SELF)
            record = await client.rollout(rollout.id)
        finally:
            stop.set()
            await asyncio.gather(*poles, return_exceptions=True)
            for task in list(fleet.tasks):
                task.cancel()

    sending = {e.pole_id: e.at for e in steps if e.state == "sending"}
    installed = {e.pole_id: e.at for e in steps if e.state == "Installed"}
    failed = {e.pole_id: e.reason or "" for e in steps if e.state == "failed"}
    first = fleet.first_connect or wall_before
    total = finished_at - first
    per_pole = [(installed[p] - sending[p]).total_seconds() for p in installed if p in sending]
    cpu = cpu_after - cpu_before
    own = (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime
                                                       + own_before.ru_stime)
    wall = finished_at - wall_before
    print(f"poles {args.poles}, concurrency {args.concurrency}, image "
          f"{len(package) / 2**20:.2f} MiB package ({args.image_kb} KiB image), install "
          f"{args.install_s:g} s, step timeout {args.step_timeout_s} s, storage {args.db}")
    print(f"time to complete (first connect → finished): {total:.1f} s "
          f"[connect and boot {booted_at - first:.1f} s; rollout (start request → "
          f"finished) {finished_at - started_at:.1f} s]")
    if per_pole:
        print(f"per-pole time (UpdateFirmware sent → confirming boot, service clock): median "
              f"{statistics.median(per_pole):.2f} s, p95 {percentile(per_pole, 0.95):.2f} s, "
              f"max {max(per_pole):.2f} s")
    print_pacing(steps, per_pole, args.concurrency)
    print(f"service CPU: {cpu:.1f} s (user+sys, /proc/{pid}/stat) over {wall:.1f} s = "
          f"{100 * cpu / wall:.0f} % of one core; benchmark process (the poles) "
          f"{own:.1f} s = {100 * own / wall:.0f} %")
    print(f"bytes served to the poles: {fleet.bytes_downloaded / 2**20:.1f} MiB "
          f"({fleet.bytes_downloaded} B, {fleet.bytes_downloaded / 2**20 / max(wall, 1e-9):.1f}"
          f" MiB/s over the run)")
    print(f"outcome: rollout {record.state}, {dict(record.counts)}; reboots {fleet.reboots}; "
          f"failed {len(failed)}" + (f" e.g. {next(iter(failed.items()))}" if failed else ""))
    for failure in fleet.failures[:3]:
        print(f"  pole failure: {failure}")
    return 0 if record.state == "finished" and len(installed) == args.poles else 1


def print_pacing(steps: list[RolloutPoleEvent], per_pole: list[float], concurrency: int
                 ) -> None:
    """Where a pole's time goes, and how long a freed place stays empty (the runner's
    pacing), from the events' service times."""
    if not steps or not per_pole:
        return
    by_pole: dict[str, list[RolloutPoleEvent]] = {}
    for event in steps:
        by_pole.setdefault(event.pole_id, []).append(event)
    phases: dict[str, list[float]] = {}
    for events in by_pole.values():
        for before, now in itertools.pairwise(events):
            name = before.state + ("/reported Installed" if before.reported == "Installed"
                                   else "")
            phases.setdefault(f"{name} → {now.state}", []).append(
                (now.at - before.at).total_seconds())
    print("  per step (median ms): " + "; ".join(
        f"{name} {1000 * statistics.median(times):.0f}" for name, times in phases.items()
        if len(times) >= len(by_pole) // 2))
    ends = sorted(e.at for e in steps if e.state in ("Installed", "failed"))
    starts = sorted(e.at for e in steps if e.state == "sending")
    # The place the i-th pole to end frees is the one the (i + concurrency)-th start takes.
    refill = [(starts[i + concurrency] - end).total_seconds()
              for i, end in enumerate(ends) if i + concurrency < len(starts)]
    span = (max(ends) - min(starts)).total_seconds()
    fill = (starts[min(concurrency, len(starts)) - 1] - starts[0]).total_seconds()
    print(f"  the first {min(concurrency, len(starts))} places filled in {1000 * fill:.0f} ms"
          + (f"; a freed place is refilled after: median "
             f"{1000 * statistics.median(refill):.0f} ms, p95 "
             f"{1000 * percentile(refill, 0.95):.0f} ms" if refill else "")
          + f"; poles in flight on average {sum(per_pole) / span:.1f} of {concurrency}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--poles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--image-kb", type=int, default=4096,
                        help="the firmware image's size in KiB (default 4 MiB)")
    parser.add_argument("--install-s", type=float, default=0.0,
                        help="a pole's flash-and-reboot time after its download")
    parser.add_argument("--step-timeout-s", type=int, default=600,
                        help="the rollout's step timeout: a pole silent this long fails")
    parser.add_argument("--timeout-s", type=float, default=1800.0,
                        help="give up on the whole rollout after this long")
    parser.add_argument("--db", default="sqlite",
                        help="sqlite (a fresh file) or a postgresql:// URL")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
