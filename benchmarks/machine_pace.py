"""How fast this machine is right now, in two figures a run prints beside its own.

The development machine is a shared virtual machine whose speed drifts from day to day and
within a day: the same code's reconnect storm used 125 s of CPU in one session and 156–199 s
in the next (issue 20, docs/reconnect-storm.md, 7 December 2026). A figure from another day
can only be compared with one taken at the same pace, so `csms_load.py` prints these at its
start:

- **Python**: the CPU time of decoding and encoding a MeterValues frame (7 sampled values,
  as a storm's backlog sends them) with the standard `json` module, the per-message kind of
  work the service and the load generator do, in µs per frame. It is CPU time, so other
  programs on the machine change it only by sharing the CPU's caches and clock.
- **fsync**: the median wall time of writing 4 KB to a file and `os.fsync` (what each
  `synchronous=FULL` commit waits for), in ms, in the directory the run's SQLite database is
  made in (the system's temporary directory).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time

__all__ = ["machine_pace"]

_FRAME = json.dumps([2, "123456", "MeterValues", {
    "connectorId": 1, "transactionId": 42, "meterValue": [{
        "timestamp": "2026-03-01T17:59:59.123Z",
        "sampledValue": [{"value": f"{i}.5", "context": "Sample.Periodic",
                          "measurand": "Current.Import", "phase": f"L{i % 3 + 1}", "unit": "A"}
                         for i in range(7)]}]}], separators=(",", ":"))


def python_us_per_frame(frames: int = 20_000) -> float:
    """CPU µs to decode and re-encode one MeterValues frame (the lowest of three rounds:
    the least disturbed)."""
    rounds = []
    for _ in range(3):
        started = time.process_time()
        for _ in range(frames):
            json.dumps(json.loads(_FRAME), separators=(",", ":"))
        rounds.append((time.process_time() - started) / frames * 1e6)
    return min(rounds)


def fsync_ms(tries: int = 20) -> float:
    """The median wall ms of a 4 KB write and its fsync, in the temporary directory."""
    block = os.urandom(4096)
    times = []
    with tempfile.TemporaryFile() as file:
        for _ in range(tries):
            started = time.perf_counter()
            file.write(block)
            file.flush()
            os.fsync(file.fileno())
            times.append((time.perf_counter() - started) * 1e3)
    return statistics.median(times)


def machine_pace() -> str:
    """One line for a run's header."""
    return (f"machine pace: Python {python_us_per_frame():.1f} µs to decode and encode a "
            f"MeterValues frame (CPU); a 4 KB write and fsync {fsync_ms():.2f} ms (median)")


if __name__ == "__main__":
    print(machine_pace())
