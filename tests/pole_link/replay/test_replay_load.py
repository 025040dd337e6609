"""Loading a replay from a real service's message log: the window from its start, the
state before it from the lead-in, and a clear word when the window holds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ocpp.v16.enums import ChargePointStatus

from pole_link.replay import ReplayWindow
from pole_link.replay.load import load_replay
from pole_link.service_api import ServiceClient, ServiceEndpoint
from tests.support import Api, connected_pole, until

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)


async def test_the_lead_in_gives_the_state_when_the_window_opens(api: Api,
                                                                   tmp_path: Path) -> None:
    endpoint = ServiceEndpoint(api.url, api.token)
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        async with ServiceClient(endpoint) as client:
            booted = await client.messages("PW-0001", limit=5000)
        assert booted[0].time is not None
        opens = booted[0].time + timedelta(milliseconds=1)  # after the boot and statuses
        connected.pole.fault(1, "rcd")
        await until(lambda: len(connected.outbox) == 0)
        async with ServiceClient(endpoint) as client:
            player = await load_replay(client, ReplayWindow(
                "PW-0001", opens, opens + timedelta(minutes=5)))
    assert player.lead_in and all(m.time < opens for m in player.lead_in)
    assert player.messages and all(m.time >= opens for m in player.messages)
    # The boot before the window named the pole; its sockets were Available.
    assert player.pole.vendor == "Paalwerk" and player.pole.boots == 1
    assert player.sample().socket(1).status is ChargePointStatus.available
    assert player.pole.limit_a > 0  # GridConnectionMaxCurrent, as the service read it
    player.jump(len(player.messages) - 1)
    assert player.sample().socket(1).status is ChargePointStatus.faulted
    assert player.pole.socket(1).error_code == "GroundFailure"


async def test_an_empty_window_says_so_in_words(api: Api) -> None:
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        with pytest.raises(ValueError, match="kept no message of PW-0404 in this window"):
            await load_replay(client, ReplayWindow("PW-0404", T0, T0 + timedelta(hours=1)))
