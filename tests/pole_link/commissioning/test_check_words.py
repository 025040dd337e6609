"""Every word an automatic check writes has its Dutch, and stored words read back.

The checks' templates are found in their source (every ``W("…")`` / ``Words("…")``), so a
new message without a Dutch text fails here rather than showing English in a Dutch report.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pole_link.commissioning.checks as checks_module
import pole_link.commissioning.runner as runner_module
from pole_link.commissioning.checks import _SELF_TEST_ADVICE
from pole_link.commissioning.words import DUTCH, Words, dutch

_PLACEHOLDER = re.compile(r"%\d+")


def _templates_in(module: object) -> set[str]:
    tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("W", "Words") and node.args:
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            found |= {o.value for o in options
                      if isinstance(o, ast.Constant) and isinstance(o.value, str)}
    return found


def test_every_check_template_has_its_dutch_with_the_same_placeholders() -> None:
    templates = _templates_in(checks_module) | _templates_in(runner_module)
    templates |= {advice for _, advice in _SELF_TEST_ADVICE.values()}
    assert len(templates) > 80
    missing = sorted(t for t in templates if t not in DUTCH)
    assert missing == []
    for english, translated in DUTCH.items():
        assert sorted(_PLACEHOLDER.findall(english)) == sorted(
            _PLACEHOLDER.findall(translated)), english


def test_words_translate_nested_arguments_and_leave_data_alone() -> None:
    words = Words("The pole's clock is %1. It sets its time from the back office at "
                  "BootNotification: check the CSMS connection step, then run this step "
                  "again (or check the laptop's own clock if it is the one off).",
                  (Words("%1 behind", ("10 s",)),))
    assert words.text().startswith("The pole's clock is 10 s behind.")
    assert words.text(dutch).startswith("De klok van de paal loopt 10 s achter.")
    assert Words.from_json(words.to_json()) == words
    assert Words("PW-0001").text(dutch) == "PW-0001"  # not in the catalogue: as given
