"""The writer's short paths store what SQLAlchemy's would (issue 20): boots and connector
states as multi-row upserts on SQLite, times as SQLite text without SQLAlchemy's chain.

A reconnect storm puts hundreds of boots and statuses in one batch; the poles' details,
registration, sessions and connector states must come out as if each had been stored on
its own, in order, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from service.storage.compiled_writes import (
    FirstOpenRow,
    KeyedUpdate,
    MultiRowStatement,
    _processor,
)
from service.storage.models import UTCDateTime
from service.storage.repository import AsyncRepository, Write, execute_grouped

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _one_batch(store: AsyncRepository, writes: list[Write]) -> None:
    """``writes`` in one transaction, grouped as `BatchWriter` groups a batch's."""
    with store.sync.engine.begin() as connection:
        execute_grouped(connection, writes, store.sync.compiled_writes)


def _boot(store: AsyncRepository, pole: str, at: datetime, *, vendor: str = "V",
          firmware: str | None = "1.0", serial: str | None = None,
          auto_registered: bool = False) -> list[Write]:
    return store.sync.pole_boot_writes(pole, vendor=vendor, model=f"M-{vendor}", serial=serial,
                                       firmware=firmware, auto_registered=auto_registered,
                                       at=at)


def test_five_hundred_boots_in_one_batch_store_each_pole_once_with_its_latest_details(
        store: AsyncRepository) -> None:
    poles = [f"PW-{i:04d}" for i in range(500)]
    # 100 were registered by an earlier boot, with a serial and their registration time.
    _one_batch(store, [write for pole in poles[:100] for write in _boot(
        store, pole, T0, serial="S-old", auto_registered=True)])
    later = T0 + timedelta(hours=1)
    batch: list[Write] = []
    for index, pole in enumerate(poles):
        batch += _boot(store, pole, later, vendor="V1", firmware="1.0",
                       auto_registered=index >= 100)
        if index % 10 == 0:  # booted again while the first boot waited for the writer
            batch += _boot(store, pole, later + timedelta(seconds=5), vendor="V2",
                           firmware="2.0")  # known by now: not auto-registered again
    _one_batch(store, batch)

    stored = {pole.id: pole for pole in store.sync.list_poles()}
    assert sorted(stored) == poles
    for index, pole_id in enumerate(poles):
        pole = stored[pole_id]
        again = index % 10 == 0
        assert (pole.vendor, pole.model, pole.firmware) == (
            ("V2", "M-V2", "2.0") if again else ("V1", "M-V1", "1.0"))
        assert pole.last_seen == later + timedelta(seconds=5 if again else 0)
        assert pole.connected and pole.auto_registered
        # A repeat boot keeps what it does not send: the serial and the registration time.
        assert pole.serial == ("S-old" if index < 100 else None)
        assert pole.registered_at == (T0 if index < 100 else later)
    sessions = store.sync.connection_sessions(None, T0, T0 + timedelta(days=1))
    assert sorted(s.pole_id for s in sessions) == poles  # one open session each
    assert all(s.ended is None for s in sessions)


def test_a_repeated_boot_batch_changes_nothing_but_the_contact(store: AsyncRepository) -> None:
    poles = [f"PW-{i:04d}" for i in range(300)]
    _one_batch(store, [write for pole in poles for write in _boot(
        store, pole, T0, serial="S1", auto_registered=True)])
    before = {pole.id: pole.model_dump() for pole in store.sync.list_poles()}
    later = T0 + timedelta(minutes=3)
    _one_batch(store, [write for pole in poles for write in _boot(store, pole, later)])
    after = {pole.id: pole.model_dump() for pole in store.sync.list_poles()}
    for pole in poles:
        assert after[pole] == {**before[pole], "last_seen": later}


def test_one_batch_of_statuses_moves_each_connector_as_in_order(
        store: AsyncRepository) -> None:
    poles = [f"PW-{i:04d}" for i in range(200)]
    _one_batch(store, [write for pole in poles for write in _boot(store, pole, T0)])
    t1, t2 = T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)
    batch: list[Write] = []
    for pole in poles:
        batch += store.sync.record_status_writes(pole, 1, "Available", "NoError", t1)
        batch += store.sync.record_status_writes(pole, 1, "Charging", "NoError", t2)
        batch += store.sync.record_status_writes(pole, 1, "Charging", "NoError",
                                                 t2 + timedelta(seconds=30))
        # queued while offline: older than the state already reported, changes nothing
        batch += store.sync.record_status_writes(pole, 1, "Faulted", "OtherError", T0)
        batch += store.sync.record_status_writes(pole, 2, "Preparing", "NoError", t1)
    _one_batch(store, batch)
    states = {(c.pole_id, c.connector_id): (c.status, c.error_code, c.since)
              for c in store.sync.connectors()}
    assert len(states) == 2 * len(poles)
    for pole in poles:
        # ``since`` is when the status changed, not when it was last repeated
        assert states[(pole, 1)] == ("Charging", "NoError", t2)
        assert states[(pole, 2)] == ("Preparing", "NoError", t1)


def test_on_sqlite_boots_contacts_and_connector_states_go_in_as_multi_row_statements(
        store: AsyncRepository) -> None:
    if store.sync.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL updates a row once per statement: its upserts stay "
                    "executemany")
    compiled = store.sync.compiled_writes
    writes = [*_boot(store, "PW-0001", T0),
              *store.sync.record_status_writes("PW-0001", 1, "Available", "NoError", T0)]
    pole_upsert, connector_upsert = writes[0], writes[-1]
    for statement, row in (pole_upsert, connector_upsert):
        assert isinstance(compiled._writer(statement, tuple(row)), MultiRowStatement)
    for statement, row in [*store.sync.pole_seen_writes("PW-0001", T0, connected=True),
                           *store.sync.pole_clock_writes("PW-0001", 0.5, T0)]:
        assert isinstance(compiled._writer(statement, tuple(row)), KeyedUpdate)
    [(session_statement, session_row)] = store.sync.session_began_writes("PW-0001", T0)
    assert isinstance(compiled._writer(session_statement, tuple(session_row)), FirstOpenRow)
    # More rows than one statement takes: split, none lost.
    many = [write for i in range(MultiRowStatement.ROWS_PER_STATEMENT * 2 + 7)
            for write in _boot(store, f"PW-{i:04d}", T0)]
    _one_batch(store, many)
    assert len(store.sync.pole_ids()) == MultiRowStatement.ROWS_PER_STATEMENT * 2 + 7


@pytest.mark.parametrize("value", [
    T0, T0.replace(microsecond=123_456), datetime(2026, 3, 29, 1, 59, 59, 999_999,
                                                  tzinfo=timezone(timedelta(hours=2))),
    datetime(1999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-8, minutes=-30))),
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC), None])
def test_a_time_goes_to_sqlite_as_the_text_sqlalchemy_writes(value: datetime | None) -> None:
    dialect = sa.create_engine("sqlite://").dialect
    ours = _processor(UTCDateTime(), dialect)
    sqlalchemy_s = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and sqlalchemy_s is not None and ours is not sqlalchemy_s
    assert ours(value) == sqlalchemy_s(value)


def test_a_naive_time_is_refused_with_the_same_message() -> None:
    dialect = sa.create_engine("sqlite://").dialect
    ours = _processor(UTCDateTime(), dialect)
    assert ours is not None
    with pytest.raises(ValueError, match="naive datetime"):
        ours(datetime(2026, 3, 1, 12, 0))


def test_one_batch_of_contacts_and_clocks_leaves_each_pole_at_its_last(
        store: AsyncRepository) -> None:
    count = MultiRowStatement.ROWS_PER_STATEMENT + 50  # more than one statement's rows
    poles = [f"PW-{i:04d}" for i in range(count)]
    _one_batch(store, [write for pole in poles for write in _boot(store, pole, T0)])
    t1, t2 = T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)
    batch: list[Write] = []
    for index, pole in enumerate(poles):
        batch += store.sync.pole_seen_writes(pole, t1, connected=True)
        batch += store.sync.pole_clock_writes(pole, 1.5, t1)
        if index % 3 == 0:  # heartbeat, then the connection ended, in the same batch
            batch += store.sync.pole_seen_writes(pole, t2, connected=False)
            batch += store.sync.pole_clock_writes(pole, -0.25, t2)
    batch += store.sync.pole_seen_writes("NO-SUCH-POLE", t2, connected=True)  # ignored
    _one_batch(store, batch)
    stored = {pole.id: pole for pole in store.sync.list_poles()}
    assert sorted(stored) == poles
    for index, pole_id in enumerate(poles):
        pole = stored[pole_id]
        ended = index % 3 == 0
        assert (pole.last_seen, pole.connected) == ((t2, False) if ended else (t1, True))
        assert (pole.clock_offset_s, pole.clock_checked_at) == (
            (-0.25, t2) if ended else (1.5, t1))
        assert (pole.vendor, pole.registered_at) == ("V", None)  # untouched


def test_a_batch_of_boots_opens_a_session_only_for_poles_without_an_open_one(
        store: AsyncRepository) -> None:
    """Sessions (uptime, eis 48) begun by many boots in one batch — on SQLite many rows to a
    statement (`FirstOpenRow`) — as if each boot had been stored on its own: a pole whose
    session is still open keeps it, one whose session ended gets a new one, and a pole
    booting twice in the batch gets one session, from its first boot."""
    rows = MultiRowStatement.ROWS_PER_STATEMENT * 2 + 7  # more than one statement takes
    poles = [f"PW-{i:04d}" for i in range(rows)]
    earlier = T0 - timedelta(hours=2)
    _one_batch(store, [write for pole in poles for write in _boot(store, pole, earlier)])
    _one_batch(store, [write for pole in poles[20:] for write in
                       store.sync.session_ended_writes(pole, earlier + timedelta(hours=1))])
    batch: list[Write] = []
    for index, pole in enumerate(poles):
        batch += store.sync.session_began_writes(pole, T0)
        if index % 7 == 0:  # booted again while the first boot waited for the writer
            batch += store.sync.session_began_writes(pole, T0 + timedelta(seconds=30))
    _one_batch(store, batch)

    sessions = store.sync.connection_sessions(None, earlier - timedelta(hours=1),
                                              T0 + timedelta(days=1))
    by_pole: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for session in sessions:
        by_pole.setdefault(session.pole_id, []).append((session.started, session.ended))
    assert sorted(by_pole) == poles
    for index, pole in enumerate(poles):
        if index < 20:  # still open from before: no second session
            assert by_pole[pole] == [(earlier, None)]
        else:  # ended: a new one, from this batch's first boot
            assert sorted(by_pole[pole]) == [(earlier, earlier + timedelta(hours=1)),
                                             (T0, None)]
