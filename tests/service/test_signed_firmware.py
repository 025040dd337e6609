"""Signed firmware over OCPP (issue 14, eis 69): the security whitepaper's
SignedUpdateFirmware, SignedFirmwareStatusNotification and SecurityEventNotification,
between the real service and virtual poles with the `ocpp` library on both ends, over
real sockets, at times the test sets."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pole_link.errors import NotAuthorised
from pole_link.protocol.binary import FirmwareData
from pole_link.service_api import (
    RolloutRecord,
    RolloutRequest,
    SecurityEventReported,
    ServiceClient,
    ServiceEndpoint,
    ServiceRefused,
)
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import FIRMWARE_VERSION
from tests.firmware_support import (
    NOW,
    Manufacturer,
    fleet,
    payload,
    reported,
    signed_for_another_image,
    signed_request,
    trusting_service,
)
from tests.support import (
    Api,
    audited,
    connected_pole,
    eventually,
    postgres_schema,
    running_service,
)

SIZE = 64 << 10
POLE = "PW-0001"


async def test_eis69_a_signed_update_over_ocpp_installs_and_the_pole_boots_the_new_version(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        package = manufacturer.package("2.0.0", SIZE)
        record = await client.upload_firmware_package(package.to_bytes())
        assert record.location is not None
        async with fleet(api.service.ocpp_url, tmp_path, 1, manufacturer) as [cp]:
            answer = await client.call(POLE, "SignedUpdateFirmware",
                                       signed_request(7, record.location, package))
            assert answer == {"status": "Accepted"}

            async def updated() -> bool:
                return any(e.type == "FirmwareUpdated"
                           for e in await client.security_events(POLE))
            await eventually(updated, 30)
            statuses = await reported(client, POLE, "SignedFirmwareStatusNotification")
            assert statuses == [{"status": status, "requestId": 7} for status in (
                "Downloading", "Downloaded", "SignatureVerified", "Installing",
                "InstallRebooting", "Installed")]
            boots = await reported(client, POLE, "BootNotification")
            assert boots[-1]["firmwareVersion"] == "2.0.0"
            assert (await client.pole(POLE)).firmware == "2.0.0"
            assert cp.pole.firmware_version == "2.0.0"
            status = (await api.client.get(f"/api/v1/poles/{POLE}/firmware-status")).json()
            assert status["firmware"]["status"] == "Installed"
            [event] = await client.security_events(POLE)
            assert event.tech_info is not None and "2.0.0" in event.tech_info


async def test_eis69_a_tampered_signature_is_refused_the_old_firmware_runs_and_it_is_logged(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    clock = SimClock(NOW)
    async with trusting_service(tmp_path, manufacturer, clock.now) as (api, client):
        genuine = manufacturer.package("2.0.0", SIZE)
        other = manufacturer.package("2.0.1", SIZE, seed=15)
        record = await client.upload_firmware_package(other.to_bytes())
        assert record.location is not None
        tampered = signed_for_another_image(genuine, other)  # 2.0.1's image, 2.0.0's signature
        stranger = Manufacturer.make(NOW, "Stranger")
        async with fleet(api.service.ocpp_url, tmp_path, 1, manufacturer) as [cp]:
            answer = await client.call(POLE, "SignedUpdateFirmware",
                                       signed_request(8, record.location, tampered))
            assert answer == {"status": "Accepted"}  # the certificate is good: fetch, check

            async def refused() -> bool:
                statuses = await reported(client, POLE, "SignedFirmwareStatusNotification")
                return any(s["status"] == "InvalidSignature" for s in statuses)
            await eventually(refused, 30)
            statuses = await reported(client, POLE, "SignedFirmwareStatusNotification")
            assert [s["status"] for s in statuses] == [
                "Downloading", "Downloaded", "InvalidSignature"]

            # Another manufacturer's certificate: refused at once, nothing is fetched.
            foreign = await client.call(POLE, "SignedUpdateFirmware", signed_request(
                9, record.location, stranger.package("2.0.1", SIZE, seed=15)))
            assert foreign == {"status": "InvalidCertificate"}

            async def both_logged() -> bool:
                return len(await client.security_events(POLE)) == 2
            await eventually(both_logged)
            certificate, signature = await client.security_events(POLE)  # newest first
            assert (signature.type, certificate.type) == (
                "InvalidFirmwareSignature", "InvalidFirmwareSigningCertificate")
            assert signature.tech_info is not None
            assert "signature does not match the image" in signature.tech_info
            assert certificate.tech_info is not None
            assert "not issued by a manufacturer root this pole trusts" in \
                certificate.tech_info
            # Both clocks run from NOW here (the service's received_at, the pole's timestamp).
            assert NOW <= signature.timestamp <= signature.received_at
            assert cp.pole.firmware_version == FIRMWARE_VERSION
            assert (await client.pole(POLE)).firmware == FIRMWARE_VERSION
            status = (await api.client.get(f"/api/v1/poles/{POLE}/firmware-status")).json()
            assert status["firmware"]["status"] == "InvalidSignature"


async def test_eis69_a_refusal_while_offline_arrives_after_reconnection_with_its_moment(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    """A technician's tampered image over the service port (refused at FirmwareBegin)
    while the pole's modem is down: the event waits in the pole's outbox and keeps its
    time."""
    service_clock = SimClock(NOW + timedelta(hours=2))
    async with trusting_service(tmp_path, manufacturer, service_clock.now) as (api, client), \
            fleet(api.service.ocpp_url, tmp_path, 1, manufacturer) as [cp]:
        pole = cp.pole
        pole.set_network(False)
        await eventually(lambda: _offline(client))
        genuine = manufacturer.package("2.0.0", SIZE)
        tampered = signed_for_another_image(
            genuine, manufacturer.package("2.0.0", SIZE, seed=15))
        begun = pole.firmware.begin({
            "size": SIZE, "sha256": tampered.manifest.sha256,
            "signature": base64.b64encode(tampered.manifest.signature).decode(),
            "signingCertificate": tampered.manifest.signing_certificate,
            "version": "2.0.0"})
        # The signature is checked against the declared hash at begin already.
        assert begun["status"] == "InvalidSignature"
        refused_at = pole.clock.now()
        pole.scheduler.advance(3600)  # an hour passes on site before the modem is back
        assert await client.security_events(POLE) == []
        pole.set_network(True)

        async def arrived() -> bool:
            return len(await client.security_events(POLE)) == 1
        await eventually(arrived, 30)
        [event] = await client.security_events(POLE)
        assert event.type == "InvalidFirmwareSignature"
        assert event.tech_info is not None and "over the service port" in event.tech_info
        # The moment of the refusal on the pole's clock, an hour before it could be sent;
        # received by the service (its clock two hours ahead) after reconnecting.
        assert refused_at - timedelta(minutes=5) < event.timestamp <= refused_at
        assert pole.clock.now() - event.timestamp >= timedelta(hours=1)
        assert event.received_at >= NOW + timedelta(hours=2)


async def test_eis69_a_refused_firmware_commit_raises_a_security_event(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    """The same image as begun, but other bytes arrive: FirmwareCommit refuses it."""
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client), \
            fleet(api.service.ocpp_url, tmp_path, 1, manufacturer) as [cp]:
        pole = cp.pole
        package = manufacturer.package("2.0.0", 1000)
        begun = pole.firmware.begin({
            "size": 1000, "sha256": package.manifest.sha256,
            "signature": base64.b64encode(package.manifest.signature).decode(),
            "signingCertificate": package.manifest.signing_certificate,
            "version": "2.0.0"})
        assert begun["status"] == "Accepted"
        pole.firmware.receive(FirmwareData(begun["transferId"], 0, bytes(1000)))
        assert pole.firmware.commit(begun["transferId"])["status"] == "HashMismatch"

        async def arrived() -> bool:
            return len(await client.security_events(POLE)) == 1
        await eventually(arrived)
        [event] = await client.security_events(POLE)
        assert event.type == "InvalidFirmwareSignature"
        assert event.tech_info is not None and "SHA-256" in event.tech_info
        assert pole.firmware_version == FIRMWARE_VERSION


async def _offline(client: ServiceClient) -> bool:
    return not (await client.pole(POLE)).connected


async def finished(client: ServiceClient, rollout_id: int,
                   done: Callable[[RolloutRecord], bool]) -> RolloutRecord:
    seen: list[RolloutRecord] = []

    async def check() -> bool:
        seen.append(await client.rollout(rollout_id))
        return done(seen[-1])
    await eventually(check, 60)
    return seen[-1]


async def test_eis69_a_rollout_goes_signed_and_a_rollback_is_a_security_event_on_the_feed(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        bad = await client.upload_firmware_package(
            manufacturer.package("2.1.0-unhealthy", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 1, manufacturer) as [cp], \
                client.live() as feed:
            rollout = await client.create_rollout(RolloutRequest(bad.sha256))
            heard: list[SecurityEventReported] = []
            async for event in feed:
                if isinstance(event, SecurityEventReported):
                    heard.append(event)
                    break
            assert heard[0].pole_id == POLE
            assert heard[0].event.type == "FirmwareRollback"
            assert heard[0].event.tech_info == (
                f"firmware 2.1.0-unhealthy failed its health check after booting; rolled "
                f"back to {FIRMWARE_VERSION}")
            done = await finished(client, rollout.id, lambda r: r.state == "finished")
            [pole] = done.poles
            assert pole.state == "failed"
            assert (pole.reason or "").startswith("version did not change")
            assert cp.pole.firmware_version == FIRMWARE_VERSION
            [stored] = await client.security_events(POLE)
            assert stored == heard[0].event
            signed = await reported(client, POLE, "SignedFirmwareStatusNotification")
            assert [s["status"] for s in signed][-1] == "InstallationFailed"
            assert await client.messages(POLE, "UpdateFirmware") == []


async def test_eis69_a_legacy_pole_gets_update_firmware_and_is_remembered_as_legacy(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        first = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        second = await client.upload_firmware_package(
            manufacturer.package("2.0.1", SIZE, seed=15).to_bytes())
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", "PW-0001",
                                  start=NOW, security_extension=False) as legacy, \
                connected_pole(api.service.ocpp_url, tmp_path / "poles", "PW-0002",
                               start=NOW) as modern:
            assert modern.pole.firmware.install_root(manufacturer.root_pem)
            for release in (first, second):
                rollout = await client.create_rollout(RolloutRequest(release.sha256,
                                                                     concurrency=2))
                done = await finished(client, rollout.id, lambda r: r.state == "finished")
                assert [p.state for p in done.poles] == ["Installed", "Installed"]
            assert (legacy.pole.firmware_version, modern.pole.firmware_version) == (
                "2.0.1", "2.0.1")

            async def sent(pole_id: str, action: str) -> int:
                return sum(m.direction == "out" for m in await client.messages(pole_id, action))
            # The legacy pole was asked once, answered NotImplemented, and got the rest plain.
            assert (await sent("PW-0001", "SignedUpdateFirmware"),
                    await sent("PW-0001", "UpdateFirmware")) == (1, 2)
            [refusal] = [m for m in await client.messages("PW-0001", "SignedUpdateFirmware")
                         if m.direction == "in"]
            assert "NotImplemented" in json.dumps(refusal.payload)
            assert (await sent("PW-0002", "SignedUpdateFirmware"),
                    await sent("PW-0002", "UpdateFirmware")) == (2, 0)
            # A legacy pole reports no security events; the modern one its two installs.
            assert await client.security_events("PW-0001") == []
            assert [e.type for e in await client.security_events("PW-0002")] == [
                "FirmwareUpdated", "FirmwareUpdated"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_eis69_security_events_are_read_per_pole_and_fleet_wide(
        tmp_path: Path, backend: str) -> None:
    with contextlib.ExitStack() as stack:
        url = None if backend == "sqlite" else stack.enter_context(postgres_schema())
        await security_event_routes(tmp_path, url)


async def security_event_routes(tmp_path: Path, url: str | None) -> None:
    clock = SimClock(NOW)
    async with running_service(tmp_path, url, clock=clock.now) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", "PW-0001",
                                  start=NOW) as one, \
                connected_pole(api.service.ocpp_url, tmp_path / "poles", "PW-0002",
                               start=NOW) as two:
            one.pole.security_event("InvalidFirmwareSignature", "image refused")
            await eventually(lambda: _count(client, None, 1))
            clock.jump_to(NOW + timedelta(hours=1))
            two.pole.security_event("FirmwareRollback", "2.1.0 rolled back")
            await eventually(lambda: _count(client, None, 2))
            one.pole.security_event("TamperDetectionActivated", "door opened")
            await eventually(lambda: _count(client, None, 3))

        fleet = await client.security_events()
        assert [(e.pole_id, e.type) for e in fleet] == [
            ("PW-0001", "TamperDetectionActivated"), ("PW-0002", "FirmwareRollback"),
            ("PW-0001", "InvalidFirmwareSignature")]
        hour = NOW + timedelta(hours=1)  # the service's clock runs on from there
        assert fleet[2].received_at < hour <= fleet[1].received_at <= fleet[0].received_at
        assert fleet[2].tech_info == "image refused"
        assert [e.type for e in await client.security_events("PW-0001")] == [
            "TamperDetectionActivated", "InvalidFirmwareSignature"]
        later = await client.security_events(since=NOW + timedelta(minutes=30))
        assert [e.type for e in later] == ["TamperDetectionActivated", "FirmwareRollback"]
        assert [e.type for e in await client.security_events(limit=1)] == [
            "TamperDetectionActivated"]
        assert await client.security_events("PW-0002", since=NOW + timedelta(hours=2)) == []

        with pytest.raises(ServiceRefused) as unknown:
            await client.security_events("PW-9999")
        assert (unknown.value.status, unknown.value.code) == (404, "UnknownPole")
        naive = await api.client.get("/api/v1/security-events",
                                     params={"since": "2026-12-04T12:00:00"})
        assert naive.status_code == 422
        paths = (await api.client.get("/openapi.json")).json()["paths"]
        for path in ("/api/v1/security-events", "/api/v1/poles/{pole_id}/security-events"):
            assert "get" in paths[path]
        async with httpx.AsyncClient(base_url=api.url) as anonymous:
            for path in ("/api/v1/security-events", "/api/v1/poles/PW-0001/security-events"):
                assert (await anonymous.get(path)).status_code == 401
        async with ServiceClient(ServiceEndpoint(api.url, "not-the-token")) as stranger:
            with pytest.raises(NotAuthorised):
                await stranger.security_events()


async def _count(client: ServiceClient, pole_id: str | None, count: int) -> bool:
    return len(await client.security_events(pole_id)) == count


async def update_one(api: Api, sha256: str) -> dict[str, Any]:
    """``POST …/update-firmware`` of one pole, outside a rollout; its 200 answer."""
    answer = await api.client.post(f"/api/v1/poles/{POLE}/update-firmware",
                                   json={"firmware": sha256, "retrieveDate": NOW.isoformat()})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def firmware_status(api: Api) -> str | None:
    status = (await api.client.get(f"/api/v1/poles/{POLE}/firmware-status")).json()
    return None if status["firmware"] is None else str(status["firmware"]["status"])


async def test_eis69_one_pole_updated_with_a_signed_package_gets_signed_update_firmware(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 1, manufacturer) as [cp]:
            answer = await update_one(api, record.sha256)
            assert (answer["result"], answer["action"], answer["signed"], answer["refused"],
                    answer["note"]) == ({"status": "Accepted"}, "SignedUpdateFirmware", True,
                                        None, None)
            assert answer["location"] == record.location

            async def booted() -> bool:
                return (await client.pole(POLE)).firmware == "2.0.0"
            await eventually(booted, 30)
            assert cp.pole.firmware_version == "2.0.0"
            # The pole's SignedFirmwareStatusNotifications name this update and move it on;
            # "Installed" follows the BootNotification of the new firmware.

            async def installed() -> bool:
                statuses = await reported(client, POLE, "SignedFirmwareStatusNotification")
                return bool(statuses) and statuses[-1]["status"] == "Installed"
            await eventually(installed, 30)
            statuses = await reported(client, POLE, "SignedFirmwareStatusNotification")
            assert statuses[-1] == {"status": "Installed", "requestId": answer["updateId"]}
            assert {s["requestId"] for s in statuses} == {answer["updateId"]}
            assert "SignatureVerified" in [s["status"] for s in statuses]
            assert await firmware_status(api) == "Installed"
            updates = (await api.client.get(f"/api/v1/poles/{POLE}/firmware-updates")).json()
            assert [(u["id"], u["status"]) for u in updates] == [
                (answer["updateId"], "Installed")]
            [sent] = [payload(m) for m in await client.messages(POLE, "SignedUpdateFirmware")
                      if m.direction == "out"]
            assert sent["requestId"] == answer["updateId"]
            assert sent["firmware"]["signingCertificate"] == \
                manufacturer.package("2.0.0", SIZE).manifest.signing_certificate
            assert await client.messages(POLE, "UpdateFirmware") == []


async def test_eis69_a_pole_refusing_the_signer_gets_no_unsigned_update_and_it_is_on_record(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE,
                                  start=NOW) as cp:  # no root installed: it trusts no one
            sent = await client.update_firmware(POLE, record.sha256, retrieve_date=NOW)
            assert (sent.action, sent.signed, sent.status) == (
                "SignedUpdateFirmware", True, "InvalidCertificate")
            assert sent.refused is not None and sent.refused.startswith(
                "InvalidCertificate: the pole refused the release's signing certificate")
            assert await firmware_status(api) == "InvalidCertificate"

            async def logged() -> bool:
                return [e.type for e in await client.security_events(POLE)] == [
                    "InvalidFirmwareSigningCertificate"]
            await eventually(logged)
            # Never the same image unsigned, and the pole keeps its firmware.
            assert await client.messages(POLE, "UpdateFirmware") == []
            assert cp.pole.firmware_version == FIRMWARE_VERSION
            [refusal] = audited(api.service.repository.engine, f"firmware refused by {POLE}")
            assert refusal == f"{record.sha256}: {sent.refused}"


async def test_eis69_a_legacy_pole_updated_alone_gets_update_firmware_and_is_told_unsigned(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        first = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        second = await client.upload_firmware_package(
            manufacturer.package("2.0.1", SIZE, seed=15).to_bytes())
        async with connected_pole(api.service.ocpp_url, tmp_path / "poles", POLE,
                                  start=NOW, security_extension=False) as legacy:
            for release, version in ((first, "2.0.0"), (second, "2.0.1")):
                sent = await client.update_firmware(POLE, release.sha256, retrieve_date=NOW)
                assert (sent.action, sent.signed, sent.status, sent.refused) == (
                    "UpdateFirmware", False, None, None)
                assert sent.note is not None and "pole has no SignedUpdateFirmware" in sent.note

                async def booted(version: str = version) -> bool:
                    return (await client.pole(POLE)).firmware == version
                await eventually(booted, 30)
                assert await firmware_status(api) == "Installed"
            assert legacy.pole.firmware_version == "2.0.1"

            async def messages_out(action: str) -> int:
                return sum(m.direction == "out" for m in await client.messages(POLE, action))
            # Asked signed once, NotImplemented; remembered as legacy for the second.
            assert (await messages_out("SignedUpdateFirmware"),
                    await messages_out("UpdateFirmware")) == (1, 2)
