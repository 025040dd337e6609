"""The OCPP 1.6 security extension's remaining commands in the operator API (issue 16).

* ``POST /api/v1/poles/{id}/certificates`` — ``InstallCertificate``; the PEM is checked
  here first (parses, is a CA certificate, in date), so a typo never reaches a pole.
* ``GET /api/v1/poles/{id}/certificates?type=`` — ``GetInstalledCertificateIds`` (both
  types when ``type`` is left out).
* ``DELETE /api/v1/poles/{id}/certificates/{serialNumber}`` — ``DeleteCertificate``. The
  operator knows a certificate by its serial number; the service asks the pole for its
  installed certificates and sends the hash data of the one with that serial (404 when
  the pole has none, 409 when two share it — then they must be told apart on site).
* ``POST /api/v1/poles/{id}/extended-trigger`` — ``ExtendedTriggerMessage`` (the legacy
  ``POST …/trigger`` stays ``TriggerMessage``).
* ``POST /api/v1/poles/{id}/logs`` — ``GetLog`` with a one-time upload location, as
  diagnostics get (`service.api.files_routes`); ``GET …/logs`` lists the requests with
  their ``LogStatusNotification`` sequence, ``GET …/logs/{requestId}/file`` downloads
  the uploaded file.

Certificate changes and a pole's refusals of them are security events
(`service.security.events`), so they show in the pole's security-event list and the
audit log; every command is audited by `send_command` as the others are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from cryptography import x509
from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.responses import FileResponse

from pole_link.timeutil import format_time
from service.api.files_routes import FILES_PREFIX, FileTransfers
from service.api.params import RowId
from service.api.routes import (
    DEFAULT_TIMEOUT,
    PREFIX,
    ApiError,
    PoleConnections,
    Timeout,
    send_command,
)
from service.files import FileStoreError
from service.security.events import SecurityEvent, SecurityEvents
from service.security.log_requests import LogRequests
from service.security.models import LogRequest
from service.storage.repository import AsyncRepository

CertificateType = Literal["CentralSystemRootCertificate", "ManufacturerRootCertificate"]
CERTIFICATE_TYPES: tuple[CertificateType, ...] = ("CentralSystemRootCertificate",
                                                  "ManufacturerRootCertificate")
MAX_PEM = 5500
"""InstallCertificate.req's certificate is a string[0..5500]."""


class _Camel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class InstallCertificateBody(_Camel):
    certificate_type: CertificateType = Field(alias="certificateType")
    certificate: str = Field(min_length=1, max_length=MAX_PEM,
                             description="the root certificate, PEM")


class ExtendedTriggerBody(_Camel):
    requested_message: Literal[
        "BootNotification", "LogStatusNotification", "FirmwareStatusNotification",
        "Heartbeat", "MeterValues", "SignChargePointCertificate", "StatusNotification",
    ] = Field(alias="requestedMessage")
    connector_id: int | None = Field(default=None, alias="connectorId", ge=0)


class GetLogBody(_Camel):
    log_type: Literal["SecurityLog", "DiagnosticsLog"] = Field(alias="logType")
    oldest: AwareDatetime | None = Field(default=None, description="oldestTimestamp")
    latest: AwareDatetime | None = Field(default=None, description="latestTimestamp")
    retries: int | None = Field(default=None, ge=0, le=100)
    retry_interval: int | None = Field(default=None, alias="retryInterval", ge=0)


def checked_root(pem: str, now: datetime) -> list[x509.Certificate]:
    """The certificates in ``pem``, or 422 saying in words why the pole would refuse it."""
    try:
        certificates = x509.load_pem_x509_certificates(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        certificates = []
    if not certificates:
        raise ApiError(422, "InvalidCertificate",
                       "certificate: this is not a PEM certificate (it must start with "
                       "-----BEGIN CERTIFICATE-----); nothing was sent to the pole")
    for certificate in certificates:
        try:
            is_ca = certificate.extensions.get_extension_for_class(
                x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        subject = certificate.subject.rfc4514_string()
        if not is_ca:
            raise ApiError(422, "NotARootCertificate",
                           f"certificate: {subject} is not a CA certificate, so a pole "
                           "cannot trust anything under it; nothing was sent to the pole")
        if certificate.not_valid_after_utc <= now:
            raise ApiError(422, "CertificateExpired",
                           f"certificate: {subject} expired on "
                           f"{certificate.not_valid_after_utc:%Y-%m-%d}; nothing was sent "
                           "to the pole")
    return certificates


def _serial(text: str) -> str:
    return text.strip().lower().removeprefix("0x").lstrip("0") or "0"


def log_out(row: LogRequest, pole_path: str) -> dict[str, Any]:
    """A log request as the API shows it."""
    uploaded = row.status == "Uploaded" and row.file_name is not None
    return {"requestId": row.id, "logType": row.log_type, "status": row.status,
            "statusAt": row.status_at.isoformat(), "requestedAt": row.requested_at.isoformat(),
            "statuses": row.history.split(",") if row.history else [],
            "oldest": row.oldest.isoformat() if row.oldest else None,
            "latest": row.latest.isoformat() if row.latest else None,
            "fileName": row.file_name,
            "download": f"{pole_path}/logs/{row.id}/file" if uploaded else None}


def build_certificates_router(connections: PoleConnections, repository: AsyncRepository,
                              transfers: FileTransfers,
                              logs: LogRequests, events: SecurityEvents,
                              clock: Callable[[], datetime]) -> APIRouter:
    """The routes above (mounted behind the operator guard by `service.app.create_app`)."""
    router = APIRouter(prefix=PREFIX)

    async def known(pole_id: str) -> None:
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")

    async def installed(pole_id: str, kind: CertificateType, timeout: float
                        ) -> list[dict[str, Any]]:
        answer = await send_command(connections, repository, pole_id,
                                    "GetInstalledCertificateIds", {"certificateType": kind},
                                    timeout)
        return [{"certificateType": kind, **data}
                for data in answer["result"].get("certificateHashData") or ()]

    @router.post("/poles/{pole_id}/certificates")
    async def install_certificate(pole_id: str, body: InstallCertificateBody,
                                  timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """``InstallCertificate``: the pole trusts this root from now on. A
        ManufacturerRootCertificate lets it accept firmware signed under it. The PEM must
        parse and be a CA certificate in date (422 otherwise, nothing sent); the pole's
        answer is ``Accepted``, ``Rejected`` or ``Failed`` (all recorded as security
        events)."""
        await known(pole_id)
        try:
            certificates = checked_root(body.certificate, clock())
        except ApiError as refused:  # the trail shows what was tried, not only what went
            await repository.audit("api", f"InstallCertificate refused → {pole_id}",
                                   refused.description)
            raise
        subjects = ", ".join(cert.subject.rfc4514_string() for cert in certificates)
        answer = await send_command(connections, repository, pole_id, "InstallCertificate",
                                    {"certificateType": body.certificate_type,
                                     "certificate": body.certificate}, timeout)
        status = answer["result"].get("status")
        if status == "Accepted":
            await events.record(pole_id, SecurityEvent.CERTIFICATE_INSTALLED,
                                f"{body.certificate_type} installed: {subjects}", clock())
        else:
            await events.record(pole_id, SecurityEvent.CERTIFICATE_REFUSED_BY_POLE,
                                f"InstallCertificate {body.certificate_type} {subjects}: "
                                f"{status}", clock())
        return answer

    @router.get("/poles/{pole_id}/certificates")
    async def list_certificates(pole_id: str, type: Annotated[
            CertificateType | None, Query(description="one type; both when left out")] = None,
                                timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """``GetInstalledCertificateIds``: each installed root's ``certificateHashData``
        (hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber) with its type."""
        await known(pole_id)
        found: list[dict[str, Any]] = []
        for kind in (type,) if type else CERTIFICATE_TYPES:
            found += await installed(pole_id, kind, timeout)
        return {"certificates": found}

    @router.delete("/poles/{pole_id}/certificates/{serial_number}")
    async def delete_certificate(pole_id: str, serial_number: str,
                                 timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """``DeleteCertificate`` of the installed root with this serial number (hex, as
        the certificate list shows it). The pole may answer ``Failed``: a pole at security
        profile 2 or 3 keeps its last CentralSystemRootCertificate."""
        await known(pole_id)
        matches = [data for kind in CERTIFICATE_TYPES
                   for data in await installed(pole_id, kind, timeout)
                   if _serial(str(data.get("serialNumber", ""))) == _serial(serial_number)]
        if not matches:
            raise ApiError(404, "UnknownCertificate",
                           f"pole {pole_id!r} has no certificate with serial number "
                           f"{serial_number!r} (GET {PREFIX}/poles/{pole_id}/certificates "
                           "lists them)")
        if len(matches) > 1:
            raise ApiError(409, "AmbiguousSerialNumber",
                           f"pole {pole_id!r} has {len(matches)} certificates with serial "
                           f"number {serial_number!r}; none was deleted")
        [match] = matches
        hash_data = {key: value for key, value in match.items() if key != "certificateType"}
        answer = await send_command(connections, repository, pole_id, "DeleteCertificate",
                                    {"certificateHashData": hash_data}, timeout)
        status = answer["result"].get("status")
        what = f"{match['certificateType']} serial {hash_data.get('serialNumber')}"
        if status == "Accepted":
            await events.record(pole_id, SecurityEvent.CERTIFICATE_DELETED,
                                f"{what} deleted", clock())
        else:
            await events.record(pole_id, SecurityEvent.CERTIFICATE_REFUSED_BY_POLE,
                                f"DeleteCertificate {what}: {status}", clock())
        return {**answer, "certificate": match}

    @router.post("/poles/{pole_id}/extended-trigger")
    async def extended_trigger(pole_id: str, body: ExtendedTriggerBody,
                               timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """``ExtendedTriggerMessage``: also LogStatusNotification and
        SignChargePointCertificate; FirmwareStatusNotification asks for the signed
        update's status. Answer: Accepted, Rejected or NotImplemented."""
        payload: dict[str, Any] = {"requestedMessage": body.requested_message}
        if body.connector_id is not None:
            payload["connectorId"] = body.connector_id
        return await send_command(connections, repository, pole_id, "ExtendedTriggerMessage",
                                  payload, timeout)

    @router.post("/poles/{pole_id}/logs")
    async def get_log(pole_id: str, body: GetLogBody, request: Request,
                      timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """``GetLog`` with a one-time upload location. The answer names the file; its
        upload's progress (LogStatusNotification) shows in ``GET …/logs``."""
        await known(pole_id)
        slot = transfers.slots.open(pole_id)
        location = f"{transfers.base_url(request)}{FILES_PREFIX}/diagnostics/" \
                   f"{pole_id}/{slot.token}/"
        request_id = await logs.arequested(pole_id, body.log_type, body.oldest, body.latest,
                                           clock())
        log: dict[str, Any] = {"remoteLocation": location}
        if body.oldest is not None:
            log["oldestTimestamp"] = format_time(body.oldest)
        if body.latest is not None:
            log["latestTimestamp"] = format_time(body.latest)
        payload: dict[str, Any] = {"logType": body.log_type, "requestId": request_id,
                                   "log": log}
        if body.retries is not None:
            payload["retries"] = body.retries
        if body.retry_interval is not None:
            payload["retryInterval"] = body.retry_interval
        try:
            answer = await send_command(connections, repository, pole_id, "GetLog", payload,
                                        timeout)
        except ApiError:
            transfers.slots.close(slot.token)
            await logs.aupdate(request_id, "NotSent", clock())
            raise
        status = str(answer["result"].get("status"))
        file_name = answer["result"].get("filename")
        await logs.aupdate(request_id, status, clock(), file_name=file_name, answer=True)
        if file_name is None or status == "Rejected":
            transfers.slots.close(slot.token)
        return {**answer, "requestId": request_id, "fileName": file_name,
                "uploadExpires": slot.expires.isoformat() if file_name else None}

    @router.get("/poles/{pole_id}/logs")
    async def list_logs(pole_id: str) -> list[dict[str, Any]]:
        """The pole's log requests, newest first, each with every status so far
        (``statuses``) and, once uploaded, where to download the file."""
        await known(pole_id)
        return [log_out(row, f"{PREFIX}/poles/{pole_id}")
                for row in await logs.aof_pole(pole_id)]

    @router.get("/poles/{pole_id}/logs/{request_id}/file", response_model=None)
    async def download_log(pole_id: str, request_id: RowId) -> FileResponse:
        """The file a GetLog uploaded (404 ``NotUploaded`` until it arrived)."""
        row = await logs.aget(request_id)
        if row is None or row.pole_id != pole_id or row.file_name is None:
            raise ApiError(404, "UnknownLog", f"pole {pole_id!r} has no log request "
                                              f"{request_id}")
        try:
            path = await transfers.store.diagnostics_path(pole_id, row.file_name)
        except FileStoreError as error:
            raise ApiError(error.status, error.error, error.description) from None
        if path is None:
            raise ApiError(404, "NotUploaded", f"log request {request_id} of {pole_id!r} "
                                               f"has no file yet (status {row.status})")
        return FileResponse(path, filename=row.file_name,
                            media_type="application/octet-stream")

    return router
