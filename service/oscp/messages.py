"""The OSCP 2.0 messages we receive and send, as the specification names their fields.

Pydantic models, so a malformed message is refused with the field that is wrong before
anything is stored; extra fields are ignored (later minor versions may add some).
"""

from __future__ import annotations

from datetime import datetime
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
    """``offline_mode_at``: when the sender will consider us offline without our beat."""

    offline_mode_at: AwareDatetime


class ForecastedBlock(BaseModel):
    capacity: float = Field(ge=0)
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


class GroupCapacityComplianceError(BaseModel):
    message: str
    forecasted_blocks: list[ForecastedBlock] = Field(default_factory=list)


class EnergyMeasurement(BaseModel):
    value: float
    phase: PhaseIndicator = PhaseIndicator.ALL
    unit: str = "WH"
    energy_type: str = "TOTAL"
    direction: str = "IMPORT"
    measure_time: datetime
    initial_measure_time: datetime | None = None


class UpdateGroupMeasurements(BaseModel):
    group_id: str
    measurements: list[EnergyMeasurement]
