"""eis 50–55 end to end: a pole offline for a month, then back; the CSMS stores it all, in order.

A virtual pole loses its CSMS link, lives through thirty simulated days of evening
charging sessions (its clock jumps, every event on the way happening in order), then
reconnects. Everything it owed the back office arrives with its original time: every
transaction, with the CSMS's own ids replacing the pole's local ones; the periodic meter
values; the status on return — and stored in the order it happened.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pole_link.sim.vehicles import EvType
from tests.support import Api, connected_pole, until

T0 = datetime(2026, 10, 1, 8, tzinfo=UTC)
DAYS = 30
HOUR = 3600.0


async def test_eis53_a_month_offline_is_stored_in_order_after_reconnecting(
        api: Api, tmp_path: Path) -> None:
    repository = api.service.repository
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole, client, outbox = connected.pole, connected.client, connected.outbox
        pole.configuration.change("ClockAlignedDataInterval", "0")  # keep the month small
        pole.set_network(False)
        await until(lambda: not client.connected)
        for day in range(DAYS):
            pole.scheduler.advance(1 * HOUR)  # 09:00 UTC: off-peak, whatever the season
            pole.plug(1, EvType.EV3)
            pole.present_card(1, f"CARD-{day:02d}")  # offline: accepted locally (eis 50)
            pole.scheduler.advance(2 * HOUR)
            pole.present_card(1, f"CARD-{day:02d}")
            pole.unplug(1)
            pole.scheduler.advance(21 * HOUR)
        queued = len(outbox)
        assert queued == DAYS * 10, "start, stop and 8 samples a day wait in the outbox"
        assert not repository.transactions("PW-0001", T0, T0 + timedelta(days=DAYS + 1))

        pole.set_network(True)
        await until(lambda: client.connected and len(outbox) == 0, timeout=120)

    stored = repository.transactions("PW-0001", T0, T0 + timedelta(days=DAYS + 1))
    assert len(stored) == DAYS
    assert [t.id_tag for t in stored] == [f"CARD-{day:02d}" for day in range(DAYS)]
    starts = [t.started for t in stored]
    assert starts == sorted(starts)
    # The pole's clock also runs in real time between the jumps: a few seconds at most.
    assert abs(starts[0] - (T0 + timedelta(hours=1))) < timedelta(seconds=10)
    assert abs(starts[-1] - (T0 + timedelta(days=DAYS - 1, hours=1))) < timedelta(seconds=10)
    assert all(t.id is not None and t.id > 0 for t in stored), "CSMS ids, not local ones"
    assert [t.id for t in stored] == sorted(t.id for t in stored if t.id is not None), \
        "the CSMS numbered them in the order they happened"
    for transaction in stored:
        assert transaction.stopped is not None
        duration = transaction.stopped - transaction.started
        assert abs(duration - timedelta(hours=2)) < timedelta(seconds=1)
        assert transaction.meter_stop is not None
        assert transaction.meter_stop - transaction.meter_start > 20_000  # ~2 h at 3×30 A

    energy = [row for row in repository.meter_values(
        "PW-0001", T0, T0 + timedelta(days=DAYS + 1), connector_id=1)
        if row.measurand == "Energy.Active.Import.Register"
        and row.context == "Sample.Periodic"]
    assert len(energy) == DAYS * 8, "a sample every 15 min of every 2 h session"
    by_transaction: dict[int | None, list[float]] = {}
    for row in energy:
        by_transaction.setdefault(row.transaction_id, []).append(row.value)
    assert set(by_transaction) == {t.id for t in stored}, "samples carry the CSMS ids"
    assert all(values == sorted(values) for values in by_transaction.values())

    # Status changes while offline are not replayed (the current one is sent on
    # reconnection, SPEC.md): the connector's state is its state on return.
    history = repository.status_events("PW-0001", T0, T0 + timedelta(days=DAYS + 1))
    socket_1 = [event for event in history if event.connector_id == 1]
    assert [e.timestamp for e in socket_1] == sorted(e.timestamp for e in socket_1)
    assert socket_1[-1].status == "Available"
    assert socket_1[-1].timestamp >= T0 + timedelta(days=DAYS - 1)
