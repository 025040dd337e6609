"""``paalwerk`` start to first live value on screen (target: ≤ 2 s).

Runs the real command (offscreen Qt), the way a newcomer does, several times; the clock
starts before the process is spawned and stops when the app reports its first Live
sample, so Python start-up, imports, the demo's child processes and the serial link are
all included.

    .venv/bin/python benchmarks/gui_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys

# Run as a script (python benchmarks/gui_startup.py), this folder is on sys.path; the
# bundle benchmark owns the measurement, so both time the same thing the same way.
from bundle_startup import one_run

TARGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    times = [one_run([sys.executable, "-m", "paalwerk"]) for _ in range(runs)]
    for index, seconds in enumerate(times, start=1):
        print(f"run {index}: first live value after {seconds:.2f} s")
    median = statistics.median(times)
    print(f"median {median:.2f} s, worst {max(times):.2f} s — target ≤ {TARGET_S:g} s: "
          f"{'met' if max(times) <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
