"""The CSMS's tables.

Time: every timestamp column is a :class:`UTCDateTime`. Paalwerk refuses naive datetimes
everywhere (see ``pole_link.timeutil``), so a naive value here is a bug and raises rather than
being guessed. Aware values are converted to UTC on the way in; SQLite has no time-zone type and
would silently drop the offset, so there the UTC wall-clock is stored without offset and UTC is
attached again on the way out. PostgreSQL stores ``timestamptz``. Either way callers get aware
UTC datetimes back, the same instant they stored.

The first Alembic revision (``migrations/versions/0001_initial.py``) mirrors these classes; a
change here needs a new revision, never an edit of an applied one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that goes in aware, is stored as UTC and comes out aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware times")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite keeps text; a fixed UTC wall clock keeps ordering and equality exact.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _time(*, nullable: bool = False, index: bool = False) -> Any:
    """A :class:`UTCDateTime` field (``Any``: SQLModel's ``Field`` is typed that way)."""
    return Field(default=None if nullable else ..., sa_type=UTCDateTime,
                 nullable=nullable, index=index)


# SQLite only auto-increments an ``INTEGER PRIMARY KEY``; PostgreSQL gets a 64-bit identity for
# tables that grow by millions of rows (meter values, message log).
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Pole(SQLModel, table=True):
    """A pole, keyed by its visible unique pole ID (eis 12)."""

    __tablename__ = "poles"

    id: str = Field(primary_key=True, max_length=64)
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    auto_registered: bool = False
    """Accepted at its first BootNotification without being configured (SPEC "Unknown poles")."""
    grid_operator: str | None = None
    """Enexis, Liander, Coteq, Rendo or Stedin: decides the programme (eis 24)."""
    programme_start: datetime | None = _time(nullable=True)
    connection_size: str = "3x35"
    """``"3x35"`` or ``"3x25"`` (eis 24, 33)."""
    registered_at: datetime | None = _time(nullable=True)
    last_seen: datetime | None = _time(nullable=True)
    connected: bool = False
    clock_offset_s: float | None = None
    """The pole's clock minus the service's, last measured (negative: behind). Meter reads,
    transaction times and the eis 25 peak classification all run on the pole's clock."""
    clock_checked_at: datetime | None = _time(nullable=True)


class Connector(SQLModel, table=True):
    """The latest known state of one socket (connector 0 is the pole as a whole)."""

    __tablename__ = "connectors"

    pole_id: str = Field(foreign_key="poles.id", primary_key=True, max_length=64)
    connector_id: int = Field(primary_key=True)
    status: str
    error_code: str = "NoError"
    since: datetime = _time()
    """When the socket entered this status/error (unchanged by repeated identical reports)."""


def _or_empty(column: str) -> Any:
    """``coalesce(column, '')`` in a unique key: both SQLite and PostgreSQL let NULLs differ
    in a unique index, so a key part that may be missing is indexed as the empty string."""
    return sa.text(f"coalesce({column}, '')")


class StatusEvent(SQLModel, table=True):
    """Every StatusNotification, kept for uptime (eis 48) and fault history.

    Stored once per natural key (pole, time, connector, status, error code; issue 20): a
    pole resends a notification whose answer it lost (a crash between storing and
    answering), and the database, not a read before the write, keeps the repeat out. The
    unique index also serves the by-pole-and-time reads (it begins with them).
    """

    __tablename__ = "status_events"
    __table_args__ = (
        sa.Index("uq_status_events_event", "pole_id", "timestamp", "connector_id", "status",
                 "error_code", unique=True),
        sa.Index("ix_status_events_pole_connector_time", "pole_id", "connector_id",
                 "timestamp"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    connector_id: int
    status: str
    error_code: str = "NoError"
    timestamp: datetime = _time()


class ConnectionSession(SQLModel, table=True):
    """One OCPP WebSocket session of a pole, boot to disconnect (uptime, eis 48).

    ``ended`` is ``None`` while the pole is connected. A service that stopped without
    seeing the disconnect closes the session at the pole's last contact when it starts.
    """

    __tablename__ = "connection_sessions"
    __table_args__ = (
        sa.Index("ix_connection_sessions_pole_start", "pole_id", "started"),
        # The open session of a pole, read at every boot and disconnect: one entry per
        # connected pole (migration 0026, issue 20).
        sa.Index("ix_connection_sessions_open", "pole_id",
                 postgresql_where=sa.text("ended IS NULL"),
                 sqlite_where=sa.text("ended IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    started: datetime = _time()
    ended: datetime | None = _time(nullable=True)
    end_reason: str | None = Field(default=None, max_length=32)
    """How it ended (`service.ocpp.connection_end.EndReason`); None while open or for
    sessions stored before the service recorded it."""


class Transaction(SQLModel, table=True):
    """A charging transaction; ``id`` is the CSMS transaction id handed to the pole.

    The unique key on (pole, connector, started, id_tag) lets a resent StartTransaction (its
    answer was lost) get the same id, even when two service processes race for it.
    """

    __tablename__ = "transactions"
    __table_args__ = (
        sa.UniqueConstraint("pole_id", "connector_id", "started", "id_tag",
                            name="uq_transactions_start"),
        sa.Index("ix_transactions_pole_started", "pole_id", "started"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    connector_id: int
    id_tag: str = Field(max_length=64)
    meter_start: int
    meter_stop: int | None = None
    started: datetime = _time()
    stopped: datetime | None = _time(nullable=True)
    stop_reason: str | None = None
    overruled_at: datetime | None = _time(nullable=True)
    """The driver's first overrule (eis 25/28); later overrules do not move it."""
    overrule_source: str | None = None
    """``"pole"``, ``"phone"``, ``"service-port"``…: where the overrule came from."""
    low_current_vehicle: bool = False
    """eis 30: automatic overrule, excluded from the eis 25 percentages."""
    low_current_at: datetime | None = _time(nullable=True)


class MeterValue(SQLModel, table=True):
    """One sampled value (eis 56/58): one row per measurand and phase.

    Stored once per natural key — pole, time, connector, measurand, phase, location,
    context (issue 20): a MeterValues message resent after a lost answer adds nothing, so
    the meter-values API and the reports never count a sample twice. The unique index
    begins with (pole, time, connector) and so also serves the range reads.
    """

    __tablename__ = "meter_values"
    __table_args__ = (
        sa.Index("uq_meter_values_sample", "pole_id", "timestamp", "connector_id", "measurand",
                 _or_empty("phase"), _or_empty("location"), _or_empty("context"), unique=True),
        sa.Index("ix_meter_values_transaction", "transaction_id"),
    )

    id: int | None = Field(default=None, sa_type=BIG_ID, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    connector_id: int
    transaction_id: int | None = None
    """No foreign key: clock-aligned samples may name a transaction the CSMS never saw."""
    timestamp: datetime = _time()
    measurand: str = "Energy.Active.Import.Register"
    phase: str | None = None
    value: float
    unit: str | None = None
    context: str | None = None
    location: str | None = None
    """Where it was measured (OCPP ``location``: Outlet, Inlet, Body, Cable, EV); None:
    not given (OCPP's default, Outlet). Two temperatures of one sample differ only here."""


class MessageLog(SQLModel, table=True):
    """Every OCPP message in and out, for diagnosis; pruned per pole (retention)."""

    __tablename__ = "message_log"
    __table_args__ = (
        sa.Index("ix_message_log_pole_time", "pole_id", "time"),
        sa.Index("ix_message_log_pole_action_time", "pole_id", "action", "time"),
    )

    id: int | None = Field(default=None, sa_type=BIG_ID, primary_key=True)
    pole_id: str = Field(max_length=64)
    """No foreign key: messages of refused unknown poles are logged too."""
    time: datetime = _time()
    direction: str = Field(max_length=3)
    """``"in"`` (pole → CSMS) or ``"out"``."""
    action: str | None = None
    """``None`` for a CALLRESULT/CALLERROR whose call is unknown."""
    unique_id: str = Field(max_length=64)
    payload: str
    """JSON text, as sent (kept as text: diagnosis wants the exact bytes)."""
    latency_ms: float | None = None


class ChargingProfileRecord(SQLModel, table=True):
    """A profile the CSMS deployed, and when GetCompositeSchedule confirmed it."""

    __tablename__ = "charging_profiles"
    __table_args__ = (sa.Index("ix_charging_profiles_pole", "pole_id", "connector_id"),)

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    connector_id: int
    profile: str
    """The OCPP ``csChargingProfiles`` object as JSON text."""
    deployed_at: datetime = _time()
    verified_at: datetime | None = _time(nullable=True)


class FirmwareUpdate(SQLModel, table=True):
    """One firmware update of a pole, from the operator's request to its last status.

    Kept apart from the message log, which is pruned: a helpdesk asking "which firmware
    updates did this pole get, and did they install?" months later still gets the answer.
    An update the pole reports without a request through this service (another CSMS, a
    technician on site) gets a row of its own, without a location.
    """

    __tablename__ = "firmware_updates"
    __table_args__ = (sa.Index("ix_firmware_updates_pole", "pole_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    location: str | None = None
    """The image URL the pole was given; None when the service did not ask."""
    requested_at: datetime | None = _time(nullable=True)
    status: str = Field(max_length=32)
    """``Requested``, ``NotSent`` (the pole never got the request), or the pole's last
    FirmwareStatusNotification status (Downloading … Installed, or a failure)."""
    status_at: datetime = _time()


class FirmwarePackageRow(SQLModel, table=True):
    """A signed firmware package the service accepted (issue 14, eis 69).

    Only packages whose signature verified against a manufacturer root the service trusts
    get a row, so "which releases may go to poles" is this table. Keyed by the image's
    SHA-256 (the manifest's, which the signature covers and which names the hosted image).
    """

    __tablename__ = "firmware_packages"

    sha256: str = Field(primary_key=True, max_length=64)
    version: str = Field(max_length=64)
    models: str = "[]"
    """The pole models it fits, as a JSON list of strings; empty: every model."""
    size: int
    """The image's size in bytes."""
    signer: str
    """The signing certificate's subject (common name)."""
    root: str
    """The subject of the trusted root that issued the signing certificate."""
    uploaded_at: datetime = _time()


class FirmwareRollout(SQLModel, table=True):
    """A release (an accepted package) going out to a set of poles (issue 14, the fleet).

    The rollout's whole state is here and in `FirmwareRolloutPole`, so a restarted service
    continues where the last one stopped (`service.firmware.rollouts`).
    """

    __tablename__ = "firmware_rollouts"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(foreign_key="firmware_packages.sha256", max_length=64)
    version: str = Field(max_length=64)
    state: str = Field(max_length=16)
    """``running``, ``paused``, ``halted`` (too many failures), ``cancelled``, ``finished``."""
    reason: str | None = None
    concurrency: int = 1
    window_start: str | None = Field(default=None, max_length=5)
    """``HH:MM`` Europe/Amsterdam: poles are only started from then…"""
    window_end: str | None = Field(default=None, max_length=5)
    """…until then (may wrap past midnight); None: any time."""
    avoid_peak: bool = True
    """Never start a pole in the 17:00–21:00 evening peak (local time)."""
    halt_after_failures: int | None = None
    halt_after_percent: float | None = None
    failures_acknowledged: int = 0
    """Failures the operator saw when resuming a halted rollout: the threshold counts
    only failures after them."""
    offline_limit_s: int = 86400
    step_timeout_s: int = 3600
    created_at: datetime = _time()
    updated_at: datetime = _time()


class FirmwareRolloutPole(SQLModel, table=True):
    """One pole of a rollout: where it stands and, once failed, why."""

    __tablename__ = "firmware_rollout_poles"

    rollout_id: int = Field(foreign_key="firmware_rollouts.id", primary_key=True)
    pole_id: str = Field(primary_key=True, max_length=64)
    position: int = 0
    state: str = Field(max_length=16)
    """``pending``, ``sending``, ``sent``, ``Downloading``, ``Downloaded``, ``Installing``,
    ``Installed`` (the pole booted the release), ``failed``, ``cancelled``."""
    reason: str | None = None
    reported: str | None = Field(default=None, max_length=32)
    """The pole's last FirmwareStatusNotification during this rollout."""
    from_version: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = _time(nullable=True)
    updated_at: datetime = _time()


class TechnicianKeyRow(SQLModel, table=True):
    """A technician's public signing key (issue 15), as an operator registered it.

    Keys are never deleted: a technician who gets a new laptop registers a new key, and
    the reports signed with the old one still verify.
    """

    __tablename__ = "technician_keys"

    technician: str = Field(primary_key=True, max_length=128)
    public_key: str = Field(primary_key=True, max_length=64)
    """Base64 of the 32-byte Ed25519 public key."""
    fingerprint: str = Field(max_length=32)
    registered_at: datetime = _time()


class CommissioningReportRow(SQLModel, table=True):
    """A signed commissioning report the service verified (issue 15), one per run.

    No foreign key to ``poles``: a pole may be commissioned before it first connects to
    this service. ``report`` is the signed JSON exactly as uploaded, ``pdf`` the PDF its
    signature covers (a few MB with photos: kept in the database so every service process
    and a backup have it).
    """

    __tablename__ = "commissioning_reports"
    __table_args__ = (sa.Index("ix_commissioning_reports_pole", "pole_id", "finished"),)

    run_id: str = Field(primary_key=True, max_length=128)
    pole_id: str = Field(max_length=64)
    checklist: str = Field(max_length=128)
    checklist_version: str = Field(max_length=64)
    technician: str = Field(max_length=128)
    public_key: str = Field(max_length=64)
    started: datetime = _time()
    finished: datetime = _time()
    passed: bool
    report_sha256: str = Field(max_length=64)
    """SHA-256 of the canonical signed report: the same upload again is recognised."""
    report: str
    pdf: bytes = Field(sa_type=sa.LargeBinary)
    uploaded_at: datetime = _time()


class AuditLog(SQLModel, table=True):
    """Who did what to which pole (eis 69 security logging).

    Append-only and hash-chained (`service.storage.audit_chain`): ``hash`` is the SHA-256
    of the previous entry's hash and this entry's content, so a changed or removed entry
    is found by ``paalwerk service audit verify``. Never holds a secret.
    """

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    time: datetime = _time(index=True)
    actor: str
    action: str
    detail: str = ""
    role: str = ""
    """The actor's role when it acted (an account's), or empty for the service itself."""
    pole_id: str | None = Field(default=None, max_length=64, index=True)
    result: str = ""
    """The outcome: an HTTP status code for API requests, or a word."""
    hash: str | None = Field(default=None, max_length=64)


class AuditChainHead(SQLModel, table=True):
    """The newest audit entry's id and hash, one row: writers lock it to append one after
    the other (no fork of the chain), and it reveals a removed last entry."""

    __tablename__ = "audit_chain"

    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(default="", max_length=64)


class User(SQLModel, table=True):
    """An operator account (issue 17): a name, a role and a slow salted password hash."""

    __tablename__ = "users"

    name: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=255)
    created: datetime = _time()
    disabled: datetime | None = _time(nullable=True)
    failed_logins: int = 0
    """Wrong passwords in a row; reaching the limit locks the account for a while."""
    locked_until: datetime | None = _time(nullable=True)


class ApiToken(SQLModel, table=True):
    """A user's bearer token, as its SHA-256 only: a login (short-lived) or a personal
    token (named, revocable)."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    user_name: str = Field(foreign_key="users.name", max_length=64, index=True)
    kind: str = Field(max_length=16)
    """``login`` or ``personal``."""
    name: str = Field(default="", max_length=100)
    created: datetime = _time()
    expires: datetime | None = _time(nullable=True)
    revoked: datetime | None = _time(nullable=True)


class SecurityEvent(SQLModel, table=True):
    """A pole's ``SecurityEventNotification`` (OCPP 1.6 security whitepaper; eis 69
    security logging): a refused firmware image, an install, a rollback, and whatever
    types poles and later work add — the type is the pole's, not a closed list here.

    ``timestamp`` is when it happened by the pole's clock (an event queued offline arrives
    late but keeps it); ``received_at`` is when the service stored it (service clock), the
    order in which operators learn of events and what ``since`` filters on.
    """

    __tablename__ = "security_events"
    __table_args__ = (sa.Index("ix_security_events_pole", "pole_id", "id"),
                      sa.Index("ix_security_events_received", "received_at"),
                      sa.Index("uq_security_events_event", "pole_id", "timestamp", "type",
                               _or_empty("tech_info"), unique=True))

    id: int | None = Field(default=None, primary_key=True)
    pole_id: str = Field(foreign_key="poles.id", max_length=64)
    type: str = Field(max_length=50)
    """The event type (``SecurityEventNotification.type``, a CiString50)."""
    tech_info: str | None = Field(default=None, max_length=255)
    """The pole's technical detail (``techInfo``, a CiString255), if it gave one."""
    timestamp: datetime = _time()
    received_at: datetime = _time()
