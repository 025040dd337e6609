"""The calls after each boot wait as pole ids and are run by a few tasks, in boot order
(issue 20: a storm's waiting deployments held a chain of coroutines each)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from service.ocpp.boot_follow_ups import BootFollowUps


class Gated:
    """A follow-up that records who started and waits until the test lets it end."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}
        self.changed = asyncio.Event()

    async def __call__(self, pole_id: str) -> None:
        self.started.append(pole_id)
        self.changed.set()
        gate = self.release.setdefault(pole_id, asyncio.Event())
        await gate.wait()
        if pole_id.startswith("FAIL"):
            raise RuntimeError("the pole answered nonsense")

    def let(self, pole_id: str) -> None:
        self.release.setdefault(pole_id, asyncio.Event()).set()

    async def until_started(self, count: int) -> None:
        while len(self.started) < count:
            self.changed.clear()
            await self.changed.wait()


def running_tasks(name: str) -> int:
    return sum(1 for task in asyncio.all_tasks() if task.get_name() == name)


async def test_a_storm_of_boots_waits_as_ids_with_at_most_runners_tasks_in_boot_order(
        ) -> None:
    work = Gated()
    follow_ups = BootFollowUps(work, runners=3)
    for number in range(1000):
        follow_ups.add(f"PW-{number:04d}")
    await work.until_started(3)
    assert work.started == ["PW-0000", "PW-0001", "PW-0002"]
    assert running_tasks("boot follow-ups") == 3
    assert follow_ups.waiting == 997
    work.let("PW-0001")
    await work.until_started(4)
    assert work.started[3] == "PW-0003"  # the next in boot order takes the freed turn
    for number in range(1000):
        work.let(f"PW-{number:04d}")
    await follow_ups.idle()
    assert work.started == [f"PW-{number:04d}" for number in
                            (0, 1, 2, *range(3, 1000))]
    assert follow_ups.done == 1000
    assert running_tasks("boot follow-ups") == 0  # none kept while nobody boots


async def test_a_pole_booting_again_before_its_turn_keeps_one_place(
        ) -> None:
    work = Gated()
    follow_ups = BootFollowUps(work, runners=1)
    for pole_id in ("PW-A", "PW-B", "PW-C", "PW-B", "PW-B"):
        follow_ups.add(pole_id)
    assert follow_ups.waiting == 3 - 1 + 1  # B once; A already taken by the runner
    for pole_id in ("PW-A", "PW-B", "PW-C"):
        work.let(pole_id)
    await follow_ups.idle()
    assert work.started == ["PW-A", "PW-B", "PW-C"]
    follow_ups.add("PW-B")  # a boot after its follow-up ran: a new turn
    await follow_ups.idle()
    assert work.started == ["PW-A", "PW-B", "PW-C", "PW-B"]


async def test_one_poles_failure_is_logged_and_the_others_still_get_their_turn(
        caplog: pytest.LogCaptureFixture) -> None:
    work = Gated()
    follow_ups = BootFollowUps(work, runners=1)
    for pole_id in ("FAIL-1", "PW-OK"):
        follow_ups.add(pole_id)
        work.let(pole_id)
    await follow_ups.idle()
    assert work.started == ["FAIL-1", "PW-OK"]
    failed = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.getMessage() for record in failed] == [
        "FAIL-1: the calls after its boot failed"]


async def test_a_pole_added_as_the_last_runner_ends_is_still_run() -> None:
    """The runner that just found the queue empty is not counted as taking work: a pole
    added before its task's done callback runs must start a runner of its own."""
    done: list[str] = []

    async def quick(pole_id: str) -> None:
        done.append(pole_id)

    follow_ups = BootFollowUps(quick, runners=1)
    follow_ups.add("PW-1")
    await asyncio.sleep(0)  # the runner runs PW-1 and ends; its done callback is pending
    follow_ups.add("PW-2")
    await follow_ups.idle()
    assert done == ["PW-1", "PW-2"]


async def test_closing_drops_the_waiting_and_stops_the_running() -> None:
    work = Gated()
    follow_ups = BootFollowUps(work, runners=2)
    for number in range(10):
        follow_ups.add(f"PW-{number}")
    await work.until_started(2)
    await follow_ups.close()
    assert follow_ups.waiting == 0
    assert running_tasks("boot follow-ups") == 0
    await follow_ups.idle()  # nothing left: returns at once
    assert work.started == ["PW-0", "PW-1"]


def test_at_least_one_runner() -> None:
    async def nothing(pole_id: str) -> None:
        return None

    with pytest.raises(ValueError, match="at least one"):
        BootFollowUps(nothing, runners=0)
