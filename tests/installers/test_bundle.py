"""The built bundle (PyInstaller, installers/paalwerk.spec) runs the demo from itself.

A frozen app has no ``python -m``: the bundle's own executable must start the demo's
``paalwerk service`` and ``paalwerk sim`` children, and a SIGTERM to the app must stop
them all. Building takes minutes, so the suite never builds: .ci/run builds the bundle
once and runs this with ``PAALWERK_BUNDLE`` set to its folder; without it, it is skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BUNDLE_ENV = "PAALWERK_BUNDLE"
WAIT_S = 60.0
"""A cold start of a bundle on a loaded CI machine, four children included."""

pytestmark = [
    pytest.mark.skipif(not os.environ.get(BUNDLE_ENV), reason=(
        f"no bundle built: set {BUNDLE_ENV} to the folder installers/build-linux.sh makes "
        "(.ci/run does)")),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


def _executable() -> Path:
    executable = Path(os.environ[BUNDLE_ENV]) / "paalwerk"
    assert executable.is_file(), f"{BUNDLE_ENV}={os.environ[BUNDLE_ENV]} has no paalwerk"
    return executable


def _children(pid: int) -> dict[int, list[str]]:
    """The live child processes of ``pid`` with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = [part.decode() for part in command if part]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_bundle_starts_service_and_sim_children_and_stops_them_on_sigterm() -> None:
    executable = _executable()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAALWERK_TRACE_STARTUP": "1"}
    app = subprocess.Popen([str(executable)], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    assert app.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(app.stdout or []), daemon=True)
    reader.start()
    children: dict[int, list[str]] = {}
    try:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            children = _children(app.pid)
            subcommands = sorted(command[1] for command in children.values()
                                 if len(command) > 1)
            if subcommands.count("sim") >= 3 and "service" in subcommands and any(
                    "first live sample" in line for line in lines):
                break
            assert app.poll() is None, f"the app exited with {app.returncode}: {lines}"
            time.sleep(0.2)
        else:
            pytest.fail(f"within {WAIT_S:g} s: children {children}, output {lines}")
        for command in children.values():
            assert command[0] == str(executable), command  # no python -m: the bundle itself
        app.send_signal(signal.SIGTERM)
        assert app.wait(30) == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(map(_alive, children)):
            time.sleep(0.1)
        assert not [pid for pid in children if _alive(pid)], "children left running"
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
