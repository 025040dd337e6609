"""A virtual pole's ``GetLog``: the OCPP 1.6 security whitepaper's log upload.

``GetLog`` names a log type, a request id, where to put the file (``log.remoteLocation``)
and optionally the oldest and latest moments wanted. The pole answers at once with the
file's name (``Accepted``; ``AcceptedCanceled`` when it drops an upload still on its way
for this one; ``Rejected`` when it cannot upload to that location), then PUTs the file
there as it does diagnostics (`RemoteFiles.put_file`) and reports each step with
``LogStatusNotification`` ``{status, requestId}``: ``Uploading``, then ``Uploaded`` or
``UploadFailure``.

* ``SecurityLog``: the pole's security events (`VirtualPole.security_log`) — what was
  refused, what changed in its security settings — with their moments on the pole clock.
  Never a secret: events carry none, and should a text ever hold the pole's
  AuthorizationKey it is blanked out before the file is written.
* ``DiagnosticsLog``: the same snapshot GetDiagnostics uploads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from pole_link.sim.remote_files import DEFAULT_ATTEMPTS, DEFAULT_RETRY_INTERVAL_S
from pole_link.timeutil import format_time

if TYPE_CHECKING:
    from pole_link.sim.pole import VirtualPole

LOGGER = logging.getLogger(__name__)

STATUS = "LogStatusNotification"
SECURITY_LOG = "SecurityLog"
DIAGNOSTICS_LOG = "DiagnosticsLog"
BLANKED = "********"


@dataclass(frozen=True)
class LogRequest:
    """One accepted ``GetLog``, waiting for its answer to be sent."""

    request_id: int
    log_type: str
    location: str
    file_name: str
    oldest: datetime | None
    latest: datetime | None
    attempts: int
    interval_s: int


class PoleLogs:
    """The log uploads of one virtual pole: at most one at a time."""

    def __init__(self, pole: VirtualPole) -> None:
        self.pole = pole
        self.statuses: list[tuple[int, str]] = []
        """``(requestId, status)`` of every LogStatusNotification, oldest first."""
        self._accepted: LogRequest | None = None
        self._running: asyncio.Task[None] | None = None

    def request(self, request_id: int, log_type: str, location: str,
                oldest: datetime | None, latest: datetime | None,
                retries: int | None, retry_interval: int | None) -> tuple[str, str | None]:
        """Judge a GetLog: ``(status, filename)``; `start` begins an accepted one."""
        if urlparse(location).scheme not in ("http", "https"):
            LOGGER.warning("%s: GetLog %d rejected: cannot upload to %s", self.pole.pole_id,
                           request_id, location)
            return "Rejected", None
        now = self.pole.clock.now()
        safe_id = re.sub(r"[^A-Za-z0-9._+-]", "_", self.pole.pole_id)
        kind = "security" if log_type == SECURITY_LOG else "diagnostics"
        name = f"{safe_id}-{kind}-log-{request_id}-{now:%Y%m%dT%H%M%SZ}.json"
        replaced = self.cancel()
        self._accepted = LogRequest(
            request_id, log_type, location, name, oldest, latest,
            max(1, retries) if retries is not None else DEFAULT_ATTEMPTS,
            retry_interval if retry_interval is not None else DEFAULT_RETRY_INTERVAL_S)
        return ("AcceptedCanceled" if replaced else "Accepted"), name

    def security_log(self, oldest: datetime | None, latest: datetime | None
                     ) -> dict[str, Any]:
        """The security events between ``oldest`` and ``latest`` (either open)."""
        pole = self.pole
        return {
            "poleId": pole.pole_id, "serialNumber": pole.serial_number,
            "logType": SECURITY_LOG, "generated": format_time(pole.clock.now()),
            "oldestTimestamp": format_time(oldest) if oldest else None,
            "latestTimestamp": format_time(latest) if latest else None,
            "securityProfile": pole.security.profile,
            "events": [{"timestamp": format_time(at), "type": kind, "techInfo": info}
                       for at, kind, info in pole.security_log
                       if (oldest is None or at >= oldest) and (latest is None or at <= latest)],
        }

    def render(self, body: dict[str, Any]) -> bytes:
        """The file's bytes, any AuthorizationKey blanked out. Pure: runs in a thread, so a
        large log does not hold up the pole's event loop (other poles of the simulator)."""
        text = json.dumps(body, indent=2, default=str)
        key = self.pole.security.authorization_key
        return (text.replace(key, BLANKED) if key else text).encode()

    def start(self, request_id: int) -> None:
        """After the answer is on its way: upload in the background."""
        accepted = self._accepted
        if accepted is None or accepted.request_id != request_id:
            return
        self._accepted = None
        self._running = self.pole.remote_files.spawn(self._run(accepted))

    def cancel(self) -> bool:
        """Drop the upload on its way, if any: was there one?"""
        running, self._running = self._running, None
        if running is not None and not running.done():
            running.cancel()
            return True
        return False

    def current(self) -> dict[str, Any]:
        """What ``ExtendedTriggerMessage`` LogStatusNotification reports: the running
        upload's last status, or ``Idle``."""
        if self._running is not None and not self._running.done() and self.statuses:
            request_id, status = self.statuses[-1]
            return {"status": status, "requestId": request_id}
        return {"status": "Idle"}

    async def _run(self, request: LogRequest) -> None:
        body = self.security_log(request.oldest, request.latest) \
            if request.log_type == SECURITY_LOG \
            else self.pole.remote_files.diagnostics(request.oldest, request.latest)
        content = await asyncio.to_thread(self.render, body)
        await self._status(request.request_id, "Uploading")
        uploaded = await self.pole.remote_files.put_file(
            request.location, request.file_name, content, request.attempts,
            request.interval_s)
        if self._running is asyncio.current_task():
            self._running = None
        await self._status(request.request_id, "Uploaded" if uploaded else "UploadFailure")

    async def _status(self, request_id: int, status: str) -> None:
        self.statuses.append((request_id, status))
        link = self.pole.remote_files.link
        if link is not None:
            await link.send_status(STATUS, {"status": status, "requestId": request_id})
