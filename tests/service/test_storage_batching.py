"""Group commit: writes of many concurrent callers share a transaction, each caller still
returns only once its own rows are committed, and one bad write fails only its caller."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from service.storage.repository import AsyncRepository

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_concurrent_writes_are_committed_together_before_returning(
        store: AsyncRepository) -> None:
    await store.upsert_pole("PW-0001")
    count = 200

    async def one(i: int) -> None:
        await store.log_message("PW-0001", "in", "Heartbeat", f"id{i}", {}, at=T0)
        # Returned: the row is committed, so a fresh connection sees it.
        assert any(m.unique_id == f"id{i}" for m in store.sync.message_log("PW-0001",
                                                                         limit=count))

    await asyncio.gather(*(one(i) for i in range(count)),
                         store.record_status("PW-0001", 1, "Charging", "NoError", T0),
                         store.pole_seen("PW-0001", T0, connected=True))
    assert len(store.sync.message_log("PW-0001", limit=1000)) == count
    assert store.writer.batches < count  # grouped, not one transaction per message
    assert [c.status for c in store.sync.connectors("PW-0001")] == ["Charging"]
    pole = store.sync.get_pole("PW-0001")
    assert pole is not None and pole.connected


async def test_a_failing_write_fails_only_its_own_caller(store: AsyncRepository) -> None:
    await store.upsert_pole("PW-0001")
    results = await asyncio.gather(
        store.log_message("PW-0001", "in", "Heartbeat", "ok1", {}, at=T0),
        # status_events.pole_id references poles: an unknown pole violates the foreign key
        store.record_status("NO-SUCH-POLE", 1, "Available", "NoError", T0),
        store.log_message("PW-0001", "in", "Heartbeat", "ok2", {}, at=T0),
        return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], Exception)
    assert {m.unique_id for m in store.sync.message_log("PW-0001")} == {"ok1", "ok2"}
    assert store.sync.connectors("NO-SUCH-POLE") == []


async def test_boot_goes_through_the_writer_and_registers_once(store: AsyncRepository) -> None:
    later = T0.replace(hour=13)
    assert not await store.pole_known("PW-0002")
    await asyncio.gather(
        store.pole_booted("PW-0002", vendor="V", model="M", serial="S1", firmware="1.0",
                          auto_registered=True, at=T0),
        store.log_message("PW-0002", "in", "BootNotification", "b1", {}, at=T0))
    assert await store.pole_known("PW-0002")
    pole = store.sync.get_pole("PW-0002")
    assert pole is not None and pole.auto_registered and pole.connected
    assert pole.registered_at == T0 and pole.last_seen == T0 and pole.serial == "S1"
    # A second boot on the same session: details move, no new session, registration kept;
    # None leaves the stored serial as it is.
    await store.pole_booted("PW-0002", vendor="V2", model="M2", serial=None, firmware="1.1",
                            auto_registered=False, at=later)
    pole = store.sync.get_pole("PW-0002")
    assert pole is not None and pole.auto_registered and pole.registered_at == T0
    assert (pole.vendor, pole.model, pole.serial, pole.firmware) == ("V2", "M2", "S1", "1.1")
    assert pole.last_seen == later
    sessions = store.sync.connection_sessions("PW-0002", T0, later.replace(hour=23))
    assert [(s.started, s.ended) for s in sessions] == [(T0, None)]
    await store.session_ended("PW-0002", later)
    await store.pole_booted("PW-0002", vendor="V2", model="M2", serial=None, firmware=None,
                            auto_registered=False, at=later.replace(hour=14))
    sessions = store.sync.connection_sessions("PW-0002", T0, later.replace(hour=23))
    assert [(s.started, s.ended) for s in sessions] == [
        (T0, later), (later.replace(hour=14), None)]


async def test_a_pole_registered_elsewhere_is_known(store: AsyncRepository) -> None:
    assert not await store.pole_known("PW-0003")  # loads the known ids
    store.sync.upsert_pole("PW-0003", vendor="x")  # another process, say
    assert await store.pole_known("PW-0003")


async def test_charging_profiles_through_the_writer(store: AsyncRepository) -> None:
    await store.upsert_pole("PW-0004")
    first, second, _ = await asyncio.gather(
        store.add_charging_profile("PW-0004", 0, {"chargingProfileId": 1}, T0),
        store.add_charging_profile("PW-0004", 0, {"chargingProfileId": 2}, T0),
        store.log_message("PW-0004", "out", "SetChargingProfile", "c1", {}, at=T0))
    assert first != second
    await store.mark_profile_verified(second, T0.replace(hour=13))
    records = {r.id: r for r in store.sync.charging_profiles("PW-0004")}
    assert records[first].verified_at is None
    assert records[second].verified_at == T0.replace(hour=13)
    assert '"chargingProfileId":2' in records[second].profile.replace(" ", "")
