"""Signed firmware packages (issue 14, eis 69): verified when uploaded, refused before storing.

A pole checks a release's signature itself before it installs it. The service makes the
same check at upload, against the manufacturer roots it was told to trust (``paalwerk
service --trust ROOTS.pem``), so an operator learns at once that a release would be
refused — not hours later from a pole's ``InstallationFailed`` — and what the service
lists as ready to roll out is only what verified. Without trusted roots every package is
refused, saying so: never open by default.

An accepted package's image is hosted like any uploaded image (`service.files`), so the
existing ``POST /api/v1/poles/{id}/update-firmware`` with its SHA-256 sends it over OCPP,
and poles fetch it from ``/files/firmware/<sha256>/<name>`` without a token. The package
itself is kept too, for installing over a pole's service port.

Every refusal goes to the log and the audit log (eis 69 security logging) with the reason
and the upload's size and hash; the body itself is never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any, NoReturn

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from fastapi import APIRouter, Request, Response
from starlette.responses import FileResponse

from pole_link.firmware.package import FirmwarePackage, PackageError, parse_package
from pole_link.firmware.signing import FirmwareRefused, Refusal, subject_of
from service.api.files_routes import FILES_PREFIX, FileTransfers
from service.api.routes import PREFIX, ApiError
from service.files import FIRMWARE_LIMIT, FileStoreError
from service.files.store import WRITE_BLOCK, is_sha256
from service.ocpp.pole_handler import Clock
from service.storage.models import FirmwarePackageRow
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

PACKAGE_LIMIT = FIRMWARE_LIMIT + 1024 * 1024
"""The image's limit plus room for the manifest and the archive's own bytes."""
MAX_VERSION_LENGTH = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_PACKAGE_BODY = {"requestBody": {"required": True, "content": {"application/zip": {
    "schema": {"type": "string", "format": "binary"}}}}}


def image_name(version: str) -> str:
    """The hosted image's file name: the version, made a plain file name, + ``.bin``.

    Poles that derive their version from the download's name (as virtual poles do)
    then report the package's version once they installed it.
    """
    name = re.sub(r"\.{2,}", ".", _UNSAFE.sub("-", version)).strip(".-_+")
    return f"{name or 'firmware'}.bin"


def record_json(row: FirmwarePackageRow, location: str | None) -> dict[str, Any]:
    """A package as the API shows it (`pole_link.service_api.FirmwarePackageRecord`)."""
    return {"sha256": row.sha256, "version": row.version, "models": json.loads(row.models),
            "size": row.size, "signer": row.signer, "root": row.root,
            "uploaded_at": row.uploaded_at.isoformat(), "location": location}


def roots_json(roots: Sequence[x509.Certificate]) -> list[dict[str, Any]]:
    """Each root's subject, end of validity and certificate fingerprint (SHA-256 of DER)."""
    return [{"subject": subject_of(root), "not_after": root.not_valid_after_utc.isoformat(),
             "sha256": root.fingerprint(hashes.SHA256()).hex()} for root in roots]


def trust_summary(roots: Sequence[x509.Certificate]) -> str:
    """The line ``paalwerk service`` prints at start: which roots packages must chain to."""
    if not roots:
        return ("Firmware packages: no manufacturer root is trusted, so every package is "
                "refused (--trust ROOTS.pem)")
    return (f"Firmware packages: checked against {len(roots)} trusted manufacturer "
            f"root(s): {', '.join(subject_of(root) for root in roots)}")


def build_packages_router(repository: AsyncRepository, transfers: FileTransfers,
                          roots: Sequence[x509.Certificate], clock: Clock) -> APIRouter:
    """``/api/v1/firmware/packages`` and ``/api/v1/firmware/roots`` (bearer token)."""
    router = APIRouter(prefix=PREFIX, tags=["firmware packages"])
    store = transfers.store
    trusted = tuple(roots)

    async def location_of(row: FirmwarePackageRow, request: Request) -> str | None:
        image = await store.firmware(row.sha256)
        if image is None:  # deleted with DELETE /api/v1/firmware/{sha256}
            return None
        return f"{transfers.base_url(request)}{FILES_PREFIX}/firmware/{image.sha256}/" \
               f"{image.name}"

    async def refuse(code: str, detail: str, data: bytes) -> NoReturn:
        upload = f"{len(data)} bytes, SHA-256 {hashlib.sha256(data).hexdigest()}"
        LOGGER.warning("firmware package refused (%s): %s [%s]", code, detail, upload)
        await repository.audit("api", "firmware package refused",
                               f"{code}: {detail} [{upload}]", at=clock())
        raise ApiError(422, code, detail)

    @router.post("/firmware/packages", status_code=201, openapi_extra=_PACKAGE_BODY)
    async def upload_package(request: Request, response: Response) -> dict[str, Any]:
        """The raw body is a signed package (``Content-Type: application/zip``). It is
        verified against the service's trusted manufacturer roots at the service's time
        and refused (422, ``error`` the reason: ``InvalidPackage``, ``InvalidCertificate``,
        ``InvalidSignature``, ``HashMismatch``) before anything is stored. The same
        package again answers 200 with the first record; the same image as another
        release is refused (422 ``PackageExists``)."""
        data = await _body(request)
        try:
            package = parse_package(data)
            _check_version(package.manifest.version)
        except PackageError as exc:
            await refuse("InvalidPackage", str(exc), data)
        if not trusted:
            await refuse(Refusal.INVALID_CERTIFICATE.value,
                         "this service trusts no manufacturer root, so it accepts no "
                         "firmware: start it with 'paalwerk service --trust ROOTS.pem'", data)
        try:
            root = package.verify(trusted, clock())
        except FirmwareRefused as refused:
            await refuse(refused.reason.value,
                         refused.detail.replace("this pole trusts", "this service trusts"),
                         data)
        manifest = package.manifest
        signer = subject_of(package.signing_certificate())
        existing = await repository.firmware_package(manifest.sha256)
        if existing is not None:
            if (existing.version, json.loads(existing.models), existing.signer) != (
                    manifest.version, list(manifest.models), signer):
                # 422, not 409: in this API 409 means "the pole is not connected".
                raise ApiError(422, "PackageExists",
                               f"this image (SHA-256 {manifest.sha256}) is already recorded "
                               f"as version {existing.version!r} signed by "
                               f"{existing.signer!r}")
            response.status_code = 200
            return record_json(existing, await location_of(existing, request))
        try:
            await store.add_firmware(image_name(manifest.version), _chunks(package),
                                     manifest.size)
            await store.add_package(manifest.sha256, data)
        except FileStoreError as error:
            raise ApiError(error.status, error.error, error.description) from None
        row, new = await repository.add_firmware_package(FirmwarePackageRow(
            sha256=manifest.sha256, version=manifest.version,
            models=json.dumps(list(manifest.models)), size=manifest.size, signer=signer,
            root=subject_of(root), uploaded_at=clock()))
        if new:
            await repository.audit("api", "firmware package accepted",
                                   f"{row.version} {row.sha256} {row.size} bytes, signed by "
                                   f"{row.signer!r} under {row.root!r}", at=clock())
        else:
            response.status_code = 200
        return record_json(row, await location_of(row, request))

    @router.get("/firmware/packages")
    async def list_packages(request: Request) -> list[dict[str, Any]]:
        """Every accepted package, newest first; ``location`` is where poles fetch the
        image (null once the image was deleted)."""
        return [record_json(row, await location_of(row, request))
                for row in await repository.firmware_packages()]

    @router.get("/firmware/packages/{sha256}")
    async def get_package(sha256: str, request: Request) -> dict[str, Any]:
        row = await known(sha256)
        return record_json(row, await location_of(row, request))

    @router.get("/firmware/packages/{sha256}/package", response_model=None)
    async def download_package(sha256: str) -> FileResponse:
        """The package as uploaded, to install over a pole's service port."""
        row = await known(sha256)
        path = await store.package_path(row.sha256)
        if path is None:
            raise ApiError(404, "UnknownPackage", f"the package file of {sha256} is gone")
        return FileResponse(path, filename=f"{image_name(row.version)[:-4]}.fwpkg",
                            media_type="application/zip")

    @router.get("/firmware/roots")
    async def trusted_roots() -> list[dict[str, Any]]:
        """The manufacturer roots packages are checked against (``--trust``)."""
        return roots_json(trusted)

    async def known(sha256: str) -> FirmwarePackageRow:
        row = await repository.firmware_package(sha256) if is_sha256(sha256) else None
        if row is None:
            raise ApiError(404, "UnknownPackage", f"no accepted firmware package has the "
                                                  f"image SHA-256 {sha256!r}")
        return row

    return router


def _check_version(version: str) -> None:
    if not version.strip() or len(version) > MAX_VERSION_LENGTH or not version.isprintable():
        raise PackageError(f"the manifest's version {version[:80]!r} is not a version: use "
                           f"1–{MAX_VERSION_LENGTH} printable characters")


async def _body(request: Request) -> bytes:
    """The request body, refused (413) past `PACKAGE_LIMIT` before it is all read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > PACKAGE_LIMIT:
        raise ApiError(413, "TooLarge", f"the package ({declared} bytes) is larger than the "
                                        f"{PACKAGE_LIMIT} byte limit")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > PACKAGE_LIMIT:
            raise ApiError(413, "TooLarge",
                           f"the package is larger than the {PACKAGE_LIMIT} byte limit")
    return bytes(body)


async def _chunks(package: FirmwarePackage) -> AsyncIterator[bytes]:
    image = memoryview(package.image)
    for start in range(0, len(image), WRITE_BLOCK):
        yield bytes(image[start:start + WRITE_BLOCK])
