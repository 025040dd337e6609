"""A partner whose platform hosts several parties (issue 21): every role it registers is
kept, requests are routed by OCPI's ``OCPI-to-``/``OCPI-from-`` headers, and what the CPO
pushes is addressed to the party it concerns (transport_and_format, "Message Routing
Headers")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pole_link.service_ocpi import PartnerRecord
from pole_link.sim.vehicles import EvType
from service.ocpi.models import Session
from service.ocpp.pole_handler import CsmsSettings
from tests.service.ocpi_emsp import COUNTRY, PARTY, running_emsp
from tests.service.test_ocpi_locations import registered_emsp
from tests.support import connected_pole, running_service, until

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
SECOND = ("BE", "EMB")
"""The platform's second eMSP (another country's party id)."""


def role(kind: str, country: str, party: str, name: str) -> dict[str, object]:
    return {"role": kind, "country_code": country, "party_id": party,
            "business_details": {"name": name}}


def to_of(headers: dict[str, str]) -> tuple[str, str]:
    return headers.get("ocpi-to-country-code", ""), headers.get("ocpi-to-party-id", "")


async def test_eis60_a_two_party_platform_keeps_both_roles_and_is_routed_by_headers(
        tmp_path: Path) -> None:
    settings = CsmsSettings(accept_unknown_id_tags=False)
    async with running_service(tmp_path, settings=settings) as api, running_emsp() as emsp:
        emsp.roles = [role("EMSP", COUNTRY, PARTY, "Stand-in eMSP"),
                      role("EMSP", *SECOND, "Stand-in eMSP België")]
        await registered_emsp(api, emsp)
        listed = await api.client.get("/api/v1/ocpi/partners")
        [partner] = [PartnerRecord.from_json(item) for item in listed.json()]
        assert partner.parties == ("DE-EMS (EMSP)", "BE-EMB (EMSP)")

        # The second party's token, sent as that party, is its own to push.
        token = {**emsp.token("04B1B2C3D4E5", "ALWAYS"), "country_code": SECOND[0],
                 "party_id": SECOND[1], "contract_id": "BE-EMB-C04B1B2C3D4"}
        tokens = emsp.cpo_url("tokens", "RECEIVER")
        from_second = {"OCPI-from-country-code": SECOND[0], "OCPI-from-party-id": SECOND[1],
                       "OCPI-to-country-code": "NL", "OCPI-to-party-id": "PWK"}
        pushed = await emsp.call("PUT", f"{tokens}/BE/EMB/04B1B2C3D4E5", body=token,
                                 headers=from_second)
        assert pushed.status_code == 200, pushed.text

        # A party the platform did not register, and a request meant for another CPO.
        stranger = await emsp.call("GET", f"{tokens}/BE/EMB/04B1B2C3D4E5", headers={
            "OCPI-from-country-code": "FR", "OCPI-from-party-id": "XYZ"})
        assert stranger.status_code == 403
        assert "FR-XYZ, which is not one of the parties" in stranger.json()["status_message"]
        elsewhere = await emsp.call("GET", f"{tokens}/BE/EMB/04B1B2C3D4E5", headers={
            "OCPI-to-country-code": "NL", "OCPI-to-party-id": "ALF"})
        assert elsewhere.status_code == 404
        assert "this platform is the CPO NL-PWK only" in elsewhere.json()["status_message"]

        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            pole.plug(1, EvType.EV3)
            pole.present_card(1, "04B1B2C3D4E5")
            await until(lambda: pole.socket(1).transaction is not None
                        and pole.socket(1).transaction.csms_id is not None)

            def session_pushes() -> list[dict[str, str]]:
                return [push.headers for push in emsp.pushes
                        if push.method == "PUT" and push.path.startswith("sessions/")]

            await until(lambda: bool(session_pushes()))
            # The session goes to the party whose driver charges, not the first role.
            assert {to_of(headers) for headers in session_pushes()} == {SECOND}
            first = next(push for push in emsp.pushes if push.path.startswith("sessions/"))
            assert Session.model_validate(first.body).cdr_token.uid == "04B1B2C3D4E5"
            # Locations go to both parties the platform hosts.
            await until(lambda: {to_of(push.headers) for push in emsp.pushes
                                 if push.path.startswith("locations/")}
                        == {(COUNTRY, PARTY), SECOND})
