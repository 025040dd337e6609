"""A virtual pole's remote file transfers: firmware download and diagnostics upload.

OCPP 1.6 leaves the transfer itself to plain HTTP (or FTP) between the pole and a
URL the back office names, and reports progress through FirmwareStatusNotification
and DiagnosticsStatusNotification. The virtual pole does the same with real HTTP, so
a CSMS's file hosting is exercised exactly as a field pole would exercise it:
fetch at ``retrieveDate``, retry as asked, install, reboot with the new version;
build a diagnostics file, PUT it to ``location + fileName``.

Transfers run in their own tasks, never in the OCPP reader, and outlive a dropped
connection as a real pole's would; statuses go out only while the pole is connected
to its CSMS (the `TransferLink`), since OCPP does not queue them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Coroutine
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlparse

import httpx
from ocpp.v16.enums import ResetType

from pole_link.sim.clock import ScheduledEvent
from pole_link.sim.firmware_slots import FIRMWARE_ROLLBACK, FIRMWARE_UPDATED, UNHEALTHY_SUFFIX
from pole_link.timeutil import format_time

if TYPE_CHECKING:
    from pole_link.sim.pole import VirtualPole

LOGGER = logging.getLogger(__name__)

HTTP_TIMEOUT_S = 60.0
MAX_IMAGE_BYTES = 256 * 1024 * 1024
"""What the pole's firmware slot holds; a larger download fails rather than filling RAM."""
DEFAULT_ATTEMPTS = 3
"""OCPP leaves the number of attempts to the pole when ``retries`` is absent."""
DEFAULT_RETRY_INTERVAL_S = 60
IMAGE_SUFFIXES = {".bin", ".img", ".fw", ".hex", ".zip", ".tar", ".tgz", ".gz", ".swu"}
MAX_VERSION_LENGTH = 50
"""BootNotification.firmwareVersion is a CiString50."""


class TransferError(Exception):
    """A transfer the pole cannot make (unsupported scheme, too large, refused)."""


class TransferLink(Protocol):
    """The pole's CSMS connection, as transfers need it."""

    async def send_status(self, action: str, payload: dict[str, Any]) -> None:
        """Send a status notification now if connected; drop it otherwise."""

    def reboot(self) -> None:
        """Restart the pole (and so its connection, which boots again)."""


def firmware_version(location: str) -> str:
    """The version a pole reports after installing the image at ``location``: its file
    name without the image suffix (``pw2-1.4.0.bin`` → ``pw2-1.4.0``)."""
    name = PurePosixPath(unquote(urlparse(location).path)).name
    for _ in range(2):  # .tar.gz
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            name = name[: -len(suffix)]
    return name[:MAX_VERSION_LENGTH]


def _http_only(url: str) -> None:
    scheme = urlparse(url).scheme
    if scheme not in ("http", "https"):
        raise TransferError(f"this pole transfers files over HTTP(S) only, not {scheme!r}")


class RemoteFiles:
    """Firmware and diagnostics transfers of one virtual pole."""

    def __init__(self, pole: VirtualPole) -> None:
        self.pole = pole
        self.link: TransferLink | None = None
        self.firmware_statuses: list[str] = []
        """Every firmware status of this pole, oldest first (sent or not)."""
        self.diagnostics_statuses: list[str] = []
        self._scheduled: ScheduledEvent | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------ firmware
    def update_firmware(self, location: str, retrieve_date: datetime,
                        retries: int | None = None, retry_interval: int | None = None) -> None:
        """Fetch the image at ``retrieve_date`` on the pole's clock (at once if past).

        A newer request replaces one still waiting for its retrieve date.
        """
        if self._scheduled is not None:
            self._scheduled.cancel()
        attempts = max(1, retries) if retries is not None else DEFAULT_ATTEMPTS
        interval = retry_interval if retry_interval is not None else DEFAULT_RETRY_INTERVAL_S

        def fetch() -> None:
            self.spawn(self._update(location, attempts, interval))
        self._scheduled = self.pole.scheduler.call_at(retrieve_date, fetch,
                                                      name="firmware download")

    async def _update(self, location: str, attempts: int, interval_s: int) -> None:
        self._scheduled = None
        image: bytes | None = None
        for attempt in range(1, attempts + 1):
            await self._firmware_status("Downloading")
            try:
                image = await self.download(location)
                break
            except (httpx.HTTPError, TransferError) as exc:
                LOGGER.warning("%s: firmware download %d of %d failed: %s",
                               self.pole.pole_id, attempt, attempts, exc)
                if attempt < attempts:
                    await self.sleep_pole_seconds(interval_s)
        if image is None:
            await self._firmware_status("DownloadFailed")
            return
        await self._firmware_status("Downloaded")
        await self._firmware_status("Installing")
        version = firmware_version(location)
        if not image or not version:
            LOGGER.warning("%s: firmware image from %s is empty or unnamed: not installed",
                           self.pole.pole_id, location)
            await self._firmware_status("InstallationFailed")
            return
        running = self.pole.firmware_version
        self.pole.firmware_version = version
        await self._firmware_status("Installed")
        slots = self.pole.firmware
        if slots.fail_next_boot or version.endswith(UNHEALTHY_SUFFIX):
            # The same convention as a local update: the release fails its health check
            # at boot and the pole runs what it ran before. Over OCPP 1.6 the CSMS learns
            # it only from the version in the BootNotification that follows.
            slots.fail_next_boot = False
            self.pole.firmware_version = running
            LOGGER.warning("%s: firmware %s failed its health check; rolled back to %s",
                           self.pole.pole_id, version, running)
        self._reboot()
        if self.pole.firmware_version == version:
            self.pole.security_event(FIRMWARE_UPDATED,
                                     f"firmware {version} installed and booted")
        else:
            self.pole.security_event(FIRMWARE_ROLLBACK,
                                     f"firmware {version} failed its health check after "
                                     f"booting; rolled back to {running}")

    async def download(self, location: str) -> bytes:
        """The file at ``location`` (HTTP(S) only, at most `MAX_IMAGE_BYTES`)."""
        _http_only(location)
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client, \
                client.stream("GET", location) as response:
            response.raise_for_status()
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) > MAX_IMAGE_BYTES:
                    raise TransferError(f"image larger than {MAX_IMAGE_BYTES} bytes")
            return bytes(received)

    def _reboot(self) -> None:
        if self.link is not None:
            self.link.reboot()
        else:
            self.pole.reset(ResetType.soft)

    # ------------------------------------------------------------ diagnostics
    def get_diagnostics(self, location: str, start_time: datetime | None = None,
                        stop_time: datetime | None = None, retries: int | None = None,
                        retry_interval: int | None = None) -> str:
        """Snapshot the pole now, upload it in the background; returns the file name."""
        now = self.pole.clock.now()
        safe_id = re.sub(r"[^A-Za-z0-9._+-]", "_", self.pole.pole_id)
        name = f"{safe_id}-diagnostics-{now:%Y%m%dT%H%M%SZ}.json"
        content = json.dumps(self.diagnostics(start_time, stop_time), indent=2,
                             default=str).encode()
        attempts = max(1, retries) if retries is not None else DEFAULT_ATTEMPTS
        interval = retry_interval if retry_interval is not None else DEFAULT_RETRY_INTERVAL_S
        self.spawn(self._upload(location, name, content, attempts, interval))
        return name

    def diagnostics(self, start_time: datetime | None, stop_time: datetime | None
                    ) -> dict[str, Any]:
        """What a technician wants first: identity, configuration, states, recent events."""
        pole = self.pole
        known, _ = pole.configuration.get(None)

        def within(moment: datetime) -> bool:
            return ((start_time is None or moment >= start_time)
                    and (stop_time is None or moment <= stop_time))
        return {
            "poleId": pole.pole_id, "serialNumber": pole.serial_number,
            "firmwareVersion": pole.firmware_version,
            "generated": format_time(pole.clock.now()),
            "startTime": format_time(start_time) if start_time else None,
            "stopTime": format_time(stop_time) if stop_time else None,
            "powered": pole.powered, "online": pole.online,
            "configuration": {spec.name: value for spec, value in known},
            "connectors": {str(cid): {"status": status.value, "errorCode": error.value}
                           for cid, (status, error) in pole.connector_statuses().items()},
            "endedTransactions": [
                {"transactionId": ended.transaction.id, "idTag": ended.transaction.id_tag,
                 "started": format_time(ended.transaction.started),
                 "stopped": format_time(ended.stopped), "reason": ended.reason.value,
                 "energyWh": round(ended.meter_stop_wh - ended.transaction.meter_start_wh, 3)}
                for ended in pole.ended[-100:] if within(ended.stopped)],
            "reports": [{"messageId": message_id, "data": data}
                        for message_id, data in pole.reports[-100:]],
            "firmwareStatuses": self.firmware_statuses[-20:],
        }

    async def _upload(self, location: str, name: str, content: bytes, attempts: int,
                      interval_s: int) -> None:
        await self._diagnostics_status("Uploading")
        uploaded = await self.put_file(location, name, content, attempts, interval_s)
        await self._diagnostics_status("Uploaded" if uploaded else "UploadFailed")

    async def put_file(self, location: str, name: str, content: bytes, attempts: int,
                       interval_s: int, content_type: str = "application/json") -> bool:
        """PUT ``content`` to ``location + name``, retrying as asked: did it arrive?
        (Diagnostics and GetLog's logs go the same way.)"""
        url = location + name if location.endswith("/") else f"{location}/{name}"
        for attempt in range(1, attempts + 1):
            try:
                _http_only(url)
                async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
                    response = await client.put(url, content=content, headers={
                        "Content-Type": content_type})
                    response.raise_for_status()
            except (httpx.HTTPError, TransferError) as exc:
                LOGGER.warning("%s: upload of %s, attempt %d of %d, failed: %s",
                               self.pole.pole_id, name, attempt, attempts, exc)
                # A refusal (4xx) will not change on a retry; a broken link might.
                refused = (isinstance(exc, httpx.HTTPStatusError)
                           and exc.response.status_code < 500)
                if attempt < attempts and not refused and not isinstance(exc, TransferError):
                    await self.sleep_pole_seconds(interval_s)
                    continue
                return False
            return True
        return False

    # ------------------------------------------------------------ shared
    async def _firmware_status(self, status: str) -> None:
        self.firmware_statuses.append(status)
        if self.link is not None:
            await self.link.send_status("FirmwareStatusNotification", {"status": status})

    async def _diagnostics_status(self, status: str) -> None:
        self.diagnostics_statuses.append(status)
        if self.link is not None:
            await self.link.send_status("DiagnosticsStatusNotification", {"status": status})

    async def sleep_pole_seconds(self, seconds: float) -> None:
        """Retry intervals are an OCPP schedule, so they run on the pole's clock (and a
        simulation that jumps its clock ahead jumps them too)."""
        await self.sleep_until(self.pole.clock.now() + timedelta(seconds=seconds))

    async def sleep_until(self, moment: datetime) -> None:
        """Until ``moment`` on the pole's clock. A moment, not a length: a clock that
        jumps past it between the decision and this wait wakes it at once."""
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not woken.done():
                woken.set_result(None)
        event = self.pole.scheduler.call_at(moment, wake, name="transfer wait")
        try:
            await woken
        finally:
            event.cancel()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a transfer in a task of its own, cancelled with the simulator (`cancel`)."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def cancel(self) -> None:
        """The simulator stops: transfers in flight and waiting end with it."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        for task in list(self._tasks):
            task.cancel()

    async def idle(self) -> None:
        """Wait until no transfer runs (tests; a clean shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
