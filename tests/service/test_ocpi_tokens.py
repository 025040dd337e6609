"""eMSPs' tokens at our poles (issue 21, eis 60): tokens pushed over OCPI land in the card
register and start charges at a virtual pole; tokens that want real-time authorisation
are asked about at the eMSP; a token the eMSP refuses starts nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ocpp.v16.enums import AuthorizationStatus

from pole_link.sim.vehicles import EvType
from service.ocpi.models import Token
from service.ocpp.pole_handler import CsmsSettings
from tests.service.ocpi_emsp import running_emsp
from tests.service.test_ocpi_locations import registered_emsp
from tests.support import Api, connected_pole, postgres_schema, running_service, until

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
STRICT = CsmsSettings(accept_unknown_id_tags=False)  # only cards someone vouches for


@pytest.fixture(params=["sqlite", "postgresql"])
async def strict_api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    """The CSMS refusing unknown cards, on SQLite and on PostgreSQL (when configured)."""
    if request.param == "sqlite":
        async with running_service(tmp_path, settings=STRICT) as running:
            yield running
        return
    with postgres_schema() as url:
        async with running_service(tmp_path, url, settings=STRICT) as running:
            yield running


async def test_eis60_a_token_from_an_emsp_authorizes_a_start_on_a_virtual_pole(
        strict_api: Api, tmp_path: Path) -> None:
    api = strict_api
    async with running_emsp() as emsp:
        await registered_emsp(api, emsp)
        put = await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALLOWED"))
        assert put.status_code == 200 and put.json()["status_code"] == 1000

        # In the card register, as a card, and readable back over OCPI.
        card = (await api.client.get("/api/v1/id-tags/04A1B2C3D4E5")).json()
        assert card["status"] == AuthorizationStatus.accepted
        got = await emsp.call("GET", f"{emsp.cpo_url('tokens', 'RECEIVER')}/DE/EMS/"
                                     "04A1B2C3D4E5")
        assert Token.model_validate(got.json()["data"]).whitelist == "ALLOWED"

        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            pole.plug(1, EvType.EV3)
            pole.present_card(1, "04a1b2c3d4e5")  # a reader may write the hex lower case
            await until(lambda: pole.socket(1).transaction is not None
                        and pole.socket(1).transaction.csms_id is not None)
            # An unknown card starts nothing at the same pole.
            pole.plug(2, EvType.EV3)
            pole.present_card(2, "UNKNOWN-CARD")
            await until(lambda: 2 not in pole._authorising)
            assert pole.socket(2).transaction is None


async def test_eis60_never_tokens_are_asked_about_in_real_time_and_refused_when_the_emsp_says(
        tmp_path: Path) -> None:
    async with running_service(tmp_path, settings=STRICT) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        await emsp.push_token(emsp.token("AA11", "NEVER"))
        await emsp.push_token(emsp.token("BB22", "NEVER"))
        emsp.verdicts["BB22"] = "NOT_ALLOWED"
        # NEVER: never whitelisted, so not in the register (nor the poles' lists).
        assert (await api.client.get("/api/v1/id-tags/AA11")).status_code == 404

        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            pole.plug(1, EvType.EV3)
            pole.plug(2, EvType.EV3)
            pole.present_card(2, "BB22")
            await until(lambda: 2 not in pole._authorising)
            assert pole.socket(2).transaction is None
            pole.present_card(1, "AA11")
            await until(lambda: pole.socket(1).transaction is not None)
        asked = [push.path for push in emsp.pushes if push.path.endswith("/authorize")]
        assert "tokens/BB22/authorize" in asked and "tokens/AA11/authorize" in asked


async def test_a_partner_pushes_only_its_own_tokens_and_bad_ones_are_refused_in_words(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        base = emsp.cpo_url("tokens", "RECEIVER")
        other = await emsp.call("PUT", f"{base}/NL/XYZ/CC33",
                                body={**emsp.token("CC33", "ALWAYS"), "country_code": "NL",
                                      "party_id": "XYZ"})
        assert other.status_code == 403
        bad = emsp.token("DD44", "SOMETIMES")
        refused = await emsp.call("PUT", f"{base}/DE/EMS/DD44", body=bad)
        assert refused.status_code == 400 and refused.json()["status_code"] == 2001
        assert "whitelist" in refused.json()["status_message"]
        # PATCH: blocked by the eMSP, blocked in the register.
        await emsp.push_token(emsp.token("EE55", "ALLOWED_OFFLINE"))
        patched = await emsp.call("PATCH", f"{base}/DE/EMS/EE55",
                                  body={"valid": False, "last_updated": "2026-12-04T13:00:00Z"})
        assert patched.status_code == 200
        assert (await api.client.get("/api/v1/id-tags/EE55")).json()["status"] == "Blocked"


async def test_eis60_an_allowed_offline_token_reaches_the_poles_local_list_but_never_one_does(
        tmp_path: Path) -> None:
    """A pole that loses its connection still knows the eMSP's offline-allowed cards."""
    async with running_service(tmp_path, settings=STRICT) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            # The pole's list is under the service's care once it got a first full one.
            full = await api.client.post("/api/v1/poles/PW-0001/local-list",
                                         json={"updateType": "Full"})
            assert full.json()["status"] == "Accepted"
            await emsp.push_token(emsp.token("NEVER1", "NEVER"))
            await emsp.push_token(emsp.token("OFFLINE1", "ALLOWED_OFFLINE"))
            await until(lambda: pole.local_list.card("OFFLINE1") is not None)
            assert pole.local_list.status("OFFLINE1", NOW) == "Accepted"
            assert pole.local_list.card("NEVER1") is None
            # Blocked by the eMSP: blocked in the pole's list too.
            base = emsp.cpo_url("tokens", "RECEIVER")
            await emsp.call("PATCH", f"{base}/DE/EMS/OFFLINE1",
                            body={"valid": False, "last_updated": "2026-12-04T13:00:00Z"})
            await until(lambda: pole.local_list.status("OFFLINE1", NOW) == "Blocked")
