"""The commissioning report as a PDF a grantor reads: who, which pole, where, when, the
overall result, every step with its evidence, the photos, and the signing key.

Readable on paper and in black and white: each result is a word ("PASSED", "FAILED",
"SKIPPED") as well as a colour. Times are printed with the UTC offset they were recorded
with, never converted to the reader's zone. Every printed word comes from `ReportLabels`,
so a Dutch report is one more instance of it, not a second layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pole_link.commissioning.record import Outcome, RunRecord, StepKind, StepResult
from pole_link.commissioning.words import Translate, dutch, english
from pole_link.pdf_pages import numbered

PHOTO_TYPES = ("image/jpeg", "image/png")
PASS_COLOUR = colors.HexColor("#1b7a2e")
FAIL_COLOUR = colors.HexColor("#b3261e")
OTHER_COLOUR = colors.HexColor("#6b5d00")
_TINTS = {Outcome.PASSED: colors.HexColor("#e3f4e6"), Outcome.FAILED: colors.HexColor("#fbe3e1")}
_GREY_TINT = colors.HexColor("#f3efd9")
_OUTSIDE_THE_FONT = str.maketrans({"≤": "<=", "≥": ">=", "→": "->", "←": "<-", "≠": "!=",
                                   "✓": "v", "✗": "x", "Ω": "Ohm"})
"""Signs a checklist may use that the PDF's built-in Helvetica cannot draw (it would print
a black box); the report's text must stay readable without embedding a font."""


def escape(text: str) -> str:
    """``text`` for a Paragraph: markup characters escaped, signs Helvetica lacks spelled."""
    return _xml_escape(text.translate(_OUTSIDE_THE_FONT))


@dataclass(frozen=True)
class ReportLabels:
    """Every word the PDF prints (English by default; a translation is another instance)."""

    title: str = "Commissioning report"
    passed_banner: str = "RESULT: PASSED"
    failed_banner: str = "RESULT: FAILED"
    passed_summary: str = "No required step failed."
    failed_summary: str = "{count} required step(s) failed."
    pole: str = "Pole"
    vendor: str = "Vendor"
    model: str = "Model"
    serial: str = "Serial number"
    firmware: str = "Firmware"
    location: str = "Location"
    unknown: str = "not known"
    technician: str = "Technician"
    started: str = "Started"
    finished: str = "Finished"
    checklist: str = "Checklist"
    version: str = "version"
    link: str = "Connected via"
    run: str = "Run"
    key: str = "Signing key"
    steps: str = "Steps"
    counts: str = "{passed} passed, {failed} failed, {other} skipped or not done, of {total}"
    number: str = "#"
    step: str = "Step"
    kind: str = "Kind"
    result: str = "Result"
    evidence: str = "Evidence"
    optional: str = "optional"
    measured: str = "Measured"
    message: str = "Why"
    notes: str = "Notes"
    skip_reason: str = "Reason skipped"
    attachment: str = "Attachment"
    photos: str = "Photos"
    photo_caption: str = "Step {number} ({step}): {name} — SHA-256 {sha256}"
    photo_unreadable: str = "(this photo cannot be shown: the file is not a readable " \
                            "image, {error})"
    signature: str = "Signature"
    signature_text: str = (
        "This report is signed by {technician} with an Ed25519 key whose fingerprint is "
        "{fingerprint}. The file report.json holds the same facts and the signature; the "
        "service accepts the report only when the signature verifies with a key "
        "registered for {technician}, and the PDF is the one signed.")
    page: str = "page {page} of {pages}"
    footer: str = "Commissioning report {pole} — run {run}"
    outcomes: dict[Outcome, str] = field(default_factory=lambda: {
        Outcome.PASSED: "PASSED", Outcome.FAILED: "FAILED", Outcome.SKIPPED: "SKIPPED",
        Outcome.NOT_CONFIRMED: "NOT CONFIRMED", Outcome.NOT_AVAILABLE: "NOT AVAILABLE"})
    kinds: dict[StepKind, str] = field(default_factory=lambda: {
        StepKind.AUTOMATIC: "automatic", StepKind.CONFIRM: "confirmed by technician",
        StepKind.MEASURE: "measured", StepKind.ATTACHMENT: "photo / file"})
    links: dict[str, str] = field(default_factory=lambda: {
        "serial": "service port (USB)", "ble": "Bluetooth LE", "service": "the service"})
    words: Translate = english
    """How the checks' evidence and messages read (`words.py`'s catalogue)."""


ENGLISH = ReportLabels()

DUTCH = ReportLabels(
    title="Rapport van inbedrijfstelling",
    passed_banner="RESULTAAT: GESLAAGD", failed_banner="RESULTAAT: MISLUKT",
    passed_summary="Geen verplichte stap is mislukt.",
    failed_summary="{count} verplichte stap(pen) mislukt.",
    pole="Paal", vendor="Leverancier", model="Model", serial="Serienummer",
    firmware="Firmware", location="Locatie", unknown="onbekend", technician="Monteur",
    started="Begonnen", finished="Afgerond", checklist="Checklist", version="versie",
    link="Verbonden via", run="Doorloop", key="Ondertekeningssleutel", steps="Stappen",
    counts="{passed} geslaagd, {failed} mislukt, {other} overgeslagen of niet gedaan, "
           "van {total}",
    number="#", step="Stap", kind="Soort", result="Resultaat", evidence="Bewijs",
    optional="optioneel", measured="Gemeten", message="Waarom", notes="Opmerkingen",
    skip_reason="Reden overgeslagen", attachment="Bijlage", photos="Foto's",
    photo_caption="Stap {number} ({step}): {name} — SHA-256 {sha256}",
    photo_unreadable="(deze foto kan niet worden getoond: het bestand is geen leesbare "
                     "afbeelding, {error})",
    signature="Handtekening",
    signature_text=(
        "Dit rapport is ondertekend door {technician} met een Ed25519-sleutel met "
        "vingerafdruk {fingerprint}. Het bestand report.json bevat dezelfde feiten en de "
        "handtekening; de service neemt het rapport alleen aan als de handtekening klopt "
        "met een sleutel die voor {technician} is geregistreerd, en de pdf is de "
        "ondertekende."),
    page="pagina {page} van {pages}",
    footer="Rapport van inbedrijfstelling {pole} — doorloop {run}",
    outcomes={Outcome.PASSED: "GESLAAGD", Outcome.FAILED: "MISLUKT",
              Outcome.SKIPPED: "OVERGESLAGEN", Outcome.NOT_CONFIRMED: "NIET BEVESTIGD",
              Outcome.NOT_AVAILABLE: "NIET BESCHIKBAAR"},
    kinds={StepKind.AUTOMATIC: "automatisch", StepKind.CONFIRM: "bevestigd door monteur",
           StepKind.MEASURE: "gemeten", StepKind.ATTACHMENT: "foto / bestand"},
    links={"serial": "servicepoort (USB)", "ble": "Bluetooth LE", "service": "de service"},
    words=dutch)
"""The report in Dutch, for a Dutch grantor (the tender's language)."""

LABELS = {"en": ENGLISH, "nl": DUTCH}
"""Report languages by code."""


def format_time(moment: datetime) -> str:
    """``2026-12-04 14:03:12 UTC+01:00``: the zone it was recorded in, always shown."""
    offset = moment.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("", "+0000") else "UTC"
    return f"{moment.strftime('%Y-%m-%d %H:%M:%S')} {zone}"


def render_pdf(record: RunRecord, folder: Path, fingerprint: str, *,
               labels: ReportLabels = ENGLISH) -> bytes:
    """The report of ``record`` as PDF bytes; photos are read from ``folder``."""
    out = io.BytesIO()
    footer = labels.footer.format(pole=record.pole.pole_id, run=record.run_id)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=20 * mm,
                            title=f"{labels.title} {record.pole.pole_id}",
                            author=record.technician, subject=record.run_id)
    # The fingerprint is compared group by group: never broken across lines.
    story = _Story(labels, doc.width).build(record, folder, fingerprint.replace(" ", "\u00a0"))

    canvas = numbered(footer, labels.page, margin=18 * mm, baseline=10 * mm)
    doc.build(story, canvasmaker=canvas)
    return out.getvalue()


class _Story:
    """The flowables, top to bottom."""

    def __init__(self, labels: ReportLabels, width: float) -> None:
        self.labels = labels
        self.width = width
        styles = getSampleStyleSheet()
        self.body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=10, leading=13)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8.5, leading=11)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=9, leading=11.5)
        self.bold = ParagraphStyle("bold", parent=self.cell, fontName="Helvetica-Bold")
        self.h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=20, leading=24,
                                 alignment=0, spaceAfter=2)
        self.h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=13, leading=16,
                                 spaceBefore=10, spaceAfter=6)
        self.banner = ParagraphStyle("banner", parent=self.body, fontName="Helvetica-Bold",
                                     fontSize=16, leading=20, textColor=colors.white,
                                     alignment=TA_CENTER)
        self.banner_small = ParagraphStyle("bannerSmall", parent=self.banner, fontSize=10,
                                           leading=13, fontName="Helvetica")

    def build(self, record: RunRecord, folder: Path, fingerprint: str) -> list[Flowable]:
        labels = self.labels
        story: list[Flowable] = [
            Paragraph(escape(labels.title), self.h1),
            Paragraph(escape(f"{labels.pole} {record.pole.pole_id}"), self.h2),
            self._banner(record), Spacer(1, 6 * mm),
            self._facts(record, fingerprint),
            Paragraph(escape(labels.steps), self.h2),
            Paragraph(escape(self._counts(record)), self.body), Spacer(1, 2 * mm),
            self._steps(record),
        ]
        story += self._photos(record, folder)
        story += [Paragraph(escape(labels.signature), self.h2),
                  Paragraph(escape(labels.signature_text.format(
                      technician=record.technician, fingerprint=fingerprint)), self.body)]
        return story

    def _banner(self, record: RunRecord) -> Flowable:
        failed = sum(1 for s in record.steps if s.required and s.outcome is Outcome.FAILED)
        labels = self.labels
        words = (labels.passed_banner, labels.passed_summary) if record.passed else (
            labels.failed_banner, labels.failed_summary.format(count=failed))
        table = Table([[Paragraph(escape(words[0]), self.banner)],
                       [Paragraph(escape(words[1]), self.banner_small)]],
                      colWidths=[self.width])
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), PASS_COLOUR if record.passed else FAIL_COLOUR),
            ("TOPPADDING", (0, 0), (-1, 0), 8), ("BOTTOMPADDING", (0, -1), (-1, -1), 8)]))
        return table

    def _facts(self, record: RunRecord, fingerprint: str) -> Flowable:
        labels, pole = self.labels, record.pole
        rows = [
            (labels.pole, pole.pole_id), (labels.vendor, pole.vendor or labels.unknown),
            (labels.model, pole.model or labels.unknown),
            (labels.serial, pole.serial_number or labels.unknown),
            (labels.firmware, pole.firmware_version or labels.unknown),
            (labels.location, pole.location or labels.unknown),
            (labels.technician, record.technician),
            (labels.started, format_time(record.started)),
            (labels.finished, format_time(record.finished) if record.finished
             else labels.unknown),
            (labels.checklist, f"{record.checklist} ({labels.version} "
                               f"{record.checklist_version})"),
            (labels.link, labels.links.get(record.link, record.link)),
            (labels.run, record.run_id), (labels.key, fingerprint),
        ]
        table = Table([[Paragraph(escape(k), self.bold), Paragraph(escape(v), self.cell)]
                       for k, v in rows], colWidths=[42 * mm, self.width - 42 * mm])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        return table

    def _counts(self, record: RunRecord) -> str:
        passed = sum(1 for s in record.steps if s.outcome is Outcome.PASSED)
        failed = sum(1 for s in record.steps if s.outcome is Outcome.FAILED)
        return self.labels.counts.format(passed=passed, failed=failed,
                                         other=len(record.steps) - passed - failed,
                                         total=len(record.steps))

    def _steps(self, record: RunRecord) -> Flowable:
        labels = self.labels
        header = [Paragraph(escape(text), self.bold) for text in
                  (labels.number, labels.step, labels.kind, labels.result, labels.evidence)]
        rows: list[list[Any]] = [header]
        style: list[Any] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#aaaaaa")),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
        for number, step in enumerate(record.steps, start=1):
            rows.append([Paragraph(str(number), self.cell), self._title(step),
                         Paragraph(escape(labels.kinds.get(step.kind, step.kind.value)),
                                   self.cell),
                         self._result(step), self._evidence(step)])
            style.append(("BACKGROUND", (3, number), (3, number),
                          _TINTS.get(step.outcome, _GREY_TINT)))
        widths = [8 * mm, 48 * mm, 22 * mm, 32 * mm]  # "OVERGESLAGEN" on one line
        table = Table(rows, colWidths=[*widths, self.width - sum(widths)], repeatRows=1)
        table.setStyle(TableStyle(style))
        return table

    def _title(self, step: StepResult) -> Paragraph:
        optional = "" if step.required else f" ({escape(self.labels.optional)})"
        return Paragraph(f"<b>{escape(step.title)}</b>{optional}<br/>"
                         f"<font size=7.5 color='#555555'>{escape(format_time(step.at))}"
                         f"</font>", self.cell)

    def _result(self, step: StepResult) -> Paragraph:
        colour = {Outcome.PASSED: PASS_COLOUR, Outcome.FAILED: FAIL_COLOUR}.get(
            step.outcome, OTHER_COLOUR)
        word = self.labels.outcomes.get(step.outcome, step.outcome.value)
        return Paragraph(f"<font color='#{colour.hexval()[2:]}'>"
                         f"<b>{escape(word)}</b></font>", self.cell)

    def _evidence(self, step: StepResult) -> Paragraph:
        labels = self.labels
        lines = [f"{escape(k)}: <b>{escape(v)}</b>"
                 for k, v in step.shown_evidence(labels.words)]
        if step.value is not None:
            lines.append(f"{escape(labels.measured)}: <b>{step.value:g} "
                         f"{escape(step.unit)}</b>")
        for label, text in ((labels.message, step.shown_message(labels.words)),
                            (labels.notes, step.notes),
                            (labels.skip_reason, step.skip_reason)):
            if text:
                lines.append(f"<i>{escape(label)}:</i> {escape(text)}")
        for attachment in step.attachments:
            lines.append(f"{escape(labels.attachment)}: {escape(attachment.name)} "
                         f"<font size=7.5>(SHA-256 {attachment.sha256[:16]}…)</font>")
        return Paragraph("<br/>".join(lines) or "—", self.cell)

    def _photos(self, record: RunRecord, folder: Path) -> list[Flowable]:
        flowables: list[Flowable] = []
        for number, step in enumerate(record.steps, start=1):
            for attachment in step.attachments:
                if attachment.media_type not in PHOTO_TYPES:
                    continue
                path = folder / attachment.path
                caption = self.labels.photo_caption.format(
                    number=number, step=step.title, name=attachment.name,
                    sha256=attachment.sha256)
                try:
                    width, height = ImageReader(str(path)).getSize()
                except Exception as exc:
                    picture: Flowable = Paragraph(escape(self.labels.photo_unreadable.format(
                        error=type(exc).__name__)), self.cell)
                else:
                    scale = min(130 * mm / width, 85 * mm / height)
                    picture = Image(str(path), width=width * scale, height=height * scale,
                                    hAlign="LEFT")
                flowables.append(KeepTogether([
                    picture, Spacer(1, 1.5 * mm), Paragraph(escape(caption), self.small),
                    Spacer(1, 4 * mm)]))
        if flowables:  # the heading stays on the page of the first photo
            flowables[0] = KeepTogether([Paragraph(escape(self.labels.photos), self.h2),
                                         flowables[0]])
        return flowables
