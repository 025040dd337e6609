"""Sessions and CDRs pushed to the eMSP whose token charges (issue 21, eis 61): ACTIVE
with the kWh so far while charging, COMPLETED when it stops, then a CDR with the energy
the pole's meter measured — virtual pole over OCPP, stand-in eMSP over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pole_link.sim.vehicles import EvType
from service.ocpi.models import Cdr, Location, Session, Tariff
from service.ocpi.session_events import SessionEvents
from service.ocpp.pole_handler import CsmsSettings
from tests.service.ocpi_emsp import running_emsp
from tests.service.test_ocpi_locations import registered_emsp
from tests.support import connected_pole, running_service, until

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


async def test_eis61_a_session_while_charging_and_a_cdr_with_the_metered_kwh_are_pushed(
        tmp_path: Path) -> None:
    settings = CsmsSettings(accept_unknown_id_tags=False)
    async with running_service(tmp_path, settings=settings) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALWAYS"))
        tariff = await api.client.put("/api/v1/ocpi/tariffs/FLEET", json={
            "flat": 1.0, "perKwh": 0.3, "perHour": 0.5})
        assert tariff.status_code == 200, tariff.text
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            pole.plug(1, EvType.EV3)
            pole.present_card(1, "04A1B2C3D4E5")
            await until(lambda: pole.socket(1).transaction is not None
                        and pole.socket(1).transaction.csms_id is not None)
            transaction_id = pole.socket(1).transaction.csms_id  # type: ignore[union-attr]
            pole.scheduler.advance(3600)  # an hour of charging, sampled meter values

            def sessions() -> list[Session]:
                return [Session.model_validate(push.body) for push in emsp.pushes
                        if push.method == "PUT" and push.path.startswith("sessions/")]

            await until(lambda: any(item.kwh > 0 for item in sessions()))
            pole.present_card(1, "04A1B2C3D4E5")  # the driver ends it
            await until(lambda: any(push.path == "cdrs/" or push.path == "cdrs"
                                    for push in emsp.pushes), timeout=20)
        transaction = api.service.services.repository.get_transaction(transaction_id)
        assert transaction is not None and transaction.meter_stop is not None
        metered_kwh = round((transaction.meter_stop - transaction.meter_start) / 1000, 3)
        assert metered_kwh > 10  # three phases at up to 32 A for an hour

        pushed = sessions()
        assert pushed[0].status == "ACTIVE" and pushed[0].id == str(transaction_id)
        assert pushed[0].cdr_token.uid == "04A1B2C3D4E5"
        assert pushed[0].auth_method == "WHITELIST"
        assert pushed[-1].status == "COMPLETED" and pushed[-1].kwh == metered_kwh
        assert all(item.location_id == "PW-0001" and item.evse_uid == "PW-0001-1"
                   for item in pushed)
        [cdr_push] = [push for push in emsp.pushes if push.path.startswith("cdrs")]
        cdr = Cdr.model_validate(cdr_push.body)
        assert cdr.total_energy == metered_kwh and cdr.session_id == str(transaction_id)
        assert cdr.cdr_location.evse_uid == "PW-0001-1"
        assert 0.99 < cdr.total_time < 1.1
        # The fleet-wide tariff: named on the connector, priced into the CDR.
        assert [item.id for item in cdr.tariffs or []] == ["FLEET"]
        assert cdr.total_cost.excl_vat == round(1.0 + 0.3 * metered_kwh
                                                + 0.5 * cdr.total_time, 2)
        served = await emsp.call("GET", emsp.cpo_url("tariffs"))
        assert [Tariff.model_validate(item).id for item in served.json()["data"]] == ["FLEET"]
        assert served.headers["X-Total-Count"] == "1"
        location = Location.model_validate(
            (await emsp.call("GET", f"{emsp.cpo_url('locations')}/PW-0001")).json()["data"])
        assert (location.evses or [])[0].connectors[0].tariff_ids == ["FLEET"]


def test_a_storms_queued_readings_are_pushed_as_the_newest_state_once() -> None:
    """Issue 20: after a reconnect storm a pole flushes a day of MeterValues in seconds;
    each push carries the whole session, so of the readings waiting together only each
    transaction's newest goes to the eMSP, and no start or stop is ever left out."""
    events = [
        {"type": "transaction", "event": "started", "transactionId": 1},
        {"type": "meterValues", "transactionId": 1, "energyWh": 100},
        {"type": "meterValues", "transactionId": 2, "energyWh": 700},
        {"type": "meterValues", "transactionId": 1, "energyWh": 200},
        {"type": "meterValues", "transactionId": 1, "energyWh": 300},
        {"type": "transaction", "event": "stopped", "transactionId": 1},
        {"type": "meterValues", "transactionId": 2, "energyWh": 800},
    ]
    waiting = SessionEvents()
    for event in events[:5]:
        waiting.put(event)
    assert len(waiting) == 3
    # The newest reading of each, where the transaction's first waiting reading stood.
    assert waiting.take(2) == [events[0], events[4]]
    for event in events[5:]:
        waiting.put(event)
    assert waiting.take(10) == [events[6], events[5]]  # transaction 2's, then 1's stop
    assert len(waiting) == 0 and waiting.take(10) == []

    # A stop drops its transaction's waiting reading, never another's; starts and stops
    # are all kept, in order.
    for event in events:
        waiting.put(event)
    assert waiting.take(10) == [events[0], events[6], events[5]]
