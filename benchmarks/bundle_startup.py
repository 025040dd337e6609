"""Cold start of the installed bundle to the first live value, beside the same from source.

The question a technician asks of the installer: is the installed program as quick to
show a pole as the developers' ``paalwerk``? Both are measured in the same run,
alternating, on the same machine: the clock starts before the process is spawned and
stops when the app reports its first Live sample on screen (``PAALWERK_TRACE_STARTUP``),
so loading, the demo's child processes (from the bundle: the bundle's own executable)
and the serial link are all included. Target: the bundle ≤ 3 s and within 1.5× of source.

    .venv/bin/python benchmarks/bundle_startup.py --bundle dist/paalwerk [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 3.0
TARGET_RATIO = 1.5


def one_run(command: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAALWERK_TRACE_STARTUP": "1"}
    started = time.perf_counter()
    app = subprocess.Popen(command, env=env, text=True, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    try:
        assert app.stdout is not None
        for line in app.stdout:
            if "first live sample" in line:
                return time.perf_counter() - started
        raise RuntimeError(f"{command[0]} exited ({app.wait()}) before showing live data")
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            app.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=Path("dist/paalwerk"),
                        help="the one-folder bundle (installers/build-linux.sh: dist/paalwerk)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    commands = {"bundle": [str(args.bundle.resolve() / "paalwerk")],
                "source": [sys.executable, "-m", "paalwerk"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # alternating, so a busy moment of the machine hits both
        for name, command in commands.items():
            times[name].append(one_run(command))
    for name, seconds in times.items():
        print(f"{name:6}: " + "  ".join(f"{value:.2f}" for value in seconds)
              + f"  → median {statistics.median(seconds):.2f} s, worst {max(seconds):.2f} s")
    bundle, source = statistics.median(times["bundle"]), statistics.median(times["source"])
    ratio = bundle / source
    print(f"bundle/source median ratio {ratio:.2f} — target: bundle ≤ {TARGET_S:g} s "
          f"({'met' if bundle <= TARGET_S else 'NOT met'}), ≤ {TARGET_RATIO:g}× source "
          f"({'met' if ratio <= TARGET_RATIO else 'NOT met'})")


if __name__ == "__main__":
    main()
