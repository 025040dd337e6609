"""The Pole view with service tokens (issue 17, eis 69), on a virtual pole over a real
pty: without a token that fits, the view stays read only and says why in words; with
one it is writable and shows how long the token lasts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytestqt.qtbot import QtBot

from gui.pole_controller import PoleController
from gui.pole_state import LinkState
from gui.views.pole_view import PoleView
from pole_link.service_api import ServiceEndpoint
from pole_link.service_tokens import Claims, issue, public_key_text
from pole_link.token_wallet import MemoryTokenStore, TokenWallet
from pole_link.transports import PoleAddress
from tests.conftest import ServedPole
from tests.gui.qt_support import shown
from tests.support import Api, connected_pole

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def pole_start() -> datetime:
    return NOW


def token_for(pole_id: str, hours: float = 8, jti: str = "t-1") -> str:
    return issue(KEY, Claims("paalwerk", "jan", "technician", (pole_id,),
                             int(NOW.timestamp()), int((NOW + timedelta(hours=hours)).timestamp()),
                             jti))


def viewed(qtbot: QtBot, wallet: TokenWallet) -> PoleView:
    view = PoleView(PoleController(wallet=wallet, retry_delays=(0.2,)))
    view.now = lambda: NOW
    view.confirm = lambda question: True
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    return view


async def test_eis69_without_a_fitting_token_the_pole_view_is_read_only_and_says_why(
        qtbot: QtBot, served_pole: ServedPole) -> None:
    served_pole.pole.service_access.change(public_key_text(KEY.public_key()))
    wallet = TokenWallet(MemoryTokenStore(), now=lambda: NOW)
    wallet.add([token_for("PW-0999")])  # a token, but for another pole
    view = viewed(qtbot, wallet)
    try:
        view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
        await shown(lambda: view.controller.state == LinkState.CONNECTED)
        await shown(lambda: view.access is not None)
        assert not view.start_button.isEnabled()
        assert not view.led_slider.isEnabled()
        assert "no service token for PW-0001" in view.access_label.text()
        assert "Prepare a site visit" in view.start_button.toolTip()
        # Reading still works: the live cards fill in.
        await shown(lambda: view.cards[0].state.text() == "A")
        assert served_pole.pole.service_access.rejects == [], "no Auth was even tried"
    finally:
        await view.controller.aclose()


async def test_eis69_a_fitting_token_makes_the_view_writable_and_shows_its_time_left(
        qtbot: QtBot, served_pole: ServedPole) -> None:
    served_pole.pole.service_access.change(public_key_text(KEY.public_key()))
    wallet = TokenWallet(MemoryTokenStore(), now=lambda: NOW)
    wallet.add([token_for("PW-0001", hours=8)])
    view = viewed(qtbot, wallet)
    try:
        view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
        await shown(lambda: view.access is not None and view.access.writable)
        await shown(lambda: view.start_button.isEnabled())
        assert view.access_label.text() == "Writing allowed as technician — token valid for 8 h"
        await shown(lambda: view.led_reported.text() == "pole reports: 100 %")
        view.led_slider.setValue(35)
        await shown(lambda: served_pole.pole.configuration.int_value("LightIntensity") == 35)
    finally:
        await view.controller.aclose()


async def test_eis69_a_revoked_token_leaves_the_view_read_only_with_the_helpdesk_reason(
        qtbot: QtBot, served_pole: ServedPole) -> None:
    from gui.i18n import switch_language

    served_pole.pole.service_access.change(public_key_text(KEY.public_key()))
    served_pole.pole.service_access.revoke(["t-1"], NOW)
    wallet = TokenWallet(MemoryTokenStore(), now=lambda: NOW)
    wallet.add([token_for("PW-0001")])
    view = viewed(qtbot, wallet)
    try:
        view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
        await shown(lambda: view.access is not None)
        assert view.access.reason == "Revoked"
        assert "helpdesk withdrew" in view.access_label.text()
        assert not view.reset_button.isEnabled()
        assert switch_language("nl")
        try:
            view.show_access(view.access)
            OUTPUT.mkdir(exist_ok=True)
            view.grab().save(str(OUTPUT / "pole_view_read_only_nl.png"))
        finally:
            switch_language("en")
    finally:
        await view.controller.aclose()


@pytest.fixture
def service_now() -> datetime:
    return NOW


async def test_eis69_a_site_visit_fetches_tokens_for_the_fleet_s_selected_poles(
        qtbot: QtBot, api: Api, tmp_path: Path) -> None:
    from gui.i18n import switch_language
    from gui.views.main_window import MainWindow, Page

    switch_language("nl")
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.controller.wallet = TokenWallet(MemoryTokenStore(), now=lambda: NOW)
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW), \
                connected_pole(api.service.ocpp_url, tmp_path, "PW-0002", start=NOW):
            window.connect_view.use_service(ServiceEndpoint(api.url, api.token))
            window.resize(1366, 768)
            window.show()
            window.pages.setCurrentIndex(Page.FLEET)
            await shown(lambda: window.fleet_model.rowCount() == 2, timeout=30)
            window.fleet_view.table.selectRow(0)
            selected = window.fleet_view.selected_pole_ids()
            assert len(selected) == 1
            assert window.site_visit_action.isEnabled()
            dialog = window.prepare_site_visit()
            assert dialog is not None
            dialog.now = lambda: NOW
            dialog.hours.setValue(8)
            dialog.fetch_button.click()
            await shown(lambda: len(window.controller.wallet.entries()) == 1
                        and dialog.held.count() == 1 and dialog.held.item(0).text() != "none yet",
                        timeout=30)
            [entry] = window.controller.wallet.entries()
            assert entry.claims.poles == tuple(selected)
            assert entry.claims.exp - entry.claims.iat == 8 * 3600
            OUTPUT.mkdir(exist_ok=True)
            window.grab().save(str(OUTPUT / "site_visit_window_nl.png"))
            dialog.grab().save(str(OUTPUT / "site_visit_dialog_nl.png"))
            dialog.close()
        await window.shutdown(stop_demo=False)
    finally:
        switch_language("en")
