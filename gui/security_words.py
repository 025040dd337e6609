"""Security events in words, and which of them make a pole need attention (issue 16).

A pole reports ``SecurityEventNotification``s with the OCPP security whitepaper's type
names (``InvalidFirmwareSignature``, ``TamperDetectionActivated``…); the service adds its
own (`service.security.events.SecurityEvent`: ``CredentialsWrong`` for a refused
password…). Both reach the app as `SecurityEventRecord`s. Here each type becomes words a
helpdesk reads, and the rule for the Fleet view is kept:

* an **alarming** event (anything not in `ROUTINE`, unknown types included: a new type is
  shown rather than missed) keeps its pole under "Needs attention" for
  `SECURITY_ATTENTION` (24 h) after the service received it;
* the helpdesk acknowledges a pole's events (Pole view, "Seen, clear"): events received up
  to that moment no longer count; a later one puts the pole back. The acknowledgement is
  this app's (not shared between helpdesk desks), so a colleague still sees the alarm.

Routine events (a boot, a firmware update, a password the operator changed) are listed in
the Pole view but never raise attention: a fleet that cries wolf is not looked at.

Qt-free (`QT_TRANSLATE_NOOP` marks the words); tested without widgets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason, Translate, _english
from pole_link.service_api import SecurityEventRecord

SECURITY_ATTENTION = timedelta(hours=24)
"""How long an alarming security event keeps its pole under "Needs attention"."""

_CONTEXT = "FleetRows"
"""The words share the fleet's context: `Reason.text` translates in that one."""

EVENT_WORDS: dict[str, str] = {
    # The OCPP 1.6 security whitepaper's types, as poles send them.
    "FirmwareUpdated": QT_TRANSLATE_NOOP("FleetRows", "firmware updated"),
    "FailedToAuthenticateAtCentralSystem": QT_TRANSLATE_NOOP(
        "FleetRows", "the pole could not log in at the service"),
    "CentralSystemFailedToAuthenticate": QT_TRANSLATE_NOOP(
        "FleetRows", "the service could not prove itself to the pole"),
    "SettingSystemTime": QT_TRANSLATE_NOOP("FleetRows", "pole clock set"),
    "StartupOfTheDevice": QT_TRANSLATE_NOOP("FleetRows", "pole started up"),
    "ResetOrReboot": QT_TRANSLATE_NOOP("FleetRows", "pole restarted"),
    "SecurityLogWasCleared": QT_TRANSLATE_NOOP("FleetRows", "security log was cleared"),
    "ReconfigurationOfSecurityParameters": QT_TRANSLATE_NOOP(
        "FleetRows", "security settings changed"),
    "MemoryExhaustion": QT_TRANSLATE_NOOP("FleetRows", "pole ran out of memory"),
    "InvalidMessages": QT_TRANSLATE_NOOP("FleetRows", "invalid messages received"),
    "AttemptedReplayAttacks": QT_TRANSLATE_NOOP(
        "FleetRows", "old messages sent again (replay attack?)"),
    "TamperDetectionActivated": QT_TRANSLATE_NOOP(
        "FleetRows", "pole opened or tampered with"),
    "InvalidFirmwareSignature": QT_TRANSLATE_NOOP(
        "FleetRows", "firmware refused: wrong signature"),
    "InvalidFirmwareSigningCertificate": QT_TRANSLATE_NOOP(
        "FleetRows", "firmware refused: signing certificate not valid"),
    "InvalidCentralSystemCertificate": QT_TRANSLATE_NOOP(
        "FleetRows", "the pole refused the service's certificate"),
    "InvalidChargePointCertificate": QT_TRANSLATE_NOOP(
        "FleetRows", "the pole's certificate is not valid"),
    "InvalidTLSVersion": QT_TRANSLATE_NOOP("FleetRows", "outdated TLS version refused"),
    "InvalidTLSCipherSuite": QT_TRANSLATE_NOOP("FleetRows", "weak TLS encryption refused"),
    "FirmwareRollback": QT_TRANSLATE_NOOP("FleetRows", "firmware rolled back"),
    "InvalidServiceToken": QT_TRANSLATE_NOOP("FleetRows", "invalid service token"),
    # The service's own (`service.security.events.SecurityEvent`).
    "CredentialsMissing": QT_TRANSLATE_NOOP("FleetRows", "connection without password"),
    "CredentialsWrong": QT_TRANSLATE_NOOP("FleetRows", "wrong password"),
    "TlsRequired": QT_TRANSLATE_NOOP("FleetRows", "connection without TLS refused"),
    "CertificateRefused": QT_TRANSLATE_NOOP("FleetRows", "pole certificate refused"),
    "DecommissionedPole": QT_TRANSLATE_NOOP(
        "FleetRows", "decommissioned pole tried to connect"),
    "SecondConnectionRefused": QT_TRANSLATE_NOOP(
        "FleetRows", "second connection under this pole's name (impostor?)"),
    "ConnectionReplaced": QT_TRANSLATE_NOOP("FleetRows", "connection replaced by a new one"),
    "ProfileLoweringRefused": QT_TRANSLATE_NOOP(
        "FleetRows", "lowering the security profile refused"),
    "ProfileRaised": QT_TRANSLATE_NOOP("FleetRows", "security profile raised"),
    "AuthorizationKeyChanged": QT_TRANSLATE_NOOP("FleetRows", "password changed"),
    "AuthorizationKeyChangeRefused": QT_TRANSLATE_NOOP(
        "FleetRows", "the pole refused its new password"),
    "PoleRegistered": QT_TRANSLATE_NOOP("FleetRows", "pole registered"),
    "PoleDecommissioned": QT_TRANSLATE_NOOP("FleetRows", "pole decommissioned"),
    "CertificateInstalled": QT_TRANSLATE_NOOP("FleetRows", "certificate installed"),
    "CertificateDeleted": QT_TRANSLATE_NOOP("FleetRows", "certificate deleted"),
    "CertificateChangeRefused": QT_TRANSLATE_NOOP(
        "FleetRows", "the pole refused a certificate change"),
    "OperatorActionRefused": QT_TRANSLATE_NOOP(
        "FleetRows", "an operator was refused an action on this pole (role)"),
}
"""Event type → what happened. Unknown types are shown as the pole sent them."""

ROUTINE = frozenset({
    "FirmwareUpdated", "SettingSystemTime", "StartupOfTheDevice", "ResetOrReboot",
    "ReconfigurationOfSecurityParameters", "ConnectionReplaced", "ProfileRaised",
    "AuthorizationKeyChanged", "PoleRegistered", "PoleDecommissioned",
    "CertificateInstalled", "CertificateDeleted",
})
"""Types that are part of normal work (a boot, an update, an operator's change): listed,
never a reason for attention."""

_SECURITY = QT_TRANSLATE_NOOP("FleetRows", "Security: %1")
_FROM = QT_TRANSLATE_NOOP("FleetRows", "%1 from %2")
_TIMES = QT_TRANSLATE_NOOP("FleetRows", "%1 (%2×)")
_FROM_SUFFIX = re.compile(r"\(from ([^()\s]+)\)\s*$")


_PROFILE_WORDS = {
    0: QT_TRANSLATE_NOOP("FleetRows", "no password, no encryption"),
    1: QT_TRANSLATE_NOOP("FleetRows", "password, no encryption"),
    2: QT_TRANSLATE_NOOP("FleetRows", "password over TLS"),
    3: QT_TRANSLATE_NOOP("FleetRows", "TLS with pole certificate"),
}
_PROFILE = QT_TRANSLATE_NOOP("FleetRows", "Security profile %1 (%2)")
_NOT_REGISTERED = QT_TRANSLATE_NOOP(
    "FleetRows", "Not in the pole register (connects without password)")


def profile_reason(registered: bool, profile: int) -> Reason:
    """"Security profile 2 (password over TLS)"; a pole that only ever booted is not in
    the register, and a technician must know it accepts any caller under its name."""
    if not registered:
        return Reason(_NOT_REGISTERED)
    words = _PROFILE_WORDS.get(profile)
    return Reason(_PROFILE, (str(profile), Reason(words) if words else "?"))


def profile_text(registered: bool, profile: int, translate: Translate = _english) -> str:
    return profile_reason(registered, profile).text(translate)


def alarming(event: SecurityEventRecord) -> bool:
    return event.type not in ROUTINE


def event_words(kind: str, translate: Translate = _english) -> str:
    """``CredentialsWrong`` → "wrong password"; an unknown type stays as sent."""
    words = EVENT_WORDS.get(kind)
    return translate(_CONTEXT, words) if words else kind


def source_of(event: SecurityEventRecord) -> str | None:
    """Where a refused connection came from: the address in the service's ``(from
    10.0.0.7:51234)``, without the port (it changes on every try)."""
    match = _FROM_SUFFIX.search(event.tech_info or "")
    if match is None:
        return None
    peer = match.group(1)
    host, _, port = peer.rpartition(":")
    return host.strip("[]") if host and port.isdigit() else peer


def attention_events(events: Iterable[SecurityEventRecord], now: datetime,
                     acknowledged: datetime | None = None) -> list[SecurityEventRecord]:
    """The alarming events that still count at ``now``, newest received first."""
    since = now - SECURITY_ATTENTION
    if acknowledged is not None and acknowledged > since:
        since = acknowledged
    counting = [e for e in events if alarming(e) and e.received_at > since]
    counting.sort(key=lambda e: e.received_at, reverse=True)
    return counting


def security_reasons(counting: Sequence[SecurityEventRecord]) -> tuple[Reason, ...]:
    """One reason per event type, newest type first: "Security: wrong password from
    10.0.0.7 (3×)" — the address of the newest of them, the count over the window."""
    reasons: list[Reason] = []
    seen: dict[str, int] = {}
    for event in counting:
        seen[event.type] = seen.get(event.type, 0) + 1
    for kind, count in seen.items():  # dicts keep the order: newest type first
        newest = next(e for e in counting if e.type == kind)
        words = EVENT_WORDS.get(kind, kind)
        what: Reason = Reason(words)
        source = source_of(newest)
        if source is not None:
            what = Reason(_FROM, (what, source))
        if count > 1:
            what = Reason(_TIMES, (what, str(count)))
        reasons.append(Reason(_SECURITY, (what,)))
    return tuple(reasons)


def merge_events(known: Sequence[SecurityEventRecord], new: Iterable[SecurityEventRecord],
                 now: datetime, keep: int = 50,
                 window: timedelta | None = SECURITY_ATTENTION
                 ) -> tuple[SecurityEventRecord, ...]:
    """``known`` plus ``new`` without duplicates (a listing and the feed may both carry an
    event), newest received first, only those of ``window`` (None: any age), at most
    ``keep``."""
    by_key = {_key(e): e for e in known}
    for event in new:
        by_key.setdefault(_key(event), event)
    recent = list(by_key.values())
    if window is not None:
        since = now - window
        recent = [e for e in recent if e.received_at > since]
    recent.sort(key=lambda e: e.received_at, reverse=True)
    return tuple(recent[:keep])


def _key(event: SecurityEventRecord) -> tuple[object, ...]:
    if event.id is not None:
        return (event.id,)
    return (event.pole_id, event.type, event.received_at, event.tech_info)
