"""Firmware test helpers: a manufacturer made in the test, its packages, upload probes,
and the service and fleet of virtual poles that trust it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pole_link.firmware.package import FirmwarePackage, build_package
from pole_link.firmware.signing import make_root, make_signing_cert, pem_of
from pole_link.service_api import MessageRecord, ServiceClient, ServiceEndpoint
from pole_link.session import PoleSession
from pole_link.sim.firmware_slots import Transfer
from pole_link.sim.pole import MODEL
from tests.support import Api, ConnectedPole, connected_pole, running_service

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
"""13:00 in Amsterdam: outside the evening peak. The manufacturer's certificates start here."""


@dataclass
class Manufacturer:
    """A root and a release signing certificate it issued, made for this test only."""

    root_key: Ed25519PrivateKey
    root: x509.Certificate
    key: Ed25519PrivateKey
    cert: x509.Certificate

    @classmethod
    def make(cls, now: datetime, name: str = "Test manufacturer") -> Manufacturer:
        root_key, root = make_root(f"{name} root", now)
        key, cert = make_signing_cert(root_key, root, f"{name} release signing", now)
        return cls(root_key, root, key, cert)

    @property
    def root_pem(self) -> str:
        return pem_of(self.root)

    def package(self, version: str = "2.0.0", size: int = 1 << 20, *,
                models: tuple[str, ...] = (MODEL,), seed: int = 14) -> FirmwarePackage:
        return build_package(image(size, seed), version=version, models=models, key=self.key,
                             signing_cert=self.cert)


def image(size: int, seed: int = 14) -> bytes:
    return random.Random(seed).randbytes(size)


def signed_for_another_image(package: FirmwarePackage, other: FirmwarePackage
                             ) -> FirmwarePackage:
    """``other``'s image and hash under ``package``'s signature: a tampered release."""
    manifest = replace(other.manifest, signature=package.manifest.signature)
    return FirmwarePackage(manifest, other.image)


async def trust(session: PoleSession, manufacturer: Manufacturer) -> str:
    """Install the manufacturer's root on the pole the OCPP way (needs Auth)."""
    answer = await session.call("InstallCertificate", {
        "certificateType": "ManufacturerRootCertificate",
        "certificate": manufacturer.root_pem})
    return str(answer["status"])


@dataclass
class Progress:
    """Records (acked, total) reports; can act once when a share of the image is acked."""

    reports: list[tuple[int, int]] = field(default_factory=list)
    at_share: float | None = None
    action: Callable[[int], None] | None = None
    fired_at: int | None = None

    def __call__(self, acked: int, total: int) -> None:
        self.reports.append((acked, total))
        if (self.action is not None and self.fired_at is None and self.at_share is not None
                and acked >= self.at_share * total):
            self.fired_at = acked
            self.action(acked)


async def upload_cancelled_at(session: PoleSession, package: FirmwarePackage,
                              share: float) -> int:
    """Upload ``package`` and cancel it once ``share`` of the image is acked, as a
    technician pressing Cancel; returns how many bytes the pole had acked then."""
    tasks: list[asyncio.Task[object]] = []
    probe = Progress(at_share=share, action=lambda _: tasks[0].cancel())
    tasks.append(asyncio.ensure_future(session.upload_firmware(package, progress=probe)))
    with pytest.raises(asyncio.CancelledError):
        await tasks[0]
    assert probe.fired_at is not None
    return probe.fired_at


def data_after_last_begin(transfer: Transfer) -> list[tuple[int, int]]:
    """(offset, length) of every data frame the pole got since the latest FirmwareBegin."""
    last = max(i for i, entry in enumerate(transfer.log) if entry[0] == "begin")
    return [(offset, length) for kind, offset, length in transfer.log[last + 1:]
            if kind == "data"]


def last_resume_offset(transfer: Transfer) -> int:
    return next(offset for kind, offset, _ in reversed(transfer.log) if kind == "begin")


def signed_request(request_id: int, location: str, package: FirmwarePackage
                   ) -> dict[str, Any]:
    """SignedUpdateFirmware for ``package``'s image hosted at ``location``, now."""
    return {"requestId": request_id, "firmware": {
        "location": location, "retrieveDateTime": NOW.isoformat(),
        "signingCertificate": package.manifest.signing_certificate,
        "signature": base64.b64encode(package.manifest.signature).decode()}}


def payload(message: MessageRecord) -> dict[str, Any]:
    body = message.payload
    return json.loads(body) if isinstance(body, str) else dict(body)


async def reported(client: ServiceClient, pole_id: str, action: str) -> list[dict[str, Any]]:
    """What the pole sent with ``action``, oldest first, as the service logged it."""
    return [payload(m) for m in reversed(await client.messages(pole_id, action))
            if m.direction == "in"]


@contextlib.asynccontextmanager
async def trusting_service(tmp_path: Path, manufacturer: Manufacturer,
                           clock: Callable[[], datetime], url: str | None = None
                           ) -> AsyncIterator[tuple[Api, ServiceClient]]:
    """A service on ``clock`` that trusts the manufacturer's root, and a client of it."""
    async with running_service(tmp_path, url, clock=clock,
                               trusted_roots=[manufacturer.root]) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        yield api, client


@contextlib.asynccontextmanager
async def fleet(ocpp_url: str, tmp_path: Path, count: int, manufacturer: Manufacturer,
                start: datetime = NOW) -> AsyncIterator[list[ConnectedPole]]:
    """Virtual poles PW-0001… with the manufacturer's root installed, as a factory installs
    it: they take its releases over SignedUpdateFirmware."""
    async with contextlib.AsyncExitStack() as stack:
        poles = [await stack.enter_async_context(
            connected_pole(ocpp_url, tmp_path / "poles", f"PW-{n:04d}", start=start))
            for n in range(1, count + 1)]
        for cp in poles:
            assert cp.pole.firmware.install_root(manufacturer.root_pem)
        yield poles
