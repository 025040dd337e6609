"""The virtual pole's configuration store: OCPP 1.6 GetConfiguration/ChangeConfiguration semantics.

The pole, its OCPP handlers, the local service port and the GUI all read and write the pole's
configuration through one `ConfigurationStore`, so a value the back office changes (say
LightIntensity, eis 46) is the value the LEDs use, at once: the pole `subscribe`s and reacts.
The catalogue of keys and the rules for each value live in `configuration_keys`; this module
keeps the current values, applies OCPP's answers (Accepted, Rejected, RebootRequired,
NotSupported) and persists them through `snapshot`/`from_snapshot`.

Two rules carry the weight: an invalid value is never stored (so whatever the store holds can
be used without checks), and a read-only key cannot be changed over OCPP — only a pole's
factory settings (`overrides`) set those.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence

from ocpp.v16.enums import ConfigurationStatus, Measurand, Phase

from pole_link.sim.configuration_keys import (
    ALL_KEYS,
    LIST_KINDS,
    STANDARD_KEYS,
    VENDOR_KEYS,
    InvalidValueError,
    KeySpec,
    ValueKind,
    check_pole_id,
    find_key,
    normalise,
    parse_measurand,
    split_list,
)

__all__ = [
    "STANDARD_KEYS",
    "VENDOR_KEYS",
    "ConfigurationStore",
    "KeySpec",
    "TooManyKeysError",
    "ValueKind",
    "default_values",
    "find_key",
]

log = logging.getLogger(__name__)

_PROFILE_PURPOSES_PER_CONNECTOR = 2
"""TxDefaultProfile and TxProfile on every socket (plus both purposes' share of connector 0)."""

_MAX_CONNECTORS = 99
"""ConnectorPhaseRotationMaxLength (connectors + 1) is bounded to 100."""

ChangeCallback = Callable[[str, str], None]


class TooManyKeysError(ValueError):
    """A GetConfiguration asked for more keys than GetConfigurationMaxKeys allows.

    OCPP 1.6 names the limit but not the answer; the pole answers such a request with a
    CALLERROR ``OccurenceConstraintViolation`` (the key array's length breaks the limit) rather
    than silently answering part of it, so the central system learns it must split the request.
    """

    def __init__(self, requested: int, limit: int) -> None:
        self.requested = requested
        self.limit = limit
        super().__init__(f"{requested} keys requested, GetConfigurationMaxKeys is {limit}")


def default_values(pole_id: str, *, connectors: int = 2) -> dict[str, str]:
    """Every key's factory value for a pole called `pole_id` with `connectors` sockets.

    Raises ValueError for an unusable pole id or connector count.
    """
    if not 1 <= connectors <= _MAX_CONNECTORS:
        raise ValueError(f"connectors must be 1..{_MAX_CONNECTORS}, not {connectors}")
    try:
        check_pole_id(pole_id)
    except InvalidValueError as error:
        raise ValueError(f"pole id {pole_id!r}: {error}") from None
    values = {spec.name: spec.default for spec in ALL_KEYS}
    values["PoleId"] = pole_id
    values["NumberOfConnectors"] = str(connectors)
    values["ConnectorPhaseRotationMaxLength"] = str(connectors + 1)
    values["ConnectorPhaseRotation"] = ",".join(f"{c}.RST" for c in range(connectors + 1))
    # Room for every stack level of ChargePointMaxProfile (connector 0) and of TxDefaultProfile
    # and TxProfile on each connector (TxDefaultProfile also on connector 0).
    levels = int(values["ChargeProfileMaxStackLevel"]) + 1
    needed = levels * (1 + 1 + _PROFILE_PURPOSES_PER_CONNECTOR * connectors)
    values["MaxChargingProfilesInstalled"] = str(
        max(int(values["MaxChargingProfilesInstalled"]), needed)
    )
    return values


class ConfigurationStore:
    """The current configuration of one pole, changed only by valid values.

    `overrides` are factory settings (a pole model with, say, fewer stack levels): they may set
    read-only keys, and an unknown key or invalid value in them raises ValueError, since they
    come from code, not from the wire. PoleId and NumberOfConnectors come from `pole_id` and
    `connectors` only.

    Thread-safe: the pole's event loop and a GUI thread may use one store.
    """

    def __init__(
        self,
        pole_id: str,
        *,
        connectors: int = 2,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self._connectors = connectors
        self._values = default_values(pole_id, connectors=connectors)
        self._subscribers: list[ChangeCallback] = []
        self._lock = threading.Lock()
        if overrides:
            self._apply_overrides(overrides)

    @classmethod
    def from_snapshot(
        cls,
        snapshot: Mapping[str, str],
        pole_id: str,
        *,
        connectors: int = 2,
        overrides: Mapping[str, str] | None = None,
    ) -> ConfigurationStore:
        """Restore a store persisted with `snapshot`.

        `pole_id`, `connectors` and `overrides` describe the pole as it is now; the snapshot
        then restores every writable key (so a PoleId set at commissioning wins over `pole_id`).
        Read-only keys in the snapshot are ignored — they describe the firmware and hardware,
        which may have changed since — and so are unknown keys (e.g. dropped by an upgrade).
        An invalid value keeps the default, with a warning logged.
        """
        store = cls(pole_id, connectors=connectors, overrides=overrides)
        for name, value in snapshot.items():
            spec = find_key(name)
            if spec is None:
                log.info("configuration snapshot: ignoring unknown key %r", name)
                continue
            if spec.readonly:
                continue
            try:
                store._values[spec.name] = store._normalise(spec, value)
            except InvalidValueError as error:
                log.warning(
                    "configuration snapshot: %s=%r is invalid (%s); using the default %r",
                    spec.name, value, error, store._values[spec.name],
                )
        return store

    @property
    def connectors(self) -> int:
        """The number of sockets (NumberOfConnectors)."""
        return self._connectors

    # --- OCPP ---------------------------------------------------------------------------------

    def get(self, keys: Sequence[str] | None = None) -> tuple[list[tuple[KeySpec, str]], list[str]]:
        """Answer a GetConfiguration: (known keys with their values, unknown key names).

        No keys (None or empty) means every key, standard then vendor. Requested keys are
        matched ignoring case (CiString50), answered in the order asked, each once. A request
        for more than GetConfigurationMaxKeys keys raises `TooManyKeysError`.
        """
        with self._lock:
            if not keys:
                return [(spec, self._values[spec.name]) for spec in ALL_KEYS], []
            limit = int(self._values["GetConfigurationMaxKeys"])
            if len(keys) > limit:
                raise TooManyKeysError(len(keys), limit)
            known: list[tuple[KeySpec, str]] = []
            unknown: list[str] = []
            seen: set[str] = set()
            for name in keys:
                spec = find_key(name)
                identity = spec.name if spec is not None else name
                if identity in seen:
                    continue
                seen.add(identity)
                if spec is None:
                    unknown.append(name)
                else:
                    known.append((spec, self._values[spec.name]))
            return known, unknown

    def change(self, key: str, value: str) -> ConfigurationStatus:
        """Answer a ChangeConfiguration, storing `value` if it is acceptable.

        NotSupported for an unknown key; Rejected for a read-only key or an invalid value (the
        old value stays; `explain` says why); RebootRequired when the key only takes effect
        after a reboot (the value is stored all the same); else Accepted. Subscribers hear of
        every Accepted or RebootRequired change, even one that repeats the current value.
        """
        status, _reason, spec, stored = self._evaluate(key, value)
        if spec is None or stored is None:
            return status
        with self._lock:
            self._values[spec.name] = stored
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(spec.name, stored)
            except Exception:
                log.exception("configuration subscriber failed on %s=%r", spec.name, stored)
        return status

    def explain(self, key: str, value: str) -> str | None:
        """Why `change(key, value)` would not store the value, in words; None if it would."""
        return self._evaluate(key, value)[1]

    # --- typed reads for the pole ---------------------------------------------------------------

    def value(self, key: str) -> str:
        """The current value of `key` (any letter case); KeyError for an unknown key."""
        return self._values[self._spec(key).name]

    def int_value(self, key: str) -> int:
        """The current value of an integer key."""
        return int(self._typed(key, ValueKind.INT))

    def bool_value(self, key: str) -> bool:
        """The current value of a boolean key."""
        return self._typed(key, ValueKind.BOOL) == "true"

    def list_value(self, key: str) -> list[str]:
        """The items of a comma-separated-list key (empty list for an empty value)."""
        spec = self._spec(key)
        if spec.kind not in LIST_KINDS:
            raise TypeError(f"{spec.name} is not a list")
        return split_list(self._values[spec.name])

    def measurands(self, key: str) -> list[tuple[Measurand, Phase | None]]:
        """A measurand-list key as (measurand, phase) pairs; phase None means every phase."""
        self._typed(key, ValueKind.MEASURAND_CSL)
        return [parse_measurand(item) for item in self.list_value(key)]

    def subscribe(self, callback: ChangeCallback) -> Callable[[], None]:
        """Call `callback(key, new_value)` after every accepted change; returns an unsubscribe.

        Callbacks run on the changing thread, after the value is stored; one that raises is
        logged and does not stop the others or undo the change.
        """
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def snapshot(self) -> dict[str, str]:
        """Every key's current value, for persistence (restore with `from_snapshot`)."""
        with self._lock:
            return dict(self._values)

    # --- internals ------------------------------------------------------------------------------

    def _spec(self, key: str) -> KeySpec:
        spec = find_key(key)
        if spec is None:
            raise KeyError(key)
        return spec

    def _typed(self, key: str, kind: ValueKind) -> str:
        spec = self._spec(key)
        if spec.kind is not kind:
            raise TypeError(f"{spec.name} is {spec.kind.value}, not {kind.value}")
        return self._values[spec.name]

    def _normalise(self, spec: KeySpec, value: str) -> str:
        limit = spec.max_items
        if spec.max_length_key is not None:
            limit = int(self._values[spec.max_length_key])
        return normalise(spec, value, max_items=limit, connectors=self._connectors)

    def _evaluate(
        self, key: str, value: str
    ) -> tuple[ConfigurationStatus, str | None, KeySpec | None, str | None]:
        """(status, reason, spec, value to store) for a proposed change; stores nothing."""
        spec = find_key(key)
        if spec is None:
            reason = f"unknown configuration key {key!r}"
            return ConfigurationStatus.not_supported, reason, None, None
        if spec.readonly:
            return ConfigurationStatus.rejected, f"{spec.name} is read-only", spec, None
        try:
            stored = self._normalise(spec, value)
        except InvalidValueError as error:
            return ConfigurationStatus.rejected, f"{spec.name}: {error}", spec, None
        if spec.reboot_required:
            return ConfigurationStatus.reboot_required, None, spec, stored
        return ConfigurationStatus.accepted, None, spec, stored

    def _apply_overrides(self, overrides: Mapping[str, str]) -> None:
        specs: list[tuple[KeySpec, str]] = []
        for name, value in overrides.items():
            spec = find_key(name)
            if spec is None:
                raise ValueError(f"override of unknown configuration key {name!r}")
            if spec.name in ("PoleId", "NumberOfConnectors"):
                raise ValueError(f"{spec.name} is set by the pole_id/connectors arguments")
            specs.append((spec, value))
        # Read-only keys first: list limits (…MaxLength) bound the writable lists.
        specs.sort(key=lambda pair: not pair[0].readonly)
        for spec, value in specs:
            try:
                self._values[spec.name] = self._normalise(spec, value)
            except InvalidValueError as error:
                raise ValueError(f"override {spec.name}={value!r}: {error}") from None
        for spec in ALL_KEYS:  # a lowered limit may have made another value invalid
            try:
                self._normalise(spec, self._values[spec.name])
            except InvalidValueError as error:
                raise ValueError(f"{spec.name} invalid after overrides: {error}") from None
