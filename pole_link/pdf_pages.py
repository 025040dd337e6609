"""A reportlab canvas that numbers its pages "page x of y", for every PDF Paalwerk writes
(the commissioning report, the tender reports).

Why a canvas of its own: reportlab draws a page before it knows how many follow, so the
total is only known at the end. This canvas keeps each page's drawing state until `save`
and then draws every footer with the total, the recipe of reportlab's own documentation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

FOOTER_COLOUR = colors.HexColor("#444444")


class NumberedCanvas(Canvas):
    """``footer`` on the left of every page, ``page_words`` (``{page}``, ``{pages}``) on the
    right, ``margin`` from the page's sides and ``baseline`` from its bottom (points)."""

    def __init__(self, *args: Any, footer: str, page_words: str, margin: float,
                 baseline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer
        self._page_words = page_words
        self._margin = margin
        self._baseline = baseline

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab: a fresh page state

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            width = self._pagesize[0]  # type: ignore[attr-defined]
            self.setFont("Helvetica", 8.5)
            self.setFillColor(FOOTER_COLOUR)
            self.drawString(self._margin, self._baseline, self._footer)
            self.drawRightString(width - self._margin, self._baseline,
                                 self._page_words.format(page=number, pages=total))
            super().showPage()
        super().save()


def numbered(footer: str, page_words: str, *, margin: float,
             baseline: float) -> Callable[..., NumberedCanvas]:
    """A ``canvasmaker`` for ``SimpleDocTemplate.build``."""

    def make(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, footer=footer, page_words=page_words, margin=margin,
                              baseline=baseline, **kwargs)
    return make
