"""eis 69 / issue 16 with several service processes (``--workers``): the credentials and
the second-connection rule hold whichever process a pole or an impostor reaches.

Process B holds the real pole; the impostor and the operator come to process A. A
checks the credentials stored by any process, probes the pole held by B before refusing
a second unauthenticated connection, and rotates the key through B. PostgreSQL only.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.service.security_support import PASSWORD, basic, refused, secured_pole
from tests.service.test_cluster import Pair, pair, pg_url  # noqa: F401  (fixtures)
from tests.support import until


async def test_eis69_an_impostor_at_another_process_is_refused_and_keys_rotate_across(
        pair: Pair, tmp_path: Path) -> None:  # noqa: F811
    registered = await pair.api_a.post("/api/v1/poles", json={
        "id": "PW-0001", "securityProfile": 1, "basicAuthPassword": PASSWORD})
    assert registered.status_code == 201
    at_a = f"{pair.a.ocpp_url}/PW-0001"
    async with secured_pole(pair.b.ocpp_url, tmp_path, profile=1, password=PASSWORD) as real:
        assert await refused(at_a) == 401
        assert await refused(at_a, basic("PW-0001", "wrong-password-0123456")) == 401
        pole = (await pair.api_a.get("/api/v1/poles/PW-0001")).json()
        assert pole["vendor"] == "Paalwerk" and pole["connected"]
        rotated = await pair.api_a.post("/api/v1/poles/PW-0001/security/rotate-key")
        assert rotated.status_code == 200, rotated.text
        key = real.pole.security.authorization_key
        assert key is not None and re.fullmatch(r"[0-9a-f]{40}", key)
        assert await refused(f"{pair.b.ocpp_url}/PW-0001", basic("PW-0001", PASSWORD)) == 401
        assert real.client.connections == 1
    kinds = [event["type"] for event in
             (await pair.api_b.get("/api/v1/poles/PW-0001/security-events")).json()]
    assert {"CredentialsMissing", "CredentialsWrong", "AuthorizationKeyChanged"} <= set(kinds)


async def test_eis69_a_second_unauthenticated_connection_at_another_process_is_refused(
        pair: Pair, tmp_path: Path) -> None:  # noqa: F811
    async with secured_pole(pair.b.ocpp_url, tmp_path, "PW-0002") as real:
        await until(lambda: real.client.connected)
        assert await refused(f"{pair.a.ocpp_url}/PW-0002") == 409
        assert real.client.connections == 1
        answer = await pair.api_a.post("/api/v1/poles/PW-0002/call", json={
            "action": "GetConfiguration", "payload": {"key": ["HeartbeatInterval"]}})
        assert answer.status_code == 200
    kinds = [event["type"] for event in
             (await pair.api_a.get("/api/v1/poles/PW-0002/security-events")).json()]
    assert "SecondConnectionRefused" in kinds
