"""Across the fleet, from the window: upload a signed package to the service, roll it out
to the poles the Fleet shows, and watch each pole reach "installed" — virtual poles that
really download, install and boot it. The service runs on a clock the test sets."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.firmware.rollout_panel import RolloutPanel, applied, merged, state_text
from gui.fleet.model import FleetModel
from gui.fleet.view import FleetView
from gui.fleet_feed import FleetFeed
from gui.tasks import TaskRunner
from pole_link.service_api import (
    RolloutEvent,
    RolloutPoleEvent,
    RolloutPoleRecord,
    RolloutRecord,
    ServiceEndpoint,
)
from pole_link.sim.clock import SimClock
from tests.firmware_support import Manufacturer
from tests.gui.qt_support import shown
from tests.support import connected_pole, running_service

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)  # 13:00 in Amsterdam, outside the peak


async def test_a_release_is_uploaded_and_rolled_out_to_the_poles_the_fleet_shows(
        qtbot: QtBot, tmp_path: Path) -> None:
    maker = Manufacturer.make(NOW, "Demo")
    good = tmp_path / "pw-2.0.0.fwpkg"
    good.write_bytes(maker.package("2.0.0", 64 << 10).to_bytes())
    foreign = tmp_path / "foreign.fwpkg"
    foreign.write_bytes(Manufacturer.make(NOW, "Stranger").package("2.0.0", 1024).to_bytes())
    model = FleetModel()
    feed = FleetFeed(model)
    fleet_view = FleetView(model)
    panel = RolloutPanel(TaskRunner(), fleet_view.proxy.shown_pole_ids)
    panel.listen_to(feed)
    qtbot.addWidget(fleet_view)
    qtbot.addWidget(panel)
    panel.resize(1366, 700)
    panel.show()
    assert not panel.upload_button.isEnabled()  # no service yet
    try:
        async with (running_service(tmp_path, clock=SimClock(NOW).now,
                                    trusted_roots=[maker.root]) as api,
                    contextlib.AsyncExitStack() as poles):
            for number in (1, 2, 3):
                connected = await poles.enter_async_context(connected_pole(
                    api.service.ocpp_url, tmp_path / "poles", f"PW-000{number}", start=NOW))
                # As the factory installs it: releases then arrive as SignedUpdateFirmware.
                assert connected.pole.firmware.install_root(maker.root_pem)
            service = ServiceEndpoint(api.url, api.token)
            feed.follow(service)
            panel.follow(service)
            await shown(lambda: model.rowCount() == 3)

            panel.choose_file = lambda: str(foreign)  # the service refuses it, says why
            panel.upload_button.click()
            await shown(lambda: panel.package_label.text().startswith("Refused"))
            assert "InvalidCertificate" in panel.package_label.text() or \
                "not issued by" in panel.package_label.text()
            assert not panel.start_button.isEnabled()

            panel.choose_file = lambda: str(good)
            panel.upload_button.click()
            await shown(lambda: panel.package is not None)
            assert "2.0.0 accepted by the service" in panel.package_label.text()

            fleet_view.search_field.setText("PW-0002")  # the Fleet's filter picks the poles
            await shown(lambda: fleet_view.proxy.shown_pole_ids() == ["PW-0002"])
            panel.concurrency.setValue(2)
            panel.start_button.click()
            await shown(lambda: panel.rollout is not None and panel.rollout.state == "finished",
                        timeout=60)
            assert panel.table.rowCount() == 1
            assert panel.table.item(0, 0).text() == "PW-0002"
            assert panel.table.item(0, 1).text() == "installed"
            assert "finished" in panel.summary.text()
    finally:
        await feed.aclose()


async def test_each_step_of_each_pole_shows_from_the_live_feed_without_a_poll(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The panel's own read comes only after a day here: every step, the failure's reason
    and the finish can only have come from the feed, and each shows as its event arrives.
    The poles' clocks are an hour behind the service's, so they fetch the release only
    when the test moves them on, once the panel shows the rollout."""
    maker = Manufacturer.make(NOW, "Demo")
    release = tmp_path / "pw-2.0.0.fwpkg"
    release.write_bytes(maker.package("2.0.0", 64 << 10).to_bytes())
    feed = FleetFeed(FleetModel())
    panel = RolloutPanel(TaskRunner(), lambda: ["PW-0001", "PW-0002"])
    panel.listen_to(feed)
    panel.fallback_poll.setInterval(24 * 3600 * 1000)
    qtbot.addWidget(panel)
    shown_at_event: list[tuple[str, str, str]] = []

    def look(event: object) -> None:  # connected after the panel: it has applied it
        if isinstance(event, RolloutPoleEvent) and panel.table.rowCount() == 2:
            row = 0 if event.pole_id == "PW-0001" else 1
            shown_at_event.append((event.pole_id, state_text(event.state),
                                   panel.table.item(row, 1).text()))
    feed.rollout_changed.connect(look)
    try:
        async with (running_service(tmp_path, clock=SimClock(NOW + timedelta(hours=1)).now,
                                    trusted_roots=[maker.root]) as api,
                    contextlib.AsyncExitStack() as stack):
            poles = [await stack.enter_async_context(connected_pole(
                api.service.ocpp_url, tmp_path / "poles", pole_id, start=NOW))
                for pole_id in ("PW-0001", "PW-0002")]
            for connected in poles:  # as a factory installs it
                assert connected.pole.firmware.install_root(maker.root_pem)
            poles[0].pole.firmware.fail_next_boot = True  # it boots its old version again
            service = ServiceEndpoint(api.url, api.token)
            feed.follow(service)
            panel.follow(service)
            await shown(lambda: feed.model.rowCount() == 2)
            panel.choose_file = lambda: str(release)
            panel.upload_button.click()
            await shown(lambda: panel.package is not None)
            panel.start_button.click()
            await shown(lambda: panel.rollout is not None and [
                p.state for p in panel.rollout.poles] == ["sent", "sent"])
            shown_at_event.clear()
            for connected in poles:  # their retrieve date comes
                connected.pole.scheduler.advance(3601)
            try:
                await shown(lambda: panel.rollout is not None
                            and panel.rollout.state == "finished", timeout=60)
            except TimeoutError:
                print("DEBUG", panel.rollout, panel.summary.text(), shown_at_event)
                raise
            assert [panel.table.item(row, 1).text() for row in (0, 1)] == ["failed",
                                                                           "installed"]
            assert panel.table.item(0, 2).text().startswith("version did not change")
            assert "finished" in panel.summary.text()
            assert "(1 of 2 poles failed)" in panel.summary.text()
            assert all(wanted == table for _, wanted, table in shown_at_event)
            shown_states = [state for pole_id, state, _ in shown_at_event
                            if pole_id == "PW-0002" and state != "sent"]
            assert [state for n, state in enumerate(shown_states)
                    if n == 0 or shown_states[n - 1] != state] == [
                "downloading", "downloaded", "installing", "installed"]
            assert [state for pole_id, state, _ in shown_at_event
                    if pole_id == "PW-0001"][-1] == "failed"
    finally:
        await feed.aclose()


def test_a_read_answered_before_an_event_does_not_undo_what_the_event_showed() -> None:
    t = [NOW + timedelta(seconds=n) for n in range(4)]
    read = RolloutRecord(7, "ab" * 32, "2.0.0", "running", poles=(
        RolloutPoleRecord("PW-0001", "Installing", updated_at=t[1]),
        RolloutPoleRecord("PW-0002", "pending", updated_at=t[0])), updated_at=t[0])
    now = applied(read, RolloutPoleEvent(7, "PW-0001", "Installed", None, None, t[2]))
    assert now is not None
    now = applied(now, RolloutEvent(7, "finished", None, t[3]))
    assert now is not None
    assert now.counts == {"Installed": 1, "pending": 1}
    assert applied(now, RolloutEvent(8, "halted", None, t[3])) is None  # another rollout
    assert applied(now, RolloutPoleEvent(7, "PW-0009", "sent", None, None, t[3])) is None
    assert applied(now, RolloutPoleEvent(7, "PW-0001", "Downloaded", None, None, t[1])) \
        is None  # older than what it shows (a read already had the newer state)

    stale = merged(now, read)  # the slow read comes back after both events
    assert (stale.state, [p.state for p in stale.poles]) == (
        "finished", ["Installed", "pending"])
    newer = RolloutRecord(7, "ab" * 32, "2.0.0", "finished", poles=(
        RolloutPoleRecord("PW-0001", "Installed", updated_at=t[2]),
        RolloutPoleRecord("PW-0002", "failed", "offline too long", updated_at=t[3])),
        updated_at=t[3])
    fresh = merged(now, newer)  # a later read shows what the feed lost
    assert [(p.state, p.reason) for p in fresh.poles] == [
        ("Installed", None), ("failed", "offline too long")]
    assert fresh.counts == {"Installed": 1, "failed": 1}
