"""The standard OCPP 1.6 actions a central system sends a charge point, on a virtual pole.

A mixin of ``@on`` handlers, so the very same handlers serve the pole's local
service port and (with the pole's OCPP side) its connection to the CSMS. Each
handler only translates between OCPP payloads and `VirtualPole` methods.
Reservations are deliberately absent (eis 49): routing answers ``NotSupported``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ocpp.charge_point import snake_to_camel_case
from ocpp.exceptions import (
    FormatViolationError,
    OccurenceConstraintViolationError,
    PropertyConstraintViolationError,
)
from ocpp.exceptions import NotImplementedError as OcppNotImplemented
from ocpp.v16 import call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityType,
    CertificateStatus,
    ClearCacheStatus,
    ConfigurationStatus,
    DeleteCertificateStatus,
    GetCompositeScheduleStatus,
    GetInstalledCertificateStatus,
    LogStatus,
    ResetStatus,
    ResetType,
    TriggerMessageStatus,
)

from pole_link.protocol.routing import after, on
from pole_link.sim.configuration import TooManyKeysError
from pole_link.sim.pole import VirtualPole
from pole_link.timeutil import parse_time


class PoleActions:
    """``@on`` handlers for every central-system → pole action but reservations."""

    pole: VirtualPole

    def connector_exists(self, connector_id: int, *, allow_zero: bool = True) -> None:
        low = 0 if allow_zero else 1
        if not low <= connector_id <= len(self.pole.sockets):
            raise PropertyConstraintViolationError(
                description=f"connector {connector_id} does not exist "
                            f"({low}–{len(self.pole.sockets)})",
                details={"cause": "connectorId out of range"})

    # ---------------------------------------------------------------- configuration
    @on(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None) -> call_result.GetConfiguration:
        # SecurityProfile and AuthorizationKey (write-only) live in `pole.security`.
        security, others = self.pole.security.entries(key)
        # ServiceTokenKeys (eis 69) lives in `pole.service_access`.
        if not key:
            access, _ = self.pole.service_access.entries(None)
        else:
            access, others = self.pole.service_access.entries(others) if others else ([], [])
        security += access
        try:
            known, unknown = self.pole.configuration.get(others) if others or not key \
                else ([], [])
        except TooManyKeysError as exc:
            raise OccurenceConstraintViolationError(
                description=str(exc), details={"cause": "too many keys"}) from None
        return call_result.GetConfiguration(
            configuration_key=[{"key": spec.name, "readonly": spec.readonly, "value": value}
                               for spec, value in known] + security,
            unknown_key=unknown or None,
        )

    @on(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str) -> call_result.ChangeConfiguration:
        if self.pole.security.handles(key):
            return call_result.ChangeConfiguration(status=self.pole.security.change(key, value))
        if self.pole.service_access.handles(key):
            return call_result.ChangeConfiguration(status=self.change_token_keys(value))
        return call_result.ChangeConfiguration(status=self.pole.configuration.change(key, value))

    def change_token_keys(self, value: str) -> ConfigurationStatus:
        """``ServiceTokenKeys``: the CSMS sets them over OCPP (the service port narrows this)."""
        return self.pole.service_access.change(value)

    # ---------------------------------------------------------------- availability & resets
    @on(Action.change_availability)
    def on_change_availability(self, connector_id: int, type: str
                               ) -> call_result.ChangeAvailability:
        self.connector_exists(connector_id)
        status = self.pole.change_availability(connector_id, AvailabilityType(type))
        return call_result.ChangeAvailability(status=status)

    @on(Action.clear_cache)
    def on_clear_cache(self) -> call_result.ClearCache:
        return call_result.ClearCache(status=ClearCacheStatus.accepted)

    @on(Action.reset)
    def on_reset(self, type: str) -> call_result.Reset:
        return call_result.Reset(status=ResetStatus.accepted)

    @after(Action.reset)
    def after_reset(self, type: str) -> None:
        """Reset after the answer is on the wire, as a real pole reboots after replying."""
        self.pole.reset(ResetType(type))
        self.pole_rebooted()

    def pole_rebooted(self) -> None:
        """A connection's own state to forget when the pole restarts."""

    # ---------------------------------------------------------------- transactions
    @on(Action.remote_start_transaction)
    def on_remote_start_transaction(
        self, id_tag: str, connector_id: int | None = None,
        charging_profile: dict[str, Any] | None = None,
    ) -> call_result.RemoteStartTransaction:
        if connector_id is not None:
            self.connector_exists(connector_id, allow_zero=False)
        status = self.pole.remote_start(connector_id, id_tag)
        return call_result.RemoteStartTransaction(status=status)

    @on(Action.remote_stop_transaction)
    def on_remote_stop_transaction(self, transaction_id: int
                                   ) -> call_result.RemoteStopTransaction:
        return call_result.RemoteStopTransaction(status=self.pole.remote_stop(transaction_id))

    @on(Action.unlock_connector)
    def on_unlock_connector(self, connector_id: int) -> call_result.UnlockConnector:
        self.connector_exists(connector_id, allow_zero=False)
        return call_result.UnlockConnector(status=self.pole.unlock(connector_id))

    # ---------------------------------------------------------------- local list
    @on(Action.get_local_list_version)
    def on_get_local_list_version(self) -> call_result.GetLocalListVersion:
        return call_result.GetLocalListVersion(list_version=self.pole.local_list_version)

    @on(Action.send_local_list)
    def on_send_local_list(
        self, list_version: int, update_type: str,
        local_authorization_list: list[dict[str, Any]] | None = None,
    ) -> call_result.SendLocalList:
        status = self.pole.send_local_list(list_version, update_type,
                                           local_authorization_list or [])
        return call_result.SendLocalList(status=status)

    # ---------------------------------------------------------------- smart charging
    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: dict[str, Any]
                                ) -> call_result.SetChargingProfile:
        self.connector_exists(connector_id)
        status = self.pole.set_charging_profile(connector_id,
                                                snake_to_camel_case(cs_charging_profiles))
        return call_result.SetChargingProfile(status=status)

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(
        self, id: int | None = None, connector_id: int | None = None,
        charging_profile_purpose: str | None = None, stack_level: int | None = None,
    ) -> call_result.ClearChargingProfile:
        status = self.pole.clear_charging_profiles(
            profile_id=id, connector_id=connector_id, purpose=charging_profile_purpose,
            stack_level=stack_level)
        return call_result.ClearChargingProfile(status=status)

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(
        self, connector_id: int, duration: int, charging_rate_unit: str | None = None
    ) -> call_result.GetCompositeSchedule:
        self.connector_exists(connector_id)
        schedule = self.pole.composite_schedule(connector_id, duration, charging_rate_unit)
        if schedule is None:
            return call_result.GetCompositeSchedule(status=GetCompositeScheduleStatus.rejected)
        start, body = schedule
        return call_result.GetCompositeSchedule(
            status=GetCompositeScheduleStatus.accepted, connector_id=connector_id,
            schedule_start=start, charging_schedule=body)

    # ---------------------------------------------------------------- firmware & diagnostics
    @on(Action.update_firmware)
    def on_update_firmware(self, location: str, retrieve_date: str,
                           retries: int | None = None, retry_interval: int | None = None
                           ) -> call_result.UpdateFirmware:
        """Accepted at once; the download follows at ``retrieve_date`` (`RemoteFiles`)."""
        when = self.valid_time(retrieve_date, "retrieveDate")
        self.pole.firmware_update_requested = (location, retrieve_date)
        self.pole.remote_files.update_firmware(location, when, retries, retry_interval)
        return call_result.UpdateFirmware()

    @on(Action.signed_update_firmware)
    def on_signed_update_firmware(self, request_id: int, firmware: dict[str, Any],
                                  retries: int | None = None,
                                  retry_interval: int | None = None
                                  ) -> call_result.SignedUpdateFirmware:
        """The security whitepaper's update (`pole_link.sim.signed_update`): the signing
        certificate is judged now, the rest once the answer is sent. A legacy pole
        (``security_extension`` off) does not know the action at all."""
        if not self.pole.security_extension:
            raise OcppNotImplemented(
                description="unknown action 'SignedUpdateFirmware'",
                details={"cause": "this pole has no OCPP 1.6 security extension"})
        retrieve = self.valid_time(firmware["retrieve_date_time"], "retrieveDateTime")
        install_at = firmware.get("install_date_time")
        install = self.valid_time(install_at, "installDateTime") if install_at else None
        status = self.pole.signed_updates.request(
            request_id, firmware["location"], retrieve, install,
            firmware["signing_certificate"], firmware["signature"], retries, retry_interval)
        return call_result.SignedUpdateFirmware(status=status)

    @after(Action.signed_update_firmware)
    def after_signed_update_firmware(self, request_id: int, **_: Any) -> None:
        self.pole.signed_updates.start(request_id)

    @on(Action.install_certificate)
    def on_install_certificate(self, certificate_type: str, certificate: str
                               ) -> call_result.InstallCertificate:
        """OCPP 1.6 security extension (`pole_link.sim.certificate_store`): a manufacturer
        root makes firmware it signed installable; a certificate that is not a CA is
        ``Rejected``, a full store ``Failed``."""
        status = self.pole.certificates.install(certificate_type, certificate)
        return call_result.InstallCertificate(status=CertificateStatus(status))

    def security_extension_only(self, action: str) -> None:
        """A legacy pole does not know the security whitepaper's actions at all."""
        if not self.pole.security_extension:
            raise OcppNotImplemented(
                description=f"unknown action {action!r}",
                details={"cause": "this pole has no OCPP 1.6 security extension"})

    @on(Action.get_installed_certificate_ids)
    def on_get_installed_certificate_ids(self, certificate_type: str
                                         ) -> call_result.GetInstalledCertificateIds:
        self.security_extension_only("GetInstalledCertificateIds")
        installed = self.pole.certificates.installed(certificate_type)
        if not installed:
            return call_result.GetInstalledCertificateIds(
                status=GetInstalledCertificateStatus.not_found)
        return call_result.GetInstalledCertificateIds(
            status=GetInstalledCertificateStatus.accepted, certificate_hash_data=installed)

    @on(Action.delete_certificate)
    def on_delete_certificate(self, certificate_hash_data: dict[str, Any]
                              ) -> call_result.DeleteCertificate:
        self.security_extension_only("DeleteCertificate")
        status = self.pole.certificates.delete(snake_to_camel_case(certificate_hash_data))
        return call_result.DeleteCertificate(status=DeleteCertificateStatus(status))

    @on(Action.get_log)
    def on_get_log(self, log: dict[str, Any], log_type: str, request_id: int,
                   retries: int | None = None, retry_interval: int | None = None
                   ) -> call_result.GetLog:
        """Names the file now and uploads it in the background (`pole_link.sim.pole_logs`)."""
        self.security_extension_only("GetLog")
        oldest_at, latest_at = log.get("oldest_timestamp"), log.get("latest_timestamp")
        oldest = self.valid_time(oldest_at, "oldestTimestamp") if oldest_at else None
        latest = self.valid_time(latest_at, "latestTimestamp") if latest_at else None
        status, name = self.pole.logs.request(request_id, log_type, log["remote_location"],
                                              oldest, latest, retries, retry_interval)
        return call_result.GetLog(status=LogStatus(status), filename=name)

    @after(Action.get_log)
    def after_get_log(self, request_id: int, **_: Any) -> None:
        self.pole.logs.start(request_id)

    @on(Action.get_diagnostics)
    def on_get_diagnostics(self, location: str, start_time: str | None = None,
                           stop_time: str | None = None, retries: int | None = None,
                           retry_interval: int | None = None) -> call_result.GetDiagnostics:
        """Names the file now and uploads it to ``location`` in the background."""
        start = self.valid_time(start_time, "startTime") if start_time else None
        stop = self.valid_time(stop_time, "stopTime") if stop_time else None
        name = self.pole.remote_files.get_diagnostics(location, start, stop, retries,
                                                      retry_interval)
        return call_result.GetDiagnostics(file_name=name)

    @staticmethod
    def valid_time(text: str, field: str) -> datetime:
        try:
            return parse_time(text)
        except ValueError as exc:
            raise FormatViolationError(description=f"{field}: {exc}",
                                       details={"cause": f"{field} is not ISO-8601"}) from None

    # ---------------------------------------------------------------- trigger
    @on(Action.trigger_message)
    def on_trigger_message(self, requested_message: str, connector_id: int | None = None
                           ) -> call_result.TriggerMessage:
        if connector_id is not None:
            self.connector_exists(connector_id)
        accepted = self.pole.trigger(requested_message, connector_id)
        return call_result.TriggerMessage(
            status=TriggerMessageStatus.accepted if accepted else TriggerMessageStatus.rejected)

