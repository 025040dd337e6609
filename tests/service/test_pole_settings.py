"""Per-pole settings over the API (eis 24, 33): stored, applied to a connected pole at once,
to an offline one when it boots, and kept across a service restart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.api.tokens import ensure_admin_token
from service.server import start_service
from tests.support import Api, connected_pole, until

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)


@pytest.fixture
def service_now() -> datetime:
    """The service runs on the poles' day (a profile is verified against real time)."""
    return T0
STEDIN_3X25 = {"gridOperator": "Stedin", "programmeStart": "2026-09-01T00:00:00+02:00",
               "connectionSize": "3x25"}


async def test_eis33_a_smaller_connection_reaches_the_connected_pole_at_once(
        api: Api, tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        pole = connected.pole
        await until(lambda: pole.configuration.int_value("GridConnectionMaxCurrent") == 30)
        answer = (await api.client.put("/api/v1/poles/PW-0001/settings",
                                       json=STEDIN_3X25)).json()
        assert answer["settings"] == {**STEDIN_3X25, "gridConnectionMaxCurrent": 25.0}
        assert answer["gridConnectionMaxCurrent"] == "Accepted"
        assert answer["capacityProfile"]["status"] == "Accepted"
        assert answer["capacityProfile"]["verified"] is True
        assert pole.configuration.int_value("GridConnectionMaxCurrent") == 25
        assert pole.limit_a() <= 25, "11:00 UTC is outside the peak: the 25 A connection rules"
    read = (await api.client.get("/api/v1/poles/PW-0001/settings")).json()
    assert read["connectionSize"] == "3x25" and read["gridOperator"] == "Stedin"


async def test_eis33_an_offline_pole_gets_its_connection_limit_when_it_boots(
        api: Api, tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
        pass  # registered, now offline
    answer = (await api.client.put("/api/v1/poles/PW-0001/settings",
                                   json={"connectionSize": "3x25"})).json()
    assert answer["applied"].startswith("PoleOffline")
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        await until(lambda: connected.pole.configuration.int_value(
            "GridConnectionMaxCurrent") == 25)


async def test_settings_are_checked_and_survive_a_restart(api: Api, tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
        pass
    for body, where in [({"gridOperator": "Eneco"}, "gridOperator"),
                        ({"connectionSize": "3x50"}, "connectionSize"),
                        ({"programmeStart": "2026-09-01T00:00:00"}, "programmeStart")]:
        refused = await api.client.put("/api/v1/poles/PW-0001/settings", json=body)
        assert refused.status_code == 422 and where in refused.json()["description"]
    missing = await api.client.put("/api/v1/poles/PW-0404/settings", json=STEDIN_3X25)
    assert missing.status_code == 404
    assert (await api.client.put("/api/v1/poles/PW-0001/settings",
                                 json=STEDIN_3X25)).status_code == 200

    await api.service.stop()
    token_file = tmp_path / "tokens.json"
    assert ensure_admin_token(token_file) is None, "the same token file: no new token"
    again = await start_service(api.db_url, token_file=token_file)
    try:
        assert again.policy.settings_for("PW-0001").connection == "3x25"
        assert again.policy.settings_for("PW-0001").normal_limit_a == 25.0
    finally:
        await again.stop()
