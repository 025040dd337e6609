"""A `PoleSession` over the replay transport: the pole's identity and Live samples come from
the player, and nothing can be written: a replay never reaches the real pole."""

from __future__ import annotations

import pytest
from ocpp.v16.enums import AvailabilityType, ChargePointStatus

from pole_link.errors import CallError, ConnectError, NotAuthorised
from pole_link.replay import ReplayPlayer, ReplayWindow, replay_messages
from pole_link.session import PoleSession
from pole_link.site_access import open_for_writing
from pole_link.token_wallet import TokenWallet
from pole_link.transports import PoleAddress, open_link
from pole_link.transports.replay import REPLAY_READ_ONLY, ReplayLink
from tests.pole_link.replay.fault_history import POLE, at, lead_in, window
from tests.support import ManualClock


def player() -> ReplayPlayer:
    return ReplayPlayer(ReplayWindow(POLE, at(17), at(20)), replay_messages(window()),
                        replay_messages(lead_in()))


async def test_a_session_over_a_replay_shows_the_replayed_pole_at_replay_speed() -> None:
    replay = player()
    monotonic = ManualClock(seconds=0.0)  # real time as the test decides: no wall clock
    link = open_link(PoleAddress("replay", POLE, f"replay of {POLE}", POLE),
                     player=replay, monotonic=monotonic)
    assert isinstance(link, ReplayLink)
    session = PoleSession(link)
    identity = await session.open()
    try:
        assert identity.pole_id == POLE and identity.firmware_version == "1.4.2"
        replay.set_speed(600)
        replay.play()
        async with session.live(100) as stream:
            first = await anext(stream)
            assert first.timestamp == at(17)
            monotonic.set(9.0)  # nine real seconds at 600×: ninety replayed minutes
            sample = await anext(stream)
            while sample.timestamp < at(18, 30):
                sample = await anext(stream)
        assert sample.timestamp == at(18, 30)
        assert sample.socket(1).status is ChargePointStatus.charging
        assert sample.socket(2).status is ChargePointStatus.faulted
    finally:
        await session.close()


async def test_a_replay_is_read_only_and_refuses_every_command() -> None:
    session = PoleSession(ReplayLink(POLE, player=player()))
    await session.open()
    try:
        access = await open_for_writing(session, POLE, TokenWallet(), token="anything")
        assert not access.writable and access.reason == REPLAY_READ_ONLY
        with pytest.raises(NotAuthorised, match="nothing is sent to the real pole"):
            await session.remote_start(1, "DRIVER-9")
        with pytest.raises(NotAuthorised):
            await session.change_availability(2, AvailabilityType.operative)
        with pytest.raises(NotAuthorised):
            await session.reset()
        with pytest.raises(CallError, match="NotSupported"):
            await session.authenticate("a token someone typed")
    finally:
        await session.close()


def test_a_replay_without_its_messages_says_where_to_get_them() -> None:
    with pytest.raises(ConnectError, match="Replay…"):
        ReplayLink(POLE)
