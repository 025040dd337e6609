"""The technician's steps — confirmations, measured values, photos, skips, notes — and
the local store that keeps every result the moment it exists."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from pole_link.commissioning.checklist import parse_checklist
from pole_link.commissioning.record import Outcome
from pole_link.commissioning.runner import AnswerError, CommissioningRun, RunEvent
from pole_link.commissioning.store import RunStore
from pole_link.session import PoleIdentity, PoleSession

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

CHECKLIST = parse_checklist("""
format: paalwerk-checklist/1
name: bench
version: "3"
steps:
  - {id: leds, kind: confirm, title: LEDs, items: [green, blue]}
  - {id: earth, kind: measure, title: Earth, prompt: Earth resistance, unit: Ω, min: 0, max: 100}
  - {id: photo, kind: attachment, title: Photo, media_types: [image/png]}
  - {id: door, kind: confirm, title: Door closed, required: false}
""", "bench.yaml")


class Ticks:
    """A clock that moves a minute per reading."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def _run(tmp_path: Path) -> CommissioningRun:
    identity = PoleIdentity("PW-0007", "Paalwerk", "PW-2", "S7", "1.2.3", 1, 2, 65536, T0)
    session = cast(PoleSession, SimpleNamespace(identity=identity))
    return CommissioningRun.begin(CHECKLIST, session, RunStore(tmp_path / "runs"),
                                  technician="T", link="serial", clock=Ticks())


async def test_each_item_of_a_confirmation_is_confirmed_on_its_own(tmp_path: Path) -> None:
    run = _run(tmp_path)
    result = await run.answer(items={"green": True, "blue": False})
    assert result.outcome is Outcome.FAILED
    assert result.evidence == {"green": "confirmed", "blue": "NO"}
    assert "blue" in result.message
    run.reopen("leds")
    assert (await run.answer(items={"green": True})).outcome is Outcome.NOT_CONFIRMED
    run.reopen("leds")
    assert (await run.answer(confirmed=True)).outcome is Outcome.PASSED


async def test_a_measured_value_outside_its_range_fails_and_keeps_the_value(
        tmp_path: Path) -> None:
    run = _run(tmp_path)
    await run.answer(confirmed=True)
    with pytest.raises(AnswerError, match="not a number"):
        await run.answer("lots")
    result = await run.answer("180,5")
    assert result.outcome is Outcome.FAILED
    assert (result.value, result.unit) == (180.5, "Ω")
    assert result.evidence["Allowed"] == "0–100 Ω"


async def test_a_photo_is_copied_into_the_run_and_bound_by_its_hash(tmp_path: Path) -> None:
    run = _run(tmp_path)
    await run.answer(confirmed=True)
    await run.answer(12)
    text = tmp_path / "notes.txt"
    text.write_text("not a photo", encoding="utf-8")
    with pytest.raises(AnswerError, match="takes image/png"):
        await run.answer(attachment=text)
    assert not (run.store.folder(run.record.run_id) / "attachments").exists()
    photo = tmp_path / "pole.png"
    photo.write_bytes(b"\x89PNG fake")
    run.set_notes("sticker slightly scratched")
    result = await run.answer(attachment=photo)
    [attachment] = result.attachments
    assert attachment.sha256 == hashlib.sha256(b"\x89PNG fake").hexdigest()
    assert attachment.media_type == "image/png"
    stored = run.store.folder(run.record.run_id) / attachment.path
    assert stored.read_bytes() == b"\x89PNG fake"
    assert result.notes == "sticker slightly scratched"


async def test_a_skipped_step_keeps_its_reason_and_does_not_fail_the_run(
        tmp_path: Path) -> None:
    run = _run(tmp_path)
    events: list[RunEvent] = []
    run.subscribe(events.append)
    with pytest.raises(AnswerError):
        await run.skip("  ")
    for _ in range(3):
        await run.skip("bench test")
    assert run.progress == (3, 4)
    await run.answer(confirmed=False)  # not required
    record = run.finish()
    assert record.passed and record.finished is not None
    assert [e.kind for e in events] == ["step-finished"] * 4 + ["finished"]
    assert record.steps[0].skip_reason == "bench test"


async def test_every_result_is_on_disk_as_it_happens_and_unfinished_runs_are_listed(
        tmp_path: Path) -> None:
    run = _run(tmp_path)
    await run.answer(confirmed=True)
    store = RunStore(tmp_path / "runs")
    on_disk = json.loads((store.folder(run.record.run_id) / "record.json").read_text("utf-8"))
    assert [s["stepId"] for s in on_disk["steps"]] == ["leds"]
    assert [r.run_id for r in store.unfinished("PW-0007")] == [run.record.run_id]
    assert store.unfinished("PW-0001") == []
    assert not list(store.folder(run.record.run_id).glob(".record.json.*"))  # no temp left
    resumed = CommissioningRun.resume(CHECKLIST, run.session, store, run.record.run_id)
    assert resumed.current is not None and resumed.current.id == "earth"


def test_a_run_resumes_only_under_the_checklist_version_it_began_with(tmp_path: Path) -> None:
    run = _run(tmp_path)
    newer = parse_checklist(
        "format: paalwerk-checklist/1\nname: bench\nversion: '4'\nsteps:\n"
        "  - {id: leds, kind: confirm, title: LEDs}\n")
    with pytest.raises(ValueError, match="version 3"):
        CommissioningRun.resume(newer, run.session, run.store, run.record.run_id)
