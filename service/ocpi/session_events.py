"""The OCPI session pusher's waiting events: at most one meter reading per transaction.

Each push to an eMSP carries the whole session as it stands, so a meter reading that waits
while a newer event of its transaction arrives is worth nothing any more. The pusher
handles events one after another, with database reads for each; after a reconnect storm
every pole's day of queued MeterValues arrives within a couple of minutes, faster than
that on PostgreSQL, and a plain queue held every reading until its turn: 61,783 waiting
events at 3,000 poles, 1,140 MB of Python objects at 10,000 (issue 20; 311 MB on SQLite,
whose reads kept up).

`SessionEvents` keeps the order of each transaction's events, which is all a session
needs (a completion is never overtaken by an earlier reading): a new reading replaces its
transaction's waiting reading where it stands, and a start or stop drops it and queues
behind everything waiting. What waits is then bounded by the open transactions plus
their starts and stops, whatever the pace of the readings; a start or stop is never
dropped.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

from service.live.events import Event


def is_reading(event: Event) -> bool:
    return event.get("type") == "meterValues"


class SessionEvents:
    """First in, first out, with a transaction's waiting reading replaced by its next
    event (see the module's docstring)."""

    def __init__(self) -> None:
        self._waiting: OrderedDict[tuple[str, int], Event] = OrderedDict()
        self._numbers = itertools.count()

    def put(self, event: Event) -> None:
        transaction = int(event["transactionId"])
        reading = ("reading", transaction)
        if is_reading(event):
            self._waiting[reading] = event  # an existing key keeps its place
            return
        self._waiting.pop(reading, None)
        self._waiting[("event", next(self._numbers))] = event

    def take(self, at_most: int) -> list[Event]:
        """The oldest ``at_most`` events, removed."""
        return [self._waiting.popitem(last=False)[1]
                for _ in range(min(at_most, len(self._waiting)))]

    def __len__(self) -> int:
        return len(self._waiting)
