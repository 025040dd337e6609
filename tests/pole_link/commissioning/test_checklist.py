"""Checklist files: the shipped tender list reads, operators add their own, and a broken
file is refused with the file and line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from pole_link.commissioning.checklist import (
    ChecklistError,
    available_checklists,
    find_checklist,
    load_checklist,
)
from pole_link.commissioning.record import StepKind

HEAD = "format: paalwerk-checklist/1\nname: mine\nversion: '1'\nsteps:\n"


def _file(tmp_path: Path, body: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def test_the_shipped_tender_checklist_has_every_kind_of_step() -> None:
    tender = find_checklist("tender", user_dir=Path("/nonexistent"))
    assert tender.name == "tender"
    assert {s.kind for s in tender.steps} == set(StepKind)
    assert tender.step("pole-id").input is not None
    assert tender.step("grid-connection").input.choices == ("3x25", "3x35")  # type: ignore[union-attr]
    assert tender.step("led-colours").items[-1] == "blinking red"


def test_an_operator_checklist_is_found_by_name_beside_the_shipped_ones(tmp_path: Path) -> None:
    _file(tmp_path, "  - {id: photo, kind: attachment, title: Photo, media_types: [image/png]}\n")
    assert set(available_checklists(tmp_path)) >= {"tender", "mine"}
    mine = find_checklist("mine", user_dir=tmp_path)
    assert mine.steps[0].media_types == ("image/png",)
    with pytest.raises(ChecklistError, match="no checklist 'theirs'"):
        find_checklist("theirs", user_dir=tmp_path)


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = _file(tmp_path, "  - id: a\n    kind: confirm\n    title: [unclosed\n")
    with pytest.raises(ChecklistError) as caught:
        load_checklist(path)
    assert str(caught.value).startswith(f"{path}:")
    assert "not valid YAML" in str(caught.value)
    line = int(str(caught.value).split(":")[1])
    assert line >= 7  # the broken step, not the file's head


def test_an_unknown_step_kind_names_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path, "  - id: a\n    kind: confirm\n    title: A\n"
                           "  - id: b\n    kind: dance\n    title: B\n")
    with pytest.raises(ChecklistError, match=rf"{path}:9: unknown step kind 'dance'"):
        load_checklist(path)


def test_an_unknown_check_and_an_unknown_parameter_are_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "  - {id: a, kind: automatic, title: A, check: telepathy}\n")
    with pytest.raises(ChecklistError, match=rf"{path}:5: unknown check 'telepathy'"):
        load_checklist(path)
    path = _file(tmp_path, "  - id: a\n    kind: automatic\n    title: A\n    check: clock\n"
                           "    params: {max_offset: 3}\n")
    with pytest.raises(ChecklistError, match=rf"{path}:9: check 'clock' has no parameter"):
        load_checklist(path)


def test_duplicate_step_ids_are_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "  - {id: a, kind: confirm, title: A}\n"
                           "  - {id: a, kind: confirm, title: Again}\n")
    with pytest.raises(ChecklistError, match=rf"{path}:6: step id 'a' is already used on line 5"):
        load_checklist(path)


def test_a_check_that_needs_the_technicians_value_must_ask_for_it(tmp_path: Path) -> None:
    path = _file(tmp_path, "  - {id: a, kind: automatic, title: A, check: pole_id}\n")
    with pytest.raises(ChecklistError, match="needs the technician's input"):
        load_checklist(path)


def test_a_json_checklist_reads_and_its_errors_name_the_line_too(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    path.write_text('{"format": "paalwerk-checklist/1", "name": "j", "version": "1",\n'
                    ' "steps": [\n  {"id": "m", "kind": "measure", "title": "M", "min": 5,\n'
                    '   "max": 1}]}\n', encoding="utf-8")
    with pytest.raises(ChecklistError, match=rf"{path}:3: min 5 is above max 1"):
        load_checklist(path)


def test_the_tender_checklist_reads_in_dutch_with_the_same_steps() -> None:
    tender = find_checklist("tender", user_dir=Path("/nonexistent"))
    dutch = tender.in_language("nl")
    assert dutch.title == "Inbedrijfstelling van een tenderpaal"
    assert [s.id for s in dutch.steps] == [s.id for s in tender.steps]
    assert (dutch.name, dutch.version) == (tender.name, tender.version)
    assert all(d.title != e.title for d, e in zip(dutch.steps, tender.steps, strict=True))
    assert dutch.step("led-colours").items[-1] == "rood knipperend"
    assert dutch.step("earth-resistance").instructions.endswith("aardlekschakelaar 30 mA).")
    pole_id = dutch.step("pole-id").input
    assert pole_id is not None and pole_id.prompt == "Paal-ID op de sticker"
    # The evidence label is the run's memory of the answer: never translated.
    assert pole_id.label == tender.step("pole-id").input.label  # type: ignore[union-attr]
    assert tender.in_language("fr") == tender


def test_a_translation_with_the_wrong_number_of_items_or_an_unknown_text_is_refused(
        tmp_path: Path) -> None:
    path = _file(tmp_path, "  - id: a\n    kind: confirm\n    title: A\n    items: [x, y]\n"
                           "    translations: {nl: {items: [x]}}\n")
    with pytest.raises(ChecklistError, match=rf"{path}:5: the nl translation has 1 items"):
        load_checklist(path)
    path = _file(tmp_path, "  - id: a\n    kind: confirm\n    title: A\n"
                           "    translations:\n      nl: {colour: groen}\n")
    with pytest.raises(ChecklistError, match=rf"{path}:9: a translation has no 'colour'"):
        load_checklist(path)
