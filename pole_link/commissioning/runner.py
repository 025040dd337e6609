"""Drives a checklist over a `PoleSession`: the engine under the wizard and the CLI.

The run's state *is* its `RunRecord`: the current step is the first one without a
result, and every result is written to the `RunStore` the moment it exists. So a run
interrupted anywhere (the laptop closed, the link lost mid-check) resumes at exactly the
step that has no result yet, and no step that finished runs twice.

For a GUI: `current` is the step to show; `advance()` runs automatic steps by themselves
until one needs the technician; `answer(...)` / `skip(reason)` / `set_notes(text)` are the
technician's intents; `subscribe(callback)` reports every change as a `RunEvent`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pole_link.commissioning.checklist import Checklist, ChecklistError, Step
from pole_link.commissioning.checks import CHECKS, CheckContext, CheckResult, refused
from pole_link.commissioning.record import (
    Attachment,
    Outcome,
    PoleFacts,
    RunRecord,
    StepKind,
    StepResult,
)
from pole_link.commissioning.store import RunStore, new_run_id
from pole_link.commissioning.words import Words, shown
from pole_link.errors import CallError, ConnectError, LinkLost, LinkTimeout

if TYPE_CHECKING:
    from pole_link.service_api import ServiceClient
    from pole_link.session import PoleSession

__all__ = ["AnswerError", "CommissioningRun", "RunEvent", "system_clock"]

LOGGER = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The laptop's clock, aware, in its local zone."""
    return datetime.now(UTC).astimezone()


class AnswerError(ValueError):
    """An answer that does not fit the step (not a number, a file of the wrong type)."""


@dataclass(frozen=True)
class RunEvent:
    """A change of the run, for whoever shows it.

    ``kind``: ``step-started`` (an automatic step began), ``step-finished`` (a result was
    recorded; `result` holds it), ``message`` (a check tells the technician something,
    e.g. "plug the test load in"; `text` in English, `words` to translate), ``notes``
    (notes changed), ``finished``.
    """

    kind: str
    step: Step | None = None
    result: StepResult | None = None
    text: str = ""
    words: Words | None = None


class CommissioningRun:
    """One run of a checklist on one pole; create with `begin` or `resume`."""

    def __init__(self, checklist: Checklist, session: PoleSession, store: RunStore,
                 record: RunRecord, *, clock: Clock = system_clock,
                 service: ServiceClient | None = None) -> None:
        if (record.checklist, record.checklist_version) != (checklist.name, checklist.version):
            raise ChecklistError(
                f"run {record.run_id} was made with checklist {record.checklist} version "
                f"{record.checklist_version}, not {checklist.name} version "
                f"{checklist.version}: resume it with that checklist or start a new run")
        self.checklist = checklist
        self.session = session
        self.store = store
        self.record = record
        self.clock = clock
        self.service = service
        self._listeners: list[Callable[[RunEvent], None]] = []
        self._notes: dict[str, str] = {}
        self._busy = asyncio.Lock()

    # ------------------------------------------------------------ creation
    @classmethod
    def begin(cls, checklist: Checklist, session: PoleSession, store: RunStore, *,
              technician: str, link: str, pole_id: str | None = None,
              clock: Clock = system_clock, service: ServiceClient | None = None,
              location: str = "") -> CommissioningRun:
        """A new run on the pole `session` is open to (its Hello identifies it); stored
        at once, so it can be resumed even before the first step finished."""
        identity = session.identity
        if identity is None:
            raise ValueError("open the session first: the run records the pole's Hello")
        started = clock()
        facts = PoleFacts(pole_id=pole_id or identity.pole_id, vendor=identity.vendor,
                          model=identity.model, serial_number=identity.serial_number,
                          firmware_version=identity.firmware_version, location=location)
        record = RunRecord(run_id=new_run_id(facts.pole_id, started),
                           checklist=checklist.name, checklist_version=checklist.version,
                           pole=facts, technician=technician, link=link, started=started)
        store.save(record)
        return cls(checklist, session, store, record, clock=clock, service=service)

    @classmethod
    def resume(cls, checklist: Checklist, session: PoleSession, store: RunStore,
               run_id: str, *, clock: Clock = system_clock,
               service: ServiceClient | None = None) -> CommissioningRun:
        """An earlier run, from its stored record; it goes on at its first open step."""
        return cls(checklist, session, store, store.load(run_id), clock=clock,
                   service=service)

    # ------------------------------------------------------------ state
    def subscribe(self, listener: Callable[[RunEvent], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: RunEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken view must not break the run
                LOGGER.exception("run listener failed")

    def result(self, step_id: str) -> StepResult | None:
        for result in self.record.steps:
            if result.step_id == step_id:
                return result
        return None

    @property
    def current(self) -> Step | None:
        """The first step without a result; None when every step has one."""
        done = {s.step_id for s in self.record.steps}
        for step in self.checklist.steps:
            if step.id not in done:
                return step
        return None

    @property
    def progress(self) -> tuple[int, int]:
        """(steps with a result, steps in the checklist)."""
        ids = {s.id for s in self.checklist.steps}
        return len([r for r in self.record.steps if r.step_id in ids]), len(ids)

    @property
    def finished(self) -> bool:
        return self.record.finished is not None

    def answers(self) -> dict[str, str]:
        """The values given to input steps so far (read back from their evidence)."""
        found: dict[str, str] = {}
        for step in self.checklist.steps:
            result = self.result(step.id)
            if step.input is not None and result is not None \
                    and step.input.label in result.evidence:
                found[step.id] = result.evidence[step.input.label]
        return found

    def set_notes(self, text: str, step_id: str | None = None) -> None:
        """Notes on a step: the current one (kept until its result) or one already done."""
        target = step_id or (self.current.id if self.current else None)
        if target is None:
            raise ValueError("no step to take notes on")
        self.checklist.step(target)  # KeyError for an unknown id
        done = self.result(target)
        if done is None:
            self._notes[target] = text
        else:
            self._record(replace(done, notes=text), emit=False)
        self._emit(RunEvent("notes", self.checklist.step(target), self.result(target), text))

    # ------------------------------------------------------------ recording
    def _record(self, result: StepResult, *, emit: bool = True) -> StepResult:
        self.record = self.record.with_step(result)
        self.store.save(self.record)
        if emit:
            self._emit(RunEvent("step-finished", self.checklist.step(result.step_id), result))
        return result

    def _result(self, step: Step, outcome: Outcome, *, evidence: Mapping[str, str] = {},
                message: str = "", skip_reason: str = "", value: float | None = None,
                unit: str = "", attachments: tuple[Attachment, ...] = (),
                evidence_words: tuple[tuple[str | Words, str | Words], ...] = (),
                message_words: Words | None = None) -> StepResult:
        if evidence_words:  # the English text too, for readers that know no words
            evidence = {shown(label): shown(text) for label, text in evidence_words}
        if message_words is not None:
            message = message_words.text()
        return StepResult(step_id=step.id, title=step.title, kind=step.kind, outcome=outcome,
                          at=self.clock(), required=step.required, evidence=dict(evidence),
                          message=message, notes=self._notes.pop(step.id, ""),
                          skip_reason=skip_reason, value=value, unit=unit,
                          attachments=attachments, evidence_words=evidence_words,
                          message_words=message_words)

    def _expect_current(self) -> Step:
        step = self.current
        if step is None:
            raise ValueError("every step has a result")
        return step

    # ------------------------------------------------------------ intents
    async def advance(self) -> Step | None:
        """Run automatic steps until one needs the technician; returns that step (None
        when every step has a result). Link errors propagate, recording nothing."""
        while (step := self.current) is not None and not step.needs_technician:
            await self.run_automatic()
        return self.current

    async def run_automatic(self, value: str | None = None) -> StepResult:
        """Run the current automatic step (with the technician's `value` if it asks one)."""
        async with self._busy:
            step = self._expect_current()
            if step.kind is not StepKind.AUTOMATIC:
                raise ValueError(f"step {step.id} is a {step.kind.value} step: answer it")
            if step.input is not None and not (value or "").strip():
                raise AnswerError(f"step {step.id} needs a value first: {step.input.prompt}")
            return self._record(await self._run_check(step, value))

    async def _run_check(self, step: Step, value: str | None) -> StepResult:
        self._emit(RunEvent("step-started", step))
        context = CheckContext(
            session=self.session, step=step, clock=self.clock, pole_id=self.record.pole.pole_id,
            answers=self.answers(), value=value.strip() if value else None,
            service=self.service,
            say=lambda words: self._emit(RunEvent("message", step, text=words.text(),
                                                  words=words)))
        evidence: dict[str | Words, str | Words] = {}
        if step.input is not None and value is not None:
            evidence[step.input.label] = value.strip()
        try:
            outcome = await CHECKS[step.check].run(context)
        except (LinkLost, LinkTimeout, ConnectError):
            raise
        except CallError as exc:
            outcome = refused({}, exc, Words("a call of this check (%1)", (exc.code,)))
        except Exception as exc:  # a check's bug must not end the technician's run
            LOGGER.exception("check %s failed", step.check)
            outcome = CheckResult(
                Outcome.FAILED, {Words("Error"): f"{type(exc).__name__}: {exc}"},
                Words("The check could not run. Run the step again; if it keeps failing, "
                      "report the error shown."))
        # By English text: a check that reports the input under the same label (in words)
        # replaces the plain one instead of showing it twice.
        merged = {shown(label): (label, text) for label, text in
                  (*evidence.items(), *outcome.evidence.items())}
        return self._result(step, outcome.outcome, evidence_words=tuple(merged.values()),
                            message_words=outcome.message, value=outcome.value,
                            unit=outcome.unit)

    async def answer(self, value: str | float | None = None, *, confirmed: bool | None = None,
                     items: Mapping[str, bool] | None = None,
                     attachment: Path | str | None = None) -> StepResult:
        """The technician's answer to the current step, whatever its kind:

        - automatic with an input: `value` (text; the check runs with it);
        - confirm: `confirmed` (True/False), or `items` (each item True/False) for a step
          that lists items; `confirmed=True` confirms every item;
        - measure: `value` (a number in the step's unit);
        - attachment: `attachment` (a file; copied into the run's folder).
        """
        step = self.current
        if step is not None and step.kind is StepKind.AUTOMATIC:
            if value is None:
                raise AnswerError(f"step {step.id} needs a value: "
                                  f"{step.input.prompt if step.input else 'none asked'}")
            return await self.run_automatic(str(value))
        async with self._busy:
            step = self._expect_current()
            if step.kind is StepKind.CONFIRM:
                result = self._confirmation(step, confirmed, items)
            elif step.kind is StepKind.MEASURE:
                result = self._measurement(step, value)
            else:
                result = self._attachment(step, attachment)
            return self._record(result)

    def _confirmation(self, step: Step, confirmed: bool | None,
                      items: Mapping[str, bool] | None) -> StepResult:
        if not step.items:
            if confirmed is None:
                return self._result(step, Outcome.NOT_CONFIRMED,
                                    message_words=Words("Nobody confirmed this step."))
            return self._result(step, Outcome.PASSED if confirmed else Outcome.FAILED,
                                evidence_words=((step.prompt, _yes_no(confirmed)),),
                                message_words=None if confirmed else Words(
                                    "The technician did not see what this step expects: "
                                    "repair the fault and run the step again."))
        given = dict(items or {})
        unknown = set(given) - set(step.items)
        if unknown:
            raise AnswerError(f"step {step.id} has no item {sorted(unknown)[0]!r} "
                              f"(items: {', '.join(step.items)})")
        if confirmed is not None:
            given = {item: given.get(item, confirmed) for item in step.items}
        evidence = tuple((item, _yes_no(given[item]) if item in given
                          else Words("not confirmed")) for item in step.items)
        refused = [item for item in step.items if given.get(item) is False]
        missing = [item for item in step.items if item not in given]
        if refused:
            return self._result(step, Outcome.FAILED, evidence_words=evidence,
                                message_words=Words("Not seen: %1. Repair the fault and run "
                                                    "the step again.", (", ".join(refused),)))
        if missing:
            return self._result(step, Outcome.NOT_CONFIRMED, evidence_words=evidence,
                                message_words=Words("Not confirmed: %1.",
                                                    (", ".join(missing),)))
        return self._result(step, Outcome.PASSED, evidence_words=evidence)

    def _measurement(self, step: Step, value: str | float | None) -> StepResult:
        if value is None:
            return self._result(step, Outcome.NOT_CONFIRMED, unit=step.unit,
                                message_words=Words("No value was entered."))
        try:
            number = float(str(value).replace(",", ".")) if isinstance(value, str) \
                else float(value)
        except ValueError:
            raise AnswerError(f"step {step.id}: {value!r} is not a number") from None
        if not math.isfinite(number):
            raise AnswerError(f"step {step.id}: {value!r} is not a number")
        unit = f" {step.unit}" if step.unit else ""
        allowed = _range_text(step)
        evidence: tuple[tuple[str | Words, str | Words], ...] = (
            (step.prompt, f"{number:g}{unit}"),)
        if allowed:
            evidence += ((Words("Allowed"), allowed),)
        low = step.minimum if step.minimum is not None else -math.inf
        high = step.maximum if step.maximum is not None else math.inf
        if not low <= number <= high:
            return self._result(step, Outcome.FAILED, evidence_words=evidence, value=number,
                                unit=step.unit,
                                message_words=Words("%1 is outside %2: find the cause, "
                                                    "repair it, measure again.",
                                                    (f"{number:g}{unit}", allowed)))
        return self._result(step, Outcome.PASSED, evidence_words=evidence, value=number,
                            unit=step.unit)

    def _attachment(self, step: Step, attachment: Path | str | None) -> StepResult:
        if attachment is None:
            return self._result(step, Outcome.NOT_CONFIRMED,
                                message_words=Words("No file was added."))
        path = Path(attachment)
        if not path.is_file():
            raise AnswerError(f"step {step.id}: no file {path}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if step.media_types and kind not in step.media_types:
            raise AnswerError(f"step {step.id}: {path.name} is {kind}; this step "
                              f"takes {', '.join(step.media_types)}")
        stored = self.store.add_attachment(self.record.run_id, path, media_type=kind)
        return self._result(step, Outcome.PASSED, attachments=(stored,),
                            evidence={step.prompt: f"{stored.name} (sha256 "
                                                   f"{stored.sha256[:12]}…)"})

    async def skip(self, reason: str) -> StepResult:
        """Skip the current step; the reason is part of the report."""
        if not reason.strip():
            raise AnswerError("say why the step is skipped")
        async with self._busy:
            step = self._expect_current()
            return self._record(self._result(step, Outcome.SKIPPED, skip_reason=reason.strip()))

    async def leave_unconfirmed(self, message: Words | None = None) -> StepResult:
        """Record the current step as not confirmed (nobody answered it: a CLI run
        without an answer for it); the message as words, so each reader translates it."""
        async with self._busy:
            step = self._expect_current()
            return self._record(self._result(
                step, Outcome.NOT_CONFIRMED,
                message_words=message or Words("No answer was given.")))

    def reopen(self, step_id: str) -> None:
        """Forget a step's result so it becomes a current step again ("run it again")."""
        if self.record.finished is not None:
            raise ValueError("the run is finished")
        self.checklist.step(step_id)
        self.record = replace(self.record, steps=tuple(
            s for s in self.record.steps if s.step_id != step_id))
        self.store.save(self.record)
        self._emit(RunEvent("step-reopened", self.checklist.step(step_id)))

    def finish(self) -> RunRecord:
        """Close the run (every step must have a result): the record the report signs."""
        if self.current is not None:
            raise ValueError(f"step {self.current.id} has no result yet")
        if self.record.finished is None:
            ordered = {s.id: i for i, s in enumerate(self.checklist.steps)}
            steps = tuple(sorted(self.record.steps,
                                 key=lambda r: ordered.get(r.step_id, len(ordered))))
            self.record = replace(self.record, steps=steps, finished=self.clock())
            self.store.save(self.record)
            self._emit(RunEvent("finished"))
        return self.record


def _range_text(step: Step) -> str:
    unit = f" {step.unit}" if step.unit else ""
    if step.minimum is not None and step.maximum is not None:
        return f"{step.minimum:g}–{step.maximum:g}{unit}"
    if step.minimum is not None:
        return f"at least {step.minimum:g}{unit}"
    if step.maximum is not None:
        return f"at most {step.maximum:g}{unit}"
    return ""


def _yes_no(confirmed: bool) -> Words:
    """What the technician confirmed, as the report shows it ("NO" stands out)."""
    return Words("confirmed") if confirmed else Words("NO")
