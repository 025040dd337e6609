"""Which forecast caps a grid group when (issue 22): blocks run out at their end, even
for a partner gone offline; adjustments override; fallbacks only while it is offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from service.oscp.forecasts import ForecastBook
from service.oscp.messages import ForecastedBlock, GroupCapacityForecast

T0 = datetime(2026, 12, 1, 16, tzinfo=UTC)


def forecast(*blocks: tuple[int, int, float, str], kind: str = "CONSUMPTION"
             ) -> GroupCapacityForecast:
    return GroupCapacityForecast.model_validate({
        "group_id": "cable-7", "type": kind, "forecasted_blocks": [
            {"capacity": cap, "phase": "ALL", "unit": unit,
             "start_time": (T0 + timedelta(minutes=a)).isoformat(),
             "end_time": (T0 + timedelta(minutes=b)).isoformat()}
            for a, b, cap, unit in blocks]})


def test_eis32_blocks_apply_in_their_period_and_expire_also_when_partner_offline() -> None:
    book = ForecastBook()
    book.store("enexis", forecast((0, 15, 40, "A"), (15, 30, 27.6, "KW")), adjust=False)
    offline = lambda _p: True  # noqa: E731 - the partner stopped beating
    assert book.limit("cable-7", T0 - timedelta(seconds=1)) is None
    first = book.limit("cable-7", T0 + timedelta(minutes=5), offline)
    assert first is not None and first.amps == 40
    second = book.limit("cable-7", T0 + timedelta(minutes=20), offline)
    assert second is not None and second.amps == pytest.approx(27600 / 690)
    assert book.limit("cable-7", T0 + timedelta(minutes=30), offline) is None


def test_eis32_adjustment_overrides_and_fallback_applies_only_while_offline() -> None:
    book = ForecastBook()
    book.store("enexis", forecast((0, 60, 60, "A")), adjust=False)
    book.store("enexis", forecast((10, 20, 20, "A")), adjust=True)
    book.store("enexis", forecast((60, 120, 10, "A"), kind="FALLBACK_CONSUMPTION"),
               adjust=False)
    at = lambda m: T0 + timedelta(minutes=m)  # noqa: E731
    assert [getattr(book.limit("cable-7", at(m)), "amps", None) for m in (5, 15, 25)] \
        == [60, 20, 60]
    assert book.limit("cable-7", at(70), lambda _p: False) is None
    fallback = book.limit("cable-7", at(70), lambda _p: True)
    assert fallback is not None and fallback.amps == 10


def test_blocks_that_cannot_cap_a_current_are_refused_in_words() -> None:
    with pytest.raises(ValidationError, match="must end after it starts"):
        ForecastedBlock.model_validate({"capacity": 1, "phase": "ALL", "unit": "A",
                                        "start_time": T0.isoformat(),
                                        "end_time": T0.isoformat()})
    with pytest.raises(ValidationError, match="energy unit"):
        ForecastedBlock.model_validate({"capacity": 1, "phase": "ALL", "unit": "KWH",
                                        "start_time": T0.isoformat(),
                                        "end_time": (T0 + timedelta(hours=1)).isoformat()})
