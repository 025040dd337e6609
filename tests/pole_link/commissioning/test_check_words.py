"""Every word an automatic check writes has its Dutch, and stored words read back.

The checks' templates are found in their source (every ``W("…")`` / ``Words("…")``), so a
new message without a Dutch text fails here rather than showing English in a Dutch report.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pole_link.commissioning.answers as answers_module
import pole_link.commissioning.checks as checks_module
import pole_link.commissioning.runner as runner_module
from pole_link.commissioning.answers import run_with_answers
from pole_link.commissioning.checks import _SELF_TEST_ADVICE
from pole_link.commissioning.pdf import DUTCH as PDF_DUTCH
from pole_link.commissioning.record import RunRecord
from pole_link.commissioning.report import read_report, verify_report, write_report
from pole_link.commissioning.technician_key import TechnicianKey
from pole_link.commissioning.words import DUTCH, Words, dutch
from tests.commissioning_support import finished_run
from tests.pole_link.commissioning.support import ANSWERS, site

_PLACEHOLDER = re.compile(r"%\d+")


def _templates_in(module: object) -> set[str]:
    tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("W", "Words") and node.args:
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            found |= {o.value for o in options
                      if isinstance(o, ast.Constant) and isinstance(o.value, str)}
    return found


def test_every_check_template_has_its_dutch_with_the_same_placeholders() -> None:
    templates = _templates_in(checks_module) | _templates_in(runner_module)
    templates |= _templates_in(answers_module)
    templates |= {advice for _, advice in _SELF_TEST_ADVICE.values()}
    assert len(templates) > 80
    missing = sorted(t for t in templates if t not in DUTCH)
    assert missing == []
    for english, translated in DUTCH.items():
        assert sorted(_PLACEHOLDER.findall(english)) == sorted(
            _PLACEHOLDER.findall(translated)), english


def test_words_translate_nested_arguments_and_leave_data_alone() -> None:
    words = Words("The pole's clock is %1. It sets its time from the back office at "
                  "BootNotification: check the CSMS connection step, then run this step "
                  "again (or check the laptop's own clock if it is the one off).",
                  (Words("%1 behind", ("10 s",)),))
    assert words.text().startswith("The pole's clock is 10 s behind.")
    assert words.text(dutch).startswith("De klok van de paal loopt 10 s achter.")
    assert Words.from_json(words.to_json()) == words
    assert Words("PW-0001").text(dutch) == "PW-0001"  # not in the catalogue: as given


def _pdf_words(pdf: Path) -> str:
    """The PDF's text as one line of words (a table cell's line breaks do not matter)."""
    return " ".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())


async def test_issue15_a_dutch_report_reads_the_checks_evidence_and_messages_in_dutch(
        tmp_path: Path) -> None:
    """A real run on a virtual pole with a wrong sticker ID (failed) and a clock and test
    charge that pass: the Dutch PDF says what the checks found in Dutch."""
    async with site(tmp_path) as here:
        record = await run_with_answers(here.begin(), ANSWERS | {"pole-id": "PW-0002"})
    key = TechnicianKey.generate(record.technician)
    files = write_report(record, here.store.folder(record.run_id), key, labels=PDF_DUTCH)
    text = _pdf_words(files.pdf_path)
    for words in ("ID op de sticker: PW-0002", "PoleId in de paal: PW-0001",
                  "Op de sticker staat 'PW-0002', maar de PoleId van de paal is 'PW-0001'",
                  "Klok van de paal:", "Afwijking:", "Mode 3-toestanden: A -> B -> C",
                  "Voertuig: gesimuleerde ev3 (virtuele paal)", "Service: verbonden",
                  ": bevestigd"):  # the technician's confirmations too
        assert words in text, words
    for english in ("ID on the sticker", "The sticker says", "Pole's clock", "Vehicle",
                    ": confirmed"):
        assert english not in text, english
    # The signed record stays language-neutral: English text and the words beside it.
    pole_id = next(s for s in record.steps if s.step_id == "pole-id")
    assert pole_id.message.startswith("The sticker says 'PW-0002'")
    assert verify_report(read_report(files.json_path), files.pdf_path.read_bytes()) == record


def test_issue15_a_record_from_before_the_words_still_loads_and_renders_in_dutch(
        tmp_path: Path) -> None:
    """A stored run and report of an older version (evidence and message as plain
    English) read back unchanged, show their English and still make a Dutch PDF."""
    record = finished_run(tmp_path, failed=True)  # plain strings, as older versions wrote
    data = record.to_json()
    assert all("evidenceWords" not in s and "messageWords" not in s for s in data["steps"])
    again = RunRecord.from_json(data)
    assert again == record and again.to_json() == data
    voltage = next(s for s in again.steps if s.step_id == "voltage")
    assert voltage.shown_evidence(dutch) == [("Allowed", "207–253 V")]
    assert voltage.shown_message(dutch) == "below the allowed range: check the supply"
    files = write_report(again, tmp_path / again.run_id,
                         TechnicianKey.generate(again.technician), labels=PDF_DUTCH)
    text = _pdf_words(files.pdf_path)
    assert "Allowed: 207-253 V" in text or "Allowed: 207–253 V" in text
    assert "Waarom: below the allowed range: check the supply" in text
