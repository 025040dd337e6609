"""The replay player on a scripted evening: what a helpdesk sees at chosen replay times,
and what play, pause, step, jump and the speeds do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ocpp.v16.enums import ChargePointStatus

from pole_link.model.led import LedColour
from pole_link.model.mode3 import CPState
from pole_link.replay import ReplayPlayer, ReplayWindow, replay_messages
from tests.pole_link.replay.fault_history import POLE, at, lead_in, window


def player() -> ReplayPlayer:
    return ReplayPlayer(ReplayWindow(POLE, at(17), at(20)), replay_messages(window()),
                        replay_messages(lead_in()))


def played_until(replay: ReplayPlayer, hour: int, minute: int = 0) -> ReplayPlayer:
    replay.set_speed(600)
    replay.play()
    while replay.clock < at(hour, minute):
        seconds = (at(hour, minute) - replay.clock).total_seconds() / replay.speed
        replay.advance(min(1.0, seconds))
    return replay


def test_the_replay_opens_paused_at_the_window_start_in_the_lead_in_state() -> None:
    replay = player()
    sample = replay.sample()
    assert not replay.playing and replay.clock == at(17) and replay.position == 0
    assert sample.timestamp == at(17)
    assert [s.status for s in sample.sockets] == [ChargePointStatus.available] * 2
    assert replay.pole.firmware_version == "1.4.2"  # from the boot before the window


def test_the_evening_charging_then_a_ground_fault_then_a_power_loss() -> None:
    replay = played_until(player(), 18, 15)
    socket1 = replay.sample().socket(1)
    assert socket1.status is ChargePointStatus.charging and socket1.transaction_id == 41
    assert socket1.current_a == (16.0, 16.0, 16.0)
    assert socket1.energy_wh == 11_000  # the session's energy, 12 000 − 1 000 Wh
    assert socket1.cp_state is CPState.C2 and socket1.led.colour is LedColour.BLUE

    played_until(replay, 18, 45)
    socket2 = replay.sample().socket(2)
    assert socket2.status is ChargePointStatus.faulted
    assert replay.pole.socket(2).error_code == "GroundFailure"
    assert socket2.led.colour is LedColour.RED and socket2.led.blinking
    assert replay.sample().socket(1).current_a == (16.0, 16.0, 16.0)  # the other charges on

    played_until(replay, 19, 10)
    assert replay.sample().limit_a == 10.0  # the peak profile the service sent
    assert replay.sample().socket(1).current_a == (10.0, 10.0, 10.0)
    assert replay.sample().socket(1).offered_current_a == 10.0  # no offer logged: the limit

    played_until(replay, 19, 31)  # the mains are gone, but the log does not know yet
    assert replay.sample().socket(1).transaction_id == 41

    played_until(replay, 19, 40)
    socket1 = replay.pole.socket(1)
    assert socket1.transaction_id is None and socket1.stop_reason == "PowerLoss"
    assert socket1.status is ChargePointStatus.available and socket1.current_a == (0, 0, 0)
    assert replay.pole.socket(2).status is ChargePointStatus.faulted  # still tripped
    assert replay.pole.boots == 2


def test_paused_nothing_moves_and_speed_multiplies_real_time() -> None:
    replay = player()
    assert replay.advance(30.0) == [] and replay.clock == at(17)
    replay.play()
    replay.advance(2.0)
    assert replay.clock == at(17, 0, 2)
    replay.set_speed(60)
    applied = replay.advance(2.0)  # two real seconds: two replayed minutes
    assert replay.clock == at(17, 2, 2)
    assert [m.action for m in applied if m.is_call] == ["StartTransaction", "StatusNotification"]
    replay.pause()
    replay.advance(100.0)
    assert replay.clock == at(17, 2, 2)


def test_the_replay_stops_by_itself_at_the_window_end() -> None:
    replay = player()
    replay.set_speed(600)
    replay.play()
    replay.advance(3 * 3600)
    assert replay.clock == at(20) and not replay.playing and replay.at_end
    assert replay.position == len(replay.messages)
    replay.play()  # playing again starts over
    assert replay.clock == at(17) and replay.position == 0 and replay.playing


def test_step_applies_one_message_at_its_time_and_pauses() -> None:
    replay = player()
    replay.play()
    first = replay.step()
    assert first is not None and first.action == "StatusNotification" and first.is_call
    assert not replay.playing and replay.clock == at(17)
    assert replay.sample().socket(1).status is ChargePointStatus.preparing
    replay.step()  # the CSMS's answer
    start = replay.step()
    assert start is not None and start.action == "StartTransaction"
    assert replay.clock == at(17, 0, 5) and replay.pole.socket(1).transaction_id is None
    replay.step()  # its answer names the transaction
    assert replay.pole.socket(1).transaction_id == 41
    replay.jump(len(replay.messages) - 1)
    assert replay.step() is None


def test_jump_shows_the_state_right_after_a_message_backwards_too() -> None:
    replay = player()
    fault = next(m for m in replay.messages
                 if m.action == "StatusNotification" and m.is_call
                 and m.payload["status"] == "Faulted")
    replay.play()
    assert replay.jump(fault.index) is fault
    assert not replay.playing and replay.clock == at(18, 30)
    assert replay.sample().socket(2).status is ChargePointStatus.faulted
    assert replay.last_message is fault

    replay.jump(0)  # back to the first message: the fault has not happened yet
    assert replay.sample().socket(2).status is ChargePointStatus.available
    assert replay.pole.socket(1).status is ChargePointStatus.preparing

    replay.jump_to_time(at(19, 0, 30))
    assert replay.sample().limit_a == 10.0 and replay.clock == at(19, 0, 30)
    replay.jump_to_time(at(16))  # clamped to the window; the state at 17:00 holds
    assert replay.clock == at(17)  # the messages of 17:00 itself
    assert replay.pole.socket(1).status is ChargePointStatus.preparing
    with pytest.raises(IndexError, match="messages 0 to"):
        replay.jump(len(replay.messages))


def test_only_the_four_speeds_are_offered() -> None:
    replay = player()
    for speed in (1, 10, 60, 600):
        replay.set_speed(speed)
    with pytest.raises(ValueError, match="1×, 10×, 60×, 600×"):
        replay.set_speed(5)


def test_listeners_hear_every_change() -> None:
    replay = player()
    heard: list[timedelta] = []
    replay.subscribe(lambda: heard.append(replay.clock - at(17)))
    replay.play()
    replay.advance(1.0)  # applies the 17:00 messages
    replay.step()  # the next one: StartTransaction at 17:00:05
    assert heard == [timedelta(0), timedelta(seconds=1), timedelta(seconds=5)]


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="must end after it starts"):
        ReplayWindow(POLE, at(18), at(17))
