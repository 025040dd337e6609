"""The card register in storage: id tags, their revisions and each pole's local list.

Apart from `service.storage.repository` because it is one job of its own (issue 16) that
the OCPP side, the operator API and the local-list sender share; same rules, though:
synchronous, one short transaction per method, reached from the event loop through
`AsyncIdTagRepository`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from service.storage.batched_reads import BatchedReads
from service.storage.database import single_reads, storage_errors
from service.storage.id_tag_models import IdTagRegisterRow, IdTagRow, LocalListRow
from service.storage.models import Transaction


def tag_key(id_tag: str) -> str:
    """The register's key for a tag: OCPP id tokens compare without regard to case."""
    return id_tag.upper()


@dataclass(frozen=True)
class IdTagWrite:
    """One card as the helpdesk (or a CSV line) gives it."""

    id_tag: str
    status: str
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


def _table(model: type[Any]) -> sa.Table:
    table: sa.Table = model.__table__
    return table


@functools.cache
def _list_behind() -> sa.Select[Any]:
    """`IdTagRepository.list_behind`'s read, asked at every boot: built once (issue 20)."""
    lists, register = _table(LocalListRow), _table(IdTagRegisterRow)
    current = sa.select(register.c.revision).where(register.c.id == 1).scalar_subquery()
    return sa.select(lists.c.revision, current).where(
        lists.c.pole_id == sa.bindparam("pole_id"))


@functools.cache
def _lists_behind() -> sa.Select[Any]:
    """`_list_behind` for many poles at once (`IdTagRepository.lists_behind`)."""
    lists, register = _table(LocalListRow), _table(IdTagRegisterRow)
    current = sa.select(register.c.revision).where(register.c.id == 1).scalar_subquery()
    return sa.select(lists.c.pole_id, lists.c.revision, current).where(
        lists.c.pole_id.in_(sa.bindparam("pole_ids", expanding=True)))


class IdTagRepository:
    """Synchronous storage of the card register."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads = single_reads(engine)
        table: sa.Table = IdTagRow.__table__  # type: ignore[attr-defined]
        self._cards = sa.select(table).where(
            table.c.key.in_(sa.bindparam("keys", expanding=True)))

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _bump(self, connection: Connection | Session) -> int:
        """The next register revision, taken in the caller's transaction (the row lock —
        or SQLite's write lock — orders concurrent changes)."""
        table = _table(IdTagRegisterRow)
        statement = (sa.update(table).where(table.c.id == 1)
                     .values(revision=table.c.revision + 1).returning(table.c.revision))
        return int(connection.execute(statement).scalar_one())

    def put(self, card: IdTagWrite, at: datetime) -> tuple[IdTagRow, bool]:
        """Create or replace the card; ``True`` when it is new (or was deleted)."""
        rows = self.put_many([card], at)
        return rows[0]

    def put_many(self, cards: Sequence[IdTagWrite], at: datetime
                 ) -> list[tuple[IdTagRow, bool]]:
        """Create or replace every card, in one transaction and one revision."""
        if not cards:
            return []
        with storage_errors(self.engine.url), self._session() as session:
            revision = self._bump(session)
            results = []
            for card in cards:
                key = tag_key(card.id_tag)
                row = session.get(IdTagRow, key)
                created = row is None or row.deleted
                if row is None:
                    row = IdTagRow(key=key, id_tag=card.id_tag, status=card.status,
                                   updated_at=at, revision=revision)
                row.id_tag = card.id_tag
                row.status = card.status
                row.expiry_date = card.expiry_date
                row.parent_id_tag = card.parent_id_tag
                row.updated_at = at
                row.revision = revision
                row.deleted = False
                session.add(row)
                results.append((row, created))
            session.commit()
            return results

    def get(self, id_tag: str) -> IdTagRow | None:
        """The card, or None when the register does not hold it (or it was deleted).

        Read by a statement built once, not through an ORM session: every
        StartTransaction's card is judged by it (issue 20: 0.3 ms of CPU a read that
        way, thousands of them in a reconnect storm's backlog): `get_many`'s, for one key.
        The row is detached, as the session's was once closed."""
        key = tag_key(id_tag)
        return self.get_many([key]).get(key)

    def get_many(self, keys: Sequence[str]) -> dict[str, IdTagRow]:
        """`get` for many register keys (`tag_key`) in one read: the cards of a reconnect
        storm's StartTransactions, asked by the thousand within seconds
        (`AsyncIdTagRepository.get`). A key the register does not hold, or holds
        deleted, is left out."""
        with storage_errors(self.engine.url), self._reads.connect() as connection:
            rows = connection.execute(self._cards, {"keys": list(keys)}).all()
        return {row.key: IdTagRow.model_validate(row._mapping)
                for row in rows if not row.deleted}

    def delete(self, id_tag: str, at: datetime) -> bool:
        """Forget the card (a tombstone stays for differential local lists)."""
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(IdTagRow, tag_key(id_tag))
            if row is None or row.deleted:
                return False
            row.revision = self._bump(session)
            row.deleted = True
            row.updated_at = at
            session.add(row)
            session.commit()
        return True

    def page(self, search: str | None, offset: int, limit: int
             ) -> tuple[list[IdTagRow], int]:
        """Cards whose tag or group contains ``search`` (any case), by tag, and how many
        match in all."""
        where: list[Any] = [col(IdTagRow.deleted).is_(False)]
        if search:
            literal = (search.upper().replace("\\", "\\\\").replace("%", "\\%")
                       .replace("_", "\\_"))
            pattern = f"%{literal}%"
            where.append(sa.or_(
                col(IdTagRow.key).like(pattern, escape="\\"),
                sa.func.upper(col(IdTagRow.parent_id_tag)).like(pattern, escape="\\")))
        with storage_errors(self.engine.url), self._session() as session:
            total = session.exec(select(sa.func.count()).select_from(IdTagRow)
                                 .where(*where)).one()
            rows = session.exec(select(IdTagRow).where(*where).order_by(col(IdTagRow.key))
                                .offset(offset).limit(limit)).all()
        return list(rows), int(total)

    def every(self) -> list[IdTagRow]:
        """Every card (no tombstones), by tag: a full local list, a CSV export."""
        rows, _ = self.page(None, 0, 2**31 - 1)
        return rows

    def revision(self) -> int:
        """The register's revision now."""
        table = _table(IdTagRegisterRow)
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return int(connection.execute(sa.select(table.c.revision)
                                          .where(table.c.id == 1)).scalar_one())

    def changed_since(self, revision: int) -> list[IdTagRow]:
        """Cards changed (tombstones included) after ``revision``: a differential list."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(select(IdTagRow).where(col(IdTagRow.revision) > revision)
                                     .order_by(col(IdTagRow.key))).all())

    def list_behind(self, pole_id: str) -> bool:
        """Whether the pole holds a list from this service older than the register (or
        one sent in parts and not completed): one indexed read, as cheap as a boot must
        be. False for a pole that never got a list."""
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            row = connection.execute(_list_behind(), {"pole_id": pole_id}).first()
        return row is not None and row[0] != row[1]

    def lists_behind(self, pole_ids: Sequence[str]) -> set[str]:
        """`list_behind` for many poles in one read: the boots of a storm
        (`AsyncIdTagRepository.list_behind`, `service.storage.batched_reads`)."""
        with storage_errors(self.engine.url), self._reads.connect() as connection:
            rows = connection.execute(_lists_behind(), {"pole_ids": list(pole_ids)}).all()
        return {str(row[0]) for row in rows if row[1] != row[2]}

    def poles_behind(self) -> list[str]:
        """Every pole whose list from this service is older than the register."""
        lists, register = _table(LocalListRow), _table(IdTagRegisterRow)
        current = sa.select(register.c.revision).where(register.c.id == 1).scalar_subquery()
        statement = sa.select(lists.c.pole_id).where(lists.c.revision != current)
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return [str(pole_id) for pole_id in connection.execute(statement).scalars()]

    def local_list(self, pole_id: str) -> LocalListRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(LocalListRow, pole_id)

    def local_list_sent(self, pole_id: str, version: int, revision: int, update_type: str,
                        entries: int, at: datetime) -> None:
        """The pole accepted list ``version``, reflecting register ``revision``."""
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(LocalListRow, pole_id) or LocalListRow(
                pole_id=pole_id, version=version, revision=revision,
                update_type=update_type, entries=entries, sent_at=at)
            row.version, row.revision, row.update_type, row.entries, row.sent_at = (
                version, revision, update_type, entries, at)
            session.add(row)
            session.commit()

    def transactions_of(self, id_tag: str, limit: int) -> list[Transaction]:
        """The card's newest transactions on any pole (the helpdesk's first question)."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(Transaction)
                .where(sa.func.upper(col(Transaction.id_tag)) == tag_key(id_tag))
                .order_by(col(Transaction.started).desc(), col(Transaction.id).desc())
                .limit(limit)).all())


class AsyncIdTagRepository:
    """`IdTagRepository` for the event loop: each call in a worker thread."""

    def __init__(self, engine: Engine) -> None:
        self.sync = IdTagRepository(engine)
        sync = self.sync
        self._behind: BatchedReads[str, bool] = BatchedReads(
            lambda pole_ids: dict.fromkeys(sync.lists_behind(pole_ids), True), False)
        """Asked after every boot: a storm's many poles, one read."""
        self._cards: BatchedReads[str, IdTagRow | None] = BatchedReads(sync.get_many, None)
        """Asked for every StartTransaction, StopTransaction and Authorize: a storm's
        backlog asks thousands at once. One read for the cards asked meanwhile, not a
        pooled connection's ping and a query for each (issue 20)."""

    async def put(self, card: IdTagWrite, at: datetime) -> tuple[IdTagRow, bool]:
        return await asyncio.to_thread(self.sync.put, card, at)

    async def put_many(self, cards: Sequence[IdTagWrite], at: datetime
                       ) -> list[tuple[IdTagRow, bool]]:
        return await asyncio.to_thread(self.sync.put_many, cards, at)

    async def get(self, id_tag: str) -> IdTagRow | None:
        """`IdTagRepository.get`, read with the other cards asked at the moment. A read asked
        after a change returned sees it: it waits for a read that starts after it."""
        return await self._cards.get(tag_key(id_tag))

    async def delete(self, id_tag: str, at: datetime) -> bool:
        return await asyncio.to_thread(self.sync.delete, id_tag, at)

    async def page(self, search: str | None, offset: int, limit: int
                   ) -> tuple[list[IdTagRow], int]:
        return await asyncio.to_thread(self.sync.page, search, offset, limit)

    async def every(self) -> list[IdTagRow]:
        return await asyncio.to_thread(self.sync.every)

    async def revision(self) -> int:
        return await asyncio.to_thread(self.sync.revision)

    async def changed_since(self, revision: int) -> list[IdTagRow]:
        return await asyncio.to_thread(self.sync.changed_since, revision)

    async def local_list(self, pole_id: str) -> LocalListRow | None:
        return await asyncio.to_thread(self.sync.local_list, pole_id)

    async def list_behind(self, pole_id: str) -> bool:
        """`IdTagRepository.list_behind`, read with the other boots' asks of the moment."""
        return await self._behind.get(pole_id)

    async def poles_behind(self) -> list[str]:
        return await asyncio.to_thread(self.sync.poles_behind)

    async def local_list_sent(self, pole_id: str, version: int, revision: int,
                              update_type: str, entries: int, at: datetime) -> None:
        await asyncio.to_thread(self.sync.local_list_sent, pole_id, version, revision,
                                update_type, entries, at)

    async def transactions_of(self, id_tag: str, limit: int) -> list[Transaction]:
        return await asyncio.to_thread(self.sync.transactions_of, id_tag, limit)


__all__: Sequence[str] = ("AsyncIdTagRepository", "IdTagRepository", "IdTagWrite", "tag_key")
