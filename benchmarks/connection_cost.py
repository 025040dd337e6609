"""What one pole's connection costs the server in CPU, apart from its messages (issue 20).

A reconnect storm is, per pole, a TCP accept, an HTTP upgrade, one BootNotification and,
sooner or later, a close. `ocpp_message_cost.py` prices the messages; this prices the
connection around them, for our service and for the `ocpp` library's plain example
(`plain_central_system.py`, `websockets.serve`), each in a process of its own, started in
the same run. A child process (raw sockets, so it costs the servers nothing extra) opens
N connections with the ``ocpp1.6`` subprotocol, then, in the "boot" rounds, sends one
BootNotification on each and waits for every answer, then closes them all. After each
phase the server is left until its CPU clock stops moving (`_settled`), and the phase's
CPU seconds are read from ``/proc/<pid>/stat`` (the whole process: event loop, storage
writer, everything) and ``/proc/<pid>/task/<pid>/stat`` (the main thread: the event loop),
less what the idle server burns in the same time (measured before the rounds). CPU time,
not wall time, so a figure stays usable on a shared machine. Run:

    PYTHONPATH=$PWD .venv/bin/python benchmarks/connection_cost.py --poles 2000 --rounds 3

Ours runs on SQLite in a temporary directory, on the loop ``paalwerk service`` runs
(`service.event_loop`), with the capacity profile off (``--deploy`` turns it on) and its
boot-time calls unpaced (a pole answers each with a CALLERROR at once), so the boot phase
holds what a boot sets off and nothing waits past the phase. A first round, not counted,
registers the poles: the measured rounds are known poles reconnecting, as in a storm.
Admission lets all N in at once (``boots_in_flight`` = N, not paced by the calls in hand:
``calls_in_flight`` = 0): the gate's bookkeeping is measured, not its queue. Printed per
connection, in µs of CPU: handshake (accept, upgrade, per-connection objects), boot (one
BootNotification and what it sets off) and close (the close handshake and what the server
does when a pole leaves), for "open, close" rounds and "open, boot, close" rounds, each
round's figure, then min / median / max.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.csms_load import raise_nofile, take_upgrade_head

CLK_TCK = os.sysconf("SC_CLK_TCK")
PHASES = ("handshake", "boot", "close")
BOOT = json.dumps([2, "b", "BootNotification",
                   {"chargePointVendor": "Cost", "chargePointModel": "Connection"}])


# ----------------------------------------------------------------------------- servers
def _server_main(kind: str, poles: int, deploy: bool, ready: Any, stop: Any) -> None:
    raise_nofile()
    if kind == "plain":
        asyncio.run(_serve_plain(ready, stop))
        return
    import logging
    # The poles answer the service-token keys' GetConfiguration with a CALLERROR; the
    # warning each boot then logs is the benchmark's doing, not a storm's.
    logging.getLogger("service.security.service_tokens").setLevel(logging.ERROR)
    from service import event_loop
    event_loop.run(_serve_ours(poles, deploy, ready, stop))


async def _serve_plain(ready: Any, stop: Any) -> None:
    from benchmarks.plain_central_system import serve
    from service.listen_queue import LISTEN_BACKLOG
    server = await serve(backlog=LISTEN_BACKLOG)
    ready.put((os.getpid(), server.sockets[0].getsockname()[1], "/"))
    await asyncio.to_thread(stop.wait)
    server.close()


async def _serve_ours(poles: int, deploy: bool, ready: Any, stop: Any) -> None:
    from service.event_loop import choose, describe
    from service.ocpp.pole_handler import CsmsSettings
    from service.server import start_service
    settings = CsmsSettings(deploy_capacity_profile=deploy, boots_in_flight=max(poles, 1),
                            calls_in_flight=0, server_calls_per_s=1e6, boots_first_s=0)
    with tempfile.TemporaryDirectory() as tmp:
        running = await start_service(f"sqlite:///{tmp}/cost.sqlite", settings=settings,
                                      token_file=Path(tmp) / "tokens")
        print(f"ours: {describe(asyncio.get_running_loop(), choose().http)}", flush=True)
        ready.put((os.getpid(), running.port, "/ocpp/"))
        await asyncio.to_thread(stop.wait)
        await running.stop()
        running.repository.engine.dispose()


def _cpu_s(pid: int, tid: int | None = None) -> float:
    """utime + stime of the process (or of one of its threads), in seconds."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Clocks:
    """A server's CPU clocks: the whole process and its event loop's thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.idle_rate = (0.0, 0.0)
        """CPU seconds per second the server spends with nobody connected."""

    def read(self) -> tuple[float, float]:
        return _cpu_s(self.pid), _cpu_s(self.pid, self.pid)

    def settled(self, quiet_s: float = 0.6, limit_s: float = 60.0) -> tuple[float, float]:
        """Wait until the process's clock moves at most one tick in ``quiet_s`` (its work
        for the phase is done), then read it."""
        last = self.read()
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            time.sleep(quiet_s)
            now = self.read()
            if now[0] - last[0] <= 1.0 / CLK_TCK + 1e-9:
                return now
            last = now
        return last

    def measure_idle(self, seconds: float = 3.0) -> None:
        before, start = self.settled(), time.monotonic()
        time.sleep(seconds)
        after = self.read()
        spent = time.monotonic() - start
        self.idle_rate = ((after[0] - before[0]) / spent, (after[1] - before[1]) / spent)


# ----------------------------------------------------------------------------- poles
class Pole(asyncio.Protocol):
    """One pole, raw: the upgrade, a BootNotification, answers to the server's calls (a
    CALLERROR, at once), the close handshake."""

    def __init__(self, request: bytes) -> None:
        self.inflate = zlib.decompressobj(-15)  # used only if the server compresses
        loop = asyncio.get_running_loop()
        self.request = request
        self.upgraded: asyncio.Future[None] = loop.create_future()
        self.booted: asyncio.Future[None] = loop.create_future()
        self.gone: asyncio.Future[None] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError(f"lost during the upgrade: {exc}"))
        self.booted.cancel()  # (if not answered by now, never)
        if not self.gone.done():
            self.gone.set_result(None)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded.done():
            head = take_upgrade_head(self.buffer)
            if head is None:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self.upgraded.set_exception(ConnectionError(head.split(b"\r\n")[0].decode()))
                return
            self.upgraded.set_result(None)
        while len(self.buffer) >= 2:
            first, opcode, length = self.buffer[0], self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
            start = 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, start = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, start = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start:start + length])
            del self.buffer[:start + length]
            if opcode == 1:
                if first & 0x40:  # RSV1: permessage-deflate (``--deflate``)
                    payload = self.inflate.decompress(payload + b"\0\0\xff\xff")
                self._message(json.loads(payload))

    def _message(self, message: list[Any]) -> None:
        if message[0] == 3 and message[1] == "b" and not self.booted.done():
            self.booted.set_result(None)
        elif message[0] == 2:
            self.send(json.dumps([4, message[1], "NotSupported", "", {}]))

    def send(self, text: str, opcode: int = 1) -> None:
        data = text.encode()
        n = len(data)
        header = bytes((0x80 | opcode, 0x80 | n)) if n < 126 else (
            bytes((0x80 | opcode, 0xFE)) + n.to_bytes(2, "big"))
        assert self.transport is not None
        self.transport.write(header + b"\0\0\0\0" + data)  # an all-zero mask

    def close(self) -> None:
        assert self.transport is not None
        self.transport.write(bytes((0x88, 0x82)) + b"\0\0\0\0" + (1000).to_bytes(2, "big"))


async def _open(host: str, port: int, path: str, poles: int, in_flight: int,
                deflate: bool) -> list[Pole]:
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(in_flight)

    async def one(index: int) -> Pole:
        request = (f"GET {path}CC-{index:05d} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
                   + ("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                      if deflate else "") + "\r\n").encode()
        async with gate:
            _, pole = await loop.create_connection(lambda: Pole(request), host, port)
            await pole.upgraded
        return pole

    return list(await asyncio.gather(*(one(i) for i in range(poles))))


def _poles_main(host: str, orders: Any, done: Any, in_flight: int, deflate: bool) -> None:
    """The child process: ``("open", port, path, n)`` opens n poles, ``("boot",)`` sends
    each a BootNotification and waits for every answer, ``("close",)`` closes them all and
    waits for the server's end of each."""
    raise_nofile()

    async def main() -> None:
        poles: list[Pole] = []
        while True:
            order = await asyncio.to_thread(orders.get)
            if order[0] == "open":
                _, port, path, count = order
                poles = await _open(host, port, path, count, in_flight, deflate)
            elif order[0] == "boot":
                for pole in poles:
                    pole.send(BOOT)
                await asyncio.gather(*(pole.booted for pole in poles))
            elif order[0] == "close":
                for pole in poles:
                    pole.close()
                await asyncio.gather(*(pole.gone for pole in poles))
                poles = []
            else:
                return
            done.put(len(poles))

    asyncio.run(main())


# ----------------------------------------------------------------------------- the run
def _round(clocks: Clocks, port: int, path: str, poles: int, boot: bool,
           orders: Any, done: Any) -> dict[str, tuple[float, float]]:
    """One open (boot) close round: per phase, (process, event loop) CPU µs per pole."""
    spent: dict[str, tuple[float, float]] = {}
    steps: list[tuple[str, tuple[Any, ...]]] = [("handshake", ("open", port, path, poles))]
    if boot:
        steps.append(("boot", ("boot",)))
    steps.append(("close", ("close",)))
    before, at = clocks.settled(), time.monotonic()
    for phase, order in steps:
        orders.put(order)
        done.get()
        after = clocks.settled()
        elapsed = time.monotonic() - at
        whole, loop = ((after[i] - before[i] - clocks.idle_rate[i] * elapsed) * 1e6 / poles
                       for i in range(2))
        spent[phase] = (whole, loop)
        before, at = after, time.monotonic()
    return spent


def _spread(values: list[float]) -> str:
    return (f"{min(values):7.0f} {statistics.median(values):7.0f} {max(values):7.0f}"
            if values else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", choices=("both", "ours", "plain"), default="both")
    parser.add_argument("--deploy", action="store_true",
                        help="ours deploys the capacity profile at boot (off by default)")
    parser.add_argument("--deflate", action="store_true",
                        help="the poles offer permessage-deflate (as the ocpp library's do)")
    parser.add_argument("--in-flight", type=int, default=500,
                        help="handshakes the poles have under way at once")
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    kinds = ["ours", "plain"] if args.servers == "both" else [args.servers]
    stops, servers, where = {}, {}, {}
    for kind in kinds:
        ready, stop = ctx.Queue(), ctx.Event()
        process = ctx.Process(target=_server_main,
                              args=(kind, args.poles, args.deploy, ready, stop))
        process.start()
        stops[kind], servers[kind] = stop, process
        where[kind] = ready.get(timeout=120)
    orders, done = ctx.Queue(), ctx.Queue()
    child = ctx.Process(target=_poles_main, args=("127.0.0.1", orders, done, args.in_flight,
                                                   args.deflate))
    child.start()
    clocks = {kind: Clocks(where[kind][0]) for kind in kinds}
    results: dict[tuple[str, bool], list[dict[str, tuple[float, float]]]] = {}
    try:
        print(f"load average at start: {Path('/proc/loadavg').read_text().strip()}")
        for kind in kinds:
            _, port, path = where[kind]
            for boot in (True, False):  # not counted: the poles registered, code warmed
                _round(clocks[kind], port, path, args.poles, boot, orders, done)
            clocks[kind].measure_idle()
            rate = clocks[kind].idle_rate
            print(f"{kind}: idle {rate[0] * 1e3:.1f} ms/s (event loop {rate[1] * 1e3:.1f})")
        for number in range(args.rounds):
            for boot in (False, True):
                for kind in kinds:  # alternating, so the machine's moods hit both
                    _, port, path = where[kind]
                    spent = _round(clocks[kind], port, path, args.poles, boot, orders, done)
                    results.setdefault((kind, boot), []).append(spent)
                    steps = "open, boot, close" if boot else "open, close"
                    figures = "  ".join(f"{phase} {us[0]:5.0f} µs (loop {us[1]:5.0f})"
                                        for phase, us in spent.items())
                    print(f"round {number + 1} {kind:5} {steps:17} {figures}", flush=True)
        print(f"load average at end: {Path('/proc/loadavg').read_text().strip()}")
        print(f"\nserver CPU per connection, µs, {args.poles} poles, {args.rounds} rounds: "
              "min median max (whole process | event loop thread)")
        for (kind, boot), rounds in sorted(results.items()):
            for phase in PHASES:
                whole = [r[phase][0] for r in rounds if phase in r]
                loop = [r[phase][1] for r in rounds if phase in r]
                if whole:
                    print(f"{kind:5} {'boot rounds' if boot else 'no boot':11} {phase:9} "
                          f"{_spread(whole)} | {_spread(loop)}")
    finally:
        orders.put(("quit",))
        child.join(30)
        for kind in kinds:
            stops[kind].set()
            servers[kind].join(60)


if __name__ == "__main__":
    main()
