"""Checklists are data: which steps a commissioning run has, in which order, read from a file.

A technician's checklist changes with the tender, the grid operator and the operator's own
habits, so it is a versioned file shipped with the app (``tender`` is the default) or
written by an operator into their user config directory — not code. The file is YAML (or
JSON, which YAML reads too)::

    format: paalwerk-checklist/1       # required, exactly this
    name: tender                       # how runs and reports refer to it
    version: "2026.1"                  # a run resumes only under the same version
    title: Tender commissioning        # shown to the technician
    steps:
      - id: pole-id                    # unique within the file
        kind: automatic                # automatic | confirm | measure | attachment
        title: Pole ID (eis 12)
        instructions: Read the ID on the sticker on the pole's door.
        required: true                 # default true; only a failed required step fails
        # automatic: a check from the registry (pole_link.commissioning.checks) and its
        # parameters; `input` asks the technician for a value first (the check reads it)
        check: pole_id
        params: {}
        input: {prompt: "ID on the sticker", label: "ID on the sticker",
                choices: []}           # choices: pick one of these instead of typing
      - id: led-colours
        kind: confirm                  # the technician confirms what they see
        prompt: Did the LED show each colour?
        items: [off, green]            # optional: each item confirmed on its own
      - id: earth-resistance
        kind: measure                  # the technician enters a measured number
        prompt: Earth resistance
        unit: Ω
        min: 0
        max: 100                       # min and/or max: the allowed range (inclusive)
      - id: sticker-photo
        kind: attachment               # a photo or file
        prompt: Photo of the sticker
        media_types: [image/jpeg, image/png]

Texts a technician reads may be translated, per step and for the checklist's title::

    title: Commissioning a tender pole
    translations: {nl: {title: Inbedrijfstelling van een tenderpaal}}
    steps:
      - id: led-colours
        kind: confirm
        title: LED colours seen (eis 47)
        items: [green, blue]
        translations:
          nl: {title: Ledkleuren gezien (eis 47), items: [groen, blauw]}

A translation may give ``title``, ``instructions``, ``prompt``, ``input_prompt`` (an
automatic step's question) and ``items`` (as many as the step has, in the same order);
what it leaves out stays as written. `Checklist.in_language` picks one; ids, checks and
evidence labels never change with the language, so a run resumes in either.

Every technician step may also carry notes at run time (`StepResult.notes`). Errors name
the file and line (`ChecklistError`): a malformed file, an unknown kind, an unknown check
or parameter, a duplicate id.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pole_link.commissioning.record import StepKind

__all__ = [
    "CHECKLIST_FORMAT",
    "DEFAULT_CHECKLIST",
    "Checklist",
    "ChecklistError",
    "InputSpec",
    "Step",
    "available_checklists",
    "find_checklist",
    "load_checklist",
    "parse_checklist",
    "user_checklist_dir",
]

CHECKLIST_FORMAT = "paalwerk-checklist/1"
DEFAULT_CHECKLIST = "tender"
USER_DIR_ENV = "PAALWERK_CHECKLIST_DIR"
"""Overrides the operator's checklist folder (tests; a shared folder on a fleet laptop)."""

_COMMON = {"id", "kind", "title", "instructions", "required", "translations"}
_STEP_TEXTS = ("title", "instructions", "prompt", "input_prompt", "items")
_BY_KIND: dict[StepKind, set[str]] = {
    StepKind.AUTOMATIC: {"check", "params", "input"},
    StepKind.CONFIRM: {"prompt", "items"},
    StepKind.MEASURE: {"prompt", "unit", "min", "max"},
    StepKind.ATTACHMENT: {"prompt", "media_types"},
}


class ChecklistError(ValueError):
    """A checklist that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class InputSpec:
    """A value the technician gives an automatic step before it runs (the sticker's ID)."""

    prompt: str
    label: str
    """The evidence label the value is recorded under (and read back on resume)."""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One step of a checklist, as the file says it."""

    id: str
    kind: StepKind
    title: str
    instructions: str = ""
    required: bool = True
    line: int = 0
    """Where the step starts in its file (1-based), for messages."""
    check: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    input: InputSpec | None = None
    prompt: str = ""
    items: tuple[str, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    media_types: tuple[str, ...] = ()
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Language code → the texts the file gives in it (see the module's docstring)."""

    def in_language(self, code: str) -> Step:
        """This step with its texts in ``code`` where the file gives them."""
        texts = self.translations.get(code)
        if not texts:
            return self
        ask = self.input
        if ask is not None and "input_prompt" in texts:
            ask = replace(ask, prompt=str(texts["input_prompt"]))
        return replace(self, title=str(texts.get("title", self.title)),
                       instructions=str(texts.get("instructions", self.instructions)),
                       prompt=str(texts.get("prompt", self.prompt)), input=ask,
                       items=tuple(texts.get("items", self.items)))

    @property
    def needs_technician(self) -> bool:
        """True when the step waits for the technician (an answer, or an automatic step's
        input); False for an automatic step that runs by itself."""
        return self.kind is not StepKind.AUTOMATIC or self.input is not None


@dataclass(frozen=True)
class Checklist:
    name: str
    version: str
    title: str
    steps: tuple[Step, ...]
    source: str = ""
    """The file it was read from (or ``<string>``)."""
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Language code → the checklist's own texts in it (``title``)."""

    def in_language(self, code: str) -> Checklist:
        """The checklist as a technician reading ``code`` sees it; the same steps, ids,
        checks and version (a run is the same run whatever language showed it)."""
        texts = self.translations.get(code, {})
        return replace(self, title=str(texts.get("title", self.title)),
                       steps=tuple(step.in_language(code) for step in self.steps))

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


# ---------------------------------------------------------------------- parsing
def _where(source: str, node: yaml.Node | None) -> str:
    return f"{source}:{node.start_mark.line + 1}" if node is not None else source


def _plain(node: yaml.Node) -> Any:
    """A node as plain Python (safe tags only), for params and lists."""
    return yaml.SafeLoader(" ").construct_object(node, deep=True)


def _mapping(source: str, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise ChecklistError(f"{_where(source, node)}: {what} must be a mapping (key: value)")
    found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise ChecklistError(f"{_where(source, key)}: keys must be plain words")
        if key.value in found:
            raise ChecklistError(f"{_where(source, key)}: {key.value!r} appears twice")
        found[key.value] = (key, value)
    return found


def _text(source: str, entry: tuple[yaml.Node, yaml.Node] | None, name: str, *,
          default: str | None = None) -> str:
    if entry is None:
        if default is None:
            raise ChecklistError(f"{source}: {name!r} is missing")
        return default
    value = _plain(entry[1])
    if isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
        raise ChecklistError(f"{_where(source, entry[1])}: {name} must be text")
    return str(value)


def _number(source: str, entry: tuple[yaml.Node, yaml.Node] | None, name: str) -> float | None:
    if entry is None:
        return None
    value = _plain(entry[1])
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ChecklistError(f"{_where(source, entry[1])}: {name} must be a number")
    return float(value)


def _texts(source: str, entry: tuple[yaml.Node, yaml.Node] | None, name: str
           ) -> tuple[str, ...]:
    if entry is None:
        return ()
    value = _plain(entry[1])
    if not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        raise ChecklistError(f"{_where(source, entry[1])}: {name} must be a list of texts")
    return tuple(str(v) for v in value)


def _translations(source: str, entry: tuple[yaml.Node, yaml.Node] | None,
                  allowed: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """``{language: {text name: text}}``, each text checked as the original is."""
    if entry is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for code, (code_key, texts_node) in _mapping(source, entry[1], "translations").items():
        if not code.isalpha() or not 2 <= len(code) <= 3:
            raise ChecklistError(f"{_where(source, code_key)}: {code!r} is not a language "
                                 "code (e.g. nl)")
        texts: dict[str, Any] = {}
        for name, pair in _mapping(source, texts_node, f"translations of {code}").items():
            if name not in allowed:
                raise ChecklistError(f"{_where(source, pair[0])}: a translation has no "
                                     f"{name!r} (it may have: {', '.join(allowed)})")
            texts[name] = (_texts(source, pair, name) if name == "items"
                           else _text(source, pair, name))
        found[code] = texts
    return found


def _step(source: str, node: yaml.Node, checks: Mapping[str, Any]) -> Step:
    fields = _mapping(source, node, "a step")
    where = _where(source, node)
    if "kind" not in fields:
        raise ChecklistError(f"{where}: the step has no 'kind' "
                             f"({', '.join(k.value for k in StepKind)})")
    kind_text = _text(source, fields["kind"], "kind")
    try:
        kind = StepKind(kind_text)
    except ValueError:
        raise ChecklistError(
            f"{_where(source, fields['kind'][1])}: unknown step kind {kind_text!r} "
            f"(one of: {', '.join(k.value for k in StepKind)})") from None
    allowed = _COMMON | _BY_KIND[kind]
    for name, (key, _) in fields.items():
        if name not in allowed:
            raise ChecklistError(f"{_where(source, key)}: a {kind.value} step has no "
                                 f"{name!r} (it may have: {', '.join(sorted(allowed))})")
    step_id = _text(f"{where} (the step)", fields.get("id"), "id")
    title = _text(f"{where} (step {step_id})", fields.get("title"), "title")
    required = True
    if "required" in fields:
        flag = _plain(fields["required"][1])
        if not isinstance(flag, bool):
            raise ChecklistError(f"{_where(source, fields['required'][1])}: required must "
                                 "be true or false")
        required = flag
    common: dict[str, Any] = {
        "id": step_id, "kind": kind, "title": title, "required": required,
        "instructions": _text(source, fields.get("instructions"), "instructions", default=""),
        "line": node.start_mark.line + 1,
        "translations": _translations(source, fields.get("translations"), _STEP_TEXTS),
    }
    if kind is StepKind.AUTOMATIC:
        return _automatic(source, node, fields, checks, common)
    prompt = _text(source, fields.get("prompt"), "prompt", default=title)
    if kind is StepKind.CONFIRM:
        items = _texts(source, fields.get("items"), "items")
        for code, texts in common["translations"].items():
            if "items" in texts and len(texts["items"]) != len(items):
                raise ChecklistError(f"{where}: the {code} translation has "
                                     f"{len(texts['items'])} items, the step {len(items)}")
        return Step(**common, prompt=prompt, items=items)
    if kind is StepKind.MEASURE:
        low = _number(source, fields.get("min"), "min")
        high = _number(source, fields.get("max"), "max")
        if low is not None and high is not None and low > high:
            raise ChecklistError(f"{where}: min {low:g} is above max {high:g}")
        return Step(**common, prompt=prompt, minimum=low, maximum=high,
                    unit=_text(source, fields.get("unit"), "unit", default=""))
    media = _texts(source, fields.get("media_types"), "media_types")
    for media_type in media:
        if "/" not in media_type:
            raise ChecklistError(f"{_where(source, fields['media_types'][1])}: {media_type!r} "
                                 "is not a media type (e.g. image/jpeg)")
    return Step(**common, prompt=prompt, media_types=media)


def _automatic(source: str, node: yaml.Node, fields: dict[str, tuple[yaml.Node, yaml.Node]],
               checks: Mapping[str, Any], common: dict[str, Any]) -> Step:
    where = _where(source, node)
    if "check" not in fields:
        raise ChecklistError(f"{where}: an automatic step needs 'check' (one of: "
                             f"{', '.join(sorted(checks))})")
    name = _text(source, fields["check"], "check")
    spec = checks.get(name)
    if spec is None:
        raise ChecklistError(f"{_where(source, fields['check'][1])}: unknown check {name!r} "
                             f"(one of: {', '.join(sorted(checks))})")
    params: dict[str, Any] = {}
    if "params" in fields:
        params_node = fields["params"][1]
        for param, (key, value) in _mapping(source, params_node, "params").items():
            if param not in spec.params:
                known = ", ".join(sorted(spec.params)) or "none"
                raise ChecklistError(f"{_where(source, key)}: check {name!r} has no "
                                     f"parameter {param!r} (it takes: {known})")
            params[param] = _plain(value)
    ask: InputSpec | None = None
    if "input" in fields:
        input_fields = _mapping(source, fields["input"][1], "input")
        for key_name, (key, _) in input_fields.items():
            if key_name not in ("prompt", "label", "choices"):
                raise ChecklistError(f"{_where(source, key)}: input has no {key_name!r} "
                                     "(prompt, label, choices)")
        prompt = _text(f"{_where(source, fields['input'][1])} (input)",
                       input_fields.get("prompt"), "prompt")
        ask = InputSpec(prompt, _text(source, input_fields.get("label"), "label",
                                      default=prompt),
                        _texts(source, input_fields.get("choices"), "choices"))
    if spec.needs_input and ask is None:
        raise ChecklistError(f"{where}: check {name!r} needs the technician's input: add "
                             "'input: {prompt: …}'")
    return Step(**common, check=name, params=params, input=ask)


def parse_checklist(text: str, source: str = "<string>",
                    checks: Mapping[str, Any] | None = None) -> Checklist:
    """Read a checklist from YAML/JSON text; `ChecklistError` names ``source`` and the line."""
    if checks is None:
        from pole_link.commissioning.checks import CHECKS

        checks = CHECKS
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ChecklistError(f"{source}{line}: not valid YAML/JSON: {exc.problem or exc}"
                             ) from None
    except yaml.YAMLError as exc:
        raise ChecklistError(f"{source}: not valid YAML/JSON: {exc}") from None
    if root is None:
        raise ChecklistError(f"{source}: the file is empty")
    top = _mapping(source, root, "a checklist")
    for name, (key, _) in top.items():
        if name not in ("format", "name", "version", "title", "steps", "translations"):
            raise ChecklistError(f"{_where(source, key)}: a checklist has no {name!r} "
                                 "(format, name, version, title, steps, translations)")
    fmt = _text(source, top.get("format"), "format")
    if fmt != CHECKLIST_FORMAT:
        raise ChecklistError(f"{_where(source, top['format'][1])}: format {fmt!r} is not "
                             f"{CHECKLIST_FORMAT!r}")
    if "steps" not in top:
        raise ChecklistError(f"{source}: 'steps' is missing")
    steps_node = top["steps"][1]
    if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
        raise ChecklistError(f"{_where(source, steps_node)}: steps must be a non-empty list")
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for node in steps_node.value:
        step = _step(source, node, checks)
        if step.id in seen:
            raise ChecklistError(f"{source}:{step.line}: step id {step.id!r} is already used "
                                 f"on line {seen[step.id]}")
        seen[step.id] = step.line
        steps.append(step)
    name = _text(source, top.get("name"), "name")
    return Checklist(name=name, version=_text(source, top.get("version"), "version"),
                     title=_text(source, top.get("title"), "title", default=name),
                     steps=tuple(steps), source=source,
                     translations=_translations(source, top.get("translations"), ("title",)))


def load_checklist(path: Path | str) -> Checklist:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(f"{path}: cannot read the checklist: {exc}") from None
    return parse_checklist(text, str(path))


# ---------------------------------------------------------------------- lookup
def user_checklist_dir() -> Path:
    """Where operators put their own checklists (``$PAALWERK_CHECKLIST_DIR`` overrides)."""
    override = os.environ.get(USER_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("paalwerk")) / "checklists"


def _files(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if folder.is_dir():
        for suffix in (".json", ".yml", ".yaml"):  # .yaml wins over .json of the same name
            for path in sorted(folder.glob(f"*{suffix}")):
                found[path.stem] = path
    return found


def _shipped() -> dict[str, Path]:
    return _files(Path(str(resources.files("pole_link.commissioning") / "checklists")))


def available_checklists(user_dir: Path | None = None) -> dict[str, Path]:
    """Checklist name → file: the shipped ones, and the operator's (which win by name)."""
    return {**_shipped(), **_files(user_dir if user_dir is not None else user_checklist_dir())}


def find_checklist(name: str = DEFAULT_CHECKLIST, user_dir: Path | None = None) -> Checklist:
    """A checklist by name (or a path to a file); `ChecklistError` when there is none."""
    if os.sep in name or name.endswith((".yaml", ".yml", ".json")):
        return load_checklist(name)
    known = available_checklists(user_dir)
    if name not in known:
        raise ChecklistError(f"no checklist {name!r} (known: {', '.join(sorted(known))}; "
                             f"operators add theirs in {user_dir or user_checklist_dir()})")
    return load_checklist(known[name])
