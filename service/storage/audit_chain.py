"""The audit trail's hash chain: append one entry after another, and verify the chain.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and this entry's canonical
content (JSON with sorted keys: time, actor, role, action, pole, result, detail). Changing an
entry breaks its own hash; removing one breaks the next entry's; removing the newest
disagrees with the chain head (``audit_chain``), which every writer locks first: on
PostgreSQL that row lock lines up the writers of several service processes
(``--workers``), on SQLite the write lock taken by the same UPDATE does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from service.storage.models import AuditChainHead, AuditLog

AUDIT = AuditLog.__table__  # type: ignore[attr-defined]
HEAD = AuditChainHead.__table__  # type: ignore[attr-defined]
CONTENT = ("time", "actor", "role", "action", "pole_id", "result", "detail")


def canonical(entry: Mapping[str, Any]) -> str:
    """The entry's content as hashed: the same bytes on SQLite and PostgreSQL."""
    moment = entry["time"]
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).isoformat(timespec="microseconds")
    fields = {key: entry.get(key) for key in CONTENT}
    fields["time"] = moment
    fields["role"] = fields["role"] or ""
    fields["result"] = fields["result"] or ""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(previous: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256((previous + canonical(entry)).encode("utf-8")).hexdigest()


def append(connection: Connection, entry: Mapping[str, Any]) -> int:
    """Add one entry in the caller's transaction, chained to the newest; returns its id."""
    [new_id] = append_many(connection, [entry])
    return new_id


def append_many(connection: Connection, entries: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add ``entries`` in the caller's transaction, in order, each chained to the one
    before; their ids. The head is locked and moved once for all of them: a storm's
    deployments write an entry per pole, and as a transaction each (with its commit's
    fsync and SQLite's write lock) they held up the storage writer's batches (issue 20)."""
    if not entries:
        return []
    # Lock the head and read it in one statement (a write first: SQLite takes its write
    # lock here, so no other writer reads the same head).
    head = connection.execute(sa.update(HEAD).where(HEAD.c.id == 1)
                              .values(last_id=HEAD.c.last_id)
                              .returning(HEAD.c.last_hash)).scalar_one_or_none()
    if head is None:  # the head row was removed: start it again (verify reports the gap)
        connection.execute(sa.insert(HEAD).values(id=1, last_id=0, last_hash=""))
        head = ""
    digest, ids = head, []
    for entry in entries:
        digest = entry_hash(digest, entry)
        values = {key: entry.get(key) for key in CONTENT}
        values["role"] = values["role"] or ""
        values["result"] = values["result"] or ""
        ids.append(int(connection.execute(sa.insert(AUDIT).values(**values, hash=digest)
                                          .returning(AUDIT.c.id)).scalar_one()))
    connection.execute(sa.update(HEAD).where(HEAD.c.id == 1)
                       .values(last_id=ids[-1], last_hash=digest))
    return ids


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks, in words an auditor reads."""

    entry_id: int
    description: str


def verify(connection: Connection) -> list[ChainProblem]:
    """Walk the whole chain; every place it breaks, by entry id (empty: intact)."""
    problems: list[ChainProblem] = []
    previous, previous_id, count = "", 0, 0
    rows = connection.execute(sa.select(AUDIT).order_by(AUDIT.c.id)).mappings()
    for mapping in rows:
        row: dict[str, Any] = dict(mapping)
        count += 1
        if row["hash"] != entry_hash(previous, row):
            problems.append(ChainProblem(row["id"], _why(row, previous_id)))
        previous, previous_id = row["hash"] or "", row["id"]
    head = connection.execute(sa.select(HEAD).where(HEAD.c.id == 1)).mappings().first()
    if head is not None and count and (head["last_id"] != previous_id
                                       or head["last_hash"] != previous):
        problems.append(ChainProblem(
            int(head["last_id"]),
            f"entry #{head['last_id']}, the newest the chain recorded, is missing or changed"
            f" (the newest entry now is #{previous_id})"))
    elif head is not None and not count and head["last_id"]:
        problems.append(ChainProblem(int(head["last_id"]),
                                     "every audit entry was removed"))
    return problems


def _why(row: Mapping[str, Any], previous_id: int) -> str:
    """A gap in the ids before a broken entry: removed entries; no gap: this one changed."""
    what = f"entry #{row['id']} ({row['time']:%Y-%m-%d %H:%M:%S}, {row['actor']}: {row['action']})"
    if row["id"] > previous_id + 1:
        gone = (f"#{previous_id + 1}" if row["id"] == previous_id + 2
                else f"#{previous_id + 1} to #{row['id'] - 1}")
        return f"entry {gone} before {what} was removed (or {what} was changed)"
    return f"{what} was changed after it was written"
