"""The outage board's next steps in the app's language.

The service words a next step in English (`service.outages.rules`: one fixed sentence per
cause, one per hardware fault code), because the board is also an API answer for scripts.
The helpdesk reads it in its own language: the sentences are marked here for translation
and translated where they are shown; a sentence the app does not know (a newer service)
is shown as the service wrote it. `tests/gui/test_outages_view.py` holds the two lists
equal, so a sentence changed in the service cannot silently lose its translation.
"""

from __future__ import annotations

from collections.abc import Callable

from gui.fleet.rows import QT_TRANSLATE_NOOP

CONTEXT = "OutageSteps"

STEPS = (
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Call the grid operator's outage line for the area; nothing to send to the poles: "
        "they restart by themselves when power returns (eis 43)."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Reset the modem remotely if the pole answers; otherwise send a technician with a "
        "spare modem and SIM and check the signal."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Reset the socket remotely once; if it trips again, send a technician to test the "
        "socket and its protection."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Hold the firmware rollout and install the previous release on this pole; report "
        "the failure to the manufacturer."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Check the pole's capacity profile and connection size (eis 24, 33); ask the grid "
        "operator whether the peak limit can be raised."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Check the pole's credentials and security profile; if nobody changed them, treat "
        "it as an attack: rotate the key and inform security."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Send a technician to test the earth-fault protection (aardlekschakelaar) and the "
        "charging cable of the socket; a trip every evening often is one vehicle with a "
        "leaking charger."),
    QT_TRANSLATE_NOOP(
        "OutageSteps", "Send a technician to replace the socket's lock actuator."),
    QT_TRANSLATE_NOOP(
        "OutageSteps",
        "Send a technician to check the socket's overcurrent protection and the load "
        "balancing settings (eis 31)."),
    QT_TRANSLATE_NOOP(
        "OutageSteps", "Send a technician to replace the MID meter (eis 56)."),
)
"""Every next step the service words, as it words them."""


def step_text(step: str, translate: Callable[[str, str], str]) -> str:
    """The service's next step in the app's language (unknown sentences as they are)."""
    return translate(CONTEXT, step) if step in STEPS else step
