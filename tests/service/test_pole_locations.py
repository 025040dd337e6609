"""Pole locations as operators type them (issue 19): bad input said in words, good kept."""

from __future__ import annotations

import pytest

from service.outages.locations import LocationError, check_location, parse_csv


def test_a_location_is_tidied_and_its_operator_spelled_the_board_s_way() -> None:
    location = check_location("PW-1", {"address": "  Kerkstraat   1", "postcode": "7411ab",
                                        "latitude": "52,2551", "longitude": 6.1639,
                                        "grid_operator": "ENEXIS", "area_code": "ZW-12"})
    assert (location.address, location.postcode, location.latitude, location.grid_operator,
            location.area) == ("Kerkstraat 1", "7411 AB", 52.2551, "Enexis", "Enexis/ZW-12")


@pytest.mark.parametrize(("fields", "words"), [
    ({"latitude": 6.16, "longitude": 52.25}, "look swapped"),
    ({"latitude": 48.85, "longitude": 2.35}, "latitude 48.85 is outside the Netherlands"),
    ({"latitude": 52.0, "longitude": 9.0}, "longitude 9.0 is outside the Netherlands"),
    ({"latitude": 52.0}, "give both latitude and longitude"),
    ({"latitude": True, "longitude": 6.0}, "must be a number of degrees"),
    ({"latitude": float("nan"), "longitude": 6.0}, "outside the Netherlands"),
    ({"address": "x" * 201}, "at most 200 fit"),
    ({"street": "Kerkstraat"}, "unknown field street"),
])
def test_a_bad_location_is_refused_in_words(fields: dict[str, object], words: str) -> None:
    with pytest.raises(LocationError, match=words):
        check_location("PW-1", fields)


def test_a_csv_keeps_good_rows_names_bad_ones_by_row_and_lets_a_later_row_win() -> None:
    parsed = parse_csv("\ufeffpole_id,address,latitude,longitude,colour\n"
                       "PW-1,Kerkstraat 1,52.25,6.16,red\n"
                       ",,,\n"
                       "PW-2,Brink 2,52.25,east,\n"
                       "PW-1,Kerkstraat 1a,52.26,6.16,\n")
    assert [(loc.pole_id, loc.address) for loc in parsed.locations] == [
        ("PW-1", "Kerkstraat 1a")]
    assert parsed.errors == [
        "row 1: column colour is not a location field and was ignored",
        "row 4 (PW-2): longitude 'east' is not a number of degrees (e.g. 52.2551)",
        "row 5 (PW-1): the pole is also on row 2; the later row counts"]


def test_a_csv_without_a_pole_id_column_or_empty_says_what_is_expected() -> None:
    assert "no pole_id column" in parse_csv("paal,adres\nPW-1,x\n").errors[0]
    assert "the file is empty" in parse_csv("  \n").errors[0]
