"""The programme months' bounds that the eis 25/30 tally counts in (issue 19), and what
remembering them costs (issue 20).

Every pole with a finished transaction has its own programme start (its registration when
it is in no programme), so the service remembers one set of 37 bounds per pole for good:
after a 10,000-pole reconnect storm's transactions they were 21 MB as datetimes. The
bounds must come back exact to the microsecond, in UTC, whatever the representation.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from service.reports import compliance_tally
from service.reports.compliance import AMSTERDAM
from service.reports.compliance_tally import PROGRAMME_MONTHS, programme_months


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    compliance_tally._programme_months.cache_clear()
    yield
    compliance_tally._programme_months.cache_clear()


def test_months_keep_the_local_wall_time_and_clamp_the_day_exactly() -> None:
    """A start on 31 January at 10:00:00.123456 in Amsterdam: February's month starts on
    the 28th, March's on the 31st again after the clocks went forward (08:00 UTC), the
    last bound three years on; asked again (remembered), the same to the microsecond."""
    start = datetime(2026, 1, 31, 10, 0, 0, 123_456, tzinfo=AMSTERDAM)
    first = programme_months(start)
    again = programme_months(start.astimezone(UTC))
    assert len(first) == PROGRAMME_MONTHS + 1
    assert first[:3] == (datetime(2026, 1, 31, 9, 0, 0, 123_456, tzinfo=UTC),
                         datetime(2026, 2, 28, 9, 0, 0, 123_456, tzinfo=UTC),
                         datetime(2026, 3, 31, 8, 0, 0, 123_456, tzinfo=UTC))
    assert first[-1] == datetime(2029, 1, 31, 9, 0, 0, 123_456, tzinfo=UTC)
    assert again == first
    assert all(bound.tzinfo is UTC for bound in again)
    assert list(first) == sorted(first)


def test_a_thousand_poles_programme_months_are_remembered_in_little_memory() -> None:
    """1,000 poles registered a second apart: what stays remembered after the calls is
    under 1 KB a pole, the cache's own entry included (0.6 KB; as 37 datetimes it was
    2.3 KB)."""
    base = datetime(2026, 3, 1, 12, tzinfo=UTC)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for pole in range(1_000):
            programme_months(base + timedelta(seconds=pole))
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    kept = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert compliance_tally._programme_months.cache_info().currsize == 1_000
    assert kept < 1_000_000, f"{kept / 1_000:.0f} B a pole"
