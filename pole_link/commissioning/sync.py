"""Reports waiting for the service: commissioning works offline, uploading catches up.

On site there is often no network, so a run's results are only ever written locally
(the run store keeps ``<root>/<run_id>/record.json``, its attachments and, once
finished, ``report.json`` + ``report.pdf``). Whatever has not reached the service yet is
*pending*; `ReportOutbox.sync` uploads it when the service can be reached.

State lives in the run folders themselves, so it survives a closed laptop and needs no
second database:

* ``uploaded.json`` — written after the service accepted the report: no longer pending.
* ``sync-status.json`` — why the last attempt failed (a refusal in the service's words,
  or that it could not be reached), so the app can show it after a restart. A refused
  report stays pending: it must not vanish from the technician's view while nobody has
  the evidence.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pole_link.commissioning.record import RunRecord
from pole_link.commissioning.report import (
    REPORT_JSON,
    REPORT_PDF,
    ReportRefused,
    read_report,
    write_report,
)
from pole_link.commissioning.technician_key import TechnicianKey
from pole_link.errors import PoleLinkError
from pole_link.service_api import ServiceClient, ServiceRefused

LOGGER = logging.getLogger(__name__)
RECORD_JSON = "record.json"
UPLOADED = "uploaded.json"
SYNC_STATUS = "sync-status.json"


@dataclass(frozen=True)
class PendingReport:
    """A finished run whose report the service does not have yet."""

    pole_id: str
    run_id: str
    finished: datetime
    passed: bool
    folder: Path
    signed: bool
    """``report.json`` is written (otherwise `sync` signs it first, given the key)."""
    last_error: str = ""
    """Why the last upload failed; empty when none was tried."""
    refused: bool = False
    """The service answered and refused it (trying again will not help by itself)."""


@dataclass(frozen=True)
class SyncFailure:
    pole_id: str
    run_id: str
    reason: str
    refused: bool


@dataclass(frozen=True)
class SyncResult:
    uploaded: tuple[str, ...]
    """Run ids the service accepted in this sync."""
    failed: tuple[SyncFailure, ...]

    @property
    def complete(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """One line for the status bar: how many went, which did not and why."""
        text = f"{len(self.uploaded)} report(s) uploaded"
        if self.failed:
            text += "; not uploaded: " + "; ".join(
                f"{f.pole_id} run {f.run_id}: {f.reason}" for f in self.failed)
        return text


def _now() -> datetime:
    return datetime.now(UTC)


class ReportOutbox:
    """The finished runs under ``root`` that still have to reach the service.

    ``key`` (optional) signs the report of a finished run that has none yet — only runs
    of that key's technician; another technician's run waits for their own key.
    """

    def __init__(self, root: Path, key: TechnicianKey | None = None, *,
                 clock: Callable[[], datetime] = _now) -> None:
        self.root = root
        self.key = key
        self.clock = clock

    def pending(self) -> list[PendingReport]:
        """What is waiting to sync, oldest finished run first."""
        waiting = []
        for folder in sorted(self.root.iterdir()) if self.root.is_dir() else ():
            record = _finished_record(folder)
            if record is None or (folder / UPLOADED).exists():
                continue
            assert record.finished is not None
            status = _read_status(folder)
            waiting.append(PendingReport(
                record.pole.pole_id, record.run_id, record.finished, record.passed, folder,
                (folder / REPORT_JSON).exists(), str(status.get("reason", "")),
                status.get("refused") is True))
        return sorted(waiting, key=lambda p: (p.finished, p.run_id))

    async def sync(self, client: ServiceClient) -> SyncResult:
        """Upload every pending report; one failure does not stop the others."""
        uploaded: list[str] = []
        failed: list[SyncFailure] = []
        for item in self.pending():
            try:
                await self._upload(client, item)
            except ServiceRefused as refused:
                failed.append(self._failed(item, f"the service refused it: {refused}", True))
            except (PoleLinkError, ReportRefused, ValueError, OSError) as exc:
                failed.append(self._failed(item, str(exc), False))
            else:
                uploaded.append(item.run_id)
        return SyncResult(tuple(uploaded), tuple(failed))

    async def _upload(self, client: ServiceClient, item: PendingReport) -> None:
        folder = item.folder
        if not item.signed:
            record = _finished_record(folder)
            if record is None:
                raise ValueError(f"{folder / RECORD_JSON} cannot be read any more")
            if self.key is None or self.key.name != record.technician:
                raise ValueError(f"the report is not signed yet: {record.technician} has to "
                                 f"sign it with their key on this computer")
            await asyncio.to_thread(write_report, record, folder, self.key)
        report = read_report(folder / REPORT_JSON)
        pdf = (folder / REPORT_PDF).read_bytes()
        accepted = await client.upload_commissioning_report(item.pole_id, report, pdf)
        (folder / UPLOADED).write_text(json.dumps({
            "runId": accepted.run_id, "service": client.endpoint.url,
            "uploadedAt": self.clock().isoformat()}, indent=2), encoding="utf-8")
        (folder / SYNC_STATUS).unlink(missing_ok=True)

    def _failed(self, item: PendingReport, reason: str, refused: bool) -> SyncFailure:
        LOGGER.warning("commissioning report of %s run %s not uploaded: %s",
                       item.pole_id, item.run_id, reason)
        try:
            (item.folder / SYNC_STATUS).write_text(json.dumps({
                "reason": reason, "refused": refused, "at": self.clock().isoformat()},
                indent=2), encoding="utf-8")
        except OSError as exc:
            LOGGER.warning("cannot note the failure in %s: %s", item.folder, exc)
        return SyncFailure(item.pole_id, item.run_id, reason, refused)


def _finished_record(folder: Path) -> RunRecord | None:
    """The folder's record if it is a finished run; None for anything else (a run under
    way, a folder that is no run). An unreadable record is logged, not fatal: the other
    runs must still sync."""
    path = folder / RECORD_JSON
    if not path.is_file():
        return None
    try:
        record = RunRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        LOGGER.warning("%s is not a readable run record, left out of the sync: %s", path, exc)
        return None
    return record if record.finished is not None else None


def _read_status(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / SYNC_STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
