"""``paalwerk --self-test``: the installed app shows, in one command, that it works here.

A technician (or CI, or a support call) needs one yes-or-no answer to "does this laptop's
Paalwerk work?", and a frozen bundle can break in ways no source test sees: a Qt plugin,
a hidden import or a data file left out, a child process that cannot be started. So the
self-test runs the real thing, headless: the demo's window (offscreen unless
``QT_QPA_PLATFORM`` says otherwise) with its service and virtual poles in child
processes, and it waits for what a technician would look at — a live value from the
serial pole, a pole's live value through the service, and the BLE pole found by
a scan on the virtual radio. It prints one line saying what it checked and how long each
step took, and exits 0 when all of it worked, 1 when anything did not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from gui.demo import DemoStack

if TYPE_CHECKING:
    from gui.views.main_window import MainWindow
    from pole_link.live import LiveSample

SELF_TEST_TIMEOUT_S = 90.0
"""Generous: a cold start on a slow laptop, the first start of a bundle from disk."""
POLL_S = 0.05


class SelfTestFailed(Exception):
    """A check did not pass; the message says which and why."""


def _sample_text(sample: LiveSample) -> str:
    socket = sample.sockets[0]
    return f"socket 1 {socket.cp_state.value}, {max(socket.current_a):.1f} A"


class _Checks:
    """The checks, run against the demo window; each records one phrase for the line."""

    def __init__(self, window: MainWindow, demo: DemoStack, started: float,
                 timeout: float) -> None:
        self.window = window
        self.demo = demo
        self.started = started
        self.deadline = started + timeout
        self.done: list[str] = []
        self.errors: list[str] = []
        self.samples: dict[str, LiveSample] = {}
        window.controller.sample_received.connect(self._sample)
        window.confirm = lambda _question: True  # switching poles asks: the answer is yes
        shown = window.tasks.on_error

        def failed(what: str, error: BaseException) -> None:
            self.errors.append(f"{what}: {type(error).__name__}: {error}")
            if shown is not None:
                shown(what, error)

        window.tasks.on_error = failed

    def _sample(self, sample: LiveSample) -> None:
        address = self.window.controller.address
        if address is not None:
            self.samples[address.transport] = sample

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    async def until(self, what: str, condition: Callable[[], bool]) -> None:
        """Wait for ``condition``; fail at the deadline or as soon as the demo reports an
        error (a child that died, a link that failed), with that error as the reason."""
        while not condition():
            if self.errors:
                raise SelfTestFailed(f"{what}: {self.errors[0]}")
            if time.perf_counter() > self.deadline:
                raise SelfTestFailed(f"{what}: not within {self.deadline - self.started:g} s")
            await asyncio.sleep(POLL_S)

    async def run(self) -> None:
        from gui.help.licences import app_version
        from gui.icons import app_icon
        from pole_link.service_api import ServiceClient

        window, demo = self.window, self.demo
        version = app_version()
        if version is None:
            raise SelfTestFailed("the app's version: no package metadata and no pyproject.toml")
        if app_icon().pixmap(64, 64).isNull():
            raise SelfTestFailed("the app icon does not render (Qt's SVG plugins missing?)")
        self.done.append(f"Paalwerk {version}, icon drawn")
        window.start_demo(demo)
        await self.until("live data over serial", lambda: "serial" in self.samples)
        assert demo.serial_pole is not None
        pole_id, path = demo.serial_pole
        self.done.append(f"{pole_id} over serial {path}: live after {self.elapsed():.1f} s "
                         f"({_sample_text(self.samples['serial'])})")

        await self.until("the demo's service", lambda: window.feed.service is not None)
        service = window.feed.service
        assert service is not None
        connected: set[str] = set()

        async def poll_connected() -> None:
            async with ServiceClient(service, timeout=10) as client:
                while not connected:
                    connected.update(pole.id for pole in await client.poles() if pole.connected)
                    await asyncio.sleep(0.2)

        # The first demo pole the service has (usually an OCPP pole: the serial one was
        # started before the service and may be between two reconnection attempts).
        poller = asyncio.ensure_future(poll_connected())
        try:
            await self.until("a pole connected to the service",
                             lambda: bool(connected) or poller.done())
            if not connected:
                raise SelfTestFailed(f"asking the service for its poles: {poller.exception()!r}")
        finally:
            poller.cancel()
        remote = pole_id if pole_id in connected else sorted(connected)[0]
        window.open_remote_pole(remote)
        await self.until(f"live data of {remote} through the service",
                         lambda: "csms" in self.samples)
        self.done.append(f"{remote} through the service at {service.url}: live after "
                         f"{self.elapsed():.1f} s ({_sample_text(self.samples['csms'])})")

        ble = window.connect_view.ble_poles
        await self.until("a BLE scan on the virtual radio", lambda: ble.count() > 0)
        found = ", ".join(ble.item(row).text() for row in range(ble.count()))
        self.done.append(f"BLE scan found {found} after {self.elapsed():.1f} s")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paalwerk --self-test", description=(
        "Start the demo headless, read a live value over serial and through the service, "
        "scan the virtual BLE radio; print one line; exit 0 (passed) or 1 (failed)."))
    parser.add_argument("--timeout", type=float, default=SELF_TEST_TIMEOUT_S, metavar="S",
                        help=f"give up after S seconds (default {SELF_TEST_TIMEOUT_S:g})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    demo = DemoStack.launch()  # its first child starts while Qt loads, as in the app
    try:
        outcome, checks = _run_in_window(demo, started, args.timeout)
    finally:
        demo.stop()
    took = time.perf_counter() - started
    summary = "; ".join(checks.done) if checks is not None else ""
    if outcome is None:
        print(f"paalwerk self-test passed in {took:.1f} s: demo started "
              f"({len(demo.children)} child processes); {summary}", flush=True)
        return 0
    print(f"paalwerk self-test FAILED after {took:.1f} s: {outcome}"
          + (f" (passed before that: {summary})" if summary else ""), flush=True)
    return 1


def _run_in_window(demo: DemoStack, started: float, timeout: float
                   ) -> tuple[str | None, _Checks | None]:
    """(None, checks) when every check passed, else (why not, checks so far)."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from gui.i18n import switch_language
    from gui.views.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Paalwerk")
    app.setOrganizationName("Paalwerk")
    switch_language("en")  # the line is read by CI and support: one language
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    checks = _Checks(window, demo, started, timeout)

    async def run() -> str | None:
        try:
            await checks.run()
            return None
        except SelfTestFailed as failure:
            return str(failure)
        finally:
            window.demo = None  # the caller stops the demo, after the window let go of it
            await window.shutdown()
            window.close()

    with loop:
        outcome = loop.run_until_complete(run())
    return outcome, checks
