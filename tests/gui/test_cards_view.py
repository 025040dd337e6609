"""The helpdesk's Cards screen (issue 16): the lookup's rules without widgets, then the
screen on a real service — look a card up, see where it charged, block it, and the CSMS
answers the next Authorize with Blocked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.cards.lookup import CardLookup, QueryError, Verdict, check_query
from gui.cards.view import CardsView
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from pole_link.service_cards import CardTransactionRecord, IdTagRecord
from pole_link.timeutil import format_time
from tests.gui.qt_support import shown
from tests.service.cards_support import T0, cards_service, raw_pole


def test_a_query_is_a_card_number_or_refused() -> None:
    assert check_query("  04AABB \n") == "04AABB"
    with pytest.raises(QueryError):
        check_query("   ")
    with pytest.raises(QueryError):
        check_query("X" * 21)


def test_the_lookup_says_what_the_register_says_and_which_action_applies() -> None:
    lookup = CardLookup()
    heard: list[None] = []
    lookup.subscribe(lambda: heard.append(None))
    assert lookup.verdict(T0) is Verdict.NOT_LOOKED_UP
    assert not lookup.can_block and not lookup.can_unblock

    lookup.show("ROAMING-1", None, [])
    assert lookup.verdict(T0) is Verdict.UNKNOWN
    assert lookup.can_block and not lookup.can_unblock  # a lost roaming card can be stopped

    expiry = T0 + timedelta(days=1)
    card = IdTagRecord("04AABB", "Accepted", expiry, "FAMILY")
    summer = datetime(2026, 7, 1, 10, tzinfo=UTC)  # 12:00 in Amsterdam (CEST)
    lookup.show("04aabb", card, [CardTransactionRecord(
        7, "PW-0001", 2, "04AABB", summer, summer + timedelta(hours=2), 12_345.0, "Local")])
    assert lookup.verdict(T0) is Verdict.ACCEPTED
    assert lookup.verdict(expiry) is Verdict.EXPIRED  # judged against the time given
    row = lookup.rows()[0]
    assert (row.pole, row.socket, row.started, row.stopped, row.energy_kwh, row.reason) == (
        "PW-0001", "2", "2026-07-01 12:00", "2026-07-01 14:00", "12.35", "Local")

    lookup.card_changed(IdTagRecord("04AABB", "Blocked", expiry, "FAMILY"))
    assert lookup.verdict(T0) is Verdict.BLOCKED
    assert lookup.can_unblock and not lookup.can_block
    assert len(heard) == 3


async def test_the_helpdesk_looks_up_a_card_sees_its_transactions_and_blocks_it(
        qtbot: QtBot, tmp_path: Path) -> None:
    async with cards_service(tmp_path, "sqlite") as cards:
        await cards.api.client.put("/api/v1/id-tags/04AABB", json={
            "status": "Accepted", "parentIdTag": "FAMILY"})
        async with raw_pole(cards.api, "PW-0003") as pole:
            started = await pole.call("StartTransaction", {
                "connectorId": 1, "idTag": "04AABB", "meterStart": 0,
                "timestamp": format_time(T0)})
            await pole.call("StopTransaction", {
                "transactionId": started["transactionId"], "meterStop": 7000,
                "timestamp": format_time(T0 + timedelta(hours=1)), "reason": "EVDisconnected"})

            view = CardsView(TaskRunner(), clock=cards.clock.now)
            qtbot.addWidget(view)
            view.show()
            assert not view.look_up_button.isEnabled()  # no service yet
            view.follow(ServiceEndpoint(cards.api.url, cards.api.token))
            view.query.setText("   ")
            view.look_up_button.click()
            assert view.details.text() == "Type a card number first."

            view.query.setText("04aabb")
            view.look_up_button.click()
            await shown(lambda: view.table.rowCount() == 1)
            assert view.verdict.text() == "04aabb: Accepted"
            assert "Group: FAMILY" in view.details.text()
            cells = [view.table.item(0, column).text() for column in range(6)]
            assert cells == ["PW-0003", "1", "2026-11-25 12:00", "2026-11-25 13:00", "7.00",
                             "EVDisconnected"]
            assert view.block_button.isEnabled() and not view.unblock_button.isEnabled()

            view.block_button.click()
            await shown(lambda: view.verdict.text() == "04aabb: Blocked")
            assert view.unblock_button.isEnabled() and not view.block_button.isEnabled()
            assert await pole.authorize("04AABB") == {"status": "Blocked",
                                                      "parentIdTag": "FAMILY"}

            view.unblock_button.click()
            await shown(lambda: view.verdict.text() == "04aabb: Accepted")
            assert (await pole.authorize("04AABB"))["status"] == "Accepted"

            view.query.setText("NEVER-SEEN")
            view.look_up_button.click()
            await shown(lambda: view.verdict.text() == "NEVER-SEEN: Not in the register")
            assert "No transactions with this card." in view.details.text()
