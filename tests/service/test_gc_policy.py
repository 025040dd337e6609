"""The service's garbage-collection policy under load (issue 20), with the real collector.

In a reconnect storm a full young-heap collection once a second paused every pole's call
by 80–170 ms, so a busy tick collects only the youngest generation; the price is that
cyclic garbage which outlived a young collection waits, frozen, for the periodic full
pass. These tests pin both halves: a busy tick leaves older garbage alone, the full pass
and a quiet tick reclaim it. Ticks get their time passed in: no clock is read.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from service.ocpp import gc_policy


class Node:
    other: Node | None = None


def old_garbage_cycle() -> weakref.ref[Node]:
    """A reference cycle that outlived a young collection while alive, then was dropped."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    gc.collect(1)  # survivors of generations 0 and 1 move to the oldest one
    return weakref.ref(first)


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The policy mid-life (thresholds set, full pass not due), no automatic collections
    to interfere, and nothing left frozen afterwards."""
    monkeypatch.setattr(gc_policy, "_next_tick", 1.0)
    monkeypatch.setattr(gc_policy, "_next_full", 1_000.0)
    monkeypatch.setattr(gc_policy, "_messages", 0)
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def test_eis48_a_busy_tick_leaves_old_garbage_for_the_full_pass(collector: None) -> None:
    dropped = old_garbage_cycle()
    for _ in range(gc_policy.BUSY_MESSAGES + 1):  # a storm's messages within one second
        gc_policy.tick(now=0.5)
    gc_policy.tick(now=1.0)  # the tick: busy, so only the youngest generation
    assert dropped() is not None
    gc_policy._next_full = 2.0
    gc_policy.tick(now=2.0)  # the periodic full pass: unfreeze, collect everything
    assert dropped() is None


def test_eis48_a_quiet_tick_collects_old_garbage(collector: None) -> None:
    dropped = old_garbage_cycle()
    gc_policy.tick(now=1.0)  # one message in the last second: quiet
    assert dropped() is None


def test_settle_reclaims_start_up_garbage_and_freezes_the_start_up_heap(
        collector: None) -> None:
    """At start, before any pole: the start-up heap's garbage is reclaimed and what lives on
    (the app, imported modules) frozen, so no later tick traverses it again."""
    dropped = old_garbage_cycle()
    kept = Node()
    gc_policy.settle(now=0.0)
    assert dropped() is None
    assert not any(thing is kept for thing in gc.get_objects())  # frozen: not traversed
    assert gc.get_threshold() == gc_policy.THRESHOLDS


def test_after_settle_the_storms_first_tick_is_young_only(
        collector: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first tick used to be a full pass over everything, at the storm's first message;
    after `settle` it is an ordinary busy tick, and the full pass an hour away."""
    monkeypatch.setattr(gc_policy, "_next_tick", 0.0)  # a process just started
    monkeypatch.setattr(gc_policy, "_next_full", 0.0)
    gc_policy.settle(now=0.0)
    dropped = old_garbage_cycle()
    for _ in range(gc_policy.BUSY_MESSAGES + 1):
        gc_policy.tick(now=0.5)
    gc_policy.tick(now=gc_policy.TICK_S)
    assert dropped() is not None
    gc_policy.tick(now=gc_policy.FULL_EVERY_S)  # the hourly full pass
    assert dropped() is None
