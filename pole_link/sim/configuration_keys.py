"""The catalogue of the virtual pole's configuration keys and how each value is checked.

eis 57 asks for *every* configuration key named in OCPP 1.6, so `STANDARD_KEYS` lists all
43 keys of OCPP 1.6 edition 2, section 9 (Core 9.1, Local Auth List Management 9.2,
Reservation 9.3, Smart Charging 9.4) — the same set as ``ocpp.v16.enums.ConfigurationKey``
minus the later ISO 15118 and security-whitepaper additions, which are not part of 1.6 itself.
`VENDOR_KEYS` adds the keys PROTOCOL.md defines beyond OCPP ("Configuration keys beyond
OCPP's own") plus `PeakLimit`, which SPEC.md says to treat as configuration.

Values travel as strings (OCPP's ``CiString500``), so a key's `default` is a string and
`normalise` turns a proposed string into the canonical string that will be stored — or raises
`InvalidValueError` with a reason a human can read, because the GUI shows it and an invalid value
must never reach the store.

Conventions decided here (they bind the pole and the CSMS):

* Booleans are ``true``/``false``; any letter case is accepted, lowercase is stored.
* Integers are plain decimal (an optional sign, no fraction or exponent); ``"0900"`` is stored
  as ``"900"``.
* A comma-separated list (CSL) may carry spaces around its items (OCPP's own example is
  ``"0.RST, 1.RST"``); they are stripped, duplicates and empty items are rejected, and the
  list is stored without spaces. An empty string is the empty list.
* A measurand list item is an OCPP 1.6 `Measurand`, optionally followed by ``.<Phase>`` — OCPP
  1.6 edition 2 allows "the Measurand combined with the optional phase, for instance
  Voltage.L1". A plain measurand means *every phase the meter measures for it* (so
  ``Current.Import`` yields L1, L2 and L3 SampledValues and ``Voltage`` yields L1-N, L2-N and
  L3-N, each with its ``phase`` field set; a register such as
  ``Energy.Active.Import.Register`` has no phase); a suffixed item restricts it to that one
  phase. The defaults use the plain form, which is what "CSL of Measurand" means in 1.6 and
  what every central system understands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ocpp.v16.enums import Measurand, Phase


class ValueKind(Enum):
    """How a key's string value is interpreted and checked."""

    BOOL = "bool"
    """``true`` or ``false``."""
    INT = "int"
    """A decimal integer, within `KeySpec.minimum`..`KeySpec.maximum`."""
    STRING = "string"
    """Free text (only `PoleId` uses it; checked by its own rule)."""
    CSL = "csl"
    """A comma-separated list whose items are taken from `KeySpec.members`."""
    MEASURAND_CSL = "measurand-csl"
    """A comma-separated list of OCPP 1.6 measurands, each with an optional ``.<Phase>``."""
    PHASE_ROTATION_CSL = "phase-rotation-csl"
    """A comma-separated list of ``<connectorId>.<rotation>`` (OCPP's ConnectorPhaseRotation)."""


LIST_KINDS = frozenset({ValueKind.CSL, ValueKind.MEASURAND_CSL, ValueKind.PHASE_ROTATION_CSL})
"""The kinds whose value is a comma-separated list."""

CORE = "Core"
LOCAL_AUTH_LIST = "LocalAuthListManagement"
RESERVATION = "Reservation"
SMART_CHARGING = "SmartCharging"
FIRMWARE_MANAGEMENT = "FirmwareManagement"
REMOTE_TRIGGER = "RemoteTrigger"
VENDOR = "Vendor"

FEATURE_PROFILES = frozenset(
    {CORE, FIRMWARE_MANAGEMENT, LOCAL_AUTH_LIST, RESERVATION, SMART_CHARGING, REMOTE_TRIGGER}
)
"""The feature profiles OCPP 1.6 defines (the members of SupportedFeatureProfiles)."""

PHASE_ROTATIONS = frozenset({"NotApplicable", "Unknown", "RST", "RTS", "SRT", "STR", "TRS", "TSR"})
"""The per-connector values OCPP 1.6 allows in ConnectorPhaseRotation."""

CHARGING_RATE_UNITS = frozenset({"Current", "Power"})
"""The members of ChargingScheduleAllowedChargingRateUnit (A and W)."""

MAX_VALUE_LENGTH = 500
"""ChangeConfiguration's value and GetConfiguration's value are CiString500."""

POLE_ID_MAX_LENGTH = 20
_POLE_ID = re.compile(rf"[A-Za-z0-9._-]{{1,{POLE_ID_MAX_LENGTH}}}")
_INTEGER = re.compile(r"[+-]?[0-9]+")

_MEASURANDS = frozenset(m.value for m in Measurand)
_PHASES = frozenset(p.value for p in Phase)


class InvalidValueError(ValueError):
    """A proposed value is not acceptable for its key; `str(error)` is the human reason."""


@dataclass(frozen=True)
class KeySpec:
    """One configuration key: what it holds, who may write it and what it accepts.

    `default` is the value of a two-socket pole (the tender's pole, eis 16); keys that depend
    on the pole — its id and its number of connectors — are filled in by `default_values`.
    A list's length limit is either fixed (`max_items`) or, as OCPP does it, the value of
    another, read-only key (`max_length_key`, e.g. MeterValuesSampledDataMaxLength).
    """

    name: str
    kind: ValueKind
    readonly: bool
    default: str
    profile: str
    minimum: int | None = None
    maximum: int | None = None
    members: frozenset[str] | None = None
    max_items: int | None = None
    max_length_key: str | None = None
    reboot_required: bool = False
    description: str = ""


def _bool(name: str, default: bool, profile: str = CORE, *, readonly: bool = False,
          description: str = "") -> KeySpec:
    return KeySpec(name, ValueKind.BOOL, readonly, "true" if default else "false", profile,
                   description=description)


def _int(name: str, default: int, minimum: int, maximum: int, profile: str = CORE, *,
         readonly: bool = False, description: str = "") -> KeySpec:
    return KeySpec(name, ValueKind.INT, readonly, str(default), profile, minimum=minimum,
                   maximum=maximum, description=description)


def _measurands(name: str, default: str, description: str) -> KeySpec:
    return KeySpec(name, ValueKind.MEASURAND_CSL, False, default, CORE,
                   max_length_key=f"{name}MaxLength", description=description)


MEASURAND_LIST_MAX_LENGTH = 40
"""Room for all 22 OCPP 1.6 measurands (eis 58) plus per-phase items."""

DEFAULT_SAMPLED_MEASURANDS = "Energy.Active.Import.Register,Current.Import,Voltage"
"""eis 56 / SPEC "Meter values": the socket's register plus current and voltage per phase."""

_DAY = 86_400

STANDARD_KEYS: tuple[KeySpec, ...] = (
    # --- 9.1 Core profile -------------------------------------------------------------------
    _bool("AllowOfflineTxForUnknownId", True,
          description="eis 50: offline, every identifier is accepted."),
    _bool("AuthorizationCacheEnabled", True),
    _bool("AuthorizeRemoteTxRequests", False,
          description="OCPP allows R or RW; writable here. SPEC: false."),
    _int("BlinkRepeat", 3, 0, 20, description="Times the LEDs blink when signalling."),
    _int("ClockAlignedDataInterval", 900, 0, _DAY,
         description="eis 56: seconds; 0 disables clock-aligned meter values."),
    _int("ConnectionTimeOut", 120, 1, 3600,
         description="eis 45: seconds from authorisation to plug-in before cancelling."),
    KeySpec("ConnectorPhaseRotation", ValueKind.PHASE_ROTATION_CSL, False, "0.RST,1.RST,2.RST",
            CORE, max_length_key="ConnectorPhaseRotationMaxLength",
            description="Per connector (0 = grid connection), e.g. 0.RST,1.RST,2.RTS."),
    _int("ConnectorPhaseRotationMaxLength", 3, 1, 100, readonly=True,
         description="Connector 0 plus one per socket."),
    _int("GetConfigurationMaxKeys", 100, 1, 1000, readonly=True,
         description="More than the number of keys, so one request can ask for all of them."),
    _int("HeartbeatInterval", 900, 0, _DAY,
         description="eis 56: meter values every 15 min replace heartbeats; a heartbeat is "
                     "only sent when nothing else went out within the interval."),
    _int("LightIntensity", 100, 0, 100,
         description="eis 46: LED intensity in %; full by default for sunlight."),
    _bool("LocalAuthorizeOffline", True, description="eis 50."),
    _bool("LocalPreAuthorize", False),
    _int("MaxEnergyOnInvalidId", 0, 0, 1_000_000,
         description="Wh still delivered after an id turns out invalid (eis 55: none)."),
    _measurands("MeterValuesAlignedData", DEFAULT_SAMPLED_MEASURANDS,
                "eis 27/56: clock-aligned measurands."),
    _int("MeterValuesAlignedDataMaxLength", MEASURAND_LIST_MAX_LENGTH, 1, 100, readonly=True),
    _measurands("MeterValuesSampledData", DEFAULT_SAMPLED_MEASURANDS,
                "eis 56: energy plus current and voltage per phase."),
    _int("MeterValuesSampledDataMaxLength", MEASURAND_LIST_MAX_LENGTH, 1, 100, readonly=True),
    _int("MeterValueSampleInterval", 900, 0, _DAY,
         description="eis 56: seconds from the transaction start; 0 disables."),
    _int("MinimumStatusDuration", 0, 0, 3600),
    _int("NumberOfConnectors", 2, 1, 100, readonly=True),
    _int("ResetRetries", 3, 0, 10),
    _bool("StopTransactionOnEVSideDisconnect", True),
    _bool("StopTransactionOnInvalidId", False,
          description="eis 55: an illegal offline transaction is suspended, not stopped."),
    _measurands("StopTxnAlignedData", "Energy.Active.Import.Register",
                "Clock-aligned measurands in StopTransaction's transactionData."),
    _int("StopTxnAlignedDataMaxLength", MEASURAND_LIST_MAX_LENGTH, 1, 100, readonly=True),
    _measurands("StopTxnSampledData", "",
                "Sampled measurands in StopTransaction's transactionData."),
    _int("StopTxnSampledDataMaxLength", MEASURAND_LIST_MAX_LENGTH, 1, 100, readonly=True),
    KeySpec("SupportedFeatureProfiles", ValueKind.CSL, True,
            "Core,FirmwareManagement,LocalAuthListManagement,SmartCharging,RemoteTrigger",
            CORE, members=FEATURE_PROFILES, max_length_key="SupportedFeatureProfilesMaxLength",
            description="eis 49: everything but reservations."),
    _int("SupportedFeatureProfilesMaxLength", 6, 1, 6, readonly=True),
    _int("TransactionMessageAttempts", 3, 0, 100),
    _int("TransactionMessageRetryInterval", 60, 0, _DAY),
    _bool("UnlockConnectorOnEVSideDisconnect", True),
    _int("WebSocketPingInterval", 60, 0, _DAY,
         description="Seconds; 0 disables. Detects a dead link early (eis 48, 52)."),
    # --- 9.2 Local Auth List Management profile ---------------------------------------------
    _bool("LocalAuthListEnabled", True, LOCAL_AUTH_LIST),
    _int("LocalAuthListMaxLength", 10_000, 0, 1_000_000, LOCAL_AUTH_LIST, readonly=True),
    _int("SendLocalListMaxLength", 250, 0, 10_000, LOCAL_AUTH_LIST, readonly=True,
         description="Keeps one SendLocalList within the service port's 64 KiB frame."),
    # --- 9.3 Reservation profile -------------------------------------------------------------
    _bool("ReserveConnectorZeroSupported", False, RESERVATION, readonly=True,
          description="eis 49: reservations are excluded."),
    # --- 9.4 Smart Charging profile ----------------------------------------------------------
    _int("ChargeProfileMaxStackLevel", 8, 0, 100, SMART_CHARGING, readonly=True,
         description="eis 65: levels 0..8, well over 6 stacked profiles per purpose."),
    KeySpec("ChargingScheduleAllowedChargingRateUnit", ValueKind.CSL, True, "Current,Power",
            SMART_CHARGING, members=CHARGING_RATE_UNITS, max_items=2),
    _int("ChargingScheduleMaxPeriods", 48, 1, 1000, SMART_CHARGING, readonly=True,
         description="eis 66: at least 20; 48 fits a half-hourly day."),
    _bool("ConnectorSwitch3to1PhaseSupported", False, SMART_CHARGING, readonly=True),
    _int("MaxChargingProfilesInstalled", 64, 1, 10_000, SMART_CHARGING, readonly=True,
         description="Every stack level of every purpose on every connector fits."),
)
"""Every configuration key of OCPP 1.6 edition 2, section 9, in the standard's order."""

_CURRENT_MAX = 63
"""The largest per-phase current a low-voltage connection offers (3x63 A); a sanity bound."""

VENDOR_KEYS: tuple[KeySpec, ...] = (
    _int("GridConnectionMaxCurrent", 30, 6, _CURRENT_MAX, VENDOR,
         description="A per phase: the connection's hard limit beneath every charging profile "
                     "(eis 20/31/33; 30 A on a 3x35 A connection). Not cross-checked against "
                     "the peak limits: the pole always applies the lowest of them."),
    _int("PeakLimit", 7, 0, _CURRENT_MAX, VENDOR,
         description="A per phase available during the 17:00-21:00 peak (tender: 3x7 A)."),
    _int("PeakLimitOverrule", 25, 6, _CURRENT_MAX, VENDOR,
         description="A per phase during the peak while an overruled transaction runs."),
    KeySpec("PoleId", ValueKind.STRING, False, "", VENDOR, reboot_required=True,
            description="eis 12: the visible pole id agreed with the grantor. Written at "
                        "commissioning (controllers ship generic), so writable; it is the "
                        "OCPP identity and BLE name, which change only at the next reboot."),
)
"""The keys PROTOCOL.md and SPEC.md add beyond OCPP's own."""

ALL_KEYS: tuple[KeySpec, ...] = STANDARD_KEYS + VENDOR_KEYS
KEYS_BY_NAME: dict[str, KeySpec] = {spec.name: spec for spec in ALL_KEYS}
_KEYS_BY_FOLDED_NAME = {spec.name.casefold(): spec for spec in ALL_KEYS}


def find_key(name: str) -> KeySpec | None:
    """The key called `name`, ignoring letter case (OCPP key names are CiString50)."""
    spec = KEYS_BY_NAME.get(name)
    if spec is not None:
        return spec
    return _KEYS_BY_FOLDED_NAME.get(name.casefold())


def check_pole_id(value: str) -> str:
    """Return `value` if it can be a pole id, else raise `InvalidValueError`.

    A pole id is 1..20 characters (CiString20, like OCPP's chargeBoxSerialNumber) of letters,
    digits, ``.``, ``_`` and ``-``: it ends up in the OCPP WebSocket URL, in the BLE local name
    and on the pole's sticker, so nothing that needs escaping is allowed.
    """
    if not _POLE_ID.fullmatch(value):
        raise InvalidValueError(
            f"a pole id is 1 to {POLE_ID_MAX_LENGTH} letters, digits, '.', '_' or '-'"
        )
    return value


def parse_measurand(item: str) -> tuple[Measurand, Phase | None]:
    """Split a measurand list item (``Voltage``, ``Current.Import.L2``) into measurand and phase.

    Measurand names contain dots themselves, so the whole item is tried first and only then
    the part after the last dot as a phase; no measurand ends in a phase name, so this is
    unambiguous.
    """
    if item in _MEASURANDS:
        return Measurand(item), None
    head, dot, tail = item.rpartition(".")
    if dot and head in _MEASURANDS and tail in _PHASES:
        return Measurand(head), Phase(tail)
    if dot and head in _MEASURANDS:
        raise InvalidValueError(f'unknown phase "{tail}" in "{item}"')
    raise InvalidValueError(f'unknown measurand "{item}"')


def split_list(value: str) -> list[str]:
    """The items of a comma-separated list, spaces around them removed; ``""`` is no items."""
    if not value.strip():
        return []
    return [item.strip() for item in value.split(",")]


def normalise(spec: KeySpec, value: str, *, max_items: int | None, connectors: int) -> str:
    """Check `value` for `spec` and return the string to store; raise `InvalidValueError` if wrong.

    `max_items` is the list length limit in force (the current value of the key named by
    `spec.max_length_key`, or `spec.max_items`); `connectors` bounds ConnectorPhaseRotation.
    Read-only-ness is not checked here: factory values and restores also come through.
    """
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidValueError(f"longer than {MAX_VALUE_LENGTH} characters")
    if spec.kind is ValueKind.BOOL:
        folded = value.strip().lower()
        if folded not in ("true", "false"):
            raise InvalidValueError(f'not a boolean: "{value}" (expected true or false)')
        return folded
    if spec.kind is ValueKind.INT:
        return str(_check_int(spec, value))
    if spec.kind is ValueKind.STRING:
        return check_pole_id(value)
    return _normalise_list(spec, value, max_items=max_items, connectors=connectors)


def _check_int(spec: KeySpec, value: str) -> int:
    if not _INTEGER.fullmatch(value.strip()):
        raise InvalidValueError(f'not an integer: "{value}"')
    number = int(value)
    low = spec.minimum if spec.minimum is not None else number
    high = spec.maximum if spec.maximum is not None else number
    if not low <= number <= high:
        raise InvalidValueError(f"out of range {low}..{high}: {number}")
    return number


def _normalise_list(spec: KeySpec, value: str, *, max_items: int | None, connectors: int) -> str:
    items = split_list(value)
    if any(not item for item in items):
        raise InvalidValueError("empty item in the list")
    if max_items is not None and len(items) > max_items:
        raise InvalidValueError(f"too many items: {len(items)} (at most {max_items})")
    seen: set[str] = set()
    for item in items:
        key = _check_item(spec, item, connectors)
        if key in seen:
            raise InvalidValueError(f'"{item}" is listed twice')
        seen.add(key)
    return ",".join(items)


def _check_item(spec: KeySpec, item: str, connectors: int) -> str:
    """Check one list item; return what makes it a duplicate of another (its identity)."""
    if spec.kind is ValueKind.MEASURAND_CSL:
        parse_measurand(item)
        return item
    if spec.kind is ValueKind.PHASE_ROTATION_CSL:
        connector, dot, rotation = item.partition(".")
        if not dot or not connector.isdigit() or rotation not in PHASE_ROTATIONS:
            raise InvalidValueError(
                f'"{item}" is not <connector>.<rotation> with rotation one of '
                + ", ".join(sorted(PHASE_ROTATIONS))
            )
        if int(connector) > connectors:
            raise InvalidValueError(
                f"no connector {int(connector)} (connectors are 0..{connectors})"
            )
        return str(int(connector))
    members = spec.members or frozenset()
    if item not in members:
        raise InvalidValueError(f'unknown item "{item}" (allowed: {", ".join(sorted(members))})')
    return item
