"""What ``paalwerk commission`` prints, in the language ``--language`` asks for.

The report has its `ReportLabels` (pdf.py) and the checks' evidence and messages their
`words.py` catalogue; the command's own lines (one per step, the summary, where the files
went, resuming, refusals) are here, by language code, so a Dutch technician who asks for
``--language nl`` reads the whole run in Dutch and not only the PDF. Qt-free: the command
runs where there is no Qt. Step ids, checklist names and run ids stay as they are: they
are what a technician types and searches for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pole_link.commissioning.record import Outcome
from pole_link.commissioning.words import Translate, dutch, english


@dataclass(frozen=True)
class CommandLines:
    """The command's sentences in one language (placeholders in ``{braces}``)."""

    outcomes: dict[Outcome, str] = field(default_factory=lambda: {
        Outcome.PASSED: "passed", Outcome.FAILED: "FAILED", Outcome.SKIPPED: "skipped",
        Outcome.NOT_CONFIRMED: "not confirmed", Outcome.NOT_AVAILABLE: "not available"})
    earlier: str = " (earlier)"
    passed: str = "PASSED"
    not_passed_one: str = "NOT PASSED: required step {steps} failed"
    not_passed_many: str = "NOT PASSED: required steps {steps} failed"
    summary: str = "{pole}: {verdict} ({tally}; {checklist} {version}, run {run})"
    resuming: str = "resuming run {run} at {step} (--new starts over)"
    its_end: str = "its end"
    token_refused: str = "{pole} refused the service token ({reason}): nothing was checked."
    files: dict[str, str] = field(default_factory=lambda: {
        "record": "record", "report": "report", "signed report": "signed report"})
    interrupted: str = "interrupted: run the same command again to resume"
    cannot_reach: str = "cannot reach the pole: {error}"
    kept: str = "The run is kept: run the same command again to resume."
    words: Translate = english
    """How the checks' messages read (`words.py`'s catalogue)."""


ENGLISH = CommandLines()

DUTCH = CommandLines(
    outcomes={Outcome.PASSED: "geslaagd", Outcome.FAILED: "MISLUKT",
              Outcome.SKIPPED: "overgeslagen", Outcome.NOT_CONFIRMED: "niet bevestigd",
              Outcome.NOT_AVAILABLE: "niet beschikbaar"},
    earlier=" (eerder)",
    passed="GESLAAGD",
    not_passed_one="NIET GESLAAGD: verplichte stap {steps} is mislukt",
    not_passed_many="NIET GESLAAGD: verplichte stappen {steps} zijn mislukt",
    summary="{pole}: {verdict} ({tally}; {checklist} {version}, doorloop {run})",
    resuming="doorloop {run} gaat verder bij {step} (--new begint opnieuw)",
    its_end="het einde",
    token_refused="{pole} weigerde het servicetoken ({reason}): er is niets gecontroleerd.",
    files={"record": "vastlegging", "report": "rapport", "signed report": "ondertekend rapport"},
    interrupted="onderbroken: voer hetzelfde commando opnieuw uit om verder te gaan",
    cannot_reach="kan de paal niet bereiken: {error}",
    kept="De doorloop is bewaard: voer hetzelfde commando opnieuw uit om verder te gaan.",
    words=dutch)

LINES = {"en": ENGLISH, "nl": DUTCH}
"""The command's languages by code (the same codes as the report's `LABELS`)."""
