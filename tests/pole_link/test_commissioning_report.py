"""Issue 15: the signed commissioning report — report.json verifies, any change to it or
its PDF is caught, and the PDF a grantor reads has every fact (rendered with pdftoppm)."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from pole_link.commissioning.pdf import DUTCH
from pole_link.commissioning.record import RunRecord
from pole_link.commissioning.report import (
    REPORT_FORMAT,
    ReportRefusal,
    ReportRefused,
    canonical_json,
    read_report,
    verify_report,
    write_report,
)
from pole_link.commissioning.technician_key import TechnicianKey
from tests.commissioning_support import TECHNICIAN, finished_run


@pytest.fixture
def key() -> TechnicianKey:
    return TechnicianKey.generate(TECHNICIAN)


def test_issue15_a_written_report_verifies_and_holds_the_record(tmp_path: Path,
                                                                key: TechnicianKey) -> None:
    record = finished_run(tmp_path)
    files = write_report(record, tmp_path / record.run_id, key)
    assert files.json_path == tmp_path / record.run_id / "report.json"
    report = read_report(files.json_path)
    assert report["format"] == REPORT_FORMAT
    assert report["signature"]["publicKey"] == key.public_base64
    assert report["signature"]["fingerprint"] == key.fingerprint
    assert verify_report(report, files.pdf_path.read_bytes()) == record
    assert RunRecord.from_json(report["record"]) == record
    # Canonical JSON: sorted keys, no spaces, UTF-8 (the en dash stays one character).
    assert canonical_json({"b": "207–253 V", "a": 1}) == '{"a":1,"b":"207–253 V"}'.encode()


def test_issue15_any_change_to_a_signed_report_is_caught(tmp_path: Path,
                                                         key: TechnicianKey) -> None:
    record = finished_run(tmp_path, failed=True)
    files = write_report(record, tmp_path / record.run_id, key)
    report = read_report(files.json_path)
    pdf = files.pdf_path.read_bytes()

    def refused(changed: object, data: bytes = pdf) -> ReportRefused:
        with pytest.raises(ReportRefused) as caught:
            verify_report(changed, data)
        return caught.value

    evidence = copy.deepcopy(report)
    evidence["record"]["steps"][2]["value"] = 231.4  # the failed voltage made to pass …
    evidence["record"]["steps"][2]["outcome"] = "passed"
    evidence["record"]["passed"] = True
    assert refused(evidence).reason is ReportRefusal.INVALID_SIGNATURE
    one_value = copy.deepcopy(report)
    one_value["record"]["steps"][0]["evidence"]["PoleId on the pole"] = "PW-0002"
    assert refused(one_value).reason is ReportRefusal.INVALID_SIGNATURE
    other_key = copy.deepcopy(report)
    other_key["signature"]["publicKey"] = TechnicianKey.generate(TECHNICIAN).public_base64
    assert refused(other_key).reason is ReportRefusal.INVALID_SIGNATURE
    assert refused(report, pdf + b"%").reason is ReportRefusal.HASH_MISMATCH
    unknown = dict(report, format="paalwerk-commissioning-report/9")
    error = refused(unknown)
    assert error.reason is ReportRefusal.INVALID_REPORT
    assert "unknown report format 'paalwerk-commissioning-report/9'" in str(error)
    assert refused([1, 2]).reason is ReportRefusal.INVALID_REPORT
    assert refused({k: v for k, v in report.items() if k != "signature"}).reason is \
        ReportRefusal.INVALID_REPORT


def test_a_report_is_only_written_for_what_the_record_proves(tmp_path: Path,
                                                             key: TechnicianKey) -> None:
    unfinished = finished_run(tmp_path, "run-open", finished=False)
    with pytest.raises(ValueError, match="run-open is not finished"):
        write_report(unfinished, tmp_path / "run-open", key)
    record = finished_run(tmp_path)
    with pytest.raises(ValueError, match="cannot sign its report"):
        write_report(record, tmp_path / record.run_id, TechnicianKey.generate("Someone Else"))
    # A photo replaced after the step recorded its hash is not vouched for.
    (tmp_path / record.run_id / "attachments" / "sticker.png").write_bytes(b"another photo")
    with pytest.raises(ValueError, match=r"'sticker\.png' changed after it was recorded"):
        write_report(record, tmp_path / record.run_id, key)
    assert not (tmp_path / record.run_id / "report.json").exists()


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_issue15_the_pdf_shows_every_fact_and_renders(tmp_path: Path,
                                                      key: TechnicianKey) -> None:
    """Rendered with pdftoppm as a reader would see it (pages with ink on them), and its
    text holds the pole, location, technician, times with zone, the result in words,
    every step with its evidence, the photo's caption and the key's fingerprint."""
    for tool in ("pdftoppm", "pdftotext"):
        assert shutil.which(tool), f"{tool} is needed (Debian/Ubuntu: poppler-utils)"
    record = finished_run(tmp_path, failed=True)
    files = write_report(record, tmp_path / record.run_id, key)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(files.pdf_path),
                    str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert [p.name for p in pages] == ["page-1.png", "page-2.png"]
    from PIL import Image
    for page in pages:
        with Image.open(page) as image:
            low, _ = image.convert("L").getextrema()
            assert low < 100, f"{page.name} is blank"
    text = _pdf_text(files.pdf_path)
    for fact in ("Commissioning report", "RESULT: FAILED", "1 required step(s) failed.",
                 "PW-0001", "Paalwerk", "PW2-2026-000123", "PW2-1.4.0",
                 "Stationsplein 1, Utrecht", TECHNICIAN,
                 "2026-12-04 14:00:00 UTC+01:00", "2026-12-04 14:12:00 UTC+01:00",
                 "tender (version 1.0)", "service port (USB)",
                 "The pole reports its id", "PoleId on the pole: PW-0001",
                 "Voltage L1–N at the socket", "FAILED", "Measured: 198.5 V",
                 "below the allowed range", "SKIPPED",
                 "Reason skipped: the test button", "(optional)",
                 "Notes: sticker is on the left side", "Photos",
                 "Step 5 (Photo of the pole's sticker): sticker.png",
                 key.fingerprint, "page 1 of 2", "page 2 of 2"):
        assert fact in text, fact
    assert text.count("PASSED") == 3


def test_issue15_a_passing_run_says_so_in_words(tmp_path: Path, key: TechnicianKey) -> None:
    record = finished_run(tmp_path)
    files = write_report(record, tmp_path / record.run_id, key)
    text = _pdf_text(files.pdf_path)
    assert "RESULT: PASSED" in text and "No required step failed." in text
    assert "FAILED" not in text
    assert json.loads(files.json_path.read_text(encoding="utf-8"))["record"]["passed"] is True


def test_signs_the_pdf_font_lacks_are_spelled_not_boxed(tmp_path: Path,
                                                        key: TechnicianKey) -> None:
    record = finished_run(tmp_path)
    rcd = replace(record.steps[3], evidence={"Trip current": "≤ 30 mA → passed <b>"})
    record = record.with_step(rcd)
    files = write_report(record, tmp_path / record.run_id, key)
    assert "Trip current: <= 30 mA -> passed <b>" in _pdf_text(files.pdf_path)


def test_a_photo_that_is_no_image_is_named_not_fatal(tmp_path: Path,
                                                     key: TechnicianKey) -> None:
    record = finished_run(tmp_path)
    broken = b"not a PNG at all"
    (tmp_path / record.run_id / "attachments" / "sticker.png").write_bytes(broken)
    step = record.steps[4]
    attachment = replace(step.attachments[0], sha256=hashlib.sha256(broken).hexdigest())
    record = record.with_step(replace(step, attachments=(attachment,)))
    files = write_report(record, tmp_path / record.run_id, key)
    assert "this photo cannot be shown: the file is not a readable image" in \
        _pdf_text(files.pdf_path)


def test_issue15_a_dutch_report_for_a_dutch_grantor(tmp_path: Path, key: TechnicianKey) -> None:
    """The same signed facts, the PDF's words in Dutch (the tender's language)."""
    record = finished_run(tmp_path, failed=True)
    files = write_report(record, tmp_path / record.run_id, key, labels=DUTCH)
    text = _pdf_text(files.pdf_path)
    for words in ("Rapport van inbedrijfstelling", "RESULTAAT: MISLUKT",
                  "1 verplichte stap(pen) mislukt.", "Monteur", "MISLUKT", "OVERGESLAGEN",
                  "Gemeten: 198.5 V", "pagina 1 van 2", "servicepoort (USB)"):
        assert words in text, words
    assert "Commissioning report" not in text and "RESULT: FAILED" not in text
    assert verify_report(read_report(files.json_path), files.pdf_path.read_bytes()) == record
