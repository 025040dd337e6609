"""A replay window longer than one page of the API (5,000 messages): the first page opens
the replay, the rest is read while it plays, so a day of a busy pole plays through to its
end with no message lost or read twice at a page's edge, and a jump anywhere still works.
Through the real service API on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from ocpp.v16.enums import ChargePointStatus

from pole_link.replay import ReplayWindow
from pole_link.replay.load import (
    PAGE,
    PageTrouble,
    ReplayPages,
    TroubleKind,
    load_replay,
    prefetch,
)
from pole_link.service_api import ServiceClient, ServiceEndpoint
from service.storage.models import MessageLog
from tests.support import Api

START = datetime(2026, 11, 24, 17, tzinfo=UTC)
COUNT = 6500
"""More than a page; three messages share each second, so a page ends inside a second."""


def busy_evening(api: Api) -> None:
    """COUNT messages of PW-0001 in the service's log: meter values, and every 10th a
    status, socket 1 ending Faulted on the very last one."""
    rows = []
    for number in range(COUNT):
        at = START + timedelta(seconds=number // 3)
        if number % 10 == 0 or number == COUNT - 1:
            last = number == COUNT - 1
            payload = {"connectorId": 1, "errorCode": "GroundFailure" if last else "NoError",
                       "status": "Faulted" if last else
                       ("Charging" if number % 20 else "Available")}
            action = "StatusNotification"
        else:
            action = "MeterValues"
            payload = {"connectorId": 1, "meterValue": [{"timestamp": at.isoformat(),
                       "sampledValue": [{"measurand": "Energy.Active.Import.Register",
                                         "value": str(number)}]}]}
        rows.append({"pole_id": "PW-0001", "time": at, "direction": "in", "action": action,
                     "unique_id": f"m{number}", "payload": json.dumps(payload)})
    table: sa.Table = MessageLog.__table__  # type: ignore[attr-defined]
    with api.service.repository.engine.begin() as db:
        db.execute(sa.insert(table), rows)


WINDOW = ReplayWindow("PW-0001", START, START + timedelta(hours=1))


async def test_a_window_of_more_than_a_page_plays_through_to_its_end(api: Api) -> None:
    busy_evening(api)
    endpoint = ServiceEndpoint(api.url, api.token)
    pages = ReplayPages(WINDOW)
    async with ServiceClient(endpoint) as client:
        player = await load_replay(client, WINDOW, pages)
    assert (len(player.messages), player.complete) == (PAGE, False)
    pages_read: list[int] = []
    reader = asyncio.create_task(prefetch(endpoint, pages, player,
                                          lambda got: pages_read.append(len(got))))
    try:
        player.set_speed(600)
        player.play()
        for _ in range(2000):
            player.advance(0.5)  # five minutes of history a tick
            if player.at_end:
                break
            await asyncio.sleep(0.005)
        assert player.at_end, "the replay reached the window's end"
    finally:
        reader.cancel()
    assert pages_read == [COUNT - PAGE]
    assert player.complete and player.position == COUNT
    ids = [m.unique_id for m in player.messages]
    assert ids == [f"m{n}" for n in range(COUNT)], "each once, in order, across the edge"
    assert [m.index for m in player.messages] == list(range(COUNT))
    assert player.sample().socket(1).status is ChargePointStatus.faulted


async def test_a_jump_beyond_the_first_page_reads_up_to_it(api: Api) -> None:
    busy_evening(api)
    pages = ReplayPages(WINDOW)
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        player = await load_replay(client, WINDOW, pages)
        late = START + timedelta(seconds=(COUNT - 1) // 3)
        await pages.read_until(client, player, late)
    assert player.complete and len(player.messages) == COUNT
    last = player.jump(COUNT - 1)
    assert (last.unique_id, player.clock) == (f"m{COUNT - 1}", late)
    assert player.sample().socket(1).status is ChargePointStatus.faulted
    player.jump(0)  # and back again: rebuilt from the lead-in
    assert player.sample().socket(1).status is ChargePointStatus.available


def message_log_away(api: Api, away: bool) -> None:
    """The service's message log out of its reach (as a database that went away) or back:
    its reads then fail through the real API."""
    names = ("message_log", "message_log_away") if away else ("message_log_away",
                                                              "message_log")
    with api.service.repository.engine.begin() as db:
        db.execute(sa.text(f"ALTER TABLE {names[0]} RENAME TO {names[1]}"))


async def test_a_page_that_fails_to_read_is_tried_again_and_the_replay_carries_on(
        api: Api) -> None:
    busy_evening(api)
    endpoint = ServiceEndpoint(api.url, api.token)
    pages = ReplayPages(WINDOW)
    async with ServiceClient(endpoint) as client:
        player = await load_replay(client, WINDOW, pages)
    player.jump(PAGE - 1)  # at the last message read: the next page is needed now
    message_log_away(api, True)
    troubles: list[PageTrouble | None] = []
    tried_twice, back = asyncio.Event(), asyncio.Event()

    def heard(trouble: PageTrouble | None) -> None:
        troubles.append(trouble)
        if trouble is None:
            back.set()
        elif trouble.attempt >= 2:
            tried_twice.set()

    reader = asyncio.create_task(prefetch(endpoint, pages, player, on_trouble=heard,
                                          first_retry=0.05, longest_retry=0.2))
    try:
        await asyncio.wait_for(tried_twice.wait(), 60)
        assert (len(player.messages), player.complete) == (PAGE, False), \
            "the replay waits at the last message read"
        message_log_away(api, False)
        await asyncio.wait_for(back.wait(), 60)
        await asyncio.wait_for(reader, 60)
    finally:
        reader.cancel()
    first, second = troubles[0], troubles[1]
    assert first is not None and second is not None
    assert first.kind is TroubleKind.REFUSED and first.status is not None \
        and first.status >= 500, first
    assert (first.attempt, second.attempt) == (1, 2)
    assert first.retry_in < second.retry_in, "the pause grows"
    assert troubles[-1] is None, "told once the reads work again"
    assert player.complete
    ids = [m.unique_id for m in player.messages]
    assert ids == [f"m{n}" for n in range(COUNT)], "each once, in order, after the retries"
    assert [m.index for m in player.messages] == list(range(COUNT))
