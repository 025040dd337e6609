"""Reading and changing pole credentials (the ``pole_credentials`` table).

Each change is one conditional ``UPDATE``, so two service processes (or an operator and a
key rotation) cannot interleave into a lowered profile or a lost key: the condition is
checked by the database in the same statement that writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service.security.models import PoleCredentials
from service.storage.batched_reads import BatchedReads
from service.storage.database import single_reads, storage_errors
from service.storage.repository import Repository

TABLE: sa.Table = PoleCredentials.__table__  # type: ignore[attr-defined]
BY_POLE = sa.select(TABLE).where(TABLE.c.pole_id == sa.bindparam("pole_id"))
"""Read for one pole: one Core statement built once."""
BY_POLES = sa.select(TABLE).where(TABLE.c.pole_id.in_(sa.bindparam("pole_ids", expanding=True)))
"""Read at every connection attempt (`Gate.admit`), for every pole asking at the moment
(`service.storage.batched_reads`)."""


class RegistrationError(Exception):
    """A register change the rules forbid; the message says which rule, in words."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class CredentialStore:
    """Synchronous access; the event loop uses the ``a…`` methods (run in a thread)."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.engine: Engine = repository.engine
        self._asked: BatchedReads[str, PoleCredentials | None] = BatchedReads(
            self.get_many, None)
        """The connection attempts' reads: in a reconnect storm hundreds a query."""

    def get(self, pole_id: str) -> PoleCredentials | None:
        """The pole's row, as a plain (unattached) object. Every connection attempt reads it,
        so not through an ORM session: Core is a quarter of the CPU for a pole without
        credentials (126 → 33 µs) and half for one with (156 → 76 µs), issue 20."""
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            row = connection.execute(BY_POLE, {"pole_id": pole_id}).first()
        return None if row is None else PoleCredentials(**row._mapping)

    def get_many(self, pole_ids: Sequence[str]) -> dict[str, PoleCredentials]:
        """The rows of those of ``pole_ids`` that have one, in one query (autocommit on
        PostgreSQL: one round trip, `single_reads`)."""
        with (storage_errors(self.engine.url),
              single_reads(self.engine).connect() as connection):
            rows = connection.execute(BY_POLES, {"pole_ids": list(pole_ids)}).all()
        return {row.pole_id: PoleCredentials(**row._mapping) for row in rows}

    def register(self, pole_id: str, profile: int, password_hash: str | None,
                 at: datetime) -> PoleCredentials:
        """A new registered pole, or a decommissioned one back in service.

        The ``poles`` row is made (or, for a pole seen before, marked as registered rather
        than auto-registered); its history stays. A pole in service already is refused, as
        is a return at a lower profile than it had (profiles are never lowered).
        """
        existing = self.get(pole_id)
        if existing is not None and existing.decommissioned_at is None:
            raise RegistrationError("AlreadyRegistered",
                                    f"pole {pole_id!r} is registered already; change its "
                                    f"credentials with PUT /api/v1/poles/{pole_id}/security")
        if existing is not None and profile < existing.security_profile:
            raise RegistrationError("ProfileLowered",
                                    f"pole {pole_id!r} had security profile "
                                    f"{existing.security_profile}; a profile is never lowered")
        self.repository.upsert_pole(pole_id, auto_registered=False, registered_at=at)
        values = {"security_profile": profile, "password_hash": password_hash,
                  "pending_hash": None, "updated_at": at, "decommissioned_at": None}
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            if existing is None:
                connection.execute(sa.insert(TABLE).values(pole_id=pole_id, registered_at=at,
                                                           **values))
            else:
                connection.execute(sa.update(TABLE).where(TABLE.c.pole_id == pole_id)
                                   .values(registered_at=at, **values))
        found = self.get(pole_id)
        assert found is not None
        return found

    def raise_profile(self, pole_id: str, profile: int, at: datetime) -> bool:
        """Set the profile unless that would lower it; False if it would (nothing changed)."""
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            result = connection.execute(
                sa.update(TABLE).where(TABLE.c.pole_id == pole_id,
                                       TABLE.c.security_profile <= profile)
                .values(security_profile=profile, updated_at=at))
            return bool(result.rowcount)

    def set_password(self, pole_id: str, password_hash: str, at: datetime) -> None:
        """The pole's password from now on (any key sent but not confirmed is dropped)."""
        self._update(pole_id, at, password_hash=password_hash, pending_hash=None)

    def set_pending(self, pole_id: str, pending_hash: str | None, at: datetime) -> None:
        self._update(pole_id, at, pending_hash=pending_hash)

    def confirm_pending(self, pole_id: str, pending_hash: str, at: datetime) -> bool:
        """The pole has the pending key: it becomes the password. False if another change
        replaced that pending key meanwhile."""
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            result = connection.execute(
                sa.update(TABLE).where(TABLE.c.pole_id == pole_id,
                                       TABLE.c.pending_hash == pending_hash)
                .values(password_hash=pending_hash, pending_hash=None, updated_at=at))
            return bool(result.rowcount)

    def decommission(self, pole_id: str, at: datetime) -> None:
        """The pole leaves service: no more connections; its rows and history stay."""
        if self.get(pole_id) is None:
            self.repository.upsert_pole(pole_id)
            with storage_errors(self.engine.url), self.engine.begin() as connection:
                connection.execute(sa.insert(TABLE).values(
                    pole_id=pole_id, security_profile=0, registered_at=at, updated_at=at,
                    decommissioned_at=at))
            return
        self._update(pole_id, at, decommissioned_at=at)

    def _update(self, pole_id: str, at: datetime, **values: object) -> None:
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            connection.execute(sa.update(TABLE).where(TABLE.c.pole_id == pole_id)
                               .values(updated_at=at, **values))

    def profiles(self, pole_id: str | None = None) -> dict[str, int]:
        """Registered poles in service (decommissioned ones left out) → security profile.

        One indexed read for the whole fleet, so ``GET /api/v1/poles`` shows each pole's
        place in the register without a query per pole.
        """
        query = sa.select(TABLE.c.pole_id, TABLE.c.security_profile).where(
            TABLE.c.decommissioned_at.is_(None))
        if pole_id is not None:
            query = query.where(TABLE.c.pole_id == pole_id)
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            return {row.pole_id: int(row.security_profile)
                    for row in connection.execute(query)}

    # -- for the event loop -----------------------------------------------------------------

    async def aget(self, pole_id: str) -> PoleCredentials | None:
        """`get`, read together with the other connection attempts of the moment."""
        return await self._asked.get(pole_id)

    async def aprofiles(self, pole_id: str | None = None) -> dict[str, int]:
        return await asyncio.to_thread(self.profiles, pole_id)
