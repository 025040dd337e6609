"""Across the fleet, from the window: upload a signed package to the service, roll it out
to the poles the Fleet shows, and watch each pole reach "installed" — virtual poles that
really download, install and boot it. The service runs on a clock the test sets."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.firmware.rollout_panel import RolloutPanel
from gui.fleet.model import FleetModel
from gui.fleet.view import FleetView
from gui.fleet_feed import FleetFeed
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
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
