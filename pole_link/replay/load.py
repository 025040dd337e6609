"""Reading a replay's messages from the service: the window, and the lead-in before it.

Two reads through `ServiceClient` (the one client of the operator API): the window from
its start (at most `WINDOW_LIMIT` messages, the API's page; a window holding more ends
early and the player says so), and the newest `LEAD_IN_LIMIT` messages before it, which
put the sockets in the state they had when the window opens (a socket faulted since the
afternoon is faulted at 18:00 too).
"""

from __future__ import annotations

import asyncio

from pole_link.replay.history import replay_messages
from pole_link.replay.player import ReplayPlayer, ReplayWindow
from pole_link.service_api import ServiceClient

WINDOW_LIMIT = 5000
LEAD_IN_LIMIT = 500


async def load_replay(client: ServiceClient, window: ReplayWindow) -> ReplayPlayer:
    """A paused player at the window's start; raises `ValueError` when the service holds
    no message of the pole in the window (there is nothing to watch)."""
    inside = await client.messages(window.pole_id, start=window.start, end=window.end,
                                   limit=WINDOW_LIMIT, oldest_first=True)
    if not inside:
        raise ValueError(f"the service kept no message of {window.pole_id} in this window: "
                         "choose another one (the log keeps the newest 10,000 per pole)")
    before = await client.messages(window.pole_id, end=window.start, limit=LEAD_IN_LIMIT)
    # Parsing a full window takes ~0.1 s (benchmarks/replay_player.py): not on the GUI thread.
    messages = await asyncio.to_thread(replay_messages, inside)
    return ReplayPlayer(window, messages, replay_messages(before),
                        truncated=len(inside) >= WINDOW_LIMIT)
