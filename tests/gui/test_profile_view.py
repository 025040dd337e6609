"""The Profiles view against a real virtual pole on a pseudo-terminal.

The tests run on pytest-asyncio's loop; Qt events are processed while polling, the
way qasync interleaves them in the app. Screenshots land in ``test-output/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from gui.profiles.editor_model import Mode, ProfileEditorModel
from gui.profiles.profile_view import ProfileView, ResultState
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.transports.serial import SerialLink
from tests.conftest import ServedPole, serve_pole, stop_tasks
from tests.gui.qt_support import pumped
from tests.support import until

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"




def screenshot(view: ProfileView, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    QApplication.processEvents()
    assert view.grab().save(str(OUTPUT / name))


NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
"""11:00 in Amsterdam on an ordinary winter day: the pole and this laptop agree on it."""


@pytest.fixture
def pole_start() -> datetime:
    """The shared `served_pole` on a clock the test sets instead of today's date."""
    return NOW


def make_view(qtbot: QtBot, now: datetime) -> ProfileView:
    """The view at 1366×768 on a clock the test sets; the technician says yes to Deploy."""
    widget = ProfileView(clock=SimClock(now).now)
    widget.confirm = lambda title, question: True
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    return widget


@pytest.fixture
async def view(qtbot: QtBot) -> AsyncIterator[ProfileView]:
    widget = make_view(qtbot, NOW)
    yield widget
    await widget.aclose()


async def bind(view: ProfileView, session: PoleSession) -> None:
    """Log in as the Connect screen would, hand the session over, wait for the pole's limits."""
    await session.authenticate("demo")
    view.set_session(session)
    await until(pumped(lambda: not view.busy))


async def press(qtbot: QtBot, view: ProfileView, button_name: str) -> None:
    button = getattr(view, button_name)
    assert button.isEnabled()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.busy
    await until(pumped(lambda: not view.busy))


async def test_deploy_tender_template_and_verify_it_matches(
        qtbot: QtBot, view: ProfileView, session: PoleSession, served_pole: ServedPole) -> None:
    await bind(view, session)
    screenshot(view, "profile_view_tender.png")

    await press(qtbot, view, "deploy_button")

    assert view.error_text() == ""
    assert view.result_state() == ResultState.MATCH
    assert "Deployed and verified: the pole's schedule matches" in view.result_text()
    installed = served_pole.pole.profiles.profiles(0)
    assert [(c, p.profile_id, p.stack_level) for c, p in installed] == [(0, 1, 0)]
    assert installed[0][1].to_ocpp() == view.model.profile_json()
    config = await session.get_configuration(["GridConnectionMaxCurrent", "PeakLimitOverrule"])
    assert (config["GridConnectionMaxCurrent"], config["PeakLimitOverrule"]) == ("30", "25")
    _, pole_limits = view.plot.pole_points()
    assert 7.0 in pole_limits and 30.0 in pole_limits
    screenshot(view, "profile_view_verified.png")


async def test_verify_shows_what_changed_on_the_pole_behind_the_guis_back(
        qtbot: QtBot, view: ProfileView, session: PoleSession, served_pole: ServedPole) -> None:
    await bind(view, session)
    await press(qtbot, view, "deploy_button")
    assert view.result_state() == ResultState.MATCH

    # Someone else (the CSMS, another laptop) stacks a 16 A peak above ours.
    other = ProfileEditorModel(day=view.model.day)
    other.set_tender(peak_limit_a=16.0)
    sneaky = other.profile_json() | {"chargingProfileId": 77, "stackLevel": 3}
    assert served_pole.pole.set_charging_profile(0, sneaky) == "Accepted"

    await press(qtbot, view, "verify_button")

    assert view.result_state() == ResultState.DIFFERENT
    text = view.result_text()
    assert "The pole's schedule differs" in text
    assert "pole 16 A, expected 7 A" in text
    assert "17:00–21:00: pole 16 A, expected 7 A" in text
    _, pole_limits = view.plot.pole_points()
    assert 16.0 in pole_limits
    screenshot(view, "profile_view_differs.png")


async def test_on_the_dst_eve_verify_says_how_far_it_checked_and_why(qtbot: QtBot) -> None:
    """21:30 on the eve of summer time: the pole's next 24 h cross the change, which no
    daily OCPP profile can follow; the back office re-deploys at midnight, before it."""
    eve = datetime(2027, 3, 27, 20, 30, tzinfo=UTC)
    served, tasks = await serve_pole(start=eve)
    session = PoleSession(SerialLink(served.path))
    view = make_view(qtbot, eve)
    try:
        await session.open()
        await bind(view, session)
        await press(qtbot, view, "deploy_button")
        assert view.result_state() == ResultState.MATCH, view.result_text()
        assert "Checked until 00:00 28-03 (Europe/Amsterdam time): the clocks change" \
            in view.result_text()
        assert "re-deploys it at 00:00 28-03, before the change" in view.result_text()
        screenshot(view, "profile_view_dst_eve.png")
    finally:
        await view.aclose()
        await session.close()
        await stop_tasks(tasks)
        await served.port.close()


async def test_a_pole_whose_clock_is_behind_is_named_on_the_screen(
        qtbot: QtBot, session: PoleSession, served_pole: ServedPole) -> None:
    """This laptop is nine days and two hours ahead of the pole: the pole's peak falls at
    the wrong hours, and the screen says so in words."""
    view = make_view(qtbot, NOW + timedelta(days=9, hours=2))
    try:
        await bind(view, session)
        await press(qtbot, view, "deploy_button")
        assert view.result_state() == ResultState.DIFFERENT
        text = view.result_text()
        assert "⚠ The pole's clock is 9 days 2 h behind (it says 25-11 11:00)" in text
        assert "17:00–19:00: pole 30 A, expected 7 A" in text
        screenshot(view, "profile_view_clock_behind.png")
    finally:
        await view.aclose()


async def test_a_session_that_is_not_logged_in_gets_an_inline_error_with_details(
        qtbot: QtBot, view: ProfileView, session: PoleSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    popups: list[str] = []
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, n=name, **k: popups.append(n))
    view.set_session(session)  # no authenticate(): writes are refused
    await until(pumped(lambda: not view.busy))

    await press(qtbot, view, "deploy_button")

    assert "Deploying the profile failed" in view.error_text()
    assert "log in" in view.error_text()
    assert view.result_state() == ResultState.NONE
    assert popups == []
    details = view.findChild(type(view._details))  # the traceback sits behind the toggle
    assert details is not None and details.isHidden()
    view._details_button.click()
    assert not view._details.isHidden()
    assert "NotAuthorised" in view._details.toPlainText()
    assert view.deploy_button.isEnabled()
    screenshot(view, "profile_view_error.png")


async def test_cancel_stops_a_deployment_and_says_what_that_means(
        qtbot: QtBot, view: ProfileView, session: PoleSession) -> None:
    await bind(view, session)
    QTest.mouseClick(view.deploy_button, Qt.MouseButton.LeftButton)
    assert view.cancel_button.isVisibleTo(view)
    QTest.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    await until(pumped(lambda: not view.busy))

    assert "Cancelled" in view.status_text()
    assert "press Verify" in view.status_text()
    assert not view.cancel_button.isVisibleTo(view)
    assert view.deploy_button.isEnabled()
    assert view.error_text() == ""


async def test_without_a_session_nothing_can_be_sent(view: ProfileView) -> None:
    assert view.session is None
    assert not view.deploy_button.isEnabled()
    assert not view.verify_button.isEnabled()
    view.deploy()  # the shortcut's slot is harmless too
    assert not view.busy


async def test_a_wrong_input_is_named_and_blocks_deploy(
        qtbot: QtBot, view: ProfileView, session: PoleSession) -> None:
    await bind(view, session)
    view._peak_limit.setValue(40.0)
    QApplication.processEvents()
    assert view.validation_text().startswith("Peak limit = 40")
    assert not view.deploy_button.isEnabled()
    view._peak_limit.setValue(7.0)
    assert view.validation_text() == ""
    assert view.deploy_button.isEnabled()


async def test_custom_profile_with_twenty_periods_deploys_and_verifies(
        qtbot: QtBot, view: ProfileView, session: PoleSession, served_pole: ServedPole) -> None:
    await bind(view, session)
    view.set_mode(Mode.CUSTOM)
    while view.periods.rowCount() < 20:
        view.table.clearSelection()
        view.add_period()
    for row in range(20):  # one period per hour from 00:00, 6.5 A to 15.5 A
        assert view.periods.setData(view.periods.index(row, 0), f"{row}:00")
        assert view.periods.setData(view.periods.index(row, 1), f"{6 + row % 10},5")
    assert view.validation_text() == ""

    await press(qtbot, view, "deploy_button")

    assert view.result_state() == ResultState.MATCH, view.result_text()
    installed = dict(served_pole.pole.profiles.profiles(0))[0]
    assert len(installed.schedule.periods) == 20
    screenshot(view, "profile_view_custom.png")


async def test_period_keys_add_and_remove_rows(qtbot: QtBot, view: ProfileView) -> None:
    view.set_mode(Mode.CUSTOM)
    view.activateWindow()
    view.table.setFocus()
    await until(pumped(lambda: QApplication.focusWidget() is view.table))
    QTest.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.periods.rowCount() == 4
    view.table.selectRow(3)
    QTest.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.periods.rowCount() == 3


def test_typed_times_and_decimal_commas_are_understood(qtbot: QtBot) -> None:
    view = ProfileView(ProfileEditorModel(day=datetime(2026, 11, 25).date()))
    qtbot.addWidget(view)
    view.set_mode(Mode.CUSTOM)
    rejected: list[str] = []
    view.periods.inputRejected.connect(rejected.append)
    assert view.periods.setData(view.periods.index(1, 0), "16:30")
    assert view.periods.setData(view.periods.index(1, 1), "7,5")
    assert view.model.periods[1].start_s == 16 * 3600 + 1800
    assert view.model.periods[1].limit_a == 7.5
    assert not view.periods.setData(view.periods.index(1, 0), "half past four")
    assert rejected and "17:00" in rejected[0]
    assert view.validation_text() == rejected[0]


def test_the_poles_day_folds_onto_the_clock_face_at_midnight() -> None:
    from zoneinfo import ZoneInfo

    from gui.profiles.preview import Step
    from gui.profiles.preview_plot import _step_line

    zone = ZoneInfo("Europe/Amsterdam")
    day = datetime(2026, 11, 25, tzinfo=zone)
    steps = [Step(datetime(2026, 11, 25, 19, 0, tzinfo=zone), 7.0),
             Step(datetime(2026, 11, 25, 21, 0, tzinfo=zone), 30.0)]
    xs, ys = _step_line(steps, datetime(2026, 11, 26, 19, 0, tzinfo=zone), day)
    assert xs[:4] == [19.0, 21.0, 21.0, 24.0]
    assert xs[5:] == [0.0, 19.0]  # after the break (NaN) tomorrow's hours start at the left
    assert ys[:4] == [7.0, 7.0, 30.0, 30.0] and ys[5:] == [30.0, 30.0]


async def test_an_edit_after_a_check_takes_the_verdict_back(
        qtbot: QtBot, view: ProfileView, session: PoleSession) -> None:
    await bind(view, session)
    await press(qtbot, view, "deploy_button")
    assert view.result_state() == ResultState.MATCH
    view._peak_limit.setValue(8.0)
    assert view.result_state() == ResultState.NONE
    assert "changed after the last check" in view.result_text()


async def test_deploy_asks_first_and_no_sends_nothing(
        qtbot: QtBot, view: ProfileView, session: PoleSession, served_pole: ServedPole) -> None:
    await bind(view, session)
    asked: list[str] = []

    def says_no(title: str, question: str) -> bool:
        asked.append(question)
        return False

    view.confirm = says_no
    QTest.mouseClick(view.deploy_button, Qt.MouseButton.LeftButton)
    assert asked and "PW-0001" in asked[0] and "7 A from 17:00 to 21:00" in asked[0]
    assert not view.busy
    assert served_pole.pole.profiles.profiles(0) == []
    assert "Not deployed" in view.status_text()


def test_a_typed_99_stays_99_and_is_refused_with_the_reason(qtbot: QtBot) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view._peak_limit.selectAll()
    QTest.keyClicks(view._peak_limit, "99")
    view._peak_limit.interpretText()
    assert view._peak_limit.value() == 99.0
    assert view.validation_text().startswith("Peak limit = 99")
    assert "out of range" in view.validation_text()
    view._peak_limit.setValue(3.0)
    assert "3 A is below 6 A" in view.validation_text()
    assert not view.deploy_button.isEnabled()


def test_typed_peak_times_are_understood_or_kept_and_marked(qtbot: QtBot) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view._peak_start.setText("2200")
    view._peak_end.setText("23")
    view._peak_start.editingFinished.emit()
    assert (view.model.tender.peak_start, view.model.tender.peak_end) == (time(22), time(23))
    assert view._peak_start.text() == "22:00"
    view._peak_start.setText("25:00")
    view._peak_start.editingFinished.emit()
    assert view._peak_start.text() == "25:00"  # never silently changed
    assert view.model.tender.peak_start == time(22)
    assert "Peak starts: '25:00' is not a time of day" in view.validation_text()
    assert not view.deploy_button.isEnabled()
