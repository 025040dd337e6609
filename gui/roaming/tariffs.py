"""The Tariffs tab's state without widgets (issue 21): the roaming tariffs the service
holds as rows in words, the one selected, and what an admin typed checked before it is
sent — prices with a decimal comma or point, each out-of-range price named in a sentence
(the same limits the service applies: `pole_link.service_tariffs`).

Amounts are shown with the decimal separator of the app's language (``decimal``: "," in
Dutch, "€ 0,35"), passed in by the view so this module stays Qt-free; typing takes
either separator whatever the language.

Qt-free like `gui.roaming.partners`; `gui.roaming.tariffs_view` only draws it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason
from pole_link.service_tariffs import PRICE_LIMITS, VAT_MAX, TariffRecord

ADMIN_ZONE = ZoneInfo("Europe/Amsterdam")

_FLEET = QT_TRANSLATE_NOOP("FleetRows", "every pole (fleet-wide)")
_POLE = QT_TRANSLATE_NOOP("FleetRows", "pole %1")
_NOT_A_NUMBER = QT_TRANSLATE_NOOP("FleetRows", "%1 is not a number: %2")
_OUT_OF_RANGE = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 must be between € 0.00 and € %2 excl. VAT; %3 is not (a decimal "
                 "point slipped?).")
_VAT_RANGE = QT_TRANSLATE_NOOP(
    "FleetRows", "VAT must be between 0 and %1 % (the Netherlands: 21 %); %2 is not.")
_NO_ID = QT_TRANSLATE_NOOP(
    "FleetRows", "Give the tariff a name: letters, digits, '-', '_' or '.', at most 36.")
_BAD_POLE = QT_TRANSLATE_NOOP(
    "FleetRows", "The pole ID has spaces or odd characters: %1")
_NAMES = {
    "perKwh": QT_TRANSLATE_NOOP("FleetRows", "The price per kWh"),
    "perHour": QT_TRANSLATE_NOOP("FleetRows", "The price per hour"),
    "flat": QT_TRANSLATE_NOOP("FleetRows", "The fee per session"),
    "vat": QT_TRANSLATE_NOOP("FleetRows", "VAT"),
}
_ID = re.compile(r"[A-Za-z0-9_.-]{1,36}")


@dataclass(frozen=True, slots=True)
class TariffRow:
    """One tariff as the table shows it."""

    name: str
    applies_to: Reason
    per_kwh: str
    per_hour: str
    flat: str
    vat: str
    updated: str


@dataclass(frozen=True, slots=True)
class TypedTariff:
    """What the admin typed in the form, as text."""

    name: str
    pole: str
    per_kwh: str
    per_hour: str
    flat: str
    vat: str


def amount(value: float, decimal: str = ".") -> str:
    """A price to two decimals with the language's separator, as typed in the form."""
    return f"{value:.2f}".replace(".", decimal)


def euros(value: float, decimal: str = ".") -> str:
    """``€ 0.35``; ``€ 0,35`` with ``decimal=","`` (Dutch)."""
    return f"€ {amount(value, decimal)}"


def figure(value: float, decimal: str = ".") -> str:
    """A number as short as it goes (VAT 21, 20.5; what was typed, 35)."""
    return f"{value:g}".replace(".", decimal)


def row_of(tariff: TariffRecord, zone: ZoneInfo = ADMIN_ZONE,
           decimal: str = ".") -> TariffRow:
    updated = (tariff.updated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
               if tariff.updated_at else "—")
    applies = Reason(_POLE, (tariff.location_id,)) if tariff.location_id else Reason(_FLEET)
    return TariffRow(tariff.id, applies, euros(tariff.per_kwh, decimal),
                     euros(tariff.per_hour, decimal), euros(tariff.flat, decimal),
                     "—" if tariff.vat is None else f"{figure(tariff.vat, decimal)} %",
                     updated)


def _number(text: str) -> float | None:
    """A price as typed: ``0,35``, ``0.35``, ``€ 0,35``; empty is 0; None: not a number."""
    cleaned = text.replace("€", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return 0.0
    try:
        return float(cleaned)
    except ValueError:
        return None


def checked(typed: TypedTariff, decimal: str = "."
            ) -> tuple[TariffRecord | None, list[Reason]]:
    """The tariff to send, or why not (every problem at once, each a sentence, its
    amounts with the ``decimal`` separator)."""
    problems: list[Reason] = []
    name = typed.name.strip()
    if not _ID.fullmatch(name):
        problems.append(Reason(_NO_ID))
    pole = typed.pole.strip()
    if pole and not re.fullmatch(r"[\x21-\x7e]{1,36}", pole):
        problems.append(Reason(_BAD_POLE, (pole,)))
    values: dict[str, float] = {}
    for key, text in (("perKwh", typed.per_kwh), ("perHour", typed.per_hour),
                      ("flat", typed.flat), ("vat", typed.vat)):
        value = _number(text)
        if value is None:
            problems.append(Reason(_NOT_A_NUMBER, (Reason(_NAMES[key]), text.strip())))
            continue
        values[key] = value
        if key == "vat":
            if not 0 <= value <= VAT_MAX:
                problems.append(Reason(_VAT_RANGE, (figure(VAT_MAX, decimal),
                                                    figure(value, decimal))))
        elif not 0 <= value <= PRICE_LIMITS[key][0]:
            problems.append(Reason(_OUT_OF_RANGE, (Reason(_NAMES[key]),
                                                   amount(PRICE_LIMITS[key][0], decimal),
                                                   figure(value, decimal))))
    if problems:
        return None, problems
    return TariffRecord(name, pole or None, flat=values["flat"], per_kwh=values["perKwh"],
                        per_hour=values["perHour"],
                        vat=values["vat"] if typed.vat.strip() else None), []


class TariffBook:
    """The tariffs read from the service and the one selected."""

    def __init__(self, zone: ZoneInfo = ADMIN_ZONE) -> None:
        self.zone = zone
        self.tariffs: list[TariffRecord] = []
        self.selected: str | None = None
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def show(self, tariffs: list[TariffRecord]) -> None:
        # Fleet-wide first, then per pole, each by name: how an admin looks them up.
        self.tariffs = sorted(tariffs, key=lambda item: (item.location_id is not None,
                                                         item.location_id or "", item.id))
        if self.selected not in {tariff.id for tariff in self.tariffs}:
            self.selected = None
        self._changed()

    def select(self, row: int | None) -> None:
        self.selected = (self.tariffs[row].id if row is not None
                         and 0 <= row < len(self.tariffs) else None)
        self._changed()

    @property
    def chosen(self) -> TariffRecord | None:
        return next((tariff for tariff in self.tariffs if tariff.id == self.selected), None)

    def rows(self, decimal: str = ".") -> list[TariffRow]:
        return [row_of(tariff, self.zone, decimal) for tariff in self.tariffs]

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
