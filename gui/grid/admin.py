"""What an admin does on the Grid groups page, without Qt (issue 22): add a grid
operator's capacity provider — its initial token shown once, like the roaming partners'
token A, to be passed on out of band — and put any pole of the service in a grid group:
one already in a group, or one in none yet (chosen from the service's poles), into an
existing group or a new one typed in.

The names are checked here (the group with the service's own rule, the pole against the
service's list), so a typo is said in words before anything is sent; an empty group
takes the pole out of its group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason
from pole_link.service_oscp import NewCapacityProvider

NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""The service's rule for ids of grid groups and capacity providers (`service.oscp.api`)."""

_ADDED = QT_TRANSLATE_NOOP(
    "FleetRows", "Give %1 this registration URL and initial token (shown only now): %2  %3")
_BAD_NAME = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 cannot be used: use letters, digits, dot, dash or underscore (at most 64)")
_CHOOSE_POLE = QT_TRANSLATE_NOOP("FleetRows", "Choose the pole whose grid group to set.")
_UNKNOWN_POLE = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 is not a pole of this service: choose one from the list.")


@dataclass(frozen=True, slots=True)
class Choice:
    """A checked answer: the value to send (``None``: no group), or the reason not to."""

    value: str | None
    problem: Reason | None = None


def checked_name(text: str, *, empty_allowed: bool) -> Choice:
    name = text.strip()
    if not name and empty_allowed:
        return Choice(None)
    if not NAME.fullmatch(name):
        return Choice(None, Reason(_BAD_NAME, (repr(name),)))
    return Choice(name)


@dataclass(frozen=True, slots=True)
class GroupQuestion:
    """What the "set a pole's grid group" dialog offers: every pole of the service, the
    groups that exist, and each pole's group now (the dialog fills it in)."""

    poles: list[str]
    groups: list[str]
    group_of: dict[str, str]
    pole: str | None = None
    """The pole selected on the page, proposed first."""

    def current(self, pole_id: str) -> str:
        return self.group_of.get(pole_id.strip(), "")


def question(poles: list[str], group_of: dict[str, str], selected: str | None
             ) -> GroupQuestion:
    return GroupQuestion(sorted(set(poles) | set(group_of)), sorted(set(group_of.values())),
                         dict(group_of), selected)


def checked_assignment(asked: GroupQuestion, pole_text: str, group_text: str
                       ) -> tuple[str, Choice]:
    """(the pole, the checked group), or a reason in the group's Choice."""
    pole_id = pole_text.strip()
    if not pole_id:
        return "", Choice(None, Reason(_CHOOSE_POLE))
    if pole_id not in asked.poles:
        return pole_id, Choice(None, Reason(_UNKNOWN_POLE, (repr(pole_id),)))
    return pole_id, checked_name(group_text, empty_allowed=True)


class GridAdmin:
    """The pole selected in the page's table and the capacity provider just added."""

    def __init__(self) -> None:
        self.selected: str | None = None
        self.added: NewCapacityProvider | None = None
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def select(self, pole_id: str | None) -> None:
        self.selected = pole_id
        self._changed()

    def provider_added(self, added: NewCapacityProvider) -> None:
        self.added = added
        self._changed()

    def forget(self) -> None:
        """Leaving the service (or the page's service changes): the token is not kept."""
        self.added, self.selected = None, None
        self._changed()

    def token_text(self) -> Reason | None:
        if self.added is None:
            return None
        return Reason(_ADDED, (self.added.record.name, self.added.register_url,
                               self.added.token))

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
