"""What one idle pole connection holds in the service (issue 20): a tracemalloc diff.

The service runs in this process under tracemalloc; a child process opens N booted idle
connections (plain `websockets` clients: BootNotification, then silence), the heap is
snapshotted, then N more, snapshotted again. The difference over N is what one more
connection costs, printed by source line (top 25) and in total, beside the process's RSS
growth. Run:

    PYTHONPATH=$PWD .venv/bin/python benchmarks/connection_memory.py --poles 500 [--no-deploy]
        [--compression] [--trim]

Beside the RSS it prints where the memory is, so RSS growth can be told from what the
connections hold: glibc's heap (``mallinfo2``: obtained from the kernel, in use, free in
its arenas), pymalloc's arenas (``sys._debugmallocstats``: allocated and the bytes in use
in them) and the process's threads (each may have a malloc arena of its own).
tracemalloc keeps a trace of every live block in the C heap (about 100 bytes each: a
million small objects cost 100 MB of RSS), and with it on pymalloc's statistics are not
available, so ``--no-trace`` leaves it off: RSS and its parts only, what the service holds
in production. ``--trim`` calls ``malloc_trim(0)`` (`service.memory_release`) before every
RSS reading, to show what the C allocator holds free; ``MALLOC_ARENA_MAX=2`` in the
environment limits glibc's arenas for comparison (`benchmarks.heap_parts` says what each
column is).

``--compression``: the poles offer permessage-deflate, as the `ocpp` library's (websockets')
clients and our virtual poles do by default; uvicorn accepts it with 4 KB windows both ways.
It also prints what deflate saves on the wire for a pole's typical day of messages.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing as mp
import os
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.heap_parts import heap_parts
from service import event_loop
from service.memory_release import RELEASE
from service.ocpp.pole_handler import CsmsSettings
from service.server import start_service


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _memory(trim: bool) -> dict[str, int]:
    """RSS and where it is, in KB (after ``malloc_trim(0)`` when ``trim``)."""
    if trim:
        RELEASE.trim_now()
    return heap_parts()


def _clients(url: str, first: int, count: int, ready: Any, stop: Any,
             compression: bool = False) -> None:
    """A child process: `count` poles booted and kept open until `stop`."""
    from websockets.asyncio.client import connect

    async def pole(index: int, opened: list[Any]) -> None:
        ws = await connect(f"{url}/MEM-{index:05d}",  # None: as the load benchmark
                           compression="deflate" if compression else None,
                           subprotocols=["ocpp1.6"])  # type: ignore[list-item]
        opened.append(ws)
        await ws.send(json.dumps([2, "b", "BootNotification",
                                  {"chargePointVendor": "Mem", "chargePointModel": "Idle"}]))
        while True:  # answer whatever the service asks, until the boot's answer is in
            message = json.loads(await ws.recv())
            if message[0] == 3 and message[1] == "b":
                break
            if message[0] == 2:
                await ws.send(json.dumps([4, message[1], "NotSupported", "", {}]))

        async def answer_calls() -> None:
            async for text in ws:
                message = json.loads(text)
                if message[0] == 2:
                    await ws.send(json.dumps([4, message[1], "NotSupported", "", {}]))
        opened.append(asyncio.ensure_future(answer_calls()))

    async def main() -> None:
        opened: list[Any] = []
        await asyncio.gather(*(pole(i, opened)
                               for i in range(first, first + count)))
        ready.put(len(opened))
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)

    asyncio.run(main())


async def _idle(services: Any) -> None:
    """Until the service's own boot-time calls are done."""
    for _ in range(600):
        await asyncio.sleep(0.5)
        if (services.follow_ups.waiting == 0 and services.follow_ups.running == 0
                and services.budget.waiting == 0):
            return


def wire_bytes() -> None:
    """A pole's day (boot, 3 statuses, a MeterValues every 15 min per socket with the
    tender's 7 sampled values, and their answers) as JSON text and as permessage-deflate
    frames payloads (context takeover, 4 KB window, memLevel 5: uvicorn's settings)."""
    import zlib
    messages = [json.dumps([2, "1", "BootNotification", {"chargePointVendor": "Paalwerk",
                                                         "chargePointModel": "PW2"}])]
    messages += [json.dumps([2, str(n), "StatusNotification",
                             {"connectorId": n, "errorCode": "NoError", "status": "Available",
                              "timestamp": "2026-12-05T06:00:00Z"}]) for n in range(3)]
    for quarter in range(96):
        for socket in (1, 2):
            values = [{"value": f"{123456 + quarter * 2500}", "measurand":
                       "Energy.Active.Import.Register", "unit": "Wh",
                       "context": "Sample.Clock"}]
            values += [{"value": f"{15.9 + 0.1 * (quarter % 3):.1f}",
                        "measurand": "Current.Import", "phase": phase, "unit": "A",
                        "context": "Sample.Clock"} for phase in ("L1", "L2", "L3")]
            values += [{"value": f"{229 + quarter % 4}", "measurand": "Voltage",
                        "phase": f"{phase}-N", "unit": "V", "context": "Sample.Clock"}
                       for phase in ("L1", "L2", "L3")]
            stamp = f"2026-12-05T{quarter // 4:02d}:{quarter % 4 * 15:02d}:00Z"
            messages.append(json.dumps([2, f"mv{quarter}-{socket}", "MeterValues", {
                "connectorId": socket, "transactionId": 7,
                "meterValue": [{"timestamp": stamp, "sampledValue": values}]}]))
            messages.append(json.dumps([3, f"mv{quarter}-{socket}", {}]))
    compressor = zlib.compressobj(6, zlib.DEFLATED, -12, 5)
    plain = sum(len(m.encode()) for m in messages)
    deflated = sum(len(compressor.compress(m.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH))
                   - 4 for m in messages)  # RFC 7692 drops the trailing 00 00 ff ff
    print(f"a pole's day, {len(messages)} messages: {plain / 1024:.1f} KB as text, "
          f"{deflated / 1024:.1f} KB deflated (payloads; frame headers add 2-8 B each)")


async def run(poles: int, deploy: bool, live_only: bool, compression: bool = False,
              trim: bool = False, trace: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        running = await start_service(f"sqlite:///{tmp}/csms.sqlite",
                                      token_file=Path(tmp) / "tokens",
                                      settings=CsmsSettings(deploy_capacity_profile=deploy))
        print(event_loop.describe(asyncio.get_running_loop(), event_loop.choose().http),
              flush=True)
        ctx = mp.get_context("spawn")
        ready, stop = ctx.Queue(), ctx.Event()
        if trace:
            tracemalloc.start(1)
        children = []
        snapshots = []
        rss = []
        memory = []
        for step in range(3):
            if step:
                child = ctx.Process(target=_clients, args=(running.ocpp_url, step * poles,
                                                           poles, ready, stop, compression))
                child.start()
                children.append(child)
                await asyncio.get_running_loop().run_in_executor(None, ready.get)
            await _idle(running.services)
            if live_only:  # what the service's gc policy froze and is garbage by now: out
                gc.unfreeze()
            gc.collect()
            if trace:
                snapshots.append(tracemalloc.take_snapshot())
            memory.append(_memory(trim))
            rss.append(memory[-1]["rss"])
        diff = snapshots[2].compare_to(snapshots[1], "lineno") if trace else []
        total = sum(stat.size_diff for stat in diff)
        print(f"{poles} more idle connections (deploy {'on' if deploy else 'off'}, "
              f"compression {'offered' if compression else 'off'}): "
              + (f"traced {total / poles / 1024:.1f} KB/connection, " if trace
                 else "not traced, ") +
              f"RSS {(rss[2] - rss[1]) / poles:.1f} KB/connection "
              f"(first {poles}: RSS {(rss[1] - rss[0]) / poles:.1f} KB/connection)")
        print(f"malloc_trim before each reading: {'yes' if trim else 'no'}; "
              f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', 'unset')}")
        print("KB            " + "".join(f"{key:>11}" for key in memory[0]))
        for label, row in zip(("started", f"{poles} poles", f"{2 * poles} poles"), memory,
                              strict=True):
            print(f"{label:<14}" + "".join(f"{value:>11,}" for value in row.values()))
        print("per connection" + "".join(
            f"{(memory[2][key] - memory[1][key]) / poles:>11.1f}" for key in memory[0]),
            "(second step)")
        for stat in diff[:25]:
            frame = stat.traceback[0]
            print(f"{stat.size_diff / poles:8.0f} B {stat.count_diff / poles:6.1f} obj  "
                  f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}")
        print("by file:")
        for stat in (snapshots[2].compare_to(snapshots[1], "filename")[:15] if trace
                     else []):
            name = stat.traceback[0].filename.split("site-packages/")[-1]
            print(f"{stat.size_diff / poles:8.0f} B {stat.count_diff / poles:6.1f} obj  {name}")
        stop.set()
        for child in children:
            child.join(10)
        await running.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=500)
    parser.add_argument("--no-deploy", action="store_true")
    parser.add_argument("--live-only", action="store_true",
                        help="unfreeze before collecting: count only what is still reachable")
    parser.add_argument("--compression", action="store_true",
                        help="the poles offer permessage-deflate (as most clients do)")
    parser.add_argument("--trim", action="store_true",
                        help="malloc_trim(0) before each reading (what glibc holds free)")
    parser.add_argument("--no-trace", action="store_true",
                        help="without tracemalloc (its traces inflate RSS): RSS and its parts")
    args = parser.parse_args()
    wire_bytes()
    # on the loop `paalwerk service` runs (`service.event_loop`; PAALWERK_EVENT_LOOP=asyncio
    # for the standard one)
    event_loop.run(run(args.poles, not args.no_deploy, args.live_only, args.compression,
                             args.trim, not args.no_trace))


if __name__ == "__main__":
    main()
