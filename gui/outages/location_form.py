"""A pole's location as typed in the Location dialog, checked before it is sent (Qt-free).

The service checks again (it is the one that stores), but a typo found here is said at
once, next to the field, in the same words: the coordinates' sanity check is the one
`pole_link.service_outages.coordinates_problem` that the service uses too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pole_link.service_outages import LocationRecord, coordinates_problem

FIELDS = ("address", "postcode", "city", "latitude", "longitude", "grid_operator",
          "area_code")
CONTEXT = "LocationForm"
Translate = Callable[[str, str], str]


class FormError(ValueError):
    """What is wrong with the form, in words."""


def _degrees(name: str, text: str, translate: Translate) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise FormError(translate(
            "LocationForm", "%1 must be a number of degrees, e.g. 52.2551").replace(
            "%1", name)) from None


def location_from_form(pole_id: str, texts: Mapping[str, str], translate: Translate
                       ) -> LocationRecord:
    """The location the form describes, or `FormError` saying what to correct."""
    latitude = _degrees(translate("LocationForm", "Latitude"), texts.get("latitude", ""),
                        translate)
    longitude = _degrees(translate("LocationForm", "Longitude"), texts.get("longitude", ""),
                         translate)
    problem = coordinates_problem(latitude, longitude)
    if problem is not None:
        raise FormError(problem)

    def text(name: str) -> str | None:
        return " ".join(texts.get(name, "").split()) or None

    return LocationRecord(pole_id, text("address"), text("postcode"), text("city"),
                          latitude, longitude, text("grid_operator"), text("area_code"))


def form_texts(location: LocationRecord) -> dict[str, str]:
    """The form's fields for a stored location (empty for what is unknown)."""
    values = location.body()
    return {name: "" if values[name] is None else str(values[name]) for name in FIELDS}
