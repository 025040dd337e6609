"""The sample ring and its min/max levels: every view equals brute-force numpy, wrap or not."""

from __future__ import annotations

import io
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.plot.history import SAMPLES_PER_DAY_AT_10_HZ, Envelope, SampleHistory

NAMES = ("a", "b", "c")


def reference_view(history: SampleHistory, t_start: float, t_end: float,
                   envelope: Envelope) -> None:
    """Check ``envelope`` against plain numpy over the held samples, bucket by bucket."""
    times, values = history.samples()
    lo = history.first_index
    g0 = lo + int(np.searchsorted(times, t_start, "left"))
    g1 = lo + int(np.searchsorted(times, t_end, "right"))
    if g1 <= g0:
        assert envelope.points == 0
        return
    if envelope.bucket == 1:
        np.testing.assert_array_equal(envelope.times, times[g0 - lo:g1 - lo])
        np.testing.assert_array_equal(envelope.values, values[g0 - lo:g1 - lo].T)
        return
    size = envelope.bucket
    edges = [g0, *range(-(-g0 // size) * size, g1, size), g1]
    edges = sorted(set(edges))
    starts = edges[:-1]
    assert envelope.points == 2 * len(starts)
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        block = values[a - lo:b - lo]
        first, second = envelope.values[:, 2 * i], envelope.values[:, 2 * i + 1]
        np.testing.assert_array_equal(np.fmin(first, second), np.fmin.reduce(block))
        np.testing.assert_array_equal(np.fmax(first, second), np.fmax.reduce(block))
        assert envelope.times[2 * i] == envelope.times[2 * i + 1] == times[a - lo]


@st.composite
def sample_stream(draw: st.DrawFn) -> list[tuple[float, list[float]]]:
    """Times that mostly advance (sometimes stand still, sometimes go back), values with NaN."""
    count = draw(st.integers(0, 400))
    steps = draw(st.lists(st.sampled_from([0.0, 0.1, 0.1, 0.1, 0.3, 5.0, -0.2]),
                          min_size=count, max_size=count))
    value = st.one_of(st.integers(-50, 400).map(lambda v: v / 10), st.just(math.nan))
    rows = draw(st.lists(st.lists(value, min_size=3, max_size=3), min_size=count,
                         max_size=count))
    t = 1000.0
    out = []
    for step, row in zip(steps, rows, strict=True):
        t += step
        out.append((round(t, 3), row))
    return out


def fill(history: SampleHistory, stream: list[tuple[float, list[float]]],
         batches: list[int]) -> None:
    """Feed ``stream`` by single appends and extends of the sizes in ``batches``, in turn."""
    i = 0
    for size in batches:
        if i >= len(stream):
            return
        part = stream[i:i + size]
        if size == 1:
            history.append(*part[0])
        else:
            history.extend([t for t, _ in part], [row for _, row in part])
        i += size
    for t, row in stream[i:]:
        history.append(t, row)


@settings(max_examples=200, deadline=None)
@given(stream=sample_stream(),
       batches=st.lists(st.sampled_from([1, 1, 2, 7, 33, 150]), max_size=30),
       capacity=st.integers(1, 120), base=st.integers(2, 4), levels=st.integers(0, 3),
       window=st.tuples(st.floats(990, 1700), st.floats(0, 800)),
       max_points=st.integers(1, 40))
def test_every_view_equals_brute_force_min_max(
        stream: list[tuple[float, list[float]]], batches: list[int], capacity: int,
        base: int, levels: int, window: tuple[float, float], max_points: int) -> None:
    history = SampleHistory(NAMES, capacity, base=base, levels=levels)
    fill(history, stream, batches)
    t_start, span = window
    envelope = history.view(t_start, t_start + span, max_points)
    assert envelope.points <= 2 * max(2, max_points)
    assert envelope.values.shape == (3, envelope.points)
    reference_view(history, t_start, t_start + span, envelope)


@settings(max_examples=100, deadline=None)
@given(stream=sample_stream(), batches=st.lists(st.sampled_from([1, 5, 64]), max_size=20))
def test_appending_one_by_one_or_in_batches_holds_the_same(
        stream: list[tuple[float, list[float]]], batches: list[int]) -> None:
    one_by_one = SampleHistory(NAMES, 50, base=2, levels=3)
    batched = SampleHistory(NAMES, 50, base=2, levels=3)
    fill(one_by_one, stream, [])
    fill(batched, stream, batches)
    assert (one_by_one.total, one_by_one.dropped) == (batched.total, batched.dropped)
    for got, want in zip(batched.samples(), one_by_one.samples(), strict=True):
        np.testing.assert_array_equal(got, want)
    for points in (2, 5, 11):
        a = one_by_one.view(0, 1e6, points)
        b = batched.view(0, 1e6, points)
        np.testing.assert_array_equal(a.times, b.times)
        np.testing.assert_array_equal(a.values, b.values)


def test_a_window_that_fits_the_pixels_is_the_raw_samples() -> None:
    history = SampleHistory(NAMES, 100)
    for i in range(10):
        history.append(100 + i, [i, -i, 2 * i])
    envelope = history.view(102, 105, max_points=50)
    assert envelope.bucket == 1
    np.testing.assert_array_equal(envelope.times, [102, 103, 104, 105])
    np.testing.assert_array_equal(envelope.values[0], [2, 3, 4, 5])


def test_out_of_order_or_timeless_samples_are_dropped_and_counted() -> None:
    history = SampleHistory(NAMES, 100)
    assert history.append(10.0, [1, 1, 1])
    assert history.append(10.0, [2, 2, 2])  # same instant: kept
    assert not history.append(9.9, [3, 3, 3])
    assert not history.append(math.nan, [3, 3, 3])
    assert not history.append(math.inf, [3, 3, 3])
    assert history.extend([11, 10.5, math.nan, 12], [[4] * 3] * 4) == 2
    assert history.dropped == 5
    times, values = history.samples()
    np.testing.assert_array_equal(times, [10, 10, 11, 12])
    np.testing.assert_array_equal(values[:, 0], [1, 2, 4, 4])


def test_wrapping_keeps_the_newest_capacity_samples_and_their_levels() -> None:
    history = SampleHistory(NAMES, 64, base=4, levels=2)
    assert history.capacity == 64
    times = np.arange(1000, dtype=np.float64)
    values = np.stack([times % 17, -times, np.sin(times)], axis=1)
    history.extend(times[:500], values[:500])
    for t, row in zip(times[500:], values[500:], strict=True):
        history.append(float(t), row)
    assert len(history) == 64
    assert history.first_index == 1000 - 64
    assert history.t_first == 936.0
    assert history.t_last == 999.0
    for start, end, points in [(0, 2000, 4), (936, 999, 5), (950, 990, 3), (937.5, 938.5, 2)]:
        reference_view(history, start, end, history.view(start, end, points))


def test_extending_by_more_than_the_ring_keeps_the_tail() -> None:
    history = SampleHistory(NAMES, 32, base=2, levels=3)
    times = np.arange(200, dtype=np.float64)
    history.extend(times, np.stack([times, times, times], axis=1))
    got, _ = history.samples()
    np.testing.assert_array_equal(got, times[-32:])
    reference_view(history, 0, 300, history.view(0, 300, 3))


def test_a_day_at_10_hz_is_viewed_through_a_coarse_level() -> None:
    history = SampleHistory(NAMES)
    assert history.capacity >= SAMPLES_PER_DAY_AT_10_HZ
    times = 1.7e9 + np.arange(SAMPLES_PER_DAY_AT_10_HZ) / 10
    values = np.zeros((times.shape[0], 3), dtype=np.float32)
    values[::1000, 1] = 32.0  # short spikes must survive decimation
    history.extend(times, values)
    envelope = history.view(times[0], times[-1], 1200)
    assert envelope.points <= 2400
    assert envelope.bucket >= SAMPLES_PER_DAY_AT_10_HZ / 1199
    assert envelope.values[1].max() == 32.0
    assert envelope.values[0].max() == 0.0
    reference_view(history, times[0], times[-1], envelope)


def test_a_step_down_is_drawn_high_then_low() -> None:
    history = SampleHistory(NAMES, 1024, base=4, levels=3)
    limit = np.where(np.arange(1000) < 503, 30.0, 16.0)
    history.extend(np.arange(1000.0), np.stack([limit, -limit, limit], axis=1))
    envelope = history.view(0, 999, 20)
    assert envelope.bucket > 1
    step = [i for i in range(0, envelope.points, 2)
            if envelope.values[0, i] != envelope.values[0, i + 1]]
    assert len(step) == 1
    assert list(envelope.values[0, step[0]:step[0] + 2]) == [30.0, 16.0]
    assert list(envelope.values[1, step[0]:step[0] + 2]) == [-30.0, -16.0]


def test_a_column_without_values_leaves_the_others_drawn() -> None:
    history = SampleHistory(NAMES, 256, base=2, levels=4)
    times = np.arange(256.0)
    history.extend(times, np.stack([times, np.full(256, np.nan), times], axis=1))
    envelope = history.view(0, 255, 8)
    assert envelope.bucket > 1
    assert np.isnan(envelope.values[1]).all()
    assert not np.isnan(envelope.values[0]).any()


def test_an_empty_window_has_no_points() -> None:
    history = SampleHistory(NAMES, 16)
    assert history.view(0, 10, 100).points == 0
    assert history.t_first is None and history.t_last is None
    history.append(5.0, [1, 2, 3])
    assert history.view(6, 10, 100).points == 0
    assert history.view(0, 4, 100).points == 0


def test_wrong_number_of_values_is_refused() -> None:
    history = SampleHistory(NAMES, 16)
    with pytest.raises(ValueError, match="expected 3 values"):
        history.append(1.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        history.extend([1.0, 2.0], [[1.0, 2.0, 3.0]])


def test_csv_holds_the_raw_samples_of_the_window_with_a_header() -> None:
    history = SampleHistory(("socket1_L1_A", "limit_A"), 100)
    start = 1_764_090_000.0  # 2025-11-25T17:00:00Z
    history.append(start - 1, [1.0, 30.0])
    history.append(start, [16.3, 30.0])
    history.append(start + 0.1, [math.nan, 16.0])
    history.append(start + 5, [99.0, 16.0])
    out = io.StringIO()
    assert history.to_csv(out, start, start + 1) == 2
    assert out.getvalue().splitlines() == [
        "time,socket1_L1_A,limit_A",
        "2025-11-25T17:00:00.000Z,16.3,30",
        "2025-11-25T17:00:00.100Z,,16",
    ]


def test_csv_to_a_path_holds_everything_by_default(tmp_path: pytest.TempPathFactory) -> None:
    history = SampleHistory(NAMES, 100)
    history.extend([1.0, 2.0, 3.0], [[1, 2, 3]] * 3)
    path = tmp_path / "out.csv"  # type: ignore[operator]
    assert history.to_csv(path) == 3
    assert len(path.read_text().splitlines()) == 4


def test_samples_are_copies() -> None:
    history = SampleHistory(NAMES, 100)
    history.append(1.0, [1, 2, 3])
    _, values = history.samples()
    values[0, 0] = 42
    assert history.samples()[1][0, 0] == 1


@settings(max_examples=200, deadline=None)
@given(stream=sample_stream(), capacity=st.integers(1, 60), t=st.floats(990, 1700))
def test_the_sample_at_a_time_is_the_nearest_one_held(
        stream: list[tuple[float, list[float]]], capacity: int, t: float) -> None:
    history = SampleHistory(NAMES, capacity, base=2, levels=2)
    fill(history, stream, [])
    found = history.at(t)
    times, values = history.samples()
    if not times.size:
        assert found is None
        return
    assert found is not None
    distance = np.abs(times - t)
    nearest = int(np.flatnonzero(distance == distance.min())[0])  # the earlier on a tie
    assert found.time == times[nearest]
    np.testing.assert_array_equal(found.values, values[nearest])


def test_the_sample_at_a_time_reads_the_stored_values_and_its_own_time() -> None:
    history = SampleHistory(NAMES, 100)
    history.extend([10.0, 10.1, 10.2, 60.0], [[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 0, 0]])
    sample = history.at(10.12)
    assert sample is not None
    assert sample.time == 10.1
    assert sample.values.tolist() == [4, 5, 6]
    gap = history.at(30.0)  # in a gap: the nearest sample, and its time says how far
    assert gap is not None and gap.time == 10.2
    assert history.at(-5.0).time == 10.0  # type: ignore[union-attr]
    assert history.at(1e9).time == 60.0  # type: ignore[union-attr]
    sample.values[0] = 42
    assert history.at(10.1).values[0] == 4  # type: ignore[union-attr]
    assert SampleHistory(NAMES, 16).at(1.0) is None
