"""`ServiceClient`'s account, token and audit calls against the running service (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pole_link.errors import NotAuthorised
from pole_link.service_accounts import login
from pole_link.service_api import ServiceClient, ServiceEndpoint
from tests.support import Api, connected_pole

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


async def test_eis69_client_signs_in_reads_its_role_and_is_refused_in_words(api: Api) -> None:
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        user, password = await admin.add_user("henk", "helpdesk")
        assert (user.name, user.role, user.disabled) == ("henk", "helpdesk", False)
        assert [u.name for u in await admin.users()] == ["henk"]
    with pytest.raises(NotAuthorised, match="user name or password is wrong"):
        await login(api.url, "henk", password + "x")
    signed = await login(api.url, "henk", password)
    assert signed.user.role == "helpdesk" and signed.expires_at is not None
    async with ServiceClient(ServiceEndpoint(api.url, signed.token)) as henk:
        me = await henk.me()
        assert me.may("POST", "/api/v1/poles/{pole_id}/reset")
        assert not me.may("PUT", "/api/v1/poles/{pole_id}/configuration")
        with pytest.raises(NotAuthorised) as refused:
            await henk.configure("PW-0001", "LightIntensity", "40")
        assert refused.value.description == ("Your role helpdesk may not change "
                                             "configuration; ask an engineer or admin.")
        made = await henk.add_personal_token("laptop")
        assert made.token and [t.name for t in await henk.personal_tokens()
                               if t.kind == "personal"] == ["laptop"]
        await henk.revoke_token(made.id)
        assert await henk.logout() is True
        with pytest.raises(NotAuthorised, match="sign in again"):
            await henk.me()
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        entries = await admin.audit(actor="henk")
        assert ("PUT /api/v1/poles/{pole_id}/configuration", "403") in {
            (e.action, e.result) for e in entries}
        assert all(e.hash for e in entries)
        assert b"henk" in await admin.audit_csv(actor="henk")
        changed, new_password = await admin.change_user("henk", role="technician",
                                                        new_password=True)
        assert changed.role == "technician" and new_password
        await admin.delete_user("henk")
        assert await admin.users() == []


async def test_eis69_the_helpdesk_reads_a_poles_own_schedule_through_its_read_route(
        api: Api, tmp_path: Path) -> None:
    """The Pole view shows the pole's composite schedule to whoever may read the fleet:
    `ServiceClient.send` takes GetCompositeSchedule to its own read route, not to the
    engineers' generic ``/call``."""
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        _user, password = await admin.add_user("henk", "helpdesk")
    signed = await login(api.url, "henk", password)
    async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW), \
            ServiceClient(ServiceEndpoint(api.url, signed.token)) as henk:
        answer = await henk.send("PW-0001", "GetCompositeSchedule",
                                 {"connectorId": 0, "duration": 3600}, timeout=10)
        with pytest.raises(NotAuthorised):  # the generic call stays the engineers'
            await henk.call("PW-0001", "GetCompositeSchedule",
                            {"connectorId": 0, "duration": 3600}, timeout=10)
    assert answer["status"] == "Accepted"
    assert answer["chargingSchedule"]["duration"] == 3600


async def test_eis69_a_technician_deploys_a_charging_profile_through_its_own_route(
        api: Api, tmp_path: Path) -> None:
    """Technicians deploy profiles: `ServiceClient.send` takes SetChargingProfile and
    ClearChargingProfile to their technician routes, while the generic ``/call`` stays
    the engineers'."""
    profile = {"chargingProfileId": 41, "stackLevel": 1,
               "chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Absolute",
               "chargingSchedule": {"chargingRateUnit": "A", "startSchedule": NOW.isoformat(),
                                    "chargingSchedulePeriod": [{"startPeriod": 0,
                                                                "limit": 10.0}]}}
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        _user, password = await admin.add_user("tina", "technician")
    signed = await login(api.url, "tina", password)
    async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW), \
            ServiceClient(ServiceEndpoint(api.url, signed.token)) as tina:
        installed = await tina.send("PW-0001", "SetChargingProfile",
                                    {"connectorId": 1, "csChargingProfiles": profile},
                                    timeout=10)
        with pytest.raises(NotAuthorised):
            await tina.call("PW-0001", "SetChargingProfile",
                            {"connectorId": 1, "csChargingProfiles": profile}, timeout=10)
        cleared = await tina.send("PW-0001", "ClearChargingProfile", {"id": 41}, timeout=10)
        again = await tina.send("PW-0001", "ClearChargingProfile", {"id": 41}, timeout=10)
    assert installed["status"] == "Accepted"
    assert (cleared["status"], again["status"]) == ("Accepted", "Unknown")
