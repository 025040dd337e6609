"""What a new user tripped over (issue 13), each driven through the real window:
an offline pole opened from the Fleet, why it is offline, which fault a socket has and
whether the pole reaches its back office, availability, and errors a technician reads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.pole_state import LinkState
from gui.views.main_window import MainWindow, Page
from gui.views.pole_view import PoleView
from pole_link.service_api import ServiceEndpoint
from pole_link.sim.vehicles import EvType
from pole_link.transports import PoleAddress
from tests.conftest import ServedPole
from tests.gui.qt_support import shown
from tests.support import Api, connected_pole

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)




def status_text(view: PoleView) -> str:
    """What the status panels say: back office and faults, and why the pole is offline."""
    return view.status_panel.text() + "<br>" + view.outage_panel.text()


async def test_an_offline_pole_opened_from_the_fleet_shows_itself_and_why_it_is_offline(
        qtbot: QtBot, api: Api, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with (connected_pole(api.service.ocpp_url, tmp_path, "PW-LIVE", start=T0) as live,
                    connected_pole(api.service.ocpp_url, tmp_path, "PW-GONE", start=T0) as gone):
            window.feed.follow(ServiceEndpoint(api.url, api.token))
            live.pole.plug(1, EvType.EV3)
            window.open_remote_pole("PW-LIVE")
            await shown(lambda: window.pole_view.state.live)
            await shown(lambda: window.pole_view.cards[0].state.text().startswith("B"))
            await shown(lambda: "Back office: connected" in status_text(window.pole_view))

            gone.pole.fault(2, "rcd")
            await shown(lambda: window.fleet_model.pole("PW-GONE") is not None and
                        window.fleet_model.pole("PW-GONE").socket(2).status  # type: ignore[union-attr]
                        == "Faulted")
            gone.pole.set_network(False)  # the modem drops
            await shown(lambda: not window.fleet_model.pole("PW-GONE").connected)  # type: ignore[union-attr]

            window.fleet_view.pole_activated.emit("PW-GONE")
            view = window.pole_view
            # At once: the chosen pole's name, never the previous pole's cards.
            assert view.title.text() == "PW-GONE"
            assert view.cards[0].state.text() == "—"
            assert window.pages.currentIndex() == Page.POLE
            await shown(lambda: "How it ended" in status_text(view))
            text = status_text(view)
            assert "Back office: NOT connected" in text
            assert "Offline since" in text
            assert "network or mains lost at the pole" in text  # dropped, not closed
            assert "earth-fault trip (RCD) on Socket 2" in text  # the stored error code
            assert view.cards[1].values["status"].text() == "Faulted"  # last known
            assert view.cards[1].last_known.isVisible()
            assert not view.start_button.isEnabled()
            # The message log is the service's, for this pole (no "connect through a service").
            assert view.message_log.pole_id == "PW-GONE"
            assert not view.message_log.note.isVisibleTo(view.message_log)

            gone.pole.set_network(True)  # back: the same view goes live
            await shown(lambda: view.state.live and view.controller.state ==
                        LinkState.CONNECTED, timeout=30)
            await shown(lambda: "Back office: connected" in status_text(view))
            assert not view.cards[1].last_known.isVisible()
    finally:
        await window.shutdown()


async def test_at_the_pole_the_fault_is_named_and_the_back_office_state_shown(
        view: PoleView, served_pole: ServedPole) -> None:
    served_pole.pole.fault(1, "rcd")
    view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    await shown(lambda: view.controller.state == LinkState.CONNECTED)
    # The pole has no back office in this test: the modem self test says so.
    await shown(lambda: "Back office: NOT connected" in status_text(view))
    assert "back office not reachable" in status_text(view)
    # The view runs the self tests to find which fault (the Live data has no error code).
    await shown(lambda: "earth-fault trip (RCD) on Socket 1" in status_text(view))

    # Restarting the socket while the cause is still there: it reports the fault again.
    finished: list[tuple[str, str]] = []
    view.controller.command_finished.connect(lambda what, answer: finished.append((what, answer)))
    view.connector.setValue(1)
    view.clear_fault_button.click()
    await shown(lambda: finished == [("Restart socket 1", "Accepted")])
    assert served_pole.pole.socket(1).operative
    assert view.cards[0].values["status"].text() == "Faulted"

    served_pole.pole.fault(1, "clear")  # the aardlekschakelaar is reset
    await shown(lambda: view.cards[0].values["status"].text() == "Available")
    await shown(lambda: "earth-fault" not in status_text(view))


async def test_a_socket_taken_out_of_service_and_back(view: PoleView,
                                                      served_pole: ServedPole) -> None:
    view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    await shown(lambda: view.controller.state == LinkState.CONNECTED)
    view.connector.setValue(2)
    view.out_of_service_button.click()
    await shown(lambda: view.cards[1].values["status"].text() == "Unavailable")
    assert not served_pole.pole.socket(2).operative
    view.in_service_button.click()
    await shown(lambda: view.cards[1].values["status"].text() == "Available")


async def test_a_serial_port_that_does_not_exist_is_said_once_not_retried(
        view: PoleView, tmp_path: Path) -> None:
    states: list[tuple[str, str]] = []
    view.controller.state_changed.connect(lambda state, detail: states.append((state, detail)))
    missing = str(tmp_path / "ttyUSB9")
    view.controller.connect_to(PoleAddress("serial", missing, missing))
    await shown(lambda: view.controller.state == LinkState.DISCONNECTED)
    detail = states[-1][1]
    assert f"no serial port at {missing}" in detail
    assert "Check the cable or the address" in detail
    assert [s for s, _ in states].count("lost") == 0, "no retry loop for a missing port"
    assert view.title.text() == "No pole connected"


def test_errors_are_sentences_with_the_technical_text_as_detail() -> None:
    import httpx

    from gui.error_words import explain
    from pole_link.errors import CallError, LinkTimeout

    refused = explain(httpx.ConnectError("[Errno 111] Connection refused"))
    assert refused.sentence.text().startswith("Nothing answers at that address")
    assert "Errno 111" in refused.detail
    odd = explain(ValueError("substring not found"))
    assert "substring" not in odd.sentence.text() and "substring not found" in odd.detail
    assert explain(LinkTimeout("x")).sentence.text().startswith("The pole did not answer")
    assert explain(CallError("SecurityError", "no Auth")).sentence.text() == (
        "The pole refused: not authorised for this (log in with a service token)")
    # A refused API token, a token the pole rejected, and a session not logged in differ.
    from pole_link.errors import NotAuthorised

    assert explain(NotAuthorised("the service at http://x refused the API token")
                   ).sentence.text().startswith("Access refused: the token")
    assert explain(NotAuthorised("the pole rejected the token")).sentence.text().startswith(
        "The pole rejected the service token")
    assert "not logged in" in explain(NotAuthorised()).sentence.text()
