"""Reconnect storm (issue 20): a pole's StartTransaction and StopTransaction are stored in
turn with everything else, however much other poles are flushing at the same time.

They once ran on a thread of their own, which on SQLite waited for the database's write lock
while the group-committing writer took it batch after batch: in a storm of 2,000 poles a
Stop waited up to half a minute behind MeterValues queued after it. Now they are committed
in the writer's batches, first come first served, with their compliance tally and card
look-ups unchanged.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta, timezone

from service.storage.repository import AsyncRepository

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FLOODING_POLES = 40
STOPPING_POLES = 20
SAMPLES_PER_CALL = 96
"""One MeterValues carrying a day of 15-minute readings, as a pole flushes its queue."""


def _day_of_samples(pole_id: str, call: int) -> list[dict[str, object]]:
    start = T0 - timedelta(days=call + 1)
    return [{"pole_id": pole_id, "connector_id": 1, "transaction_id": None,
             "timestamp": start + timedelta(minutes=15 * n),
             "measurand": "Energy.Active.Import.Register", "phase": None,
             "value": float(n), "unit": "Wh", "context": "Sample.Periodic",
             "location": None} for n in range(SAMPLES_PER_CALL)]


async def test_stops_are_stored_before_backlog_sent_after_them(store: AsyncRepository
                                                              ) -> None:
    """20 poles end their transactions while 40 others flush their days of samples: every
    Stop is answered before any sample the others sent after it."""
    stoppers = [f"STOP-{i:02d}" for i in range(STOPPING_POLES)]
    flooders = [f"FLOOD-{i:02d}" for i in range(FLOODING_POLES)]
    for pole_id in stoppers + flooders:
        await store.upsert_pole(pole_id)
    transactions = [await store.start_transaction(p, 1, "CARD1", 1000, T0) for p in stoppers]
    answered: list[str] = []
    writer_busy = asyncio.Event()
    stops_sent = asyncio.Event()
    stops_answered = asyncio.Event()

    async def flood(pole_id: str) -> None:
        call = 0
        while not stops_answered.is_set():
            after_stops = stops_sent.is_set()
            await store.add_meter_values(_day_of_samples(pole_id, call))
            answered.append("after" if after_stops else "before")
            if answered.count("before") >= 2 * FLOODING_POLES:  # two rounds stored
                writer_busy.set()
            call += 1

    async def stop(transaction_id: int) -> bool:
        ended = await store.stop_transaction(transaction_id, 5000, T0 + timedelta(hours=1),
                                             "EVDisconnected")
        answered.append("stop")
        return ended

    async def stop_all() -> list[bool]:
        await writer_busy.wait()
        stopping = [asyncio.ensure_future(stop(t)) for t in transactions]
        await asyncio.sleep(0)  # each Stop is handed to storage before the flag is set
        stops_sent.set()
        ended = await asyncio.gather(*stopping)
        stops_answered.set()
        return ended

    ended, *_ = await asyncio.gather(stop_all(), *(flood(p) for p in flooders))
    assert ended == [True] * STOPPING_POLES
    last_stop = len(answered) - 1 - answered[::-1].index("stop")
    assert "after" not in answered[:last_stop]
    for transaction_id in transactions:
        stored = store.sync.get_transaction(transaction_id)
        assert stored is not None and stored.meter_stop == 5000


async def test_starts_and_stops_share_the_writers_commits(store: AsyncRepository) -> None:
    """A storm's Starts and Stops are committed together, each still once: a resent Start
    gets its first id (also when the first is in the same batch), an unknown
    transaction's Stop is answered False, an overrule counts once."""
    poles = [f"TX-{i:02d}" for i in range(30)]
    for pole_id in poles:
        await store.upsert_pole(pole_id)
    batches = store.writer.batches
    *ids, twice = await asyncio.gather(
        *(store.start_transaction(p, 1, "CARD", 0, T0) for p in poles),
        store.start_transaction(poles[7], 1, "CARD", 0, T0.astimezone(timezone(timedelta(
            hours=1)))))  # the same moment, as a pole in another zone writes it
    assert len(set(ids)) == len(poles)
    assert twice == ids[7]
    assert 1 <= store.writer.batches - batches < len(poles)  # grouped, not one commit each
    timed = list(store.writer.times.batches)[-(store.writer.batches - batches):]
    assert sum(batch.callers for batch in timed) == len(poles) + 1  # the benchmark's writer line
    again = await asyncio.gather(*(store.start_transaction(p, 1, "CARD", 0, T0)
                                   for p in poles))
    assert again == ids
    stopped = await asyncio.gather(
        *(store.stop_transaction(i, 100, T0 + timedelta(hours=2), "Local") for i in ids),
        store.stop_transaction(max(ids) + 1000, 100, T0, "Local"))
    assert stopped == [True] * len(poles) + [False]
    assert all(t is not None and t.meter_stop == 100
               for t in (store.sync.get_transaction(i) for i in ids))
    assert await store.mark_overrule(ids[0], T0 + timedelta(minutes=5), "pole")
    assert not await store.mark_overrule(ids[0], T0 + timedelta(minutes=6), "pole")
    assert await store.mark_low_current(ids[1], T0 + timedelta(minutes=7))
    first, second = store.sync.get_transaction(ids[0]), store.sync.get_transaction(ids[1])
    assert first is not None and first.overruled_at == T0 + timedelta(minutes=5)
    assert second is not None and second.low_current_vehicle


async def test_a_flush_larger_than_one_statement_stores_each_sample_once(
        store: AsyncRepository) -> None:
    """A day of samples from several poles in one commit, more rows than one multi-row
    ``INSERT`` holds (SQLite), with a resent call among them and samples stored before:
    every sample once, none lost at the statements' seams."""
    poles = [f"DAY-{i}" for i in range(5)]
    for pole_id in poles:
        await store.upsert_pole(pole_id)
    await store.add_meter_values(_day_of_samples(poles[0], 0)[:10])  # stored before
    calls = [_day_of_samples(pole_id, call) for pole_id in poles for call in range(3)]
    calls.append(_day_of_samples(poles[1], 2))  # an answer lost: the pole resends
    await asyncio.gather(*(store.add_meter_values(rows) for rows in calls))
    for pole_id in poles:
        stored = store.sync.meter_values(pole_id, T0 - timedelta(days=4), T0)
        assert len(stored) == 3 * SAMPLES_PER_CALL
        assert len({(s.timestamp, s.value) for s in stored}) == 3 * SAMPLES_PER_CALL


async def test_the_first_of_a_burst_are_answered_before_the_whole_burst_is_stored(
        store: AsyncRepository) -> None:
    """Thousands of poles' boots queued in one moment: the first callers get their answer
    (and send their next call) while the later ones are still being stored."""
    await store.upsert_pole("BURST")
    burst = 3 * store.writer.MAX_CALLERS
    committed_before: list[int] = []

    async def one(i: int) -> None:
        await store.log_message("BURST", "in", "Heartbeat", f"b{i}", {}, at=T0)
        committed_before.append(store.writer.batches)

    release = threading.Event()
    busy = store.writer.submit_work(lambda _: release.wait(10))  # the writer is busy ...
    burst_stored = asyncio.gather(*(one(i) for i in range(burst)))
    await asyncio.sleep(0)  # ... while every caller of the burst queues its write
    release.set()
    await asyncio.gather(busy, burst_stored)
    assert committed_before[0] < committed_before[-1]
    assert len(store.sync.message_log("BURST", limit=burst + 1)) == burst


async def test_a_bad_stop_among_a_batch_of_stops_fails_alone(store: AsyncRepository) -> None:
    """A storm's stops are stored together (`BatchWriter.submit_grouped`); one the storage
    refuses (here a time without a zone) fails its own caller with the reason, and the
    batch's other stops are stored all the same."""
    poles = [f"BAD-{i:02d}" for i in range(40)]
    for pole_id in poles:
        await store.upsert_pole(pole_id)
    ids = await asyncio.gather(*(store.start_transaction(p, 1, "CARD", 0, T0) for p in poles))
    naive = datetime(2026, 3, 1, 13, 0)
    answers = await asyncio.gather(
        *(store.stop_transaction(i, 700, naive if n == 20 else T0 + timedelta(hours=1),
                                 "Local") for n, i in enumerate(ids)),
        return_exceptions=True)
    refused = answers.pop(20)
    assert isinstance(refused, Exception) and "naive datetime" in str(refused)
    assert answers == [True] * (len(ids) - 1)
    for n, transaction_id in enumerate(ids):
        stored = store.sync.get_transaction(transaction_id)
        assert stored is not None
        assert (stored.meter_stop, stored.stopped) == ((None, None) if n == 20 else (
            700, T0 + timedelta(hours=1)))
