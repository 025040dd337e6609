"""The fleet's reports (`service.api.reports`: compliance from the stored tally, uptime on
PostgreSQL from the status events that change availability) must give exactly what the
pure functions give (eis 25, 30, 48), on SQLite and PostgreSQL. Random histories crowd the
edges: transactions starting and ending on 17:00 and 21:00, daylight-saving days,
overrules at the end of the peak, a programme starting on 31 August, still-running
transactions, sockets faulting and recovering at the same instant."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.api.reports import fleet_compliance, fleet_uptime
from service.reports.compliance import (
    AMSTERDAM,
    ProgramStart,
    TransactionRecord,
    compliance_reports,
    to_json,
)
from service.reports.uptime import ConnectionInterval, StatusChange, uptime, uptime_to_json
from service.storage.database import create_engine_for, migrate
from service.storage.repository import Repository
from tests.service.reports_support import register, store_transactions, store_uptime_history
from tests.support import postgres_schema

UNTIL = datetime(2027, 9, 3, 20, 30, tzinfo=AMSTERDAM)
PROGRAMMES = {
    "SQL-A": datetime(2026, 1, 1, tzinfo=AMSTERDAM),
    "SQL-B": datetime(2026, 8, 31, 18, 15, tzinfo=AMSTERDAM),  # + 6 months: 28 Feb
    "SQL-C": datetime(2025, 3, 29, 17, tzinfo=AMSTERDAM),
}
EDGY_DAYS = [datetime(2026, 3, 29), datetime(2026, 10, 25), datetime(2027, 3, 28),
             datetime(2026, 2, 28), datetime(2026, 6, 30), datetime(2027, 2, 28)]
EDGY_TIMES = [(16, 59, 59), (17, 0, 0), (18, 30, 0), (20, 59, 59), (21, 0, 0), (23, 0, 0),
              (2, 30, 0), (8, 0, 0)]


def random_history(rng: random.Random) -> list[TransactionRecord]:
    records = []
    for number in range(1, 900):
        pole = rng.choice(list(PROGRAMMES))
        day = rng.choice(EDGY_DAYS) if rng.random() < 0.5 else datetime(2025, 1, 1) + \
            timedelta(days=rng.randrange(1000))
        h, m, s = rng.choice(EDGY_TIMES) if rng.random() < 0.6 else (
            rng.randrange(24), rng.randrange(60), 0)
        # A real instant: 02:30 on the spring-forward day does not exist on any clock.
        start = datetime(day.year, day.month, day.day, h, m, s, tzinfo=AMSTERDAM
                         ).astimezone(UTC).astimezone(AMSTERDAM)
        length = timedelta(minutes=rng.choice([0, 1, 30, 60, 240, 240, 13 * 60, 26 * 60]))
        running = rng.random() < 0.03
        end = None if running else start + length
        overrule = None
        if rng.random() < 0.4:
            overrule = start + timedelta(minutes=rng.choice([0, 5, 60, 120, 239, 240, 600]))
        records.append(TransactionRecord(
            pole_id=pole, connector_id=1 + number % 2, transaction_id=number,
            authorised_at=start, plugged_at=start, ended_at=end, overrule_at=overrule,
            low_current_vehicle=rng.random() < 0.1, id_tag=f"T{number}"))
    return records


def random_statuses(rng: random.Random, start: datetime) -> list[StatusChange]:
    changes = [StatusChange(start - timedelta(days=30), c, "Available") for c in (0, 1)]
    moment = start - timedelta(days=3)
    reported: set[tuple[datetime, int]] = set()
    for _ in range(120):
        moment += timedelta(hours=rng.choice([0, 0, 1, 5, 30]))
        connector = rng.choice([0, 1, 2])
        if (moment, connector) in reported:
            # One report per socket per moment: a repeat of the same report is stored once
            # (issue 20), and two different ones at one moment have no order to compare.
            continue
        reported.add((moment, connector))
        changes.append(StatusChange(moment, connector, rng.choice(
            ["Available", "Charging", "Preparing", "Faulted", "Unavailable", "Finishing"])))
    return changes


@pytest.fixture(params=["sqlite", "postgresql"])
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    """The fleet routes' storage on a SQLite file and on PostgreSQL: both must equal the
    pure report."""
    with ExitStack() as stack:
        url = (f"sqlite:///{tmp_path / 'reports.sqlite'}" if request.param == "sqlite"
               else stack.enter_context(postgres_schema()))
        engine = create_engine_for(url)
        migrate(engine)
        yield Repository(engine)
        engine.dispose()


def _without_ids(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    for row in rows:
        row.pop("peak_transaction_ids")
        row.pop("overruled_transaction_ids")
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_eis25_eis30_fleet_compliance_in_sql_equals_the_pure_report(
        repository: Repository, seed: int) -> None:
    records = random_history(random.Random(seed))
    for pole, start in PROGRAMMES.items():
        register(repository, pole, registered_at=start, programme_start=start)
    store_transactions(repository, records)
    programmes = [ProgramStart(pole, start) for pole, start in PROGRAMMES.items()]
    for until in (UNTIL, datetime(2026, 10, 25, 20, tzinfo=AMSTERDAM)):
        expected = _without_ids(to_json(compliance_reports(records, programmes, until=until)))
        assert sum(row["peak_transactions"] for row in expected) > 20  # type: ignore[misc]
        assert _without_ids(to_json(fleet_compliance(repository, until))) == expected


@pytest.mark.parametrize("seed", [1, 2])
def test_eis48_fleet_uptime_from_availability_changes_equals_the_pure_report(
        repository: Repository, seed: int) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=AMSTERDAM)
    end = datetime(2026, 4, 1, tzinfo=AMSTERDAM)
    expected = []
    for pole in ("UP-A", "UP-B", "UP-C"):
        register(repository, pole, registered_at=datetime(2025, 1, 1, tzinfo=UTC))
        connections = [ConnectionInterval(start - timedelta(days=2), start + timedelta(days=9)),
                       ConnectionInterval(start + timedelta(days=9, hours=rng.randrange(30)),
                                          None)]
        statuses = random_statuses(rng, start)
        store_uptime_history(repository, pole, connections, statuses)
        expected.append(uptime(pole, connections, statuses, start, end))
    reports = fleet_uptime(repository, start, end)
    assert [r["percent"] for r in uptime_to_json(reports)] == [
        r["percent"] for r in uptime_to_json(expected)]
    assert uptime_to_json(reports) == uptime_to_json(expected)
    assert any(not r.meets_98 for r in reports)


def test_eis53_fleet_compliance_counts_a_late_transaction_and_later_changes(
        repository: Repository) -> None:
    """The fleet's numbers follow the transactions as they stand at each request (issue 19:
    through the tally updated in the same database transaction): a transaction a pole kept
    while offline and sent a week later (eis 53), and a running transaction stopped and
    overruled after the first report, count at the next one exactly as the pure report
    counts them."""
    records = random_history(random.Random(4))
    for pole, start in PROGRAMMES.items():
        register(repository, pole, registered_at=start, programme_start=start)
    store_transactions(repository, records)
    programmes = [ProgramStart(pole, start) for pole, start in PROGRAMMES.items()]
    before = _without_ids(to_json(fleet_compliance(repository, UNTIL)))
    assert before == _without_ids(to_json(compliance_reports(records, programmes,
                                                             until=UNTIL)))

    evening = datetime(2027, 8, 20, 18, 5, tzinfo=AMSTERDAM)
    late = [TransactionRecord(
        pole_id="SQL-A", connector_id=1, transaction_id=5000 + n, authorised_at=evening,
        plugged_at=evening, ended_at=evening + timedelta(hours=13),
        overrule_at=evening + timedelta(minutes=5) if n % 2 else None,
        low_current_vehicle=n == 3, id_tag=f"LATE{n}") for n in range(4)]
    store_transactions(repository, late)
    running = next(r for r in records if r.ended_at is None and r.pole_id == "SQL-B")
    stopped_at = running.plugged_at + timedelta(hours=30)  # type: ignore[operator]
    overruled_at = running.plugged_at + timedelta(hours=1)  # type: ignore[operator]
    # As the CSMS stores a StopTransaction and an Overrule report sent after it (queued).
    assert repository.stop_transaction(running.transaction_id, 1000, stopped_at, "Local")
    assert repository.mark_overrule(running.transaction_id, overruled_at, "pole")
    changed = [replace(r, ended_at=stopped_at, overrule_at=overruled_at)
               if r is running else r for r in records] + late

    after = _without_ids(to_json(fleet_compliance(repository, UNTIL)))
    assert after == _without_ids(to_json(compliance_reports(changed, programmes,
                                                            until=UNTIL)))
    assert after != before
    latest_a = [row for row in after if row["pole_id"] == "SQL-A"][-1]
    assert 5003 in latest_a["low_current_transactions"]  # type: ignore[operator]
