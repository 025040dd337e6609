"""`ServiceClient`'s card calls against a running service: the typed contract the GUI's
Cards screen relies on."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pole_link.errors import LinkLost
from pole_link.service_api import ServiceClient, ServiceEndpoint, ServiceRefused
from pole_link.timeutil import format_time
from tests.service.cards_support import T0, cards_service, raw_pole


async def test_the_client_registers_blocks_lists_and_exchanges_cards(tmp_path: Path) -> None:
    async with cards_service(tmp_path, "sqlite") as cards, \
            ServiceClient(ServiceEndpoint(cards.api.url, cards.api.token)) as client:
        expiry = T0 + timedelta(days=365)
        card = await client.put_id_tag("04AABB", "Accepted", expiry_date=expiry,
                                       parent_id_tag="FAMILY")
        assert (card.id_tag, card.status, card.expiry_date, card.parent_id_tag) == \
            ("04AABB", "Accepted", expiry, "FAMILY")
        blocked = await client.set_id_tag_status(card, "Blocked")
        assert blocked.status == "Blocked"
        assert (blocked.expiry_date, blocked.parent_id_tag) == (expiry, "FAMILY")
        assert (await client.id_tag("04aabb")).status == "Blocked"
        assert not card.expired_at(T0) and card.expired_at(expiry)

        with pytest.raises(ServiceRefused) as unknown:
            await client.id_tag("NOBODY")
        assert unknown.value.status == 404 and unknown.value.code == "UnknownIdTag"

        report = await client.import_id_tags("idTag,status\nB-1,Accepted\nB-2,Nope\n")
        assert report.imported == 1 and report.errors[0].startswith("line 3:")
        page = await client.id_tags("b-", limit=10)
        assert page.total == 1 and [c.id_tag for c in page.items] == ["B-1"]
        exported = await client.export_id_tags()
        assert exported.splitlines()[0] == "idTag,status,expiryDate,parentIdTag"
        assert len(exported.splitlines()) == 3

        async with raw_pole(cards.api, "PW-0007") as pole:
            started = await pole.call("StartTransaction", {
                "connectorId": 2, "idTag": "04aabb", "meterStart": 1000,
                "timestamp": format_time(T0)})
            await pole.call("StopTransaction", {
                "transactionId": started["transactionId"], "meterStop": 4500,
                "timestamp": format_time(T0 + timedelta(hours=1)), "reason": "Local"})
        history = await client.id_tag_transactions("04AABB")
        assert len(history) == 1
        assert (history[0].pole_id, history[0].connector_id, history[0].energy_wh,
                history[0].stop_reason) == ("PW-0007", 2, 3500.0, "Local")

        with pytest.raises(LinkLost):  # registered, but no longer connected
            await client.send_local_list("PW-0007")
        await client.delete_id_tag("B-1")
        assert (await client.id_tags()).total == 1
