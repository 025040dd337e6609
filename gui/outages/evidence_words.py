"""The outage board's evidence in the app's language.

The service words each finding in English for the API's scripts and CSV users, and sends
with it a stable code and the parameters behind the sentence
(`service.outages.rules.EVIDENCE_CODES`). The helpdesk reads it in its own language: the
sentences are marked here for translation, keyed by code, and filled in with the
parameters — times on the pole's wall clock, as the rest of the board shows them. A code
the app does not know (a newer service), or parameters it cannot use, leave the
service's sentence as it is. `tests/gui/test_outage_evidence_words.py` holds the codes
equal to the service's and, untranslated, every sentence equal to the service's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from gui.fleet.rows import QT_TRANSLATE_NOOP
from pole_link.service_outages import EvidenceRecord

CONTEXT = "OutageEvidence"

Translate = Callable[[str, str], str]
LocalTime = Callable[[datetime], str]
"""How the board writes a moment (``2026-06-12 19:02``, the pole's zone)."""

SENTENCES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "grid.shared_drop": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "%1 poles in area %2 lost their connection between %3 and %4 (%5 s apart)."),
        ("poles", "area", "@first", "@last", "apart_s")),
    "grid.back_power_loss": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "%1 of them are back; their transactions stopped with reason PowerLoss %2 times: "
        "the power went, not the network."), ("back", "power_loss_stops")),
    "grid.back_no_stop": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "%1 of them are back; none had a transaction running to report a PowerLoss stop, "
        "so the shared minute is the evidence."), ("back",)),
    "telecom.offline_alone": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "Offline since %1; no other pole of its area dropped at that minute."),
        ("@offline_since",)),
    "telecom.offline_no_location": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "Offline since %1; no location is set, so its area cannot be compared."),
        ("@offline_since",)),
    "telecom.offline_service_stopped": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "Offline since %1; the service stopped while it was connected and it has not "
        "come back."), ("@offline_since",)),
    "telecom.not_back_after_restart": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "Not reconnected since the service restarted at %1; it was connected when the "
        "service stopped (%2)."), ("@restarted", "@stopped")),
    "telecom.drops": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "%1 connections lost without a goodbye in the last %2 days, %3 of them within %4 "
        "minutes of connecting; %5 ended after missed heartbeats."),
        ("drops", "days", "short", "minutes", "missed_heartbeats")),
    "telecom.weak_signal": (QT_TRANSLATE_NOOP(
        "OutageEvidence", "The pole reported WeakSignal %1 times."), ("count",)),
    "telecom.kept_power": (QT_TRANSLATE_NOOP(
        "OutageEvidence", "No PowerLoss stop with these drops: the pole kept its power."),
        ()),
    "telecom.power_unknown": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "If it lost power on its own, its PowerLoss stops arrive once it is back; until "
        "then the link is the suspect."), ()),
    "firmware.boot_loop": (QT_TRANSLATE_NOOP(
        "OutageEvidence", "Booted %1 times in %2 minutes from %3: a boot loop."),
        ("boots", "minutes", "@first")),
    "firmware.after_update": (QT_TRANSLATE_NOOP(
        "OutageEvidence", "It began %1 minutes after a firmware update was installed (%2)."),
        ("minutes", "@installed")),
    "firmware.failed": (QT_TRANSLATE_NOOP(
        "OutageEvidence", "Firmware update failed: %1 at %2."), ("status", "@at")),
    "capacity.paused": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "Sockets paused by the pole for %1 minutes in the evening peaks of the last %2 "
        "days: vehicles waited without charge."), ("minutes", "days")),
    "capacity.low_offers": (QT_TRANSLATE_NOOP(
        "OutageEvidence", "%1 offers below %2 A in the peak (lowest %3 A)."),
        ("count", "limit_a", ".lowest_a")),
    "capacity.low_current_vehicles": (QT_TRANSLATE_NOOP(
        "OutageEvidence",
        "%1 low-current vehicles (eis 30) could not charge on the peak limit and got the "
        "overrule automatically."), ("count",)),
}
"""Code → sentence and the parameters for %1, %2, … (``@``: a time, written on the pole's
wall clock; ``.``: a number with one decimal)."""

HARDWARE = (
    QT_TRANSLATE_NOOP("OutageEvidence", "Socket %1 reported %2 %3 times since %4."),
    QT_TRANSLATE_NOOP("OutageEvidence",
                      "Socket %1 reported %2 %3 times since %4, %5 of them in the evening "
                      "peak."),
    QT_TRANSLATE_NOOP("OutageEvidence", "The pole reported %2 %3 times since %4."),
    QT_TRANSLATE_NOOP("OutageEvidence",
                      "The pole reported %2 %3 times since %4, %5 of them in the evening "
                      "peak."),
)
"""``hardware.trips``: socket or the pole (connector 0), with or without evening trips."""
FAULTED_NOW = QT_TRANSLATE_NOOP("OutageEvidence", "It is Faulted now (since %1).")
SECURITY = (
    QT_TRANSLATE_NOOP("OutageEvidence", "%1 %2 times, last at %3."),
    QT_TRANSLATE_NOOP("OutageEvidence", "%1 %2 times, last at %3: %4."),
)
"""``security.alert``: without and with the pole's technical detail."""

CODES = frozenset({*SENTENCES, "hardware.trips", "security.alert"})
"""Every code this app can word (a test holds it equal to the service's)."""


class _Unusable(Exception):
    """The parameters do not fit the sentence: show the service's own."""


def evidence_text(evidence: EvidenceRecord, translate: Translate, local: LocalTime) -> str:
    """The finding in the app's language; the service's sentence when the code is unknown
    or its parameters do not fit."""
    code, params = evidence.code, evidence.params
    try:
        if code is not None and code in SENTENCES:
            template, names = SENTENCES[code]
            return _fill(translate(CONTEXT, template),
                         [_value(params, name, local) for name in names])
        if code == "hardware.trips":
            connector = params.get("connector")
            evenings = _number(params, "evenings")
            which = (2 if connector == 0 else 0) + (1 if evenings else 0)
            text = _fill(translate(CONTEXT, HARDWARE[which]), [
                str(connector), _value(params, "error_code", local),
                _value(params, "count", local), _value(params, "@first", local),
                str(evenings)])
            if "faulted_since" in params:
                text += " " + _fill(translate(CONTEXT, FAULTED_NOW),
                                    [_value(params, "@faulted_since", local)])
            return text
        if code == "security.alert":
            detail = params.get("tech_info")
            values = [_value(params, name, local) for name in ("type", "count", "@last")]
            return _fill(translate(CONTEXT, SECURITY[1 if detail else 0]),
                         [*values, str(detail or "")])
    except _Unusable:
        pass
    return evidence.text


def _fill(template: str, values: list[str]) -> str:
    """Qt's ``%1``…``%n`` in one pass, highest first (``%1`` never eats ``%10``), so a
    value holding ``%2`` stays as it is."""
    parts: list[str | int] = [template]
    for number in range(len(values), 0, -1):
        marker = f"%{number}"
        parts = [piece for part in parts for piece in _split(part, marker, number)]
    return "".join(values[p - 1] if isinstance(p, int) else p for p in parts)


def _split(part: str | int, marker: str, number: int) -> list[str | int]:
    if isinstance(part, int):
        return [part]
    pieces = part.split(marker)
    out: list[str | int] = [pieces[0]]
    for piece in pieces[1:]:
        out += [number, piece]
    return out


def _number(params: Mapping[str, str | int | float], name: str) -> int:
    value = params.get(name, 0)
    if not isinstance(value, int):
        raise _Unusable(name)
    return value


def _value(params: Mapping[str, str | int | float], name: str, local: LocalTime) -> str:
    if name.startswith("@"):
        raw = params.get(name[1:])
        if not isinstance(raw, str):
            raise _Unusable(name)
        try:
            return local(datetime.fromisoformat(raw))
        except ValueError as error:
            raise _Unusable(name) from error
    if name.startswith("."):
        raw = params.get(name[1:])
        if not isinstance(raw, int | float):
            raise _Unusable(name)
        return f"{raw:.1f}"
    if name not in params:
        raise _Unusable(name)
    return str(params[name])
