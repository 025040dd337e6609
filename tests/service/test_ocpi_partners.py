"""Roaming partners managed through the operator API and its typed client (issue 21):
invite and register both ways, list with status, suspend and resume (a suspended partner
is refused), delete (the partner is told) — tokens never in a listing or the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pole_link.service_api import ServiceClient, ServiceEndpoint, ServiceRefused
from tests.service.ocpi_emsp import running_emsp
from tests.support import running_service


async def test_eis61_admin_invites_an_emsp_which_registers_and_is_listed(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api, running_emsp() as emsp, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        invitation = await admin.invite_ocpi_partner("Stand-in eMSP")
        assert invitation.partner.status == "invited"
        assert invitation.versions_url == f"{api.url}/ocpi/versions"
        await emsp.register_with(invitation.versions_url, invitation.token_a)

        [partner] = await admin.ocpi_partners()
        assert (partner.status, partner.party, partner.roles) == (
            "registered", "DE-EMS", ("EMSP",))
        assert "locations" in partner.modules

        # Suspended: the partner's calls are refused until an admin resumes it.
        assert (await admin.suspend_ocpi_partner(partner.id)).status == "suspended"
        refused = await emsp.call("GET", f"{api.url}/ocpi/2.2.1")
        assert refused.status_code == 403 and refused.json()["status_code"] == 2000
        assert (await admin.resume_ocpi_partner(partner.id)).status == "registered"
        assert (await emsp.call("GET", f"{api.url}/ocpi/2.2.1")).status_code == 200

        audit = (await api.client.get("/api/v1/audit", params={"action": "ocpi"})).json()
        # One entry per write (issue 17): the route's own words are the entry's detail.
        notes = [note.split(":")[0] for entry in audit
                 for note in [entry["action"], *entry["detail"].split("; ")]
                 if note.startswith("ocpi-partner.")]
        assert notes == ["ocpi-partner.invite", "ocpi-partner.suspend", "ocpi-partner.resume"]
        assert invitation.token_a not in json.dumps(audit)
        listing = (await api.client.get("/api/v1/ocpi/partners")).text
        assert emsp.cpo_token is not None and emsp.token_for_cpo is not None
        for secret in (invitation.token_a, emsp.cpo_token, emsp.token_for_cpo):
            assert secret not in listing

        # Deleted: the partner is told (DELETE on its credentials), its token dies here.
        pushes_before = len(emsp.pushes)
        await admin.delete_ocpi_partner(partner.id)
        assert [(push.method, push.path) for push in emsp.pushes[pushes_before:]] == [
            ("DELETE", "credentials")]
        assert await admin.ocpi_partners() == []
        assert (await emsp.call("GET", f"{api.url}/ocpi/2.2.1")).status_code == 401


async def test_eis61_admin_registers_with_an_emsp_and_sees_why_a_registration_failed(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api, running_emsp() as emsp, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
        with pytest.raises(ServiceRefused) as refused:
            await admin.register_ocpi_partner("Typo", f"{emsp.base}/emsp/versions", "wrong")
        assert refused.value.status == 424 and refused.value.code == "RegistrationFailed"
        assert "HTTP 401" in str(refused.value)

        partner = await admin.register_ocpi_partner("Stand-in eMSP",
                                                    f"{emsp.base}/emsp/versions",
                                                    emsp.token_a)
        assert (partner.status, partner.party) == ("registered", "DE-EMS")
        failed, registered = await admin.ocpi_partners()
        assert failed.status == "failed" and "HTTP 401" in (failed.last_error or "")
        assert registered.id == partner.id
