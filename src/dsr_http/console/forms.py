"""Forms made from the command models the API validates, and form posts read back into them.

A console form is not a second description of a command: its fields come from the
command's JSON schema (the same one OpenAPI shows), and what is posted is validated by
the same pydantic model, so a refusal names the same field with the same message. Field
names are the JSON paths the API's problem details use (`rating.level`,
`actions.0.due_on`), so one error table serves both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

Kind = Literal[
    "text", "textarea", "date", "select", "radios", "checkboxes", "lines", "number", "group",
    "rows", "scores", "notes",
]  # fmt: skip

ROWS_SHOWN = 3
"""Blank rows a form offers for a list of records (a review's actions, supporters' views)."""

RADIOS_UP_TO = 5
"""Choices up to this many are radios, more a select (the NHS.UK service manual's advice)."""

CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
WORDS = {
    "nhs": "NHS",
    "chi": "CHI",
    "ehc": "EHC",
    "cetr": "C(E)TR",
    "ctr": "CTR",
    "mdt": "MDT",
    "laep": "LAEP",
    "dsr": "DSR",
    "id": "ID",
    "icb": "ICB",
    "ods": "ODS",
    "ae": "A&E",
    "england": "England",
    "scotland": "Scotland",
}


def humanise(code: str) -> str:
    """`learning_disability` or `ReviewHeld` -> "Learning disability", "Review held";
    acronyms kept as people write them."""
    snake = CAMEL.sub("_", str(code)).replace("-", "_")
    words = [WORDS.get(word.lower(), word.lower()) for word in snake.split("_") if word]
    if not words:
        return str(code)
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


@dataclass(frozen=True)
class FormField:
    """One input (or group of inputs) of a form, named by its JSON path."""

    name: str
    label: str
    kind: Kind
    required: bool = False
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    children: tuple[FormField, ...] = ()
    nullable: bool = False
    has_default: bool = False
    number_type: str = "number"

    @property
    def id(self) -> str:
        return self.name.replace(".", "-")

    @property
    def anchor(self) -> str:
        """Where the error summary links: the first input of the field."""
        if self.kind == "date":
            return f"{self.id}-day"
        return self.id  # radios and checkboxes: the first item's id is the field's

    def at(self, index: int) -> FormField:
        """This row template's field as row `index` of a list (`actions.0.due_on`)."""
        head, _, last = self.name.rpartition(".")
        return replace(self, name=f"{head}.{index}.{last}") if head else self


@dataclass
class FieldError:
    """A refusal of one field (or of the form, `field` None), in the API's words."""

    field: str | None
    message: str
    anchor: str | None = None


@dataclass
class Choices:
    """Code lists and item lists offered for fields the schema types as free text."""

    by_field: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _resolve(defs[ref.rsplit("/", 1)[-1]], defs)
    return schema


def _unwrap_nullable(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    variants = schema.get("anyOf")
    if isinstance(variants, list):
        kept = [v for v in variants if v.get("type") != "null"]
        if len(kept) == 1 and len(kept) < len(variants):
            merged = {**kept[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
            return merged, True
    return schema, False


def _enum_options(schema: Mapping[str, Any]) -> tuple[tuple[str, str], ...] | None:
    if "enum" in schema:
        return tuple((str(v), humanise(str(v))) for v in schema["enum"])
    if "const" in schema:
        return ((str(schema["const"]), humanise(str(schema["const"]))),)
    return None


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def fields_of(model: type[BaseModel], choices: Choices | None = None) -> tuple[FormField, ...]:
    """The form of a command model: one field per property, nested models as groups."""
    schema = _schema(model)
    defs = schema.get("$defs", {})
    return _fields(schema, defs, "", choices or Choices())


def _fields(
    schema: Mapping[str, Any], defs: Mapping[str, Any], prefix: str, choices: Choices
) -> tuple[FormField, ...]:
    required = set(schema.get("required", ()))
    return tuple(
        _field(f"{prefix}{name}", name, prop, defs, name in required, choices)
        for name, prop in schema.get("properties", {}).items()
    )


def _field(
    path: str,
    name: str,
    raw: Mapping[str, Any],
    defs: Mapping[str, Any],
    required: bool,
    choices: Choices,
) -> FormField:
    outer, nullable = _unwrap_nullable(raw)
    schema = {**_resolve(outer, defs), **{k: v for k, v in outer.items() if k != "$ref"}}
    common: dict[str, Any] = {
        "name": path,
        "label": humanise(name),
        "required": required and not nullable,
        "hint": _hint(schema.get("description")),
        "nullable": nullable,
        "has_default": "default" in raw,
    }
    offered = choices.by_field.get(_template_path(path))
    kind = schema.get("type")
    if kind == "array":
        items = _resolve(schema.get("items", {}), defs)
        options = _enum_options(items)
        if offered is not None:
            options = tuple(offered)
        if options:
            return FormField(kind="checkboxes", options=options, **common)
        if items.get("type") == "object":
            children = _fields(items, defs, f"{path}.", choices)
            return FormField(kind="rows", children=children, **common)
        return FormField(kind="lines", **common)
    if kind == "object" and "properties" in schema:
        return FormField(
            kind="group", children=_fields(schema, defs, f"{path}.", choices), **common
        )
    if kind == "object":
        texts = _resolve(schema.get("additionalProperties") or {}, defs).get("type") == "string"
        return FormField(
            kind="notes" if texts else "scores", options=tuple(offered or ()), **common
        )
    options = tuple(offered) if offered is not None else _enum_options(schema)
    if options:
        if len(options) <= RADIOS_UP_TO:
            return FormField(kind="radios", options=options, **common)
        return FormField(kind="select", options=options, **common)
    if kind == "boolean":
        return FormField(kind="radios", options=(("true", "Yes"), ("false", "No")), **common)
    if kind in ("integer", "number"):
        return FormField(kind="number", number_type=str(kind), **common)
    if schema.get("format") == "date":
        return FormField(kind="date", **common)
    if int(schema.get("maxLength", 0)) > 200:
        return FormField(kind="textarea", **common)
    return FormField(kind="text", **common)


API_POINTERS = re.compile(r"[;,]? ?\(?(GET|items are the area's) [^)]*\)?")


def _hint(description: object) -> str | None:
    """A field's description as a hint, without the API's pointers to other endpoints
    (the form offers those lists itself)."""
    if not isinstance(description, str):
        return None
    return API_POINTERS.sub("", description).strip().rstrip(";,") or None


def _template_path(path: str) -> str:
    """`actions.2.due_on` -> `actions.due_on`: choices are offered per field, not per row."""
    return ".".join(part for part in path.split(".") if not part.isdigit())


def flatten(fields: Sequence[FormField]) -> list[FormField]:
    """Every leaf field, rows expanded, for mapping errors to anchors."""
    leaves: list[FormField] = []
    for f in fields:
        if f.kind == "group":
            leaves += flatten(f.children)
        elif f.kind == "rows":
            for index in range(ROWS_SHOWN):
                leaves += flatten([child.at(index) for child in f.children])
        else:
            leaves.append(f)
    return leaves


class FormInput:
    """What a form posted, by field name: several values for checkboxes."""

    def __init__(self, items: Sequence[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in items:
            self._values.setdefault(key, []).append(value)

    def get(self, name: str) -> str:
        values = self._values.get(name)
        return values[0].strip() if values else ""

    def all(self, name: str) -> list[str]:
        return [v for v in self._values.get(name, []) if v.strip()]

    def named_under(self, prefix: str) -> list[str]:
        """The names posted under `prefix.` (a score per item: `scores.housing`)."""
        return [key[len(prefix) + 1 :] for key in self._values if key.startswith(f"{prefix}.")]

    def as_dict(self) -> dict[str, Any]:
        """For re-showing a refused form: the values as they were typed."""
        return {k: (v if len(v) > 1 else v[0]) for k, v in self._values.items()}


def read(fields: Sequence[FormField], posted: FormInput) -> tuple[dict[str, Any], list[FieldError]]:
    """The request body a form post stands for, and the inputs that could not be read
    (a date that is not a real date, a number that is not a number)."""
    errors: list[FieldError] = []
    body = _read_group(fields, posted, errors)
    return body, errors


def _read_group(
    fields: Sequence[FormField], posted: FormInput, errors: list[FieldError]
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for f in fields:
        present, value = _read_field(f, posted, errors)
        if present:
            body[f.name.rsplit(".", 1)[-1]] = value
    return body


def _read_field(f: FormField, posted: FormInput, errors: list[FieldError]) -> tuple[bool, Any]:
    """(whether the field was given, its value); a blank optional field is left out, so
    the model's default applies, and a blank nullable one is null."""
    if f.kind == "group":
        group = _read_group(f.children, posted, errors)
        if not group and not f.required:
            return (True, None) if f.nullable and not f.has_default else (False, None)
        return True, group
    if f.kind == "rows":
        rows = []
        for index in range(ROWS_SHOWN):
            row_fields = [child.at(index) for child in f.children]
            row = _read_group(row_fields, posted, errors)
            if row:
                rows.append(row)
        return bool(rows) or f.required, rows
    if f.kind == "checkboxes":
        return True, posted.all(f.name)
    if f.kind == "lines":
        lines = [line.strip() for line in posted.get(f.name).splitlines() if line.strip()]
        return True, lines
    if f.kind == "notes":
        notes = {code: text for code, _ in f.options if (text := posted.get(f"{f.name}.{code}"))}
        return True, notes
    if f.kind == "scores":
        codes = [code for code, _ in f.options] or posted.named_under(f.name)
        scores = {
            code: int(value)
            for code in codes
            if (value := posted.get(f"{f.name}.{code}")) and value.isdigit()
        }
        return True, scores
    if f.kind == "date":
        parts = [posted.get(f"{f.name}.{part}") for part in ("day", "month", "year")]
        if not any(parts):
            return _blank(f)
        try:
            day, month, year = (int(p) for p in parts)
            return True, date(year, month, day).isoformat()
        except ValueError:
            errors.append(
                FieldError(f.name, f"{f.label} must be a real date, like 31 3 2025", f.anchor)
            )
            return False, None
    text = posted.get(f.name)
    if not text:
        return _blank(f)
    if f.kind == "radios" and f.options == (("true", "Yes"), ("false", "No")):
        return True, text == "true"
    if f.kind == "number":
        try:
            return True, int(text) if f.number_type == "integer" else float(text)
        except ValueError:
            errors.append(FieldError(f.name, f"{f.label} must be a number", f.anchor))
            return False, None
    return True, text


def _blank(f: FormField) -> tuple[bool, Any]:
    if f.nullable and not f.has_default:
        return True, None
    return False, None


def validation_errors(error: ValidationError, fields: Sequence[FormField]) -> list[FieldError]:
    """Pydantic's refusals as the API words them (problems.py), linked to their inputs."""
    leaves = {f.name: f for f in flatten(fields)}
    found: list[FieldError] = []
    for item in error.errors():
        name = ".".join(str(p) for p in item.get("loc", ()))
        found.append(field_error(name, str(item.get("msg", "invalid")), leaves, item.get("type")))
    return found


def field_error(
    name: str | None, message: str, leaves: Mapping[str, FormField], kind: object = None
) -> FieldError:
    """A refusal of `name`, linked to the input it concerns (or its group's first)."""
    if not name:
        return FieldError(None, message)
    target = leaves.get(name) or next(
        (f for path, f in leaves.items() if path.startswith(f"{name}.")), None
    )
    label = target.label if target else humanise(name.rsplit(".", 1)[-1])
    if kind == "missing":
        chooses = target is not None and target.kind in ("radios", "select", "checkboxes")
        message = f"{'Select' if chooses else 'Enter'} {label.lower()}"
    elif not message.lower().startswith(label.lower()):
        message = f"{label}: {message}"
    return FieldError(name, message, target.anchor if target else None)
