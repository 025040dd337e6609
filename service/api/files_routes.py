"""Firmware updates and diagnostics: files the service hosts for poles, and the commands.

Two routers. The operator's (``/api/v1``, bearer token) uploads images, sends
``SignedUpdateFirmware`` (a signed package's image) or ``UpdateFirmware`` (a plain one) and
``GetDiagnostics``, and reads what came back. The poles' own
(``/files``, no bearer token: OCPP 1.6 poles cannot send one) serves images and takes
diagnostics uploads; there the URL is the capability — a SHA-256 that names one image,
or a one-time upload token (`service.files.upload_slots`).

Where a pole reaches the service is where the operator does, unless the service was
started with a public URL (behind a proxy, or poles on another network).

The firmware and diagnostics status notifications a pole sends are already kept in
the message log, so the latest status is read from there rather than stored twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.responses import FileResponse

from pole_link.timeutil import format_time
from service.api.routes import (
    DEFAULT_TIMEOUT,
    PREFIX,
    ApiError,
    PoleConnections,
    Timeout,
    send_command,
)
from service.files import FileStore, FileStoreError, UploadSlots
from service.files.store import is_sha256
from service.rollouts.send import Delivery, ReleaseSender
from service.storage.repository import AsyncRepository

FILES_PREFIX = "/files"
UNSIGNED_NOTES = {
    False: "unsigned: a plain image, not a signed package, so the pole cannot check who "
           f"made it; upload a signed package to POST {PREFIX}/firmware/packages to have "
           "it checked",
    True: "unsigned: the pole has no SignedUpdateFirmware (OCPP 1.6 security extension), "
          "so it got UpdateFirmware and does not check the package's signature itself",
}
"""Why ``update-firmware`` went unsigned, by whether the image is a signed package."""
DIAGNOSTICS_STATUS = "DiagnosticsStatusNotification"


@dataclass
class FileTransfers:
    """What both routers share: the files on disk and the open upload slots."""

    store: FileStore
    slots: UploadSlots = field(default_factory=UploadSlots)
    public_url: str | None = None
    """Base URL poles use to reach this service; None: the one the operator used."""

    def base_url(self, request: Request) -> str:
        return (self.public_url or str(request.base_url)).rstrip("/")


class _Camel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class UpdateFirmwareBody(_Camel):
    firmware: str = Field(pattern="^[0-9a-f]{64}$",
                          description="SHA-256 of an image uploaded to POST /api/v1/firmware")
    retrieve_date: AwareDatetime | None = Field(
        default=None, alias="retrieveDate", description="when the pole fetches it (now)")
    retries: int | None = Field(default=None, ge=0, le=100)
    retry_interval: int | None = Field(default=None, alias="retryInterval", ge=0)


class DiagnosticsBody(_Camel):
    start_time: AwareDatetime | None = Field(default=None, alias="startTime")
    stop_time: AwareDatetime | None = Field(default=None, alias="stopTime")
    retries: int | None = Field(default=None, ge=0, le=100)
    retry_interval: int | None = Field(default=None, alias="retryInterval", ge=0)


def _api_error(error: FileStoreError) -> ApiError:
    return ApiError(error.status, error.error, error.description)


def _declared_size(request: Request) -> int | None:
    text = request.headers.get("content-length")
    return int(text) if text is not None and text.isdigit() else None


def build_files_router(connections: PoleConnections, repository: AsyncRepository,
                       transfers: FileTransfers,
                       sender: ReleaseSender | None = None) -> APIRouter:
    """The operator's ``/api/v1`` routes for firmware and diagnostics (mounted behind the
    operator guard by `service.app.create_app`). ``sender``: the rollouts'
    (`service.rollouts.send`), so both remember the same legacy poles."""
    router = APIRouter(prefix=PREFIX)
    store = transfers.store
    releases = sender or ReleaseSender(connections, repository, store,
                                       timeout_s=DEFAULT_TIMEOUT)

    async def known(pole_id: str) -> None:
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")

    # -- firmware images -----------------------------------------------------------------

    @router.post("/firmware", status_code=201)
    async def upload_firmware(request: Request, name: Annotated[str, Query(
            description="the image's file name; the pole derives its version from it")]
                              ) -> dict[str, Any]:
        """The raw request body is the image (``Content-Type`` is not looked at)."""
        try:
            image = await store.add_firmware(name, request.stream(), _declared_size(request))
        except FileStoreError as error:
            raise _api_error(error) from None
        await repository.audit("api", "firmware uploaded",
                               f"{image.name} {image.sha256} {image.size} bytes")
        return image.to_json()

    @router.get("/firmware")
    async def list_firmware() -> list[dict[str, Any]]:
        return [image.to_json() for image in await store.list_firmware()]

    @router.delete("/firmware/{sha256}")
    async def delete_firmware(sha256: str) -> dict[str, Any]:
        """Poles that were told to fetch it will report DownloadFailed."""
        if not await store.delete_firmware(sha256):
            raise ApiError(404, "UnknownFirmware", f"no firmware image {sha256!r} is stored")
        await repository.audit("api", "firmware deleted", sha256)
        return {"deleted": sha256}

    # -- commands --------------------------------------------------------------------------

    @router.post("/poles/{pole_id}/update-firmware")
    async def update_firmware(pole_id: str, body: UpdateFirmwareBody, request: Request,
                              timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Point the pole at a stored image. A signed package's image goes as
        ``SignedUpdateFirmware`` (the pole checks the signature itself; ``UpdateFirmware``
        only to a pole without the security extension), a plain image as
        ``UpdateFirmware``; ``signed`` and ``note`` say which, ``refused`` why the pole
        said no (``null``: accepted)."""
        image = await store.firmware(body.firmware)
        if image is None:
            raise ApiError(404, "UnknownFirmware",
                           f"no firmware image {body.firmware!r} is stored: upload it to "
                           f"POST {PREFIX}/firmware first")
        location = (f"{transfers.base_url(request)}{FILES_PREFIX}/firmware/"
                    f"{image.sha256}/{image.name}")
        retrieve = format_time(body.retrieve_date or datetime.now(UTC))
        await known(pole_id)
        package = await repository.firmware_package(image.sha256)
        # Recorded before it is sent: the pole may report Downloading before we hear back.
        # Its id is the SignedUpdateFirmware requestId.
        update_id = await repository.firmware_requested(pole_id, location, datetime.now(UTC))
        try:
            if package is not None:
                delivery = await releases.deliver(
                    pole_id, image.sha256, location, retrieve, update_id,
                    retries=body.retries, retry_interval=body.retry_interval,
                    timeout_s=timeout)
            else:
                delivery = await _send_unsigned(pole_id, location, retrieve, body, timeout)
        except ApiError:
            await repository.firmware_not_sent(update_id, datetime.now(UTC))
            raise
        if delivery.refused is not None:
            status = str(delivery.answer["result"].get("status"))
            await repository.firmware_not_sent(update_id, datetime.now(UTC), status)
            await repository.audit("api", f"firmware refused by {pole_id}",
                                   f"{image.sha256}: {delivery.refused}")
        return {**delivery.answer, "location": location, "retrieveDate": retrieve,
                "updateId": update_id, "action": delivery.action, "signed": delivery.signed,
                "refused": delivery.refused,
                "note": None if delivery.signed else UNSIGNED_NOTES[package is not None]}

    async def _send_unsigned(pole_id: str, location: str, retrieve: str,
                             body: UpdateFirmwareBody, timeout: float) -> Delivery:
        payload: dict[str, Any] = {"location": location, "retrieveDate": retrieve}
        if body.retries is not None:
            payload["retries"] = body.retries
        if body.retry_interval is not None:
            payload["retryInterval"] = body.retry_interval
        answer = await send_command(connections, repository, pole_id, "UpdateFirmware",
                                    payload, timeout)
        return Delivery("UpdateFirmware", answer, None)

    @router.post("/poles/{pole_id}/diagnostics")
    async def get_diagnostics(pole_id: str, request: Request,
                              body: DiagnosticsBody | None = None,
                              timeout: Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """OCPP ``GetDiagnostics`` with a one-time upload location; the answer names the
        file the pole will upload (none if it has nothing to send)."""
        body = body or DiagnosticsBody()
        slot = transfers.slots.open(pole_id)
        location = f"{transfers.base_url(request)}{FILES_PREFIX}/diagnostics/" \
                   f"{pole_id}/{slot.token}/"
        payload: dict[str, Any] = {"location": location}
        for key, value in (("startTime", body.start_time), ("stopTime", body.stop_time)):
            if value is not None:
                payload[key] = format_time(value)
        if body.retries is not None:
            payload["retries"] = body.retries
        if body.retry_interval is not None:
            payload["retryInterval"] = body.retry_interval
        try:
            answer = await send_command(connections, repository, pole_id, "GetDiagnostics",
                                        payload, timeout)
        except ApiError:
            transfers.slots.close(slot.token)
            raise
        file_name = answer["result"].get("fileName")
        if file_name is None:
            transfers.slots.close(slot.token)
        return {**answer, "fileName": file_name,
                "uploadExpires": slot.expires.isoformat() if file_name else None}

    # -- what came back ----------------------------------------------------------------------

    @router.get("/poles/{pole_id}/firmware-updates")
    async def firmware_updates(pole_id: str) -> list[dict[str, Any]]:
        """The pole's firmware updates, newest first: where the image was, when it was
        asked for, and the last status (Requested, NotSent, or what the pole reported)."""
        await known(pole_id)
        return [_update_out(update) for update in await repository.firmware_updates(pole_id)]

    @router.get("/poles/{pole_id}/firmware-status")
    async def firmware_status(pole_id: str) -> dict[str, Any]:
        """The newest firmware update's status (`firmware_updates`) and the newest
        DiagnosticsStatusNotification (from the message log); ``null`` when there is none."""
        await known(pole_id)
        updates = await repository.firmware_updates(pole_id, limit=1)
        diagnostics = None
        for row in await repository.message_log(pole_id, DIAGNOSTICS_STATUS, limit=10):
            if row.direction != "in":
                continue  # the service's own answers to those calls
            try:
                status = json.loads(row.payload).get("status")
            except (ValueError, AttributeError):
                continue
            diagnostics = {"status": status, "time": row.time.isoformat()}
            break
        return {"firmware": _update_out(updates[0]) if updates else None,
                "diagnostics": diagnostics}

    @router.get("/poles/{pole_id}/diagnostics")
    async def list_diagnostics(pole_id: str) -> list[dict[str, Any]]:
        await known(pole_id)
        try:
            return [upload.to_json() for upload in await store.list_diagnostics(pole_id)]
        except FileStoreError as error:
            raise _api_error(error) from None

    @router.get("/poles/{pole_id}/diagnostics/{file_name}", response_model=None)
    async def download_diagnostics(pole_id: str, file_name: str) -> FileResponse:
        try:
            path = await store.diagnostics_path(pole_id, file_name)
        except FileStoreError as error:
            raise _api_error(error) from None
        if path is None:
            raise ApiError(404, "UnknownFile",
                           f"pole {pole_id!r} has no diagnostics file {file_name!r}")
        return FileResponse(path, filename=file_name, media_type="application/octet-stream")

    return router


def build_pole_files_router(repository: AsyncRepository, transfers: FileTransfers
                            ) -> APIRouter:
    """``/files``: what poles fetch and upload over plain HTTP, authorised by the URL."""
    router = APIRouter(prefix=FILES_PREFIX, tags=["poles"])
    store = transfers.store

    @router.get("/firmware/{sha256}/{name}", response_model=None)
    @router.head("/firmware/{sha256}/{name}", response_model=None, include_in_schema=False)
    async def download_firmware(sha256: str, name: str) -> FileResponse:
        path = await store.firmware_path(sha256, name) if is_sha256(sha256) else None
        if path is None:
            raise ApiError(404, "UnknownFirmware", "no such firmware image")
        return FileResponse(path, filename=name, media_type="application/octet-stream")

    @router.put("/diagnostics/{pole_id}/{token}/{file_name}", status_code=201)
    @router.post("/diagnostics/{pole_id}/{token}/{file_name}", status_code=201,
                 operation_id="upload_diagnostics_by_post")
    async def upload_diagnostics(pole_id: str, token: str, file_name: str,
                                 request: Request) -> dict[str, Any]:
        """The raw body is the file (a pole PUTs ``location + fileName``)."""
        try:
            transfers.slots.claim(pole_id, token, file_name)
            upload = await store.add_diagnostics(pole_id, file_name, request.stream(),
                                                 _declared_size(request))
        except FileStoreError as error:
            raise _api_error(error) from None
        await repository.audit("pole", f"diagnostics ← {pole_id}",
                               f"{upload.name} {upload.size} bytes")
        return upload.to_json()

    return router


def _update_out(update: Any) -> dict[str, Any]:
    """A firmware update as the API shows it; ``status``/``time`` as in firmware-status."""
    return {"id": update.id, "status": update.status, "time": update.status_at.isoformat(),
            "location": update.location,
            "requestedAt": update.requested_at.isoformat() if update.requested_at else None}
