"""Who may call which operator route: one table, (HTTP method, route template) → the
least role that may.

The roles are a ladder: ``helpdesk`` < ``technician`` < ``engineer`` < ``admin``; a role
may do everything the roles below it may. A route missing from the table is admin-only
(`required_role`), so a route someone adds later is never open by accident; a test checks
that every route of the app's OpenAPI has an explicit entry, and that the README's table
(`markdown_table`) is this one.

Qt-free and free of FastAPI: the GUI reads ``GET /api/v1/auth/me``'s ``permissions`` (made
from this table) to grey out what its user may not do.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """An operator's role; the order of the members is the ladder."""

    HELPDESK = "helpdesk"
    TECHNICIAN = "technician"
    ENGINEER = "engineer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def may(self, required: Role) -> bool:
        return self.rank >= required.rank


PUBLIC = "public"
"""Anyone, without a token: the login itself, the driver's overrule page, and the files
poles fetch and upload (those check their own one-time links)."""

Requirement = Role | str

_H, _T, _E, _A = Role.HELPDESK, Role.TECHNICIAN, Role.ENGINEER, Role.ADMIN
P = "/api/v1"

PERMISSIONS: dict[tuple[str, str], Requirement] = {
    # -- signing in, and one's own tokens ---------------------------------------------------
    ("POST", f"{P}/auth/login"): PUBLIC,
    ("GET", f"{P}/auth/me"): _H,
    ("POST", f"{P}/auth/logout"): _H,
    ("GET", f"{P}/auth/tokens"): _H,
    ("POST", f"{P}/auth/tokens"): _H,
    ("DELETE", f"{P}/auth/tokens/{{token_id}}"): _H,
    # -- accounts and the audit trail: admins ----------------------------------------------
    ("GET", f"{P}/users"): _A,
    ("POST", f"{P}/users"): _A,
    ("GET", f"{P}/users/{{name}}"): _A,
    ("PUT", f"{P}/users/{{name}}"): _A,
    ("DELETE", f"{P}/users/{{name}}"): _A,
    ("GET", f"{P}/audit"): _A,
    ("GET", f"{P}/audit.csv"): _A,
    # -- the fleet: everyone reads ----------------------------------------------------------
    ("GET", f"{P}/poles"): _H,
    ("GET", f"{P}/poles/{{pole_id}}"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/uptime"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/connections"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/transactions"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/meter-values"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/messages"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/compliance"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/configuration"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/composite-schedule"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/settings"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/security"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/security-events"): _H,
    ("GET", f"{P}/security-events"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/local-list"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/diagnostics"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/diagnostics/{{file_name}}"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/certificates"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/logs"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/firmware-updates"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/firmware-status"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/commissioning-reports"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/commissioning-reports/{{run_id}}"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/commissioning-reports/{{run_id}}/pdf"): _H,
    ("GET", f"{P}/firmware"): _H,
    ("GET", f"{P}/firmware/packages"): _H,
    ("GET", f"{P}/firmware/packages/{{sha256}}"): _H,
    ("GET", f"{P}/firmware/packages/{{sha256}}/package"): _H,
    ("GET", f"{P}/firmware/roots"): _H,
    ("GET", f"{P}/firmware/rollouts"): _H,
    ("GET", f"{P}/firmware/rollouts/{{rollout_id}}"): _H,
    ("GET", f"{P}/technicians/{{name}}/keys"): _H,
    ("GET", f"{P}/id-tags"): _H,
    ("GET", f"{P}/service-tokens/key"): _H,
    ("GET", f"{P}/id-tags/{{idTag}}"): _H,
    ("GET", f"{P}/id-tags/{{idTag}}/transactions"): _H,
    # -- helpdesk: a driver on the phone ---------------------------------------------------
    ("PUT", f"{P}/id-tags/{{idTag}}"): _H,
    ("POST", f"{P}/poles/{{pole_id}}/reset"): _H,
    ("POST", f"{P}/poles/{{pole_id}}/unlock"): _H,
    ("POST", f"{P}/poles/{{pole_id}}/remote-start"): _H,
    ("POST", f"{P}/poles/{{pole_id}}/remote-stop"): _H,
    ("POST", f"{P}/service-tokens/{{jti}}/revoke"): _H,
    ("GET", f"{P}/service-tokens"): _H,  # what the desk may revoke, it must see
    # -- technicians: firmware, commissioning, work at the pole ---------------------------
    ("POST", f"{P}/poles/{{pole_id}}/availability"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/trigger"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/diagnostics"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/extended-trigger"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/logs"): _T,
    ("GET", f"{P}/poles/{{pole_id}}/logs/{{request_id}}/file"): _T,
    ("POST", f"{P}/firmware"): _T,
    ("DELETE", f"{P}/firmware/{{sha256}}"): _T,
    ("POST", f"{P}/firmware/packages"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/update-firmware"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/charging-profiles"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/charging-profiles/clear"): _T,
    ("POST", f"{P}/firmware/rollouts"): _T,
    ("POST", f"{P}/firmware/rollouts/{{rollout_id}}/pause"): _T,
    ("POST", f"{P}/firmware/rollouts/{{rollout_id}}/resume"): _T,
    ("POST", f"{P}/firmware/rollouts/{{rollout_id}}/cancel"): _T,
    ("POST", f"{P}/poles/{{pole_id}}/commissioning-reports"): _T,
    ("PUT", f"{P}/technicians/{{name}}/key"): _T,
    ("POST", f"{P}/service-tokens"): _T,
    # -- engineers: configuration and settings --------------------------------------------
    ("PUT", f"{P}/poles/{{pole_id}}/configuration"): _E,
    ("PUT", f"{P}/poles/{{pole_id}}/settings"): _E,
    ("POST", f"{P}/poles/{{pole_id}}/call"): _E,
    ("POST", f"{P}/poles/{{pole_id}}/local-list"): _E,
    ("POST", f"{P}/poles/{{pole_id}}/overrule"): _E,
    ("POST", f"{P}/id-tags/import"): _E,
    ("DELETE", f"{P}/id-tags/{{idTag}}"): _E,
    # -- admins: the fleet's membership and its credentials --------------------------------
    ("POST", f"{P}/poles"): _A,
    ("DELETE", f"{P}/poles/{{pole_id}}"): _A,
    ("PUT", f"{P}/poles/{{pole_id}}/security"): _A,
    ("POST", f"{P}/poles/{{pole_id}}/security/rotate-key"): _A,
    ("POST", f"{P}/poles/{{pole_id}}/certificates"): _A,
    ("DELETE", f"{P}/poles/{{pole_id}}/certificates/{{serial_number}}"): _A,
    # -- the outage board and pole locations (issue 19) ------------------------------------
    ("GET", f"{P}/outages"): _H,
    ("GET", f"{P}/locations"): _H,
    ("GET", f"{P}/poles/{{pole_id}}/location"): _H,
    ("PUT", f"{P}/poles/{{pole_id}}/location"): _T,
    ("PATCH", f"{P}/poles/{{pole_id}}/location"): _T,
    ("POST", f"{P}/locations/import"): _E,
    # -- not the operator API: pages and files with their own checks -----------------------
    ("GET", "/o/{pole_id}/{connector_id}"): PUBLIC,
    ("POST", "/o/{pole_id}/{connector_id}"): PUBLIC,
    ("GET", "/o/{pole_id}/{connector_id}/qr.{kind}"): PUBLIC,
    ("GET", "/files/firmware/{sha256}/{name}"): PUBLIC,
    ("POST", "/files/diagnostics/{pole_id}/{token}/{file_name}"): PUBLIC,
    ("PUT", "/files/diagnostics/{pole_id}/{token}/{file_name}"): PUBLIC,
    # -- the tender's reports for the whole fleet (eis 25, 30, 48): everyone reads -----------
    ("GET", f"{P}/reports/compliance"): _H,
    ("GET", f"{P}/reports/uptime"): _H,
    # -- OCPI roaming partners in the operator API: everyone sees them, admins manage ---
    ("GET", f"{P}/ocpi/partners"): _H,
    ("POST", f"{P}/ocpi/partners/invite"): _A,
    ("POST", f"{P}/ocpi/partners/register"): _A,
    ("POST", f"{P}/ocpi/partners/{{partner_id}}/suspend"): _A,
    ("POST", f"{P}/ocpi/partners/{{partner_id}}/resume"): _A,
    ("DELETE", f"{P}/ocpi/partners/{{partner_id}}"): _A,
    ("GET", f"{P}/ocpi/tariffs"): _H,
    ("PUT", f"{P}/ocpi/tariffs/{{tariff_id}}"): _A,
    ("DELETE", f"{P}/ocpi/tariffs/{{tariff_id}}"): _A,
    # -- OCPI roaming partners: their own credentials token (`service.ocpi.registry`) ------
    ("GET", "/ocpi/versions"): PUBLIC,
    ("GET", "/ocpi/2.2.1"): PUBLIC,
    ("GET", "/ocpi/2.2.1/credentials"): PUBLIC,
    ("POST", "/ocpi/2.2.1/credentials"): PUBLIC,
    ("PUT", "/ocpi/2.2.1/credentials"): PUBLIC,
    ("DELETE", "/ocpi/2.2.1/credentials"): PUBLIC,
    ("GET", "/ocpi/2.2.1/locations"): PUBLIC,
    ("GET", "/ocpi/2.2.1/locations/{location_id}"): PUBLIC,
    ("GET", "/ocpi/2.2.1/locations/{location_id}/{evse_uid}"): PUBLIC,
    ("GET", "/ocpi/2.2.1/locations/{location_id}/{evse_uid}/{connector_id}"): PUBLIC,
    ("GET", "/ocpi/2.2.1/tokens/{country_code}/{party_id}/{token_uid}"): PUBLIC,
    ("PUT", "/ocpi/2.2.1/tokens/{country_code}/{party_id}/{token_uid}"): PUBLIC,
    ("PATCH", "/ocpi/2.2.1/tokens/{country_code}/{party_id}/{token_uid}"): PUBLIC,
    ("POST", "/ocpi/2.2.1/commands/{command}"): PUBLIC,
    ("GET", "/ocpi/2.2.1/chargingprofiles/{session_id}"): PUBLIC,
    ("PUT", "/ocpi/2.2.1/chargingprofiles/{session_id}"): PUBLIC,
    ("DELETE", "/ocpi/2.2.1/chargingprofiles/{session_id}"): PUBLIC,
    ("GET", "/ocpi/2.2.1/tariffs"): PUBLIC,
    # -- OSCP 2.0 (issue 22): grid operators, each route checks the partner's own token ---
    ("POST", "/oscp/fp/2.0/register"): PUBLIC,
    ("POST", "/oscp/fp/2.0/handshake"): PUBLIC,
    ("POST", "/oscp/fp/2.0/handshake_acknowledge"): PUBLIC,
    ("POST", "/oscp/fp/2.0/heartbeat"): PUBLIC,
    ("POST", "/oscp/fp/2.0/update_group_capacity_forecast"): PUBLIC,
    ("PUT", "/oscp/fp/2.0/register"): PUBLIC,
    ("DELETE", "/oscp/fp/2.0/register"): PUBLIC,
    # -- OSCP partners and grid groups (issue 22): everyone reads groups, admins write ----
    ("GET", f"{P}/oscp/partners"): _H,
    ("POST", f"{P}/oscp/partners"): _A,
    ("DELETE", f"{P}/oscp/partners/{{partner_id}}"): _A,
    ("GET", f"{P}/oscp/refusals"): _A,
    ("GET", f"{P}/grid-groups"): _H,
    ("PUT", f"{P}/poles/{{pole_id}}/grid-group"): _A,
    ("POST", f"{P}/grid-groups/import"): _A,
}

_WHAT = {_H: "read the fleet", _T: "do technician work (firmware, commissioning)",
         _E: "change configuration", _A: "manage users, poles and credentials"}


def required_role(method: str, path: str) -> Requirement:
    """The least role for a route; admin for a route the table does not list."""
    return PERMISSIONS.get((method.upper(), path), Role.ADMIN)


def allowed(role: Role, method: str, path: str) -> bool:
    required = required_role(method, path)
    return required == PUBLIC or (isinstance(required, Role) and role.may(required))


def refusal(role: Role, method: str, path: str) -> str:
    """The sentence a refused caller reads: what their role may not do, and whom to ask."""
    required = required_role(method, path)
    assert isinstance(required, Role)
    roles = [r.value for r in Role if r.may(required)]
    who = roles[0] if len(roles) == 1 else f"{', '.join(roles[:-1])} or {roles[-1]}"
    what = _WHAT[required]
    if (method.upper(), path) not in PERMISSIONS:
        what = "use this route"
    article = "an" if who[0] in "aeiou" else "a"
    return f"Your role {role.value} may not {what}; ask {article} {who}."


def permissions_of(role: Role) -> list[str]:
    """``"METHOD /path"`` for every listed route the role may call (``/auth/me``)."""
    return sorted(f"{method} {path}" for (method, path), need in PERMISSIONS.items()
                  if need != PUBLIC and isinstance(need, Role) and role.may(need))


def markdown_table() -> str:
    """The table as the README shows it (a test keeps the two equal)."""
    lines = ["| Method | Route | Least role |", "|---|---|---|"]
    for (method, path), need in sorted(PERMISSIONS.items(), key=lambda item: (item[0][1],
                                                                            item[0][0])):
        lines.append(f"| {method} | `{path}` | {need} |")
    return "\n".join(lines)
