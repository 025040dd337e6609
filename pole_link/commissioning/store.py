"""The local store of commissioning runs: results survive a closed laptop and no network.

Each run is a folder ``<root>/<run_id>/`` with ``record.json`` (the `RunRecord`, written
whole after every step: a temporary file beside it, then `os.replace`, so a crash leaves
the previous complete record, never half a file) and ``attachments/`` (photos and files
the technician added, referred to from the record by a path relative to the run folder).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pole_link.commissioning.record import Attachment, RunRecord

__all__ = ["RECORD_FILE", "RunStore", "default_root", "new_run_id"]

RECORD_FILE = "record.json"
ATTACHMENTS = "attachments"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def default_root() -> Path:
    """``user_data_dir("paalwerk")/commissioning``."""
    import platformdirs

    return Path(platformdirs.user_data_dir("paalwerk")) / "commissioning"


def new_run_id(pole_id: str, started: datetime) -> str:
    """``PW-0001-20261204T193500Z-1a2b3c``: readable in a folder listing, unique."""
    stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{_SAFE.sub('_', pole_id) or 'pole'}-{stamp}-{uuid.uuid4().hex[:6]}"


class RunStore:
    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()

    def folder(self, run_id: str) -> Path:
        if not run_id or _SAFE.search(run_id) or run_id in (".", ".."):
            raise ValueError(f"not a run id: {run_id!r}")
        return self.root / run_id

    def save(self, record: RunRecord) -> Path:
        """Write the record atomically; returns its path."""
        folder = self.folder(record.run_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / RECORD_FILE
        data = json.dumps(record.to_json(), indent=2, ensure_ascii=False).encode("utf-8")
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{RECORD_FILE}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(temp).replace(target)  # atomic (os.replace)
        finally:
            Path(temp).unlink(missing_ok=True)
        return target

    def load(self, run_id: str) -> RunRecord:
        path = self.folder(run_id) / RECORD_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return RunRecord.from_json(data)
        except FileNotFoundError:
            raise KeyError(run_id) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a readable commissioning record: {exc}") from None

    def runs(self) -> list[RunRecord]:
        """Every readable run, oldest first (an unreadable folder is left out)."""
        found: list[RunRecord] = []
        if not self.root.is_dir():
            return found
        for folder in self.root.iterdir():
            if (folder / RECORD_FILE).is_file():
                try:
                    found.append(self.load(folder.name))
                except (ValueError, KeyError):
                    continue
        return sorted(found, key=lambda r: r.started)

    def unfinished(self, pole_id: str | None = None) -> list[RunRecord]:
        """Runs not finished yet (for `pole_id` when given), newest first: what to resume."""
        return sorted((r for r in self.runs() if r.finished is None
                       and (pole_id is None or r.pole.pole_id == pole_id)),
                      key=lambda r: r.started, reverse=True)

    def add_attachment(self, run_id: str, source: Path | str, *, name: str | None = None,
                       media_type: str | None = None) -> Attachment:
        """Copy a file into the run's attachments; its hash binds it to the record."""
        source = Path(source)
        data = source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        folder = self.folder(run_id) / ATTACHMENTS
        folder.mkdir(parents=True, exist_ok=True)
        stored_name = f"{digest[:12]}-{_SAFE.sub('_', source.name)}"
        target = folder / stored_name
        if not target.exists():
            shutil.copyfile(source, target)
        kind = media_type or mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return Attachment(name=name or source.name, media_type=kind, sha256=digest,
                          path=f"{ATTACHMENTS}/{stored_name}")
