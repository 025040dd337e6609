"""The card register's tables (issue 16): id tags, the register's revision, and which
version of the local authorisation list each pole was sent.

Kept out of ``models.py`` so the register can change without touching the fleet's
tables; ``migrations/versions/0010_id_tags.py`` mirrors these classes.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from service.storage.models import _time

ID_TAG_MAX = 20
"""OCPP 1.6 ``IdToken`` is a CiString20Type: at most 20 characters, case-insensitive."""


class IdTagRow(SQLModel, table=True):
    """One card (id tag) as the helpdesk registered it.

    Keyed by the tag in upper case (``key``): OCPP compares id tokens without regard to
    case, and RFID readers differ in how they write a UID's hex digits. A deleted card
    stays as a tombstone (``deleted``) so a differential SendLocalList can remove it from
    poles that have it; every change bumps ``revision`` (`IdTagRegisterRow`).
    """

    __tablename__ = "id_tags"

    key: str = Field(primary_key=True, max_length=ID_TAG_MAX)
    id_tag: str = Field(max_length=ID_TAG_MAX)
    """As entered (shown to the helpdesk, sent to poles)."""
    status: str = Field(max_length=16)
    """``Accepted``, ``Blocked``, ``Expired`` or ``Invalid``."""
    expiry_date: datetime | None = _time(nullable=True)
    parent_id_tag: str | None = Field(default=None, max_length=ID_TAG_MAX)
    """The group (OCPP ``parentIdTag``): cards of one group may end each other's
    transactions."""
    updated_at: datetime = _time()
    revision: int = Field(index=True)
    deleted: bool = False


class IdTagRegisterRow(SQLModel, table=True):
    """The register's revision: one row, bumped by every change to ``id_tags``.

    A pole's local list version is the revision it was built from, so a differential
    update sends exactly the rows changed since then.
    """

    __tablename__ = "id_tag_register"

    id: int = Field(primary_key=True)
    revision: int = 0


class LocalListRow(SQLModel, table=True):
    """The local authorisation list a pole last accepted (SendLocalList)."""

    __tablename__ = "local_lists"

    pole_id: str = Field(foreign_key="poles.id", primary_key=True, max_length=64)
    version: int
    """The list version the pole holds (OCPP: each update's is higher than the last)."""
    revision: int
    """The register revision that list reflects; -1 while a list sent in several parts
    is incomplete."""
    update_type: str = Field(max_length=16)
    entries: int
    """How many entries that update carried."""
    sent_at: datetime = _time()
