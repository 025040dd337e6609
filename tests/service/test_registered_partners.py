"""The registered partners as the OCPI status push reads them: from storage once per
`FRESH_S` rather than once per StatusNotification (issue 20, saturation), and anew after
any change this process made, so a partner just registered is pushed to at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.ocpi.partner_store import AsyncPartnerRepository, PartnerRow, PartnerStatus
from service.ocpi.registered_partners import RegisteredPartners
from service.storage.database import create_engine_for, migrate
from tests.support import ManualClock, until

T0 = datetime(2026, 12, 6, 5, tzinfo=UTC)


@pytest.fixture
def partners(tmp_path: Path) -> AsyncPartnerRepository:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'partners.sqlite'}")
    migrate(engine)
    return AsyncPartnerRepository(engine)


def partner(name: str, status: PartnerStatus) -> PartnerRow:
    return PartnerRow(name=name, status=status, created_at=T0, updated_at=T0)


async def test_a_storm_of_status_changes_reads_the_partners_once(
        partners: AsyncPartnerRepository) -> None:
    await partners.save(partner("eMSP", PartnerStatus.REGISTERED))
    registered = RegisteredPartners(partners, fresh_s=10, clock=ManualClock())
    answers = await asyncio.gather(*(registered.registered() for _ in range(200)))
    assert all([row.name for row in rows] == ["eMSP"] for rows in answers)
    assert [row.name for row in await registered.registered()] == ["eMSP"]
    assert registered.reads == 1


async def test_only_registered_partners_are_pushed_to(partners: AsyncPartnerRepository) -> None:
    for name, status in [("invited", PartnerStatus.INVITED), ("live", PartnerStatus.REGISTERED),
                         ("paused", PartnerStatus.SUSPENDED), ("broken", PartnerStatus.FAILED)]:
        await partners.save(partner(name, status))
    registered = RegisteredPartners(partners, clock=ManualClock())
    assert [row.name for row in await registered.registered()] == ["live"]


async def test_a_partner_registered_here_is_seen_at_once(
        partners: AsyncPartnerRepository) -> None:
    clock = ManualClock(seconds=1000.0)
    registered = RegisteredPartners(partners, fresh_s=10, clock=clock)
    assert await registered.registered() == []
    row = await partners.save(partner("eMSP", PartnerStatus.INVITED))
    assert await registered.registered() == []
    row.status = PartnerStatus.REGISTERED
    await partners.save(row)
    assert [row.name for row in await registered.registered()] == ["eMSP"]
    assert row.id is not None
    await partners.delete(row.id)
    assert await registered.registered() == []
    assert clock() == 1000.0  # all of it without the list growing old


async def test_a_partner_registered_by_another_process_is_seen_once_the_list_is_old(
        partners: AsyncPartnerRepository, tmp_path: Path) -> None:
    """``--workers N``: another process's registration is not announced here."""
    clock = ManualClock()
    registered = RegisteredPartners(partners, fresh_s=10, clock=clock)
    assert await registered.registered() == []
    other_process = AsyncPartnerRepository(partners.sync.engine)
    await other_process.save(partner("eMSP", PartnerStatus.REGISTERED))
    clock.advance(9.9)
    assert await registered.registered() == []
    clock.advance(0.1)
    assert [row.name for row in await registered.registered()] == ["eMSP"]
    assert registered.reads == 2


async def test_a_caller_that_gives_up_does_not_cancel_the_others_read(
        partners: AsyncPartnerRepository) -> None:
    await partners.save(partner("eMSP", PartnerStatus.REGISTERED))
    registered = RegisteredPartners(partners, clock=ManualClock())
    leaving = asyncio.ensure_future(registered.registered())
    staying = asyncio.ensure_future(registered.registered())
    await asyncio.sleep(0)
    leaving.cancel()
    assert [row.name for row in await staying] == ["eMSP"]
    assert registered.reads == 1


def test_a_negative_freshness_is_refused(partners: AsyncPartnerRepository) -> None:
    with pytest.raises(ValueError, match="fresh_s"):
        RegisteredPartners(partners, fresh_s=-1)


async def test_events_are_skipped_only_while_a_fresh_read_found_nobody(
        partners: AsyncPartnerRepository) -> None:
    """`none_for_sure` is what the pole handlers ask before building a status or meter
    event: never True on a guess, so no event a partner needs is skipped."""
    clock = ManualClock(seconds=1000.0)
    registered = RegisteredPartners(partners, fresh_s=10, clock=clock)
    assert not registered.none_for_sure()  # nothing read yet: build the events
    await until(registered.none_for_sure)  # read in the background, found nobody
    assert registered.reads == 1
    clock.advance(9.9)
    assert registered.none_for_sure() and registered.reads == 1
    clock.advance(0.1)
    assert not registered.none_for_sure()  # old: read again, events built meanwhile
    await until(registered.none_for_sure)
    assert registered.reads == 2


async def test_a_partner_registered_here_makes_the_events_built_at_once(
        partners: AsyncPartnerRepository) -> None:
    registered = RegisteredPartners(partners, fresh_s=10, clock=ManualClock())
    await until(registered.none_for_sure)
    row = await partners.save(partner("eMSP", PartnerStatus.REGISTERED))
    assert not registered.none_for_sure()
    assert [row.name for row in await registered.registered()] == ["eMSP"]
    assert not registered.none_for_sure()  # read, and somebody is there
    assert row.id is not None
    await partners.delete(row.id)
    assert not registered.none_for_sure()
    await until(registered.none_for_sure)


async def test_a_failed_background_read_is_tried_again_at_the_next_question(
        tmp_path: Path) -> None:
    """Storage that fails (here: not migrated) never makes the events skipped."""
    engine = create_engine_for(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    registered = RegisteredPartners(AsyncPartnerRepository(engine), clock=ManualClock())
    assert not registered.none_for_sure()
    # Each question after the failure starts the next read; none of them says "nobody".
    await until(lambda: not registered.none_for_sure() and registered.reads >= 2)
    migrate(engine)
    await until(registered.none_for_sure)
