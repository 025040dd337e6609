"""The card register (issue 16): the helpdesk's routes, and the CSMS answering poles from it.

Every test runs on SQLite and on PostgreSQL (``$PAALWERK_TEST_PG``). Expiry is judged on
the service's injected clock, which the tests move; poles here are raw OCPP connections,
so the exact ``idTagInfo`` the CSMS sends is what is checked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from pole_link.timeutil import format_time
from tests.service.cards_support import T0, CardsApi, cards_service, raw_pole


@pytest.fixture(params=["sqlite", "postgresql"])
async def cards(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[CardsApi]:
    async with cards_service(tmp_path, request.param) as running:
        yield running


async def test_cards_are_put_found_paged_searched_and_deleted(cards: CardsApi) -> None:
    client = cards.api.client
    first = await client.put("/api/v1/id-tags/04A1B2C3",
                             json={"status": "Accepted", "parentIdTag": "FLEET-1"})
    assert first.status_code == 200, first.text
    assert first.json()["created"] is True
    again = await client.put("/api/v1/id-tags/04a1b2c3", json={"status": "Blocked"})
    assert again.json()["created"] is False  # the same card: tags ignore case
    for tag in ("CARD-B", "CARD-C", "OTHER-1"):
        await client.put(f"/api/v1/id-tags/{tag}",
                         json={"status": "Accepted", "parentIdTag": "FLEET-1"})
    card = (await client.get("/api/v1/id-tags/04A1B2C3")).json()
    assert card["idTag"] == "04a1b2c3" and card["status"] == "Blocked"
    assert card["parentIdTag"] is None  # a PUT replaces the whole card

    page = (await client.get("/api/v1/id-tags", params={"limit": 2})).json()
    assert page["total"] == 4
    assert [c["idTag"] for c in page["items"]] == ["04a1b2c3", "CARD-B"]
    rest = (await client.get("/api/v1/id-tags", params={"limit": 2, "offset": 2})).json()
    assert [c["idTag"] for c in rest["items"]] == ["CARD-C", "OTHER-1"]
    found = (await client.get("/api/v1/id-tags", params={"search": "card"})).json()
    assert [c["idTag"] for c in found["items"]] == ["CARD-B", "CARD-C"]
    group = (await client.get("/api/v1/id-tags", params={"search": "fleet-1"})).json()
    assert group["total"] == 3
    literal = (await client.get("/api/v1/id-tags", params={"search": "_"})).json()
    assert literal["total"] == 0, "a search is literal text, not a LIKE pattern"

    assert (await client.delete("/api/v1/id-tags/card-b")).status_code == 200
    gone = await client.get("/api/v1/id-tags/CARD-B")
    assert gone.status_code == 404 and "CARD-B" in gone.json()["description"]
    assert (await client.delete("/api/v1/id-tags/CARD-B")).status_code == 404
    assert (await client.get("/api/v1/id-tags")).json()["total"] == 3


async def test_bad_cards_are_refused_in_words(cards: CardsApi) -> None:
    client = cards.api.client
    status = await client.put("/api/v1/id-tags/X", json={"status": "Blokked"})
    assert status.status_code == 422 and "status" in status.json()["description"]
    long_tag = await client.put(f"/api/v1/id-tags/{'X' * 21}", json={"status": "Accepted"})
    assert long_tag.status_code == 422 and "20 characters" in long_tag.json()["description"]
    naive = await client.put("/api/v1/id-tags/X", json={
        "status": "Accepted", "expiryDate": "2027-01-01T00:00:00"})
    assert naive.status_code == 422 and "expiryDate" in naive.json()["description"]
    unauthorised = await client.put("/api/v1/id-tags/X", json={"status": "Accepted"},
                                    headers={"Authorization": "Bearer wrong"})
    assert unauthorised.status_code == 401


async def test_authorize_start_and_stop_answer_from_the_register(cards: CardsApi) -> None:
    client = cards.api.client
    await client.put("/api/v1/id-tags/GOOD", json={"status": "Accepted",
                                                   "parentIdTag": "FAMILY"})
    for status in ("Blocked", "Expired", "Invalid"):
        await client.put(f"/api/v1/id-tags/{status.upper()}", json={"status": status})
    async with raw_pole(cards.api) as pole:
        assert await pole.authorize("good") == {"status": "Accepted", "parentIdTag": "FAMILY"}
        assert await pole.authorize("BLOCKED") == {"status": "Blocked"}
        assert await pole.authorize("EXPIRED") == {"status": "Expired"}
        assert await pole.authorize("INVALID") == {"status": "Invalid"}
        # eis 60: a card the register does not hold (another provider's) is accepted.
        assert await pole.authorize("ROAMING-1") == {"status": "Accepted"}

        started = await pole.call("StartTransaction", {
            "connectorId": 1, "idTag": "BLOCKED", "meterStart": 100,
            "timestamp": format_time(T0)})
        assert started["idTagInfo"] == {"status": "Blocked"}
        transaction_id = started["transactionId"]
        stored = cards.api.service.repository.get_transaction(transaction_id)
        assert stored is not None and stored.id_tag == "BLOCKED" and stored.stopped is None

        stopped = await pole.call("StopTransaction", {
            "transactionId": transaction_id, "idTag": "BLOCKED", "meterStop": 200,
            "timestamp": format_time(T0 + timedelta(minutes=5)), "reason": "Local"})
        assert stopped["idTagInfo"] == {"status": "Blocked"}
        without_tag = await pole.call("StopTransaction", {
            "transactionId": transaction_id, "meterStop": 200,
            "timestamp": format_time(T0 + timedelta(minutes=5))})
        assert "idTagInfo" not in without_tag


async def test_expiry_is_judged_on_the_service_clock(cards: CardsApi) -> None:
    expiry = T0 + timedelta(hours=1)
    await cards.api.client.put("/api/v1/id-tags/SHORT", json={
        "status": "Accepted", "expiryDate": expiry.isoformat(), "parentIdTag": "G"})
    async with raw_pole(cards.api) as pole:
        assert await pole.authorize("SHORT") == {
            "status": "Accepted", "expiryDate": format_time(expiry), "parentIdTag": "G"}
        cards.clock.jump_to(T0 + timedelta(hours=2))
        assert (await pole.authorize("SHORT"))["status"] == "Expired"
        # A transaction reported late (started offline) is judged when it was used:
        # valid then, it stays legal; used after the expiry date, it is not.
        before = await pole.call("StartTransaction", {
            "connectorId": 1, "idTag": "SHORT", "meterStart": 0,
            "timestamp": format_time(T0 + timedelta(minutes=30))})
        assert before["idTagInfo"]["status"] == "Accepted"
        after = await pole.call("StartTransaction", {
            "connectorId": 2, "idTag": "SHORT", "meterStart": 0,
            "timestamp": format_time(T0 + timedelta(minutes=90))})
        assert after["idTagInfo"]["status"] == "Expired"


async def test_unknown_cards_are_invalid_when_the_setting_refuses_them(tmp_path: Path
                                                                       ) -> None:
    async with cards_service(tmp_path, "sqlite", accept_unknown=False) as cards:
        await cards.api.client.put("/api/v1/id-tags/KNOWN", json={"status": "Accepted"})
        async with raw_pole(cards.api) as pole:
            assert await pole.authorize("STRANGER") == {"status": "Invalid"}
            assert await pole.authorize("KNOWN") == {"status": "Accepted"}
            started = await pole.call("StartTransaction", {
                "connectorId": 1, "idTag": "STRANGER", "meterStart": 0,
                "timestamp": format_time(T0)})
            assert started["idTagInfo"] == {"status": "Invalid"}
            assert started["transactionId"] > 0  # stored all the same


async def test_a_deleted_card_becomes_unknown(cards: CardsApi) -> None:
    await cards.api.client.put("/api/v1/id-tags/GONE", json={"status": "Blocked"})
    async with raw_pole(cards.api) as pole:
        assert (await pole.authorize("GONE"))["status"] == "Blocked"
        await cards.api.client.delete("/api/v1/id-tags/GONE")
        assert (await pole.authorize("GONE"))["status"] == "Accepted"  # unknown: eis 60


CSV = """idTag,status,expiryDate,parentIdTag
CARD-1,Accepted,2027-01-31T23:59:59+01:00,FLEET
CARD-2,Blokked,,
CARD-3,Blocked,,
CARD-4,Accepted,next tuesday,
CARD-5,Accepted,,,extra
CARD-6,Invalid,,FLEET

"""


async def test_csv_import_keeps_good_lines_names_bad_ones_and_export_round_trips(
        cards: CardsApi) -> None:
    client = cards.api.client
    imported = await client.post("/api/v1/id-tags/import", content=CSV.encode(),
                                 headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["imported"] == 3
    assert len(report["errors"]) == 3
    assert report["errors"][0].startswith("line 3: status 'Blokked' is not one of")
    assert report["errors"][1].startswith("line 5: expiryDate 'next tuesday'")
    assert report["errors"][2] == "line 6: more fields than the header has columns"
    card = (await client.get("/api/v1/id-tags/CARD-1")).json()
    assert card["expiryDate"] == "2027-01-31T22:59:59.000Z"
    assert card["parentIdTag"] == "FLEET"

    exported = await client.get("/api/v1/id-tags", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines() == [
        "idTag,status,expiryDate,parentIdTag",
        "CARD-1,Accepted,2027-01-31T22:59:59.000Z,FLEET",
        "CARD-3,Blocked,,",
        "CARD-6,Invalid,,FLEET"]
    # Round trip: clear the register, import the export, export the same text again.
    for tag in ("CARD-1", "CARD-3", "CARD-6"):
        await client.delete(f"/api/v1/id-tags/{tag}")
    assert (await client.get("/api/v1/id-tags")).json()["total"] == 0
    back = await client.post("/api/v1/id-tags/import", content=exported.content,
                             headers={"Content-Type": "text/csv"})
    assert back.json() == {"imported": 3, "errors": []}
    again = await client.get("/api/v1/id-tags", params={"format": "csv"})
    assert again.text == exported.text


async def test_a_csv_without_the_header_is_refused_in_words(cards: CardsApi) -> None:
    answer = await cards.api.client.post("/api/v1/id-tags/import",
                                         content=b"CARD-1,Accepted\n",
                                         headers={"Content-Type": "text/csv"})
    assert answer.json()["imported"] == 0
    assert "header" in answer.json()["errors"][0]


async def test_openapi_documents_the_register_under_the_fixed_route_names(cards: CardsApi
                                                                          ) -> None:
    paths = (await cards.api.client.get("/openapi.json")).json()["paths"]
    assert set(paths["/api/v1/id-tags/{idTag}"]) == {"get", "put", "delete"}
    assert "post" in paths["/api/v1/id-tags/import"]
    assert "text/csv" in paths["/api/v1/id-tags/import"]["post"]["requestBody"]["content"]
    assert set(paths["/api/v1/poles/{pole_id}/local-list"]) == {"get", "post"}
    assert "post" in paths["/api/v1/poles/{pole_id}/call"]


@pytest.mark.parametrize(("flag", "accepted"), [((), True),
                                                (("--unknown-id-tags", "reject"), False),
                                                (("--unknown-id-tags", "accept"), True)])
def test_the_service_command_sets_the_unknown_card_answer(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flag: tuple[str, ...],
        accepted: bool) -> None:
    from service import cli
    from service.ocpp.pole_handler import CsmsSettings

    chosen: list[CsmsSettings] = []

    async def run(db_url: str, host: str, port: int, settings: CsmsSettings,
                  *_: object) -> None:
        chosen.append(settings)

    monkeypatch.setattr(cli, "_run", run)
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'x.sqlite'}", *flag]) == 0
    assert chosen[0].accept_unknown_id_tags is accepted
