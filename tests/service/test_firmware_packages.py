"""eis 69: the service accepts only firmware packages signed under a manufacturer root it
trusts — checked at upload, refused before anything is stored — and hosts the image of an
accepted one for poles. Through `ServiceClient`, over real HTTP, at a fixed service time."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import os
import signal
import sys
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from pole_link.errors import NotAuthorised
from pole_link.firmware.package import build_package
from pole_link.firmware.signing import make_signing_cert, pem_of
from pole_link.service_api import (
    FirmwarePackageRecord,
    ServiceClient,
    ServiceEndpoint,
    ServiceRefused,
)
from pole_link.sim.clock import SimClock
from service.cli import main as service_main
from tests.firmware_support import Manufacturer
from tests.support import (
    REPO,
    Api,
    audited,
    connected_pole,
    eventually,
    postgres_schema,
    running_service,
    until,
)

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
IMAGE = b"PW2 signed firmware image " * 4096
SHA256 = hashlib.sha256(IMAGE).hexdigest()


def signed(maker: Manufacturer, image: bytes = IMAGE, version: str = "1.4.0",
           models: tuple[str, ...] = ("PW2",)) -> bytes:
    """A package file as a vendor ships it (tests.firmware_support makes the keys)."""
    return build_package(image, version=version, models=models, key=maker.key,
                         signing_cert=maker.cert).to_bytes()


@dataclass
class FirmwareApi:
    api: Api
    client: ServiceClient
    files: Path

    def stored_files(self) -> list[str]:
        """Everything under the service's files directory (temporary files included)."""
        return sorted(str(path.relative_to(self.files)) for path in self.files.rglob("*")
                      if path.is_file())

    def audit(self, action: str) -> list[str]:
        return audited(self.api.service.repository.engine, action)


@pytest.fixture
def manufacturer() -> Manufacturer:
    return Manufacturer.make(NOW, "Demo")


@pytest.fixture(params=["sqlite", "postgresql"])
async def firmware_api(request: pytest.FixtureRequest, tmp_path: Path,
                       manufacturer: Manufacturer) -> AsyncIterator[FirmwareApi]:
    """The service trusting the Demo manufacturer's root, its clock at `NOW`."""
    clock = SimClock(NOW).now
    roots = [manufacturer.root]
    if request.param == "sqlite":
        async with running_service(tmp_path, clock=clock, trusted_roots=roots) as api, \
                ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            yield FirmwareApi(api, client, tmp_path / "files")
        return
    with postgres_schema() as url:
        async with running_service(tmp_path, url, clock=clock, trusted_roots=roots) as api, \
                ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            yield FirmwareApi(api, client, tmp_path / "files")


async def test_eis69_a_signed_package_is_verified_kept_listed_and_served_to_poles(
        firmware_api: FirmwareApi, manufacturer: Manufacturer) -> None:
    client, api = firmware_api.client, firmware_api.api
    data = signed(manufacturer, models=("PW2", "PW3"))
    record = await client.upload_firmware_package(data)
    location = f"{api.url}/files/firmware/{SHA256}/1.4.0.bin"
    assert record == FirmwarePackageRecord(
        SHA256, "1.4.0", ("PW2", "PW3"), len(IMAGE), "Demo release signing", "Demo root",
        record.uploaded_at, location)
    assert record.uploaded_at is not None
    assert NOW <= record.uploaded_at < NOW + timedelta(minutes=1)  # the service's clock
    assert record.fits("PW3") and not record.fits("PW9")

    assert await client.firmware_packages() == [record]
    assert await client.firmware_package(SHA256) == record
    assert await client.firmware_package_file(SHA256) == data
    assert firmware_api.stored_files() == [f"firmware/{SHA256}/1.4.0.bin",
                                           f"packages/{SHA256}.zip"]
    # The image is hosted like any firmware image: poles fetch it without a token, and it
    # is listed with the service's images.
    async with httpx.AsyncClient() as pole:
        fetched = await pole.get(location)
    assert fetched.status_code == 200 and fetched.content == IMAGE
    images = (await api.client.get("/api/v1/firmware")).json()
    assert [(image["sha256"], image["name"]) for image in images] == [(SHA256, "1.4.0.bin")]
    assert firmware_api.audit("firmware package accepted") == [
        f"1.4.0 {SHA256} {len(IMAGE)} bytes, signed by 'Demo release signing' under "
        "'Demo root'"]
    roots = (await api.client.get("/api/v1/firmware/roots")).json()
    assert [root["subject"] for root in roots] == ["Demo root"]

    # The same package again is the same record; the same image as another release is not.
    again = await api.client.post("/api/v1/firmware/packages", content=data,
                                  headers={"Content-Type": "application/zip"})
    assert again.status_code == 200 and again.json()["uploaded_at"] == \
        record.uploaded_at.isoformat()
    with pytest.raises(ServiceRefused) as conflict:
        await client.upload_firmware_package(signed(manufacturer, version="1.4.1"))
    assert (conflict.value.status, conflict.value.code) == (422, "PackageExists")
    assert "already recorded as version '1.4.0'" in str(conflict.value)
    assert await client.firmware_packages() == [record]


def rezipped(data: bytes, image: bytes | None = None,
             manifest_changes: dict[str, object] | None = None) -> bytes:
    """The package rebuilt (a valid ZIP) with another image and/or manifest fields."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        original = archive.read("image.bin")
    manifest.update(manifest_changes or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("image.bin", original if image is None else image)
    return buffer.getvalue()


async def test_eis69_a_bad_package_is_refused_with_its_reason_and_nothing_is_kept(
        firmware_api: FirmwareApi, manufacturer: Manufacturer,
        caplog: pytest.LogCaptureFixture) -> None:
    client = firmware_api.client
    good = signed(manufacturer)
    changed = IMAGE[:100] + b"X" + IMAGE[101:]
    stranger = Manufacturer.make(NOW, "Stranger")
    expired = Manufacturer.make(NOW - timedelta(days=6 * 365), "Demo")
    expired.root_key, expired.root = manufacturer.root_key, manufacturer.root
    expired.key, expired.cert = make_signing_cert(manufacturer.root_key, manufacturer.root,
                                                  "Old signing", NOW - timedelta(days=6 * 365))
    cases = [
        ("another manufacturer's signer", signed(stranger),
         "InvalidCertificate", "'Stranger release signing' was not issued by a manufacturer "
                               "root this service trusts"),
        ("an image changed, manifest unchanged", rezipped(good, changed),
         "InvalidPackage", "the image does not match the manifest's SHA-256"),
        ("image and hash changed, signature not", rezipped(
            good, changed, {"sha256": hashlib.sha256(changed).hexdigest()}),
         "InvalidSignature", "the signature does not match the image"),
        ("a signing certificate out of date", signed(expired),
         "InvalidCertificate", "'Old signing' is not valid at 2026-12-04 12:00 UTC"),
        ("not a ZIP", IMAGE, "InvalidPackage", "not a firmware package (not a ZIP archive"),
        ("an empty body", b"", "InvalidPackage", "not a ZIP archive"),
        ("a manifest without a version", rezipped(good, None, {"version": " "}),
         "InvalidPackage", "is not a version"),
    ]
    with caplog.at_level(logging.WARNING, logger="service.api.firmware_packages"):
        for what, data, code, reason in cases:
            with pytest.raises(ServiceRefused) as refused:
                await client.upload_firmware_package(data)
            assert (refused.value.status, refused.value.code) == (422, code), what
            assert reason in str(refused.value), what
    assert await client.firmware_packages() == []
    assert (await firmware_api.api.client.get("/api/v1/firmware")).json() == []
    assert firmware_api.stored_files() == []
    with pytest.raises(ServiceRefused) as unknown:
        await client.firmware_package(SHA256)
    assert (unknown.value.status, unknown.value.code) == (404, "UnknownPackage")

    # Each refusal is in the log and the audit log, with the reason and no secret.
    refusals = firmware_api.audit("firmware package refused")
    assert [detail.split(":")[0] for detail in refusals] == [code for _, _, code, _ in cases]
    logged = [r.getMessage() for r in caplog.records if "firmware package refused" in
              r.getMessage()]
    assert len(logged) == len(cases)
    assert f"{len(IMAGE)} bytes, SHA-256 {SHA256}" in logged[4]
    assert not any(firmware_api.api.token in line for line in logged + refusals)


async def test_without_trusted_roots_every_package_is_refused(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with running_service(tmp_path, clock=SimClock(NOW).now) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        with pytest.raises(ServiceRefused) as refused:
            await client.upload_firmware_package(signed(manufacturer))
        assert (refused.value.status, refused.value.code) == (422, "InvalidCertificate")
        assert "trusts no manufacturer root" in str(refused.value)
        assert "--trust" in str(refused.value)
        assert await client.firmware_packages() == []
        assert (await api.client.get("/api/v1/firmware/roots")).json() == []


async def test_every_firmware_package_route_needs_the_token(
        firmware_api: FirmwareApi, manufacturer: Manufacturer) -> None:
    api = firmware_api.api
    async with httpx.AsyncClient(base_url=api.url) as anonymous:
        for method, path in [("POST", "/api/v1/firmware/packages"),
                             ("GET", "/api/v1/firmware/packages"),
                             ("GET", f"/api/v1/firmware/packages/{SHA256}"),
                             ("GET", f"/api/v1/firmware/packages/{SHA256}/package"),
                             ("GET", "/api/v1/firmware/roots")]:
            answer = await anonymous.request(method, path, content=signed(manufacturer)
                                             if method == "POST" else None)
            assert answer.status_code == 401, path
            assert answer.json()["error"] == "Unauthorized"
    async with ServiceClient(ServiceEndpoint(api.url, "not-the-token")) as stranger:
        with pytest.raises(NotAuthorised):
            await stranger.upload_firmware_package(signed(manufacturer))
        with pytest.raises(NotAuthorised):
            await stranger.firmware_packages()
    assert await firmware_api.client.firmware_packages() == []
    assert firmware_api.stored_files() == []


async def test_eis69_an_accepted_package_is_installed_by_a_pole_over_ocpp(
        firmware_api: FirmwareApi, manufacturer: Manufacturer, tmp_path: Path) -> None:
    api = firmware_api.api
    record = await firmware_api.client.upload_firmware_package(signed(manufacturer))
    async with connected_pole(api.service.ocpp_url, tmp_path / "poles", start=NOW) as cp:
        assert cp.pole.firmware.install_root(manufacturer.root_pem)
        answer = await api.client.post(
            "/api/v1/poles/PW-0001/update-firmware",
            json={"firmware": record.sha256, "retrieveDate": NOW.isoformat()})
        assert answer.status_code == 200, answer.text
        assert answer.json()["location"] == record.location
        assert (answer.json()["action"], answer.json()["signed"]) == (
            "SignedUpdateFirmware", True)
        await until(lambda: cp.client.connections == 2 and cp.client.connected)
        assert cp.pole.firmware_version == "1.4.0"

        async def reported() -> bool:
            pole = (await api.client.get("/api/v1/poles/PW-0001")).json()
            return bool(pole["firmware"] == "1.4.0")
        await eventually(reported)


def test_paalwerk_service_refuses_a_trust_file_it_cannot_use(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_pem = tmp_path / "roots.pem"
    not_pem.write_text("not a certificate")
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    for path, reason in [(tmp_path / "missing.pem", "cannot read it"),
                         (not_pem, "not a PEM certificate bundle"),
                         (empty, "holds no certificate")]:
        with pytest.raises(SystemExit) as exit_:
            service_main(["--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "--trust", str(path)])
        assert exit_.value.code == 2
        assert f"--trust {path}: {reason}" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()


async def test_paalwerk_service_trust_loads_the_roots_packages_are_checked_against(
        tmp_path: Path) -> None:
    """The command line end to end: ``--trust`` a bundle, and an upload verifies under it
    (at the wall clock: the certificates are made now, valid for years)."""
    now = datetime.now(UTC)
    fresh = Manufacturer.make(now, "Fresh")
    bundle = tmp_path / "roots.pem"
    bundle.write_text(pem_of(Manufacturer.make(now, "Other").root) + pem_of(fresh.root))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "paalwerk", "service", "--db",
        f"sqlite:///{tmp_path / 'cli.sqlite'}", "--port", "0", "--trust", str(bundle),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, cwd=REPO,
        env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config")))
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            lines = [(await process.stdout.readline()).decode() for _ in range(4)]
        token = lines[0].rsplit(" ", 1)[1].strip()
        url = lines[2].split()[2].removesuffix("/api/v1")
        assert lines[3] == ("Firmware packages: checked against 2 trusted manufacturer "
                            "root(s): Other root, Fresh root\n")
        async with ServiceClient(ServiceEndpoint(url, token)) as client:
            record = await client.upload_firmware_package(signed(fresh))
            assert (record.signer, record.root) == ("Fresh release signing", "Fresh root")
            with pytest.raises(ServiceRefused) as stranger:
                await client.upload_firmware_package(signed(Manufacturer.make(now, "X"),
                    IMAGE + b"x"))
            assert stranger.value.code == "InvalidCertificate"
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            assert await process.wait() == 0
