"""Fetch a pole's log through the service (GetLog, issue 16/17): ask, follow the upload,
download — so a technician gets the security log from the office without driving out.

Qt-free: the Pole view's Security tab runs `fetch_log` in the background and saves what it
returns. The pole uploads to the service (LogStatusNotification: Uploading, Uploaded or
UploadFailure); this follows `GET …/logs` until the file is there or the pole says it will
not come, and says so in words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pole_link.service_api import LogRequestRecord

POLL_S = 1.0
WAIT_S = 120.0
"""How long the upload may take before the app stops waiting (the service keeps the file
if it arrives later)."""
NOT_COMING = frozenset({"UploadFailure", "BadMessage", "PermissionDenied",
                        "NotSupportedOperation", "NotSent", "Rejected"})


class LogNotFetched(Exception):
    """The log did not arrive; the message says why, in a technician's words."""


class LogClient(Protocol):
    async def request_log(self, pole_id: str, log_type: str = ...
                          ) -> tuple[int, dict[str, Any]]: ...

    async def log_requests(self, pole_id: str) -> list[LogRequestRecord]: ...

    async def download_log(self, pole_id: str, request_id: int) -> bytes: ...


async def fetch_log(client: LogClient, pole_id: str, log_type: str = "SecurityLog", *,
                    poll_s: float = POLL_S, wait_s: float = WAIT_S,
                    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> bytes:
    """The log's content; `LogNotFetched` when the pole refuses or the upload fails."""
    request_id, answer = await client.request_log(pole_id, log_type)
    status = str(answer.get("status"))
    if status not in ("Accepted", "AcceptedCanceled"):
        raise LogNotFetched(f"{pole_id} did not accept the log request: it answered {status}")
    for _ in range(max(1, int(wait_s / poll_s))):
        found = next((record for record in await client.log_requests(pole_id)
                      if record.request_id == request_id), None)
        if found is not None and found.uploaded:
            return await client.download_log(pole_id, request_id)
        if found is not None and found.status in NOT_COMING:
            raise LogNotFetched(f"{pole_id} could not upload its log: {found.status}")
        await sleep(poll_s)
    raise LogNotFetched(f"{pole_id} did not upload its log within {wait_s:g} s; the "
                        "service keeps it if it arrives later")
