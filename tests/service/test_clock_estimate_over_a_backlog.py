"""A pole's clock estimate is what the whole window of its messages says, however many it
flushes at once (issue 20: `ClockWatch` forgets the samples a newer one outdoes, so a day's
backlog no longer makes every message read all those before it)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from pole_link.profiles.intent import CLOCK_TOLERANCE_S
from service.ocpp.clock_watch import _AGREE_S, _REFRESH_S, _REWRITE_S, WINDOW_S, ClockWatch

T0 = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)


class EveryMessageKept:
    """The estimate as `ClockWatch` documents it, from every sample of the window."""

    def __init__(self) -> None:
        self.samples: list[tuple[datetime, float, bool]] = []
        self.stored: tuple[datetime, float] | None = None

    def observe(self, pole_time: datetime, received: datetime, trusted: bool) -> float | None:
        self.samples.append((received, (pole_time - received).total_seconds(), trusted))
        window = [s for s in self.samples if (received - s[0]).total_seconds() <= WINDOW_S]
        estimate = max(offset for _, offset, _ in window)
        sure = max((offset for _, offset, ok in window if ok), default=None)
        if estimate <= CLOCK_TOLERANCE_S and (sure is None or sure < estimate - _AGREE_S):
            return None
        if self.stored is not None and abs(estimate - self.stored[1]) < _REWRITE_S and \
                (received - self.stored[0]).total_seconds() < _REFRESH_S:
            return None
        self.stored = (received, estimate)
        return estimate


def test_a_flushed_backlog_gives_the_estimate_of_all_its_messages() -> None:
    rng = random.Random(20)
    for _ in range(200):
        watch, reference = ClockWatch(), EveryMessageKept()
        received = T0
        offset = rng.uniform(-5, 5)
        queued_since = T0 - timedelta(hours=rng.uniform(0, 24))
        for _ in range(rng.randint(1, 80)):
            received += timedelta(seconds=rng.choice((0, 0.2, 1, 30, 400, 1000)))
            if rng.random() < 0.5:  # a queued message, oldest first
                queued_since += timedelta(seconds=rng.uniform(0, 1800))
                pole_time = min(queued_since, received) + timedelta(seconds=offset)
            else:
                pole_time = received + timedelta(seconds=offset + rng.uniform(-3, 0))
            trusted = rng.random() < 0.6
            assert watch.observe(pole_time, received, trusted=trusted) == \
                reference.observe(pole_time, received, trusted)


def test_a_day_of_queued_messages_keeps_few_samples() -> None:
    watch = ClockWatch()
    for n in range(100):  # a day's backlog, oldest first, read within a second
        watch.observe(T0 - timedelta(hours=24) + n * timedelta(minutes=14),
                      T0 + n * timedelta(milliseconds=10), trusted=False)
    assert len(watch._samples) <= 2
