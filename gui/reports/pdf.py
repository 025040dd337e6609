"""The tender's reports as the PDF the grantor files as quarterly evidence (eis 25, 30, 48):
title, period, pole(s), the tables, met or not met in words, when it was generated (the
injected clock, never the machine's), and "page x of y" on every page.

Qt-free, run on a worker thread. It reuses the commissioning report's look
(`pole_link.commissioning.pdf`: its colours, its escaping of signs Helvetica lacks, its
time format with the offset shown) so the grantor's papers read as one set. Every printed
word is in `PdfWords`, so a Dutch report is one more instance, not a second layout.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gui.reports.summary import UPTIME_TARGET, PoleDetail, PoleSummary, ReportPeriod
from pole_link.commissioning.pdf import FAIL_COLOUR, PASS_COLOUR, escape, format_time
from pole_link.pdf_pages import numbered
from pole_link.service_reports import SubperiodRecord, UptimeRecord

Progress = Callable[[int, int], None]
"""``progress(done, total)``: rows of the fleet table laid out so far."""

ROWS_PER_CHUNK = 50
"""Fleet rows per table flowable; a chunk breaks across pages by itself (``repeatRows``
keeps the header on each page) and progress is counted per drawn piece."""
_GREY = colors.HexColor("#e8e8e8")
_LINE = colors.HexColor("#aaaaaa")


@dataclass(frozen=True)
class PdfWords:
    """Every word the reports print (English; a translation is another instance)."""

    pole_title: str = "Tender report of pole {pole}"
    fleet_title: str = "Tender report of the fleet"
    period: str = "Period"
    poles: str = "Poles"
    generated: str = "Generated"
    compliance: str = "Capacity profile: overrule during the peak (eis 25, 30)"
    uptime: str = "Uptime: connected and available for charging (eis 48)"
    subperiod: str = "Subperiod"
    dates: str = "From - until"
    running: str = "running"
    peak: str = "Peak transactions"
    overruled: str = "Overruled"
    share: str = "Overruled %"
    target: str = "Limit"
    verdict: str = "Result"
    met: str = "MET"
    not_met: str = "NOT MET"
    nothing: str = "no judgement"
    low_current: str = "Low-current vehicles (eis 30), left out of the percentages: {ids}"
    low_current_named: str = "Low-current vehicles whose driver overruled: {names}"
    none: str = "none"
    no_compliance: str = "No compliance report: {why}"
    up: str = "Up"
    connected: str = "Connected"
    available: str = "Available"
    unknown: str = "Status unknown"
    percent: str = "Uptime %"
    no_uptime: str = "No uptime: the pole was not registered in this period."
    pole: str = "Pole"
    missed_count: str = "{missed} of {total} poles miss a target; most at risk first."
    hours: str = "{hours} h"
    footer: str = "{title} - {period}"
    page: str = "page {page} of {pages}"
    running_year: str = "%1 (until %2)"
    subperiod_names: tuple[tuple[str, str], ...] = (
        ("baseline", "baseline"), ("subperiod 2", "subperiod 2"),
        ("subperiod 3", "subperiod 3"))


ENGLISH = PdfWords()

DUTCH = PdfWords(
    pole_title="Aanbestedingsrapport van laadpaal {pole}",
    fleet_title="Aanbestedingsrapport van de vloot",
    period="Periode", poles="Laadpalen", generated="Gemaakt",
    compliance="Capaciteitsprofiel: overrule tijdens de piek (eis 25, 30)",
    uptime="Beschikbaarheid: verbonden en beschikbaar om te laden (eis 48)",
    subperiod="Deelperiode", dates="Van - tot", running="loopt",
    peak="Transacties in de piek", overruled="Overruled", share="Overruled %",
    target="Grens", verdict="Resultaat", met="GEHAALD", not_met="NIET GEHAALD",
    nothing="geen oordeel",
    low_current="Voertuigen met lage laadstroom (eis 30), niet meegeteld in de percentages: "
                "{ids}",
    low_current_named="Voertuigen met lage laadstroom waarvan de bestuurder overrulede: "
                      "{names}",
    none="geen", no_compliance="Geen nalevingsrapport: {why}",
    up="In bedrijf", connected="Verbonden", available="Beschikbaar",
    unknown="Status onbekend", percent="Beschikbaarheid %",
    no_uptime="Geen beschikbaarheid: de laadpaal was in deze periode niet geregistreerd.",
    pole="Laadpaal",
    missed_count="{missed} van {total} laadpalen halen een doel niet; het grootste risico "
                 "eerst.",
    hours="{hours} u", footer="{title} - {period}", page="pagina {page} van {pages}",
    running_year="%1 (tot %2)",
    subperiod_names=(("baseline", "nulmeting"), ("subperiod 2", "deelperiode 2"),
                     ("subperiod 3", "deelperiode 3")))
"""The report for a Dutch grantor: the tender is Dutch, so is its evidence."""


def words_for(language: str) -> PdfWords:
    """The PDF's words in the app's language (``"nl"`` Dutch, anything else English)."""
    return DUTCH if language == "nl" else ENGLISH


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def _hours(seconds: float, words: PdfWords) -> str:
    return words.hours.format(hours=f"{seconds / 3600:,.1f}")


class _FleetTable(Table):
    """A piece of the fleet table; reportlab splits it into pieces of the same class, so
    counting the rows of each drawn piece (less its header) is the progress."""


class _Layout:
    """Styles and the tables both reports share."""

    def __init__(self, words: PdfWords, width: float) -> None:
        self.words = words
        self.width = width
        styles = getSampleStyleSheet()
        self.body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=10, leading=13)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=9, leading=11.5)
        self.bold = ParagraphStyle("bold", parent=self.cell, fontName="Helvetica-Bold")
        self.h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=20, leading=24,
                                 alignment=0, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=13, leading=16,
                                 spaceBefore=10, spaceAfter=6)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(text), style or self.cell)

    def verdict(self, met: bool | None) -> Paragraph:
        words = self.words
        if met is None:
            return self.p(words.nothing)
        colour = PASS_COLOUR if met else FAIL_COLOUR
        word = words.met if met else words.not_met
        return Paragraph(f"<font color='#{colour.hexval()[2:]}'><b>{escape(word)}</b></font>",
                         self.cell)

    def facts(self, rows: Sequence[tuple[str, str]]) -> Table:
        table = Table([[self.p(k, self.bold), self.p(v)] for k, v in rows],
                      colWidths=[40 * mm, self.width - 40 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc"))]))
        return table

    def grid(self, rows: list[list[Any]], widths: Sequence[float], *,
             kind: type[Table] = Table) -> Table:
        table = kind(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), _GREY),
            ("GRID", (0, 0), (-1, -1), 0.25, _LINE),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        return table

    def subperiod_name(self, name: str) -> str:
        return dict(self.words.subperiod_names).get(name, name)

    def subperiods(self, subs: Sequence[SubperiodRecord]) -> Table:
        w = self.words
        rows: list[list[Any]] = [[self.p(t, self.bold) for t in (
            w.subperiod, w.dates, w.peak, w.overruled, w.share, w.target, w.verdict)]]
        for sub in subs:
            until = sub.end.strftime("%Y-%m-%d") + ("" if sub.complete else f" ({w.running})")
            rows.append([self.p(self.subperiod_name(sub.subperiod)),
                         self.p(f"{sub.start.strftime('%Y-%m-%d')} - {until}"),
                         self.p(str(sub.peak_transactions)), self.p(str(sub.overruled)),
                         self.p(_percent(sub.overruled_percent)),
                         self.p("-" if sub.target_percent is None
                                else f"<= {sub.target_percent} %"),
                         self.verdict(sub.target_met)])
        fixed = [26 * mm, 48 * mm, 26 * mm, 22 * mm, 24 * mm, 18 * mm]
        return self.grid(rows, [*fixed, self.width - sum(fixed)])

    def low_current(self, subs: Sequence[SubperiodRecord]) -> list[Flowable]:
        w = self.words
        flowables: list[Flowable] = []
        for sub in subs:
            ids = " ".join(str(i) for i in sub.low_current_transactions) or w.none
            names = ", ".join(f"{n.id_tag} (#{n.transaction_id})"
                              for n in sub.low_current_overruled) or w.none
            flowables += [self.p(f"{self.subperiod_name(sub.subperiod)}: "
                                 + w.low_current.format(ids=ids), self.body),
                          self.p(w.low_current_named.format(names=names), self.body)]
        return flowables

    def uptime(self, record: UptimeRecord) -> Table:
        w = self.words
        rows: list[list[Any]] = [[self.p(t, self.bold) for t in (
            w.period, w.up, w.connected, w.available, w.unknown, w.percent, w.verdict)]]
        rows.append([self.p(f"{record.start.strftime('%Y-%m-%d')} - "
                            f"{record.end.strftime('%Y-%m-%d %H:%M')}"),
                     self.p(_hours(record.up_seconds, w)),
                     self.p(_hours(record.connected_seconds, w)),
                     self.p(_hours(record.available_seconds, w)),
                     self.p(_hours(record.status_unknown_seconds, w)),
                     self.p(f"{record.percent:.2f} % (>= {UPTIME_TARGET:g} %)"),
                     self.verdict(record.meets_98)])
        fixed = [40 * mm, 22 * mm, 24 * mm, 24 * mm, 24 * mm, 30 * mm]
        return self.grid(rows, [*fixed, self.width - sum(fixed)])


def _build(story: list[Flowable], *, title: str, period: ReportPeriod, words: PdfWords,
           pagesize: tuple[float, float], after: Callable[[Flowable], None] | None = None
           ) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=16 * mm, title=title,
                            subject=period.label_in(words.running_year), author="Paalwerk")
    if after is not None:
        doc.afterFlowable = after  # type: ignore[method-assign,assignment]  # reportlab's hook
    footer = words.footer.format(title=title, period=period.label_in(words.running_year))

    canvas = numbered(footer, words.page, margin=15 * mm, baseline=8 * mm)
    doc.build(story, canvasmaker=canvas)
    return out.getvalue()


def _width(pagesize: tuple[float, float]) -> float:
    return pagesize[0] - 30 * mm


def pole_pdf(detail: PoleDetail, generated_at: datetime, *, words: PdfWords = ENGLISH
             ) -> bytes:
    """One pole's evidence: its subperiods (eis 25, 30) and its uptime (eis 48)."""
    pagesize = landscape(A4)
    layout = _Layout(words, _width(pagesize))
    title = words.pole_title.format(pole=detail.pole_id)
    story: list[Flowable] = [
        layout.p(title, layout.h1),
        layout.facts([(words.pole, detail.pole_id),
                      (words.period, detail.period.label_in(words.running_year)),
                      (words.generated, format_time(generated_at))]),
        layout.p(words.compliance, layout.h2)]
    if detail.subperiods:
        story += [layout.subperiods(detail.subperiods), Spacer(1, 3 * mm),
                  *layout.low_current(detail.subperiods)]
    else:
        story.append(layout.p(words.no_compliance.format(why=detail.compliance_note),
                              layout.body))
    story.append(layout.p(words.uptime, layout.h2))
    story.append(layout.uptime(detail.uptime) if detail.uptime is not None
                 else layout.p(words.no_uptime, layout.body))
    return _build(story, title=title, period=detail.period, words=words, pagesize=pagesize)


def fleet_pdf(rows: Sequence[PoleSummary], period: ReportPeriod, generated_at: datetime,
              *, words: PdfWords = ENGLISH, progress: Progress | None = None) -> bytes:
    """The fleet summary, most at risk first: per pole its uptime and its current
    subperiod, each with met or not met. ``progress`` hears how far the layout is."""
    pagesize = landscape(A4)
    layout = _Layout(words, _width(pagesize))
    missed = sum(1 for row in rows if row.missed)
    story: list[Flowable] = [
        layout.p(words.fleet_title, layout.h1),
        layout.facts([(words.period, period.label_in(words.running_year)),
                      (words.poles, str(len(rows))),
                      (words.generated, format_time(generated_at))]),
        Spacer(1, 3 * mm),
        layout.p(words.missed_count.format(missed=missed, total=len(rows)), layout.body),
        Spacer(1, 2 * mm)]
    header = [layout.p(t, layout.bold) for t in (
        words.pole, words.percent, words.verdict + " (eis 48)", words.subperiod,
        words.peak, words.share, words.target, words.verdict + " (eis 25)")]
    fixed = [38 * mm, 24 * mm, 30 * mm, 30 * mm, 30 * mm, 26 * mm, 22 * mm]
    widths = [*fixed, layout.width - sum(fixed)]
    for first in range(0, len(rows), ROWS_PER_CHUNK):
        body: list[list[Any]] = [header]
        for row in rows[first:first + ROWS_PER_CHUNK]:
            up, sub = row.uptime, row.subperiod
            body.append([
                layout.p(row.pole_id),
                layout.p("-" if up is None else f"{up.percent:.2f} %"),
                layout.verdict(None if up is None else up.meets_98),
                layout.p("-" if sub is None else layout.subperiod_name(sub.subperiod)),
                layout.p("-" if sub is None else str(sub.peak_transactions)),
                layout.p(_percent(None if sub is None else sub.overruled_percent)),
                layout.p("-" if sub is None or sub.target_percent is None
                         else f"<= {sub.target_percent} %"),
                layout.verdict(None if sub is None else sub.target_met)])
        story.append(layout.grid(body, widths, kind=_FleetTable))
    done = 0

    def after(flowable: Flowable) -> None:
        nonlocal done
        if isinstance(flowable, _FleetTable) and progress is not None:
            done += len(flowable._cellvalues) - 1  # type: ignore[attr-defined]
            progress(done, len(rows))
    return _build(story, title=words.fleet_title, period=period, words=words,
                  pagesize=pagesize, after=after)
