"""PEP 508 environment markers, evaluated for this interpreter, without `packaging`.

A package's ``Requires-Dist`` lines carry markers (``sys_platform == "win32"``,
``extra == "test"``, ``python_version < "3.11"``) that decide whether the requirement
applies here. `packaging` evaluates them, but it is only installed alongside the test
tools, not with the app; the About dialog must not list pytest as bundled because a
marker could not be read. So this is the small subset the markers on PyPI use: string
and version comparisons joined by ``and``/``or`` with parentheses.
"""

from __future__ import annotations

import os
import platform
import re
import sys
from collections.abc import Collection, Mapping

_TOKEN = re.compile(r"""\s*(?:(?P<string>'[^']*'|"[^"]*")|(?P<op>===|==|!=|<=|>=|~=|<|>)"""
                    r"""|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))""")
_VERSION = re.compile(r"\d+(?:\.\d+)*")
_VERSION_VARIABLES = frozenset({"python_version", "python_full_version",
                                "implementation_version", "platform_release"})


class MarkerError(ValueError):
    """A marker this evaluator cannot read."""


def environment() -> dict[str, str]:
    """The marker variables of the running interpreter (PEP 508, "Environment Markers")."""
    info = sys.implementation.version
    implementation_version = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        implementation_version += info.releaselevel[0] + str(info.serial)
    return {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "python_full_version": platform.python_version(),
        "implementation_name": sys.implementation.name,
        "implementation_version": implementation_version,
    }


def normalise_name(name: str) -> str:
    """PEP 503/685 form of a distribution or extra name: ``PySide6_Essentials`` →
    ``pyside6-essentials``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _tokens(marker: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(marker.rstrip()):
        match = _TOKEN.match(marker, position)
        if match is None or match.end() == position:
            raise MarkerError(f"cannot read marker {marker!r} at {position}")
        kind = match.lastgroup or ""
        text = match.group(kind)
        if kind == "word" and text == "not":
            following = _TOKEN.match(marker, match.end())
            if following is None or following.group("word") != "in":
                raise MarkerError(f"'not' without 'in' in {marker!r}")
            tokens.append(("op", "not in"))
            position = following.end()
            continue
        if kind == "word" and text == "in":
            kind = "op"
        tokens.append((kind, text))
        position = match.end()
    return tokens


def _version(text: str) -> tuple[int, ...] | None:
    match = _VERSION.match(text)
    return None if match is None else tuple(int(part) for part in match.group().split("."))


def _compare_versions(left: tuple[int, ...], op: str, right: tuple[int, ...]) -> bool:
    size = max(len(left), len(right))
    a, b = left + (0,) * (size - len(left)), right + (0,) * (size - len(right))
    if op == "~=":
        return a >= b and left[:len(right) - 1] == right[:-1]
    return {"==": a == b, "===": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
            ">": a > b, ">=": a >= b}[op]


def _compare(variable: str, left: str, op: str, right: str) -> bool:
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    if variable in _VERSION_VARIABLES:
        mine, theirs = _version(left), _version(right)
        if mine is not None and theirs is not None:
            return _compare_versions(mine, op, theirs)
    if op in ("==", "==="):
        return left == right
    if op == "!=":
        return left != right
    return False  # an ordering of two strings that are not versions: PEP 508 leaves it open


class _Parser:
    def __init__(self, marker: str, env: Mapping[str, str], extras: Collection[str]) -> None:
        self.marker = marker
        self.tokens = _tokens(marker)
        self.env = env
        self.extras = {normalise_name(extra) for extra in extras}

    def take(self, kind: str | None = None) -> tuple[str, str]:
        if not self.tokens:
            raise MarkerError(f"marker {self.marker!r} ends too early")
        token = self.tokens.pop(0)
        if kind is not None and token[0] != kind:
            raise MarkerError(f"expected {kind} in {self.marker!r}, found {token[1]!r}")
        return token

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[0] if self.tokens else None

    def either(self) -> bool:
        value = self.both()
        while self.peek() == ("word", "or"):
            self.take()
            value = self.both() or value
        return value

    def both(self) -> bool:
        value = self.atom()
        while self.peek() == ("word", "and"):
            self.take()
            value = self.atom() and value
        return value

    def atom(self) -> bool:
        if self.peek() == ("paren", "("):
            self.take()
            value = self.either()
            self.take("paren")
            return value
        left, op, right = self.take(), self.take("op")[1], self.take()
        variable = left[1] if left[0] == "word" else right[1]
        if variable == "extra":
            wanted = normalise_name((right if left[0] == "word" else left)[1][1:-1])
            if op in ("==", "==="):
                return wanted in self.extras
            return wanted not in self.extras if op == "!=" else False
        return _compare(variable, self.value(left), op, self.value(right))

    def value(self, token: tuple[str, str]) -> str:
        kind, text = token
        if kind == "string":
            return text[1:-1]
        if kind == "word" and text in self.env:
            return self.env[text]
        raise MarkerError(f"unknown marker variable {text!r} in {self.marker!r}")


def marker_holds(marker: str, extras: Collection[str] = (),
                 env: Mapping[str, str] | None = None) -> bool:
    """Whether ``marker`` is true here when the requirement was asked with ``extras``.

    Raises `MarkerError` for a marker it cannot read.
    """
    parser = _Parser(marker, environment() if env is None else env, extras)
    value = parser.either()
    if parser.tokens:
        raise MarkerError(f"unexpected {parser.tokens[0][1]!r} in {marker!r}")
    return value
