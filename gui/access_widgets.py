"""Grey out a button the signed-in operator's role may not use, with the reason as its
tooltip (issue 17): the Qt side of `gui.access.Access`, one function for every page."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
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


def gate_action(item: QAction, access: Access, action: Action, usable: bool, *,
                tooltip: str = "") -> None:
    """`gate` for a menu item: the reason shows as its tooltip (menus set
    ``setToolTipsVisible``) and in the status bar while it is hovered."""
    refusal = access.refusal(action)
    item.setEnabled(usable and refusal is None)
    why = tooltip if refusal is None else refusal.text(QCoreApplication.translate)
    item.setToolTip(why)
    item.setStatusTip(why)
