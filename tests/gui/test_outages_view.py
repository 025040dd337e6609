"""The Outages page (issue 19): the board's state without widgets, then the page on a real
service — grouped by cause, filtered by area, live after a pole reports a fault — and the
Location dialog and CSV import of the Poles menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.fleet.model import FleetModel
from gui.fleet_feed import FleetFeed
from gui.outages.board import OutageBoardModel
from gui.outages.location_form import FormError, form_texts, location_from_form
from gui.outages.locations import LocationActions
from gui.outages.view import OutagesView
from gui.tasks import TaskRunner
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from pole_link.service_outages import (
    EvidenceRecord,
    LocationRecord,
    OutageBoard,
    OutageRecord,
)
from pole_link.timeutil import format_time
from tests.gui.qt_support import shown
from tests.service.cards_support import T0, cards_service, raw_pole

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def tr(_context: str, text: str) -> str:
    return text


def record(pole_id: str, cause: str, since: datetime, *, area: str | None = "Enexis/ZW-12",
           hours_left: float | None = 150.0) -> OutageRecord:
    return OutageRecord(pole_id, cause, since, (1, 2),
                        (EvidenceRecord("5 poles in area Enexis/ZW-12 lost their connection.",
                                        {"poles": 5}),),
                        "Call the grid operator.", area, "Kerkstraat 1, 7411 AB Deventer",
                        99.5, hours_left)


def test_the_board_groups_by_cause_filters_by_area_and_says_no_outages_plainly() -> None:
    model = OutageBoardModel()
    heard: list[None] = []
    model.subscribe(lambda: heard.append(None))
    assert model.summary(tr) == "Connect to a service to see its outage board."
    model.set_board(OutageBoard(T0, ()))
    assert model.summary(tr) == ("No outages: every pole is online, available and charging "
                                 "as it should.")
    board = OutageBoard(T0, (
        record("PW-0010", "hardware", T0 - timedelta(hours=1), area="Liander/AR-3"),
        record("PW-0005", "grid", T0 - timedelta(hours=2)),
        record("PW-0004", "grid", T0 - timedelta(hours=3))))
    model.set_board(board)
    assert [(g.cause, [e.pole_id for e in g.entries]) for g in model.groups()] == [
        ("grid", ["PW-0004", "PW-0005"]), ("hardware", ["PW-0010"])]
    assert model.areas() == ["Enexis/ZW-12", "Liander/AR-3"]
    assert model.summary(tr) == "3 poles need attention (board of 2026-11-25 12:00)."
    model.set_area("Liander/AR-3")
    assert [g.cause for g in model.groups()] == ["hardware"]
    model.set_board(OutageBoard(T0, board.entries[1:]))
    assert model.summary(tr) == "No outages in area Liander/AR-3."
    assert len(heard) == 4


def test_eis48_uptime_is_said_as_hours_left_or_missed() -> None:
    ok = record("PW-1", "grid", T0, hours_left=150.4)
    missed = record("PW-1", "grid", T0, hours_left=-20.2)
    assert OutageBoardModel.uptime_text(ok, tr) == "99.50 %, 150 h left of 98 %"
    assert OutageBoardModel.uptime_text(missed, tr) == "99.50 %, 98 % missed by 20 h"
    text = OutageBoardModel().evidence_text(ok, tr)
    assert text.splitlines()[0] == "PW-1 — Grid or area power outage"
    assert "• 5 poles in area Enexis/ZW-12 lost their connection." in text
    assert text.endswith("Next step: Call the grid operator.")


def test_live_changes_are_gathered_and_never_read_faster_than_the_minimum() -> None:
    model = OutageBoardModel(settle_s=3, min_interval_s=10, idle_refresh_s=300)
    assert model.next_read_in(0) == 0  # never read: now
    model.read_started(100)
    assert model.next_read_in(101) == 299  # nothing changed: the slow refresh
    model.note_change(102)
    model.note_change(104)  # a burst joins the first change
    assert model.next_read_in(104) == 6  # not before 10 s after the last read
    assert model.next_read_in(120) == 0
    model.read_started(120)
    model.note_change(140)
    assert model.next_read_in(140) == 3  # settle for the rest of the burst


def test_the_location_form_says_what_to_correct() -> None:
    location = location_from_form("PW-1", {"address": " Kerkstraat  1 ", "latitude": "52,2551",
                                            "longitude": "6.1639", "area_code": "ZW-12"}, tr)
    assert (location.address, location.latitude, location.area_code) == (
        "Kerkstraat 1", 52.2551, "ZW-12")
    assert form_texts(location)["latitude"] == "52.2551"
    with pytest.raises(FormError, match="Latitude must be a number"):
        location_from_form("PW-1", {"latitude": "noord", "longitude": "6"}, tr)
    with pytest.raises(FormError, match="look swapped"):
        location_from_form("PW-1", {"latitude": "6.16", "longitude": "52.25"}, tr)
    with pytest.raises(FormError, match="both latitude and longitude"):
        location_from_form("PW-1", {"latitude": "52.25"}, tr)


def seed(repository: object) -> None:
    """A street (Enexis ZW-12) dark since a shared drop an hour before T0: two still dark."""
    from service.storage.repository import Repository
    assert isinstance(repository, Repository)
    cut = T0 - timedelta(hours=1)
    start = T0 - timedelta(days=30)
    for i in range(1, 5):
        pole_id = f"PW-000{i}"
        repository.upsert_pole(pole_id, registered_at=start, connected=i > 2)
        repository.session_began(pole_id, start)
        for connector in (0, 1, 2):
            repository.record_status(pole_id, connector, "Available", "NoError", start)
        repository.session_ended(pole_id, cut + timedelta(seconds=i), "dropped")
        if i > 2:
            repository.session_began(pole_id, cut + timedelta(minutes=20))


async def test_the_page_shows_the_board_and_updates_live_when_a_pole_faults(
        qtbot: QtBot, tmp_path: Path) -> None:
    async with cards_service(tmp_path, "sqlite") as cards:
        api = cards.api
        seed(api.service.repository)
        service = ServiceEndpoint(api.url, api.token)
        for i in range(1, 5):
            await api.client.put(f"/api/v1/poles/PW-000{i}/location", json={
                "address": f"Kerkstraat {i}", "postcode": "7411 AB", "city": "Deventer",
                "grid_operator": "Enexis", "area_code": "ZW-12"})
        fleet = FleetModel()
        feed = FleetFeed(fleet)
        view = OutagesView(TaskRunner(), model=OutageBoardModel(
            settle_s=0.2, min_interval_s=0.5, idle_refresh_s=300))
        qtbot.addWidget(view)
        feed.pole_changed.connect(view.note_change)
        view.resize(1366, 700)
        view.show()
        try:
            view.follow(service)
            feed.follow(service)
            await shown(lambda: view.tree.topLevelItemCount() == 1)
            grid = view.tree.topLevelItem(0)
            assert grid.text(0) == "Grid or area power outage (2)"
            first = grid.child(0)
            assert [first.text(c) for c in range(3)] == [
                "PW-0001", "Kerkstraat 1, 7411 AB Deventer", "2026-11-25 11:00"]
            assert first.text(4).endswith("h left of 98 %")
            view.tree.setCurrentItem(first)
            assert "4 poles in area Enexis/ZW-12 lost their connection" in \
                view.detail.toPlainText()
            assert view.summary.text() == "2 poles need attention (board of 2026-11-25 12:00)."

            # A pole trips: the feed reports it, the board is read again by itself.
            async with raw_pole(api, "PW-0007") as pole:
                await pole.call("BootNotification", {"chargePointVendor": "Paalwerk",
                                                     "chargePointModel": "Tender-2"})
                await pole.call("StatusNotification", {
                    "connectorId": 1, "status": "Faulted", "errorCode": "GroundFailure",
                    "timestamp": format_time(cards.clock.now())})
                await shown(lambda: view.tree.topLevelItemCount() == 2, timeout=20)
            hardware = view.tree.topLevelItem(1)
            assert hardware.text(0) == "Hardware fault (1)"
            assert hardware.child(0).text(0) == "PW-0007"

            # The area filter narrows the board to the street.
            view.area.setCurrentIndex(view.area.findData("Enexis/ZW-12"))
            assert view.tree.topLevelItemCount() == 1
            OUTPUT.mkdir(exist_ok=True)
            view.area.setCurrentIndex(0)
            assert view.grab().save(str(OUTPUT / "outages-board-1366x768.png"))
        finally:
            await feed.aclose()


async def test_an_empty_board_says_no_outages(qtbot: QtBot, tmp_path: Path) -> None:
    async with cards_service(tmp_path, "sqlite") as cards:
        view = OutagesView(TaskRunner())
        qtbot.addWidget(view)
        view.resize(1366, 700)
        view.show()
        view.follow(ServiceEndpoint(cards.api.url, cards.api.token))
        await shown(lambda: view.model.board is not None)
        assert view.summary.text().startswith("No outages")
        assert not view.tree.isVisible()
        OUTPUT.mkdir(exist_ok=True)
        assert view.grab().save(str(OUTPUT / "outages-empty-1366x768.png"))


async def test_the_window_has_an_outages_page_and_locations_in_the_poles_menu(
        qtbot: QtBot, tmp_path: Path) -> None:
    async with cards_service(tmp_path, "sqlite") as cards:
        seed(cards.api.service.repository)
        window = MainWindow()
        qtbot.addWidget(window)
        service = ServiceEndpoint(cards.api.url, cards.api.token)
        window.outages_view.follow(service)
        window.locations.follow(service)
        window.resize(1366, 768)
        window.show()
        window.show_page(Page.OUTAGES)
        assert window.nav.item(Page.OUTAGES).text() == "Outages"
        await shown(lambda: window.outages_view.tree.topLevelItemCount() == 1)

        # Location of one pole: a swapped coordinate is said in the dialog, kept open.
        actions: LocationActions = window.locations
        results: list[str] = []
        actions.show_result = results.append
        actions.edit("PW-0001")
        await shown(lambda: actions.dialog is not None and actions.dialog.isVisible())
        dialog = actions.dialog
        assert dialog is not None
        dialog.fields["address"].setText("Kerkstraat 1")
        dialog.fields["latitude"].setText("6.16")
        dialog.fields["longitude"].setText("52.25")
        dialog.accept()
        assert "look swapped" in dialog.problem.text() and dialog.isVisible()
        dialog.fields["latitude"].setText("52.2551")
        dialog.fields["longitude"].setText("6.1639")
        dialog.fields["area_code"].setText("ZW-12")
        dialog.accept()
        await shown(lambda: not dialog.isVisible())
        stored = (await cards.api.client.get("/api/v1/poles/PW-0001/location")).json()
        assert (stored["address"], stored["latitude"], stored["area_code"]) == (
            "Kerkstraat 1", 52.2551, "ZW-12")

        # Import from CSV: the good row kept, the bad one named with its row number.
        csv_file = tmp_path / "locations.csv"
        csv_file.write_text("pole_id,address,latitude,longitude,grid_operator,area_code\n"
                            "PW-0002,Brink 2,52.25,6.16,Enexis,ZW-12\n"
                            "PW-0003,Markt 3,91,6.16,Enexis,ZW-12\n", encoding="utf-8")
        actions.import_file(str(csv_file))
        await shown(lambda: bool(results))
        assert results[0].splitlines()[:3] == [
            "1 locations imported.", "Not imported:",
            "• row 3 (PW-0003): latitude 91.0 is outside the Netherlands (50.7–53.7 "
            "degrees north)"]
        window.messages.hide()
        await shown(lambda: window.outages_view.model.board is not None)
        window.outages_view.refresh()
        await shown(lambda: any(e.location for e in window.outages_view.model.entries()))
        OUTPUT.mkdir(exist_ok=True)
        assert window.grab().save(str(OUTPUT / "outages-window-1366x768.png"))
        await window.shutdown(stop_demo=False)


def test_location_record_area_joins_operator_and_code() -> None:
    assert LocationRecord("PW-1", grid_operator="Enexis", area_code="ZW-12").area == \
        "Enexis/ZW-12"
    assert LocationRecord("PW-1", area_code="ZW-12").area == "ZW-12"
    assert LocationRecord("PW-1", grid_operator="Enexis").area is None
    assert datetime(2026, 1, 1, tzinfo=UTC) < T0


def test_every_next_step_the_service_words_is_marked_for_translation() -> None:
    """The helpdesk reads the next step in its language: a sentence changed in the
    service's rules without changing `gui.outages.step_words` would show in English."""
    from gui.outages.step_words import STEPS
    from service.outages.rules import HARDWARE_STEPS, NEXT_STEPS
    assert set(NEXT_STEPS.values()) | set(HARDWARE_STEPS.values()) == set(STEPS)
