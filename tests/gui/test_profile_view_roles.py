"""Issue 17 / eis 69: a technician deploys the tender template through the service when
the pole already has the template's connection limit and overrule limit — the profile is
the technicians', those two keys are configuration (engineers'), and a key already right
needs no change. Where the template would change one, Deploy is greyed out and says which.
A real service, a real virtual pole, the Profiles page over the service link."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gui.access import Access
from gui.account_words import Operator
from gui.profiles.profile_view import ProfileView, ResultState
from pole_link.service_accounts import login
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.transports.csms import CsmsLink
from service.accounts.permissions import Role, permissions_of
from tests.gui.qt_support import pumped
from tests.support import Api, connected_pole, until

NOW = datetime(2026, 12, 4, 10, tzinfo=UTC)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def service_now() -> datetime:
    return NOW


async def bound(view: ProfileView, session: PoleSession) -> None:
    view.set_session(session, via_service=True)
    await until(pumped(lambda: not view.busy and bool(view.model.pole_configuration)))


async def test_eis69_a_technician_deploys_the_tender_template_where_its_keys_are_already_set(
        qtbot: QtBot, api: Api, tmp_path: Path) -> None:
    view = ProfileView(clock=SimClock(NOW).now)
    view.confirm = lambda title, question: True
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.watch(Access(Operator("tina", "technician",
                               frozenset(permissions_of(Role.TECHNICIAN)))))
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        _user, password = await admin.add_user("tina", "technician")
    tina = ServiceEndpoint(api.url, (await login(api.url, "tina", password)).token)
    try:
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as pole:
            assert pole.pole.configuration.change("GridConnectionMaxCurrent", "28") == "Accepted"
            async with PoleSession(CsmsLink("PW-0001", tina)) as session:
                await bound(view, session)
                assert not view.deploy_button.isEnabled()
                assert view.deploy_button.toolTip() == (
                    "The template changes GridConnectionMaxCurrent from 28 to 30 A: that is "
                    "the pole's configuration, which an engineer changes. With the pole's own "
                    "values the profile is yours to deploy.")
                OUTPUT.mkdir(exist_ok=True)
                view.grab().save(str(OUTPUT / "profile_view_technician_refused.png"))
            pole.pole.configuration.change("GridConnectionMaxCurrent", "30")  # as the template
            async with PoleSession(CsmsLink("PW-0001", tina)) as session:
                await bound(view, session)
                assert view.deploy_button.isEnabled()
                QTest.mouseClick(view.deploy_button, Qt.MouseButton.LeftButton)
                await until(pumped(lambda: not view.busy
                                   and view.result_state() != ResultState.NONE), 30)
                assert view.error_text() == ""
                assert view.result_state() == ResultState.MATCH
            assert [c for c, _ in pole.pole.profiles.profiles(0)] == [0]
            async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
                written = [(entry.action, entry.result)
                           for entry in await admin.audit(actor="tina", pole_id="PW-0001")
                           if entry.action.startswith(("POST", "PUT"))]
            # The profile, and no configuration change: the keys were already right.
            assert written == [("POST /api/v1/poles/{pole_id}/charging-profiles", "200")]
    finally:
        await view.aclose()
