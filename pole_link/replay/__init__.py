"""Replay of a pole's stored OCPP message log (issue 19).

A helpdesk reproduces what a driver reported by watching the pole's own messages again,
at N× speed, in the ordinary Pole view. `history` turns the service's log into ordered
calls, `virtual_pole` turns calls into the state a Pole view shows (`LiveSample`),
`player` runs the replay clock, and `pole_link.transports.replay` puts a player behind
the one `PoleLink` interface, so the view needs no replay branch to show it.
"""

from pole_link.replay.history import ReplayMessage, replay_messages
from pole_link.replay.player import SPEEDS, ReplayPlayer, ReplayWindow
from pole_link.replay.virtual_pole import ReplayPole

__all__ = ["SPEEDS", "ReplayMessage", "ReplayPlayer", "ReplayPole", "ReplayWindow",
           "replay_messages"]
