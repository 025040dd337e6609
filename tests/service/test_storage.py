"""The CSMS storage layer on SQLite always, and on PostgreSQL when ``PAALWERK_TEST_PG`` is set.

PostgreSQL runs get a fresh random schema per test (``search_path`` through libpq ``options``),
so parallel or repeated runs never see each other's rows. A set but unreachable
``PAALWERK_TEST_PG`` fails the tests: a silent skip would hide a broken CI database.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pole_link.service_api import EndReason
from service.reports.uptime import ConnectionInterval, StatusChange, uptime
from service.storage import (
    AsyncRepository,
    Repository,
    StorageError,
    create_engine_for,
    database_url_default,
    migrate,
)
from tests.support import postgres_schema

POLE = "NL-PW-0001"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = create_engine_for(f"sqlite:///{tmp_path / 'paalwerk.sqlite'}")
        migrate(eng)
        yield eng
        eng.dispose()
        return
    with postgres_schema() as url:
        eng = create_engine_for(url)
        try:
            migrate(eng)
            yield eng
        finally:
            eng.dispose()


def test_a_poles_open_session_is_found_by_an_index_of_open_sessions(engine: Engine) -> None:
    """Every boot and disconnect looks up the pole's open session; PostgreSQL read every
    open session's entry of the index on ``ended`` for it (issue 20, migration 0026)."""
    migrate(engine)
    with engine.connect() as connection:
        indexes = {index["name"]: index for index in
                   sa.inspect(connection).get_indexes("connection_sessions")}
    assert indexes["ix_connection_sessions_open"]["column_names"] == ["pole_id"]
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            definition = connection.execute(sa.text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_connection_sessions_open'"
                " AND schemaname = current_schema()"  # other tests' schemas hold the same index
            )).scalar_one()
        assert definition.endswith("WHERE (ended IS NULL)")


@pytest.fixture
def repo(engine: Engine) -> Repository:
    repository = Repository(engine)
    repository.upsert_pole(POLE, vendor="Paalwerk", model="Tender-2", registered_at=T0)
    return repository


def test_migrate_twice_is_idempotent(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
    with engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        tables = set(sa.inspect(connection).get_table_names())
    assert [row[0] for row in versions] == ["0026"]
    assert {"poles", "connectors", "status_events", "transactions", "meter_values",
            "message_log", "charging_profiles", "audit_log", "connection_sessions",
            "firmware_updates", "firmware_packages", "firmware_rollouts",
            "firmware_rollout_poles", "security_events", "technician_keys",
            "commissioning_reports", "id_tags", "id_tag_register", "local_lists",
            "pole_credentials", "log_requests", "users", "api_tokens", "audit_chain",
            "service_tokens", "ocpi_partners", "ocpi_tokens", "ocpi_tariffs",
            "pole_locations", "oscp_partners", "grid_group_members",
            "oscp_forecasts", "service_runs", "compliance_tally_poles", "compliance_tally",
            "compliance_tally_low", "ocpi_followed_sessions"} <= tables


def test_pole_upsert_creates_then_updates_only_given_fields(repo: Repository) -> None:
    pole = repo.get_pole(POLE)
    assert pole is not None
    assert (pole.vendor, pole.model, pole.connection_size, pole.auto_registered) == (
        "Paalwerk", "Tender-2", "3x35", False)
    repo.upsert_pole(POLE, firmware="1.2.3", connected=True, last_seen=T0)
    repo.upsert_pole("NL-PW-0002", auto_registered=True, grid_operator="Enexis",
                     connection_size="3x25", programme_start=T0)
    pole = repo.get_pole(POLE)
    assert pole is not None
    assert (pole.vendor, pole.firmware, pole.connected, pole.last_seen) == (
        "Paalwerk", "1.2.3", True, T0)
    assert [p.id for p in repo.list_poles()] == [POLE, "NL-PW-0002"]
    other = repo.get_pole("NL-PW-0002")
    assert other is not None and other.auto_registered and other.connection_size == "3x25"
    assert repo.get_pole("nope") is None
    repo.pole_seen(POLE, T0 + timedelta(minutes=5), connected=False)
    pole = repo.get_pole(POLE)
    assert pole is not None and not pole.connected
    assert pole.last_seen == T0 + timedelta(minutes=5)


def test_statuses_keep_history_and_latest_state(repo: Repository) -> None:
    repo.record_status(POLE, 1, "Available", "NoError", T0)
    repo.record_status(POLE, 1, "Charging", "NoError", T0 + timedelta(minutes=1))
    repo.record_status(POLE, 1, "Charging", "NoError", T0 + timedelta(minutes=2))
    repo.record_status(POLE, 2, "Faulted", "GroundFailure", T0 + timedelta(minutes=3))
    # A late, queued event (eis 53) must not overwrite the newer state.
    repo.record_status(POLE, 2, "Available", "NoError", T0 - timedelta(hours=1))
    connectors = repo.connectors(POLE)
    assert [(c.connector_id, c.status, c.error_code, c.since) for c in connectors] == [
        (1, "Charging", "NoError", T0 + timedelta(minutes=1)),
        (2, "Faulted", "GroundFailure", T0 + timedelta(minutes=3)),
    ]
    events = repo.status_events(POLE, T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert len(events) == 5
    assert events[0].status == "Available" and events[0].connector_id == 2


def test_transaction_ids_unique_and_increasing(repo: Repository) -> None:
    ids = [repo.start_transaction(POLE, 1 + i % 2, f"TAG{i}", 1000 * i,
                                  T0 + timedelta(minutes=i)) for i in range(20)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 20


def test_duplicate_start_gets_same_id(repo: Repository) -> None:
    first = repo.start_transaction(POLE, 1, "CARD1", 100, T0)
    # The pole resent it (answer lost), possibly with another offset for the same instant.
    again = repo.start_transaction(POLE, 1, "CARD1", 100,
                                   T0.astimezone(timezone(timedelta(hours=1))))
    assert again == first
    assert repo.find_duplicate_start(POLE, 1, "CARD1", T0) == first
    assert repo.find_duplicate_start(POLE, 2, "CARD1", T0) is None
    other = repo.start_transaction(POLE, 2, "CARD1", 100, T0)
    assert other != first


def test_concurrent_starts_get_unique_ids_and_one_id_per_duplicate(repo: Repository) -> None:
    """Threads on separate connections stand in for service processes sharing a database."""

    def work(worker: int) -> list[int]:
        mine = Repository(repo.engine)
        return [mine.start_transaction(POLE, 1, "SAME", 0, T0)] + [
            mine.start_transaction(POLE, 2, f"W{worker}-{i}", 0, T0) for i in range(5)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, range(6)))
    assert len({result[0] for result in results}) == 1
    distinct = [tx for result in results for tx in result[1:]]
    assert len(set(distinct)) == len(distinct) == 30
    assert results[0][0] not in distinct


def test_stop_overrule_and_low_current(repo: Repository) -> None:
    tx = repo.start_transaction(POLE, 1, "CARD1", 100, T0)
    assert repo.mark_overrule(tx, T0 + timedelta(hours=5), "phone")
    assert not repo.mark_overrule(tx, T0 + timedelta(hours=6), "pole")  # first one counts
    assert repo.mark_low_current(tx, T0 + timedelta(hours=1))
    assert repo.stop_transaction(tx, 15100, T0 + timedelta(hours=8), "EVDisconnected")
    assert not repo.stop_transaction(999_999, 1, T0, None)
    stored = repo.get_transaction(tx)
    assert stored is not None
    assert (stored.meter_stop, stored.stopped, stored.stop_reason) == (
        15100, T0 + timedelta(hours=8), "EVDisconnected")
    assert (stored.overruled_at, stored.overrule_source) == (T0 + timedelta(hours=5), "phone")
    assert stored.low_current_vehicle and stored.low_current_at == T0 + timedelta(hours=1)


def test_transactions_overlapping_window(repo: Repository) -> None:
    early = repo.start_transaction(POLE, 1, "A", 0, T0 - timedelta(days=2))
    repo.stop_transaction(early, 10, T0 - timedelta(days=1), "Local")
    spanning = repo.start_transaction(POLE, 1, "B", 0, T0 - timedelta(hours=2))
    repo.stop_transaction(spanning, 10, T0 + timedelta(hours=1), "Local")
    running = repo.start_transaction(POLE, 2, "C", 0, T0 + timedelta(hours=3))
    repo.start_transaction(POLE, 2, "D", 0, T0 + timedelta(days=2))
    found = repo.transactions(POLE, T0, T0 + timedelta(days=1))
    assert [t.id for t in found] == [spanning, running]


def test_meter_values_bulk_insert_and_range_query(repo: Repository) -> None:
    rows = []
    for i in range(3000):  # a month of quarter-hours ≈ 2 976; 4 measurands → 12 000 rows
        at = T0 + timedelta(minutes=15 * i)
        rows.append({"pole_id": POLE, "connector_id": 1, "transaction_id": None, "timestamp": at,
                     "measurand": "Energy.Active.Import.Register", "value": float(i),
                     "unit": "Wh", "context": "Sample.Clock"})
        for phase in ("L1", "L2", "L3"):
            rows.append({"pole_id": POLE, "connector_id": 2, "timestamp": at,
                         "measurand": "Current.Import", "phase": phase, "value": 16.0,
                         "unit": "A", "context": "Sample.Periodic"})
    # What a bulk insert costs is measured in benchmarks/csms_load.py, not asserted here.
    assert repo.add_meter_values(rows) == 12_000

    start, end = T0 + timedelta(days=3), T0 + timedelta(days=4)
    got = repo.meter_values(POLE, start, end, connector_id=1)
    assert len(got) == 96
    assert [v.timestamp for v in got] == [start + timedelta(minutes=15 * k) for k in range(96)]
    assert got[0].value == 3 * 96.0 and got[0].unit == "Wh"
    both = repo.meter_values(POLE, start, end)
    assert len(both) == 96 * 4
    assert all(start <= v.timestamp < end for v in both)
    assert [v.timestamp for v in both] == sorted(v.timestamp for v in both)


def test_timezone_round_trip(repo: Repository) -> None:
    amsterdam_summer = datetime(2025, 7, 1, 18, 30, 15, 123000,
                                tzinfo=timezone(timedelta(hours=2)))
    tx = repo.start_transaction(POLE, 1, "TZ", 0, amsterdam_summer)
    stored = repo.get_transaction(tx)
    assert stored is not None
    assert stored.started.tzinfo is not None and stored.started.utcoffset() == timedelta(0)
    assert stored.started == amsterdam_summer
    assert stored.started.hour == 16
    with pytest.raises(Exception, match="naive"):
        repo.start_transaction(POLE, 1, "TZ", 0, datetime(2025, 7, 1, 18, 30))


def test_message_log_filter_and_prune(repo: Repository) -> None:
    for i in range(10):
        repo.log_message(POLE, "in", "Heartbeat" if i % 2 else "MeterValues", f"id{i}",
                         {"n": i}, at=T0 + timedelta(seconds=i), latency_ms=1.5)
    repo.log_message("NL-PW-0009", "out", "Reset", "r1", '{"type":"Soft"}', at=T0)
    beats = repo.message_log(POLE, action="Heartbeat")
    assert [m.unique_id for m in beats] == ["id9", "id7", "id5", "id3", "id1"]
    assert repo.message_log(POLE, since=T0 + timedelta(seconds=8), limit=1)[0].unique_id == "id9"
    assert beats[0].payload == '{"n":9}' and beats[0].time == T0 + timedelta(seconds=9)
    repo.log_message("NL-PW-0009", "in", "Reset", "r1", "{}", at=T0 + timedelta(seconds=1))
    # One pole's own log (what a connected pole does as its log grows): others untouched.
    assert repo.prune_message_log(keep_per_pole=5, pole_id=POLE) == 5
    assert [m.unique_id for m in repo.message_log(POLE)] == ["id9", "id8", "id7", "id6", "id5"]
    assert len(repo.message_log("NL-PW-0009")) == 2
    assert repo.prune_message_log(keep_per_pole=3) == 2
    assert [m.unique_id for m in repo.message_log(POLE)] == ["id9", "id8", "id7"]
    assert len(repo.message_log("NL-PW-0009")) == 2


def test_charging_profiles_and_audit(repo: Repository) -> None:
    record = repo.add_charging_profile(POLE, 0, {"chargingProfileId": 1}, T0)
    repo.mark_profile_verified(record, T0 + timedelta(seconds=5))
    (stored,) = repo.charging_profiles(POLE)
    assert stored.verified_at == T0 + timedelta(seconds=5)
    repo.audit("operator", "Reset", f"{POLE} soft", at=T0)


async def test_async_repository_runs_in_threads(repo: Repository) -> None:
    store = AsyncRepository(repo)
    tx = await store.start_transaction(POLE, 1, "ASYNC", 0, T0)
    assert await store.start_transaction(POLE, 1, "ASYNC", 0, T0) == tx
    assert await store.stop_transaction(tx, 10, T0 + timedelta(hours=1), None)
    assert (await store.get_pole(POLE)) is not None


def test_read_only_sqlite_file_raises_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    writable = create_engine_for(f"sqlite:///{path}")
    migrate(writable)
    writable.dispose()
    for extra in tmp_path.iterdir():
        extra.chmod(stat.S_IRUSR | stat.S_IRGRP)
    # root ignores file modes; opening read-only is then the only way to get a read-only file.
    url = (f"sqlite:///file:{path}?mode=ro&uri=true" if os.geteuid() == 0
           else f"sqlite:///{path}")
    engine = create_engine_for(url)
    try:
        with pytest.raises(StorageError, match="read-only") as caught:
            Repository(engine).upsert_pole(POLE, vendor="x")
        assert str(path) in str(caught.value)
    finally:
        engine.dispose()
        for extra in tmp_path.iterdir():
            extra.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_unreachable_postgresql_raises_storage_error_without_password() -> None:
    engine = create_engine_for("postgresql://paal:s3cr3t-pw@127.0.0.1:1/fleet?connect_timeout=2")
    with pytest.raises(StorageError) as caught:
        migrate(engine)
    message = str(caught.value)
    assert "s3cr3t-pw" not in message
    assert "unreachable" in message and "127.0.0.1:1/fleet" in message
    assert engine.dialect.driver == "psycopg"


def test_default_url_is_sqlite_in_user_data_dir(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # platformdirs on Linux; elsewhere real
    url = database_url_default()
    assert url.startswith("sqlite:///") and url.endswith("paalwerk.sqlite")


def test_eis48_uptime_from_stored_sessions_and_statuses(repo: Repository) -> None:
    """Up = connected *and* available: 1 h, then both sockets faulted for 1 h, 1 h up again,
    then disconnected for the last hour of four: 2 h of 4 up, exactly 50 %."""
    hour = timedelta(hours=1)
    repo.record_status(POLE, 1, "Available", "NoError", T0 - hour)  # opens the period
    repo.record_status(POLE, 2, "Available", "NoError", T0 - hour)
    repo.session_began(POLE, T0)
    repo.session_began(POLE, T0 + timedelta(minutes=5))  # a second boot: same session
    for connector in (1, 2):
        repo.record_status(POLE, connector, "Faulted", "GroundFailure", T0 + hour)
        repo.record_status(POLE, connector, "Available", "NoError", T0 + 2 * hour)
    repo.pole_seen(POLE, T0 + 3 * hour, connected=False)
    repo.session_ended(POLE, T0 + 3 * hour)

    sessions = repo.connection_sessions(POLE, T0, T0 + 4 * hour)
    assert [(s.started, s.ended) for s in sessions] == [(T0, T0 + 3 * hour)]
    history = repo.status_history(POLE, T0, T0 + 4 * hour)
    assert [(e.connector_id, e.timestamp) for e in history[:2]] == [
        (1, T0 - hour), (2, T0 - hour)]
    assert len(history) == 6

    report = uptime(POLE, [ConnectionInterval(s.started, s.ended) for s in sessions],
                    [StatusChange(e.timestamp, e.connector_id, e.status) for e in history],
                    T0, T0 + 4 * hour)
    assert report.up_seconds == 2 * 3600 and report.percent == 50.0
    assert report.connected_seconds == 3 * 3600 and not report.meets_98


def test_eis48_a_session_left_open_by_a_stopped_service_ends_at_last_contact(
        repo: Repository) -> None:
    repo.session_began(POLE, T0)
    repo.pole_seen(POLE, T0 + timedelta(minutes=42), connected=True)
    assert repo.close_dangling_sessions() == 1
    (session,) = repo.connection_sessions(POLE, T0, T0 + timedelta(days=1))
    assert session.ended == T0 + timedelta(minutes=42)
    assert session.end_reason == EndReason.SERVICE_STOPPED  # why it is offline, for the helpdesk
    pole = repo.get_pole(POLE)
    assert pole is not None and not pole.connected


def test_firmware_updates_follow_the_pole_s_reports(repo: Repository) -> None:
    """A request moves through the pole's statuses; a report after a finished update (or
    with none asked) starts an update of its own; Idle changes nothing."""
    asked = repo.firmware_requested(POLE, "http://csms/files/firmware/ab/pw2.bin", T0)
    for minute, status in enumerate(("Downloading", "Idle", "Downloaded", "Installed"), 1):
        repo.firmware_status(POLE, status, T0 + timedelta(minutes=minute))
    repo.firmware_status(POLE, "Downloading", T0 + timedelta(hours=1))  # a technician's
    newest, first = repo.firmware_updates(POLE)
    assert (first.id, first.status, first.status_at) == (asked, "Installed",
                                                          T0 + timedelta(minutes=4))
    assert (newest.location, newest.requested_at, newest.status) == (None, None, "Downloading")
    unsent = repo.firmware_requested(POLE, "http://csms/x", T0 + timedelta(hours=2))
    repo.firmware_not_sent(unsent, T0 + timedelta(hours=2))
    assert repo.firmware_updates(POLE, limit=1)[0].status == "NotSent"
