"""The eis 25/30 compliance tally's tables (issue 19): per pole and programme month, how many
finished peak transactions were counted and overruled, and the low-current ones by name.

Kept out of ``models.py`` (the tally is derived data, rebuilt from the transactions at
will); ``migrations/versions/0021_tally_compliance.py`` mirrors these classes. The rules
that fill them are `service.reports.compliance_tally`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service.storage.models import _time


class TallyPoleRow(SQLModel, table=True):
    """The programme start a pole's tally counts from. A pole without this row, or whose
    programme start (or registration) has changed since, is counted from its transactions
    until its next stop rebuilds the tally."""

    __tablename__ = "compliance_tally_poles"

    pole_id: str = Field(primary_key=True, foreign_key="poles.id", max_length=64)
    programme_start: datetime = _time()


class TallyMonthRow(SQLModel, table=True):
    """Finished peak transactions (low-current vehicles apart) whose first peak overlap
    starts in programme month ``month`` (0…35), and how many of them were overruled."""

    __tablename__ = "compliance_tally"

    pole_id: str = Field(primary_key=True, foreign_key="poles.id", max_length=64)
    month: int = Field(primary_key=True)
    peak: int = 0
    overruled: int = 0


class TallyLowRow(SQLModel, table=True):
    """A finished low-current peak transaction (eis 30): listed, not counted."""

    __tablename__ = "compliance_tally_low"
    __table_args__ = (sa.Index("ix_compliance_tally_low_pole", "pole_id"),)

    transaction_id: int = Field(primary_key=True, foreign_key="transactions.id")
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    month: int
    first_peak: datetime = _time()
    overruled: bool = False
    id_tag: str = Field(max_length=64)
