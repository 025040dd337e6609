"""Grey out a button the signed-in operator's role may not use, with the reason as its
tooltip (issue 17): the Qt side of `gui.access.Access`, one function for every page."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from gui.access import Access, Action


def gate(widget: QWidget, access: Access, action: Action, usable: bool, *,
         tooltip: str = "") -> None:
    """Enable ``widget`` when the page finds it ``usable`` and the role may do ``action``;
    a refused role reads why in the tooltip, otherwise the page's own ``tooltip`` shows."""
    refusal = access.refusal(action)
    widget.setEnabled(usable and refusal is None)
    widget.setToolTip(tooltip if refusal is None
                      else refusal.text(QCoreApplication.translate))
