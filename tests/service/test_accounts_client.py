"""`ServiceClient`'s account, token and audit calls against the running service (issue 17)."""

from __future__ import annotations

import pytest

from pole_link.errors import NotAuthorised
from pole_link.service_accounts import login
from pole_link.service_api import ServiceClient, ServiceEndpoint
from tests.support import Api


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
