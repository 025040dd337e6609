"""What the signed-in operator may do, per button, and why not (issue 17, eis 69).

Qt-free, like `gui.cards.lookup`: one `Access` per window holds the operator from
``GET /api/v1/auth/me``; pages ask it about an `Action` (a button) and get ``None`` or the
sentence for the button's tooltip (`gui.account_words.Operator.refusal`). Each action maps
to the one route it calls, written as in `service.accounts.permissions.PERMISSIONS`, so a
button is greyed out exactly when the service would refuse its request.

While no operator is known (no service, or one from before accounts) nothing is greyed
out here: the service still decides, and its refusal is shown in words.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from gui.account_words import Operator
from gui.fleet.rows import Reason

P = "/api/v1"


class Action(StrEnum):
    """A button that calls the operator API."""

    REMOTE_START = "remote start"
    REMOTE_STOP = "remote stop"
    UNLOCK = "unlock"
    RESET = "reset"
    AVAILABILITY = "availability"
    CONFIGURE = "configure"
    DEPLOY_PROFILE = "deploy a capacity profile"
    SEND_OCPP = "send any OCPP message"
    CHANGE_SETTINGS = "change settings"
    UPDATE_FIRMWARE = "update firmware"
    UPLOAD_FIRMWARE = "upload firmware"
    START_ROLLOUT = "start rollout"
    PAUSE_ROLLOUT = "pause rollout"
    RESUME_ROLLOUT = "resume rollout"
    CANCEL_ROLLOUT = "cancel rollout"
    CHANGE_CARD = "block or unblock a card"
    UPLOAD_REPORT = "upload commissioning report"
    REGISTER_KEY = "register technician key"
    REGISTER_POLE = "register pole"
    DECOMMISSION_POLE = "decommission pole"
    READ_AUDIT = "read audit trail"
    EXPORT_AUDIT = "export audit trail"
    FETCH_SERVICE_TOKEN = "fetch a service token"
    LIST_SERVICE_TOKENS = "list issued service tokens"
    REVOKE_SERVICE_TOKEN = "revoke a service token"
    TRIGGER = "ask the pole to report"
    REQUEST_LOG = "fetch the pole's log"
    MANAGE_PARTNERS = "manage roaming partners"
    MANAGE_GRID = "manage grid operators and grid groups"
    SET_TARIFFS = "set roaming tariffs"


ROUTES: dict[Action, tuple[str, str]] = {
    Action.REMOTE_START: ("POST", f"{P}/poles/{{pole_id}}/remote-start"),
    Action.REMOTE_STOP: ("POST", f"{P}/poles/{{pole_id}}/remote-stop"),
    Action.UNLOCK: ("POST", f"{P}/poles/{{pole_id}}/unlock"),
    Action.RESET: ("POST", f"{P}/poles/{{pole_id}}/reset"),
    Action.AVAILABILITY: ("POST", f"{P}/poles/{{pole_id}}/availability"),
    Action.CONFIGURE: ("PUT", f"{P}/poles/{{pole_id}}/configuration"),
    Action.SEND_OCPP: ("POST", f"{P}/poles/{{pole_id}}/call"),
    Action.DEPLOY_PROFILE: ("POST", f"{P}/poles/{{pole_id}}/charging-profiles"),
    Action.CHANGE_SETTINGS: ("PUT", f"{P}/poles/{{pole_id}}/settings"),
    Action.UPDATE_FIRMWARE: ("POST", f"{P}/poles/{{pole_id}}/update-firmware"),
    Action.UPLOAD_FIRMWARE: ("POST", f"{P}/firmware/packages"),
    Action.START_ROLLOUT: ("POST", f"{P}/firmware/rollouts"),
    Action.PAUSE_ROLLOUT: ("POST", f"{P}/firmware/rollouts/{{rollout_id}}/pause"),
    Action.RESUME_ROLLOUT: ("POST", f"{P}/firmware/rollouts/{{rollout_id}}/resume"),
    Action.CANCEL_ROLLOUT: ("POST", f"{P}/firmware/rollouts/{{rollout_id}}/cancel"),
    Action.CHANGE_CARD: ("PUT", f"{P}/id-tags/{{idTag}}"),
    Action.UPLOAD_REPORT: ("POST", f"{P}/poles/{{pole_id}}/commissioning-reports"),
    Action.REGISTER_KEY: ("PUT", f"{P}/technicians/{{name}}/key"),
    Action.REGISTER_POLE: ("POST", f"{P}/poles"),
    Action.DECOMMISSION_POLE: ("DELETE", f"{P}/poles/{{pole_id}}"),
    Action.READ_AUDIT: ("GET", f"{P}/audit"),
    Action.EXPORT_AUDIT: ("GET", f"{P}/audit.csv"),
    Action.FETCH_SERVICE_TOKEN: ("POST", f"{P}/service-tokens"),
    Action.LIST_SERVICE_TOKENS: ("GET", f"{P}/service-tokens"),
    Action.REVOKE_SERVICE_TOKEN: ("POST", f"{P}/service-tokens/{{jti}}/revoke"),
    Action.TRIGGER: ("POST", f"{P}/poles/{{pole_id}}/trigger"),
    Action.REQUEST_LOG: ("POST", f"{P}/poles/{{pole_id}}/logs"),
    Action.MANAGE_PARTNERS: ("POST", f"{P}/ocpi/partners/invite"),
    Action.MANAGE_GRID: ("POST", f"{P}/oscp/partners"),
    Action.SET_TARIFFS: ("PUT", f"{P}/ocpi/tariffs/{{tariff_id}}"),
}


class Access:
    """The window's signed-in operator; pages `subscribe` to redraw their buttons."""

    def __init__(self, operator: Operator | None = None) -> None:
        self.operator = operator
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        """Stop telling ``listener`` (a dialog that closes)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_operator(self, operator: Operator | None) -> None:
        """Who is signed in now (None: not known); every page redraws."""
        self.operator = operator
        for listener in list(self._listeners):
            listener()

    @property
    def known(self) -> bool:
        return self.operator is not None

    def refusal(self, action: Action) -> Reason | None:
        """Why the operator's role may not do ``action`` (a tooltip), or None."""
        if self.operator is None:
            return None
        method, route = ROUTES[action]
        return self.operator.refusal(method, route)

    def may(self, action: Action) -> bool:
        return self.refusal(action) is None
