"""The capacity in force for a grid group at an instant, from the blocks partners sent.

An ``update`` replaces the partner's earlier blocks for the group; an ``adjust`` overrides
them for its own periods. Blocks stop applying at their end — also when the partner went
offline (no extension); ``FALLBACK_CONSUMPTION`` blocks apply only while it is offline.

Units become amperes per phase for the poles: ``A`` is per phase (``ALL``: each of the
three phases; ``ONE``/``TWO``/``THREE``: that phase, and the group is capped by its
lowest phase); ``W``/``kW`` are three-phase totals at 230 V line-to-neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from service.oscp.messages import (
    BlockUnit,
    ForecastedBlock,
    ForecastType,
    GroupCapacityForecast,
)

UPDATE, ADJUST, FALLBACK = "update", "adjust", "fallback"
"""The three books a partner's blocks are kept in (also their names in storage)."""

VOLTS = 230.0
PHASES = 3


def amps_per_phase(block: ForecastedBlock) -> float:
    if block.unit is BlockUnit.A:
        return block.capacity
    watts = block.capacity * (1000.0 if block.unit is BlockUnit.KW else 1.0)
    return watts / (VOLTS * PHASES)


@dataclass(frozen=True)
class Limit:
    """The cap in force: amperes per phase, until when, from whom."""

    amps: float
    start: datetime
    end: datetime
    partner_id: str
    block: ForecastedBlock


@dataclass
class _GroupBlocks:
    updates: dict[str, list[ForecastedBlock]] = field(default_factory=dict)
    adjusts: dict[str, list[ForecastedBlock]] = field(default_factory=dict)
    fallbacks: dict[str, list[ForecastedBlock]] = field(default_factory=dict)


class ForecastBook:
    """Every group's blocks; `limit` answers what caps the group at an instant."""

    def __init__(self) -> None:
        self.groups: dict[str, _GroupBlocks] = {}

    def store(self, partner_id: str, forecast: GroupCapacityForecast, *,
              adjust: bool) -> tuple[str, list[ForecastedBlock]] | None:
        """Kept in its book; returns (book name, that partner's blocks in it now) for
        storage, or None when the forecast caps nothing."""
        if forecast.type not in (ForecastType.CONSUMPTION, ForecastType.FALLBACK_CONSUMPTION):
            return None  # generation and optimum forecasts cap nothing a charging pole draws
        fallback = forecast.type is ForecastType.FALLBACK_CONSUMPTION
        name = FALLBACK if fallback else ADJUST if adjust else UPDATE
        book = self._book(forecast.group_id, name)
        if name == ADJUST:
            book.setdefault(partner_id, []).extend(forecast.forecasted_blocks)
        else:
            book[partner_id] = list(forecast.forecasted_blocks)
        return name, list(book[partner_id])

    def restore(self, group_id: str, name: str, partner_id: str,
                blocks: list[ForecastedBlock]) -> None:
        """A book's blocks as storage kept them (at start)."""
        self._book(group_id, name)[partner_id] = list(blocks)

    def _book(self, group_id: str, name: str) -> dict[str, list[ForecastedBlock]]:
        blocks = self.groups.setdefault(group_id, _GroupBlocks())
        books = {UPDATE: blocks.updates, ADJUST: blocks.adjusts, FALLBACK: blocks.fallbacks}
        if name not in books:
            raise ValueError(f"no forecast book {name!r}")
        return books[name]

    def limit(self, group_id: str, at: datetime,
              offline: Callable[[str], bool] = lambda _p: False) -> Limit | None:
        """The lowest cap any partner sets for ``group_id`` at ``at`` (None: uncapped)."""
        blocks = self.groups.get(group_id)
        if blocks is None:
            return None
        found: list[Limit] = []
        partners = set(blocks.updates) | set(blocks.adjusts) | set(blocks.fallbacks)
        for partner_id in partners:
            chosen = (_covering(blocks.adjusts.get(partner_id, []), at)
                      or _covering(blocks.updates.get(partner_id, []), at))
            if chosen is None and offline(partner_id):
                chosen = _covering(blocks.fallbacks.get(partner_id, []), at)
            if chosen is not None:
                found.append(Limit(amps_per_phase(chosen), chosen.start_time, chosen.end_time,
                                   partner_id, chosen))
        return min(found, key=lambda limit: limit.amps, default=None)

    def next_start(self, group_id: str, after: datetime, until: datetime) -> datetime | None:
        """The earliest start of a block in ``(after, until]`` (to deploy ahead of it)."""
        blocks = self.groups.get(group_id)
        if blocks is None:
            return None
        starts = [b.start_time for book in (blocks.updates, blocks.adjusts)
                  for bs in book.values() for b in bs if after < b.start_time <= until]
        return min(starts, default=None)

    def blocks(self, group_id: str) -> list[ForecastedBlock]:
        """All blocks of the group, in time order (for the GUI's plot)."""
        blocks = self.groups.get(group_id)
        if blocks is None:
            return []
        every = [b for book in (blocks.updates, blocks.adjusts) for bs in book.values()
                 for b in bs]
        return sorted(every, key=lambda b: b.start_time)

    def forget_before(self, moment: datetime) -> None:
        """Blocks that ended before ``moment`` dropped (they can never apply again)."""
        for blocks in self.groups.values():
            for book in (blocks.updates, blocks.adjusts, blocks.fallbacks):
                for partner_id, bs in book.items():
                    book[partner_id] = [b for b in bs if b.end_time > moment]


def _covering(blocks: list[ForecastedBlock], at: datetime) -> ForecastedBlock | None:
    # The last one sent wins where an adjustment overlaps another.
    for block in reversed(blocks):
        if block.start_time <= at < block.end_time:
            return block
    return None
