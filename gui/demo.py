"""The demo behind a bare ``paalwerk``: a service and virtual poles in child processes.

Children, not threads: the service and the poles each run their own event loop, the GUI
keeps the qasync one, and stopping the demo is stopping processes — which is also what
makes "no process left behind" checkable. Everything lives in one temporary folder
(SQLite database, API token, the poles' outboxes) that is removed at the end.

The stack starts in parallel: the pole on the serial pseudo-terminal prints its port
within a fraction of a second, so the window can show live data before the service has
finished migrating its database; the fleet fills in as the OCPP poles connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when used: the demo's children start before anything heavy
    from pole_link.firmware.demo import DemoRelease
    from pole_link.service_api import ServiceEndpoint

STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 8.0
OCPP_POLES = 5
DEMO_SAMPLE_S = 60
"""Meter values every minute in the demo (15 min in the field) so the fleet shows power."""
SERIAL_POLE_PREFIX = "PW-9"
BLE_POLE_PREFIX = "PW-8"
BLE_TRANSPORT_ENV = "PAALWERK_BLE_TRANSPORT"
_TOKEN_LINE = re.compile(r"Operator API token .*: (\S+)")
_SERIAL_LINE = re.compile(r"^(\S+) serial (\S+)$")
_BLE_LINE = re.compile(r"^(\S+) ble (\S+) (\S+)$")


class DemoError(RuntimeError):
    """A demo child could not start; the message carries what it printed."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


WINDOWS_CONSOLE_EXE = "paalwerk-cli.exe"
"""On Windows the bundle has a windowed ``Paalwerk.exe`` (no console window, but no
stdout either) and this console twin beside it (installers/paalwerk.spec)."""


def child_command(*args: str) -> list[str]:
    """The command line that runs ``paalwerk ARGS`` in a child process — the one place
    that decides it.

    From source that is this interpreter with ``-m paalwerk``; a frozen bundle (PyInstaller)
    has no ``python -m``, so it is the bundle's own executable with the subcommand. On
    Windows the console twin, because a windowed executable's child has no stdout to print
    its serial port and token lines on.
    """
    if not getattr(sys, "frozen", False):
        return [sys.executable, "-m", "paalwerk", *args]
    executable = Path(sys.executable)
    if sys.platform == "win32" and (console := executable.with_name(WINDOWS_CONSOLE_EXE)
                                    ).exists():
        executable = console
    return [str(executable), *args]


class Child:
    """One child process whose output lines are collected by a thread (loop-agnostic)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            child_command(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env, bufsize=1,
            # a console child of a windowed app would open a console window of its own
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, name=f"{name} output", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            self.lines.put(line.rstrip())

    async def wait_for(self, pattern: re.Pattern[str], timeout: float = STARTUP_TIMEOUT_S
                       ) -> re.Match[str]:
        """The first output line matching ``pattern``; `DemoError` if the child dies first."""
        async with asyncio.timeout(timeout):
            while True:
                try:
                    line = self.lines.get_nowait()
                except queue.Empty:
                    if self.process.poll() is not None and self.lines.empty():
                        raise DemoError(f"{self.name} exited with {self.process.returncode}: "
                                        + " | ".join(self.output[-5:])) from None
                    await asyncio.sleep(0.02)
                    continue
                match = pattern.search(line)
                if match:
                    return match

    def terminate(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

DEMO_TOKEN_HOURS = 72
SERVICE_TOKEN_KEY_FILE = "service-token-key.pem"
"""Where ``paalwerk service`` keeps its signing key: beside its ``--token-file``
(`service.security.service_tokens.KEY_FILE_NAME`)."""


def make_demo_token_key(folder: Path, now: datetime) -> tuple[str, str]:
    """The demo service's signing key, made before the service starts so the serial pole
    (which starts first) already has its public key: ``(ServiceTokenKeys, a token for
    every demo pole)``. The demo plays the helpdesk here; the service finds the key
    beside its token file and signs with it from then on."""
    import secrets

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from pole_link.service_tokens import Claims, issue, public_key_text

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    descriptor = os.open(folder / SERVICE_TOKEN_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    issued = int(now.timestamp())
    token = issue(key, Claims("paalwerk", "demo technician", "engineer", ("*",), issued,
                              issued + DEMO_TOKEN_HOURS * 3600,
                              f"demo-{secrets.token_urlsafe(8)}"))
    return public_key_text(key.public_key()), token


@dataclass
class DemoStack:
    """The running demo: where the service is, and where the serial pole's port is."""

    folder: Path
    port: int
    children: list[Child] = field(default_factory=list)
    token: str | None = None
    serial_pole: tuple[str, str] | None = None
    """(pole id, device path) of the pole on the pseudo-terminal."""
    release: DemoRelease | None = None
    """The demo's signed firmware release, made at start (`make_demo_release`)."""
    token_keys: str | None = None
    """``ServiceTokenKeys`` of the demo's service (`make_demo_token_key`): every demo pole
    starts with it, so none accepts the PIN, as in the field."""
    service_token: str | None = field(default=None, repr=False)
    """A service token for every demo pole, so the demo is writable out of the box."""

    @property
    def trust(self) -> list[str]:
        """``--trust ROOT`` for the demo's poles and service: the demo root; and the
        service's token key for the poles (``--service-token-keys``)."""
        trust = ["--trust", str(self.release.root)] if self.release is not None else []
        return trust + (["--service-token-keys", self.token_keys] if self.token_keys else [])

    @property
    def service_trust(self) -> list[str]:
        return ["--trust", str(self.release.root)] if self.release is not None else []

    @property
    def service(self) -> ServiceEndpoint:
        from pole_link.service_api import ServiceEndpoint

        assert self.token is not None, "the service has not printed its token yet"
        return ServiceEndpoint(f"http://127.0.0.1:{self.port}", self.token)

    @property
    def pids(self) -> list[int]:
        return [child.process.pid for child in self.children]

    @classmethod
    def launch(cls) -> DemoStack:
        """Start the serial pole now (returns at once); `start_fleet` starts the rest.

        Two steps because CPU is the bottleneck of a cold start: the serial pole is what
        the window shows first, so it starts alone and the service and OCPP poles follow
        once live data is on screen (or `start_fleet` is called for another reason).
        """
        folder = Path(tempfile.mkdtemp(prefix="paalwerk-demo-"))
        stack = cls(folder, _free_port())
        from datetime import UTC, datetime

        from pole_link.firmware.demo import make_demo_release  # cryptography only

        stack.release = make_demo_release(folder / "firmware", datetime.now(UTC))
        stack.token_keys, stack.service_token = make_demo_token_key(folder, datetime.now(UTC))
        try:
            stack.children.append(Child("serial pole", [
                "sim", "--serial", "--csms", stack.csms_url, "--poles", "1",
                "--id-prefix", SERIAL_POLE_PREFIX, "--plug", "1:ev3", *stack.trust], stack.env))
        except OSError:
            stack.stop()
            raise
        return stack

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "PAALWERK_STATE_DIR": str(self.folder / "poles"),
                "PYTHONUNBUFFERED": "1"}

    @property
    def csms_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def start_fleet(self) -> None:
        """The service and the OCPP poles; safe to call twice."""
        if len(self.children) > 1:
            return
        self.children.append(Child("service", [
            "service", "--db", f"sqlite:///{self.folder / 'demo.sqlite'}",
            "--port", str(self.port), "--token-file", str(self.folder / "tokens.json"),
            *self.service_trust], self.env))
        self.children.append(Child("OCPP poles", [
            "sim", "--csms", self.csms_url, "--poles", str(OCPP_POLES),
            "--plug", "1:ev3", "--plug", "2:zoe", *self.trust], self.env))
        self.children.append(Child("BLE pole", [
            "sim", "--ble", "--csms", self.csms_url, "--poles", "1",
            "--id-prefix", BLE_POLE_PREFIX, "--plug", "2:ev1", *self.trust], self.env))

    async def serial_ready(self) -> tuple[str, str]:
        match = await self.children[0].wait_for(_SERIAL_LINE)
        self.serial_pole = (match.group(1), match.group(2))
        return self.serial_pole

    async def service_ready(self) -> ServiceEndpoint:
        """Waits for `start_fleet` (called by whoever decides when), then for the service."""
        while len(self.children) < 2:  # noqa: ASYNC110 - start_fleet is a plain call
            await asyncio.sleep(0.05)
        service = self.children[1]
        self.token = (await service.wait_for(_TOKEN_LINE)).group(1)
        await service.wait_for(re.compile(r"^Operator API: "))
        return self.service

    async def liven_up(self, timeout: float = STARTUP_TIMEOUT_S) -> list[str]:
        """Make the demo fleet look like a working evening: meter values every minute (so
        the Fleet view shows power) and a charge started on every other OCPP pole.

        Goes through the operator API like any client; returns the poles it started.
        """
        from pole_link.errors import PoleLinkError
        from pole_link.service_api import ServiceClient

        wanted = [f"PW-{number:04d}" for number in range(1, OCPP_POLES + 1)]
        started: list[str] = []
        async with ServiceClient(self.service, timeout=10) as client, \
                asyncio.timeout(timeout):
            while True:
                online = {pole.id for pole in await client.poles() if pole.connected}
                if set(wanted) <= online:
                    break
                await asyncio.sleep(0.5)
            for index, pole_id in enumerate(wanted):
                for key in ("MeterValueSampleInterval", "ClockAlignedDataInterval"):
                    await client.configure(pole_id, key, str(DEMO_SAMPLE_S))
                if index % 2 == 0:
                    with contextlib.suppress(PoleLinkError):
                        answer = await client.remote_start(pole_id, 1, "DEMO-CARD")
                        if answer.get("status") == "Accepted":
                            started.append(pole_id)
        return started

    async def ble_ready(self) -> tuple[str, str, str]:
        """(pole id, address, HCI transport) of the BLE pole; this process joins its radio.

        Setting ``PAALWERK_BLE_TRANSPORT`` makes every BLE scan and link of this process
        use the demo's virtual radio instead of the laptop's Bluetooth.
        """
        while len(self.children) < 4:  # noqa: ASYNC110 - start_fleet is a plain call
            await asyncio.sleep(0.05)
        match = await self.children[3].wait_for(_BLE_LINE)
        os.environ[BLE_TRANSPORT_ENV] = match.group(3)
        return match.group(1), match.group(2), match.group(3)

    def stop(self) -> None:
        """SIGTERM every child (poles end their transactions as on a power cut), then wait."""
        for child in reversed(self.children):
            child.terminate()
        for child in reversed(self.children):
            child.wait(STOP_TIMEOUT_S)
        shutil.rmtree(self.folder, ignore_errors=True)
