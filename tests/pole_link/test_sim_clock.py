"""The pole's clock: speed, jumps, and events run in order at their own time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pole_link.sim.clock import EventScheduler, SimClock
from tests.support import ManualClock

START = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def test_speed_scales_wall_time() -> None:
    wall = ManualClock()
    clock = SimClock(START, speed=60, wall=wall)
    wall.advance(2)
    assert clock.now() == START + timedelta(minutes=2)
    clock.set_speed(1)
    wall.advance(2)
    assert clock.now() == START + timedelta(minutes=2, seconds=2)


def test_naive_start_and_bad_speed_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        SimClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="positive"):
        SimClock(START, speed=0)


def test_jump_runs_every_event_in_between_in_order_at_its_own_time() -> None:
    clock = SimClock(START, wall=ManualClock())
    scheduler = EventScheduler(clock)
    seen: list[tuple[str, datetime]] = []
    for name, minutes in [("c", 30), ("a", 10), ("b", 20), ("late", 90)]:
        scheduler.call_later(minutes * 60,
                             lambda name=name: seen.append((name, clock.now())))  # type: ignore[misc]
    assert scheduler.advance(3600) == 3
    assert seen == [("a", START + timedelta(minutes=10)), ("b", START + timedelta(minutes=20)),
                    ("c", START + timedelta(minutes=30))]
    assert clock.now() == START + timedelta(hours=1)


def test_events_scheduled_by_events_inside_a_jump_also_run() -> None:
    clock = SimClock(START, wall=ManualClock())
    scheduler = EventScheduler(clock)
    ticks: list[datetime] = []

    def meter() -> None:
        ticks.append(clock.now())
        scheduler.call_later(900, meter)

    scheduler.call_later(900, meter)
    scheduler.advance(3600)
    assert ticks == [START + timedelta(minutes=15 * n) for n in range(1, 5)]


def test_cancelled_events_do_not_run_and_clock_never_goes_back() -> None:
    clock = SimClock(START, wall=ManualClock())
    scheduler = EventScheduler(clock)
    ran: list[int] = []
    handle = scheduler.call_later(10, lambda: ran.append(1))
    handle.cancel()
    assert scheduler.advance(60) == 0 and ran == []
    with pytest.raises(ValueError, match="backwards"):
        scheduler.advance(-1)


def test_a_failing_event_is_recorded_and_the_rest_still_run() -> None:
    clock = SimClock(START, wall=ManualClock())
    scheduler = EventScheduler(clock)
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("sensor on fire")

    scheduler.call_later(1, broken)
    scheduler.call_later(2, lambda: ran.append("after"))
    assert scheduler.advance(5) == 2
    assert ran == ["after"]
    assert [str(e) for e in scheduler.failures] == ["sensor on fire"]
    scheduler.raise_errors = True
    scheduler.call_later(1, broken)
    with pytest.raises(RuntimeError, match="sensor on fire"):
        scheduler.advance(5)
