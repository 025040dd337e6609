"""Issue 17 / eis 69 in the app: the service tokens a service issued, listed and revoked
from the "Issued service tokens" screen, and the site visit greyed out with the reason
for a role that gets no token. Qt-free rules first, then the window against a real
service with real poles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.issued_tokens import revocation_outcome, token_rows
from gui.views.main_window import MainWindow
from pole_link.service_accounts import login
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.service_token_requests import ServiceTokenRecord
from tests.gui.qt_support import shown
from tests.support import Api, connected_pole, running_service

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
MAY_NOT = "Your role ({}) may not do this; ask a colleague with a role that may."


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    switch_language("en")
    yield
    switch_language("en")


def record(jti: str, *, hours: float = 8, revoked: bool = False,
           poles: tuple[str, ...] = ("PW-0001", "PW-0002")) -> ServiceTokenRecord:
    issued = NOW - timedelta(hours=1)
    return ServiceTokenRecord(jti, "tom", "technician", poles, issued,
                              issued + timedelta(hours=hours),
                              NOW if revoked else None, "henk" if revoked else None)


def test_eis69_issued_tokens_read_who_which_poles_until_when_and_whether_revoked() -> None:
    rows = token_rows([record("gone", revoked=True), record("old", hours=0.5),
                       record("all", poles=("*",), hours=72), record("live")], NOW)
    assert [row.record.jti for row in rows] == ["all", "live", "gone", "old"]
    assert [row.revocable for row in rows] == [True, True, False, False]
    assert rows[0].holder.text() == "tom (technician)"
    assert rows[0].poles.text() == "all poles"  # type: ignore[union-attr]
    assert rows[1].poles == "PW-0001, PW-0002"
    assert rows[1].valid_until == "2026-12-04 20:00"  # Amsterdam, whatever the machine's zone
    assert rows[1].state.text() == "valid, 7 h left"
    assert rows[2].state.text() == "revoked by henk at 2026-12-04 13:00"
    assert rows[3].state.text() == "expired"


def test_eis69_a_revocation_says_which_poles_were_told_at_once() -> None:
    told, missed = revocation_outcome({"PW-0002": "not reached: gone", "PW-0001": "Accepted"})
    assert told.text().startswith("Revoked. Told at once: PW-0001.")
    assert missed.text() == ("Not reached now: PW-0002 (they hear of it at their next "
                             "connection).")
    [none] = revocation_outcome({})
    assert none.text().startswith("Revoked. No pole it covers is connected now")


async def signed_in_as(api: Api, name: str, role: str) -> ServiceEndpoint:
    made = await api.client.post("/api/v1/users", json={"name": name, "role": role})
    assert made.status_code == 201, made.text
    return ServiceEndpoint(api.url, (await login(api.url, name, made.json()["password"])).token)


@pytest.mark.parametrize(("role", "may_fetch"), [
    ("helpdesk", False), ("technician", True), ("engineer", True), ("admin", True)])
async def test_eis69_a_site_visit_is_greyed_out_with_the_reason_for_a_role_that_gets_no_token(
        qtbot: QtBot, tmp_path: Path, english: None, role: str, may_fetch: bool) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        async with running_service(tmp_path) as api:
            window.connect_view.use_service(await signed_in_as(api, "user", role))
            await shown(lambda: window.user_label.text() == f"Signed in: user ({role})")
            button = window.connect_view.site_visit_button
            assert window.site_visit_action.isEnabled() is may_fetch
            assert button.isEnabled() is may_fetch
            if may_fetch:
                assert window.site_visit_action.toolTip().startswith("Fetch service tokens")
                assert window.prepare_site_visit() is not None
            else:
                assert window.site_visit_action.toolTip() == MAY_NOT.format(role)
                assert button.toolTip() == MAY_NOT.format(role)
                assert window.prepare_site_visit() is None
            # Every role may see the issued tokens and revoke one (a lost laptop).
            assert window.issued_tokens_action.isEnabled()
    finally:
        await window.shutdown()


async def test_eis69_the_helpdesk_revokes_a_technician_s_token_and_the_pole_hears_at_once(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    asked: list[str] = []
    window.confirm = lambda question: asked.append(question) is None
    try:
        async with running_service(tmp_path) as api, \
                connected_pole(api.service.ocpp_url, tmp_path, start=datetime.now(UTC)) as pole:
            tom = await signed_in_as(api, "tom", "technician")
            async with ServiceClient(tom) as client:
                issued = await client.issue_service_tokens(["PW-0001"], 8)
                await client.issue_service_tokens(["*"], 2)
            window.connect_view.use_service(await signed_in_as(api, "henk", "helpdesk"))
            await shown(lambda: window.user_label.text() == "Signed in: henk (helpdesk)")
            dialog = window.show_issued_tokens()
            assert dialog is not None
            await shown(lambda: dialog.table.rowCount() == 2)
            assert not dialog.revoke_button.isEnabled()  # nothing chosen yet
            row = next(number for number, shown_row in enumerate(dialog.rows)
                       if shown_row.record.jti == issued.jti)
            assert dialog.table.item(row, 0).text() == "tom (technician)"
            assert dialog.table.item(row, 1).text() == "PW-0001"
            assert dialog.table.item(row, 4).text().startswith("valid, ")
            dialog.table.selectRow(row)
            assert dialog.revoke_button.isEnabled()
            dialog.revoke_button.click()
            await shown(lambda: dialog.note.text().startswith("Revoked."))
            assert asked and asked[0].startswith("Revoke the service token of tom for PW-0001?")
            assert dialog.note.text().startswith("Revoked. Told at once: PW-0001.")
            assert issued.jti in pole.pole.service_access.revoked
            await shown(lambda: dialog.rows[-1].record.jti == issued.jti
                        and dialog.table.item(1, 4).text().startswith("revoked by henk"))
            dialog.table.selectRow(1)
            assert not dialog.revoke_button.isEnabled()  # revoked already
            OUTPUT.mkdir(exist_ok=True)
            dialog.grab().save(str(OUTPUT / "issued_tokens_dialog.png"))
            window.grab().save(str(OUTPUT / "issued_tokens_window.png"))
            dialog.close()
            QApplication.processEvents()  # the closed dialog is deleted
            window.access.set_operator(window.operator)  # and no longer hears of the role
    finally:
        await window.shutdown()
