"""The OCPP 1.6 security extension's certificate, log and trigger messages (issue 16,
eis 69), both ends: the real service and virtual poles with the `ocpp` library on each
side, over real sockets on 127.0.0.1, storage on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from pole_link.errors import CallError, LinkLost
from pole_link.firmware.signing import pem_of
from pole_link.service_api import ServiceClient, ServiceRefused
from pole_link.sim.certificate_store import CertificateStore, keep_certificates_in
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from tests.firmware_support import Manufacturer, reported, signed_request, trusting_service
from tests.service.security_support import secured_pole, tls_service
from tests.support import Api, audited, connected_pole, eventually, postgres_schema

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
POLE = "PW-0001"
SIZE = 16 << 10
MANUFACTURER_ROOT = "ManufacturerRootCertificate"
CENTRAL_SYSTEM_ROOT = "CentralSystemRootCertificate"
SECRET_KEY = "s3cret-Authorization-Key-0042"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    with postgres_schema() as url:
        yield url


@contextlib.asynccontextmanager
async def service(tmp_path: Path, db_url: str | None, manufacturer: Manufacturer,
                  clock: Callable[[], datetime]) -> AsyncIterator[tuple[Api, ServiceClient]]:
    async with trusting_service(tmp_path, manufacturer, clock, db_url) as (api, client):
        yield api, client


async def test_eis69_an_installed_manufacturer_root_admits_its_firmware_and_deleting_it_refuses(
        tmp_path: Path, db_url: str | None, manufacturer: Manufacturer) -> None:
    clock = SimClock(NOW)
    async with service(tmp_path, db_url, manufacturer, clock.now) as (api, client):
        package = manufacturer.package("2.0.0", SIZE)
        record = await client.upload_firmware_package(package.to_bytes())
        assert record.location is not None
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE,
                                  start=NOW) as cp:
            # Out of the box this pole trusts no manufacturer: the release is refused.
            refused = await client.call(POLE, "SignedUpdateFirmware",
                                        signed_request(1, record.location, package))
            assert refused == {"status": "InvalidCertificate"}
            assert await client.installed_certificates(POLE, MANUFACTURER_ROOT) == []

            answer = await client.install_certificate(POLE, MANUFACTURER_ROOT,
                                                      manufacturer.root_pem)
            assert answer == {"status": "Accepted"}
            [installed] = await client.installed_certificates(POLE)
            root = manufacturer.root
            assert installed.certificate_type == MANUFACTURER_ROOT
            assert installed.hash_algorithm == "SHA256"
            assert installed.serial_number == format(root.serial_number, "x")
            assert installed.issuer_name_hash == hashlib.sha256(
                root.issuer.public_bytes()).hexdigest()
            raw_key = root.public_key().public_bytes(serialization.Encoding.Raw,
                                                     serialization.PublicFormat.Raw)
            assert installed.issuer_key_hash == hashlib.sha256(raw_key).hexdigest()

            accepted = await client.call(POLE, "SignedUpdateFirmware",
                                         signed_request(2, record.location, package))
            assert accepted == {"status": "Accepted"}

            async def installed_new_firmware() -> bool:
                return any(s == {"status": "Installed", "requestId": 2} for s in
                           await reported(client, POLE, "SignedFirmwareStatusNotification"))
            await eventually(installed_new_firmware, 30)
            assert cp.pole.firmware_version == "2.0.0"

            deleted = await client.delete_certificate(POLE, installed.serial_number)
            assert deleted == {"status": "Accepted"}
            assert await client.installed_certificates(POLE) == []
            again = await client.call(POLE, "SignedUpdateFirmware", signed_request(
                3, record.location, manufacturer.package("2.0.1", SIZE, seed=3)))
            assert again == {"status": "InvalidCertificate"}

            with pytest.raises(ServiceRefused) as unknown:
                await client.delete_certificate(POLE, installed.serial_number)
            assert unknown.value.status == 404

            async def all_recorded() -> bool:
                kinds = [e.type for e in await client.security_events(POLE)]
                return {"CertificateInstalled", "CertificateDeleted"} <= set(kinds) and \
                    kinds.count("ReconfigurationOfSecurityParameters") == 2
            await eventually(all_recorded)


async def test_eis69_a_bad_certificate_is_refused_in_words_before_anything_is_sent(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with service(tmp_path, None, manufacturer, SimClock(NOW).now) as (api, client), \
            connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE, start=NOW):
        with pytest.raises(ServiceRefused) as garbage:
            await client.install_certificate(POLE, MANUFACTURER_ROOT, "not a certificate")
        assert garbage.value.status == 422
        assert "not a PEM certificate" in str(garbage.value)
        assert "nothing was sent to the pole" in str(garbage.value)
        with pytest.raises(ServiceRefused) as leaf:  # a signing certificate, not a root
            await client.install_certificate(POLE, MANUFACTURER_ROOT,
                                             pem_of(manufacturer.cert))
        assert leaf.value.code == "NotARootCertificate"
        assert await client.messages(POLE, "InstallCertificate") == []
        trail = audited(api.service.repository.engine, f"InstallCertificate refused → {POLE}")
        assert len(trail) == 2  # the refusals are on record, though nothing was sent


async def test_eis69_the_security_extension_routes_refuse_a_caller_without_a_token(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with service(tmp_path, None, manufacturer, SimClock(NOW).now) as (api, _), \
            connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE, start=NOW), \
            httpx.AsyncClient(base_url=api.url) as stranger:
        pole = f"/api/v1/poles/{POLE}"
        for method, path, body in (
                ("POST", "/certificates", {"certificateType": MANUFACTURER_ROOT,
                                           "certificate": manufacturer.root_pem}),
                ("GET", "/certificates", None), ("DELETE", "/certificates/1", None),
                ("POST", "/extended-trigger", {"requestedMessage": "Heartbeat"}),
                ("POST", "/logs", {"logType": "SecurityLog"}), ("GET", "/logs", None),
                ("GET", "/logs/1/file", None)):
            answer = await stranger.request(method, pole + path, json=body)
            assert answer.status_code == 401, (method, path)
        assert (await api.client.get(f"{pole}/logs")).json() == []
        paths = (await api.client.get("/openapi.json")).json()["paths"]
        documented = {"/api/v1/poles/{pole_id}/certificates": {"get", "post"},
                      "/api/v1/poles/{pole_id}/certificates/{serial_number}": {"delete"},
                      "/api/v1/poles/{pole_id}/extended-trigger": {"post"},
                      "/api/v1/poles/{pole_id}/logs": {"get", "post"},
                      "/api/v1/poles/{pole_id}/logs/{request_id}/file": {"get"}}
        for path, methods in documented.items():
            assert methods <= set(paths[path]), path
            assert all(paths[path][m].get("description") for m in methods), path


async def test_eis69_a_pole_at_profile_2_keeps_its_last_central_system_root(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    other = Manufacturer.make(NOW, "Operator CA")
    async with service(tmp_path, None, manufacturer, SimClock(NOW).now) as (api, client), \
            connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE, start=NOW) as cp:
        for pem in (manufacturer.root_pem, other.root_pem):
            assert await client.install_certificate(POLE, CENTRAL_SYSTEM_ROOT, pem) == {
                "status": "Accepted"}
        cp.pole.security.profile = 2  # as after ChangeConfiguration over TLS
        first, second = await client.installed_certificates(POLE, CENTRAL_SYSTEM_ROOT)
        assert await client.delete_certificate(POLE, first.serial_number) == {
            "status": "Accepted"}
        assert await client.delete_certificate(POLE, second.serial_number) == {
            "status": "Failed"}
        assert [c.serial_number for c in await client.installed_certificates(POLE)] == [
            second.serial_number]

        async def refusal_recorded() -> bool:
            return any(e.type == "CertificateChangeRefused"
                       for e in await client.security_events(POLE))
        await eventually(refusal_recorded)


async def test_eis69_the_security_log_is_uploaded_listed_with_its_statuses_and_holds_no_secret(
        tmp_path: Path, db_url: str | None, manufacturer: Manufacturer) -> None:
    stranger = Manufacturer.make(NOW, "Stranger")
    async with service(tmp_path, db_url, manufacturer, SimClock(NOW).now) as (api, client):
        package = manufacturer.package("2.0.0", SIZE)
        record = await client.upload_firmware_package(package.to_bytes())
        assert record.location is not None
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE,
                                  start=NOW) as cp:
            cp.pole.security.authorization_key = SECRET_KEY
            # A security event for the log: firmware from a manufacturer it does not trust.
            refused = await client.call(POLE, "SignedUpdateFirmware", signed_request(
                4, record.location, stranger.package("2.0.0", SIZE)))
            assert refused == {"status": "InvalidCertificate"}

            request_id, answer = await client.request_log(POLE, "SecurityLog")
            assert answer["status"] == "Accepted"
            assert answer["filename"].endswith(".json")

            async def uploaded() -> bool:
                [log] = await client.log_requests(POLE)
                return log.status in ("Uploaded", "UploadFailure")
            await eventually(uploaded, 30)
            [log] = await client.log_requests(POLE)
            assert (log.request_id, log.log_type, log.file_name) == (
                request_id, "SecurityLog", answer["filename"])
            assert log.statuses == ("Requested", "Accepted", "Uploading", "Uploaded")
            assert log.uploaded
            assert await reported(client, POLE, "LogStatusNotification") == [
                {"status": "Uploading", "requestId": request_id},
                {"status": "Uploaded", "requestId": request_id}]

            content = await client.download_log(POLE, request_id)
            assert SECRET_KEY.encode() not in content
            security_log = json.loads(content)
            assert security_log["poleId"] == POLE
            assert [e["type"] for e in security_log["events"]] == [
                "InvalidFirmwareSigningCertificate"]


async def test_eis69_extended_trigger_message_both_ways(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with service(tmp_path, None, manufacturer, SimClock(NOW).now) as (api, client):
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE, start=NOW):
            assert await client.extended_trigger(POLE, "LogStatusNotification") == {
                "status": "Accepted"}

            async def idle_reported() -> bool:
                return {"status": "Idle"} in await reported(client, POLE,
                                                                "LogStatusNotification")
            await eventually(idle_reported)
            assert await client.extended_trigger(POLE, "FirmwareStatusNotification") == {
                "status": "Accepted"}

            async def firmware_idle() -> bool:
                return {"status": "Idle"} in await reported(
                    client, POLE, "SignedFirmwareStatusNotification")
            await eventually(firmware_idle)
            assert await client.extended_trigger(POLE, "SignChargePointCertificate") == {
                "status": "Accepted"}

            async def csr_sent() -> bool:
                return bool(await reported(client, POLE, "SignCertificate"))
            await eventually(csr_sent)
            assert await client.extended_trigger(POLE, "StatusNotification", 1) == {
                "status": "Accepted"}
        async with connected_pole(api.service.ocpp_url, tmp_path / "legacy", "PW-0002",
                                  start=NOW, security_extension=False):
            with pytest.raises(CallError) as legacy:
                await client.extended_trigger("PW-0002", "Heartbeat")
            assert legacy.value.code == "NotImplemented"


async def test_eis69_an_offline_pole_is_told_as_other_commands_and_the_log_request_not_sent(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with service(tmp_path, None, manufacturer, SimClock(NOW).now) as (api, client):
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE, start=NOW):
            pass  # known to the service, then gone

        async def gone() -> bool:
            return not (await client.pole(POLE)).connected
        await eventually(gone)
        with pytest.raises(LinkLost):
            await client.install_certificate(POLE, MANUFACTURER_ROOT, manufacturer.root_pem)
        with pytest.raises(LinkLost):
            await client.installed_certificates(POLE)
        with pytest.raises(LinkLost):
            await client.request_log(POLE, "SecurityLog")
        [log] = await client.log_requests(POLE)
        assert log.statuses == ("Requested", "NotSent")
        assert not log.uploaded


def test_eis69_installed_certificates_survive_a_restart_of_the_virtual_pole(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    first = VirtualPole(POLE, clock=SimClock(NOW))
    keep_certificates_in(first.certificates, tmp_path)
    assert first.certificates.install(MANUFACTURER_ROOT, manufacturer.root_pem) == "Accepted"
    assert first.certificates.install(MANUFACTURER_ROOT, "garbage") == "Rejected"
    restarted = VirtualPole(POLE, clock=SimClock(NOW))
    keep_certificates_in(restarted.certificates, tmp_path)
    assert restarted.firmware.roots == [manufacturer.root]
    assert isinstance(restarted.certificates, CertificateStore)
    [hash_data] = restarted.certificates.installed(MANUFACTURER_ROOT)
    assert restarted.certificates.delete(hash_data) == "Accepted"
    assert VirtualPole(POLE).certificates.installed(MANUFACTURER_ROOT) == []
    again = VirtualPole(POLE, clock=SimClock(NOW))
    keep_certificates_in(again.certificates, tmp_path)
    assert again.firmware.roots == []


async def test_eis69_a_log_upload_that_cannot_arrive_is_reported_as_upload_failure(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with service(tmp_path, None, manufacturer, SimClock(NOW).now) as (api, client), \
            connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE, start=NOW):
        # Sent as is (POST …/call): a location where nothing listens, one attempt.
        answer = await client.call(POLE, "GetLog", {
            "logType": "DiagnosticsLog", "requestId": 77, "retries": 0,
            "log": {"remoteLocation": "http://127.0.0.1:9/nowhere/"}})
        assert answer["status"] == "Accepted"
        assert "diagnostics-log" in answer["filename"]

        async def failed() -> bool:
            return {"status": "UploadFailure", "requestId": 77} in await reported(
                client, POLE, "LogStatusNotification")
        await eventually(failed, 30)
        assert await reported(client, POLE, "LogStatusNotification") == [
            {"status": "Uploading", "requestId": 77},
            {"status": "UploadFailure", "requestId": 77}]
        refused = await client.call(POLE, "GetLog", {
            "logType": "SecurityLog", "requestId": 78,
            "log": {"remoteLocation": "ftp://127.0.0.1/logs/"}})
        assert refused == {"status": "Rejected"}


def test_eis69_the_security_log_keeps_to_the_asked_period_and_blanks_the_key() -> None:
    clock = SimClock(NOW)
    pole = VirtualPole(POLE, clock=clock)
    pole.security.authorization_key = SECRET_KEY
    pole.security_event("InvalidFirmwareSignature", "before the period")
    clock.jump_to(NOW + timedelta(hours=1))
    pole.security_event("ReconfigurationOfSecurityParameters",
                        f"a text that should never hold {SECRET_KEY}")
    clock.jump_to(NOW + timedelta(hours=2))
    pole.security_event("InvalidFirmwareSignature", "after the period")
    period = pole.logs.security_log(NOW + timedelta(minutes=30), NOW + timedelta(minutes=90))
    assert [e["techInfo"] for e in period["events"]] == [
        f"a text that should never hold {SECRET_KEY}"]
    status, name = pole.logs.request(5, "SecurityLog", "https://csms.example/up/", None, None,
                                     None, None)
    assert (status, name is not None) == ("Accepted", True)
    content = pole.logs.render(pole.logs.security_log(None, None))
    assert SECRET_KEY.encode() not in content
    assert len(json.loads(content)["events"]) == 3


async def test_eis69_an_installed_central_system_root_is_what_the_pole_trusts_for_tls(
        tmp_path: Path) -> None:
    async with tls_service(tmp_path, "sqlite") as (api, ca):
        await api.client.post("/api/v1/poles", json={
            "id": POLE, "securityProfile": 2, "basicAuthPassword": SECRET_KEY})
        # No --ca: only the root installed over OCPP lets it trust the service's TLS.
        async with secured_pole(api.service.ocpp_url, tmp_path, profile=2,
                                password=SECRET_KEY,
                                central_system_roots=[ca.certificate_pem()]) as cp:
            assert cp.client.connected
            answer = await api.client.get(f"/api/v1/poles/{POLE}/certificates",
                                          params={"type": CENTRAL_SYSTEM_ROOT})
            [installed] = answer.json()["certificates"]
            deleted = await api.client.delete(
                f"/api/v1/poles/{POLE}/certificates/{installed['serialNumber']}")
            assert deleted.json()["result"] == {"status": "Failed"}  # its last one, at 2
