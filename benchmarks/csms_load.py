"""CSMS under load: many lightweight simulated poles against our service and the plain
``ocpp``-library example central system, measured in the same run with the same load.

Scenario "tender": ``--poles`` poles (default 10,000) connect at ``--ramp-rate`` per second;
each sends BootNotification and three StatusNotifications, then a Heartbeat and, per
socket (two), MeterValues every 900 s — compressed ``--traffic-speed`` times. Latency
(send → CALLRESULT) is measured over a ``--duration`` window once every pole is connected.
Scenario "saturation": ``--sat-poles`` poles each send calls back to back (one outstanding
call per pole, as OCPP-J requires): Heartbeat, StatusNotification, MeterValues with seven
sampled values, in turn.

Scenario "storm" (issue 20): ``--poles`` poles reconnect at once after an outage, as fast as
the machine allows; each sends BootNotification, three StatusNotifications and what it queued
while cut off (``--backlog-transactions`` per socket over ``--backlog-hours``: Start, a
MeterValues every ``--backlog-interval`` s, Stop), then tender traffic for ``--duration``.
A call's latency is from its CALL sent (after the pole's upgrade was answered) to its
answer, kept per phase (boot: BootNotification and the three StatusNotifications; backlog;
the whole storm; steady: the window after every backlog is flushed), so a pole's wait for
admission is not in it; that wait counts in the BootNotifications answered within 30 s of
the pole's first connect attempt. It also reports when every backlog was flushed, when
the last pole's capacity profile was verified (the pole answers GetCompositeSchedule with
what the profile it was sent makes, as the virtual pole does), the rows stored against those
sent, and every frame checked against OCPP 1.6's JSON schemas like a strict pole. For
"ours" (one process) it also prints where the storage writer's time went
(`service.storage.writer_times`): per batch how long its oldest caller waited for it to
start, executing, committing, callers per batch.
Every run's header also has the machine's pace at its start (`benchmarks/machine_pace.py`):
this machine's speed drifts between days, and a run is compared with another at its pace.
Little's law bounds the storm's latency: every pole keeps one call outstanding, so the mean
latency is the number of poles over the calls answered per second (2,000 poles at 1,000 calls/s
wait 2 s on average), whatever the order; only more calls per second lower it, and fairness
only narrows the spread around it (docs/reconnect-storm.md, issue 20 figures).

The poles are raw OCPP-J text frames over a minimal WebSocket client (asyncio.Protocol), many
per process, in ``--generators`` processes. Each server runs in a child process of its own so
its memory (VmRSS) and CPU time are read from /proc. Our service answers the CSMS's calls to
the pole (SetChargingProfile Accepted, GetConfiguration empty, GetCompositeSchedule Rejected).

    .venv/bin/python benchmarks/csms_load.py [--poles 10000] [--traffic-speed 30]
        [--sat-poles 500] [--db sqlite|postgresql://postgres@127.0.0.1:5432/test]
        [--workers N]

With ``--workers N`` (N > 1) "ours" is N service processes on one port, as ``paalwerk service
--workers N`` runs them: each binds its own ``SO_REUSEPORT`` listening socket (Linux spreads
new connections over them), all share the PostgreSQL database and talk through it
(`service.cluster`). Storage is prepared once, before the workers start; their memory and
CPU are summed (the storm also prints each one's CPU seconds), their row counts read once.
``CSMS_LOAD_PROFILE=file`` runs "ours" under cProfile, each worker into ``file.<n>``.
Diagnosis of a storm's slow moments: the boot calls answered after over a second are
printed by when they were sent and answered, beside the load generators' own loop stalls and
collections and every server loop stall over 150 ms (with, when 300 ms late, the loop
thread's Python stack, its state and system call as the kernel sees them, and what the other
threads do); ``CSMS_LOAD_SLOW_CALLS=file`` writes those calls out (pole, unique id),
``CSMS_LOAD_KEEP_DB=file`` keeps the SQLite database (its message log has the service's
time of each call), ``CSMS_LOAD_SWITCH_INTERVAL=s`` sets the server's GIL switch interval,
``CSMS_LOAD_WRITER_BATCHES=file`` writes out the storage writer's batches (start, callers,
rows, work items, times; one process).

Event loops: "ours" (one process and each worker) runs as ``paalwerk service`` runs it,
through `service.event_loop.run` — uvloop and the httptools parser where installed,
``PAALWERK_EVENT_LOOP=asyncio`` for the standard loop and h11 (the before of issue 20's
loop change); the plain example stays on its own default, ``asyncio.run`` and the
websockets library's HTTP parsing, as its source runs it. Each server prints which at start.
The server's garbage collections are summed per generation for the whole run, and the
ones over 30 ms listed (when, generation, by the gc policy's tick or automatic).

Storm with ``--workers 2`` on PostgreSQL, 2026-12-05, 2-core machine shared with other jobs
(docs/reconnect-storm.md has the whole table): 1,000 poles with a day's backlog, boot /
backlog p99 2.4 s / 4.0 s, flushed after 21 s, steady p99 30 ms (load 3.8; one process on
PostgreSQL 3.4 s / 7.2 s, 33 s, 16 ms); 2,000 poles 5.2 s / 7.2 s, 45 s, 64 ms (load 7.5;
one process 6.9 s / 12.9 s, 61 s, 48 ms).

The kernel's accept queue decides how many of a storm's simultaneous connects wait for the
server instead of being dropped and retried 1, 3, 7, 15 s later. Each server's queue as the
kernel holds it is printed (`service.listen_queue.listening_backlog`); the plain example
listens with ``--listen-backlog`` (default: what our service asks, `LISTEN_BACKLOG`), so
both get the same. ``--somaxconn N`` sets ``net.core.somaxconn`` and
``net.ipv4.tcp_max_syn_backlog`` (the kernel's caps) for the run where /proc/sys is writable
(root), prints what was in force, and puts the old values back at exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import dataclasses
import gc
import json
import multiprocessing as mp
import os
import random
import resource
import signal
import struct
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CLK_TCK = os.sysconf("SC_CLK_TCK")
INF = float("inf")


def take_upgrade_head(buffer: bytearray) -> bytes | None:
    """The server's answer to a raw WebSocket upgrade, taken off the front of ``buffer``
    (frames may follow in the same read); None until the blank line has arrived."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end])
    del buffer[:end + 4]
    return head


def _top(frame: Any, depth: int = 3) -> str:
    """A thread's innermost ``depth`` frames, innermost first."""
    where: list[str] = []
    while frame is not None and len(where) < depth:
        where.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} "
                     f"{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(where) or "-"


def raise_nofile() -> int:
    """Open-file limit up to the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ------------------------------------------------------------------------- servers
class Stalls:
    """What holds a server's event loop up inside the measurement window: garbage-collection
    pauses and loop lag (a 10 ms sleep that wakes late)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.gc_started = 0.0
        self.gc_pauses: list[tuple[int, float]] = []  # (generation, seconds)
        self.lag: list[float] = []
        self.beat = time.perf_counter()
        self.stuck: collections.Counter[str] = collections.Counter()
        self.stuck_long: list[str] = []
        """Outside the window, where the loop was when 300 ms late (a storm's stalls)."""
        self.whole_run = [[0, 0.0, 0.0] for _ in range(3)]
        self.long_gc: list[str] = []
        self.long_lag: list[tuple[float, float]] = []
        """(wall time, seconds late) of every 10 ms sleep woken over 150 ms late, the whole
        run: a storm's slow group of calls set beside the server's own stalls."""
        self.gc_counts = (0, 0, 0)
        self.started = time.perf_counter()
        """Per generation, every collection of the run (explicit or not): count, seconds,
        longest."""
        gc.callbacks.append(self._gc)
        self.main = threading.get_ident()
        self.main_tid = threading.get_native_id()
        threading.Thread(target=self._watchdog, daemon=True).start()

    def _watchdog(self) -> None:
        """Where the loop's thread is when the loop is 100 ms late in the window, and at
        any time when it is 300 ms late (diagnosis only)."""
        while True:
            time.sleep(0.05)
            late = time.perf_counter() - self.beat
            inside = self._inside()
            if (late > 0.1 and inside) or (late > 0.3 and len(self.stuck_long) < 40):
                frames = sys._current_frames()
                where = _top(frames.get(self.main), 6 if inside else 14)
                if inside:
                    self.stuck[where] += 1
                else:  # and what the process's other threads do meanwhile (the GIL)
                    others = [f"{thread.name}: " + _top(frames.get(thread.ident))
                              for thread in threading.enumerate()
                              if thread.ident not in (self.main, threading.get_ident())]
                    self.stuck_long.append(f"{time.time() - self.window[2]:.2f} s, "
                                           f"{late * 1000:.0f} ms late, "
                                           f"{self._kernel_view()}: " + where
                                           + " | " + " | ".join(others))

    def _kernel_view(self) -> str:
        """The loop thread as the kernel sees it: state (R running, S sleeping) and the
        system call it is in (202: futex, e.g. waiting for the GIL; 232: epoll_wait)."""
        task = Path(f"/proc/self/task/{self.main_tid}")
        try:
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            call = (task / "syscall").read_text().split()[0]
        except OSError:
            return "?"
        return f"state {state} syscall {call}"

    def _inside(self) -> bool:
        return bool(self.window[0] <= time.time() < self.window[1])

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.gc_started = time.perf_counter()
            self.gc_counts = gc.get_count()
            return
        took = time.perf_counter() - self.gc_started
        whole = self.whole_run[info["generation"]]
        whole[0] += 1
        whole[1] += took
        whole[2] = max(whole[2], took)
        if took > 0.03:  # which collections are long, and what they held
            caller = sys._getframe(1).f_code.co_name
            self.long_gc.append(
                f"{self.gc_started - self.started:.1f} s: gen {info['generation']} "
                f"{took * 1000:.0f} ms ({'by ' + caller if caller == 'tick' else 'automatic'}"
                f", counts before {self.gc_counts}, {info['collected']} collected)")
        if self._inside():
            self.gc_pauses.append((info["generation"], took))

    async def watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            self.beat = time.perf_counter()
            late = self.beat - before - 0.01
            if late > 0.15 and len(self.long_lag) < 50:
                self.long_lag.append((time.time() - late, late))
            if self._inside():
                self.lag.append(late)

    def summary(self) -> str:
        full = [s for g, s in self.gc_pauses if g == 2]
        lag = sorted(self.lag) or [0.0]
        return (f"in the window: server loop lag p99 "
                f"{lag[int(0.99 * (len(lag) - 1))] * 1000:.0f} ms, max {lag[-1] * 1000:.0f} ms; "
                f"GC {len(self.gc_pauses)} collections {sum(s for _, s in self.gc_pauses):.2f} s"
                f", {len(full)} of generation 2, longest "
                f"{max((s for _, s in self.gc_pauses), default=0) * 1000:.0f} ms"
                + "; the whole run's GC by generation (count/seconds/longest ms): "
                + ", ".join(f"{g}: {n}/{t:.2f}/{m * 1000:.0f}"
                            for g, (n, t, m) in enumerate(self.whole_run))
                + (f"; collections over 30 ms ({len(self.long_gc)}, from the server's "
                   "start): " + ", ".join(self.long_gc[:12]) if self.long_gc else "")
                + "".join(f"; loop stuck {n * 50} ms at {where}"
                          for where, n in self.stuck.most_common(3))
                + (f"; loop late over 150 ms ({len(self.long_lag)}, s after the first "
                   "connect: late ms): " + ", ".join(
                       f"{at - self.window[2]:.1f}: {late * 1000:.0f}"
                       for at, late in self.long_lag[:20]) if self.long_lag else "")
                + "".join(f"; STUCK at {where}" for where in self.stuck_long))


class KernelQueues:
    """``--somaxconn``: the kernel's caps on listen queues set for the run, and put back."""

    SETTINGS = {"net.core.somaxconn": Path("/proc/sys/net/core/somaxconn"),
                "net.ipv4.tcp_max_syn_backlog": Path("/proc/sys/net/ipv4/tcp_max_syn_backlog")}

    def __init__(self, wanted: int | None) -> None:
        self.wanted = wanted
        self.old: dict[Path, str] = {}

    def __enter__(self) -> KernelQueues:
        if self.wanted is not None:
            for name, path in self.SETTINGS.items():
                try:
                    old = path.read_text().strip()
                    path.write_text(str(self.wanted))
                except OSError as exc:
                    print(f"--somaxconn {self.wanted}: cannot set {name} ({exc.strerror}); "
                          "carrying on with the machine's own", flush=True)
                    continue
                self.old[path] = old
        print("kernel listen-queue caps in force: " + ", ".join(
            f"{name} = {self._read(path)}" for name, path in self.SETTINGS.items()),
            flush=True)
        return self

    def __exit__(self, *exc: object) -> None:
        for path, old in self.old.items():
            path.write_text(old)
        if self.old:
            print("kernel listen-queue caps put back: " + ", ".join(
                f"{name} = {self._read(path)}" for name, path in self.SETTINGS.items()))

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text().strip()
        except OSError:
            return "unknown"


def _run_server(kind: str, main: Any) -> None:
    """Ours on the loop ``paalwerk service`` chooses (`service.event_loop`: uvloop where
    installed, unless ``PAALWERK_EVENT_LOOP=asyncio``); the plain example on its own
    default, ``asyncio.run``, as its source runs it."""
    if kind == "plain":
        asyncio.run(main)
        return
    from service import event_loop
    event_loop.run(main)


def _server_main(kind: str, db_url: str, deploy: bool, prefix: str, backlog: int,
                 ready: Any, stop: Any, stats: Any, window: Any) -> None:
    raise_nofile()
    if kind == "ours" and os.environ.get("CSMS_LOAD_SWITCH_INTERVAL"):
        # diagnosis: how long a thread waiting for the GIL waits before it asks for it
        sys.setswitchinterval(float(os.environ["CSMS_LOAD_SWITCH_INTERVAL"]))
    profile_to = os.environ.get("CSMS_LOAD_PROFILE")
    serving = _serve(kind, db_url, deploy, prefix, backlog, ready, stop, stats, window)
    if kind != "ours" or not profile_to:
        _run_server(kind, serving)
        return
    import cProfile  # diagnosis: where "ours" spends the run (CSMS_LOAD_PROFILE=file)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        _run_server(kind, serving)
    finally:
        profiler.disable()
        profiler.dump_stats(profile_to)


async def _serve(kind: str, db_url: str, deploy: bool, prefix: str, backlog: int,
                 ready: Any, stop: Any, stats: Any, window: Any) -> None:
    stalls = Stalls(window)
    watcher = asyncio.create_task(stalls.watch())
    heap: list[str] = []
    sampler = asyncio.create_task(_heap_at_window(window, heap))
    if kind == "plain":
        from benchmarks.plain_central_system import serve
        server = await serve(backlog=backlog)
        port = server.sockets[0].getsockname()[1]
        print(f"{kind}: event loop: {type(asyncio.get_running_loop()).__module__} (the "
              "example's own default); HTTP parser: the websockets library's own", flush=True)
        ready.put((os.getpid(), port, "/"))
        await asyncio.to_thread(stop.wait)
        server.close()
        watcher.cancel()
        sampler.cancel()
        stats.put({"stalls": "; ".join([stalls.summary(), *heap])})
        return

    from service.server import start_service
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite" if db_url == "sqlite" else db_url
        running = await start_service(url, settings=_settings(deploy),
                                      token_file=Path(tmp) / "tokens")
        _say_loop(kind)
        ready.put((os.getpid(), running.port, "/ocpp/"))
        gates = asyncio.create_task(_gates_at_window(running.services, window, heap))
        timeline: list[str] = []
        admitting = asyncio.create_task(_admission_timeline(running.services, timeline))
        await asyncio.to_thread(stop.wait)
        admitting.cancel()
        heap.append("at the end: " + _gates(running.services))
        heap.append("admitted by second " + " ".join(timeline))
        watcher.cancel()
        sampler.cancel()
        gates.cancel()
        await running.stop()
        from service.memory_release import RELEASE
        counts: dict[str, Any] = {"stalls": stalls.summary() + "; "
                                  + running.services.async_repository.writer.times.summary()
                                  + f"; malloc_trim {RELEASE.trims} times"
                                  f" ({RELEASE.released} gave memory back) in"
                                  f" {RELEASE.seconds * 1000:.0f} ms"
                                  + "".join(f"; {line}" for line in heap),
                                  **_count_rows(url, prefix, cleanup=db_url != "sqlite")}
        running.repository.engine.dispose()
        if os.environ.get("CSMS_LOAD_WRITER_BATCHES"):
            batches = [dataclasses.asdict(batch)
                       for batch in running.services.async_repository.writer.times.batches]
            await asyncio.to_thread(Path(os.environ["CSMS_LOAD_WRITER_BATCHES"]).write_text,
                                    json.dumps(batches))
        if db_url == "sqlite" and os.environ.get("CSMS_LOAD_KEEP_DB"):
            import shutil  # diagnosis: the message log's times of each call, server side
            shutil.copy(f"{tmp}/bench.sqlite", os.environ["CSMS_LOAD_KEEP_DB"])
        stats.put(counts)


def _gates(services: Any) -> str:
    """The admission's, the service's own calls', the boot follow-ups' and the later calls'
    counts (`service.ocpp.call_budget`, `boot_follow_ups`, `later_calls`)."""
    admission, later = services.admission, services.budget.later
    text = (f"admission {'settled' if admission.settled.is_set() else 'not settled'}, "
            f"{admission.admitted} admitted, {admission.paced} paced")
    budget = services.budget
    text += (f"; the service's own calls {budget.sent} sent, {budget.waiting} waiting; "
             f"poles' calls in hand {budget.pole_calls}")
    follow_ups = services.follow_ups
    text += (f"; boot follow-ups {follow_ups.done} done, {follow_ups.running} running, "
             f"{follow_ups.waiting} waiting")
    if later is not None:
        text += (f"; later calls {later.held} held, {later.expired} let on by the hold, "
                 f"{later.waiting} waiting, {later.in_hand} in hand")
    return text


async def _gates_at_window(services: Any, window: Any, into: list[str]) -> None:
    while window[0] == INF:  # noqa: ASYNC110 (another process sets it)
        await asyncio.sleep(0.05)
    into.append("at the window: " + _gates(services))


async def _heap_at_window(window: Any, into: list[str]) -> None:
    """Where the server's memory is when the window is set (0.2 s before it opens, right
    after the benchmark read the RSS it divides by the connections): glibc's heap and
    pymalloc's arenas, used and free (`benchmarks.heap_parts`)."""
    from benchmarks.heap_parts import describe, heap_parts
    while window[0] == INF:  # noqa: ASYNC110 (another process sets it)
        await asyncio.sleep(0.05)
    into.append("memory at the window: " + describe(heap_parts()))


def _settings(deploy: bool) -> Any:
    """The service's settings for a run; ``CSMS_LOAD_BOOTS_FIRST_S=0`` holds none of the
    service's own calls back for waiting boots (the before of issue 20's "boots first");
    ``CSMS_LOAD_CALLS_IN_FLIGHT=N`` admits a pole only while fewer than N poles' calls are
    in hand (0: by the admission places alone, the before of that pacing);
    ``CSMS_LOAD_LATER_CALLS=N`` handles at most N booted poles' later calls at once while
    poles boot (0: never held, the before of `service.ocpp.later_calls`)."""
    from service.ocpp.call_budget import DEFAULT_BOOTS_FIRST_S, DEFAULT_CALLS_IN_FLIGHT
    from service.ocpp.later_calls import DEFAULT_LATER_CALLS
    from service.ocpp.pole_handler import CsmsSettings
    hold = float(os.environ.get("CSMS_LOAD_BOOTS_FIRST_S", DEFAULT_BOOTS_FIRST_S))
    calls = int(os.environ.get("CSMS_LOAD_CALLS_IN_FLIGHT", DEFAULT_CALLS_IN_FLIGHT))
    later = int(os.environ.get("CSMS_LOAD_LATER_CALLS", DEFAULT_LATER_CALLS))
    print(f"ours: the service's own calls held for waiting boots at most {hold:g} s; "
          f"poles admitted while fewer than {calls} calls are in hand (0: not paced); "
          f"at most {later} later calls handled at once while poles boot (0: not held)",
          flush=True)
    return CsmsSettings(deploy_capacity_profile=deploy, boots_first_s=hold,
                        calls_in_flight=calls, later_calls=later)


def _say_loop(who: str) -> None:
    """What `service.server.serve` logs at start, printed (the benchmark leaves logging off)."""
    from service.event_loop import choose, describe
    print(f"{who}: {describe(asyncio.get_running_loop(), choose().http)}", flush=True)


def _prepare_main(url: str) -> None:
    """What ``paalwerk service --workers`` does before its workers start, in a process of its
    own: migrate, close dangling sessions."""
    from service.server import prepare_database
    prepare_database(url)


def _worker_main(index: int, workers: int, url: str, tmp: str, port: int, deploy: bool,
                 ready: Any, stop: Any, stats: Any, window: Any) -> None:
    raise_nofile()
    profile_to = os.environ.get("CSMS_LOAD_PROFILE")
    serving = _serve_worker(index, workers, url, tmp, port, deploy, ready, stop, stats,
                            window)
    if not profile_to:
        _run_server("ours", serving)
        return
    import cProfile  # diagnosis: where each worker spends the run (file.<index>)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        _run_server("ours", serving)
    finally:
        profiler.disable()
        profiler.dump_stats(f"{profile_to}.{index}")


async def _serve_worker(index: int, workers: int, url: str, tmp: str, port: int,
                        deploy: bool, ready: Any, stop: Any, stats: Any, window: Any) -> None:
    """One of ``--workers`` service processes on a shared ``SO_REUSEPORT`` port, as
    ``paalwerk service --workers`` runs them (`service.workers`), each with its share of
    the bounds on calls in hand (`CsmsSettings.shared_by`; ``CSMS_LOAD_UNSHARED=1``: each
    with the whole, the before of that share)."""
    stalls = Stalls(window)
    watcher = asyncio.create_task(stalls.watch())
    from service.server import start_service
    from service.workers import reuseport_socket
    sock = reuseport_socket("127.0.0.1", port)
    shares = 1 if os.environ.get("CSMS_LOAD_UNSHARED") == "1" else workers
    running = await start_service(url, settings=_settings(deploy).shared_by(shares),
                                  token_file=Path(tmp) / "tokens", sock=sock, clustered=True)
    _say_loop(f"ours, worker {index}")
    ready.put((os.getpid(), running.port, "/ocpp/"))
    held: list[int] = []

    async def count_at_window() -> None:
        while window[0] == INF or time.time() < window[0]:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        held.append(len(running.server.server_state.connections))

    counter = asyncio.create_task(count_at_window())
    timeline: list[str] = []
    sampler = asyncio.create_task(_admission_timeline(running.services, timeline))
    await asyncio.to_thread(stop.wait)
    counter.cancel()
    sampler.cancel()
    watcher.cancel()
    await running.stop()
    running.repository.engine.dispose()
    stats.put({"worker": index, "held": held[0] if held else -1,
               "stalls": stalls.summary() + "; admitted by second " + " ".join(timeline)
               + f"; paced {running.services.admission.paced}; storage writer: "
               + running.services.async_repository.writer.times.summary()})


async def _admission_timeline(services: Any, into: list[str]) -> None:
    """How many poles this process had admitted (and how many waited, booting calls in
    hand) every 5 s from its first admission: how a storm's connects were spread over the
    ``--workers`` processes and whether one fell behind, and whether the calls in hand
    held at `DEFAULT_CALLS_IN_FLIGHT` or fell away (a storage batch, a slow moment)."""
    admission, budget = services.admission, services.budget
    while admission.admitted == 0:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    started = time.monotonic()
    for tick in range(1, 25):
        await asyncio.sleep(max(0.0, started + 5 * tick - time.monotonic()))
        into.append(f"{5 * tick}s:{admission.admitted}/w{admission.waiting}"
                    f"/b{budget.booting_calls}")


def _count_rows(url: str, prefix: str, cleanup: bool) -> dict[str, Any]:
    """Rows the run stored (and, in a shared database, their removal)."""
    import sqlalchemy as sa

    from service.storage.database import create_engine_for
    engine = create_engine_for(url)
    counts: dict[str, Any] = {}
    with engine.begin() as connection:
        for table in ("message_log", "status_events", "meter_values", "charging_profiles",
                      "transactions"):
            counts[table] = connection.execute(sa.text(
                f"SELECT count(*) FROM {table} WHERE pole_id LIKE :p"),
                {"p": prefix + "%"}).scalar_one()
        counts["verified profiles"] = connection.execute(sa.text(
            "SELECT count(DISTINCT pole_id) FROM charging_profiles WHERE pole_id LIKE :p "
            "AND verified_at IS NOT NULL"), {"p": prefix + "%"}).scalar_one()
        if cleanup:
            for table in ("message_log", "status_events", "meter_values",
                          "charging_profiles", "connectors", "connection_sessions",
                          "compliance_tally_low", "compliance_tally",
                          "compliance_tally_poles", "transactions", "poles"):
                column = "id" if table == "poles" else "pole_id"
                connection.execute(sa.text(f"DELETE FROM {table} WHERE {column} LIKE :p"),
                                   {"p": prefix + "%"})
    engine.dispose()
    return counts


def _proc_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, every core, from /proc/stat:
    the servers, the load generators, a local PostgreSQL and the kernel alike."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    total = sum(ticks[:8])  # guest time is already inside user
    return (total - idle) / CLK_TCK, total / CLK_TCK


def _procs_running() -> int:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("procs_running "):
            return int(line.split()[1])
    return 0


def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


# ----------------------------------------------------------------- lightweight pole
def _frame(text: str) -> bytes:
    """A masked client text frame; the all-zero mask key leaves the payload as it is."""
    data = text.encode()
    n = len(data)
    if n < 126:
        header = bytes((0x81, 0x80 | n))
    elif n < 65536:
        header = struct.pack("!BBH", 0x81, 0xFE, n)
    else:
        header = struct.pack("!BBQ", 0x81, 0xFF, n)
    return header + b"\0\0\0\0" + data


def _control(opcode: int, data: bytes) -> bytes:
    return bytes((0x80 | opcode, 0x80 | len(data))) + b"\0\0\0\0" + data


class Closed(Exception):
    pass


class PoleClient(asyncio.Protocol):
    """One pole: WebSocket handshake, OCPP-J calls with latency, answers to CSMS calls."""

    def __init__(self, pole_id: str, host: str, port: int, path: str) -> None:
        self.pole_id = pole_id
        self.request = (f"GET {path}{pole_id} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
                        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n"
                        ).encode()
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.closed = False
        self.pending: dict[str, asyncio.Future[int]] = {}
        self.actions: dict[str, str] = {}
        self.seq = 0
        self.server_calls = 0
        self.validate = False
        self.last_result: Any = {}
        """Storm: every frame checked against OCPP 1.6's JSON schemas, as a strict pole."""
        self.invalid: list[str] = []
        self.profile: str | None = None  # the SetChargingProfile payload, as sent
        self.grid_limit: str | None = None  # GridConnectionMaxCurrent as the CSMS set it
        self.kept: dict[str, str] = {}  # every key the CSMS set, answered when asked
        self.verified_at: float | None = None  # answered GetCompositeSchedule with a schedule
        self.deploy_calls: collections.Counter[str] = collections.Counter()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(Closed(f"closed during handshake: {exc}"))
        for future in self.pending.values():
            if not future.done():
                future.set_exception(Closed("connection lost"))
        self.pending.clear()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded:
            head = take_upgrade_head(self.buffer)
            if head is None:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                if not self.opened.done():
                    self.opened.set_exception(Closed(head.split(b"\r\n")[0].decode()))
                assert self.transport is not None
                self.transport.close()
                return
            self.upgraded = True
            if self.opened.done():  # the pole gave up waiting (`_connect`'s timeout): hang up
                assert self.transport is not None
                self.transport.close()
                return
            self.opened.set_result(None)
        buf = self.buffer
        while len(buf) >= 2:
            opcode, length, pos = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    return
                length, pos = int.from_bytes(buf[2:4], "big"), 4
            elif length == 127:
                if len(buf) < 10:
                    return
                length, pos = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < pos + length:
                return
            payload = bytes(buf[pos:pos + length])
            del buf[:pos + length]
            if opcode == 1:
                self._message(payload)
            elif opcode == 9 and self.transport is not None:
                self.transport.write(_control(10, payload))
            elif opcode == 8 and self.transport is not None:
                self.transport.close()

    def _message(self, payload: bytes) -> None:
        message = json.loads(payload)
        if message[0] == 2:
            self.server_calls += 1
            self.deploy_calls[message[2]] += 1
            if self.validate:
                self._check(2, message[2], message[3])
            self._answer(message[1], message[2], message[3])
            return
        action = self.actions.pop(message[1], "")
        if self.validate and message[0] == 3 and action:
            self._check(3, action, message[2])
        future = self.pending.pop(message[1], None)
        if future is not None and not future.done():
            self.last_result = message[2] if message[0] == 3 else {}
            future.set_result(message[0])

    def _check(self, kind: int, action: str, payload: Any) -> None:
        from ocpp.messages import get_validator
        try:
            get_validator(kind, action, "1.6").validate(payload)
        except Exception as exc:  # jsonschema's ValidationError, or an unknown action
            if len(self.invalid) < 3:
                self.invalid.append(f"{action}: {str(exc).splitlines()[0]}")
            else:
                self.invalid.append("")

    def _answer(self, unique_id: str, action: str, payload: dict[str, Any]) -> None:
        if action == "SetChargingProfile":
            reply: list[Any] = [3, unique_id, {"status": "Accepted"}]
            if self.validate:  # a storm pole keeps it, and reports it when asked
                self.profile = json.dumps(payload["csChargingProfiles"], sort_keys=True)
        elif action == "GetConfiguration":
            asked = payload.get("key") or list(self.kept)
            known = [{"key": key, "readonly": False, "value": self.kept[key]}
                     for key in asked if key in self.kept]
            reply = [3, unique_id, {"configurationKey": known,
                                    "unknownKey": [key for key in asked
                                                   if key not in self.kept]}]
        elif action == "ChangeConfiguration":
            self.kept[str(payload.get("key"))] = str(payload.get("value"))
            if payload.get("key") == "GridConnectionMaxCurrent":
                self.grid_limit = str(payload.get("value"))
            reply = [3, unique_id, {"status": "Accepted"}]
        elif action == "GetCompositeSchedule":
            answer = (composite_answer(self.profile, self.grid_limit)
                      if self.profile is not None else None)
            reply = [3, unique_id, answer or {"status": "Rejected"}]
            if answer is not None:
                self.verified_at = time.time()
        else:
            reply = [4, unique_id, "NotSupported", "", {}]
        self.send(json.dumps(reply))

    def send(self, text: str) -> None:
        if self.transport is None or self.closed:
            raise Closed("not connected")
        self.transport.write(_frame(text))

    async def call(self, action: str, payload: dict[str, Any]) -> int:
        """Send a CALL; returns the answer's message type (3 result, 4 error)."""
        self.seq += 1
        unique_id = str(self.seq)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.pending[unique_id] = future
        if self.validate:
            self.actions[unique_id] = action
        self.send(json.dumps([2, unique_id, action, payload], separators=(",", ":")))
        return await future


_COMPOSITES: dict[tuple[str, str | None, int], dict[str, Any] | None] = {}


def composite_answer(profile: str, grid_limit: str | None) -> dict[str, Any] | None:
    """What a pole holding ``profile`` answers GetCompositeSchedule (connector 0, 24 h, A),
    as the virtual pole computes it; the same for every pole in the same second."""
    now = int(time.time())
    key = (profile, grid_limit, now)
    if key not in _COMPOSITES:
        from pole_link.profiles.charging_profile import ChargingProfile, ProfileStore
        from pole_link.profiles.composite import composite_schedule
        from pole_link.timeutil import format_time
        if len(_COMPOSITES) > 64:
            _COMPOSITES.clear()
        try:
            store = ProfileStore()
            store.install(0, ChargingProfile.from_ocpp(json.loads(profile)))
            start = datetime.fromtimestamp(now, UTC)
            body = composite_schedule(store, 0, start, 86_400,
                                      grid_limit_a=float(grid_limit) if grid_limit else None
                                      ).to_ocpp()
            body.pop("startSchedule", None)
            _COMPOSITES[key] = {"status": "Accepted", "connectorId": 0,
                                "scheduleStart": format_time(start), "chargingSchedule": body}
        except Exception:  # a profile the pole cannot follow: it says so
            _COMPOSITES[key] = None
    return _COMPOSITES[key]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _at(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


def _meter_values(connector: int, energy: float) -> dict[str, Any]:
    values = [{"value": f"{energy:.0f}", "measurand": "Energy.Active.Import.Register",
               "unit": "Wh", "context": "Sample.Periodic"}]
    values += [{"value": "15.9", "measurand": "Current.Import", "phase": phase, "unit": "A"}
               for phase in ("L1", "L2", "L3")]
    values += [{"value": "231.2", "measurand": "Voltage", "phase": phase + "-N", "unit": "V"}
               for phase in ("L1", "L2", "L3")]
    return {"connectorId": connector, "meterValue": [{"timestamp": _now(),
                                                      "sampledValue": values}]}


def _status(connector: int, status: str = "Available") -> dict[str, Any]:
    return {"connectorId": connector, "errorCode": "NoError", "status": status,
            "timestamp": _now()}


BOOT = {"chargePointVendor": "Paalwerk", "chargePointModel": "Bench", "firmwareVersion": "1.0"}


@dataclass
class GenStats:
    connected: int = 0
    connect_failed: int = 0
    dropped: int = 0
    booted: int = 0
    errors: int = 0  # CALLERRORs received
    window_latency_ms: list[float] = field(default_factory=list)
    ramp_latency_ms: list[float] = field(default_factory=list)
    window_calls: int = 0
    server_calls: int = 0
    held_at_end: int = 0
    failures: list[str] = field(default_factory=list)
    # storm: per phase (boot, backlog, storm = everything before the steady window)
    phase_ms: dict[str, list[float]] = field(default_factory=dict)
    boot_s: list[float] = field(default_factory=list)  # first connect attempt → boot answer
    backlog_done: list[float] = field(default_factory=list)  # wall time of the last answer
    verified_at: list[float] = field(default_factory=list)
    sent: collections.Counter[str] = field(default_factory=collections.Counter)
    deploy_calls: collections.Counter[str] = field(default_factory=collections.Counter)
    invalid: int = 0
    invalid_examples: list[str] = field(default_factory=list)
    # diagnosis of a slow group of boot calls: which side held them
    slow_boot: list[tuple[str, str, str, float, float]] = field(default_factory=list)
    """Boot-phase calls answered after over a second: pole, unique id, action, sent and
    answered (s after the first connect); `CSMS_LOAD_SLOW_CALLS=file` writes them out."""
    lags: list[tuple[float, float]] = field(default_factory=list)
    """(s after the first connect, seconds late) of this generator's loop, over 150 ms."""
    long_gc: list[tuple[float, float, int]] = field(default_factory=list)
    """(s after the first connect, seconds, generation) of its collections over 50 ms."""


class Generator:
    """One load-generator process's poles."""

    def __init__(self, args: argparse.Namespace, scenario: str, host: str, port: int,
                 path: str, indices: list[int], t0: float, window: Any, prefix: str) -> None:
        self.args, self.scenario = args, scenario
        self.host, self.port, self.path = host, port, path
        self.indices, self.t0, self.window, self.prefix = indices, t0, window, prefix
        self.stats = GenStats()
        self.poles: list[PoleClient] = []

    async def timed(self, pole: PoleClient, action: str, payload: dict[str, Any]) -> None:
        wall, sent = time.time(), time.perf_counter()
        if self.scenario == "storm":
            self._count_sent(action, payload)
        kind = await pole.call(action, payload)
        latency_ms = (time.perf_counter() - sent) * 1000
        if kind != 3:
            self.stats.errors += 1
        start, end = self.window[0], self.window[1]
        if start <= wall < end:
            self.stats.window_latency_ms.append(latency_ms)
            if wall + latency_ms / 1000 < end:
                self.stats.window_calls += 1
        elif wall < start:
            self.stats.ramp_latency_ms.append(latency_ms)

    async def run_pole(self, index: int, booted: asyncio.Event, boot_count: list[int]) -> None:
        await asyncio.sleep(max(0.0, self.t0 + index / self.args.ramp_rate - time.time()))
        pole = PoleClient(f"{self.prefix}{index:05d}", self.host, self.port, self.path)
        if not await self._connect(pole, 60):
            self._booted(booted, boot_count)
            return
        try:
            await self.timed(pole, "BootNotification",
                             dict(BOOT, chargePointSerialNumber=pole.pole_id))
            for connector in (0, 1, 2):
                await self.timed(pole, "StatusNotification", _status(connector))
            self.stats.booted += 1
            self._booted(booted, boot_count)
            if self.scenario == "tender":
                await self.tender(pole)
            else:
                await self.saturate(pole, index)
        except Closed:
            self.stats.dropped += 1
            self._booted(booted, boot_count)

    async def phased(self, pole: PoleClient, phase: str, action: str,
                     payload: dict[str, Any]) -> dict[str, Any]:
        """A storm call: its latency kept by phase, and in "storm" until the steady window
        opens (then `timed` keeps it as the window's)."""
        wall, sent = time.time(), time.perf_counter()
        self._count_sent(action, payload)
        unique_id = str(pole.seq + 1)  # the id `call` gives it (one call at a time per pole)
        kind = await pole.call(action, payload)
        latency_ms = (time.perf_counter() - sent) * 1000
        if kind != 3:
            self.stats.errors += 1
        if phase == "boot" and latency_ms > 1000 and len(self.stats.slow_boot) < 20_000:
            self.stats.slow_boot.append((pole.pole_id, unique_id, action, wall - self.t0,
                                         wall + latency_ms / 1000 - self.t0))
        if wall < self.window[0]:
            self.stats.phase_ms.setdefault(phase, []).append(latency_ms)
            self.stats.phase_ms.setdefault("storm", []).append(latency_ms)
        return pole.last_result

    def _count_sent(self, action: str, payload: dict[str, Any]) -> None:
        """What the storm's poles sent, to count the stored rows against."""
        self.stats.sent[action] += 1
        if action == "MeterValues":
            self.stats.sent["sampledValue"] += sum(
                len(v["sampledValue"]) for v in payload["meterValue"])

    async def storm_pole(self, index: int, booted: asyncio.Event,
                         boot_count: list[int]) -> None:
        """Reconnect after an outage: boot, statuses, a day's queued transactions, then
        tender traffic; every call's latency from the pole's first connect attempt."""
        await asyncio.sleep(max(0.0, self.t0 + index / self.args.ramp_rate - time.time()))
        pole = PoleClient(f"{self.prefix}{index:05d}", self.host, self.port, self.path)
        pole.validate = not self.args.no_validate
        first = time.time()
        if not await self._connect(pole, 120):
            self._booted(booted, boot_count)
            return
        try:
            await self.phased(pole, "boot", "BootNotification",
                              dict(BOOT, chargePointSerialNumber=pole.pole_id))
            self.stats.boot_s.append(time.time() - first)
            for connector in (0, 1, 2):
                await self.phased(pole, "boot", "StatusNotification", _status(connector))
            await self.backlog(pole, index)
            self.stats.backlog_done.append(time.time())
            self.stats.booted += 1
            self._booted(booted, boot_count)
            await self.tender(pole)
        except Closed:
            self.stats.dropped += 1
            self._booted(booted, boot_count)

    async def backlog(self, pole: PoleClient, index: int) -> None:
        """What the pole queued while the service was away: ``--backlog-transactions`` per
        socket over the last ``--backlog-hours``, each Start, a MeterValues every
        ``--backlog-interval`` s and Stop, in order, each answered before the next."""
        args = self.args
        span = args.backlog_hours * 3600
        count = args.backlog_transactions
        if count < 1:
            return
        end = self.t0
        for socket_id in (1, 2):
            for n in range(count):
                started = end - span + (n + (socket_id - 1) / 2) * span / count
                length = min(span / count / 2, 3 * 3600)
                energy = 1000 * index
                tag = f"T{index % 1000:04d}"
                answer = await self.phased(pole, "backlog", "StartTransaction", {
                    "connectorId": socket_id, "idTag": tag, "meterStart": energy,
                    "timestamp": _at(started)})
                tx = answer.get("transactionId") if isinstance(answer, dict) else None
                moment = started + args.backlog_interval
                while moment < started + length:
                    energy += 2500
                    mv = _meter_values(socket_id, energy)
                    mv["meterValue"][0]["timestamp"] = _at(moment)
                    if isinstance(tx, int):
                        mv["transactionId"] = tx
                    await self.phased(pole, "backlog", "MeterValues", mv)
                    moment += args.backlog_interval
                await self.phased(pole, "backlog", "StopTransaction", {
                    "transactionId": tx if isinstance(tx, int) else 0, "meterStop": energy,
                    "timestamp": _at(started + length), "reason": "EVDisconnected"})

    async def _connect(self, pole: PoleClient, timeout: float) -> bool:
        """Open the pole's WebSocket (TCP connect and upgrade within ``timeout`` s); a
        failure is counted, its first few kept, and False returned."""
        loop = asyncio.get_running_loop()
        try:
            await loop.create_connection(lambda: pole, self.host, self.port)
            await asyncio.wait_for(pole.opened, timeout)
        except (OSError, Closed, TimeoutError) as exc:
            self.stats.connect_failed += 1
            if len(self.stats.failures) < 3:
                self.stats.failures.append(f"{pole.pole_id}: {exc!r}")
            return False
        self.stats.connected += 1
        self.poles.append(pole)
        return True

    def _booted(self, booted: asyncio.Event, boot_count: list[int]) -> None:
        boot_count[0] += 1
        if boot_count[0] == len(self.indices):
            booted.set()

    async def _until(self, moment: float) -> None:
        delay = moment - time.time()
        if delay > 0:
            await asyncio.sleep(delay)

    async def tender(self, pole: PoleClient) -> None:
        interval = 900.0 / self.args.traffic_speed
        now = time.time()
        due = [now + random.random() * interval for _ in range(3)]  # heartbeat, socket 1, 2
        energy = [random.uniform(0, 1e6), random.uniform(0, 1e6)]
        while True:
            which = min(range(3), key=due.__getitem__)
            moment = due[which]
            if moment >= self.window[1]:
                await self._until(self.window[1])
                return
            await self._until(moment)
            if which == 0:
                await self.timed(pole, "Heartbeat", {})
            else:
                energy[which - 1] += 2500
                await self.timed(pole, "MeterValues", _meter_values(which, energy[which - 1]))
            due[which] += interval

    async def saturate(self, pole: PoleClient, index: int) -> None:
        while time.time() < self.window[0]:  # noqa: ASYNC110 (another process sets it)
            await asyncio.sleep(0.05)
        turn, energy = index, random.uniform(0, 1e6)
        while time.time() < self.window[1]:
            turn += 1
            kind = turn % 3
            if kind == 0:
                await self.timed(pole, "Heartbeat", {})
            elif kind == 1:
                await self.timed(pole, "StatusNotification",
                                 _status(1, "Charging" if turn % 2 else "SuspendedEV"))
            else:
                energy += 100
                await self.timed(pole, "MeterValues", _meter_values(1, energy))

    async def csms_calls_done(self) -> None:
        """Wait until the CSMS's calls after boot (capacity profile deployment) are over:
        no new CSMS→pole call for ``--quiet`` seconds. Until then the server still works
        off the boot backlog, which is not steady-state tender traffic."""
        seen, since = -1, time.time()
        while time.time() - since < self.args.quiet:
            count = sum(pole.server_calls for pole in self.poles)
            if count != seen:
                seen, since = count, time.time()
            await asyncio.sleep(0.1)

    async def watch_lag(self) -> None:
        """This generator's own stalls: a slow call may be the pole's side, not the
        service's."""
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            late = time.perf_counter() - before - 0.01
            if late > 0.15 and len(self.stats.lags) < 50:
                self.stats.lags.append((time.time() - late - self.t0, late))

    def watch_gc(self) -> None:
        started = [0.0]

        def timed(phase: str, info: dict[str, Any]) -> None:
            if phase == "start":
                started[0] = time.perf_counter()
                return
            took = time.perf_counter() - started[0]
            if took > 0.05 and len(self.stats.long_gc) < 50:
                self.stats.long_gc.append((time.time() - took - self.t0, took,
                                           info["generation"]))
        gc.callbacks.append(timed)

    async def main(self, ready: Any) -> GenStats:
        booted, boot_count = asyncio.Event(), [0]
        self.watch_gc()
        watcher = asyncio.create_task(self.watch_lag())
        run = self.storm_pole if self.scenario == "storm" else self.run_pole
        tasks = [asyncio.create_task(run(i, booted, boot_count)) for i in self.indices]
        if not self.indices:
            booted.set()
        await booted.wait()
        if self.scenario == "tender":
            await self.csms_calls_done()
        ready.put(("booted", os.getpid()))
        while self.window[1] == INF or time.time() < self.window[1]:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        if self.scenario == "storm" and self.args.verify_wait > 0:
            # the paced deployments may outlast the window: wait for them, up to a limit
            limit = self.t0 + self.args.verify_wait
            while time.time() < limit and any(  # noqa: ASYNC110
                    p.verified_at is None and not p.closed for p in self.poles):
                await asyncio.sleep(0.5)
        done, pending = await asyncio.wait(tasks, timeout=30)
        for task in pending:
            task.cancel()
        self.stats.held_at_end = sum(1 for pole in self.poles if not pole.closed)
        self.stats.server_calls = sum(pole.server_calls for pole in self.poles)
        for pole in self.poles:
            self.stats.deploy_calls.update(pole.deploy_calls)
            if pole.verified_at is not None:
                self.stats.verified_at.append(pole.verified_at)
            self.stats.invalid += len(pole.invalid)
            self.stats.invalid_examples += [x for x in pole.invalid if x][:3]
        for task in done:
            if task.exception() is not None and len(self.stats.failures) < 3:
                self.stats.failures.append(repr(task.exception()))
        for pole in self.poles:
            if pole.transport is not None:
                pole.transport.close()
        watcher.cancel()
        await asyncio.sleep(0.2)
        return self.stats


def _generator_main(args: argparse.Namespace, scenario: str, host: str, port: int, path: str,
                    indices: list[int], t0: float, window: Any, prefix: str,
                    ready: Any, results: Any) -> None:
    raise_nofile()
    generator = Generator(args, scenario, host, port, path, indices, t0, window, prefix)
    stats = asyncio.run(generator.main(ready))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put((stats, usage.ru_utime + usage.ru_stime))


# --------------------------------------------------------------------------- driver
@dataclass
class Outcome:
    scenario: str
    label: str
    server: str
    poles: int
    held: int
    connect_failed: int
    dropped: int
    calls_per_s: float
    p50: float
    p99: float
    max_ms: float
    ramp_p99: float
    rss_per_conn_kb: float
    rss_mb: float
    server_cpu: float
    gen_cpu: float
    gen_cpu_window: float
    load_avg: tuple[float, float, float]
    runnable: float
    machine_busy: float
    workers: int
    errors: int
    server_calls: int
    stored: dict[str, Any]
    notes: list[str]
    storm: dict[str, Any] = field(default_factory=dict)
    listen_queue: int | None = None
    """The server's accept queue as the kernel holds it (None: could not be read)."""


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_one(args: argparse.Namespace, scenario: str, server: str) -> Outcome:
    ctx = mp.get_context("fork")
    poles = args.sat_poles if scenario == "saturation" else args.poles
    prefix = f"B{os.getpid() % 10000:04d}{scenario[0]}{server[0]}-"
    ready, stop, stats_q = ctx.Queue(), ctx.Event(), ctx.Queue()
    deploy = scenario in ("tender", "storm") and not args.no_deploy
    if scenario == "storm":  # as fast as the machine allows
        args = argparse.Namespace(**{**vars(args), "ramp_rate": args.storm_ramp_rate,
                                     # nothing to wait for where nothing is deployed
                                     "verify_wait": args.verify_wait
                                     if deploy and server == "ours" else 0.0})
    window = ctx.Array("d", [INF, INF, 0.0], lock=False)
    """The steady window's start and end, and the first connect's time (t0)."""
    workers = args.workers if server == "ours" else 1
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if workers > 1:
        tmp = tempfile.TemporaryDirectory()
        url = args.db
        migration = ctx.Process(target=_prepare_main, args=(url,))
        migration.start()
        migration.join(timeout=120)
        if migration.exitcode != 0:
            raise SystemExit(f"migration failed ({migration.exitcode})")
        from service.workers import reuseport_socket
        holder = reuseport_socket("127.0.0.1", 0)  # picks the port; closed once all bound
        port = holder.getsockname()[1]
        procs = [ctx.Process(target=_worker_main,
                             args=(i, workers, url, tmp.name, port, deploy, ready, stop,
                                   stats_q, window)) for i in range(workers)]
        for proc in procs:
            proc.start()
        started = [ready.get(timeout=60) for _ in procs]
        holder.close()
        pids = [pid for pid, _, _ in started]
        path = started[0][2]
    else:
        proc = ctx.Process(target=_server_main,
                           args=(server, args.db, deploy, prefix, args.listen_backlog, ready,
                                 stop, stats_q, window))
        proc.start()
        pid, port, path = ready.get(timeout=60)
        pids, procs = [pid], [proc]
    from service.listen_queue import listening_backlog
    listen_queue = listening_backlog(port)
    print(f"{scenario}/{server}: listen backlog in effect "
          f"{'unknown' if listen_queue is None else listen_queue}"
          + (f" per socket ({workers} SO_REUSEPORT sockets)" if workers > 1 else ""),
          flush=True)
    time.sleep(0.5)

    def rss() -> int:
        return sum(_proc_rss_kb(pid) for pid in pids)

    def cpu() -> float:
        return sum(_proc_cpu_s(pid) for pid in pids)

    rss_before = rss()
    cpu_at_start = [_proc_cpu_s(pid) for pid in pids]  # each server process, from here on
    gen_ready, results = ctx.Queue(), ctx.Queue()
    t0 = time.time() + 0.5
    window[2] = t0
    loads = [os.getloadavg()]
    count = args.generators
    gens = [ctx.Process(target=_generator_main,
                        args=(args, scenario, "127.0.0.1", port, path,
                              list(range(g, poles, count)), t0, window, prefix, gen_ready,
                              results)) for g in range(count)]
    for gen in gens:
        gen.start()
    for _ in gens:
        gen_ready.get(timeout=poles / args.ramp_rate + 600)
    ramp_s = time.time() - t0
    settle = args.settle
    time.sleep(settle)
    rss_connected = rss()
    loads.append(os.getloadavg())
    duration = args.sat_duration if scenario == "saturation" else args.duration
    start = time.time() + 0.2
    window[0], window[1] = start, start + duration
    time.sleep(max(0.0, start - time.time()))
    gen_pids = [gen.pid for gen in gens if gen.pid is not None]
    cpu0, gen0, machine0 = cpu(), sum(_proc_cpu_s(p) for p in gen_pids), _machine_cpu()
    running_samples: list[int] = []  # runnable threads (procs_running), sampled in the window
    while time.time() < start + duration - 0.25:
        time.sleep(0.25)
        running_samples.append(_procs_running())
    time.sleep(max(0.0, start + duration - time.time()))
    cpu1, gen1, machine1 = cpu(), sum(_proc_cpu_s(p) for p in gen_pids), _machine_cpu()
    cpu_per_process = [_proc_cpu_s(pid) - at for pid, at in zip(pids, cpu_at_start,
                                                                 strict=True)]
    cpu_span = time.time() - t0
    load_avg = os.getloadavg()
    rss_end = rss()
    collected = [results.get(timeout=args.verify_wait + 300) for _ in gens]
    loads.append(os.getloadavg())
    for gen in gens:
        gen.join(timeout=30)
    stop.set()
    if tmp is None:
        stored = stats_q.get(timeout=300)
        procs[0].join(timeout=60)
    else:
        reports = sorted((stats_q.get(timeout=300) for _ in procs), key=lambda r: r["worker"])
        for proc in procs:
            proc.join(timeout=60)
        stored = _count_rows(url, prefix, cleanup=args.db != "sqlite")
        stored["stalls"] = " | ".join(
            f"worker {r['worker']} ({r['held']} poles at window start): {r['stalls']}"
            for r in reports)
        tmp.cleanup()
    total = GenStats()
    gen_cpu = 0.0
    gen_stalls: list[str] = []
    for number, (stats, cpu) in enumerate(collected):
        total.slow_boot += stats.slow_boot
        gen_stalls += [f"generator {number} late {late * 1000:.0f} ms at {at:.1f} s"
                       for at, late in stats.lags[:10]]
        gen_stalls += [f"generator {number} GC gen {generation} {took * 1000:.0f} ms at "
                       f"{at:.1f} s" for at, took, generation in stats.long_gc[:10]]
        gen_cpu += cpu
        total.connected += stats.connected
        total.connect_failed += stats.connect_failed
        total.dropped += stats.dropped
        total.errors += stats.errors
        total.window_calls += stats.window_calls
        total.held_at_end += stats.held_at_end
        total.server_calls += stats.server_calls
        total.window_latency_ms += stats.window_latency_ms
        total.ramp_latency_ms += stats.ramp_latency_ms
        total.failures += stats.failures
        for phase, values in stats.phase_ms.items():
            total.phase_ms.setdefault(phase, []).extend(values)
        total.boot_s += stats.boot_s
        total.backlog_done += stats.backlog_done
        total.verified_at += stats.verified_at
        total.sent.update(stats.sent)
        total.deploy_calls.update(stats.deploy_calls)
        total.invalid += stats.invalid
        total.invalid_examples += stats.invalid_examples
    held = total.held_at_end
    notes = [f"connected, booted{' and CSMS calls done' if scenario == 'tender' else ''} "
             f"{ramp_s:.1f} s after the first pole (ramp asked {args.ramp_rate:g}/s)"]
    notes += total.failures[:3]
    storm: dict[str, Any] = {}
    if scenario == "storm":
        storm = {
            "phases": {phase: (_pct(v, 0.50), _pct(v, 0.99), max(v, default=float("nan")),
                               len(v)) for phase, v in total.phase_ms.items()},
            "boots_within_30s": sum(1 for b in total.boot_s if b <= 30.0),
            "boots": len(total.boot_s), "boot_max_s": max(total.boot_s, default=float("nan")),
            "backlog_flushed_s": max(total.backlog_done, default=t0) - t0,
            "verified": len(total.verified_at),
            "verified_s": max(total.verified_at, default=t0) - t0,
            "sent": dict(total.sent), "deploy_calls": dict(total.deploy_calls),
            "invalid": total.invalid, "invalid_examples": total.invalid_examples[:3],
            "loads": loads, "cpu_per_process": cpu_per_process, "cpu_span": cpu_span,
            "slow_boot": _slow_calls(total.slow_boot), "generator_stalls": gen_stalls,
        }
        if os.environ.get("CSMS_LOAD_SLOW_CALLS"):
            Path(os.environ["CSMS_LOAD_SLOW_CALLS"]).write_text(json.dumps(
                {"t0": t0, "calls": total.slow_boot}))
    label = (f"tender x{args.traffic_speed:g}" if scenario == "tender" else scenario)
    if workers > 1:
        label += f" w{workers}"
    return Outcome(
        scenario=scenario, label=label, server=server, poles=poles, held=held,
        connect_failed=total.connect_failed, dropped=total.dropped,
        calls_per_s=total.window_calls / duration,
        p50=_pct(total.window_latency_ms, 0.50), p99=_pct(total.window_latency_ms, 0.99),
        max_ms=max(total.window_latency_ms, default=float("nan")),
        ramp_p99=_pct(total.ramp_latency_ms, 0.99),
        rss_per_conn_kb=(rss_connected - rss_before) / max(1, total.connected),
        rss_mb=rss_end / 1024,
        server_cpu=(cpu1 - cpu0) / duration, gen_cpu=gen_cpu,
        gen_cpu_window=(gen1 - gen0) / duration, load_avg=load_avg, workers=workers,
        runnable=sum(running_samples) / max(1, len(running_samples)),
        machine_busy=(machine1[0] - machine0[0]) / max(1e-9, machine1[1] - machine0[1]),
        errors=total.errors,
        server_calls=total.server_calls, stored=stored, notes=notes, storm=storm,
        listen_queue=listen_queue)


def _slow_calls(calls: list[tuple[str, str, str, float, float]]) -> str:
    """Boot calls answered after over a second: when they were sent and when answered (in
    seconds after the first connect, the five busiest tenths of a second each). A group
    answered in the same tenth after being sent over a span was held by one stall."""
    if not calls:
        return "none"

    def busiest(moments: list[float]) -> str:
        tenths = collections.Counter(round(m, 1) for m in moments)
        return ", ".join(f"{at:.1f} s: {n}" for at, n in sorted(tenths.most_common(5)))
    actions = collections.Counter(action for _, _, action, _, _ in calls)
    return (f"{len(calls)} ({dict(actions)}), sent {min(c[3] for c in calls):.1f}–"
            f"{max(c[3] for c in calls):.1f} s (busiest {busiest([c[3] for c in calls])}), "
            f"answered {min(c[4] for c in calls):.1f}–{max(c[4] for c in calls):.1f} s "
            f"(busiest {busiest([c[4] for c in calls])})")


def _print_table(outcomes: list[Outcome]) -> None:
    print()
    print(f"{'scenario':<16}{'server':<7}{'poles':>7}{'held':>7}{'calls/s':>10}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'ramp p99':>10}{'KB/conn':>9}"
          f"{'RSS MB':>8}{'srv CPU':>9}{'errors':>8}")
    for o in outcomes:
        print(f"{o.label:<16}{o.server:<7}{o.poles:>7}{o.held:>7}{o.calls_per_s:>10,.0f}"
              f"{o.p50:>9.1f}{o.p99:>9.1f}{o.max_ms:>9.1f}{o.ramp_p99:>10.1f}"
              f"{o.rss_per_conn_kb:>9.1f}{o.rss_mb:>8.0f}{o.server_cpu:>9.0%}{o.errors:>8}")
    print()
    for o in outcomes:
        rows = {k: v for k, v in o.stored.items() if k != "stalls"}
        extra = f", stored rows {rows}" if rows else ""
        extra += f"; {o.stored['stalls']}" if "stalls" in o.stored else ""
        print(f"  {o.label}/{o.server}: connect failures {o.connect_failed}, dropped "
              f"{o.dropped}, CSMS→pole calls answered {o.server_calls}, load-generator CPU "
              f"{o.gen_cpu:.0f} s total, {o.gen_cpu_window:.0%} in the window; "
              f"{o.workers} server process(es), load average at window end "
              f"{' '.join(f'{x:.2f}' for x in o.load_avg)}, runnable threads in the window "
              f"{o.runnable:.1f} on average, machine CPU busy {o.machine_busy:.0%} of "
              f"{os.cpu_count()} cores{extra}; " + "; ".join(o.notes))


def _print_storm(o: Outcome) -> None:
    """The storm's figures, from the first connect on."""
    st = o.storm
    print(f"  {o.label}/{o.server}: {o.poles} poles reconnecting at once "
          f"({o.workers} server process(es), listen backlog in effect "
          f"{'unknown' if o.listen_queue is None else o.listen_queue}); "
          "load average before/at window/end "
          + ", ".join(" ".join(f"{x:.2f}" for x in load) for load in st["loads"]))
    for phase in ("boot", "backlog", "storm"):
        if phase in st["phases"]:
            p50, p99, worst, n = st["phases"][phase]
            print(f"    {phase:<8} {n:>8} calls  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  "
                  f"max {worst:8.1f} ms")
    print(f"    steady   {'':>8}        p50 {o.p50:8.1f} ms  p99 {o.p99:8.1f} ms  "
          f"max {o.max_ms:8.1f} ms  ({o.calls_per_s:,.0f} calls/s)")
    print(f"    BootNotification answered within 30 s of the first connect attempt: "
          f"{st['boots_within_30s']}/{o.poles} (slowest {st['boot_max_s']:.1f} s); "
          f"backlog flushed {st['backlog_flushed_s']:.1f} s after the first connect; "
          f"profiles verified by the poles' GetCompositeSchedule: {st['verified']}/{o.poles}"
          + (f", the last {st['verified_s']:.1f} s after the first connect"
             if st["verified"] else ""))
    sent = st["sent"]
    rows = {k: v for k, v in o.stored.items() if k != "stalls"}
    if rows:
        expected = {"transactions": sent.get("StartTransaction", 0),
                    "meter_values": sent.get("sampledValue", 0),
                    "status_events": sent.get("StatusNotification", 0)}
        print("    stored against sent: " + ", ".join(
            f"{table} {rows.get(table, 0)}/{want}"
            + (" LOST" if rows.get(table, 0) < want else
               " TWICE" if rows.get(table, 0) > want else " ok")
            for table, want in expected.items())
            + f"; verified profiles {rows.get('verified profiles', 0)}")
    print(f"    server CPU from the first connect to the window's end ({st['cpu_span']:.0f} s): "
          + ", ".join(f"{seconds:.1f} s" for seconds in st["cpu_per_process"])
          + " per process")
    print(f"    boot calls answered after over 1 s: {st['slow_boot']}; the load generators' "
          "own stalls (loop late over 150 ms, GC over 50 ms): "
          + ("; ".join(st["generator_stalls"]) or "none"))
    print(f"    CSMS→pole calls {st['deploy_calls']}; memory {o.rss_per_conn_kb:.1f} KB per "
          f"connection; frames breaking the OCPP 1.6 schema {st['invalid']}"
          + (f" e.g. {st['invalid_examples']}" if st["invalid_examples"] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--poles", type=int, default=10_000)
    parser.add_argument("--traffic-speed", type=float, default=30.0,
                        help="compress the 900 s Heartbeat/MeterValues interval this many times")
    parser.add_argument("--ramp-rate", type=float, default=250.0, help="connections per second")
    parser.add_argument("--duration", type=float, default=60.0, help="tender window, s")
    parser.add_argument("--sat-poles", type=int, default=500)
    parser.add_argument("--sat-duration", type=float, default=20.0)
    parser.add_argument("--settle", type=float, default=5.0,
                        help="pause after the ramp (and, in tender, after the CSMS's calls to "
                             "the poles are over) before the window opens, s")
    parser.add_argument("--quiet", type=float, default=2.0,
                        help="tender: the CSMS's calls to the poles count as done after this "
                             "long without a new one, s")
    parser.add_argument("--generators", type=int, default=2, help="load-generator processes")
    parser.add_argument("--db", default="sqlite",
                        help="'sqlite' (a temp file) or a PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=1,
                        help="ours: service processes sharing one SO_REUSEPORT port and a "
                             "PostgreSQL database, as `paalwerk service --workers N` runs them")
    parser.add_argument("--scenario", choices=("tender", "saturation", "both", "storm"),
                        default="both", help="storm: --poles reconnect at once (see above)")
    parser.add_argument("--storm-ramp-rate", type=float, default=1e6,
                        help="storm: connections per second (default: as fast as possible)")
    parser.add_argument("--backlog-hours", type=float, default=24.0,
                        help="storm: how long the poles were cut off")
    parser.add_argument("--backlog-transactions", type=int, default=1,
                        help="storm: queued transactions per socket (two sockets)")
    parser.add_argument("--backlog-interval", type=float, default=900.0,
                        help="storm: seconds between queued MeterValues of a transaction")
    parser.add_argument("--verify-wait", type=float, default=600.0,
                        help="storm: after the window, wait this long after the first "
                             "connect for every profile to be verified, s")
    parser.add_argument("--no-validate", action="store_true",
                        help="storm: skip checking every frame against OCPP 1.6's schemas")
    parser.add_argument("--servers", choices=("ours", "plain", "both"), default="both")
    parser.add_argument("--no-deploy", action="store_true",
                        help="tender: do not deploy the capacity profile after boot")
    parser.add_argument("--somaxconn", type=int, default=None, metavar="N",
                        help="set net.core.somaxconn and net.ipv4.tcp_max_syn_backlog to N "
                             "for the run (root), restored at exit")
    parser.add_argument("--listen-backlog", type=int, default=None, metavar="N",
                        help="the plain example's listen backlog (default: the one our "
                             "service asks for)")
    args = parser.parse_args()
    if args.workers > 1 and not args.db.startswith("postgresql"):
        parser.error("--workers above 1 needs a PostgreSQL --db, as the service does")
    if args.somaxconn is not None and args.somaxconn < 1:
        parser.error("--somaxconn must be at least 1")
    if args.listen_backlog is None:
        from service.listen_queue import LISTEN_BACKLOG
        args.listen_backlog = LISTEN_BACKLOG
    # SIGTERM ends the run like Ctrl-C, so the kernel's settings are put back; the forked
    # servers and generators inherit the handler, and just end.
    main_pid = os.getpid()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143) if os.getpid() == main_pid
                  else os._exit(143))
    with KernelQueues(args.somaxconn):
        _run(args)


def _run(args: argparse.Namespace) -> None:
    """Every scenario asked, on every server asked; the figures and the targets."""
    limit = raise_nofile()
    print(f"open-file limit {limit} per process; {os.cpu_count()} CPUs; "
          f"{args.generators} load-generator processes; {args.workers} service process(es); "
          f"storage {args.db}; Python "
          f"{sys.version.split()[0]}")
    from benchmarks.machine_pace import machine_pace
    print(machine_pace(), flush=True)  # runs of other days are compared at the same pace
    scenarios = ["tender", "saturation"] if args.scenario == "both" else [args.scenario]
    servers = ["ours", "plain"] if args.servers == "both" else [args.servers]
    outcomes = []
    for scenario in scenarios:
        for server in servers:
            outcome = run_one(args, scenario, server)
            outcomes.append(outcome)
            print(f"{outcome.label}/{server}: {outcome.held}/{outcome.poles} connections held, "
                  f"{outcome.calls_per_s:,.0f} calls/s, p50 {outcome.p50:.1f} ms, "
                  f"p99 {outcome.p99:.1f} ms", flush=True)
    _print_table(outcomes)
    for o in outcomes:
        if o.storm:
            _print_storm(o)
    by = {(o.scenario, o.server): o for o in outcomes}
    tender = by.get(("tender", "ours"))
    if tender is not None:
        ok = tender.held >= 10_000 and tender.p99 < 100
        speed = ("real tender traffic" if args.traffic_speed == 1 else
                 f"tender traffic compressed x{args.traffic_speed:g}, not the target's")
        print(f"target tender ({speed}): {tender.held} poles held, p99 {tender.p99:.1f} ms "
              f"(need 10,000 held and p99 < 100 ms): {'MET' if ok else 'NOT MET'}")
    ours, plain = by.get(("saturation", "ours")), by.get(("saturation", "plain"))
    if ours is not None and plain is not None:
        ratio = ours.calls_per_s / max(plain.calls_per_s, 1e-9)
        print(f"target saturation: ours ({args.workers} service process(es), {args.db}) "
              f"{ours.calls_per_s:,.0f} calls/s vs plain {plain.calls_per_s:,.0f} calls/s = "
              f"{ratio:.2f}x (need >= 2x): {'MET' if ratio >= 2 else 'NOT MET'}")
        if args.workers == 1:
            print("  one process serves about one core; `--workers 2 --db postgresql://…` "
                  "measures `paalwerk service --workers 2` on both cores")


if __name__ == "__main__":
    main()
