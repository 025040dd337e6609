"""A storm's per-pole reads asked at once are answered by one query (issue 20).

Counted, not timed: how many queries the reads took and what each caller got back, first
with a fetch function that records its calls, then on real storage (SQLite, and PostgreSQL
when ``$PAALWERK_TEST_PG`` is set): the credentials read at every connection attempt, the
registration and rollout checks read at every boot, the card and the eMSP token's whitelist
read for every StartTransaction and StopTransaction of a storm's backlog.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from service.ocpi.token_store import AsyncOcpiTokenRepository, OcpiTokenRow
from service.rollouts.runner import IN_FLIGHT
from service.security.store import CredentialStore
from service.storage.batched_reads import BatchedReads
from service.storage.id_tags import AsyncIdTagRepository, IdTagWrite
from service.storage.repository import AsyncRepository

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Recorded:
    """A fetch that doubles each key it is given, records the keys of every call, and
    fails when told to."""

    def __init__(self, leave_out: frozenset[int] = frozenset()) -> None:
        self.calls: list[list[int]] = []
        self.leave_out = leave_out
        self.fail = False

    def __call__(self, keys: list[int]) -> dict[int, int]:
        self.calls.append(list(keys))
        if self.fail:
            raise RuntimeError("the database went away")
        return {key: 2 * key for key in keys if key not in self.leave_out}


async def test_reads_asked_at_once_take_one_query_in_the_order_asked() -> None:
    fetch = Recorded(leave_out=frozenset({7}))
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None)
    answers = await asyncio.gather(*(reads.get(key) for key in range(50)))
    assert fetch.calls == [list(range(50))]
    assert answers == [None if key == 7 else 2 * key for key in range(50)]
    assert (reads.queries, reads.keys) == (1, 50)


async def test_a_key_asked_twice_is_read_once_and_told_to_both() -> None:
    fetch = Recorded()
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None)
    assert await asyncio.gather(reads.get(3), reads.get(3), reads.get(4)) == [6, 6, 8]
    assert fetch.calls == [[3, 4]]


async def test_at_most_so_many_keys_a_query_and_the_rest_in_the_next_rounds() -> None:
    fetch = Recorded()
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None, most=10)
    answers = await asyncio.gather(*(reads.get(key) for key in range(25)))
    assert fetch.calls == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
    assert answers == [2 * key for key in range(25)]


async def test_keys_asked_while_a_query_runs_go_in_the_next_one() -> None:
    fetch = Recorded()
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None)
    first = asyncio.ensure_future(reads.get(1))
    await asyncio.sleep(0)  # the first round has started its query
    later = [asyncio.ensure_future(reads.get(key)) for key in (2, 3)]
    assert await asyncio.gather(first, *later) == [2, 4, 6]
    assert fetch.calls == [[1], [2, 3]]


async def test_a_quiet_service_reads_each_key_when_asked() -> None:
    fetch = Recorded()
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None)
    assert [await reads.get(key) for key in (1, 2, 3)] == [2, 4, 6]
    assert fetch.calls == [[1], [2], [3]]


async def test_a_failed_query_fails_its_callers_only() -> None:
    fetch = Recorded()
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None)
    fetch.fail = True
    outcomes = await asyncio.gather(reads.get(1), reads.get(2), return_exceptions=True)
    assert [type(outcome) for outcome in outcomes] == [RuntimeError, RuntimeError]
    fetch.fail = False
    assert await reads.get(1) == 2
    assert fetch.calls == [[1, 2], [1]]


async def test_a_caller_that_left_does_not_stop_the_others() -> None:
    fetch = Recorded()
    reads: BatchedReads[int, int | None] = BatchedReads(fetch, None)
    leaving = asyncio.ensure_future(reads.get(1))
    staying = asyncio.ensure_future(reads.get(2))
    await asyncio.sleep(0)
    leaving.cancel()
    assert await staying == 4
    assert leaving.cancelled()


def test_at_least_one_key_a_query() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        BatchedReads(Recorded(), None, most=0)


async def test_connection_attempts_read_their_credentials_in_one_query(
        store: AsyncRepository) -> None:
    register = CredentialStore(store.sync)
    for n in range(0, 20, 2):  # every other pole registered
        register.register(f"PW-{n:04d}", 1, None, AT)
    found = await asyncio.gather(*(register.aget(f"PW-{n:04d}") for n in range(20)))
    assert [row is not None and row.pole_id for row in found] == [
        f"PW-{n:04d}" if n % 2 == 0 else False for n in range(20)]
    assert register._asked.queries == 1


async def test_boots_ask_whether_registered_and_in_a_rollout_in_one_query_each(
        store: AsyncRepository) -> None:
    for n in range(0, 20, 2):
        store.sync.upsert_pole(f"PW-{n:04d}")
    store._known = set()  # as after a first boot: every id not seen here is asked for
    known = await asyncio.gather(*(store.pole_known(f"PW-{n:04d}") for n in range(20)))
    assert known == [n % 2 == 0 for n in range(20)]
    assert store.registered.queries == 1
    entries = await asyncio.gather(*(store.pole_in_rollouts(f"PW-{n:04d}", IN_FLIGHT)
                                     for n in range(20)))
    assert entries == [[]] * 20
    assert store.in_rollouts.queries == 1


async def test_booted_poles_ask_whether_their_local_list_is_behind_in_one_query(
        store: AsyncRepository) -> None:
    cards = AsyncIdTagRepository(store.sync.engine)
    for n in range(6):
        store.sync.upsert_pole(f"PW-{n:04d}")
    await cards.put(IdTagWrite("CARD-1", "Accepted"), AT)
    current = await cards.revision()
    await cards.local_list_sent("PW-0000", 1, current, "Full", 1, AT)  # up to date
    await cards.local_list_sent("PW-0001", 1, current - 1, "Full", 0, AT)  # behind
    behind = await asyncio.gather(*(cards.list_behind(f"PW-{n:04d}") for n in range(6)))
    assert behind == [False, True, False, False, False, False]  # no list: not behind
    assert cards._behind.queries == 1


async def test_a_backlogs_cards_are_read_in_one_query_and_told_as_the_register_holds_them(
        store: AsyncRepository) -> None:
    cards = AsyncIdTagRepository(store.sync.engine)
    await cards.put(IdTagWrite("CARD-A", "Accepted", parent_id_tag="FLEET-1"), AT)
    await cards.put(IdTagWrite("CARD-B", "Blocked"), AT)
    await cards.put(IdTagWrite("CARD-GONE", "Accepted"), AT)
    await cards.delete("CARD-GONE", AT)
    asked = ["CARD-A", "card-a", "CARD-B", "CARD-GONE", "NEVER-SEEN"] * 8
    found = await asyncio.gather(*(cards.get(tag) for tag in asked))
    told = [None if row is None else (row.id_tag, row.status, row.parent_id_tag)
            for row in found]
    assert told == [("CARD-A", "Accepted", "FLEET-1"), ("CARD-A", "Accepted", "FLEET-1"),
                    ("CARD-B", "Blocked", None), None, None] * 8  # tags ignore case
    assert (cards._cards.queries, cards._cards.keys) == (1, 4)


async def test_a_card_read_after_a_change_sees_the_change(store: AsyncRepository) -> None:
    cards = AsyncIdTagRepository(store.sync.engine)
    await cards.put(IdTagWrite("CARD-A", "Accepted"), AT)
    assert (await cards.get("CARD-A")) is not None
    await cards.put(IdTagWrite("CARD-A", "Blocked"), AT)
    changed = await cards.get("card-a")
    assert changed is not None and changed.status == "Blocked"
    await cards.delete("CARD-A", AT)
    assert await cards.get("CARD-A") is None
    assert cards._cards.queries == 3


def _token(partner_id: int, uid: str, whitelist: str, minute: int) -> OcpiTokenRow:
    return OcpiTokenRow(key=f"NL*P{partner_id}*{uid}", uid_key=uid.upper(),
                        partner_id=partner_id, token="{}", whitelist=whitelist,
                        last_updated=AT.replace(minute=minute))


async def test_a_backlogs_token_whitelists_are_read_in_one_query_the_newest_token_each(
        store: AsyncRepository) -> None:
    tokens = AsyncOcpiTokenRepository(store.sync.engine)
    await tokens.save(_token(1, "TOK-1", "ALWAYS", 0))
    await tokens.save(_token(2, "TOK-1", "NEVER", 5))  # newer, another eMSP's: it counts
    await tokens.save(_token(1, "TOK-2", "ALLOWED_OFFLINE", 9))
    await tokens.save(_token(2, "TOK-2", "ALLOWED", 3))  # older: the first one counts
    asked = ["tok-1", "TOK-2", "OPERATOR-CARD"] * 10
    whitelists = await asyncio.gather(*(tokens.whitelist_of(uid) for uid in asked))
    assert whitelists == ["NEVER", "ALLOWED_OFFLINE", None] * 10
    assert all(tokens.sync.whitelist_of(uid) == whitelist
               for uid, whitelist in zip(asked[:3], whitelists[:3], strict=True))
    assert (tokens._whitelists.queries, tokens._whitelists.keys) == (1, 3)
