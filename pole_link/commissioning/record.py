"""What a commissioning run found, step by step: the one contract between the checklist
runner (which fills it in), the local store (which keeps it across a closed laptop), the
report (JSON + PDF, signed by the technician) and the service (which verifies and stores it).

Plain frozen dataclasses with a lossless JSON form, so the record written on site is
exactly what the service verifies: `to_json()` of a record read back with `from_json()`
is the same object. Times are timezone-aware (the pole's or the laptop's clock, never
naive), because a report is evidence and "17:03" without a zone proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from pole_link.commissioning.words import (
    Translate,
    Words,
    english,
    shown,
    words_from_json,
    words_json,
)

RECORD_FORMAT = "paalwerk-commissioning/1"


class StepKind(StrEnum):
    """The four kinds of step a checklist file may hold."""

    AUTOMATIC = "automatic"    # the app asks the pole (or the service) and judges the answer
    CONFIRM = "confirm"        # the technician confirms what they see ("the LED is light blue")
    MEASURE = "measure"        # the technician enters a measured value with an allowed range
    ATTACHMENT = "attachment"  # a photo or a file (e.g. the pole's sticker)


class Outcome(StrEnum):
    """How a step ended. Only `FAILED` on a required step fails the run."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"                  # the technician skipped it, with a reason
    NOT_CONFIRMED = "not_confirmed"      # a confirmation nobody gave (e.g. CLI without answers)
    NOT_AVAILABLE = "not_available"      # the step cannot run on this pole or app version yet


@dataclass(frozen=True)
class Attachment:
    """A photo or file the technician added; the report embeds it, the hash binds it."""

    name: str
    media_type: str
    sha256: str          # hex, lowercase, of the file's bytes
    path: str            # where the local store keeps it (relative to the run's folder)


@dataclass(frozen=True)
class StepResult:
    """One step's result with the evidence a grantor can check.

    `evidence` holds the values read or entered, as label → text ("PoleId on the pole" →
    "PW-0001"); `message` says in words why it failed and what to do. Both are English.
    An automatic check also keeps them as `evidence_words` / `message_words` (templates
    and arguments, see `words.py`) so each reader shows them in its own language; a
    record from before those existed has only the English, which is shown as it is.
    Read them with `shown_evidence` / `shown_message`.
    """

    step_id: str
    title: str
    kind: StepKind
    outcome: Outcome
    at: datetime
    required: bool = True
    evidence: dict[str, str] = field(default_factory=dict)
    message: str = ""
    notes: str = ""
    skip_reason: str = ""
    value: float | None = None
    unit: str = ""
    attachments: tuple[Attachment, ...] = ()
    evidence_words: tuple[tuple[str | Words, str | Words], ...] = ()
    message_words: Words | None = None

    def shown_evidence(self, translate: Translate = english) -> list[tuple[str, str]]:
        """Label and value of each piece of evidence, in ``translate``'s language."""
        if self.evidence_words:
            return [(shown(label, translate), shown(text, translate))
                    for label, text in self.evidence_words]
        return list(self.evidence.items())

    def shown_message(self, translate: Translate = english) -> str:
        """Why it failed and what to do, in ``translate``'s language."""
        return self.message if self.message_words is None else \
            self.message_words.text(translate)

    def to_json(self) -> dict[str, Any]:
        words: dict[str, Any] = {}  # only when present: an older record stays byte-equal
        if self.evidence_words:
            words["evidenceWords"] = [[words_json(label), words_json(text)]
                                      for label, text in self.evidence_words]
        if self.message_words is not None:
            words["messageWords"] = self.message_words.to_json()
        return words | {
            "stepId": self.step_id, "title": self.title, "kind": self.kind.value,
            "outcome": self.outcome.value, "at": self.at.isoformat(),
            "required": self.required, "evidence": dict(self.evidence),
            "message": self.message, "notes": self.notes, "skipReason": self.skip_reason,
            "value": self.value, "unit": self.unit,
            "attachments": [{"name": a.name, "mediaType": a.media_type, "sha256": a.sha256,
                             "path": a.path} for a in self.attachments],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepResult:
        return cls(
            step_id=str(data["stepId"]), title=str(data["title"]),
            kind=StepKind(data["kind"]), outcome=Outcome(data["outcome"]),
            at=_aware(data["at"]), required=bool(data.get("required", True)),
            evidence={str(k): str(v) for k, v in dict(data.get("evidence", {})).items()},
            message=str(data.get("message", "")), notes=str(data.get("notes", "")),
            skip_reason=str(data.get("skipReason", "")),
            value=None if data.get("value") is None else float(data["value"]),
            unit=str(data.get("unit", "")),
            attachments=tuple(Attachment(str(a["name"]), str(a["mediaType"]),
                                         str(a["sha256"]), str(a["path"]))
                              for a in data.get("attachments", [])),
            evidence_words=tuple((words_from_json(label), words_from_json(text))
                                 for label, text in data.get("evidenceWords", [])),
            message_words=None if data.get("messageWords") is None
            else Words.from_json(data["messageWords"]),
        )


@dataclass(frozen=True)
class PoleFacts:
    """The pole as it identified itself when the run started (`Hello` / BootNotification)."""

    pole_id: str
    vendor: str = ""
    model: str = ""
    serial_number: str = ""
    firmware_version: str = ""
    location: str = ""      # address or coordinates, when the service knows them

    def to_json(self) -> dict[str, Any]:
        return {"poleId": self.pole_id, "vendor": self.vendor, "model": self.model,
                "serialNumber": self.serial_number, "firmwareVersion": self.firmware_version,
                "location": self.location}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PoleFacts:
        return cls(pole_id=str(data["poleId"]), vendor=str(data.get("vendor", "")),
                   model=str(data.get("model", "")),
                   serial_number=str(data.get("serialNumber", "")),
                   firmware_version=str(data.get("firmwareVersion", "")),
                   location=str(data.get("location", "")))


@dataclass(frozen=True)
class RunRecord:
    """A commissioning run: which checklist, which pole, who, and every step's result.

    `finished` is None while the run is under way (the local store keeps such a record so
    an interrupted run resumes at the first step without a result).
    """

    run_id: str
    checklist: str           # the checklist's name, e.g. "tender"
    checklist_version: str
    pole: PoleFacts
    technician: str
    link: str                # "serial", "ble" or "service": how the app reached the pole
    started: datetime
    finished: datetime | None = None
    steps: tuple[StepResult, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no required step failed (skipped and not-confirmed steps are shown,
        not hidden, but only a failure fails the run)."""
        return not any(s.required and s.outcome is Outcome.FAILED for s in self.steps)

    def with_step(self, result: StepResult) -> RunRecord:
        """This record with `result` added, or replacing the earlier result of that step."""
        kept = tuple(s for s in self.steps if s.step_id != result.step_id)
        return replace(self, steps=(*kept, result))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": RECORD_FORMAT, "runId": self.run_id, "checklist": self.checklist,
            "checklistVersion": self.checklist_version, "pole": self.pole.to_json(),
            "technician": self.technician, "link": self.link,
            "started": self.started.isoformat(),
            "finished": None if self.finished is None else self.finished.isoformat(),
            "passed": self.passed,
            "steps": [s.to_json() for s in self.steps],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        if data.get("format") != RECORD_FORMAT:
            raise ValueError(f"not a commissioning record (format {data.get('format')!r}, "
                             f"expected {RECORD_FORMAT!r})")
        return cls(
            run_id=str(data["runId"]), checklist=str(data["checklist"]),
            checklist_version=str(data["checklistVersion"]),
            pole=PoleFacts.from_json(data["pole"]), technician=str(data["technician"]),
            link=str(data["link"]), started=_aware(data["started"]),
            finished=None if data.get("finished") is None else _aware(data["finished"]),
            steps=tuple(StepResult.from_json(s) for s in data.get("steps", [])),
        )


def _aware(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return moment
