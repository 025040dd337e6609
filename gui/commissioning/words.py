"""How a step's kind and outcome read on screen: words first, a symbol and a colour to
scan a long list by — never colour alone (a technician in the sun, a colour-blind one).

Qt-free: the words are marked for translation with `QT_TRANSLATE_NOOP` and translated
where they are shown, so these rules are tested without a widget.
"""

from __future__ import annotations

from dataclasses import dataclass

from gui.fleet.rows import QT_TRANSLATE_NOOP
from pole_link.commissioning.record import Outcome, StepKind

CONTEXT = "Commissioning"


@dataclass(frozen=True)
class Look:
    symbol: str
    words: str
    """English source text; translate with ``QCoreApplication.translate(CONTEXT, words)``."""
    colour: str


OUTCOME_LOOK: dict[Outcome | None, Look] = {
    Outcome.PASSED: Look("✓", QT_TRANSLATE_NOOP("Commissioning", "Passed"), "#1b7f3b"),
    Outcome.FAILED: Look("✗", QT_TRANSLATE_NOOP("Commissioning", "Failed"), "#b3261e"),
    Outcome.SKIPPED: Look("»", QT_TRANSLATE_NOOP("Commissioning", "Skipped"), "#6b5e00"),
    Outcome.NOT_CONFIRMED: Look("?", QT_TRANSLATE_NOOP("Commissioning", "Not confirmed"),
                                "#6b5e00"),
    Outcome.NOT_AVAILABLE: Look("–", QT_TRANSLATE_NOOP("Commissioning", "Not available"),
                                "#555555"),
    None: Look("•", QT_TRANSLATE_NOOP("Commissioning", "To do"), "#555555"),
}
"""``None``: the step has no result yet."""

KIND_WORDS: dict[StepKind, str] = {
    StepKind.AUTOMATIC: QT_TRANSLATE_NOOP("Commissioning", "Checked by the app"),
    StepKind.CONFIRM: QT_TRANSLATE_NOOP("Commissioning", "You confirm"),
    StepKind.MEASURE: QT_TRANSLATE_NOOP("Commissioning", "You measure"),
    StepKind.ATTACHMENT: QT_TRANSLATE_NOOP("Commissioning", "Photo or file"),
}


def run_summary(passed: bool, counts: dict[Outcome, int]) -> tuple[str, list[tuple[str, int]]]:
    """The run's verdict and the counts worth saying ("2 failed, 1 skipped"), as source
    texts with their numbers, in the order a reader needs them."""
    verdict = (QT_TRANSLATE_NOOP("Commissioning", "Commissioning passed") if passed
               else QT_TRANSLATE_NOOP("Commissioning", "Commissioning failed"))
    order = (Outcome.FAILED, Outcome.NOT_CONFIRMED, Outcome.SKIPPED, Outcome.NOT_AVAILABLE,
             Outcome.PASSED)
    return verdict, [(OUTCOME_LOOK[o].words, counts[o]) for o in order if counts.get(o)]
