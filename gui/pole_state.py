"""One pole as the Pole view shows it: link, live data and what the back office knows.

Why a Qt-free object: the rules here decide what a technician believes about a pole —
whose data is on screen after switching poles, whether a number is live or only the last
known one, which transaction "Stop charging" ends, whether the pole reaches its back
office and why it went offline. They are tested without widgets; the view only paints
what this says (napari's way: state in plain objects, Qt classes adapt them).

Sources, freshest first: the live samples of the open link; for a pole reached through a
service, the service's record (last status and error code per socket, connection history,
transactions); on a local link, the pole's own self tests (``SelfTest`` modem for the
back office, rcd/lock/meter for which fault a socket has).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from gui.fleet.rows import (
    QT_TRANSLATE_NOOP,
    Reason,
    Translate,
    _english,
    duration_reason,
    socket_reason,
)
from gui.pole_words import SELF_TEST_FAULT, end_reason, end_word, fault_on_socket
from gui.security_words import attention_events, merge_events, security_reasons
from pole_link.live import LiveSample
from pole_link.service_api import (
    ConnectionRecord,
    PoleRecord,
    SecurityEventRecord,
    TransactionRecord,
)
from pole_link.session import PoleIdentity, SelfTestResult


class LinkState(StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"
    """The link went away; a retry is scheduled."""


_LINK_WORDS = {
    LinkState.DISCONNECTED: QT_TRANSLATE_NOOP("FleetRows", "not connected"),
    LinkState.CONNECTING: QT_TRANSLATE_NOOP("FleetRows", "connecting"),
    LinkState.CONNECTED: QT_TRANSLATE_NOOP("FleetRows", "connected"),
    LinkState.LOST: QT_TRANSLATE_NOOP("FleetRows", "link lost"),
}


def link_text(state: LinkState, translate: Translate = _english) -> str:
    return translate("FleetRows", _LINK_WORDS[state])


class BackOffice(StrEnum):
    """Whether the pole reaches its CSMS, as far as the app can tell."""

    UNKNOWN = "unknown"
    CONNECTED = "connected"
    NOT_CONNECTED = "not-connected"


_OFFLINE_SINCE = QT_TRANSLATE_NOOP("FleetRows", "Offline since %1 (%2)")
_NEVER_CONNECTED = QT_TRANSLATE_NOOP("FleetRows", "Never connected to the service")
_HOW_ENDED = QT_TRANSLATE_NOOP("FleetRows", "How it ended: %1")
_LAST_BOOT = QT_TRANSLATE_NOOP("FleetRows", "Last boot: %1")
_DROPS = QT_TRANSLATE_NOOP("FleetRows", "Connection ended %1 times in the last 7 days")
_RECENT = QT_TRANSLATE_NOOP("FleetRows", "Recent connections: %1")
_SESSION = QT_TRANSLATE_NOOP("FleetRows", "%1–%2 %3")
RECENT_SESSIONS = 3
SECURITY_LIST = 50
"""The most security events the Pole view lists (the API has them all)."""
_BACK_OFFICE_OK = QT_TRANSLATE_NOOP("FleetRows", "Back office: connected")
_BACK_OFFICE_DOWN = QT_TRANSLATE_NOOP("FleetRows", "Back office: NOT connected (%1)")
_BACK_OFFICE_OFF = QT_TRANSLATE_NOOP("FleetRows", "Back office: NOT connected")
_BACK_OFFICE_UNKNOWN = QT_TRANSLATE_NOOP("FleetRows", "Back office: not known yet")
_CAUSE_NOT_FOUND = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 faulted: the self tests (RCD, lock, meter) found no cause")



def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


@dataclass
class PoleState:
    """Everything the Pole view shows about the pole it follows (`pole_id`)."""

    pole_id: str | None = None
    link: LinkState = LinkState.DISCONNECTED
    identity: PoleIdentity | None = None
    sample: LiveSample | None = None
    """The newest live sample of this pole (None: nothing live yet)."""
    record: PoleRecord | None = None
    """What the service stored about the pole (only for a pole reached through one)."""
    connections: list[ConnectionRecord] = field(default_factory=list)
    transactions: list[TransactionRecord] = field(default_factory=list)
    back_office: BackOffice = BackOffice.UNKNOWN
    back_office_detail: str = ""
    self_tests: dict[tuple[str, int], SelfTestResult] = field(default_factory=dict)
    security_events: tuple[SecurityEventRecord, ...] = ()
    """The pole's security events the service holds (routine ones too), newest first."""
    security_acknowledged: datetime | None = None
    """The helpdesk saw the pole's security events up to here (`acknowledge_security`)."""

    # ------------------------------------------------------------ changes
    def choose(self, pole_id: str) -> bool:
        """Follow ``pole_id``; a different pole forgets everything of the previous one, so
        one pole's socket cards are never shown under another's name. True if it changed."""
        if pole_id == self.pole_id:
            return False
        fresh = PoleState(pole_id=pole_id, link=self.link)
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))
        return True

    def link_changed(self, link: LinkState) -> None:
        self.link = link
        if link is not LinkState.CONNECTED and self.record is None:
            # A local link's back-office state came from the pole: without the link it is
            # no longer known (the numbers stay on screen as "last known", never as live).
            self.back_office, self.back_office_detail = BackOffice.UNKNOWN, ""

    def identified(self, identity: PoleIdentity) -> bool:
        """The link's pole introduced itself; True when that is another pole than shown."""
        changed = self.choose(identity.pole_id)
        self.identity = identity
        return changed

    def apply_sample(self, sample: LiveSample) -> bool:
        """Keep the newest sample; True for the first one of this pole."""
        first = self.sample is None
        self.sample = sample
        for socket in sample.sockets:
            if socket.status.value != "Faulted":  # a later fault is tested afresh
                for test in SELF_TEST_FAULT:
                    self.self_tests.pop((test, socket.connector_id), None)
        return first

    def apply_record(self, record: PoleRecord, connections: list[ConnectionRecord],
                     transactions: list[TransactionRecord]) -> None:
        if record.id != self.pole_id:
            return  # an answer for a pole the user has left meanwhile
        self.record, self.connections, self.transactions = record, connections, transactions
        self.back_office = (BackOffice.CONNECTED if record.connected
                            else BackOffice.NOT_CONNECTED)
        self.back_office_detail = ""

    def apply_security_events(self, events: list[SecurityEventRecord], now: datetime
                              ) -> bool:
        """The service's list of the pole's security events, merged with what the feed
        brought meanwhile; True when it is this pole's (an answer for a pole the user has
        left is dropped)."""
        mine = [event for event in events if event.pole_id == self.pole_id]
        if len(mine) != len(events):
            return False
        # A long window for the list: the Pole view shows the last ones whatever their age.
        self.security_events = merge_events(self.security_events, mine, now,
                                            keep=SECURITY_LIST, window=None)
        return True

    def security_event(self, event: SecurityEventRecord, now: datetime) -> bool:
        """One event from the live feed; True when it is this pole's (shown at once)."""
        if event.pole_id != self.pole_id:
            return False
        self.security_events = merge_events(self.security_events, (event,), now,
                                            keep=SECURITY_LIST, window=None)
        return True

    def acknowledge_security(self, now: datetime) -> None:
        """The helpdesk has seen the events so far: they no longer need attention."""
        self.security_acknowledged = now

    def apply_self_test(self, result: SelfTestResult) -> None:
        self.self_tests[(result.test, result.connector_id)] = result
        if result.test == "modem":
            self.back_office = (BackOffice.CONNECTED if result.passed
                                else BackOffice.NOT_CONNECTED)
            self.back_office_detail = result.detail

    # ------------------------------------------------------------ what to show
    @property
    def live(self) -> bool:
        """True while the numbers on screen are live, not the last known ones."""
        return self.link is LinkState.CONNECTED and self.sample is not None

    def running_transaction(self, connector_id: int) -> int | None:
        """The transaction on a socket: from the live data, else from the service."""
        if self.sample is not None:
            for socket in self.sample.sockets:
                if socket.connector_id == connector_id:
                    return socket.transaction_id
            return None
        if self.record is not None:
            for connector in self.record.sockets:
                if connector.connector_id == connector_id:
                    return connector.transaction_id
        return None

    def socket_status(self, connector_id: int) -> str | None:
        """The OCPP status of a socket, live or last known."""
        if self.sample is not None:
            for socket in self.sample.sockets:
                if socket.connector_id == connector_id:
                    return str(socket.status.value)
        if self.record is not None:
            for connector in self.record.sockets:
                if connector.connector_id == connector_id:
                    return connector.status
        return None

    def faults(self) -> list[Reason]:
        """Each faulted socket's fault in words: the service's error code when it has one,
        else the failed self test, else that the self tests found nothing."""
        found: list[Reason] = []
        for connector_id in (1, 2):
            if self.socket_status(connector_id) != "Faulted":
                continue
            code = self._error_code(connector_id)
            if code is None:
                failed = [SELF_TEST_FAULT[test] for test in SELF_TEST_FAULT
                          if (result := self.self_tests.get((test, connector_id))) is not None
                          and not result.passed]
                code = failed[0] if failed else None
            if code is not None:
                found.append(fault_on_socket(code, connector_id))
            elif all((test, connector_id) in self.self_tests for test in SELF_TEST_FAULT):
                found.append(Reason(_CAUSE_NOT_FOUND, (socket_reason(connector_id),)))
        return found

    def untested_faulted_sockets(self) -> list[int]:
        """Faulted sockets whose cause is not known yet: worth running the self tests."""
        return [c for c in (1, 2) if self.socket_status(c) == "Faulted"
                and self._error_code(c) is None
                and any((test, c) not in self.self_tests for test in SELF_TEST_FAULT)]

    def _error_code(self, connector_id: int) -> str | None:
        if self.record is None:
            return None
        for connector in self.record.sockets:
            if connector.connector_id == connector_id and connector.error_code != "NoError":
                return connector.error_code
        return None

    def security_alarms(self, now: datetime) -> tuple[Reason, ...]:
        """The Fleet's security reasons for this pole: alarming, last 24 h, not yet seen."""
        return security_reasons(attention_events(self.security_events, now,
                                                 self.security_acknowledged))

    def back_office_reason(self) -> Reason:
        if self.back_office is BackOffice.CONNECTED:
            return Reason(_BACK_OFFICE_OK)
        if self.back_office is BackOffice.NOT_CONNECTED:
            if not self.back_office_detail:
                return Reason(_BACK_OFFICE_OFF)
            return Reason(_BACK_OFFICE_DOWN, (self.back_office_detail,))
        return Reason(_BACK_OFFICE_UNKNOWN)

    def outage(self, now: datetime, time_text: Callable[[datetime], str] = _minute
               ) -> list[Reason]:
        """Why the pole is offline at the service: since when, how the connection ended,
        its last boot, and how often it dropped lately. Empty while it is connected."""
        record = self.record
        if record is None or record.connected:
            return []
        show = time_text
        lines: list[Reason] = []
        ended = [session for session in self.connections if session.ended is not None]
        last_end = ended[-1].ended if ended else record.last_seen
        if last_end is None:
            return [Reason(_NEVER_CONNECTED)]
        lines.append(Reason(_OFFLINE_SINCE, (show(last_end), duration_reason(now - last_end))))
        if ended:
            lines.append(Reason(_HOW_ENDED, (end_reason(ended[-1].end_reason),)))
            lines.append(Reason(_LAST_BOOT, (show(ended[-1].started),)))
            week = [s for s in ended if (now - s.started).days < 7]
            if len(week) > 1:
                lines.append(Reason(_DROPS, (str(len(week)),)))
                recent = [Reason(_SESSION, (show(s.started), show(s.ended or s.started),
                                            end_word(s.end_reason)))
                          for s in reversed(week[-RECENT_SESSIONS:])]
                lines.append(Reason(_RECENT, (Reason(" · ".join(
                    f"%{n}" for n in range(1, len(recent) + 1)), tuple(recent)),)))
        return lines
