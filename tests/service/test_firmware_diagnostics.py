"""Firmware updates and diagnostics over real HTTP and real OCPP, with a virtual pole.

The pole downloads and uploads with its own HTTP client, exactly as a field pole
would, so these tests prove the service's file hosting end to end: capability URLs,
size limits, a full disk, and what the operator sees afterwards.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from pole_link.sim.pole import FIRMWARE_VERSION
from pole_link.sim.remote_files import firmware_version
from service.files import DIAGNOSTICS_LIMIT, FIRMWARE_LIMIT, FileStore
from service.files.upload_slots import UploadSlots
from tests.support import Api, connected_pole, eventually, until

IMAGE = b"PW2 firmware image " * 4096


def files_of(api: Api) -> FileStore:
    assert api.service.files is not None
    return api.service.files.store


def slots_of(api: Api) -> UploadSlots:
    assert api.service.files is not None
    return api.service.files.slots


async def upload_image(api: Api, name: str = "pw2-1.4.0.bin", body: bytes = IMAGE
                       ) -> dict[str, Any]:
    response = await api.client.post("/api/v1/firmware", params={"name": name}, content=body)
    assert response.status_code == 201, response.text
    image: dict[str, Any] = response.json()
    return image


async def status_payloads(api: Api, action: str) -> list[str]:
    """The statuses a pole sent for ``action``, oldest first, from the message log."""
    rows = (await api.client.get("/api/v1/poles/PW-0001/messages",
                                 params={"action": action})).json()
    return [json.loads(row["payload"])["status"] for row in reversed(rows)
            if row["direction"] == "in"]


async def latest_status(api: Api, kind: str) -> str | None:
    answer = (await api.client.get("/api/v1/poles/PW-0001/firmware-status")).json()
    return answer[kind]["status"] if answer[kind] else None


# -- firmware ---------------------------------------------------------------------------------

async def test_an_uploaded_image_is_installed_and_the_pole_reports_its_new_version(
        api: Api, tmp_path: Path) -> None:
    image = await upload_image(api)
    assert image["name"] == "pw2-1.4.0.bin" and image["size"] == len(IMAGE)
    assert image["sha256"] == hashlib.sha256(IMAGE).hexdigest()
    listed = (await api.client.get("/api/v1/firmware")).json()
    assert [entry["sha256"] for entry in listed] == [image["sha256"]]

    async with connected_pole(api.service.ocpp_url, tmp_path, start=datetime.now(UTC)) as cp:
        assert (await latest_status(api, "firmware")) is None
        answer = await api.client.post("/api/v1/poles/PW-0001/update-firmware",
                                       json={"firmware": image["sha256"]})
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"] == {}
        # A plain image, no signed package: legacy UpdateFirmware, and the answer says so.
        assert (answer.json()["action"], answer.json()["signed"]) == ("UpdateFirmware", False)
        assert answer.json()["note"].startswith("unsigned: a plain image")
        assert answer.json()["location"] == (f"{api.url}/files/firmware/{image['sha256']}/"
                                             "pw2-1.4.0.bin")
        # The pole fetched it, installed it and rebooted: a second connection, new version.
        await until(lambda: cp.client.connections == 2 and cp.client.connected)
        assert cp.pole.firmware_version == "pw2-1.4.0"

        async def stored_version() -> bool:
            pole = (await api.client.get("/api/v1/poles/PW-0001")).json()
            return bool(pole["firmware"] == "pw2-1.4.0")
        await eventually(stored_version)
        assert await status_payloads(api, "FirmwareStatusNotification") == [
            "Downloading", "Downloaded", "Installing", "Installed"]
        assert await latest_status(api, "firmware") == "Installed"
        # On record beyond the message log's retention: one update, from request to end.
        updates = (await api.client.get("/api/v1/poles/PW-0001/firmware-updates")).json()
        assert [(u["id"], u["status"], u["location"]) for u in updates] == [
            (answer.json()["updateId"], "Installed", answer.json()["location"])]
        assert updates[0]["requestedAt"] <= updates[0]["time"]


async def test_firmware_is_served_to_poles_without_a_token_but_only_by_hash_and_name(
        api: Api) -> None:
    image = await upload_image(api)
    async with httpx.AsyncClient(base_url=api.url) as pole:
        fetched = await pole.get(f"/files/firmware/{image['sha256']}/pw2-1.4.0.bin")
        assert fetched.status_code == 200 and fetched.content == IMAGE
        assert (await pole.get(f"/files/firmware/{image['sha256']}/other.bin")
                ).status_code == 404
        assert (await pole.get(f"/files/firmware/{'0' * 64}/pw2-1.4.0.bin")).status_code == 404
        assert (await pole.get("/api/v1/firmware")).status_code == 401


async def test_the_same_image_uploaded_twice_is_stored_once(api: Api) -> None:
    first = await upload_image(api, "a-1.0.bin")
    second = await upload_image(api, "b-1.0.bin")
    assert second == first
    assert len((await api.client.get("/api/v1/firmware")).json()) == 1


async def test_an_image_name_that_is_not_a_plain_file_name_is_refused(api: Api) -> None:
    for name in ("../evil.bin", "a/b.bin", ".hidden", ""):
        answer = await api.client.post("/api/v1/firmware", params={"name": name},
                                       content=IMAGE)
        assert answer.status_code == 422, name
        assert answer.json()["error"] in ("InvalidFileName", "InvalidRequest")
    assert (await api.client.get("/api/v1/firmware")).json() == []


async def test_an_unknown_image_is_404_and_an_offline_pole_409(api: Api) -> None:
    missing = await api.client.post("/api/v1/poles/PW-0001/update-firmware",
                                    json={"firmware": "a" * 64})
    assert missing.status_code == 404 and missing.json()["error"] == "UnknownFirmware"
    image = await upload_image(api)
    unknown = await api.client.post("/api/v1/poles/PW-0001/update-firmware",
                                    json={"firmware": image["sha256"]})
    assert unknown.status_code == 404 and unknown.json()["error"] == "UnknownPole"
    api.service.repository.upsert_pole("PW-0001")  # registered, never connected
    offline = await api.client.post("/api/v1/poles/PW-0001/update-firmware",
                                    json={"firmware": image["sha256"]})
    assert offline.status_code == 409 and offline.json()["error"] == "PoleOffline"
    # The attempt is on record, as one the pole never got.
    updates = (await api.client.get("/api/v1/poles/PW-0001/firmware-updates")).json()
    assert [(u["status"], u["location"].endswith(image["name"])) for u in updates] == [
        ("NotSent", True)]
    diagnostics = await api.client.post("/api/v1/poles/PW-0001/diagnostics", json={})
    assert diagnostics.status_code == 409 and diagnostics.json()["error"] == "PoleOffline"
    bad = await api.client.post("/api/v1/poles/PW-0001/update-firmware",
                                json={"firmware": "not-a-hash"})
    assert bad.status_code == 422


async def test_an_image_gone_before_the_retrieve_date_is_reported_as_download_failed(
        api: Api, tmp_path: Path) -> None:
    image = await upload_image(api)
    async with connected_pole(api.service.ocpp_url, tmp_path, start=datetime.now(UTC)) as cp:
        later = datetime.now(UTC) + timedelta(hours=1)
        answer = await api.client.post("/api/v1/poles/PW-0001/update-firmware", json={
            "firmware": image["sha256"], "retrieveDate": later.isoformat(), "retries": 2,
            "retryInterval": 0})
        assert answer.status_code == 200, answer.text
        deleted = await api.client.delete(f"/api/v1/firmware/{image['sha256']}")
        assert deleted.status_code == 200
        cp.pole.scheduler.advance(3600)  # the retrieve date arrives
        await until(lambda: cp.pole.remote_files.firmware_statuses[-1:] == ["DownloadFailed"])

        async def reported() -> bool:
            return await latest_status(api, "firmware") == "DownloadFailed"
        await eventually(reported)
        assert await status_payloads(api, "FirmwareStatusNotification") == [
            "Downloading", "Downloading", "DownloadFailed"]  # two attempts, as asked
        assert cp.pole.firmware_version == FIRMWARE_VERSION
        assert cp.client.connections == 1  # no reboot


def test_the_installed_version_is_the_image_name_without_its_suffix() -> None:
    assert firmware_version("http://h/files/firmware/x/pw2-1.4.0.bin") == "pw2-1.4.0"
    assert firmware_version("http://h/fw/pw2-2.0.tar.gz") == "pw2-2.0"
    assert firmware_version("http://h/fw/pw2-2.0") == "pw2-2.0"
    assert len(firmware_version("http://h/" + "x" * 80 + ".bin")) == 50


# -- diagnostics ------------------------------------------------------------------------------

async def test_diagnostics_are_uploaded_by_the_pole_and_can_be_listed_and_downloaded(
        api: Api, tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=datetime.now(UTC)):
        answer = await api.client.post("/api/v1/poles/PW-0001/diagnostics", json={})
        assert answer.status_code == 200, answer.text
        file_name = answer.json()["fileName"]
        assert file_name.startswith("PW-0001-diagnostics-") and file_name.endswith(".json")
        assert answer.json()["result"] == {"fileName": file_name}

        async def uploaded() -> bool:
            return await latest_status(api, "diagnostics") == "Uploaded"
        await eventually(uploaded)
        assert await status_payloads(api, "DiagnosticsStatusNotification") == [
            "Uploading", "Uploaded"]
    listed = (await api.client.get("/api/v1/poles/PW-0001/diagnostics")).json()
    assert [entry["name"] for entry in listed] == [file_name]
    download = await api.client.get(f"/api/v1/poles/PW-0001/diagnostics/{file_name}")
    assert download.status_code == 200 and listed[0]["size"] == len(download.content)
    report = download.json()
    assert report["poleId"] == "PW-0001" and report["firmwareVersion"] == FIRMWARE_VERSION
    assert report["configuration"]["ConnectionTimeOut"] == "120"
    assert set(report["connectors"]) == {"0", "1", "2"}
    missing = await api.client.get("/api/v1/poles/PW-0001/diagnostics/nothing.json")
    assert missing.status_code == 404


async def test_an_upload_with_a_wrong_expired_or_used_token_is_403_and_nothing_stored(
        api: Api) -> None:
    store, slots = files_of(api), slots_of(api)
    expired = slots.open("PW-0001", lifetime=timedelta(0))
    used = slots.open("PW-0001")
    async with httpx.AsyncClient(base_url=api.url) as pole:  # no bearer token: a pole
        first = await pole.put(f"/files/diagnostics/PW-0001/{used.token}/a.json",
                               content=b"{}")
        assert first.status_code == 201, first.text
        for url in ("/files/diagnostics/PW-0001/not-a-token/b.json",
                    f"/files/diagnostics/PW-0002/{used.token}/a.json",  # another pole's
                    f"/files/diagnostics/PW-0001/{expired.token}/b.json",
                    f"/files/diagnostics/PW-0001/{used.token}/b.json"):  # a second file
            refused = await pole.put(url, content=b"{}")
            assert refused.status_code == 403, url
            assert refused.json()["error"] == "Forbidden"
        again = await pole.post(f"/files/diagnostics/PW-0001/{used.token}/a.json",
                                content=b'{"retry": true}')  # the same file, retried
        assert again.status_code == 201
    assert [upload.name for upload in await store.list_diagnostics("PW-0001")] == ["a.json"]
    assert await store.list_diagnostics("PW-0002") == []
    assert store.partial_files() == []


# -- limits and a full disk -------------------------------------------------------------------

async def test_an_upload_over_the_limit_is_413_and_nothing_is_stored(api: Api) -> None:
    store = files_of(api)
    declared = await api.client.post("/api/v1/firmware", params={"name": "big.bin"},
                                     content=b"x" * (FIRMWARE_LIMIT + 1))
    assert declared.status_code == 413 and "64 MB" in declared.json()["description"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(FIRMWARE_LIMIT // (1024 * 1024) + 1):
            yield b"y" * (1024 * 1024)
    streamed = await api.client.post("/api/v1/firmware", params={"name": "big.bin"},
                                     content=chunks())
    assert streamed.status_code == 413 and streamed.json()["error"] == "TooLarge"

    slot = slots_of(api).open("PW-0001")
    async with httpx.AsyncClient(base_url=api.url) as pole:
        too_big = await pole.put(f"/files/diagnostics/PW-0001/{slot.token}/d.json",
                                 content=b"z" * (DIAGNOSTICS_LIMIT + 1))
    assert too_big.status_code == 413 and "32 MB" in too_big.json()["description"]
    assert await store.list_firmware() == []
    assert await store.list_diagnostics("PW-0001") == []
    assert store.partial_files() == []


async def test_a_full_disk_is_507_and_the_partial_file_is_removed(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    store = files_of(api)
    partial: list[Path] = []
    written = 0

    def write_then_fill_up(handle: IO[bytes], data: bytes) -> None:
        """A full disk has no software stand-in: the first block lands, the next cannot."""
        nonlocal written
        if written:
            partial.append(Path(handle.name))
            raise OSError(errno.ENOSPC, "No space left on device")
        handle.write(data)
        handle.flush()
        written += len(data)

    monkeypatch.setattr(FileStore, "_write", staticmethod(write_then_fill_up))
    answer = await api.client.post("/api/v1/firmware", params={"name": "pw2-1.5.0.bin"},
                                   content=b"f" * (3 * 1024 * 1024))
    assert answer.status_code == 507, answer.text
    assert answer.json()["description"] == ("the service's disk is full: the firmware image "
                                            "was not stored")
    assert written and partial and not partial[0].exists()
    assert store.partial_files() == []
    assert await store.list_firmware() == []
    monkeypatch.undo()
    assert (await upload_image(api))["size"] == len(IMAGE)  # space again: uploads work


async def test_firmware_status_is_404_for_an_unknown_pole(api: Api) -> None:
    answer = await api.client.get("/api/v1/poles/PW-9999/firmware-status")
    assert answer.status_code == 404 and answer.json()["error"] == "UnknownPole"


async def test_a_pole_that_vanishes_mid_upload_leaves_no_partial_file(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    store = files_of(api)
    slot = slots_of(api).open("PW-0001")
    opened: list[Path] = []
    open_temporary = store._open_temporary

    def recorded() -> IO[bytes]:
        handle = open_temporary()
        opened.append(Path(handle.name))
        return handle

    monkeypatch.setattr(store, "_open_temporary", recorded)
    _reader, writer = await asyncio.open_connection("127.0.0.1", api.service.port)
    writer.write((f"PUT /files/diagnostics/PW-0001/{slot.token}/d.json HTTP/1.1\r\n"
                  "Host: csms\r\nContent-Length: 1000000\r\n\r\n").encode() + b"{" * 1000)
    await writer.drain()
    await until(lambda: bool(opened))
    writer.close()  # the pole's link drops with 999 000 bytes still to come
    await writer.wait_closed()
    await until(lambda: not opened[0].exists())
    assert await store.list_diagnostics("PW-0001") == []
    assert store.partial_files() == []
