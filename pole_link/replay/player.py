"""The replay clock and its controls: play, pause, step, jump, speed.

Qt-free, so the semantics are tested without a window and the Pole view's bar only
displays them. Decisions, as a helpdesk uses a replay to reproduce a driver's report:

- The replay clock is the service's log time (when each message arrived or left), the
  one clock both directions share. It starts at the window's start, paused: the state at
  that moment comes from the lead-in (messages before the window, applied at once), so a
  socket that was already faulted shows as faulted from the first frame.
- `advance` is fed real seconds by whoever runs the replay (the replay transport, a test)
  and moves the clock ``speed`` times as far; every message up to the new time is
  applied. At the window's end the player pauses on its own: nothing plays past it.
- `step` applies the next message and moves the clock to its time; `jump` shows the
  state right after message N (backwards too: the state is rebuilt from the lead-in, which
  is cheap for the few thousand messages of a window). Both pause, because whoever steps
  or jumps wants to read that moment, not see it run away at 600×.
- A long window (a day of a busy pole) arrives in pages while it plays
  (`pole_link.replay.load`): the player holds what has been read, `wants_more` says when
  the next page is due, `extend` adds it. Playing never runs past the last message read
  (`loaded_until`): it waits there, `buffering`, rather than skip messages not yet read.
- Speeds are the four a helpdesk needs (1×: what the driver lived; 10×, 60×: an evening
  in minutes; 600×: a day in a couple of minutes); others are refused with the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pole_link.live import LiveSample
from pole_link.replay.history import ReplayMessage
from pole_link.replay.virtual_pole import ReplayPole

SPEEDS = (1.0, 10.0, 60.0, 600.0)


@dataclass(frozen=True)
class ReplayWindow:
    """The stretch of a pole's history to replay."""

    pole_id: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("the replay window must end after it starts")


class ReplayPlayer:
    """Plays ``messages`` (those of the window, oldest first) into a `ReplayPole`."""

    def __init__(self, window: ReplayWindow, messages: Sequence[ReplayMessage],
                 lead_in: Sequence[ReplayMessage] = (), *, complete: bool = True) -> None:
        self.window = window
        self.messages = [m for m in messages if window.start <= m.time <= window.end]
        self.lead_in = [m for m in lead_in if m.time < window.start]
        self.complete = complete
        """Every message of the window is read; False while pages are still to come."""
        self.speed = SPEEDS[0]
        self.playing = False
        self.clock = window.start
        self.position = 0
        """How many of `messages` are applied."""
        self.pole = self._fresh_pole()
        self._listeners: list[Callable[[], None]] = []

    @property
    def pole_id(self) -> str:
        return self.window.pole_id

    @property
    def last_message(self) -> ReplayMessage | None:
        """The message applied last, the one the state now reflects."""
        return self.messages[self.position - 1] if self.position else None

    @property
    def at_end(self) -> bool:
        return self.clock >= self.window.end

    @property
    def loaded_until(self) -> datetime:
        """How far the replay clock may run on what is read: the window's end once every
        page is in, else the last message read (later ones may still come)."""
        if self.complete:
            return self.window.end
        return self.messages[-1].time if self.messages else self.window.start

    @property
    def buffering(self) -> bool:
        """Playing, but held at the last message read until the next page arrives."""
        return self.playing and not self.complete and self.clock >= self.loaded_until

    def wants_more(self, ahead: int) -> bool:
        """Fewer than ``ahead`` messages read beyond the replay's position: read on."""
        return not self.complete and len(self.messages) - self.position < ahead

    def extend(self, messages: Sequence[ReplayMessage], complete: bool) -> None:
        """The next page, oldest first, numbered on from the last (`replay_messages`)."""
        self.messages.extend(m for m in messages
                             if self.window.start <= m.time <= self.window.end)
        self.complete = complete
        self._changed()

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Called after every change of position, speed or play state."""
        self._listeners.append(listener)

    def sample(self) -> LiveSample:
        """The replayed pole at the replay clock, as the Pole view takes it."""
        return self.pole.sample(self.clock)

    # ------------------------------------------------------------ controls
    def play(self) -> None:
        """Run from the replay clock on; at the window's end, from the start again (as
        the replay opened: no message applied yet)."""
        if self.at_end:
            self._rebuild(0)
            self.clock = self.window.start
        self.playing = True
        self._changed()

    def pause(self) -> None:
        self.playing = False
        self._changed()

    def set_speed(self, speed: float) -> None:
        if speed not in SPEEDS:
            allowed = ", ".join(f"{s:g}×" for s in SPEEDS)
            raise ValueError(f"a replay runs at {allowed}, not {speed:g}×")
        self.speed = speed
        self._changed()

    def advance(self, real_seconds: float) -> list[ReplayMessage]:
        """Let ``real_seconds`` pass at the current speed (nothing moves while paused);
        returns the messages applied."""
        if not self.playing or real_seconds <= 0:
            return []
        target = min(self.loaded_until,
                     self.clock + timedelta(seconds=real_seconds * self.speed))
        target = max(target, self.clock)
        applied = self._apply_until(target)
        self.clock = target
        if self.at_end:
            self.playing = False
        self._changed()
        return applied

    def step(self) -> ReplayMessage | None:
        """Apply the next message and stop at its time; None at the end."""
        self.playing = False
        if self.position >= len(self.messages):
            self._changed()
            return None
        message = self.messages[self.position]
        self.pole.apply(message)
        self.position += 1
        self.clock = max(self.clock, message.time)
        self._changed()
        return message

    def jump(self, index: int) -> ReplayMessage:
        """The state right after message ``index`` (0 = the window's first), paused."""
        if not 0 <= index < len(self.messages):
            raise IndexError(f"the replay holds messages 0 to {len(self.messages) - 1}, "
                             f"not {index}")
        self.playing = False
        self._rebuild(index + 1)
        message = self.messages[index]
        self.clock = message.time
        self._changed()
        return message

    def jump_to_time(self, moment: datetime) -> None:
        """The state at ``moment`` (clamped to the window and to what is read: read the
        pages up to it first, `ReplayPages.read_until`), paused."""
        moment = min(max(moment, self.window.start), self.loaded_until)
        self.playing = False
        self._rebuild(sum(1 for m in self.messages if m.time <= moment))
        self.clock = moment
        self._changed()

    # ------------------------------------------------------------ internals
    def _fresh_pole(self) -> ReplayPole:
        pole = ReplayPole(self.window.pole_id)
        for message in self.lead_in:
            pole.apply(message)
        return pole

    def _rebuild(self, position: int) -> None:
        if position < self.position:
            self.pole = self._fresh_pole()
            self.position = 0
        while self.position < position:
            self.pole.apply(self.messages[self.position])
            self.position += 1

    def _apply_until(self, moment: datetime) -> list[ReplayMessage]:
        applied = []
        while self.position < len(self.messages) and self.messages[self.position].time <= moment:
            message = self.messages[self.position]
            self.pole.apply(message)
            applied.append(message)
            self.position += 1
        return applied

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
