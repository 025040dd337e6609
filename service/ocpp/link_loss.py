"""A pole that leaves while the service's boot-time calls to it wait is news, not a fault.

In a reconnect storm poles come and go mid-boot. Each of the service's calls still waiting
for such a pole (the GetConfiguration the grid limit and the service-token keys share, a
local list) then fails with `LinkLost`, and each used to be a WARNING: dozens of lines per
storm, two per pole that merely left (issue 20), among which a real refusal was easy to
miss. So a link loss is logged at INFO, once per boot (the first of its calls to fail
says it), and a refusal, a timeout or a broken answer stays a WARNING.
"""

from __future__ import annotations

import contextlib
import logging
import weakref

from pole_link.errors import LinkLost, PoleLinkError

__all__ = ["pole_call_failed"]

_told: weakref.WeakSet[object] = weakref.WeakSet()
"""The boots or connections whose link loss has been logged."""


def pole_call_failed(logger: logging.Logger, pole_id: str, what: str, exc: PoleLinkError,
                     *, boot: object | None = None) -> None:
    """Log that `what` (e.g. "GridConnectionMaxCurrent not set") failed with `exc`.

    ``boot``: an object that lives for this boot (or connection) only and is shared by its
    calls (the boot's `SharedConfiguration`, or the pole's handler), so a link loss is
    one line per boot; None logs every loss."""
    if not isinstance(exc, LinkLost):
        logger.warning("%s: %s: %s", pole_id, what, exc)
        return
    if boot is not None:
        if boot in _told:
            logger.debug("%s: %s: %s", pole_id, what, exc)
            return
        with contextlib.suppress(TypeError):  # not weakly referable: every loss is told
            _told.add(boot)
    logger.info("%s: %s (the pole left): %s", pole_id, what, exc)
