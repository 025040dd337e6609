"""The service's own audit entries go through the storage writer, many to a commit, and the
hash chain stays whole (eis 69; issue 20: a storm's deployments wrote one transaction each,
with its commit and SQLite's write lock, holding up the writer's batches)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from service.storage.repository import AsyncRepository

STARTED = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def count_commits(store: AsyncRepository) -> list[object]:
    """Every commit on the store's database from now on, whichever connection made it."""
    commits: list[object] = []
    event.listen(store.sync.engine, "commit", commits.append)
    return commits


async def test_eis69_a_storm_of_deployment_entries_is_chained_whole_in_few_commits(
        store: AsyncRepository) -> None:
    commits = count_commits(store)
    poles = [f"PW-{number:04d}" for number in range(300)]
    ids = await asyncio.gather(*(
        store.audit("capacity-policy", "SetChargingProfile (capacity profile)",
                    f"peak 17:00-21:00 for {pole_id}", STARTED + timedelta(seconds=index),
                    pole_id=pole_id, result="Accepted verified")
        for index, pole_id in enumerate(poles)))
    assert len(set(ids)) == 300 and sorted(ids) == ids  # chained in the order they came
    assert await store.verify_audit() == []
    entries = await store.audit_entries(limit=1000)
    assert [(entry.pole_id, entry.detail, entry.result) for entry in entries] == [
        (pole_id, f"peak 17:00-21:00 for {pole_id}", "Accepted verified")
        for pole_id in poles]
    assert len(commits) < 30, f"{len(commits)} commits for 300 entries"


async def test_eis69_entries_written_one_by_one_and_together_form_one_chain(
        store: AsyncRepository) -> None:
    first = await store.audit("operator", "pole settings", "limit 32 A", STARTED,
                              pole_id="PW-0001")
    together = await asyncio.gather(*(
        store.audit("capacity-policy", "SetChargingProfile (capacity profile)", "",
                    STARTED + timedelta(minutes=1), pole_id=f"PW-{number:04d}")
        for number in range(2, 12)))
    last = await asyncio.to_thread(store.sync.audit, "operator", "card blocked", "04A1",
                                   STARTED + timedelta(minutes=2))
    assert [first, *together, last] == sorted([first, *together, last])
    assert await store.verify_audit() == []
