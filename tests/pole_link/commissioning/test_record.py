"""The commissioning record survives its JSON form unchanged, and only a failed required
step fails a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pole_link.commissioning.record import (
    Attachment,
    Outcome,
    PoleFacts,
    RunRecord,
    StepKind,
    StepResult,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _step(step_id: str, outcome: Outcome, *, required: bool = True) -> StepResult:
    return StepResult(step_id=step_id, title=step_id, kind=StepKind.AUTOMATIC,
                      outcome=outcome, at=T0 + timedelta(minutes=1), required=required,
                      evidence={"PoleId on the pole": "PW-0001"})


def _record(*steps: StepResult) -> RunRecord:
    return RunRecord(run_id="r1", checklist="tender", checklist_version="1",
                     pole=PoleFacts("PW-0001", vendor="Paalwerk", model="PW-2"),
                     technician="Anna", link="serial", started=T0, steps=steps)


def test_record_round_trips_through_json() -> None:
    photo = Attachment("sticker.jpg", "image/jpeg", "ab" * 32, "attachments/sticker.jpg")
    measured = StepResult(step_id="earth", title="Earth resistance", kind=StepKind.MEASURE,
                          outcome=Outcome.PASSED, at=T0, value=12.5, unit="Ω",
                          notes="wet ground", attachments=(photo,))
    record = _record(_step("pole-id", Outcome.PASSED), measured)
    assert RunRecord.from_json(record.to_json()) == record


def test_only_a_failed_required_step_fails_the_run() -> None:
    assert _record(_step("a", Outcome.SKIPPED), _step("b", Outcome.NOT_CONFIRMED)).passed
    assert _record(_step("a", Outcome.FAILED, required=False)).passed
    assert not _record(_step("a", Outcome.FAILED)).passed


def test_a_step_run_again_replaces_its_earlier_result() -> None:
    record = _record(_step("a", Outcome.FAILED)).with_step(_step("a", Outcome.PASSED))
    assert [s.outcome for s in record.steps] == [Outcome.PASSED]


def test_a_time_without_offset_is_refused() -> None:
    data = _record().to_json()
    data["started"] = "2026-03-01T09:00:00"
    with pytest.raises(ValueError, match="no UTC offset"):
        RunRecord.from_json(data)
