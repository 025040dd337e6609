"""The eis 25/30 tally (issue 19) gives exactly the pure report, whatever order and however
often the CSMS hears of a transaction: stops and reports resent after a lost answer, an
Overrule or LowCurrentVehicle report arriving after the stop, a transaction sent a week
late (eis 53), several service processes writing at once, daylight-saving days, subperiod
boundaries in the middle of an evening peak, and a database whose history was stored
before the tally existed (migration 0024's back-fill). `compliance_reports` is the oracle.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from service.api.reports import fleet_compliance
from service.reports.compliance import (
    AMSTERDAM,
    ProgramStart,
    TransactionRecord,
    compliance_reports,
    to_json,
)
from service.storage.compliance_tally import TALLY_POLES
from service.storage.database import alembic_config, create_engine_for, migrate
from service.storage.repository import AsyncRepository, Repository
from tests.service.reports_support import register
from tests.service.test_reports_fleet_sql import PROGRAMMES, random_history
from tests.support import postgres_schema

UNTILS = (datetime(2027, 9, 3, 20, 30, tzinfo=AMSTERDAM),  # mid-evening, mid-month
          datetime(2026, 10, 25, 20, tzinfo=AMSTERDAM),  # in the peak, on a DST day
          datetime(2026, 3, 1, tzinfo=AMSTERDAM),  # SQL-B's subperiod 2 begins 28 Feb 18:15
          datetime(2031, 1, 1, tzinfo=UTC))  # every programme over


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as stack:
        yield (f"sqlite:///{tmp_path / 'tally.sqlite'}" if request.param == "sqlite"
               else stack.enter_context(postgres_schema()))


@pytest.fixture
def repository(url: str) -> Iterator[Repository]:
    engine = create_engine_for(url)
    migrate(engine)
    yield Repository(engine)
    engine.dispose()


def _summary(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    for row in rows:
        row.pop("peak_transaction_ids")
        row.pop("overruled_transaction_ids")
    return rows


def _expect(repository: Repository, records: Sequence[TransactionRecord],
            programmes: dict[str, datetime], untils: Sequence[datetime] = UNTILS) -> None:
    starts = [ProgramStart(pole, start) for pole, start in programmes.items()]
    for until in untils:
        expected = _summary(to_json(compliance_reports(records, starts, until=until)))
        assert _summary(to_json(fleet_compliance(repository, until))) == expected, until


def _register(repository: Repository, programmes: dict[str, datetime]) -> None:
    for pole, start in programmes.items():
        register(repository, pole, registered_at=start, programme_start=start)


def _start(repository: Repository, tx: TransactionRecord) -> TransactionRecord:
    """StartTransaction as the CSMS stores it; the record with the id the database gave."""
    started = max(tx.authorised_at, tx.plugged_at or tx.authorised_at)
    new_id = repository.start_transaction(tx.pole_id, tx.connector_id, tx.id_tag, 0, started)
    return replace(tx, transaction_id=new_id)


def _events(repository: Repository, tx: TransactionRecord) -> list[tuple[str, object]]:
    """The messages after StartTransaction that change what the report counts."""
    events: list[tuple[str, object]] = []
    if tx.ended_at is not None:
        events.append(("stop", tx.ended_at))
    if tx.overrule_at is not None:
        events.append(("overrule", tx.overrule_at))
    if tx.low_current_vehicle:
        events.append(("low", tx.plugged_at))
    return events


def _send(repository: Repository, tx: TransactionRecord, kind: str, at: object) -> None:
    assert isinstance(at, datetime)
    if kind == "stop":
        assert repository.stop_transaction(tx.transaction_id, 1000, at, "Local")
    elif kind == "overrule":
        repository.mark_overrule(tx.transaction_id, at, "pole")
    else:
        assert repository.mark_low_current(tx.transaction_id, at)


@pytest.mark.parametrize("seed", [11, 12])
def test_eis25_eis30_tally_equals_the_pure_report_after_resent_stops_and_reports(
        repository: Repository, seed: int) -> None:
    """Every StopTransaction, Overrule and LowCurrentVehicle report may come twice (the pole
    lost the answer) and reports may follow the stop (queued offline): counted once."""
    rng = random.Random(seed)
    _register(repository, PROGRAMMES)
    records = [_start(repository, tx) for tx in random_history(rng)[:500]]
    for tx in records:
        events = _events(repository, tx)
        rng.shuffle(events)
        for kind, at in events + [e for e in events if rng.random() < 0.5]:
            _send(repository, tx, kind, at)
    assert sum(1 for tx in records if tx.low_current_vehicle and tx.ended_at) > 10
    _expect(repository, records, PROGRAMMES)


@pytest.mark.parametrize("writers", [1, 2])
def test_eis25_eis30_tally_equals_the_pure_report_when_a_storm_s_stops_share_batches(
        url: str, writers: int) -> None:
    """A reconnect storm's backlog: every pole's StopTransactions, Overrule and
    LowCurrentVehicle reports (a third of them resent) reach the storage writer at once,
    in random order, so its batches hold hundreds of stops stored together
    (`service.storage.stop_batch`) beside reports of the same transactions. With two
    writers on one database (``--workers 2``: each pole's messages reach the process
    holding its connection) both change the tally at once. The tally equals the pure
    report, and a stop of an unknown transaction is answered False while the batch's
    others are stored."""
    engine = create_engine_for(url)
    migrate(engine)
    try:
        stores = [AsyncRepository(Repository(engine)) for _ in range(writers)]
        repository = stores[0].sync
        _register(repository, PROGRAMMES)
        rng = random.Random(51)
        records = [_start(repository, tx) for tx in random_history(rng)[:600]]
        jobs = [(tx, kind, at) for tx in records for kind, at in _events(repository, tx)]
        jobs += rng.sample(jobs, len(jobs) // 3)
        rng.shuffle(jobs)
        unknown = max(tx.transaction_id for tx in records) + 1000

        async def send(store: AsyncRepository, tx: TransactionRecord, kind: str,
                       at: object) -> bool:
            assert isinstance(at, datetime)
            if kind == "stop":
                return await store.stop_transaction(tx.transaction_id, 1000, at, "Local")
            if kind == "overrule":
                await store.mark_overrule(tx.transaction_id, at, "pole")
                return True
            return await store.mark_low_current(tx.transaction_id, at)

        async def storm() -> list[bool]:
            poles = sorted(PROGRAMMES)
            sent = [send(stores[poles.index(tx.pole_id) % writers], tx, kind, at)
                    for tx, kind, at in jobs]
            sent.insert(len(sent) // 2, stores[0].stop_transaction(
                unknown, 1, datetime(2026, 3, 1, tzinfo=UTC), "Local"))
            return await asyncio.gather(*sent)

        batches = [store.writer.batches for store in stores]
        answers = asyncio.run(storm())
        assert answers.count(False) == 1 and not answers[len(jobs) // 2]
        busiest = max(batch.works for store in stores for batch in store.writer.times.batches)
        assert busiest >= 100, "the stops did not share batches"
        assert sum(store.writer.batches - before for store, before
                   in zip(stores, batches, strict=True)) < len(jobs) // 10
        _expect(repository, records, PROGRAMMES)

        # Stops that move a stored end (each sent twice, differently, in one batch: the
        # later one holds), taking the transaction into or out of a peak or a month.
        moved = {tx.transaction_id: replace(tx, ended_at=tx.ended_at + timedelta(hours=3))
                 for tx in rng.sample([tx for tx in records if tx.ended_at], 60)}

        async def move() -> list[bool]:
            return await asyncio.gather(*(
                stores[0].stop_transaction(tx_id, 1000, at, "Local")
                for tx_id, tx in moved.items()
                for at in (tx.ended_at - timedelta(hours=2), tx.ended_at)))
        assert asyncio.run(move()) == [True] * 2 * len(moved)
        _expect(repository, [moved.get(tx.transaction_id, tx) for tx in records], PROGRAMMES)
    finally:
        engine.dispose()


def test_eis53_tally_counts_a_transaction_sent_a_week_late(repository: Repository) -> None:
    """A pole offline for a week sends its transactions with their original times (eis 53)
    after the first report was taken: the next report counts them where they belong."""
    programmes = {"LATE-1": datetime(2026, 1, 1, tzinfo=AMSTERDAM)}
    _register(repository, programmes)
    until = datetime(2026, 7, 10, 12, tzinfo=AMSTERDAM)
    evening = datetime(2026, 6, 30, 18, tzinfo=AMSTERDAM)  # the baseline's last evening
    first = _start(repository, TransactionRecord(
        "LATE-1", 1, 0, evening - timedelta(days=1), evening - timedelta(days=1),
        evening - timedelta(days=1) + timedelta(hours=2), None, False, "EARLY"))
    _send(repository, first, "stop", first.ended_at)
    _expect(repository, [first], programmes, [until])
    before = fleet_compliance(repository, until)

    late = [TransactionRecord("LATE-1", 1 + n % 2, 0, evening + timedelta(hours=n),
                              evening + timedelta(hours=n),
                              evening + timedelta(hours=n, minutes=90),
                              evening + timedelta(hours=n, minutes=5) if n != 1 else None,
                              n == 2, f"LATE{n}") for n in range(4)]
    stored = []
    for tx in late:  # the queue replays each transaction's messages in order
        tx = _start(repository, tx)
        for kind, at in _events(repository, tx):
            _send(repository, tx, kind, at)
        stored.append(tx)
    _expect(repository, [first, *stored], programmes, [until])
    after = fleet_compliance(repository, until)
    # 18:00, 19:00 and 20:00 on 30 June are peak evenings of the baseline; 21:00 is not.
    assert (before[0].peak_transactions, after[0].peak_transactions) == (1, 3)
    assert after[0].overruled == 1
    assert after[0].low_current_transactions == (stored[2].transaction_id,)
    assert after[0].low_current_overruled[0].id_tag == "LATE2"


def test_eis25_tally_across_a_daylight_saving_day_and_a_subperiod_boundary(
        repository: Repository) -> None:
    """Subperiod 2 of a programme that began at 18:00 on 29 September starts at 18:00 on
    29 March, the day the clocks go forward, in the middle of that evening's peak: a
    vehicle plugged in at 17:30 belongs to the baseline, one at 18:30 to subperiod 2, and
    one plugged in the evening before and still there counts where its first peak was.
    On 25 October (clocks back) the peak is still 17:00–21:00 local: 20:59 counts, 21:00 not.
    """
    start = datetime(2025, 9, 29, 18, tzinfo=AMSTERDAM)
    programmes = {"DST-1": start}
    _register(repository, programmes)
    day = datetime(2026, 3, 29, tzinfo=AMSTERDAM)
    fall = datetime(2026, 10, 25, tzinfo=AMSTERDAM)

    def at(base: datetime, h: int, m: int = 0) -> datetime:
        return datetime(base.year, base.month, base.day, h, m, tzinfo=AMSTERDAM)

    plain = [
        (at(day, 17, 30), at(day, 23), at(day, 18, 10)),  # baseline, overruled after 18:00
        (at(day, 18, 30), at(day, 23), None),  # subperiod 2
        (at(day - timedelta(days=1), 20), at(day, 19), at(day, 18, 30)),  # baseline, over
        (at(fall, 20, 59), at(fall, 22), at(fall, 21)),  # subperiod 2, overrule too late
        (at(fall, 21), at(fall, 23), at(fall, 21, 30)),  # no peak at all
    ]
    records = []
    for n, (begin, end, overrule) in enumerate(plain):
        tx = _start(repository, TransactionRecord("DST-1", 1 + n % 2, 0, begin, begin, end,
                                                  overrule, False, f"DST{n}"))
        for kind, moment in _events(repository, tx):
            _send(repository, tx, kind, moment)
        records.append(tx)
    untils = (at(day, 18, 15), at(day, 22), at(fall, 21), datetime(2027, 1, 1, tzinfo=UTC))
    _expect(repository, records, programmes, untils)
    baseline, second = fleet_compliance(repository, untils[-1])
    assert (baseline.peak_transactions, baseline.overruled) == (2, 2)
    assert (second.peak_transactions, second.overruled) == (2, 0)
    assert second.start == at(day, 18)


def test_eis25_tally_stays_exact_with_several_processes_writing(url: str) -> None:
    """``--workers`` (PostgreSQL), or one service's worker threads (SQLite too): stops and
    overrules of the same poles' transactions arrive on four connections at once; the
    counts change in the database, under the pole's lock, and none is lost or doubled."""
    engine = create_engine_for(url)
    migrate(engine)
    repositories = [Repository(engine) for _ in range(4)]
    _register(repositories[0], PROGRAMMES)
    rng = random.Random(21)
    records = [_start(repositories[0], tx) for tx in random_history(rng)[:300]]
    jobs = [(tx, kind, at) for tx in records for kind, at in _events(repositories[0], tx)]
    jobs += rng.sample(jobs, len(jobs) // 3)  # resent
    rng.shuffle(jobs)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda job: _send(repositories[hash(job[0].transaction_id) % 4], *job),
                      jobs))
    _expect(repositories[0], records, PROGRAMMES)
    engine.dispose()


def test_eis25_eis30_tally_back_filled_by_migration_0024_equals_the_pure_report(
        url: str) -> None:
    """A database with a history stored before the tally existed (revision 0023) gets its
    tally counted by the migration, and then reports exactly what the pure function does."""
    engine = create_engine_for(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0023")
    records = random_history(random.Random(31))
    poles = sa.table("poles", *(sa.column(name) for name in (
        "id", "auto_registered", "connection_size", "connected", "programme_start",
        "registered_at")))
    with engine.begin() as connection:  # as revision 0023's code stored them
        connection.execute(sa.insert(poles), [
            {"id": pole, "auto_registered": False, "connection_size": "3x35",
             "connected": False, "programme_start": _stored(engine, start),
             "registered_at": _stored(engine, start)} for pole, start in PROGRAMMES.items()])
    table = sa.table("transactions", *(sa.column(name) for name in (
        "id", "pole_id", "connector_id", "id_tag", "meter_start", "meter_stop", "started",
        "stopped", "overruled_at", "overrule_source", "low_current_vehicle")))
    with engine.begin() as connection:
        connection.execute(sa.insert(table), [
            {"id": r.transaction_id, "pole_id": r.pole_id, "connector_id": r.connector_id,
             "id_tag": r.id_tag, "meter_start": 0, "meter_stop": None,
             "started": _stored(engine, r.authorised_at), "stopped": _stored(engine, r.ended_at),
             "overruled_at": _stored(engine, r.overrule_at), "overrule_source": None,
             "low_current_vehicle": r.low_current_vehicle} for r in records])
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM compliance_tally")).scalar_one()
    _expect(Repository(engine), records, PROGRAMMES)
    engine.dispose()


def _stored(engine: sa.Engine, moment: datetime | None) -> datetime | None:
    """A time as `UTCDateTime` stores it (the untyped table above binds it raw)."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.replace(tzinfo=None) if engine.dialect.name == "sqlite" else utc


def test_eis24_eis25_tally_follows_a_changed_programme_start(repository: Repository) -> None:
    """The grantor switches a pole on later (eis 24): its subperiods count from the new
    start at once. A pole whose start changed behind the repository's back (its tally
    counts from the old one) is counted from its transactions until its next stop."""
    _register(repository, PROGRAMMES)
    records = [_start(repository, tx) for tx in random_history(random.Random(41))[:400]]
    for tx in records:
        for kind, at in _events(repository, tx):
            _send(repository, tx, kind, at)
    moved = dict(PROGRAMMES, **{"SQL-A": datetime(2026, 5, 17, 18, 30, tzinfo=AMSTERDAM)})
    repository.upsert_pole("SQL-A", programme_start=moved["SQL-A"])
    _expect(repository, records, moved)

    behind = dict(moved, **{"SQL-C": datetime(2025, 11, 2, tzinfo=AMSTERDAM)})
    with repository.engine.begin() as connection:
        connection.execute(sa.text("UPDATE poles SET programme_start = :start "
                                   "WHERE id = 'SQL-C'"), {"start": _stored(
                                       repository.engine, behind["SQL-C"])})
    _expect(repository, records, behind)
    late = _start(repository, TransactionRecord(
        "SQL-C", 2, 0, datetime(2027, 1, 5, 18, tzinfo=AMSTERDAM),
        datetime(2027, 1, 5, 18, tzinfo=AMSTERDAM), datetime(2027, 1, 5, 19, tzinfo=AMSTERDAM),
        None, False, "NEXT"))
    _send(repository, late, "stop", late.ended_at)
    with repository.engine.connect() as connection:
        tallied = connection.execute(sa.select(TALLY_POLES.c.programme_start).where(
            TALLY_POLES.c.pole_id == "SQL-C")).scalar_one()
    assert tallied == behind["SQL-C"]  # the stop rebuilt it from the new start
    _expect(repository, [*records, late], behind)


def test_a_storm_s_stop_transaction_is_three_statements_on_postgresql() -> None:
    """After an outage every pole's queued StopTransactions arrive at once, each in a
    database transaction of its own; on PostgreSQL each statement is a round trip to
    another process on the same cores. A stop locks the pole reading its programme, updates
    the transaction returning it before and after, and changes the tally: three statements
    (it was nine), and the tally still equals the pure report."""
    with postgres_schema() as url:
        engine = create_engine_for(url)
        migrate(engine)
        repository = Repository(engine)
        _register(repository, PROGRAMMES)
        records = [_start(repository, tx) for tx in random_history(random.Random(41))[:40]]
        statements: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            statements.append(statement)
        sa.event.listen(engine, "before_cursor_execute", count)
        stops: list[int] = []
        for tx in records:
            for kind, at in _events(repository, tx):
                statements.clear()
                _send(repository, tx, kind, at)
                if kind == "stop":
                    stops.append(len(statements))
        sa.event.remove(engine, "before_cursor_execute", count)
        assert stops and max(stops) <= 3, stops
        _expect(repository, records, PROGRAMMES)
        engine.dispose()
