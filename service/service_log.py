"""How ``paalwerk service`` logs to stderr, in one process and in each ``--workers`` process.

Warnings and worse, plus the few INFO lines an operator reads once at start — what accept
queue the kernel gave (`service.listen_queue`) and what event loop and HTTP parser the
process runs on (`service.event_loop`) — which otherwise fall below the WARNING level and
say nothing. A ``--workers`` process is a fresh interpreter (spawned): it configures its own
logging with this too, or its warnings would reach stderr without time or origin.
"""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
START_LOGGERS = ("service.listen_queue", "service.event_loop")
"""Loggers whose INFO lines are shown: each says one thing, once, at start."""


def configure() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format=FORMAT)
    for name in START_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
