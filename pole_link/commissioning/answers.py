"""Answers given in advance: a run without a window (end-of-line testing, scripts).

An answers file is YAML or JSON, a mapping of step id → answer::

    pole-id: PW-0001              # an automatic step's input (the sticker's ID)
    grid-connection: 3x35
    led-colours: true             # confirm: true / false; with items: true (all), a list
                                  # of the items seen, or {item: true/false}
    earth-resistance: 12.5        # measure: a number in the step's unit
    sticker-photo: photos/pole.jpg  # attachment: a file (relative to the answers file)
    security: {skip: "no keys on this pole type"}
    firmware: {value: sim-0.1.0, notes: "release of the work order"}

A step without an answer is left "not confirmed"; automatic steps without an input run
by themselves unless the file skips them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from pole_link.commissioning.checklist import Step
from pole_link.commissioning.record import RunRecord, StepKind, StepResult
from pole_link.commissioning.runner import AnswerError, CommissioningRun
from pole_link.commissioning.words import Words

__all__ = ["AnswersError", "load_answers", "run_with_answers"]


class AnswersError(ValueError):
    """An answers file that cannot be read, or an answer that does not fit its step."""


def load_answers(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot read the answers: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise AnswersError(f"{path}{line}: not valid YAML/JSON") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersError(f"{path}: the answers must be a mapping of step id → answer")
    base = path.parent
    return {str(key): _resolve_files(value, base) for key, value in data.items()}


def _resolve_files(value: Any, base: Path) -> Any:
    if isinstance(value, dict) and "file" in value:
        return {**value, "file": str(base / str(value["file"]))}
    return value


async def _answer(run: CommissioningRun, step: Step, given: Any, base: Path | None) -> None:
    notes = ""
    if isinstance(given, dict):
        notes = str(given.get("notes") or "")
        if notes:
            run.set_notes(notes)
        if "skip" in given:
            await run.skip(str(given["skip"]))
            return
        given = next((given[k] for k in ("value", "confirmed", "items", "file") if k in given),
                     None)
    if given is None:
        await run.leave_unconfirmed(Words("No answer was given (answers file)."))
        return
    if step.kind is StepKind.AUTOMATIC:
        await run.answer(str(given))
    elif step.kind is StepKind.CONFIRM:
        if isinstance(given, bool):
            await run.answer(confirmed=given)
        elif isinstance(given, list):
            await run.answer(items={item: item in [str(g) for g in given] for item in step.items})
        elif isinstance(given, dict):
            await run.answer(items={str(k): bool(v) for k, v in given.items()})
        else:
            raise AnswerError(f"step {step.id}: confirm with true or false, not {given!r}")
    elif step.kind is StepKind.MEASURE:
        await run.answer(given if isinstance(given, int | float) else str(given))
    else:
        path = Path(str(given))
        if base is not None and not path.is_absolute():
            path = base / path
        await run.answer(attachment=path)


async def run_with_answers(run: CommissioningRun, answers: Mapping[str, Any], *,
                           base: Path | None = None,
                           on_result: Callable[[StepResult], None] | None = None) -> RunRecord:
    """Run every remaining step: automatic ones run, the others take their answer from
    `answers` (relative attachment paths from `base`). An answer that does not fit its
    step is recorded as not confirmed, saying why. Returns the finished record."""
    unsubscribe = run.subscribe(
        lambda event: on_result(event.result)  # type: ignore[arg-type]
        if on_result is not None and event.kind == "step-finished" else None)
    try:
        while (step := run.current) is not None:
            given = answers.get(step.id)
            if not step.needs_technician and not (isinstance(given, dict) and "skip" in given):
                await run.run_automatic()
                continue
            try:
                await _answer(run, step, given, base)
            except AnswerError as exc:
                await run.leave_unconfirmed(Words("The answer did not fit: %1", (str(exc),)))
    finally:
        unsubscribe()
    return run.finish()
