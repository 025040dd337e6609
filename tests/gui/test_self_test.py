"""``paalwerk --self-test`` from source: the real demo, live values, one line, exit 0.

The bundle's own self-test runs in CI (.ci/run) right after the bundle is built.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import REPO


def test_self_test_reads_live_values_over_serial_and_through_the_service() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "paalwerk", "--self-test"], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=150)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, (done.stdout, done.stderr[-2000:])
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("paalwerk self-test passed in ")
    for checked in ("Paalwerk 0.1.0, icon drawn", "over serial /dev/", "live after",
                    "through the service at http://127.0.0.1:", "BLE scan found PW-8"):
        assert checked in line, line


def test_a_failed_self_test_says_why_and_exits_1() -> None:
    """An impossible deadline: the line names the check that did not pass in time."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "paalwerk", "--self-test", "--timeout", "0"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr[-2000:])
    assert done.stdout.startswith("paalwerk self-test FAILED after "), done.stdout
    assert "live data over serial: not within 0 s" in done.stdout
