"""The OSCP 2.0 messages we receive and send, as the specification names their fields.

Pydantic models, so a malformed message is refused with the field that is wrong before
anything is stored; extra fields are ignored (later minor versions may add some).

Checked against the OSCP 2.0 shapes as public implementations carry them (no copy of the
OCA's own text was obtainable here): the OpenAPI behind ``andreibesleaga/oscp-sdk``, the
JSON-schema classes in SolarNetwork's Flexibility Provider, a Flask model of the protocol
and the ``vemo-oscp`` restatement of the specification. Where they differ we accept the
looser form (e.g. a heartbeat without ``offline_mode_at``) and send the stricter one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field, model_validator

VERSION = "2.0"


class PhaseIndicator(StrEnum):
    UNKNOWN = "UNKNOWN"
    ONE = "ONE"
    TWO = "TWO"
    THREE = "THREE"
    ALL = "ALL"


class BlockUnit(StrEnum):
    A = "A"
    W = "W"
    KW = "KW"
    WH = "WH"
    KWH = "KWH"


class ForecastType(StrEnum):
    CONSUMPTION = "CONSUMPTION"
    GENERATION = "GENERATION"
    FALLBACK_CONSUMPTION = "FALLBACK_CONSUMPTION"
    FALLBACK_GENERATION = "FALLBACK_GENERATION"
    OPTIMUM = "OPTIMUM"


class EnergyUnit(StrEnum):
    WH = "WH"
    KWH = "KWH"


class EnergyDirection(StrEnum):
    NET = "NET"
    IMPORT = "IMPORT"
    EXPORT = "EXPORT"


class EnergyType(StrEnum):
    FLEXIBLE = "FLEXIBLE"
    NONFLEXIBLE = "NONFLEXIBLE"
    TOTAL = "TOTAL"


class MeasurementConfiguration(StrEnum):
    CONTINUOUS = "CONTINUOUS"
    INTERMITTENT = "INTERMITTENT"


class VersionUrl(BaseModel):
    version: str
    base_url: str = Field(min_length=1)


class Register(BaseModel):
    """Sent by either side: the token the *other* party must use to call the sender."""

    token: str = Field(min_length=8, max_length=512)
    version_url: list[VersionUrl] = Field(min_length=1)

    def url_for(self, version: str = VERSION) -> str | None:
        return next((v.base_url.rstrip("/") for v in self.version_url
                     if v.version == version), None)


class RequiredBehaviour(BaseModel):
    heartbeat_interval: int | None = Field(default=None, ge=1)
    measurement_configuration: list[MeasurementConfiguration] = Field(default_factory=list)


class Handshake(BaseModel):
    required_behaviour: RequiredBehaviour = Field(default_factory=RequiredBehaviour)


class HandshakeAcknowledgement(BaseModel):
    required_behaviour: RequiredBehaviour = Field(default_factory=RequiredBehaviour)


class Heartbeat(BaseModel):
    """``offline_mode_at``: when the sender will consider us offline without our beat.
    Optional in the published OpenAPI: without it we wait twice our interval."""

    offline_mode_at: AwareDatetime | None = None


class ForecastedBlock(BaseModel):
    capacity: float
    """Negative for generation (energy flowing back to the grid); a consumption forecast
    needs it at 0 or above (checked with the forecast's type)."""
    phase: PhaseIndicator
    unit: BlockUnit
    start_time: AwareDatetime
    end_time: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> ForecastedBlock:
        if self.end_time <= self.start_time:
            raise ValueError("a forecasted block must end after it starts "
                             f"({self.start_time.isoformat()} → {self.end_time.isoformat()})")
        if self.unit in (BlockUnit.WH, BlockUnit.KWH):
            raise ValueError("an energy unit (Wh, kWh) cannot cap a current: send the "
                             "capacity in A, W or kW")
        return self


class GroupCapacityForecast(BaseModel):
    """Both ``update_group_capacity_forecast`` and ``adjust_group_capacity_forecast``."""

    group_id: str = Field(min_length=1, max_length=64)
    type: ForecastType
    forecasted_blocks: list[ForecastedBlock] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _consumption_not_negative(self) -> GroupCapacityForecast:
        if self.type in (ForecastType.CONSUMPTION, ForecastType.FALLBACK_CONSUMPTION):
            for block in self.forecasted_blocks:
                if block.capacity < 0:
                    raise ValueError(f"a {self.type.value} capacity cannot be negative "
                                     f"({block.capacity} {block.unit.value} from "
                                     f"{block.start_time.isoformat()})")
        return self


class GroupCapacityComplianceError(BaseModel):
    message: str
    forecasted_blocks: list[ForecastedBlock] = Field(default_factory=list)


class EnergyMeasurement(BaseModel):
    """An accumulating register's reading (``value`` in ``unit`` since it last reset)."""

    value: float
    phase: PhaseIndicator = PhaseIndicator.ALL
    unit: EnergyUnit = EnergyUnit.WH
    energy_type: EnergyType | None = EnergyType.TOTAL
    direction: EnergyDirection = EnergyDirection.IMPORT
    measure_time: datetime
    initial_measure_time: datetime | None = None

    @model_validator(mode="after")
    def _with_offset(self) -> EnergyMeasurement:
        """RFC 3339 with an offset, always: storage may hand back a naive UTC time."""
        if self.measure_time.tzinfo is None:
            self.measure_time = self.measure_time.replace(tzinfo=UTC)
        if self.initial_measure_time is not None and self.initial_measure_time.tzinfo is None:
            self.initial_measure_time = self.initial_measure_time.replace(tzinfo=UTC)
        return self


class UpdateGroupMeasurements(BaseModel):
    group_id: str
    measurements: list[EnergyMeasurement]
