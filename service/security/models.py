"""The credentials table: one row per pole registered through the operator API.

Kept beside ``poles`` rather than in it: a pole's identity card (vendor, model, firmware)
is overwritten by every BootNotification, its credentials only by an operator or a key
rotation the pole confirmed. A pole without a row is an unregistered (or auto-registered)
pole at security profile 0.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
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


class LogRequest(SQLModel, table=True):
    """One ``GetLog`` the operator asked of a pole (OCPP 1.6 security extension), and
    where it stands: the answer, each ``LogStatusNotification``, and the uploaded file.

    Kept in a table of its own rather than read from the message log (which is pruned):
    "did the security log of that pole ever arrive, and which file is it?" is asked long
    after. The row's ``id`` is the ``requestId`` the pole was given, so every report the
    pole makes names its row, in whichever service process it lands.
    """

    __tablename__ = "log_requests"
    __table_args__ = (sa.Index("ix_log_requests_pole", "pole_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    log_type: str = Field(max_length=32)
    """``SecurityLog`` or ``DiagnosticsLog``."""
    oldest: datetime | None = _time(nullable=True)
    latest: datetime | None = _time(nullable=True)
    requested_at: datetime = _time()
    status: str = Field(max_length=32)
    """Requested, NotSent, the GetLog answer (Accepted, Rejected, AcceptedCanceled), then
    each LogStatusNotification (Uploading, Uploaded, UploadFailure, …)."""
    status_at: datetime = _time()
    file_name: str | None = Field(default=None, max_length=255)
    """The name the pole gave in its answer; the file is stored beside diagnostics."""
    history: str = ""
    """Every status so far, oldest first, comma-separated (how the upload went)."""
