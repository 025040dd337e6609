"""The virtual pole's local authorisation list (OCPP 1.6 SendLocalList) and its offline use.

No network: the pole without a CSMS is offline (SPEC.md "Authorisation defaults"), so the
list and the configuration keys decide, as on a real pole cut off from the back office.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ocpp.v16.enums import UpdateStatus

from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from pole_link.timeutil import format_time

T0 = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def card(tag: str, status: str = "Accepted", **info: str) -> dict[str, object]:
    return {"idTag": tag, "idTagInfo": {"status": status, **info}}


@pytest.fixture
def pole() -> VirtualPole:
    pole = VirtualPole("PW-0001", clock=SimClock(T0))
    pole.set_network(False)
    return pole


def try_card(pole: VirtualPole, tag: str, connector_id: int = 1) -> str:
    """Present the card on a plugged-in socket; end what it started, so the next try is
    on a free socket."""
    pole.plug(connector_id, EvType.EV3)
    answer = pole.present_card(connector_id, tag)
    if answer == "Accepted":
        assert pole.present_card(connector_id, tag) == "Stopped"
    pole.unplug(connector_id)
    return answer


def test_full_replaces_differential_patches_and_versions_must_rise(pole: VirtualPole
                                                                   ) -> None:
    assert pole.local_list_version == 0
    assert pole.send_local_list(5, "Full", [card("A"), card("B", "Blocked")]) == \
        UpdateStatus.accepted
    assert pole.local_list_version == 5 and len(pole.local_list) == 2
    # Differential: C added, A removed (no idTagInfo), B replaced; any case matches.
    assert pole.send_local_list(6, "Differential", [
        card("C"), {"idTag": "a"}, card("b", "Accepted")]) == UpdateStatus.accepted
    assert pole.local_list.card("A") is None
    assert pole.local_list.status("B", T0) == "Accepted"
    assert pole.local_list.status("c", T0) == "Accepted"
    assert pole.send_local_list(6, "Differential", [card("D")]) == \
        UpdateStatus.version_mismatch
    assert pole.local_list.card("D") is None and pole.local_list_version == 6
    # A Full may carry any version; an empty one clears the list.
    assert pole.send_local_list(2, "Full", []) == UpdateStatus.accepted
    assert len(pole.local_list) == 0 and pole.local_list_version == 2


def test_an_update_too_long_or_unreadable_fails_and_changes_nothing(pole: VirtualPole
                                                                    ) -> None:
    pole.send_local_list(1, "Full", [card("A")])
    too_many = [card(f"T{n}") for n in range(
        pole.configuration.int_value("SendLocalListMaxLength") + 1)]
    assert pole.send_local_list(2, "Full", too_many) == UpdateStatus.failed
    bad_expiry = card("B", expiryDate="tomorrow")
    assert pole.send_local_list(2, "Differential", [card("C"), bad_expiry]) == \
        UpdateStatus.failed
    assert pole.local_list_version == 1
    assert pole.local_list.card("A") is not None and pole.local_list.card("C") is None


def test_eis50_offline_listed_cards_are_judged_by_the_list_unknown_ones_accepted(
        pole: VirtualPole) -> None:
    pole.send_local_list(1, "Full", [
        card("GOOD"), card("BLOCKED", "Blocked"), card("INVALID", "Invalid"),
        card("OLD", expiryDate=format_time(T0 + timedelta(hours=1)))])
    assert try_card(pole, "good") == "Accepted"
    assert try_card(pole, "BLOCKED") == "Rejected"
    assert try_card(pole, "INVALID") == "Rejected"
    assert try_card(pole, "OLD") == "Accepted"  # not expired yet on the pole's clock
    assert try_card(pole, "NEVER-LISTED") == "Accepted"  # eis 50: AllowOfflineTxForUnknownId
    pole.scheduler.advance(2 * 3600)
    assert try_card(pole, "OLD") == "Rejected"  # past its expiry date on the pole's clock


def test_eis50_the_offline_keys_switch_the_list_and_unknown_cards(pole: VirtualPole) -> None:
    pole.send_local_list(1, "Full", [card("BLOCKED", "Blocked")])
    pole.configuration.change("AllowOfflineTxForUnknownId", "false")
    assert try_card(pole, "NEVER-LISTED") == "Rejected"
    assert try_card(pole, "BLOCKED") == "Rejected"
    # Without LocalAuthorizeOffline (or with the list disabled) the list is not consulted
    # offline: every card counts as unknown.
    pole.configuration.change("AllowOfflineTxForUnknownId", "true")
    pole.configuration.change("LocalAuthorizeOffline", "false")
    assert try_card(pole, "BLOCKED") == "Accepted"
    pole.configuration.change("LocalAuthorizeOffline", "true")
    pole.configuration.change("LocalAuthListEnabled", "false")
    assert try_card(pole, "BLOCKED") == "Accepted"
    pole.configuration.change("LocalAuthListEnabled", "true")
    assert try_card(pole, "BLOCKED") == "Rejected"
