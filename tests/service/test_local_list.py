"""The register on the poles (issue 16): SendLocalList from the CSMS to a virtual pole that
speaks real OCPP 1.6J, the pole using the list offline, and eis 55 end to end.

SQLite and PostgreSQL both; service and pole clocks start at a fixed date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pole_link.sim.vehicles import EvType
from tests.service.cards_support import T0, CardsApi, cards_service
from tests.support import connected_pole, eventually, until

POLE = "PW-0001"
LOCAL_LIST = f"/api/v1/poles/{POLE}/local-list"


@pytest.fixture(params=["sqlite", "postgresql"])
async def cards(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[CardsApi]:
    async with cards_service(tmp_path, request.param) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
async def by_hand(request: pytest.FixtureRequest, tmp_path: Path
                  ) -> AsyncIterator[CardsApi]:
    """A service whose local lists change only by the operator's command."""
    async with cards_service(tmp_path, request.param, push_local_lists=False) as running:
        yield running


async def test_local_list_full_then_differential_reaches_the_virtual_pole(
        by_hand: CardsApi, tmp_path: Path) -> None:
    cards = by_hand
    client = cards.api.client
    await client.put("/api/v1/id-tags/A", json={"status": "Accepted"})
    await client.put("/api/v1/id-tags/B", json={"status": "Blocked"})
    await client.put("/api/v1/id-tags/C", json={"status": "Accepted", "parentIdTag": "G",
                                                "expiryDate": "2027-01-01T00:00:00Z"})
    async with connected_pole(cards.api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole = connected.pole
        full = (await client.post(LOCAL_LIST, json={"updateType": "Full"})).json()
        assert full["status"] == "Accepted" and full["updateType"] == "Full"
        assert full["entries"] == 3 and full["listVersion"] == pole.local_list_version == 1
        assert pole.local_list.status("B", T0) == "Blocked"
        listed_c = pole.local_list.card("C")
        assert listed_c is not None and listed_c.parent_id_tag == "G"
        assert listed_c.expiry_date is not None and listed_c.expiry_date.year == 2027

        await client.put("/api/v1/id-tags/B", json={"status": "Accepted"})
        await client.delete("/api/v1/id-tags/A")
        await client.put("/api/v1/id-tags/D", json={"status": "Blocked"})
        diff = (await client.post(LOCAL_LIST, json={"updateType": "Differential"})).json()
        assert diff["status"] == "Accepted" and diff["updateType"] == "Differential"
        assert diff["entries"] == 3 and diff["listVersion"] == pole.local_list_version == 2
        assert pole.local_list.card("A") is None
        assert pole.local_list.status("B", T0) == "Accepted"
        assert pole.local_list.status("D", T0) == "Blocked"
        assert pole.local_list.card("C") is not None

        same = (await client.post(LOCAL_LIST, json={"updateType": "Differential"})).json()
        assert same["status"] == "UpToDate" and pole.local_list_version == 2
        version = (await client.get(LOCAL_LIST)).json()
        assert version["listVersion"] == 2 and version["sent"]["listVersion"] == 2
        assert version["sent"]["revision"] == version["registerRevision"]

        # Someone else replaced the pole's list: a differential would patch the wrong
        # list, so the full list goes instead, and the answer says why.
        pole.send_local_list(50, "Full", [])
        fallback = (await client.post(LOCAL_LIST, json={"updateType": "Differential"})).json()
        assert fallback["updateType"] == "Full" and fallback["status"] == "Accepted"
        assert "50" in fallback["notes"][0]
        assert pole.local_list_version == 51 and len(pole.local_list) == 3


async def test_a_long_list_goes_in_parts_the_pole_accepts(by_hand: CardsApi,
                                                          tmp_path: Path) -> None:
    cards = by_hand
    client = cards.api.client
    lines = ["idTag,status"] + [f"CARD-{n:04d},Accepted" for n in range(300)]
    await client.post("/api/v1/id-tags/import", content="\n".join(lines).encode(),
                      headers={"Content-Type": "text/csv"})
    async with connected_pole(cards.api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole = connected.pole
        limit = pole.configuration.int_value("SendLocalListMaxLength")
        assert limit < 300
        full = (await client.post(LOCAL_LIST, json={"updateType": "Full"})).json()
        assert full["status"] == "Accepted" and full["entries"] == 300
        assert full["messages"] == 2 and len(pole.local_list) == 300
        await client.put("/api/v1/id-tags/CARD-0299", json={"status": "Blocked"})
        diff = (await client.post(LOCAL_LIST, json={"updateType": "Differential"})).json()
        assert (diff["updateType"], diff["entries"], diff["messages"]) == \
            ("Differential", 1, 1)
        assert pole.local_list.status("card-0299", T0) == "Blocked"


async def test_eis50_offline_the_pole_judges_cards_by_the_list_the_csms_sent(
        cards: CardsApi, tmp_path: Path) -> None:
    client = cards.api.client
    await client.put("/api/v1/id-tags/STOLEN", json={"status": "Blocked"})
    async with connected_pole(cards.api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole = connected.pole
        await client.post(LOCAL_LIST, json={"updateType": "Full"})
        pole.set_network(False)
        await until(lambda: not connected.client.connected)
        refused = await client.post(LOCAL_LIST, json={"updateType": "Full"})
        assert refused.status_code == 409 and refused.json()["error"] == "PoleOffline"
        pole.plug(1, EvType.EV3)
        assert pole.present_card(1, "STOLEN") == "Rejected"  # the list says Blocked
        assert pole.present_card(1, "ANY-PROVIDER") == "Accepted"  # eis 50: unlisted


async def test_eis55_card_blocked_while_the_pole_was_offline_stops_charging_at_reconnection(
        cards: CardsApi, tmp_path: Path) -> None:
    """The card is on the pole's list as Accepted; the helpdesk blocks it while the pole
    is offline, so the pole cannot know and lets the driver charge (eis 50). At
    reconnection our CSMS answers the late StartTransaction Blocked: charging stops at
    once, the transaction stays open and the cable locked until the driver ends it."""
    client = cards.api.client
    repository = cards.api.service.repository
    await client.put("/api/v1/id-tags/CARD-55", json={"status": "Accepted"})
    async with connected_pole(cards.api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole, ocpp = connected.pole, connected.client
        await client.post(LOCAL_LIST, json={"updateType": "Full"})
        pole.set_network(False)
        await until(lambda: not ocpp.connected)
        blocked = await client.put("/api/v1/id-tags/CARD-55", json={"status": "Blocked"})
        assert blocked.status_code == 200
        assert pole.local_list.status("CARD-55", T0) == "Accepted"  # the pole cannot know

        pole.plug(1, EvType.EV3)
        assert pole.present_card(1, "CARD-55") == "Accepted"
        pole.scheduler.advance(10)
        socket = pole.socket(1)
        assert socket.status == "Charging" and max(socket.current_a) > 0

        pole.set_network(True)
        await until(lambda: socket.transaction is not None and socket.transaction.refused)
        transaction = socket.transaction
        assert transaction is not None and transaction.csms_id is not None
        pole.scheduler.advance(10)
        assert socket.current_a == [0.0, 0.0, 0.0] and socket.offered_a == 0.0
        assert socket.status == "SuspendedEVSE"
        assert socket.transaction is transaction  # open: the cable stays locked

        # The CSMS hears the stop of energy (a later event) and still no StopTransaction.
        async def suspended_stored() -> bool:
            return any(c.connector_id == 1 and c.status == "SuspendedEVSE"
                       for c in repository.connectors(POLE))
        await eventually(suspended_stored)
        stored = repository.get_transaction(transaction.csms_id)
        assert stored is not None and stored.id_tag == "CARD-55" and stored.stopped is None

        assert pole.present_card(1, "CARD-55") == "Stopped"  # the driver ends it
        csms_id = transaction.csms_id

        async def stopped_stored() -> bool:
            found = repository.get_transaction(csms_id)
            return found is not None and found.stopped is not None
        await eventually(stopped_stored)
        ended = repository.get_transaction(csms_id)
        assert ended is not None and ended.stop_reason == "Local"
        assert socket.transaction is None


async def test_issue16_a_card_blocked_while_the_pole_is_connected_reaches_its_list(
        cards: CardsApi, tmp_path: Path) -> None:
    """No operator action after the first list: blocking the card is enough. A pole that
    was never sent a list (it does not use one) hears nothing."""
    client = cards.api.client
    await client.put("/api/v1/id-tags/CARD-1", json={"status": "Accepted"})
    await client.put("/api/v1/id-tags/CARD-2", json={"status": "Accepted"})
    url = cards.api.service.ocpp_url
    async with connected_pole(url, tmp_path, start=T0) as connected, \
            connected_pole(url, tmp_path, "PW-0002", start=T0) as other:
        pole = connected.pole
        full = (await client.post(LOCAL_LIST, json={"updateType": "Full"})).json()
        assert full["status"] == "Accepted" and pole.local_list_version == 1
        await client.put("/api/v1/id-tags/CARD-1", json={"status": "Blocked"})
        await until(lambda: pole.local_list.status("CARD-1", T0) == "Blocked")
        assert pole.local_list_version == 2  # a differential: one version up
        assert pole.local_list.status("CARD-2", T0) == "Accepted"
        await client.delete("/api/v1/id-tags/CARD-2")
        await until(lambda: pole.local_list.card("CARD-2") is None)
        assert other.pole.local_list_version == 0 and len(other.pole.local_list) == 0
        version = (await client.get(LOCAL_LIST)).json()
        assert version["sent"]["revision"] == version["registerRevision"]


async def test_issue16_a_pole_offline_during_the_change_gets_it_when_it_is_back(
        cards: CardsApi, tmp_path: Path) -> None:
    client = cards.api.client
    await client.put("/api/v1/id-tags/CARD-9", json={"status": "Accepted"})
    async with connected_pole(cards.api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole, ocpp = connected.pole, connected.client
        await client.post(LOCAL_LIST, json={"updateType": "Full"})
        pole.set_network(False)
        await until(lambda: not ocpp.connected)
        await client.put("/api/v1/id-tags/CARD-9", json={"status": "Blocked"})
        await client.put("/api/v1/id-tags/CARD-10", json={"status": "Accepted"})
        assert pole.local_list.status("CARD-9", T0) == "Accepted"  # it cannot know yet
        pole.set_network(True)
        await until(lambda: pole.local_list.status("CARD-9", T0) == "Blocked", timeout=30)
        assert pole.local_list.status("CARD-10", T0) == "Accepted"
        assert pole.local_list_version == 2
