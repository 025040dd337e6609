"""OSCP partners and grid groups in storage (issue 22), apart from the repository like the
card register: one job, short synchronous transactions, awaited through threads.

A partner's token for us is stored as its digest only; the token we must send it is
sealed (Fernet, key file beside the API tokens, mode 0600), so a copy of the database
alone does not let anyone speak for us to the grid operator.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, delete, select

from service.oscp.messages import ForecastedBlock
from service.oscp.partners import Partner, PartnerState
from service.security.private_file import create_once
from service.storage.database import storage_errors
from service.storage.models import _time

KEY_FILE_NAME = "oscp.key"


class OscpPartnerRow(SQLModel, table=True):
    __tablename__ = "oscp_partners"

    partner_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=128)
    token_digest: str = Field(max_length=64)
    base_url: str | None = Field(default=None, max_length=512)
    their_token_sealed: str | None = None
    heartbeat_interval_s: int | None = None
    registered: bool = False
    created_at: datetime = _time()


class OscpForecastRow(SQLModel, table=True):
    """One partner's blocks in one book of one group, as JSON: a restart mid-block keeps
    the grid operator's cap (issue 22) instead of falling back to the tender profile."""

    __tablename__ = "oscp_forecasts"

    partner_id: str = Field(primary_key=True, max_length=64)
    group_id: str = Field(primary_key=True, max_length=64)
    book: str = Field(primary_key=True, max_length=16)
    blocks_json: str
    received_at: datetime = _time()


class GridGroupMemberRow(SQLModel, table=True):
    __tablename__ = "grid_group_members"

    pole_id: str = Field(primary_key=True, max_length=64)
    group_id: str = Field(max_length=64, index=True)


def load_or_create_key(path: Path) -> bytes:
    """The sealing key: read, or made once with mode 0600 (never world-readable). With
    ``--workers`` every worker starts at once: whichever writes it first wins and all read
    that one (`create_once`); the exclusive create it replaces failed the second worker
    with ``FileExistsError: oscp.key`` (2026-12-06, a 10,000-pole storm benchmark)."""
    if not path.exists():
        create_once(path, Fernet.generate_key())
    return path.read_bytes().strip()


class OscpStore:
    def __init__(self, engine: Engine, key: bytes) -> None:
        self.engine = engine
        self.fernet = Fernet(key)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def save_partner(self, partner: Partner, created_at: datetime) -> None:
        sealed = (self.fernet.encrypt(partner.their_token.encode()).decode()
                  if partner.their_token else None)
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(OscpPartnerRow, partner.partner_id) or OscpPartnerRow(
                partner_id=partner.partner_id, name=partner.name,
                token_digest=partner.token_digest, created_at=created_at)
            row.name, row.token_digest, row.base_url = (partner.name, partner.token_digest,
                                                        partner.base_url)
            row.their_token_sealed = sealed
            row.heartbeat_interval_s = partner.heartbeat_interval_s
            row.registered = partner.state is not PartnerState.NEW
            session.add(row)
            session.commit()

    def delete_partner(self, partner_id: str) -> None:
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(OscpPartnerRow, partner_id)
            if row is not None:
                session.delete(row)
            session.execute(delete(OscpForecastRow).where(
                col(OscpForecastRow.partner_id) == partner_id))
            session.commit()

    def save_blocks(self, partner_id: str, group_id: str, book: str,
                    blocks: list[ForecastedBlock], received_at: datetime) -> None:
        """The partner's blocks in ``book`` now (replacing what was stored for it)."""
        text = json.dumps([b.model_dump(mode="json") for b in blocks])
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(OscpForecastRow, (partner_id, group_id, book))
            if row is None:
                row = OscpForecastRow(partner_id=partner_id, group_id=group_id, book=book,
                                      blocks_json=text, received_at=received_at)
            row.blocks_json, row.received_at = text, received_at
            session.add(row)
            session.commit()

    def forecasts(self) -> list[tuple[str, str, str, list[ForecastedBlock]]]:
        """Every stored (partner, group, book, blocks)."""
        with storage_errors(self.engine.url), self._session() as session:
            rows = list(session.exec(select(OscpForecastRow)).all())
        return [(r.partner_id, r.group_id, r.book,
                 [ForecastedBlock.model_validate(b) for b in json.loads(r.blocks_json)])
                for r in rows]

    def partners(self) -> list[Partner]:
        """Every stored partner; registered ones wait offline until their next beat."""
        with storage_errors(self.engine.url), self._session() as session:
            rows = list(session.exec(select(OscpPartnerRow)).all())
        found = []
        for row in rows:
            token = None
            if row.their_token_sealed:
                try:
                    token = self.fernet.decrypt(row.their_token_sealed.encode()).decode()
                except InvalidToken:  # another key: the partner must register again
                    token = None
            state = PartnerState.OFFLINE if row.registered and token else PartnerState.NEW
            found.append(Partner(row.partner_id, row.name, row.token_digest, row.base_url,
                                 token, state, row.heartbeat_interval_s))
        return found

    def partner(self, partner_id: str) -> Partner | None:
        """One stored partner (another process changed it)."""
        return next((p for p in self.partners() if p.partner_id == partner_id), None)

    def set_group(self, pole_id: str, group_id: str | None) -> None:
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(GridGroupMemberRow, pole_id)
            if group_id:
                session.add(GridGroupMemberRow(pole_id=pole_id, group_id=group_id)
                            if row is None else row)
                if row is not None:
                    row.group_id = group_id
            elif row is not None:
                session.delete(row)
            session.commit()

    def groups(self) -> dict[str, str]:
        with storage_errors(self.engine.url), self._session() as session:
            return {r.pole_id: r.group_id
                    for r in session.exec(select(GridGroupMemberRow)).all()}
