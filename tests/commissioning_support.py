"""Finished commissioning runs as the run store leaves them on disk, for the report, sync
and service tests: ``<root>/<run_id>/record.json`` and ``attachments/``, at fixed times in
a fixed zone (no test depends on today's date or the machine's zone)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from keyring.backend import KeyringBackend
from PIL import Image, ImageDraw

from pole_link.commissioning.record import (
    Attachment,
    Outcome,
    PoleFacts,
    RunRecord,
    StepKind,
    StepResult,
)

AMSTERDAM_WINTER = timezone(timedelta(hours=1))
START = datetime(2026, 12, 4, 14, 0, tzinfo=AMSTERDAM_WINTER)
TECHNICIAN = "Sanne de Vries"


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in this process (keyring's own
    extension point, as a platform backend is one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


def sticker_png(pole_id: str) -> bytes:
    """A photo of the pole's sticker (drawn, 800×500)."""
    image = Image.new("RGB", (800, 500), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 740, 440), outline=(20, 60, 120), width=8, fill=(255, 255, 255))
    draw.text((110, 140), f"Paalwerk PW2   {pole_id}", fill=(0, 0, 0), font_size=44)
    draw.text((110, 240), "SN PW2-2026-000123", fill=(40, 40, 40), font_size=36)
    draw.text((110, 320), "3x35 A  400 V", fill=(40, 40, 40), font_size=36)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def finished_run(root: Path, run_id: str = "run-0001", pole_id: str = "PW-0001", *,
                 technician: str = TECHNICIAN, failed: bool = False,
                 finished: bool = True, start: datetime = START) -> RunRecord:
    """A tender-checklist run written to ``root/run_id`` with a sticker photo."""
    folder = root / run_id
    (folder / "attachments").mkdir(parents=True, exist_ok=True)
    photo = sticker_png(pole_id)
    (folder / "attachments" / "sticker.png").write_bytes(photo)
    at = start

    def step(minutes: int) -> datetime:
        return at + timedelta(minutes=minutes)
    steps = (
        StepResult("identity", "The pole reports its id", StepKind.AUTOMATIC, Outcome.PASSED,
                   step(1), evidence={"PoleId on the pole": pole_id,
                                      "Firmware": "PW2-1.4.0"}),
        StepResult("led", "The LED is light blue when idle", StepKind.CONFIRM,
                   Outcome.PASSED, step(3), evidence={"Confirmed by": technician}),
        StepResult("voltage", "Voltage L1–N at the socket", StepKind.MEASURE,
                   Outcome.FAILED if failed else Outcome.PASSED, step(6),
                   evidence={"Allowed": "207–253 V"}, value=198.5 if failed else 231.4,
                   unit="V", message="below the allowed range: check the supply"
                   if failed else ""),
        StepResult("rcd", "Earth leakage test button", StepKind.CONFIRM, Outcome.SKIPPED,
                   step(8), required=False,
                   skip_reason="the test button is sealed by the grid operator"),
        StepResult("sticker", "Photo of the pole's sticker", StepKind.ATTACHMENT,
                   Outcome.PASSED, step(10), notes="sticker is on the left side",
                   attachments=(Attachment("sticker.png", "image/png",
                                           hashlib.sha256(photo).hexdigest(),
                                           "attachments/sticker.png"),)),
    )
    record = RunRecord(
        run_id=run_id, checklist="tender", checklist_version="1.0",
        pole=PoleFacts(pole_id, "Paalwerk", "PW2", "PW2-2026-000123", "PW2-1.4.0",
                       "Stationsplein 1, Utrecht"),
        technician=technician, link="serial", started=start,
        finished=step(12) if finished else None, steps=steps)
    (folder / "record.json").write_text(json.dumps(record.to_json(), indent=2),
                                        encoding="utf-8")
    return record
