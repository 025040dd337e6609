"""The Roaming partners screen's state without widgets (issue 21): the partners the
service knows, each as a table row in words, the one selected, and what an admin may do
with it.

Qt-free like `gui.audit.trail`; the view (`gui.roaming.view`) only draws it. A token A
from an invitation is kept here until the admin leaves the screen: it is shown once by
the service and must reach the partner's admin out of band.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason
from pole_link.service_ocpi import PartnerInvitation, PartnerRecord

ADMIN_ZONE = ZoneInfo("Europe/Amsterdam")

_STATUS = {
    "invited": QT_TRANSLATE_NOOP("FleetRows", "invited: waiting for it to register"),
    "registering": QT_TRANSLATE_NOOP("FleetRows", "registering"),
    "registered": QT_TRANSLATE_NOOP("FleetRows", "connected"),
    "suspended": QT_TRANSLATE_NOOP("FleetRows", "suspended"),
    "failed": QT_TRANSLATE_NOOP("FleetRows", "not connected"),
}
_INVITED = QT_TRANSLATE_NOOP(
    "FleetRows", "Give %1's admin this versions URL and token (shown only now): %2  %3")


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """One partner as the table shows it."""

    name: str
    party: str
    roles: str
    status: Reason | str
    modules: str
    updated: str
    problem: str
    attention: bool


def row_of(partner: PartnerRecord, zone: ZoneInfo = ADMIN_ZONE) -> PartnerRow:
    template = _STATUS.get(partner.status)
    status: Reason | str = Reason(template) if template else partner.status
    updated = (partner.updated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
               if partner.updated_at else "—")
    party = ", ".join(partner.parties) if len(partner.parties) > 1 else partner.party
    return PartnerRow(partner.name, party or "—", ", ".join(partner.roles) or "—",
                      status, ", ".join(partner.modules) or "—", updated,
                      partner.last_error or "",
                      partner.status in ("failed", "suspended"))


class PartnerBook:
    """The partners read from the service, the selection and the last invitation."""

    def __init__(self, zone: ZoneInfo = ADMIN_ZONE) -> None:
        self.zone = zone
        self.partners: list[PartnerRecord] = []
        self.selected: int | None = None
        """The selected partner's id."""
        self.invitation: PartnerInvitation | None = None
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def show(self, partners: list[PartnerRecord]) -> None:
        self.partners = list(partners)
        if self.selected not in {partner.id for partner in self.partners}:
            self.selected = None
        self._changed()

    def select(self, row: int | None) -> None:
        self.selected = (self.partners[row].id if row is not None
                         and 0 <= row < len(self.partners) else None)
        self._changed()

    def invited(self, invitation: PartnerInvitation) -> None:
        self.invitation = invitation
        self.partners = [*self.partners, invitation.partner]
        self._changed()

    def forget_invitation(self) -> None:
        self.invitation = None
        self._changed()

    @property
    def chosen(self) -> PartnerRecord | None:
        return next((partner for partner in self.partners if partner.id == self.selected),
                    None)

    def can_suspend(self) -> bool:
        return self.chosen is not None and self.chosen.status == "registered"

    def can_resume(self) -> bool:
        return self.chosen is not None and self.chosen.status == "suspended"

    def invitation_text(self) -> Reason | None:
        if self.invitation is None:
            return None
        return Reason(_INVITED, (self.invitation.partner.name,
                                 self.invitation.versions_url, self.invitation.token_a))

    def rows(self) -> list[PartnerRow]:
        return [row_of(partner, self.zone) for partner in self.partners]

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
