"""Roaming partners in storage: who they are, how far their registration got, their
endpoints, and their credentials tokens at rest (`service.ocpi.secrets_box`).

Apart from `service.storage.repository` like the card register: one job of its own,
short synchronous transactions, awaited through threads.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from service.storage.database import storage_errors
from service.storage.models import _time


class PartnerStatus(StrEnum):
    INVITED = "invited"
    """We issued token A; the partner has not registered with it yet."""
    REGISTERING = "registering"
    """We are registering with the partner (it holds our token B, we await its C)."""
    REGISTERED = "registered"
    SUSPENDED = "suspended"
    """Registered, but refused and not pushed to until an admin resumes it."""
    FAILED = "failed"
    """Our registration with the partner did not complete (``last_error`` says why)."""


class PartnerRow(SQLModel, table=True):
    """One roaming partner (an eMSP, a hub, …)."""

    __tablename__ = "ocpi_partners"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    country_code: str | None = Field(default=None, max_length=2)
    party_id: str | None = Field(default=None, max_length=3)
    roles: str = "[]"
    """JSON: the partner's CredentialsRole objects as it sent them."""
    status: str = Field(max_length=16)
    versions_url: str | None = Field(default=None, max_length=255)
    version: str | None = Field(default=None, max_length=16)
    endpoints: str = "[]"
    """JSON: the partner's endpoints of the version in use."""
    token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    """SHA-256 of the token the partner uses with us (A while invited)."""
    sealed_token: str | None = None
    """The token we use with the partner, encrypted (never in plain text)."""
    last_error: str | None = None
    created_at: datetime = _time()
    updated_at: datetime = _time()

    @property
    def role_list(self) -> list[dict[str, Any]]:
        return list(json.loads(self.roles))

    @property
    def parties(self) -> list[tuple[str, str, str]]:
        """(country code, party id, role) of every role the partner registered, in its
        order: a platform may host several parties (eMSPs of two countries, a hub and an
        eMSP), each addressed by the ``OCPI-to-`` routing headers."""
        return [(str(role.get("country_code", "")).upper(),
                 str(role.get("party_id", "")).upper(), str(role.get("role", "")))
                for role in self.role_list]

    @property
    def is_hub(self) -> bool:
        """A hub forwards for parties it did not register with us."""
        return any(role == "HUB" for _, _, role in self.parties)

    def speaks_for(self, party: tuple[str, str]) -> bool:
        """Whether requests from ``party`` may come through this partner."""
        return self.is_hub or any((country, pid) == (party[0].upper(), party[1].upper())
                                  for country, pid, _ in self.parties)

    def default_party(self) -> tuple[str, str] | None:
        """Whom a push goes to when no one party is meant: the hub (which broadcasts),
        else the first role."""
        hub = next(((country, pid) for country, pid, role in self.parties if role == "HUB"),
                   None)
        if hub is not None:
            return hub
        if self.country_code and self.party_id:
            return self.country_code, self.party_id
        return None

    def receiving_parties(self) -> list[tuple[str, str]]:
        """Who gets what a CPO publishes to all (locations, tariffs): the hub once, which
        broadcasts; else each eMSP-like party the platform hosts (OCPI: "Other" counts as
        an eMSP)."""
        if self.is_hub:
            default = self.default_party()
            return [default] if default is not None else []
        found: list[tuple[str, str]] = []
        for country, pid, role in self.parties:
            if role in ("EMSP", "NSP", "NAP", "SCSP", "OTHER") \
                    and (country, pid) not in found:
                found.append((country, pid))
        if not found and (default := self.default_party()) is not None:
            found.append(default)
        return found

    @property
    def endpoint_list(self) -> list[dict[str, Any]]:
        return list(json.loads(self.endpoints))

    def endpoint(self, module: str, role: str) -> str | None:
        """The partner's URL for ``module`` in ``role`` (e.g. locations RECEIVER)."""
        for item in self.endpoint_list:
            if item.get("identifier") == module and item.get("role") == role:
                return str(item["url"])
        return None


class PartnerRepository:
    """Synchronous storage of roaming partners."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def save(self, row: PartnerRow) -> PartnerRow:
        with storage_errors(self.engine.url), self._session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def get(self, partner_id: int) -> PartnerRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(PartnerRow, partner_id)

    def by_token_hash(self, digest: str) -> PartnerRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.exec(select(PartnerRow).where(
                col(PartnerRow.token_hash) == digest)).first()

    def listed(self) -> list[PartnerRow]:
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(select(PartnerRow).order_by(col(PartnerRow.id))).all())

    def delete(self, partner_id: int) -> bool:
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(PartnerRow, partner_id)
            if row is None:
                return False
            session.delete(row)
            session.commit()
            return True


class AsyncPartnerRepository:
    """`PartnerRepository` for the event loop: the same methods, run in a thread."""

    def __init__(self, engine: Engine) -> None:
        self.sync = PartnerRepository(engine)
        self.changes = 0
        """Saves and deletes made through this object: a list read before one is stale
        (`service.ocpi.registered_partners`)."""

    async def save(self, row: PartnerRow) -> PartnerRow:
        try:
            return await asyncio.to_thread(self.sync.save, row)
        finally:
            self.changes += 1

    async def get(self, partner_id: int) -> PartnerRow | None:
        return await asyncio.to_thread(self.sync.get, partner_id)

    async def by_token_hash(self, digest: str) -> PartnerRow | None:
        return await asyncio.to_thread(self.sync.by_token_hash, digest)

    async def listed(self) -> list[PartnerRow]:
        return await asyncio.to_thread(self.sync.listed)

    async def delete(self, partner_id: int) -> bool:
        try:
            return await asyncio.to_thread(self.sync.delete, partner_id)
        finally:
            self.changes += 1
