"""CPU per OCPP message, by kind, through a real `PoleHandler` of a running service.

A reconnect storm is about 35 messages per pole in its first minute, and one process
answers only so many a second (issue 20); this measures what each kind costs on its own,
without sockets or load generators, so a change to the per-message path shows up even on a
busy machine: CPU time (`time.process_time`, every thread of this process: the event loop
and the storage writer) and the event loop's own (`time.thread_time`), per message.

A service is started on a SQLite file (`start_service`, as `paalwerk service` builds it:
its store, its card authority, its event sink with the live hub and the OCPI pushers); its
`pole_handler` class gets ``--poles`` poles whose connection only keeps what is sent. Each
phase hands every pole its share of ``--frames`` frames of one kind (BootNotification,
StatusNotification, StartTransaction, MeterValues with 7 sampled values, Heartbeat,
StopTransaction), the poles concurrently and each one call at a time, as real poles do;
the phase ends once every answer is out and every write (the message log included) is
committed. ``--repeat`` rounds; the lowest figure of each kind is printed beside the median.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ocpp_message_cost.py [--frames 3000]
        [--poles 100] [--repeat 3] [--profile file.prof] [--kinds MeterValues,...]

``--kinds`` measures only those kinds (a profile of one kind's path); the poles boot once,
unmeasured, when BootNotification is not among them, and MeterValues without a
StartTransaction before them carry no transaction id.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pole_link.timeutil import format_time
from service.ocpp.pole_handler import CsmsSettings, PoleHandler
from service.server import RunningService, start_service

KINDS = ("BootNotification", "StatusNotification", "StartTransaction", "MeterValues",
         "Heartbeat", "StopTransaction")
T0 = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
"""The service's and the poles' clock start here, whatever today is."""


class PhaseClock:
    """The service's clock: one moment per phase; the poles' timestamps are milliseconds
    before it (distinct, and no clock found off, so no TriggerMessage goes out)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class KeptConnection:
    """A pole's connection that keeps the last frame sent to it (the answers)."""

    def __init__(self) -> None:
        self.sent = 0
        self.errors = 0

    async def recv(self) -> str:
        await asyncio.Event().wait()  # never: frames are handed to route_message directly
        raise AssertionError

    async def send(self, text: str) -> None:
        self.sent += 1
        if text.startswith("[4"):
            self.errors += 1


def sampled_values(energy: int) -> list[dict[str, str]]:
    """The 7 values a three-phase pole samples: energy, current and voltage per phase."""
    values = [{"value": str(energy), "measurand": "Energy.Active.Import.Register",
               "unit": "Wh", "context": "Sample.Periodic", "location": "Outlet"}]
    values += [{"value": "16.0", "measurand": "Current.Import", "phase": phase, "unit": "A",
                "context": "Sample.Periodic", "location": "Outlet"}
               for phase in ("L1", "L2", "L3")]
    values += [{"value": "231", "measurand": "Voltage", "phase": f"{phase}-N", "unit": "V",
                "context": "Sample.Periodic", "location": "Outlet"}
               for phase in ("L1", "L2", "L3")]
    return values


class Fleet:
    """``poles`` handlers of one service, and the frames each kind sends them."""

    def __init__(self, running: RunningService, poles: int, clock: PhaseClock) -> None:
        s = running.services
        self.running = running
        self.clock = clock
        self.connections = [KeptConnection() for _ in range(poles)]
        self.handlers: list[PoleHandler] = [
            s.pole_handler(f"MC-{n:05d}", connection, s.store, s.settings, clock=clock,
                           events=s.pole_events, authority=s.authority, budget=s.budget)
            for n, connection in enumerate(self.connections)]
        self.transactions: dict[tuple[int, int], int] = {}
        """(pole, n) → the transaction id its StartTransaction was given."""
        self.round = 0

    def frames(self, kind: str, per_pole: int) -> list[list[str]]:
        """Each pole's frames of ``kind`` (unique ids, distinct timestamps)."""
        self.clock.now += timedelta(hours=1)
        base = self.clock.now - timedelta(milliseconds=per_pole)
        out: list[list[str]] = []
        for p in range(len(self.handlers)):
            texts = []
            for n in range(per_pole):
                at = format_time(base + timedelta(milliseconds=n))
                payload: dict[str, Any]
                if kind == "BootNotification":
                    payload = {"chargePointVendor": "Paalwerk", "chargePointModel": "PW-2",
                               "chargePointSerialNumber": f"SN{p:05d}",
                               "firmwareVersion": "2.4.1"}
                elif kind == "StatusNotification":
                    payload = {"connectorId": 1 + n % 2, "errorCode": "NoError",
                               "status": ("Available", "Preparing", "Charging")[n % 3],
                               "timestamp": at}
                elif kind == "StartTransaction":
                    payload = {"connectorId": 1 + n % 2, "idTag": f"CARD-{p}",
                               "meterStart": 1000 * n, "timestamp": at}
                elif kind == "MeterValues":
                    payload = {"connectorId": 1, "meterValue": [
                        {"timestamp": at, "sampledValue": sampled_values(1000 * n)}]}
                    transaction = self.transactions.get((p, n))
                    if transaction is not None:
                        payload["transactionId"] = transaction
                elif kind == "Heartbeat":
                    payload = {}
                else:
                    payload = {"transactionId": self.transactions.get((p, n), 0),
                               "meterStop": 1000 * n + 500, "timestamp": at,
                               "reason": "Local"}
                texts.append(json.dumps([2, f"{kind[:4]}-{self.round}-{n}", kind, payload],
                                        separators=(",", ":")))
            out.append(texts)
        return out

    async def send(self, kind: str, frames: list[list[str]]) -> None:
        async def pole(p: int) -> None:
            handler = self.handlers[p]
            for text in frames[p]:
                await handler.route_message(text)
        await asyncio.gather(*(pole(p) for p in range(len(self.handlers))))
        for _ in range(5):  # the answers' own log writes are queued by now
            await asyncio.sleep(0)
        await self.running.services.async_repository.writer.submit([])  # all committed
        if kind == "StartTransaction":
            self._learn_transactions(len(frames[0]))

    def _learn_transactions(self, per_pole: int) -> None:
        """The ids the Starts were given, from the storage (for MeterValues and Stops)."""
        repository = self.running.services.repository
        self.transactions.clear()
        for p, handler in enumerate(self.handlers):
            running = repository.running_transactions(handler.id)
            for n, transaction in enumerate(running[-per_pole:]):
                assert transaction.id is not None
                self.transactions[(p, n)] = transaction.id


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


async def measure(args: argparse.Namespace, directory: Path) -> dict[str, list[float]]:
    settings = CsmsSettings(deploy_capacity_profile=False, push_local_lists=False)
    clock = PhaseClock()
    running = await start_service(f"sqlite:///{directory / 'csms.sqlite'}", clock=clock,
                                  settings=settings, token_file=directory / "tokens")
    results: dict[str, list[float]] = {kind: [] for kind in KINDS}
    loop_results: dict[str, list[float]] = {kind: [] for kind in KINDS}
    profiler = cProfile.Profile() if args.profile else None
    try:
        fleet = Fleet(running, args.poles, clock)
        per_pole = max(1, args.frames // args.poles)
        count = per_pole * args.poles
        if "BootNotification" not in args.kinds:  # known poles, unmeasured
            await fleet.send("BootNotification", fleet.frames("BootNotification", 1))
        for round_ in range(args.repeat):
            fleet.round = round_
            for kind in args.kinds:
                frames = fleet.frames(kind, per_pole)
                gc.collect()
                sent_before = sum(c.sent for c in fleet.connections)
                cpu, loop_cpu = time.process_time(), time.thread_time()
                if profiler is not None:
                    profiler.enable()
                await fleet.send(kind, frames)
                if profiler is not None:
                    profiler.disable()
                cpu, loop_cpu = time.process_time() - cpu, time.thread_time() - loop_cpu
                answered = sum(c.sent for c in fleet.connections) - sent_before
                errors = sum(c.errors for c in fleet.connections)
                if answered != count or errors:
                    raise SystemExit(f"{kind}: {answered} answers of {count}, "
                                     f"{errors} CALLERRORs so far")
                results[kind].append(cpu / count * 1e6)
                loop_results[kind].append(loop_cpu / count * 1e6)
            print(f"round {round_ + 1}: " + ", ".join(
                f"{kind} {results[kind][-1]:.0f}" for kind in args.kinds) + f" µs ({load()})",
                flush=True)
    finally:
        await running.stop()
    if profiler is not None:
        profiler.dump_stats(args.profile)
    return {**results, **{f"loop:{kind}": values for kind, values in loop_results.items()}}


def report(results: dict[str, list[float]], frames: int) -> None:
    row: Callable[[str, str, str, str], str] = "{:<20} {:>16} {:>16} {:>18}".format
    print(row("kind", "CPU µs/msg min", "median", "event loop µs min"))
    measured = [kind for kind in KINDS if results[kind]]
    for kind in measured:
        print(row(kind, f"{min(results[kind]):.0f}", f"{statistics.median(results[kind]):.0f}",
                  f"{min(results['loop:' + kind]):.0f}"))
    if len(measured) < len(KINDS):
        return
    mix = {"BootNotification": 1, "StatusNotification": 3, "StartTransaction": 1,
           "MeterValues": 26, "Heartbeat": 2, "StopTransaction": 1}
    weighted = sum(min(results[k]) * n for k, n in mix.items()) / sum(mix.values())
    print(f"storm mix (boot, 3 statuses, start, 26 meter values, 2 heartbeats, stop): "
          f"{weighted:.0f} µs/msg ({frames} frames a kind a round; {load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=3000, help="frames of each kind a round")
    parser.add_argument("--poles", type=int, default=100, help="poles sending at once")
    parser.add_argument("--repeat", type=int, default=3, help="rounds")
    parser.add_argument("--profile", help="write a cProfile of the phases to this file")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help="comma-separated kinds to measure (default: all, in order)")
    args = parser.parse_args()
    args.kinds = [kind for kind in KINDS if kind in args.kinds.split(",")]
    print(f"{args.frames} frames of each kind from {args.poles} poles, {args.repeat} rounds "
          f"({load()})", flush=True)
    with tempfile.TemporaryDirectory(prefix="ocpp-message-cost-") as directory:
        results = asyncio.run(measure(args, Path(directory)))
    report(results, args.frames)


if __name__ == "__main__":
    main()
