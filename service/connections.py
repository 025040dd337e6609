"""The poles connected to this process, and — when several processes share the fleet
(`service.cluster`) — a stand-in for each pole another process holds.

Operator commands, the live feed, the capacity policy and rollouts all reach a pole through
`Connections.get`, so none of them needs to know where the pole's socket is.
"""

from __future__ import annotations

from pole_link.errors import LinkLost
from service.cluster.cluster import Cluster, RemotePole
from service.ocpp.pole_handler import PoleHandler


class Connections:
    """The handler of every pole connected to this process, by pole id."""

    def __init__(self, cluster: Cluster | None = None) -> None:
        self.handlers: dict[str, PoleHandler] = {}
        self.cluster = cluster
        """This process's part in a multi-process service (`service.cluster`), or None."""

    def __contains__(self, pole_id: object) -> bool:
        return pole_id in self.handlers

    def get(self, pole_id: str) -> PoleHandler | RemotePole | None:
        """The pole's connection wherever it is held, or None if it is not connected."""
        handler = self.handlers.get(pole_id)
        if handler is None and self.cluster is not None:
            return self.cluster.remote(pole_id)
        return handler

    def local(self, pole_id: str) -> PoleHandler | None:
        return self.handlers.get(pole_id)

    def local_ids(self) -> list[str]:
        return list(self.handlers)

    def connected_ids(self) -> list[str]:
        """Every connected pole of the fleet: this process's, then those other processes
        hold (as they last said), so something meant for all poles reaches all of them
        through `get`."""
        elsewhere = [] if self.cluster is None else list(self.cluster.holders)
        return self.local_ids() + [p for p in elsewhere if p not in self.handlers]

    def held(self, pole_id: str, held: bool) -> None:
        """A pole connected to (True) or left (False) this process: the others are told."""
        if self.cluster is not None:
            self.cluster.pole_held(pole_id, held)

    def replaced_elsewhere(self, pole_id: str) -> None:
        """The pole connected to another process: forget its (dead) socket here, quietly,
        so this process does not also report it disconnected."""
        handler = self.handlers.pop(pole_id, None)
        if handler is not None:
            handler.connection_lost(LinkLost(f"{pole_id}: reconnected to another process"))
