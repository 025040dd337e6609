"""eis 69 / issue 16: a pole id is only spoken for by whoever holds the pole's credentials.

The scenario from outside: a client without credentials connected as PW-0001 while the
real pole was online, booted, overwrote its vendor and model and took the operator's next
command. Here that client is refused before the WebSocket upgrade (401 at profile 1; 409
for a second, unauthenticated connection while the pole answers), the real pole keeps its
identity and its commands, and each refusal is a security event an operator can read.
Real parts throughout: the service on 127.0.0.1, the virtual pole's own OCPP client,
raw ``websockets`` handshakes for the impostor; SQLite and PostgreSQL (`api` fixture).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from ocpp.v16.enums import ConfigurationStatus

from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.sim.pole import MODEL, VENDOR
from pole_link.sim.security import PoleSecurity
from service.security.passwords import hash_password, verify_password
from tests.service.security_support import (
    BOOT_AS_IMPOSTOR,
    PASSWORD,
    basic,
    raw_pole,
    refused,
    secured_pole,
)
from tests.service.test_csms_ocpp import call
from tests.support import Api, SimProcess, eventually, until


def client(api: Api) -> ServiceClient:
    return ServiceClient(ServiceEndpoint(api.url, api.token))


async def event_kinds(api: Api, pole_id: str) -> list[str]:
    async with client(api) as service:
        return [event.type for event in await service.security_events(pole_id)]


async def test_eis69_passwords_are_stored_as_salted_scrypt_hashes() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$16384$8$1$") and PASSWORD not in first
    assert first != second  # a salt of its own each time
    assert verify_password(PASSWORD, first) and not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "not a hash")


async def test_eis69_the_register_checks_its_input_in_words(api: Api) -> None:
    http = api.client
    missing = await http.post("/api/v1/poles", json={"id": "PW-0001", "securityProfile": 1})
    assert missing.status_code == 422 and "basicAuthPassword" in missing.json()["description"]
    short = await http.post("/api/v1/poles", json={"id": "PW-0001", "securityProfile": 1,
                                                   "basicAuthPassword": "short"})
    assert short.status_code == 422 and "16 to 40" in short.json()["description"]
    bad_id = await http.post("/api/v1/poles", json={"id": "PW 0001/x"})
    assert bad_id.status_code == 422
    async with client(api) as service:
        made = await service.register_pole("PW-0001", 1, PASSWORD)
        assert (made.security_profile, made.has_password) == (1, True)
        assert made.decommissioned_at is None
    again = await http.post("/api/v1/poles", json={"id": "PW-0001", "securityProfile": 1,
                                                   "basicAuthPassword": PASSWORD})
    assert again.status_code == 409 and again.json()["error"] == "AlreadyRegistered"
    assert PASSWORD not in again.text and PASSWORD not in missing.text
    listed = await http.get("/api/v1/poles")
    assert [pole["id"] for pole in listed.json()] == ["PW-0001"]
    assert (await http.delete("/api/v1/poles/PW-9999")).status_code == 404


async def test_eis69_profile_1_impostor_is_refused_and_the_real_pole_keeps_its_commands(
        api: Api, tmp_path: Path) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0001", 1, PASSWORD)
    url = f"{api.service.ocpp_url}/PW-0001"
    async with secured_pole(api.service.ocpp_url, tmp_path, profile=1,
                            password=PASSWORD) as real:
        # The impostor: no credentials, then wrong ones, then the right password for
        # another user name. None of them gets a WebSocket.
        assert await refused(url) == 401
        assert await refused(url, basic("PW-0001", "wrong-password-0123456")) == 401
        assert await refused(url, basic("PW-0002", PASSWORD)) == 401
        pole = (await api.client.get("/api/v1/poles/PW-0001")).json()
        assert (pole["vendor"], pole["model"], pole["connected"]) == (VENDOR, MODEL, True)
        answer = await api.client.post("/api/v1/poles/PW-0001/call", json={
            "action": "GetConfiguration", "payload": {"key": ["HeartbeatInterval"]}})
        assert answer.status_code == 200  # the operator's command reaches the real pole
        assert real.client.connections == 1  # and it was never disconnected
    kinds = await event_kinds(api, "PW-0001")
    assert kinds[:3] == ["CredentialsWrong", "CredentialsWrong", "CredentialsMissing"]


async def test_eis69_a_registered_profile_1_pole_needs_its_password_in_any_mode(
        api: Api) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0007", 1, PASSWORD)
    url = f"{api.service.ocpp_url}/PW-0007"
    assert await refused(url) == 401
    assert await refused(url, {"Authorization": "Basic !!not-base64!!"}) == 401
    async with raw_pole(url, basic("PW-0007", PASSWORD)) as pole:
        answer = await call(pole, [2, "b", "BootNotification", BOOT_AS_IMPOSTOR])
        assert answer[2]["status"] == "Accepted"  # type: ignore[index]


async def test_eis69_an_unauthenticated_second_connection_is_refused_while_the_pole_answers(
        api: Api, tmp_path: Path) -> None:
    # Open registration, an unregistered pole at profile 0: the demo's setting.
    async with secured_pole(api.service.ocpp_url, tmp_path, "PW-0003") as real:
        assert await refused(f"{api.service.ocpp_url}/PW-0003") == 409
        pole = (await api.client.get("/api/v1/poles/PW-0003")).json()
        assert pole["vendor"] == "Paalwerk" and pole["connected"]
        answer = await api.client.post("/api/v1/poles/PW-0003/call", json={
            "action": "GetConfiguration", "payload": {"key": ["HeartbeatInterval"]}})
        assert answer.status_code == 200 and real.client.connections == 1
    assert (await event_kinds(api, "PW-0003"))[0] == "SecondConnectionRefused"


async def test_eis69_an_authenticated_second_connection_replaces_the_first(api: Api) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0004", 1, PASSWORD)
    url = f"{api.service.ocpp_url}/PW-0004"
    async with raw_pole(url, basic("PW-0004", PASSWORD)) as first:
        await call(first, [2, "a", "BootNotification", BOOT_AS_IMPOSTOR])
        async with raw_pole(url, basic("PW-0004", PASSWORD)) as second:  # rebooted pole
            await first.wait_closed()  # the old connection is hung up
            answer = await call(second, [2, "b", "BootNotification", BOOT_AS_IMPOSTOR])
            assert answer[2]["status"] == "Accepted"  # type: ignore[index]
    assert "ConnectionReplaced" in await event_kinds(api, "PW-0004")


async def test_eis69_a_decommissioned_pole_is_cut_off_and_refused_its_history_kept(
        api: Api, tmp_path: Path) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0005", 1, PASSWORD)
        async with secured_pole(api.service.ocpp_url, tmp_path, "PW-0005", profile=1,
                                password=PASSWORD) as real:
            gone = await service.decommission_pole("PW-0005")
            assert gone.decommissioned_at is not None
            await until(lambda: not real.client.connected)
            url = f"{api.service.ocpp_url}/PW-0005"
            assert await refused(url, basic("PW-0005", PASSWORD)) == 403
        assert (await api.client.get("/api/v1/poles/PW-0005")).status_code == 200
        kinds = await event_kinds(api, "PW-0005")
        assert "PoleDecommissioned" in kinds and "DecommissionedPole" in kinds
        back = await service.register_pole("PW-0005", 1, PASSWORD)  # back in service
        assert back.decommissioned_at is None


async def test_eis69_a_profile_is_never_lowered(api: Api) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0006", 2, PASSWORD)
    lowered = await api.client.put("/api/v1/poles/PW-0006/security",
                                   json={"securityProfile": 1})
    assert lowered.status_code == 409 and lowered.json()["error"] == "ProfileLowered"
    async with client(api) as service:
        assert (await service.pole_security("PW-0006")).security_profile == 2
        await service.decommission_pole("PW-0006")
    again = await api.client.post("/api/v1/poles", json={
        "id": "PW-0006", "securityProfile": 0})
    assert again.status_code == 409 and again.json()["error"] == "ProfileLowered"
    assert (await event_kinds(api, "PW-0006")).count("ProfileLoweringRefused") == 2


async def test_eis69_profile_2_is_refused_over_plain_ws(api: Api) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0008", 2, PASSWORD)
    assert await refused(f"{api.service.ocpp_url}/PW-0008", basic("PW-0008", PASSWORD)) == 403
    await eventually(lambda: _has(api, "PW-0008", "TlsRequired"))


async def _has(api: Api, pole_id: str, kind: str) -> bool:
    return kind in await event_kinds(api, pole_id)


def test_eis69_the_virtual_pole_never_reveals_its_authorization_key() -> None:
    security = PoleSecurity(profile=1, authorization_key=PASSWORD)
    entries, others = security.entries(None)
    assert {"key": "AuthorizationKey", "readonly": False} in entries
    assert PASSWORD not in repr(entries) and PASSWORD not in repr(security)
    asked, others = security.entries(["authorizationkey", "HeartbeatInterval"])
    assert asked == [{"key": "AuthorizationKey", "readonly": False}]
    assert others == ["HeartbeatInterval"]
    assert security.change("AuthorizationKey", "too-short") is ConfigurationStatus.rejected
    assert security.change("SecurityProfile", "0") is ConfigurationStatus.rejected
    assert security.change("SecurityProfile", "2") is ConfigurationStatus.accepted
    assert security.profile == 2


async def test_eis69_the_virtual_pole_answers_getconfiguration_without_the_key(
        api: Api, tmp_path: Path) -> None:
    async with client(api) as service:
        await service.register_pole("PW-0009", 1, PASSWORD)
    async with secured_pole(api.service.ocpp_url, tmp_path, "PW-0009", profile=1,
                            password=PASSWORD):
        everything = await api.client.get("/api/v1/poles/PW-0009/configuration")
        keys = {entry["key"]: entry for entry in
                everything.json()["result"]["configurationKey"]}
        assert keys["SecurityProfile"]["value"] == "1"
        assert "value" not in keys["AuthorizationKey"]
        assert PASSWORD not in everything.text


@pytest.mark.parametrize("argv, words", [
    (["--csms", "ws://127.0.0.1:1/ocpp", "--security-profile", "1"], "give --password"),
    (["--csms", "ws://127.0.0.1:1/ocpp", "--security-profile", "2", "--password", PASSWORD],
     "needs TLS"),
    (["--csms", "ws://127.0.0.1:1/ocpp", "--password", "short"], "16 to 40"),
])
def test_eis69_sim_security_options_are_checked_in_words(
        argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    from pole_link.sim.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2 and words in capsys.readouterr().err


async def test_eis69_no_password_in_logs_message_log_or_audit(
        api: Api, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A whole scenario at DEBUG: register, log in, a new password sent to the pole, a
    wrong one refused. The password must appear in no log record, message-log row,
    audit row or API answer."""
    caplog.set_level(logging.DEBUG)
    new_password = "another-secret-password-42"
    async with client(api) as service:
        await service.register_pole("PW-0010", 1, PASSWORD)
        async with secured_pole(api.service.ocpp_url, tmp_path, "PW-0010", profile=1,
                                password=PASSWORD) as real:
            changed = await service.set_pole_security("PW-0010", 1, new_password)
            assert not changed.key_change_pending
            assert real.pole.security.authorization_key == new_password
            await refused(f"{api.service.ocpp_url}/PW-0010", basic("PW-0010", PASSWORD))
            messages = await service.messages("PW-0010", limit=5000)
            assert any(m.action == "ChangeConfiguration" for m in messages)
    texts = [caplog.text, repr(messages)]
    with api.service.repository.engine.connect() as connection:
        audit = connection.exec_driver_sql(
            "SELECT actor, action, detail FROM audit_log").fetchall()
    texts.append(repr(audit))
    headers = [basic("PW-0010", password)["Authorization"].split()[1]
               for password in (PASSWORD, new_password)]  # as HTTP Basic sends them
    assert "Authorization: Basic ***" in caplog.text  # handshakes logged, credentials masked
    for secret in (PASSWORD, new_password, *headers):
        for text in texts:
            assert secret not in text
    assert "AuthorizationKey" in repr(messages)  # the change is logged, its value masked


async def test_eis69_paalwerk_sim_logs_in_with_its_password(
        api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command-line contract: ``paalwerk sim --security-profile 1 --password P``."""
    monkeypatch.setenv("PAALWERK_STATE_DIR", str(tmp_path))
    async with client(api) as service:
        await service.register_pole("PW-0001", 1, PASSWORD)
    sim = SimProcess("--csms", api.service.ocpp_url, "--security-profile", "1",
                     "--password", PASSWORD)
    try:
        sim.read_ports(1)
        await eventually(lambda: _connected(api, "PW-0001"), timeout=30)
    finally:
        assert sim.stop() == 0
    assert sim.process.stderr is not None
    assert PASSWORD not in sim.process.stderr.read()
    assert "CredentialsMissing" not in await event_kinds(api, "PW-0001")


async def _connected(api: Api, pole_id: str) -> bool:
    answer = await api.client.get(f"/api/v1/poles/{pole_id}")
    return answer.status_code == 200 and bool(answer.json()["connected"])


def test_eis69_the_virtual_pole_keeps_a_rotated_key_over_a_restart(tmp_path: Path) -> None:
    from pole_link.sim.security import keep_in

    first = PoleSecurity(profile=1, authorization_key=PASSWORD)
    keep_in(first, tmp_path)
    assert first.change("AuthorizationKey", "a-key-from-the-csms-000001") is \
        ConfigurationStatus.accepted
    assert (tmp_path / "security.json").stat().st_mode & 0o077 == 0
    restarted = PoleSecurity(profile=0, authorization_key=PASSWORD)  # the old command line
    keep_in(restarted, tmp_path)
    assert (restarted.profile, restarted.authorization_key) == (
        1, "a-key-from-the-csms-000001")


async def test_eis69_the_pole_list_shows_each_poles_register_entry(api: Api) -> None:
    """The Fleet and Pole views read a pole's security profile from the pole list, and
    whether it is in the register at all (a decommissioned pole no longer is)."""
    async with client(api) as service:
        await service.register_pole("PW-0021", 1, PASSWORD)
        await service.register_pole("PW-0022", 1, PASSWORD)
        await service.set_pole_security("PW-0022", 2)
        await service.register_pole("PW-0023", 1, PASSWORD)
        await service.decommission_pole("PW-0023")
        listed = {pole.id: (pole.registered, pole.security_profile)
                  for pole in await service.poles()}
        one = await service.pole("PW-0022")
    assert listed == {"PW-0021": (True, 1), "PW-0022": (True, 2), "PW-0023": (False, 0)}
    assert (one.registered, one.security_profile) == (True, 2)
