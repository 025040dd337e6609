"""The credentials table: one row per pole registered through the operator API.

Kept beside ``poles`` rather than in it: a pole's identity card (vendor, model, firmware)
is overwritten by every BootNotification, its credentials only by an operator or a key
rotation the pole confirmed. A pole without a row is an unregistered (or auto-registered)
pole at security profile 0.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from service.storage.models import _time


class PoleCredentials(SQLModel, table=True):
    """A registered pole's security profile and password hash (`service.security.passwords`)."""

    __tablename__ = "pole_credentials"

    pole_id: str = Field(foreign_key="poles.id", primary_key=True, max_length=64)
    security_profile: int = 0
    """OCPP security profile 0–3; only ever raised."""
    password_hash: str | None = Field(default=None, max_length=255)
    pending_hash: str | None = Field(default=None, max_length=255)
    """A key sent to the pole in ChangeConfiguration whose answer is not in yet. It becomes
    the password once the pole accepts (or once the pole logs in with it: it has it)."""
    registered_at: datetime = _time()
    updated_at: datetime = _time()
    decommissioned_at: datetime | None = _time(nullable=True)
    """Set by DELETE /api/v1/poles/{id}: the pole may no longer connect; history is kept."""
