"""Which third-party libraries the app ships with, at which version, under which licence.

The About dialog owes every library's licence to the user (LGPL for Qt among them), and
a hand-kept list goes stale with the first upgrade. So the list is derived at run time:
the project's runtime dependencies (``[project] dependencies`` in pyproject.toml; in an
installed app, the same list as the `paalwerk` distribution's ``Requires-Dist``), walked
through the installed distributions' own requirements, with each requirement's markers
and extras honoured so that test tools and other platforms' packages stay out. Kept
free of Qt so the walk and the licence rules are tested as plain Python.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

from gui.help.markers import MarkerError, marker_holds, normalise_name

APP_DISTRIBUTION = "paalwerk"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
"""Present in a source checkout (and an editable install), absent from a wheel install."""

LICENCE_TEXT_MAX = 80
"""A ``License`` field longer than this (or on several lines) is the licence's full text,
not its name: the classifiers then name it."""

_REQUIREMENT = re.compile(r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?")


class Metadata(Protocol):
    """The part of a distribution's core metadata read here (`importlib.metadata`'s)."""

    def __contains__(self, name: str) -> bool: ...
    def __getitem__(self, name: str) -> str: ...
    def get_all(self, name: str) -> list[str] | None: ...


class Distribution(Protocol):
    """An installed distribution as `importlib.metadata` describes it."""

    @property
    def metadata(self) -> Metadata: ...
    @property
    def version(self) -> str: ...
    @property
    def requires(self) -> list[str] | None: ...


@dataclass(frozen=True)
class Requirement:
    """One ``Requires-Dist`` line: a name, the extras asked of it, when it applies."""

    name: str
    extras: frozenset[str]
    marker: str

    @classmethod
    def parse(cls, line: str) -> Requirement:
        match = _REQUIREMENT.match(line)
        if match is None:
            raise ValueError(f"cannot read requirement {line!r}")
        extras = frozenset(normalise_name(extra.strip())
                           for extra in (match.group("extras") or "").split(",")
                           if extra.strip())
        _, _, marker = line.partition(";")
        return cls(match.group("name"), extras, marker.strip())

    def applies(self, extras: Iterable[str] = ()) -> bool:
        """True when its marker holds here for a parent asked with ``extras``; a marker
        that cannot be read counts as holding (the library is then listed if installed:
        better one licence too many than one missing)."""
        if not self.marker:
            return True
        try:
            return marker_holds(self.marker, frozenset(extras))
        except MarkerError:
            return True


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str | None
    """None when the package's metadata does not name one: the dialog says "see package"."""


def licence_name(meta: Metadata) -> str | None:
    """The licence a distribution declares: ``License-Expression`` (SPDX, metadata 2.4),
    else a short ``License`` field, else its ``License ::`` classifiers; None if none."""
    expression = meta["License-Expression"].strip() if "License-Expression" in meta else ""
    if expression:
        return expression
    text = meta["License"].strip() if "License" in meta else ""
    if text and text.upper() != "UNKNOWN" and "\n" not in text and len(text) <= LICENCE_TEXT_MAX:
        return text
    names = []
    for classifier in meta.get_all("Classifier") or []:
        parts = [part.strip() for part in classifier.split("::")]
        if parts[0] == "License" and len(parts) > 1 and parts[-1] != "OSI Approved":
            names.append(parts[-1])
    return ", ".join(dict.fromkeys(names)) or None


def app_version(distribution: str = APP_DISTRIBUTION, path: Path = PYPROJECT) -> str | None:
    """The installed app's version (a bundle carries the same metadata); from a checkout
    that is not installed, pyproject.toml's; None when neither is there."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pass
    version = (_own_project(path) or {}).get("version")
    return str(version) if version else None


def _own_project(path: Path) -> dict[str, object] | None:
    """The ``[project]`` table of the app's pyproject.toml; None when there is none (an
    installed wheel, a bundle) or it is another project's."""
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if normalise_name(str(project.get("name", ""))) != APP_DISTRIBUTION:
        return None
    return dict(project)


def pyproject_dependencies(path: Path = PYPROJECT) -> list[str] | None:
    """``[project] dependencies`` of the app's pyproject.toml; None when there is none
    (an installed wheel) or it is another project's."""
    project = _own_project(path)
    if project is None:
        return None
    dependencies = project.get("dependencies", [])
    return [str(line) for line in dependencies] if isinstance(dependencies, list) else []


def runtime_requirements(path: Path = PYPROJECT,
                         distribution: str = APP_DISTRIBUTION) -> list[Requirement]:
    """The app's own runtime requirements: pyproject.toml's where the source is at hand,
    else the installed distribution's ``Requires-Dist`` without its extras (dev tools)."""
    lines = pyproject_dependencies(path)
    if lines is None:
        try:
            lines = metadata.requires(distribution) or []
        except metadata.PackageNotFoundError:
            lines = []
    return [requirement for requirement in map(Requirement.parse, lines)
            if requirement.applies()]


def installed_distributions() -> dict[str, Distribution]:
    """Every installed distribution by normalised name; the first on the path wins, as
    it does for imports."""
    found: dict[str, Distribution] = {}
    for distribution in metadata.distributions():
        meta = distribution.metadata
        if "Name" in meta:
            found.setdefault(normalise_name(meta["Name"]), distribution)
    return found


def bundled_libraries(requirements: Iterable[Requirement] | None = None,
                      installed: Mapping[str, Distribution] | None = None) -> list[Library]:
    """The installed libraries the requirements pull in, transitively, sorted by name.

    A library required with extras (``psycopg[binary]``) brings the requirements those
    extras add; one that is not installed (another platform's, say) is left out.
    """
    index = installed_distributions() if installed is None else installed
    queue = list(runtime_requirements() if requirements is None else requirements)
    walked: dict[str, frozenset[str]] = {}
    while queue:
        requirement = queue.pop()
        key = normalise_name(requirement.name)
        distribution = index.get(key)
        if distribution is None or key == APP_DISTRIBUTION:
            continue
        before = walked.get(key)
        extras = (before or frozenset()) | requirement.extras
        if before is not None and extras == before:
            continue  # already walked with these extras
        walked[key] = extras
        queue += [child for child in map(Requirement.parse, distribution.requires or [])
                  if child.applies(extras)]
    libraries = []
    for key in walked:
        meta = index[key].metadata
        libraries.append(Library(meta["Name"], index[key].version, licence_name(meta)))
    return sorted(libraries, key=lambda library: library.name.casefold())
