"""The virtual pole's configuration keys (eis 57 and the keys whose effect the tender names)."""

from __future__ import annotations

import logging

import pytest
from ocpp.v16.enums import ConfigurationStatus, Measurand, Phase

from pole_link.sim.configuration import (
    STANDARD_KEYS,
    VENDOR_KEYS,
    ConfigurationStore,
    TooManyKeysError,
    ValueKind,
    default_values,
)

# OCPP 1.6 edition 2, section 9, written out independently of STANDARD_KEYS so a key missing
# from the catalogue fails here.
OCPP16_CORE_KEYS = [
    "AllowOfflineTxForUnknownId",
    "AuthorizationCacheEnabled",
    "AuthorizeRemoteTxRequests",
    "BlinkRepeat",
    "ClockAlignedDataInterval",
    "ConnectionTimeOut",
    "ConnectorPhaseRotation",
    "ConnectorPhaseRotationMaxLength",
    "GetConfigurationMaxKeys",
    "HeartbeatInterval",
    "LightIntensity",
    "LocalAuthorizeOffline",
    "LocalPreAuthorize",
    "MaxEnergyOnInvalidId",
    "MeterValuesAlignedData",
    "MeterValuesAlignedDataMaxLength",
    "MeterValuesSampledData",
    "MeterValuesSampledDataMaxLength",
    "MeterValueSampleInterval",
    "MinimumStatusDuration",
    "NumberOfConnectors",
    "ResetRetries",
    "StopTransactionOnEVSideDisconnect",
    "StopTransactionOnInvalidId",
    "StopTxnAlignedData",
    "StopTxnAlignedDataMaxLength",
    "StopTxnSampledData",
    "StopTxnSampledDataMaxLength",
    "SupportedFeatureProfiles",
    "SupportedFeatureProfilesMaxLength",
    "TransactionMessageAttempts",
    "TransactionMessageRetryInterval",
    "UnlockConnectorOnEVSideDisconnect",
    "WebSocketPingInterval",
]
OCPP16_LOCAL_AUTH_LIST_KEYS = ["LocalAuthListEnabled", "LocalAuthListMaxLength",
                               "SendLocalListMaxLength"]
OCPP16_RESERVATION_KEYS = ["ReserveConnectorZeroSupported"]
OCPP16_SMART_CHARGING_KEYS = [
    "ChargeProfileMaxStackLevel",
    "ChargingScheduleAllowedChargingRateUnit",
    "ChargingScheduleMaxPeriods",
    "ConnectorSwitch3to1PhaseSupported",
    "MaxChargingProfilesInstalled",
]
OCPP16_KEYS = (OCPP16_CORE_KEYS + OCPP16_LOCAL_AUTH_LIST_KEYS + OCPP16_RESERVATION_KEYS
               + OCPP16_SMART_CHARGING_KEYS)
OCPP16_READONLY = {
    "ConnectorPhaseRotationMaxLength", "GetConfigurationMaxKeys",
    "MeterValuesAlignedDataMaxLength", "MeterValuesSampledDataMaxLength", "NumberOfConnectors",
    "StopTxnAlignedDataMaxLength", "StopTxnSampledDataMaxLength", "SupportedFeatureProfiles",
    "SupportedFeatureProfilesMaxLength", "LocalAuthListMaxLength", "SendLocalListMaxLength",
    "ReserveConnectorZeroSupported", "ChargeProfileMaxStackLevel",
    "ChargingScheduleAllowedChargingRateUnit", "ChargingScheduleMaxPeriods",
    "ConnectorSwitch3to1PhaseSupported", "MaxChargingProfilesInstalled",
}

A = ConfigurationStatus.accepted
REJECTED = ConfigurationStatus.rejected


@pytest.fixture
def store() -> ConfigurationStore:
    return ConfigurationStore("PW-0001")


# --- eis 57: the catalogue ------------------------------------------------------------------


def test_eis57_every_standard_key_present(store: ConfigurationStore) -> None:
    assert len(OCPP16_KEYS) == 43
    assert sorted(spec.name for spec in STANDARD_KEYS) == sorted(OCPP16_KEYS)
    known, unknown = store.get(OCPP16_KEYS)
    assert unknown == []
    assert [spec.name for spec, _ in known] == OCPP16_KEYS


def test_eis57_feature_profiles_of_keys() -> None:
    profiles = {spec.name: spec.profile for spec in STANDARD_KEYS}
    assert {profiles[k] for k in OCPP16_CORE_KEYS} == {"Core"}
    assert {profiles[k] for k in OCPP16_LOCAL_AUTH_LIST_KEYS} == {"LocalAuthListManagement"}
    assert {profiles[k] for k in OCPP16_RESERVATION_KEYS} == {"Reservation"}
    assert {profiles[k] for k in OCPP16_SMART_CHARGING_KEYS} == {"SmartCharging"}
    assert {spec.profile for spec in VENDOR_KEYS} == {"Vendor"}


def test_eis57_readonly_keys_follow_ocpp() -> None:
    readonly = {spec.name for spec in STANDARD_KEYS if spec.readonly}
    assert readonly == OCPP16_READONLY


def test_eis57_full_get_configuration_fits_max_keys(store: ConfigurationStore) -> None:
    known, unknown = store.get()
    assert unknown == []
    assert [spec.name for spec, _ in known] == [s.name for s in STANDARD_KEYS + VENDOR_KEYS]
    assert store.int_value("GetConfigurationMaxKeys") >= len(known)
    # Asking for every key by name is allowed too.
    known_by_name, _ = store.get([spec.name for spec, _ in known])
    assert len(known_by_name) == len(known)


def test_eis57_every_default_is_valid_and_changeable_to_itself(store: ConfigurationStore) -> None:
    for spec, value in store.get()[0]:
        assert store.explain(spec.name, value) == (
            f"{spec.name} is read-only" if spec.readonly else None
        )


def test_vendor_keys_and_defaults(store: ConfigurationStore) -> None:
    assert [spec.name for spec in VENDOR_KEYS] == [
        "GridConnectionMaxCurrent", "PeakLimit", "PeakLimitOverrule", "PoleId"]
    assert store.int_value("GridConnectionMaxCurrent") == 30
    assert store.int_value("PeakLimit") == 7
    assert store.int_value("PeakLimitOverrule") == 25
    assert store.value("PoleId") == "PW-0001"


# --- defaults from SPEC "Decisions" ---------------------------------------------------------


def test_eis45_connection_timeout_defaults_to_120(store: ConfigurationStore) -> None:
    assert store.int_value("ConnectionTimeOut") == 120
    assert store.change("ConnectionTimeOut", "60") is A
    assert store.int_value("ConnectionTimeOut") == 60


def test_eis50_offline_defaults(store: ConfigurationStore) -> None:
    assert store.bool_value("LocalAuthorizeOffline") is True
    assert store.bool_value("AllowOfflineTxForUnknownId") is True
    assert store.bool_value("AuthorizeRemoteTxRequests") is False
    assert store.bool_value("LocalPreAuthorize") is False
    # eis 50: configurable per OCPP 1.6.
    assert store.change("AllowOfflineTxForUnknownId", "FALSE") is A
    assert store.value("AllowOfflineTxForUnknownId") == "false"


def test_eis55_stop_on_invalid_id_false(store: ConfigurationStore) -> None:
    assert store.bool_value("StopTransactionOnInvalidId") is False
    assert store.int_value("MaxEnergyOnInvalidId") == 0


def test_eis56_meter_value_defaults(store: ConfigurationStore) -> None:
    assert store.int_value("MeterValueSampleInterval") == 900
    assert store.int_value("ClockAlignedDataInterval") == 900
    assert store.int_value("HeartbeatInterval") == 900
    assert store.value("MeterValuesSampledData") == (
        "Energy.Active.Import.Register,Current.Import,Voltage")
    assert store.measurands("MeterValuesSampledData") == [
        (Measurand.energy_active_import_register, None),
        (Measurand.current_import, None),
        (Measurand.voltage, None),
    ]
    assert store.change("MeterValueSampleInterval", "300") is A
    assert store.change("ClockAlignedDataInterval", "0") is A


def test_eis58_every_measurand_can_be_configured(store: ConfigurationStore) -> None:
    every = ",".join(m.value for m in Measurand)
    assert store.change("MeterValuesSampledData", every) is A
    assert store.list_value("MeterValuesSampledData") == [m.value for m in Measurand]


def test_eis56_measurand_with_phase_suffix(store: ConfigurationStore) -> None:
    value = "Energy.Active.Import.Register, Current.Import.L1,Voltage.L2-N"
    assert store.change("MeterValuesAlignedData", value) is A
    assert store.value("MeterValuesAlignedData") == (
        "Energy.Active.Import.Register,Current.Import.L1,Voltage.L2-N")
    assert store.measurands("MeterValuesAlignedData") == [
        (Measurand.energy_active_import_register, None),
        (Measurand.current_import, Phase.l1),
        (Measurand.voltage, Phase.l2_n),
    ]


def test_eis65_eis66_smart_charging_limits(store: ConfigurationStore) -> None:
    assert store.int_value("ChargeProfileMaxStackLevel") >= 5
    assert store.int_value("ChargingScheduleMaxPeriods") >= 20
    assert store.list_value("ChargingScheduleAllowedChargingRateUnit") == ["Current", "Power"]
    levels = store.int_value("ChargeProfileMaxStackLevel") + 1
    # ChargePointMaxProfile on 0, TxDefaultProfile on 0..2, TxProfile on 1..2.
    assert store.int_value("MaxChargingProfilesInstalled") >= levels * 6


def test_eis49_feature_profiles_without_reservation(store: ConfigurationStore) -> None:
    assert store.list_value("SupportedFeatureProfiles") == [
        "Core", "FirmwareManagement", "LocalAuthListManagement", "SmartCharging",
        "RemoteTrigger"]
    assert store.bool_value("ReserveConnectorZeroSupported") is False


def test_connector_dependent_defaults() -> None:
    values = default_values("PW-9", connectors=3)
    assert values["NumberOfConnectors"] == "3"
    assert values["ConnectorPhaseRotationMaxLength"] == "4"
    assert values["ConnectorPhaseRotation"] == "0.RST,1.RST,2.RST,3.RST"
    assert int(values["MaxChargingProfilesInstalled"]) >= 9 * 8
    assert ConfigurationStore("PW-9", connectors=3).int_value("NumberOfConnectors") == 3


@pytest.mark.parametrize("pole_id", ["", "PW 1", "x" * 21, "PW/1"])
def test_eis12_invalid_pole_id_refused_at_construction(pole_id: str) -> None:
    with pytest.raises(ValueError, match="pole id"):
        ConfigurationStore(pole_id)


def test_eis12_pole_id_writable_but_needs_reboot(store: ConfigurationStore) -> None:
    assert store.change("PoleId", "GLD-0042") is ConfigurationStatus.reboot_required
    assert store.value("PoleId") == "GLD-0042"
    assert store.change("PoleId", "") is REJECTED
    assert store.change("PoleId", "A" * 21) is REJECTED
    assert store.value("PoleId") == "GLD-0042"


# --- ChangeConfiguration ----------------------------------------------------------------------


def test_eis46_light_intensity_range(store: ConfigurationStore) -> None:
    assert store.int_value("LightIntensity") == 100
    assert store.change("LightIntensity", "0") is A
    assert store.change("LightIntensity", "35") is A
    assert store.int_value("LightIntensity") == 35
    for bad in ("101", "-1", "50.5", "half", ""):
        assert store.change("LightIntensity", bad) is REJECTED
    assert store.int_value("LightIntensity") == 35
    assert store.explain("LightIntensity", "101") == "LightIntensity: out of range 0..100: 101"


@pytest.mark.parametrize("key", sorted(OCPP16_READONLY))
def test_eis57_readonly_rejected(store: ConfigurationStore, key: str) -> None:
    before = store.value(key)
    assert store.change(key, before) is REJECTED
    assert store.value(key) == before
    assert store.explain(key, before) == f"{key} is read-only"


def test_unknown_key_not_supported(store: ConfigurationStore) -> None:
    assert store.change("NoSuchKey", "1") is ConfigurationStatus.not_supported
    assert store.explain("NoSuchKey", "1") == "unknown configuration key 'NoSuchKey'"
    assert "NoSuchKey" not in store.snapshot()


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("HeartbeatInterval", "15m", 'not an integer: "15m"'),
        ("HeartbeatInterval", "1e3", 'not an integer: "1e3"'),
        ("ConnectionTimeOut", "0", "out of range 1..3600: 0"),
        ("LocalAuthorizeOffline", "yes", 'not a boolean: "yes" (expected true or false)'),
        ("LocalAuthorizeOffline", "1", 'not a boolean: "1" (expected true or false)'),
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Foo", 'unknown measurand "Foo"'),
        ("MeterValuesSampledData", "Voltage.L4", 'unknown phase "L4" in "Voltage.L4"'),
        ("MeterValuesSampledData", "Voltage,Voltage", '"Voltage" is listed twice'),
        ("MeterValuesSampledData", "Voltage,,Frequency", "empty item in the list"),
        ("ConnectorPhaseRotation", "0.RST,3.RST", "no connector 3 (connectors are 0..2)"),
        ("ConnectorPhaseRotation", "1.RST,1.RTS", '"1.RTS" is listed twice'),
        ("GridConnectionMaxCurrent", "5", "out of range 6..63: 5"),
        ("PeakLimitOverrule", "64", "out of range 6..63: 64"),
        ("StopTxnSampledData", "x" * 501, "longer than 500 characters"),
    ],
)
def test_invalid_value_rejected_and_old_value_kept(
    store: ConfigurationStore, key: str, value: str, reason: str
) -> None:
    before = store.value(key)
    assert store.explain(key, value) == f"{key}: {reason}"
    assert store.change(key, value) is REJECTED
    assert store.value(key) == before


def test_measurand_list_longer_than_max_length_rejected(store: ConfigurationStore) -> None:
    limit = store.int_value("MeterValuesSampledDataMaxLength")
    # The shortest distinct items, so the list stays within the 500-character value limit.
    candidates = [m.value for m in Measurand] + [f"{m.value}.{p.value}" for m in Measurand
                                                 for p in Phase]
    items = sorted(candidates, key=len)[: limit + 1]
    assert len(",".join(items)) <= 500
    assert store.change("MeterValuesSampledData", ",".join(items[:limit])) is A
    assert store.change("MeterValuesSampledData", ",".join(items)) is REJECTED
    assert store.explain("MeterValuesSampledData", ",".join(items)) == (
        f"MeterValuesSampledData: too many items: {limit + 1} (at most {limit})")
    assert len(store.list_value("MeterValuesSampledData")) == limit


def test_values_normalised(store: ConfigurationStore) -> None:
    assert store.change("AuthorizationCacheEnabled", "False") is A
    assert store.value("AuthorizationCacheEnabled") == "false"
    assert store.change("BlinkRepeat", "05") is A
    assert store.value("BlinkRepeat") == "5"
    assert store.change("StopTxnAlignedData", "") is A
    assert store.list_value("StopTxnAlignedData") == []
    assert store.change("ConnectorPhaseRotation", "0.RST, 1.RTS, 2.Unknown") is A
    assert store.value("ConnectorPhaseRotation") == "0.RST,1.RTS,2.Unknown"


def test_keys_match_ignoring_case(store: ConfigurationStore) -> None:
    assert store.change("lightintensity", "20") is A
    assert store.int_value("LightIntensity") == 20
    known, unknown = store.get(["LIGHTINTENSITY"])
    assert [(spec.name, value) for spec, value in known] == [("LightIntensity", "20")]
    assert unknown == []


def test_typed_reads_refuse_wrong_kind(store: ConfigurationStore) -> None:
    with pytest.raises(TypeError):
        store.int_value("LocalPreAuthorize")
    with pytest.raises(TypeError):
        store.bool_value("HeartbeatInterval")
    with pytest.raises(TypeError):
        store.list_value("HeartbeatInterval")
    with pytest.raises(KeyError):
        store.value("NoSuchKey")


# --- GetConfiguration -------------------------------------------------------------------------


def test_get_configuration_with_unknown_keys(store: ConfigurationStore) -> None:
    known, unknown = store.get(["HeartbeatInterval", "Foo", "PoleId", "Bar", "Foo",
                                "HeartbeatInterval"])
    assert [(spec.name, value) for spec, value in known] == [
        ("HeartbeatInterval", "900"), ("PoleId", "PW-0001")]
    assert unknown == ["Foo", "Bar"]
    assert store.get([]) == store.get(None)


def test_get_configuration_over_max_keys_raises(store: ConfigurationStore) -> None:
    limit = store.int_value("GetConfigurationMaxKeys")
    store.get(["HeartbeatInterval"] * limit)
    with pytest.raises(TooManyKeysError) as caught:
        store.get(["HeartbeatInterval"] * (limit + 1))
    assert (caught.value.requested, caught.value.limit) == (limit + 1, limit)


def test_get_reports_kind_and_readonly(store: ConfigurationStore) -> None:
    known, _ = store.get(["NumberOfConnectors", "MeterValuesSampledData"])
    (count, count_value), (sampled, _) = known
    assert count.readonly and count.kind is ValueKind.INT and count_value == "2"
    assert not sampled.readonly and sampled.kind is ValueKind.MEASURAND_CSL
    assert sampled.max_length_key == "MeterValuesSampledDataMaxLength"


# --- subscribe --------------------------------------------------------------------------------


def test_subscribe_notified_once_per_accepted_change(store: ConfigurationStore) -> None:
    seen: list[tuple[str, str]] = []
    unsubscribe = store.subscribe(lambda key, value: seen.append((key, value)))
    assert store.change("lightintensity", "40") is A
    assert store.change("LightIntensity", "400") is REJECTED
    assert store.change("NumberOfConnectors", "3") is REJECTED
    assert store.change("Nope", "1") is ConfigurationStatus.not_supported
    assert store.change("LocalPreAuthorize", "TRUE") is A
    assert store.change("PoleId", "PW-0002") is ConfigurationStatus.reboot_required
    assert seen == [("LightIntensity", "40"), ("LocalPreAuthorize", "true"),
                    ("PoleId", "PW-0002")]
    unsubscribe()
    unsubscribe()  # harmless twice
    assert store.change("LightIntensity", "50") is A
    assert len(seen) == 3


def test_failing_subscriber_does_not_block_others(
    store: ConfigurationStore, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    def broken(key: str, value: str) -> None:
        raise RuntimeError("boom")

    store.subscribe(broken)
    store.subscribe(lambda key, value: seen.append(value))
    with caplog.at_level(logging.ERROR):
        assert store.change("LightIntensity", "10") is A
    assert seen == ["10"]
    assert store.int_value("LightIntensity") == 10
    assert "subscriber failed" in caplog.text


# --- snapshot / restore -----------------------------------------------------------------------


def test_snapshot_restore_round_trip(store: ConfigurationStore) -> None:
    store.change("LightIntensity", "30")
    store.change("PoleId", "GLD-0042")
    store.change("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import")
    snapshot = store.snapshot()
    restored = ConfigurationStore.from_snapshot(snapshot, "PW-0001")
    assert restored.snapshot() == snapshot
    assert restored.value("PoleId") == "GLD-0042"
    snapshot["LightIntensity"] = "99"
    assert store.int_value("LightIntensity") == 30  # the snapshot is a copy


def test_restore_ignores_unknown_and_readonly_and_replaces_invalid(
    caplog: pytest.LogCaptureFixture,
) -> None:
    snapshot = {
        "LightIntensity": "250",
        "HeartbeatInterval": "600",
        "SomeRetiredKey": "1",
        "ChargingScheduleMaxPeriods": "5",
        "NumberOfConnectors": "7",
        "PoleId": "",
    }
    with caplog.at_level(logging.WARNING):
        restored = ConfigurationStore.from_snapshot(snapshot, "PW-0003")
    assert restored.int_value("LightIntensity") == 100
    assert restored.int_value("HeartbeatInterval") == 600
    assert restored.int_value("ChargingScheduleMaxPeriods") == 48
    assert restored.int_value("NumberOfConnectors") == 2
    assert restored.value("PoleId") == "PW-0003"
    assert "SomeRetiredKey" not in restored.snapshot()
    assert "LightIntensity" in caplog.text and "PoleId" in caplog.text


# --- factory overrides ------------------------------------------------------------------------


def test_overrides_set_readonly_keys_and_are_checked() -> None:
    store = ConfigurationStore("PW-1", overrides={"ChargingScheduleMaxPeriods": "24",
                                                  "LightIntensity": "60"})
    assert store.int_value("ChargingScheduleMaxPeriods") == 24
    assert store.int_value("LightIntensity") == 60
    with pytest.raises(ValueError, match="unknown"):
        ConfigurationStore("PW-1", overrides={"Nope": "1"})
    with pytest.raises(ValueError, match="LightIntensity"):
        ConfigurationStore("PW-1", overrides={"LightIntensity": "101"})
    with pytest.raises(ValueError, match="connectors"):
        ConfigurationStore("PW-1", overrides={"NumberOfConnectors": "3"})
    with pytest.raises(ValueError, match="MeterValuesSampledData"):
        ConfigurationStore("PW-1", overrides={"MeterValuesSampledDataMaxLength": "2"})
