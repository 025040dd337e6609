"""OCPI 2.2.1 transport and registration (issue 21, eis 61): the credentials handshake in
both directions between the real CSMS and a stand-in eMSP over real HTTP on 127.0.0.1,
tokens kept hashed or encrypted, and wrong tokens refused with 401 and recorded."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from service.ocpi.models import Credentials, Envelope, Version, VersionDetails
from service.ocpi.partner_store import PartnerStatus
from service.ocpi.registry import RegistrationError, Registry
from service.storage.database import create_engine_for
from tests.service.ocpi_emsp import auth, running_emsp
from tests.support import Api, running_service

EXAMPLES = Path(__file__).parent / "ocpi_examples"


def registry_of(api: Api) -> Registry:
    registry = api.service.services.ocpi
    assert registry is not None
    return registry


def stored_partners(api: Api) -> list[dict[str, Any]]:
    engine = create_engine_for(api.db_url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in
                    connection.execute(sa.text("SELECT * FROM ocpi_partners ORDER BY id"))]
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(path.name for path in EXAMPLES.glob("*.json")))
def test_the_specifications_examples_fit_our_models(name: str) -> None:
    """Our models accept what the specification shows (so they are not stricter than it)."""
    data = json.loads((EXAMPLES / name).read_text())
    if name.startswith("credentials"):
        Credentials.model_validate(data)
    elif name.startswith("versions"):
        for item in data:
            Version.model_validate(item)
    else:
        VersionDetails.model_validate(data)


async def test_eis61_an_emsp_registers_with_the_cpo_with_the_token_a_we_issued(
        api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_emsp() as emsp:
        registry = registry_of(api)
        partner, token_a = await registry.invite("Stand-in eMSP")
        ours = await emsp.register_with(f"{api.url}/ocpi/versions", token_a)

        # Our credentials name us as a CPO and carry a fresh token C, not A.
        assert ours.roles[0].role == "CPO" and ours.token != token_a
        assert ours.url == f"{api.url}/ocpi/versions"
        [row] = stored_partners(api)
        assert row["status"] == PartnerStatus.REGISTERED
        assert (row["country_code"], row["party_id"]) == ("DE", "EMS")
        assert json.loads(row["endpoints"])[0]["identifier"] == "credentials"
        # Nothing in plain text: C hashed, the eMSP's token B encrypted.
        assert emsp.token_for_cpo is not None
        assert ours.token not in json.dumps(row, default=str)
        assert emsp.token_for_cpo not in json.dumps(row, default=str)
        assert registry.box.open(row["sealed_token"]) == emsp.token_for_cpo

        # C opens our modules; A is spent.
        details = await emsp.call("GET", f"{api.url}/ocpi/2.2.1")
        assert details.status_code == 200
        refused = await emsp.call("GET", f"{api.url}/ocpi/versions", token_a)
        assert refused.status_code == 401 and refused.json()["status_code"] == 2000
        # Registering twice is refused as the specification says.
        again = await emsp.call("POST", emsp.cpo_url("credentials", "RECEIVER"),
                                body=emsp.credentials("x" * 10))
        assert again.status_code == 405
        assert partner.id == row["id"]
    text = caplog.text
    for secret in (token_a, ours.token, emsp.token_for_cpo):
        assert secret not in text


async def test_eis61_the_cpo_registers_with_an_emsp_given_its_versions_url_and_token_a(
        api: Api) -> None:
    async with running_emsp() as emsp:
        registry = registry_of(api)
        token_a = emsp.token_a
        row = await registry.register_with("Stand-in eMSP", f"{emsp.base}/emsp/versions",
                                           token_a)

        assert row.status == PartnerStatus.REGISTERED
        assert (row.country_code, row.party_id) == ("DE", "EMS")
        assert row.endpoint("locations", "RECEIVER") == f"{emsp.base}/emsp/2.2.1/locations"
        # The eMSP called us back with our token B during the POST and keeps it.
        assert emsp.cpo_token is not None and emsp.cpo_endpoints
        mine = await emsp.call("GET", f"{api.url}/ocpi/2.2.1/credentials")
        assert mine.status_code == 200
        assert Credentials.model_validate(mine.json()["data"]).roles[0].party_id == "PWK"
        # We hold the eMSP's token C, encrypted; its token A is spent on its side.
        assert registry.box.open(stored_partners(api)[0]["sealed_token"]) == \
            emsp.token_for_cpo
        assert emsp.token_a != token_a


async def test_a_registration_that_fails_says_why_and_leaves_no_usable_token(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api, running_emsp() as emsp:
        registry = registry_of(api)
        with pytest.raises(RegistrationError, match="HTTP 401"):
            await registry.register_with("Wrong token", f"{emsp.base}/emsp/versions",
                                         "not-the-token-a")
        [row] = stored_partners(api)
        assert row["status"] == PartnerStatus.FAILED and "HTTP 401" in row["last_error"]
        assert row["token_hash"] is None


async def test_a_wrong_token_is_refused_with_401_in_the_envelope_and_recorded(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        async with httpx.AsyncClient(base_url=api.url) as anyone:
            response = await anyone.get("/ocpi/2.2.1/credentials",
                                        headers={**auth("guessed"), "X-Request-ID": "r-1",
                                                 "X-Correlation-ID": "c-1"})
            missing = await anyone.get("/ocpi/versions")
        assert response.status_code == 401 and missing.status_code == 401
        body = Envelope[Any].model_validate(response.json())
        assert body.status_code == 2000 and body.data is None
        assert "Authorization: Token" in (body.status_message or "")
        assert response.headers["X-Request-ID"] == "r-1"
        assert response.headers["X-Correlation-ID"] == "c-1"
        audit = (await api.client.get("/api/v1/audit", params={"actor": "ocpi:unknown"})
                 ).json()
        assert [(entry["action"], entry["result"]) for entry in audit] == [
            ("GET /ocpi/2.2.1/credentials", "401"), ("GET /ocpi/versions", "401")]
        assert "guessed" not in json.dumps(audit)


async def test_an_invited_partner_reaches_only_versions_and_credentials(
        tmp_path: Path) -> None:
    """Token A opens the handshake modules only (transport and format: 401 elsewhere)."""
    async with running_service(tmp_path) as api, running_emsp() as emsp:
        _, token_a = await registry_of(api).invite("Later")
        assert (await emsp.call("GET", f"{api.url}/ocpi/versions", token_a)).status_code \
            == 200
        assert (await emsp.call("GET", f"{api.url}/ocpi/2.2.1/credentials", token_a)
                ).status_code == 405
