"""The Pole view on real links: a virtual pole on a pseudo-terminal, and one behind the service.

The view is driven the way a technician drives it (buttons, slider) and read back the way
they read it (the socket cards' text), while the pole itself is checked for the effect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.plot.export_name import export_file_name
from gui.pole_controller import PoleController
from gui.pole_state import LinkState
from gui.views.pole_view import PoleView
from pole_link.session import PoleIdentity
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from pole_link.transports import PoleAddress
from pole_link.transports.csms import ServiceEndpoint
from tests.ble_support import ble_radio
from tests.conftest import ServedPole
from tests.gui.qt_support import shown
from tests.support import Api, connected_pole

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)






def card_state(view: PoleView, connector: int) -> str:
    return view.cards[connector - 1].state.text()


def card_value(view: PoleView, connector: int, key: str) -> str:
    return view.cards[connector - 1].values[key].text()


def phase_currents(view: PoleView, connector: int) -> list[float]:
    return [float(part) for part in card_value(view, connector, "current").split()[:3]]


async def drive_a_charge(view: PoleView, pole: VirtualPole) -> None:
    """A → B (vehicle plugged) → C (remote start from the view) with currents shown."""
    await shown(lambda: view.controller.state == LinkState.CONNECTED)
    await shown(lambda: card_state(view, 1) == "A")
    assert card_value(view, 1, "status") == "Available"
    pole.plug(1, EvType.EV3)
    await shown(lambda: card_state(view, 1).startswith("B"))
    assert "Vehicle connected" in view.cards[0].meaning.text()
    view.connector.setValue(1)
    view.start_button.click()
    await shown(lambda: card_state(view, 1) == "C2", timeout=30)
    await shown(lambda: min(phase_currents(view, 1)) > 5)
    assert view.cards[0].meaning.text() == "Charging"
    assert card_value(view, 1, "status") == "Charging"
    assert card_value(view, 1, "transaction") != "—"
    assert len(view.plot.history) > 0, "samples reach the live plot"


async def test_the_pole_view_over_serial_shows_a_b_c_and_currents(
        view: PoleView, served_pole: ServedPole) -> None:
    path = served_pole.path
    view.controller.connect_to(PoleAddress("serial", path, path))
    await drive_a_charge(view, served_pole.pole)
    assert view.title.text() == "PW-0001"
    OUTPUT.mkdir(exist_ok=True)
    view.grab().save(str(OUTPUT / "pole_view_serial.png"))


async def test_the_same_pole_view_through_the_service(view: PoleView, api: Api,
                                                      tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        view.controller.connect_to(PoleAddress("csms", "PW-0001", "PW-0001"),
                                   service=ServiceEndpoint(api.url, api.token))
        await drive_a_charge(view, connected.pole)
        OUTPUT.mkdir(exist_ok=True)
        view.grab().save(str(OUTPUT / "pole_view_service.png"))


async def test_the_same_pole_view_over_bluetooth(view: PoleView) -> None:
    async with ble_radio() as ble:
        pole = ble.poles[0]
        view.controller.connect_to(
            PoleAddress("ble", pole.address, "PW-0001 (BLE)", "PW-0001"), options=ble.options())
        await drive_a_charge(view, pole.pole)
        assert "ble" in view.link_state.text().lower()
        await view.controller.aclose()


async def test_eis46_led_slider_round_trip(view: PoleView, served_pole: ServedPole) -> None:
    results: list[str] = []
    view.controller.command_finished.connect(lambda what, answer: results.append(answer))
    view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    await shown(lambda: view.led_reported.text() == "pole reports: 100 %")
    assert view.led_slider.value() == 100
    view.led_slider.setValue(30)
    await shown(lambda: results == ["Accepted"])
    assert served_pole.pole.configuration.int_value("LightIntensity") == 30
    await shown(lambda: view.led_reported.text() == "pole reports: 30 %")
    assert "30 %" in view.cards[0].led.toolTip()


async def test_a_vanished_pole_is_shown_lost_and_comes_back(
        view: PoleView, served_pole: ServedPole) -> None:
    states: list[str] = []
    view.controller.state_changed.connect(lambda state, detail: states.append(state))
    view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    await shown(lambda: view.controller.state == LinkState.CONNECTED)
    served_pole.end.idle_timeout_s = 0.01  # the pole drops the session: Live stops
    await shown(lambda: "lost" in states, timeout=30)
    assert "LOST" in view.link_state.text()
    assert not view.start_button.isEnabled(), "no commands to a pole that is not there"
    served_pole.end.idle_timeout_s = 60
    await shown(lambda: states[-1] == "connected", timeout=30)
    assert view.start_button.isEnabled()


async def test_a_refused_command_is_reported_not_swallowed(
        view: PoleView, served_pole: ServedPole) -> None:
    failures: list[tuple[str, object]] = []
    view.controller.command_failed.connect(lambda what, why: failures.append((what, why)))
    view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    await shown(lambda: view.controller.state == LinkState.CONNECTED)
    view.connector.setValue(2)
    view.stop_button.click()
    assert failures == [("Stop charging", "Nothing to stop: socket 2 has no charging session "
                         "running. Choose the socket that is charging.")]


def test_the_schedule_tab_draws_the_pole_s_own_composite_schedule(qtbot: QtBot) -> None:
    from gui.views.schedule_plot import SchedulePlot, schedule_steps

    answer = {"status": "Accepted", "connectorId": 0, "scheduleStart": "2026-11-25T12:00:00Z",
              "chargingSchedule": {"duration": 86400, "chargingRateUnit": "A",
                                   "chargingSchedulePeriod": [
                                       {"startPeriod": 0, "limit": 30.0},
                                       {"startPeriod": 4 * 3600, "limit": 7.0},
                                       {"startPeriod": 8 * 3600, "limit": 30.0}]}}
    edges, limits = schedule_steps(answer)
    start = datetime(2026, 11, 25, 12, tzinfo=UTC).timestamp()
    assert edges == [start, start + 4 * 3600, start + 8 * 3600, start + 86400]
    assert limits == [30.0, 7.0, 30.0]
    plot = SchedulePlot()
    qtbot.addWidget(plot)
    plot.show_schedule(answer)
    assert "7–30 A" in plot.note.text()
    plot.show_schedule({"status": "Rejected"})
    assert "Rejected" in plot.note.text()


def test_live_samples_are_plotted_at_the_pole_s_own_time(qtbot: QtBot) -> None:
    """A pole whose clock is years off the laptop's still draws at the plot's right edge,
    and its export is named after the pole and its time."""
    pole_start = datetime(2031, 6, 1, 12, tzinfo=UTC)
    pole = VirtualPole("PW-2031", clock=SimClock(start=pole_start))
    view = PoleView(PoleController())
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    view.show_identity(PoleIdentity("PW-2031", "Paalwerk", "Sim", "SN-1", "1.0", 1, 2, 4096,
                                    pole_start))
    samples = [pole.live_sample() for _ in range(3)]
    for sample in samples:
        view.show_sample(sample)
    newest = samples[-1].timestamp.timestamp()
    assert view.plot.history.t_last == newest
    assert view.plot.history.t_first == samples[0].timestamp.timestamp()
    view.plot.redraw()
    x0, x1 = view.plot.visible_range()
    assert x0 < newest <= x1
    x, _ = view.plot.curves()[0].getData()
    assert x[-1] == newest
    assert view.plot.export_file_name() == export_file_name("PW-2031", newest)
    assert view.plot.export_file_name().startswith("PW-2031_2031-06-01_")
