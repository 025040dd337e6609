"""The Reports page against a real service (issue 19; eis 25, 30, 48): the fleet most at
risk first, a pole's subperiods with its low-current vehicles named, and the exports — the
PDF rendered to PNG with poppler, the CSV the service's own. The histories are the
hand-computed ones of the pure report tests, stored as the CSMS stores them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.reports.pdf import DUTCH, fleet_pdf, pole_pdf, words_for
from gui.reports.summary import PoleDetail, year_period
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from pole_link.service_reports import SubperiodRecord, UptimeRecord
from service.reports.compliance import AMSTERDAM, compliance_report, to_json
from service.reports.uptime import ConnectionInterval, StatusChange, uptime
from tests.gui.qt_support import shown
from tests.service.reports_support import register, store_transactions, store_uptime_history
from tests.service.test_reports_compliance import HISTORY, PROGRAMME, tx
from tests.service.test_reports_uptime import POLE, june_history
from tests.support import running_service

NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)
"""The service's and the app's "now": 2026 is a whole year, 2027 is running."""
YEAR_START = datetime(2026, 1, 1, tzinfo=AMSTERDAM)
YEAR_END = datetime(2027, 1, 1, tzinfo=AMSTERDAM)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
STEADY = "NL-PW-0002"
"""Up all year; one peak transaction in subperiod 2, not overruled: 2 points of headroom
(100 % uptime), the most comfortable."""
SHAKY = "NL-PW-0003"
"""Three days offline in 2026: 99.18 % uptime, 1.18 points above 98 %."""
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="pdftoppm (poppler-utils) is not installed")


def _all_year(pole: str, outage: tuple[datetime, datetime] | None = None
              ) -> tuple[list[ConnectionInterval], list[StatusChange]]:
    begin = datetime(2025, 12, 31, tzinfo=AMSTERDAM)
    statuses = [StatusChange(begin, c, "Available") for c in (0, 1, 2)]
    if outage is None:
        return [ConnectionInterval(begin, None)], statuses
    return [ConnectionInterval(begin, outage[0]), ConnectionInterval(outage[1], None)], statuses


def seed(repository: object) -> None:
    from service.storage.repository import Repository
    assert isinstance(repository, Repository)
    registered = datetime(2025, 12, 1, tzinfo=UTC)
    register(repository, POLE, registered_at=registered, programme_start=PROGRAMME.start)
    register(repository, STEADY, registered_at=registered, programme_start=PROGRAMME.start)
    register(repository, SHAKY, registered_at=registered, programme_start=PROGRAMME.start)
    store_transactions(repository, HISTORY)
    store_transactions(repository, [
        tx(101, datetime(2026, 9, 1, 18, tzinfo=AMSTERDAM),
           datetime(2026, 9, 1, 19, tzinfo=AMSTERDAM), pole=STEADY)])
    store_uptime_history(repository, POLE, *june_history())
    store_uptime_history(repository, STEADY, *_all_year(STEADY))
    outage = (datetime(2026, 5, 1, tzinfo=AMSTERDAM), datetime(2026, 5, 4, tzinfo=AMSTERDAM))
    store_uptime_history(repository, SHAKY, *_all_year(SHAKY, outage))


def pdf_pages(pdf: Path, stem: str) -> list[Path]:
    """The PDF rendered to one PNG per page with poppler, as a reviewer sees it."""
    OUTPUT.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(OUTPUT / stem)], check=True,
                   timeout=120)
    return sorted(OUTPUT.glob(f"{stem}-*.png"))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout


@needs_poppler
def test_eis25_eis30_eis48_pole_pdf_renders_the_hand_computed_history(tmp_path: Path) -> None:
    """The grantor's evidence for one pole: every number of the hand-computed history,
    met or not met in words, when it was generated, page numbers — and it renders."""
    period = year_period(2026, NOW)
    subs = [SubperiodRecord.from_json(row) for row in to_json(
        compliance_report(HISTORY, PROGRAMME, until=YEAR_END))]
    report = uptime(POLE, *june_history(), YEAR_START, YEAR_END)
    record = UptimeRecord(POLE, YEAR_START, YEAR_END, report.period_seconds,
                          report.up_seconds, report.connected_seconds,
                          report.available_seconds, report.status_unknown_seconds,
                          report.percent, report.meets_98)
    path = tmp_path / "pole.pdf"
    path.write_bytes(pole_pdf(PoleDetail(POLE, period, tuple(reversed(subs)), record), NOW))
    for old in OUTPUT.glob("reports_pole_pdf-*.png"):
        old.unlink()
    pages = pdf_pages(path, "reports_pole_pdf")
    assert len(pages) == 1 and pages[0].stat().st_size > 10_000
    text = pdf_text(path)
    assert "Tender report of pole NL-PW-0001" in text
    assert "2026-03-01 09:00:00 UTC" not in text and "2027-03-01 09:00:00 UTC" in text
    assert "page 1 of 1" in text
    baseline = next(line for line in text.splitlines() if line.strip().startswith("baseline"))
    assert baseline.split()[4:7] == ["5", "2", "40.0"], "5 peak, 2 overruled, 40.0 %"
    sub2 = next(line for line in text.splitlines() if line.strip().startswith("subperiod 2"))
    assert "50.0 %" in sub2 and "MET" in sub2 and "NOT MET" not in sub2
    assert "ZOE-0042 (#6)" in text, "the low-current vehicle whose driver overruled, named"
    assert "NOT MET" in text, "uptime: connected only from 20 May"



@needs_poppler
def test_eis25_eis48_the_pole_pdf_in_dutch_for_a_dutch_grantor(tmp_path: Path) -> None:
    """The app in Dutch writes the grantor's evidence in Dutch: the same numbers, the
    tender's words (nulmeting, deelperiode, gehaald), Dutch page numbers."""
    assert words_for("nl") is DUTCH
    period = year_period(2026, NOW)
    subs = [SubperiodRecord.from_json(row) for row in to_json(
        compliance_report(HISTORY, PROGRAMME, until=YEAR_END))]
    report = uptime(POLE, *june_history(), YEAR_START, YEAR_END)
    record = UptimeRecord(POLE, YEAR_START, YEAR_END, report.period_seconds,
                          report.up_seconds, report.connected_seconds,
                          report.available_seconds, report.status_unknown_seconds,
                          report.percent, report.meets_98)
    path = tmp_path / "paal.pdf"
    path.write_bytes(pole_pdf(PoleDetail(POLE, period, tuple(subs), record), NOW,
                              words=DUTCH))
    pages = pdf_pages(path, "reports_pole_pdf_nl")
    assert len(pages) == 1
    text = pdf_text(path)
    assert "Aanbestedingsrapport van laadpaal NL-PW-0001" in text
    assert "pagina 1 van 1" in text and "page 1 of 1" not in text
    baseline = next(line for line in text.splitlines() if line.strip().startswith("nulmeting"))
    assert baseline.split()[4:7] == ["5", "2", "40.0"], "the same numbers as in English"
    sub2 = next(line for line in text.splitlines()
                if line.strip().startswith("deelperiode 2"))
    assert "GEHAALD" in sub2 and "NIET GEHAALD" not in sub2
    assert "NIET GEHAALD" in text, "uptime: connected only from 20 May"


@needs_poppler
def test_eis25_eis48_fleet_pdf_numbers_every_page_and_reports_progress(
        tmp_path: Path) -> None:
    period = year_period(2026, NOW)
    rows = []
    from gui.reports.summary import fleet_summary
    ups = [UptimeRecord(f"PW-{n:04d}", YEAR_START, YEAR_END, 1.0, 1.0, 1.0, 1.0, 0.0,
                        96 + n % 4, 96 + n % 4 >= 98) for n in range(130)]
    rows = fleet_summary(ups, [])
    heard: list[tuple[int, int]] = []
    path = tmp_path / "fleet.pdf"
    path.write_bytes(fleet_pdf(rows, period, NOW,
                               progress=lambda done, total: heard.append((done, total))))
    assert heard[-1] == (130, 130) and heard == sorted(heard)
    text = pdf_text(path)
    pages = text.count("page ")
    assert pages >= 3 and f"page {pages} of {pages}" in text
    assert text.index("PW-0000") < text.index("PW-0003"), "96 % before 99 %: at risk first"


@needs_poppler
async def test_eis25_eis30_eis48_reports_page_over_a_real_service(
        qtbot: QtBot, tmp_path: Path) -> None:
    switch_language("en")
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    reports = window.reports_view
    reports.use_clock(lambda: NOW)
    OUTPUT.mkdir(exist_ok=True)
    try:
        async with running_service(tmp_path, clock=lambda: NOW) as api:
            seed(api.service.repository)
            window.show_page(Page.REPORTS)
            reports.year.setCurrentIndex(reports.year.findData(2026))
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))
            await shown(lambda: reports.model.rowCount() == 3 and not reports.busy)
            # Fleet, most at risk first: the pole up only from 20 May misses eis 48; then
            # the one 1.18 points above 98 %; then the steady one (2 points: 0 % of 50 %…
            # no: 100 % uptime, 50 points of overrule headroom, so its uptime's 2 decides).
            order = [reports.model.row(n).pole_id for n in range(3)]
            assert order == [POLE, SHAKY, STEADY]
            first = reports.model.row(0)
            assert first.missed and first.uptime is not None and not first.uptime.meets_98
            assert first.subperiod is not None and (
                first.subperiod.subperiod, first.subperiod.peak_transactions,
                first.subperiod.overruled, first.subperiod.target_met) == (
                "subperiod 2", 4, 2, True), "the hand-computed subperiod 2: 2 of 4, 50 %"
            cells = [reports.model.index(0, c).data() for c in range(8)]
            assert cells[2] == "NOT MET" and cells[5] == "50.0 %" and cells[7] == "met"
            assert "1 of 3 poles miss a target" in reports.status.text()
            assert reports.charts.shown == [POLE, SHAKY, STEADY]

            reports.show_pole(POLE)
            await shown(lambda: reports.subperiods.rowCount() == 2 and not reports.busy)
            assert [reports.subperiods.item(r, 0).text() for r in range(2)] == [
                "subperiod 2", "baseline"]
            assert reports.subperiods.item(1, 4).text() == "40.0 %"
            assert "ZOE-0042 (#6)" in reports.low_current.text()
            assert "#6 #7" in reports.low_current.text()
            assert "NOT MET" in reports.uptime_line.text()
            assert window.grab().save(str(OUTPUT / "reports_1366x768.png"))

            pole_pdf_path = tmp_path / "pole.pdf"
            reports.export_pole_pdf(str(pole_pdf_path))
            await shown(lambda: reports.status.text() == "Saved pole.pdf")
            assert "Tender report of pole NL-PW-0001" in pdf_text(pole_pdf_path)

            fleet_path = tmp_path / "fleet.pdf"
            reports.ask_path = lambda name, _kinds: (
                str(fleet_path) if name == "eis-report-fleet-2026.pdf" else "")
            reports.export_fleet_pdf()
            await shown(lambda: reports.status.text() == "Saved fleet.pdf")
            assert reports.bar.value() == 3 and reports.bar.maximum() == 3
            for old in OUTPUT.glob("reports_fleet_pdf-*.png"):
                old.unlink()
            assert len(pdf_pages(fleet_path, "reports_fleet_pdf")) == 1
            fleet_text = pdf_text(fleet_path)
            assert "1 of 3 poles miss a target" in fleet_text
            assert fleet_text.index(POLE) < fleet_text.index(SHAKY) < fleet_text.index(STEADY)

            csv_path = tmp_path / "compliance.csv"
            reports.export_csv("compliance", None, str(csv_path))
            await shown(lambda: reports.status.text() == "Saved compliance.csv")
            rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
            mine = [(r["subperiod"], r["peak_transactions"], r["overruled"], r["target_met"])
                    for r in rows if r["pole_id"] == POLE]
            assert mine == [("baseline", "5", "2", ""), ("subperiod 2", "4", "2", "yes")]
            uptime_path = tmp_path / "uptime.csv"
            reports.export_csv("uptime", POLE, str(uptime_path))
            await shown(lambda: reports.status.text() == "Saved uptime.csv")
            assert uptime_path.read_text().splitlines()[1].startswith(f"{POLE},")
    finally:
        await window.shutdown()


def test_eis48_the_period_of_a_shaky_pole_is_what_the_test_says() -> None:
    """The seeded outage is three whole days of a 365-day year: 99.18 %."""
    connections, statuses = _all_year(SHAKY, (datetime(2026, 5, 1, tzinfo=AMSTERDAM),
                                              datetime(2026, 5, 4, tzinfo=AMSTERDAM)))
    report = uptime(SHAKY, connections, statuses, YEAR_START, YEAR_END)
    assert report.percent == pytest.approx(100 * 362 / 365)
    assert report.period_seconds == timedelta(days=365).total_seconds()
