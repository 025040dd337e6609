"""The OCPI 2.2.1 objects this service sends and accepts, as pydantic models with the
specification's field rules (cardinality, string lengths, enums).

Written from the specification's module texts (credentials, versions, transport and format)
rather than taken from the ``ocpi`` packages, which pin pydantic 1. Every answer we send is
built from these models, so a field the specification requires cannot be left out, and a
partner's object that breaks the rules is refused with status 2001 instead of stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

VERSION = "2.2.1"

CiString2 = Annotated[str, StringConstraints(min_length=2, max_length=2,
                                             pattern=r"^[A-Za-z]{2}$")]
CiString3 = Annotated[str, StringConstraints(min_length=3, max_length=3,
                                             pattern=r"^[A-Za-z0-9]{3}$")]
Url = Annotated[str, StringConstraints(min_length=1, max_length=255,
                                       pattern=r"^https?://\S+$")]
CredentialsTokenText = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                                        pattern=r"^[\x21-\x7e]+$")]
"""Printable, non-whitespace ASCII (U+0021–U+007E), at most 64 characters."""


class Role(StrEnum):
    CPO = "CPO"
    EMSP = "EMSP"
    HUB = "HUB"
    NAP = "NAP"
    NSP = "NSP"
    OTHER = "OTHER"
    SCSP = "SCSP"


class InterfaceRole(StrEnum):
    SENDER = "SENDER"
    RECEIVER = "RECEIVER"


class ModuleID(StrEnum):
    CDRS = "cdrs"
    CHARGING_PROFILES = "chargingprofiles"
    COMMANDS = "commands"
    CREDENTIALS = "credentials"
    HUB_CLIENT_INFO = "hubclientinfo"
    LOCATIONS = "locations"
    SESSIONS = "sessions"
    TARIFFS = "tariffs"
    TOKENS = "tokens"


class OcpiModel(BaseModel):
    """Unknown fields from partners are ignored (later minor versions may add some)."""

    model_config = ConfigDict(extra="ignore", use_enum_values=True)


class Version(OcpiModel):
    version: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    url: Url


class Endpoint(OcpiModel):
    identifier: ModuleID | str
    """A module we do not know is kept as text, so one exotic module does not fail a
    registration."""
    role: InterfaceRole
    url: Url


class VersionDetails(OcpiModel):
    version: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    endpoints: Annotated[list[Endpoint], Field(min_length=1)]


class Image(OcpiModel):
    url: Url
    thumbnail: Url | None = None
    category: str
    type: Annotated[str, StringConstraints(max_length=4)]
    width: Annotated[int, Field(ge=0, le=99999)] | None = None
    height: Annotated[int, Field(ge=0, le=99999)] | None = None


class BusinessDetails(OcpiModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    website: Url | None = None
    logo: Image | None = None


class CredentialsRole(OcpiModel):
    role: Role
    business_details: BusinessDetails
    party_id: CiString3
    country_code: CiString2


class Credentials(OcpiModel):
    token: CredentialsTokenText
    url: Url
    roles: Annotated[list[CredentialsRole], Field(min_length=1)]


DataT = TypeVar("DataT")


class Envelope(OcpiModel, Generic[DataT]):
    """Every OCPI answer: ``data`` (absent on errors), a status code, a timestamp."""

    data: DataT | None = None
    status_code: Annotated[int, Field(ge=1000, le=4999)]
    status_message: str | None = None
    timestamp: datetime


def dumped(model: BaseModel | list[Any] | None) -> Any:
    """JSON-ready data, without the optional fields left unset (OCPI omits them)."""
    if model is None:
        return None
    if isinstance(model, list):
        return [dumped(item) for item in model]
    return model.model_dump(mode="json", exclude_none=True)


# -- Locations (mod_locations) ----------------------------------------------------------
String36 = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class Status(StrEnum):
    AVAILABLE = "AVAILABLE"
    BLOCKED = "BLOCKED"
    CHARGING = "CHARGING"
    INOPERATIVE = "INOPERATIVE"
    OUTOFORDER = "OUTOFORDER"
    PLANNED = "PLANNED"
    REMOVED = "REMOVED"
    RESERVED = "RESERVED"
    UNKNOWN = "UNKNOWN"


class ConnectorType(StrEnum):
    IEC_62196_T2 = "IEC_62196_T2"


class ConnectorFormat(StrEnum):
    SOCKET = "SOCKET"
    CABLE = "CABLE"


class PowerType(StrEnum):
    AC_1_PHASE = "AC_1_PHASE"
    AC_2_PHASE = "AC_2_PHASE"
    AC_2_PHASE_SPLIT = "AC_2_PHASE_SPLIT"
    AC_3_PHASE = "AC_3_PHASE"
    DC = "DC"


class GeoLocation(OcpiModel):
    latitude: Annotated[str, StringConstraints(max_length=10,
                                               pattern=r"^-?[0-9]{1,2}\.[0-9]{5,7}$")]
    longitude: Annotated[str, StringConstraints(max_length=11,
                                                pattern=r"^-?[0-9]{1,3}\.[0-9]{5,7}$")]


class OcpiConnector(OcpiModel):
    id: String36
    standard: ConnectorType | str
    format: ConnectorFormat
    power_type: PowerType
    max_voltage: Annotated[int, Field(ge=0)]
    max_amperage: Annotated[int, Field(ge=0)]
    max_electric_power: Annotated[int, Field(ge=0)] | None = None
    tariff_ids: list[String36] | None = None
    last_updated: datetime


class Evse(OcpiModel):
    uid: String36
    evse_id: Annotated[str, StringConstraints(max_length=48)] | None = None
    status: Status
    capabilities: list[str] | None = None
    connectors: Annotated[list[OcpiConnector], Field(min_length=1)]
    physical_reference: Annotated[str, StringConstraints(max_length=16)] | None = None
    last_updated: datetime


class Location(OcpiModel):
    country_code: CiString2
    party_id: CiString3
    id: String36
    publish: bool
    name: Annotated[str, StringConstraints(max_length=255)] | None = None
    address: Annotated[str, StringConstraints(max_length=45)]
    city: Annotated[str, StringConstraints(max_length=45)]
    postal_code: Annotated[str, StringConstraints(max_length=10)] | None = None
    country: Annotated[str, StringConstraints(min_length=3, max_length=3)]
    coordinates: GeoLocation
    evses: list[Evse] | None = None
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    last_updated: datetime


# -- Tokens (mod_tokens) ------------------------------------------------------------------
class TokenType(StrEnum):
    AD_HOC_USER = "AD_HOC_USER"
    APP_USER = "APP_USER"
    OTHER = "OTHER"
    RFID = "RFID"


class WhitelistType(StrEnum):
    ALWAYS = "ALWAYS"
    ALLOWED = "ALLOWED"
    ALLOWED_OFFLINE = "ALLOWED_OFFLINE"
    NEVER = "NEVER"


class AllowedType(StrEnum):
    ALLOWED = "ALLOWED"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"
    NO_CREDIT = "NO_CREDIT"
    NOT_ALLOWED = "NOT_ALLOWED"


class Token(OcpiModel):
    country_code: CiString2
    party_id: CiString3
    uid: String36
    type: TokenType
    contract_id: String36
    visual_number: Annotated[str, StringConstraints(max_length=64)] | None = None
    issuer: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    group_id: String36 | None = None
    valid: bool
    whitelist: WhitelistType
    language: Annotated[str, StringConstraints(min_length=2, max_length=2)] | None = None
    last_updated: datetime


class AuthorizationInfo(OcpiModel):
    allowed: AllowedType
    token: Token
    authorization_reference: String36 | None = None


# -- Sessions and CDRs (mod_sessions, mod_cdrs) ---------------------------------------------
class AuthMethod(StrEnum):
    AUTH_REQUEST = "AUTH_REQUEST"
    COMMAND = "COMMAND"
    WHITELIST = "WHITELIST"


class SessionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    INVALID = "INVALID"
    PENDING = "PENDING"
    RESERVATION = "RESERVATION"


class CdrToken(OcpiModel):
    country_code: CiString2
    party_id: CiString3
    uid: String36
    type: TokenType
    contract_id: String36


class CdrDimension(OcpiModel):
    type: str
    volume: float


class ChargingPeriod(OcpiModel):
    start_date_time: datetime
    dimensions: Annotated[list[CdrDimension], Field(min_length=1)]
    tariff_id: String36 | None = None


class Price(OcpiModel):
    excl_vat: float
    incl_vat: float | None = None


Currency = Annotated[str, StringConstraints(min_length=3, max_length=3)]


class Session(OcpiModel):
    country_code: CiString2
    party_id: CiString3
    id: String36
    start_date_time: datetime
    end_date_time: datetime | None = None
    kwh: Annotated[float, Field(ge=0)]
    cdr_token: CdrToken
    auth_method: AuthMethod
    authorization_reference: String36 | None = None
    location_id: String36
    evse_uid: String36
    connector_id: String36
    meter_id: Annotated[str, StringConstraints(max_length=255)] | None = None
    currency: Currency
    charging_periods: list[ChargingPeriod] | None = None
    total_cost: Price | None = None
    status: SessionStatus
    last_updated: datetime


class CdrLocation(OcpiModel):
    id: String36
    name: Annotated[str, StringConstraints(max_length=255)] | None = None
    address: Annotated[str, StringConstraints(max_length=45)]
    city: Annotated[str, StringConstraints(max_length=45)]
    postal_code: Annotated[str, StringConstraints(max_length=10)] | None = None
    country: Annotated[str, StringConstraints(min_length=3, max_length=3)]
    coordinates: GeoLocation
    evse_uid: String36
    evse_id: Annotated[str, StringConstraints(max_length=48)]
    connector_id: String36
    connector_standard: ConnectorType | str
    connector_format: ConnectorFormat
    connector_power_type: PowerType


class Cdr(OcpiModel):
    country_code: CiString2
    party_id: CiString3
    id: Annotated[str, StringConstraints(min_length=1, max_length=39)]
    start_date_time: datetime
    end_date_time: datetime
    session_id: String36 | None = None
    cdr_token: CdrToken
    auth_method: AuthMethod
    cdr_location: CdrLocation
    currency: Currency
    tariffs: list[Tariff] | None = None
    charging_periods: Annotated[list[ChargingPeriod], Field(min_length=1)]
    total_cost: Price
    total_energy: Annotated[float, Field(ge=0)]
    total_time: Annotated[float, Field(ge=0)]
    """Hours."""
    last_updated: datetime


# -- Commands (mod_commands) --------------------------------------------------------------
class CommandType(StrEnum):
    CANCEL_RESERVATION = "CANCEL_RESERVATION"
    RESERVE_NOW = "RESERVE_NOW"
    START_SESSION = "START_SESSION"
    STOP_SESSION = "STOP_SESSION"
    UNLOCK_CONNECTOR = "UNLOCK_CONNECTOR"


class CommandResponseType(StrEnum):
    NOT_SUPPORTED = "NOT_SUPPORTED"
    REJECTED = "REJECTED"
    ACCEPTED = "ACCEPTED"
    UNKNOWN_SESSION = "UNKNOWN_SESSION"


class CommandResultType(StrEnum):
    ACCEPTED = "ACCEPTED"
    CANCELED_RESERVATION = "CANCELED_RESERVATION"
    EVSE_OCCUPIED = "EVSE_OCCUPIED"
    EVSE_INOPERATIVE = "EVSE_INOPERATIVE"
    FAILED = "FAILED"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    REJECTED = "REJECTED"
    TIMEOUT = "TIMEOUT"
    UNKNOWN_RESERVATION = "UNKNOWN_RESERVATION"


class DisplayText(OcpiModel):
    language: Annotated[str, StringConstraints(min_length=2, max_length=2)]
    text: Annotated[str, StringConstraints(max_length=512)]


class CommandResponse(OcpiModel):
    result: CommandResponseType
    timeout: Annotated[int, Field(ge=0)]
    message: list[DisplayText] | None = None


class CommandResult(OcpiModel):
    result: CommandResultType
    message: list[DisplayText] | None = None


class StartSession(OcpiModel):
    response_url: Url
    token: Token
    location_id: String36
    evse_uid: String36 | None = None
    connector_id: String36 | None = None
    authorization_reference: String36 | None = None


class StopSession(OcpiModel):
    response_url: Url
    session_id: String36


class UnlockConnector(OcpiModel):
    response_url: Url
    location_id: String36
    evse_uid: String36
    connector_id: String36


# -- ChargingProfiles (mod_charging_profiles, eis 62) -------------------------------------
class ChargingRateUnit(StrEnum):
    W = "W"
    A = "A"


class ChargingProfileResponseType(StrEnum):
    ACCEPTED = "ACCEPTED"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    REJECTED = "REJECTED"
    TOO_OFTEN = "TOO_OFTEN"
    UNKNOWN_SESSION = "UNKNOWN_SESSION"


class ChargingProfileResultType(StrEnum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    UNKNOWN = "UNKNOWN"


class ChargingProfilePeriod(OcpiModel):
    start_period: Annotated[int, Field(ge=0)]
    limit: Annotated[float, Field(ge=0)]


class OcpiChargingProfile(OcpiModel):
    start_date_time: datetime | None = None
    duration: Annotated[int, Field(ge=0)] | None = None
    charging_rate_unit: ChargingRateUnit
    min_charging_rate: Annotated[float, Field(ge=0)] | None = None
    charging_profile_period: list[ChargingProfilePeriod] | None = None


class SetChargingProfile(OcpiModel):
    charging_profile: OcpiChargingProfile
    response_url: Url


class ChargingProfileResponse(OcpiModel):
    result: ChargingProfileResponseType
    timeout: Annotated[int, Field(ge=0)]


class ChargingProfileResult(OcpiModel):
    result: ChargingProfileResultType


class ActiveChargingProfile(OcpiModel):
    start_date_time: datetime
    charging_profile: OcpiChargingProfile


class ActiveChargingProfileResult(OcpiModel):
    result: ChargingProfileResultType
    profile: ActiveChargingProfile | None = None


# -- Tariffs (mod_tariffs) ----------------------------------------------------------------
class TariffDimensionType(StrEnum):
    ENERGY = "ENERGY"
    FLAT = "FLAT"
    PARKING_TIME = "PARKING_TIME"
    TIME = "TIME"


class PriceComponent(OcpiModel):
    type: TariffDimensionType
    price: Annotated[float, Field(ge=0)]
    vat: Annotated[float, Field(ge=0)] | None = None
    step_size: Annotated[int, Field(ge=1)]


class TariffElement(OcpiModel):
    price_components: Annotated[list[PriceComponent], Field(min_length=1)]


class Tariff(OcpiModel):
    country_code: CiString2
    party_id: CiString3
    id: String36
    currency: Currency
    elements: Annotated[list[TariffElement], Field(min_length=1)]
    last_updated: datetime


Cdr.model_rebuild()  # its tariffs are defined after it
