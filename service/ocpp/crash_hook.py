"""A test hook: the service dies between storing a pole's message and answering it.

That gap is where a crash makes a pole resend what the service already stored (issue 20):
the pole deletes a queued message only once answered. A crash test needs to land in it
every time, not by luck, so ``PAALWERK_TEST_CRASH_BEFORE_ANSWER=MeterValues,…`` (OCPP
actions, comma-separated) makes the service kill itself with SIGKILL once such a call is
stored and its answer is about to go out — the same as a power cut at that moment.

For tests only, and inert unless the variable is set: nothing is read per message then.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys

LOGGER = logging.getLogger(__name__)

CRASH_ENV = "PAALWERK_TEST_CRASH_BEFORE_ANSWER"
ARMED: frozenset[str] = frozenset(
    action.strip() for action in os.environ.get(CRASH_ENV, "").split(",") if action.strip())
"""The actions whose answer this process never sends; empty (the normal case): none."""

if ARMED:
    LOGGER.warning("test hook %s set: this service kills itself before answering %s",
                   CRASH_ENV, ", ".join(sorted(ARMED)))


def call_action(raw_message: str) -> str | None:
    """The action of an incoming CALL ``[2, id, action, payload]``; None for anything else
    (only looked at when the hook is armed)."""
    try:
        frame = json.loads(raw_message)
    except ValueError:
        return None
    if isinstance(frame, list) and len(frame) > 2 and frame[0] == 2:
        return str(frame[2])
    return None


def before_answer(action: str | None, pole_id: str) -> None:
    """Called with everything stored, just before the answer to ``action`` is sent."""
    if action is not None and action in ARMED:
        # Said on stderr first, so the test knows the kill landed in the gap.
        print(f"{CRASH_ENV}: {pole_id} {action} stored, killed before answering",
              file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
