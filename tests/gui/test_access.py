"""Issue 17 / eis 69: which buttons a role may use and why not, and the Audit screen's
filter and rows — the rules without widgets."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gui.access import ROUTES, Access, Action
from gui.account_words import Operator
from gui.audit.trail import AuditTrail, FilterError, parse_filter
from pole_link.service_accounts import AuditRecord
from service.accounts.permissions import PERMISSIONS, Role, permissions_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def operator(role: Role) -> Operator:
    return Operator("henk", role.value, frozenset(permissions_of(role)))


def test_eis69_every_button_maps_to_a_route_the_service_checks() -> None:
    assert set(ROUTES) == set(Action)
    for method, route in ROUTES.values():
        assert (method, route) in PERMISSIONS, f"{method} {route} is no operator route"


def test_eis69_a_helpdesk_user_may_block_cards_and_reset_but_not_configure() -> None:
    access = Access()
    heard: list[None] = []
    access.subscribe(lambda: heard.append(None))
    assert access.refusal(Action.CONFIGURE) is None  # nobody known: the service decides
    access.set_operator(operator(Role.HELPDESK))
    assert heard == [None]
    for allowed in (Action.CHANGE_CARD, Action.RESET, Action.UNLOCK, Action.REMOTE_START):
        assert access.may(allowed), allowed
    for refused in (Action.CONFIGURE, Action.SEND_OCPP, Action.START_ROLLOUT,
                    Action.UPLOAD_REPORT, Action.REGISTER_POLE, Action.READ_AUDIT):
        assert not access.may(refused), refused
    why = access.refusal(Action.CONFIGURE)
    assert why is not None and why.text() == (
        "Your role (helpdesk) may not do this; ask a colleague with a role that may.")


def test_eis69_each_role_may_do_what_the_ladder_gives_it() -> None:
    technician, engineer = Access(operator(Role.TECHNICIAN)), Access(operator(Role.ENGINEER))
    assert technician.may(Action.START_ROLLOUT) and technician.may(Action.UPLOAD_REPORT)
    assert not technician.may(Action.CONFIGURE)
    assert engineer.may(Action.CONFIGURE) and not engineer.may(Action.DECOMMISSION_POLE)
    admin = Access(operator(Role.ADMIN))
    assert all(admin.may(action) for action in Action)


def test_eis69_the_audit_period_is_whole_local_days() -> None:
    wanted = parse_filter(" 2026-07-01", "2026-07-02 ", " henk ", "", "", zone=AMSTERDAM)
    assert wanted.since == datetime(2026, 6, 30, 22, tzinfo=UTC)  # CEST midnight
    assert wanted.until == datetime(2026, 7, 2, 22, tzinfo=UTC)  # the whole 2 July
    assert (wanted.actor, wanted.pole_id, wanted.action) == ("henk", None, None)
    with pytest.raises(FilterError) as bad:
        parse_filter("1-7-2026", "", "", "", "", since_label="From")
    assert bad.value.reason.text() == "From: type a date as year-month-day, e.g. 2026-12-04."
    with pytest.raises(FilterError) as backwards:
        parse_filter("2026-07-02", "2026-07-01", "", "", "")
    assert backwards.value.reason.text() == "The period ends before it starts."


def entry(number: int, result: str = "200") -> AuditRecord:
    return AuditRecord(number, datetime(2026, 12, 4, 15, number, tzinfo=UTC), "henk",
                       "helpdesk", "PUT /api/v1/id-tags/{idTag}", None, result, "", None)


def test_eis69_audit_rows_in_words_and_load_more_only_while_pages_are_full() -> None:
    trail = AuditTrail(AMSTERDAM, page_size=2)
    heard: list[None] = []
    trail.subscribe(lambda: heard.append(None))
    trail.start(parse_filter("", "", "henk", "", ""), [entry(1), entry(2, "403")])
    assert trail.more and trail.offset == 2
    first, second = trail.rows()
    assert (first.time, first.actor, first.action, first.pole) == (
        "2026-12-04 16:01:00", "henk", "PUT /id-tags/{idTag}", "—")
    assert first.result.text() == "done" and not first.refused
    assert second.result.text() == "refused" and second.refused
    trail.add_page([entry(2), entry(3, "504")])  # an entry seen before is not doubled
    assert [row.time[-5:] for row in trail.rows()] == ["01:00", "02:00", "03:00"]
    assert trail.rows()[2].result.text() == "failed (504)"
    trail.add_page([entry(4, "")])  # written by the service itself, not a request
    assert trail.rows()[3].result.text() == "recorded"
    trail.add_page([])
    assert not trail.more and len(heard) == 4
