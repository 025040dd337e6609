"""The CSV export's proposed file name: the pole and the pole's time, safe on Windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gui.plot.export_name import export_file_name, safe_stem

AMSTERDAM_WINTER = timezone(timedelta(hours=1))


def test_the_name_carries_the_pole_id_and_the_pole_s_time() -> None:
    pole_time = datetime(2026, 12, 4, 15, 30, 59, tzinfo=UTC).timestamp()
    assert export_file_name("PW-001", pole_time, AMSTERDAM_WINTER) == "PW-001_2026-12-04_1630.csv"
    assert export_file_name("PW-001", pole_time, UTC) == "PW-001_2026-12-04_1530.csv"


def test_a_pole_clock_far_from_the_laptop_s_is_what_the_name_says() -> None:
    pole_time = datetime(2031, 3, 1, 8, 5, tzinfo=UTC).timestamp()
    assert export_file_name("PW-7", pole_time, UTC) == "PW-7_2031-03-01_0805.csv"


def test_without_samples_or_pole_the_name_says_what_it_knows() -> None:
    assert export_file_name("PW-001", None) == "PW-001.csv"
    pole_time = datetime(2026, 12, 4, 15, 30, tzinfo=UTC).timestamp()
    assert export_file_name(None, pole_time, UTC) == "currents_2026-12-04_1530.csv"
    assert export_file_name(' :*? ', None) == "currents.csv"


@pytest.mark.parametrize(("pole_id", "stem"), [
    ("PW-001", "PW-001"),
    ("site 12/pole:3", "site-12-pole-3"),
    ('a<b>c"d\\e|f?g*h', "a-b-c-d-e-f-g-h"),
    ("tab\there\x00nul", "tab-here-nul"),
    ("trailing dot.", "trailing-dot"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("Laadpaal-Ü", "Laadpaal-Ü"),
    ("x" * 100, "x" * 64),
])
def test_pole_ids_become_names_windows_accepts(pole_id: str, stem: str) -> None:
    assert safe_stem(pole_id) == stem
    name = export_file_name(pole_id, 0.0, UTC)
    assert not set(name) & set('<>:"/\\|?* \t')
    assert name.startswith(stem + "_")
