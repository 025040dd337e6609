"""Who runs the demo's children: this interpreter from source, the bundle's executable frozen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gui.demo import child_command


def test_from_source_a_child_is_this_interpreter_with_dash_m_paalwerk() -> None:
    assert child_command("sim", "--serial") == [sys.executable, "-m", "paalwerk", "sim",
                                                "--serial"]


def test_frozen_a_child_is_the_bundles_own_executable_with_the_subcommand(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A bundle has no ``python -m``: its executable dispatches subcommands itself."""
    executable = tmp_path / "paalwerk"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    assert child_command("service", "--port", "8180") == [str(executable), "service",
                                                          "--port", "8180"]
