"""Issue 15 in the app: a pole's commissioning reports listed from the service and opened
as the PDF the grantor got; what waits to sync is counted, and "Sync now" uploads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.commissioning.reports_list import (
    ReportsList,
    ReportsListState,
    downloads_folder,
    remove_downloads,
)
from gui.tasks import TaskRunner
from pole_link.commissioning.report import write_report
from pole_link.commissioning.sync import ReportOutbox
from pole_link.commissioning.technician_key import TechnicianKey
from pole_link.service_api import CommissioningReportRecord, ServiceClient, ServiceEndpoint
from pole_link.sim.clock import SimClock
from tests.commissioning_support import START, TECHNICIAN, finished_run
from tests.gui.qt_support import shown
from tests.support import running_service

NOW = datetime(2026, 12, 4, 16, tzinfo=UTC)


def test_the_state_keeps_only_answers_for_the_pole_shown() -> None:
    state = ReportsListState()
    state.show_pole("PW-0001")
    older = CommissioningReportRecord("run-1", "PW-0001", finished=START)
    newer = CommissioningReportRecord("run-2", "PW-0001", finished=START + timedelta(days=1))
    assert state.set_reports("PW-0001", [older, newer])
    assert [r.run_id for r in state.reports] == ["run-2", "run-1"]  # newest first
    state.show_pole("PW-0002")
    assert state.reports == []
    assert not state.set_reports("PW-0001", [older])  # a late answer for the old pole
    assert state.reports == []


async def test_issue15_the_app_lists_a_poles_reports_opens_the_pdf_and_syncs_what_waits(
        qtbot: QtBot, tmp_path: Path) -> None:
    key = TechnicianKey.generate(TECHNICIAN)
    runs = tmp_path / "runs"
    uploaded = finished_run(runs, "run-0001", failed=True)
    write_report(uploaded, runs / "run-0001", key)
    finished_run(runs, "run-0002", start=START + timedelta(hours=1))  # finished offline
    outbox = ReportOutbox(runs, key)
    opened: list[Path] = []
    panel = ReportsList(TaskRunner(), outbox)
    panel.open_file = opened.append
    qtbot.addWidget(panel)
    panel.resize(1366, 600)
    panel.show()
    assert panel.sync_label.text() == "2 report(s) waiting to sync"
    assert not panel.sync_button.isEnabled()  # no service yet

    async with running_service(tmp_path / "service", clock=SimClock(NOW).now) as api:
        service = ServiceEndpoint(api.url, api.token)
        panel.follow(service)
        assert panel.key_label.text() == f"Your signing key ({TECHNICIAN}): {key.fingerprint}"
        panel.register_button.click()
        await shown(lambda: panel.message.text().startswith("The service knows the key"))
        async with ServiceClient(service) as client:
            assert [k.fingerprint for k in await client.technician_keys(TECHNICIAN)] == [
                key.fingerprint]
        panel.show_pole("PW-0001")
        assert panel.title.text() == "Commissioning reports of PW-0001"
        assert panel.sync_button.isEnabled()
        panel.sync_button.click()
        await shown(lambda: panel.sync_label.text() == "Every report is uploaded.")
        await shown(lambda: panel.table.rowCount() == 2)
        assert panel.message.text() == "2 report(s) uploaded, 0 not"
        rows = [[panel.table.item(row, column).text() for column in range(5)]
                for row in range(2)]
        assert rows == [
            ["2026-12-04 15:12:00 UTC+01:00", "passed", TECHNICIAN, "tender 1.0", "run-0002"],
            ["2026-12-04 14:12:00 UTC+01:00", "FAILED", TECHNICIAN, "tender 1.0", "run-0001"]]

        panel.table.selectRow(1)
        assert panel.open_button.isEnabled()
        panel.open_button.click()
        await shown(lambda: len(opened) == 1)
        assert opened[0].read_bytes() == (runs / "run-0001" / "report.pdf").read_bytes()
        assert opened[0].parent == downloads_folder()  # one folder for the app's run …
        remove_downloads()  # … removed when the app exits
        assert not opened[0].exists() and not opened[0].parent.exists()
