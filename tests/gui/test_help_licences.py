"""The About dialog's library list, derived from the installed packages: the libraries the
app really ships, each with the licence its metadata names. No widgets."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest

from gui.help.licences import (
    PYPROJECT,
    Library,
    Requirement,
    app_version,
    bundled_libraries,
    licence_name,
    pyproject_dependencies,
    runtime_requirements,
)
from gui.help.markers import MarkerError, marker_holds, normalise_name

LINUX_311 = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11",
             "python_full_version": "3.11.9", "implementation_name": "cpython",
             "platform_python_implementation": "CPython", "os_name": "posix"}


@pytest.mark.parametrize(("marker", "extras", "holds"), [
    ('sys_platform == "linux"', (), True),
    ("sys_platform == 'win32'", (), False),
    ('python_version < "3.12"', (), True),
    ('python_version >= "3.12"', (), False),
    ('python_full_version < "3.11.10"', (), True),  # as versions, not as strings
    ('python_version ~= "3.10"', (), True),
    ('extra == "test"', (), False),
    ('extra == "Binary"', ("binary",), True),
    ('extra == "binary" and sys_platform == "win32"', ("binary",), False),
    ('platform_system != "Emscripten" and python_version < "3.11"', (), False),
    ('(sys_platform == "win32" or sys_platform == "linux") and python_version >= "3.8"', (),
     True),
    ("'linux' in sys_platform", (), True),
    ('"PyPy" not in platform_python_implementation', (), True),
])
def test_markers_decide_where_a_requirement_applies(marker: str, extras: tuple[str, ...],
                                                    holds: bool) -> None:
    assert marker_holds(marker, extras, LINUX_311) is holds


def test_a_marker_it_cannot_read_is_an_error_and_the_requirement_kept() -> None:
    with pytest.raises(MarkerError):
        marker_holds('weather == "sunny"', env=LINUX_311)
    assert Requirement.parse('sunshine; weather == "sunny"').applies()


def test_requirements_are_read_with_their_extras_and_markers() -> None:
    assert Requirement.parse("psycopg[binary]>=3.2") == Requirement(
        "psycopg", frozenset({"binary"}), "")
    assert Requirement.parse('pywin32-ctypes>=0.2.0; sys_platform == "win32"') == Requirement(
        "pywin32-ctypes", frozenset(), 'sys_platform == "win32"')
    assert Requirement.parse("bleak <4, >=3.1").name == "bleak"


def metadata(**fields: str | list[str]) -> Message:
    message = Message()
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            message[name.replace("_", "-")] = one
    return message


def test_the_licence_is_the_expression_else_a_short_licence_field_else_the_classifiers() -> None:
    mit = "License :: OSI Approved :: MIT License"
    assert licence_name(metadata(License_Expression="MIT", License="Whatever")) == "MIT"
    assert licence_name(metadata(License="LGPL-3.0-only OR GPL-3.0-only")) == \
        "LGPL-3.0-only OR GPL-3.0-only"
    assert licence_name(metadata(License="Copyright (c) 2010\n\nPermission is hereby...",
                                 Classifier=[mit])) == "MIT License"
    assert licence_name(metadata(License="UNKNOWN", Classifier=[
        "License :: OSI Approved", "License :: OSI Approved :: BSD License"])) == "BSD License"
    assert licence_name(metadata(Classifier=["Programming Language :: Python"])) is None
    assert licence_name(metadata()) is None


@dataclass
class FakeDistribution:
    name: str
    version: str = "1.0"
    requires: list[str] | None = None
    licence: str | None = None
    metadata: Message = field(init=False)

    def __post_init__(self) -> None:
        self.metadata = metadata(Name=self.name, **(
            {"License_Expression": self.licence} if self.licence else {}))


def test_the_walk_follows_extras_and_markers_and_skips_what_is_not_installed() -> None:
    installed = {d.name.lower(): d for d in [
        FakeDistribution("gui-lib", requires=["core-lib", 'win-only; sys_platform == "nope"',
                                              'test-tool; extra == "test"']),
        FakeDistribution("core-lib", licence="MIT"),
        FakeDistribution("db-lib", requires=['db-binary; extra == "binary"']),
        FakeDistribution("db-binary", licence="LGPL-3.0-only"),
        FakeDistribution("win-only"),
        FakeDistribution("test-tool"),
    ]}
    roots = [Requirement.parse("gui-lib"), Requirement.parse("db-lib[binary]"),
             Requirement.parse("not-installed")]
    found = bundled_libraries(roots, installed)  # type: ignore[arg-type]
    assert [library.name for library in found] == ["core-lib", "db-binary", "db-lib", "gui-lib"]
    assert found[0] == Library("core-lib", "1.0", "MIT")
    assert found[2].licence is None, "no licence in its metadata: the dialog says see package"


def test_the_runtime_requirements_are_pyproject_s_dependencies() -> None:
    lines = pyproject_dependencies()
    assert lines is not None and any(line.startswith("PySide6") for line in lines)
    names = {requirement.name for requirement in runtime_requirements()}
    assert {"PySide6-Essentials", "pyqtgraph", "numpy", "qasync"} <= names
    assert "pytest" not in names, "a dev extra, not shipped"


def test_an_installed_app_without_its_source_reads_its_own_metadata(tmp_path: Path) -> None:
    assert pyproject_dependencies(tmp_path / "pyproject.toml") is None
    from_metadata = {r.name.lower() for r in runtime_requirements(tmp_path / "pyproject.toml")}
    from_source = {r.name.lower() for r in runtime_requirements(PYPROJECT)}
    assert from_metadata == from_source


def test_the_installed_app_lists_qt_under_the_lgpl_and_pyqtgraph_under_mit() -> None:
    libraries = {normalise_name(library.name): library for library in bundled_libraries()}
    assert "LGPL" in str(libraries["pyside6-essentials"].licence)
    assert "LGPL" in str(libraries["shiboken6"].licence), "Qt's bindings come with it"
    assert libraries["pyqtgraph"].licence == "MIT"
    assert "psycopg-binary" in libraries, "pulled in by psycopg[binary]"
    assert not {"pytest", "mypy", "ruff", "hypothesis"} & set(libraries), "dev tools"
    assert "paalwerk" not in libraries
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert app_version() == project["version"]
