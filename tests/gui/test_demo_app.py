"""The main job: ``paalwerk`` starts the demo window with live data and leaves nothing behind."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui import fleet_feed
from gui.demo import OCPP_POLES, DemoStack
from gui.firmware.local_install import Phase as InstallPhase
from gui.views.main_window import MainWindow, Page
from pole_link.firmware.demo import DEMO_VERSION
from service.event_loop import choose
from tests.gui.qt_support import shown as shown_within
from tests.support import REPO, Api, connected_pole

OUTPUT = REPO / "test-output"
DEMO_WAIT_S = 30.0
"""Child processes start on a loaded CI machine too: give the demo more time than a view."""


async def shown(condition: Callable[[], bool]) -> None:
    await shown_within(condition, DEMO_WAIT_S)


T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)




def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def socket_1_amps(window: MainWindow) -> float:
    sample = window.pole_view.state.sample
    return 0.0 if sample is None else max(sample.sockets[0].current_a)


async def test_the_demo_shows_live_data_and_a_charge_started_from_the_window(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fleet_feed, "UPTIME_MISSING_S", 1.0)
    window = MainWindow()
    qtbot.addWidget(window)
    window.pole_view.confirm = lambda question: True
    questions: list[str] = []
    window.confirm = lambda question: questions.append(question) is None
    window.show()
    stack = DemoStack.launch()
    pids = stack.pids
    try:
        window.start_demo(stack)
        assert "Paalwerk" in window.windowTitle()
        await shown(lambda: window.pole_view.state.sample is not None)
        assert window.pages.currentWidget() is window.pole_view
        assert window.pole_view.title.text() == "PW-90001"
        await shown(lambda: window.pole_view.cards[0].state.text().startswith("B"))
        assert socket_1_amps(window) == 0.0, "plugged in, not yet started"
        # eis 69: the demo's poles refuse the PIN like field poles; the demo's token opens them.
        access = window.pole_view.access
        assert access is not None and access.writable and access.expires is not None

        window.pole_view.connector.setValue(1)
        window.pole_view.start_button.click()
        try:
            await shown(lambda: socket_1_amps(window) > 5)
        except TimeoutError:
            raise AssertionError(f"no current; the window says {window.messages.text.text()!r}, "
                                 f"last sample {window.pole_view.state.sample}") from None
        assert window.pole_view.cards[0].state.text() == "C2"

        await shown(lambda: window.fleet_model.rowCount() == OCPP_POLES + 2)  # + serial, BLE
        await shown(lambda: window.fleet_model.pole("PW-0001") is not None and
                    window.fleet_model.pole("PW-0001").socket(1).status == "Charging")  # type: ignore[union-attr]
        await shown(lambda: window.fleet_model.pole("PW-90001") is not None and
                    window.fleet_model.pole("PW-90001").connected)  # type: ignore[union-attr]
        pids = stack.pids
        assert len(pids) == 4, "serial pole, service, OCPP poles, BLE pole"
        # The demo's service is ``paalwerk service`` in a child process, on the loop and
        # parser the service chooses (uvloop and httptools where installed); the window's
        # own loop is not the service's business.
        service_output = stack.children[1].output
        expected = choose()
        assert any(f"event loop: {expected.loop}" in line
                   and f"HTTP parser: {expected.http}" in line
                   for line in service_output), service_output
        await shown(lambda: any("PW-80001" in window.connect_view.ble_poles.item(row).text()
                                for row in range(window.connect_view.ble_poles.count())))

        # The BLE pole from the Connect view's scan list opens in the same Pole view.
        ble_list = window.connect_view.ble_poles
        item = next(ble_list.item(row) for row in range(ble_list.count())
                    if "PW-80001" in ble_list.item(row).text())
        ble_list.itemActivated.emit(item)
        await shown(lambda: window.pole_view.title.text() == "PW-80001"
                    and window.controller.state == "connected")
        # The serial link was not dropped silently: the technician agreed first.
        assert len(questions) == 1 and "PW-90001" in questions[0] and "PW-80001" in questions[0]
        assert "BLE" in window.pole_view.link_state.text()
        await shown(lambda: window.pole_view.cards[1].state.text().startswith("B"))

        # The demo's own signed release installs on the pole in view (eis 69).
        release = stack.release
        assert release is not None and window.firmware_view.roots_path == release.root
        window.show_page(Page.FIRMWARE)
        window.firmware_view.choose_file = lambda: str(release.package)
        window.firmware_view.open_button.click()
        await shown(lambda: window.firmware_view.install.package is not None)
        assert window.firmware_view.fields["signature"].text().startswith("Signature valid")
        window.firmware_view.install_button.click()
        await shown(lambda: window.firmware_view.install.phase is InstallPhase.RUNNING)
        assert window.controller.identity is not None
        assert window.controller.identity.firmware_version == DEMO_VERSION

        # Poles that joined after the first fleet reading get their uptime (eis 48) too.
        await shown(lambda: all(row.uptime_percent is not None
                                for row in window.fleet_model.rows))
        OUTPUT.mkdir(exist_ok=True)
        for page in Page:
            window.show_page(page)
            QApplication.processEvents()
            window.grab().save(str(OUTPUT / f"demo_{page.name.lower()}.png"))
    finally:
        await window.shutdown()
    assert window.demo is None
    assert not [pid for pid in pids if alive(pid)], "the demo left processes behind"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_paalwerk_stops_its_children_on_a_signal(stop: signal.Signals) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, "-m", "paalwerk"], cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while len(children_of(app.pid)) < 4 and time.monotonic() < deadline:
            assert app.poll() is None, app.stdout.read() if app.stdout else ""
            time.sleep(0.1)
        children = children_of(app.pid)
        assert len(children) == 4, "service, serial, OCPP and BLE poles"
        time.sleep(2)  # let the window come up and connect
        app.send_signal(stop)
        output, _ = app.communicate(timeout=30)
        assert app.returncode == 0, output
        assert not [pid for pid in children if alive(pid)], "children left running"
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


async def test_paalwerk_gui_on_a_running_service_shows_its_fleet(api: Api,
                                                                tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAALWERK_TRACE_STARTUP": "1",
           "PAALWERK_SERVICE_TOKEN": api.token,
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
        app = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "paalwerk", "gui", "--service", api.url, cwd=REPO, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            assert app.stdout is not None
            async with asyncio.timeout(60):
                while True:
                    line = (await app.stdout.readline()).decode()
                    assert line, f"paalwerk gui exited with {await app.wait()}"
                    if "fleet" in line and "live" in line and "(1 poles)" in line:
                        break
            assert children_of(app.pid) == [], "no demo when a service is given"
            app.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                assert await app.wait() == 0
        finally:
            if app.returncode is None:
                app.kill()
                await app.wait()
