"""An upload's rate and time left follow what the link does now, on a clock the test sets."""

from __future__ import annotations

from gui.firmware.progress import TransferProgress, size_text, time_left_text


def test_rate_and_time_left_follow_the_recent_link_speed() -> None:
    progress = TransferProgress(total=1_000_000)
    assert progress.rate is None and progress.left_s is None  # nothing to measure yet
    for second in range(11):  # 10 kB/s for ten seconds
        progress.update(second * 10_000, float(second))
    assert progress.rate == 10_000
    assert progress.left_s == (1_000_000 - 100_000) / 10_000
    for second in range(11, 21):  # the link slows to 2 kB/s
        progress.update(100_000 + (second - 10) * 2_000, float(second))
    assert progress.rate is not None and progress.rate < 3_000  # not the average since start
    assert progress.fraction == 0.12


def test_a_resumed_upload_counts_the_bytes_the_pole_had_as_done_not_as_speed() -> None:
    progress = TransferProgress(total=1_000, start_offset=400)
    assert progress.done == 400 and progress.fraction == 0.4
    progress.update(400, 0.0)
    progress.update(500, 1.0)
    assert progress.rate == 100 and progress.left_s == 5.0
    progress.update(300, 2.0)  # an old acknowledgement never moves progress back
    assert progress.done == 500


def test_sizes_and_times_as_people_read_them() -> None:
    assert size_text(1_400_000) == "1.4 MB" and size_text(812_000) == "812.0 kB"
    assert size_text(96) == "96 B"
    assert time_left_text(125) == "2 min 05 s" and time_left_text(40.4) == "40 s"
    assert time_left_text(None) == "—"
