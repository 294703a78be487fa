"""What is personal in a person's record, and what it reads as once erased or redacted.

Declared, not guessed: a value object's `PERSONAL` fields and the event attributes named
in `PERSONAL_ATTRIBUTES`. Pure functions: the Person's erasure (events) and the audit
trail's redaction use them without touching keys; storage/sealing.py encrypts the same
fields.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

ERASED = "erased"
"""What a destroyed text value reads back as."""


REDACTED = "personal"
"""What the audit trail holds in place of a personal value: never the value itself."""


PERSONAL_ATTRIBUTES = frozenset({"reason", "note", "referred_by", "decided_by"})
"""Free-text attributes of Person events (value objects declare their own)."""


PERSONAL_STATE = frozenset({"needs_note"})
"""Free-text attributes of a Person's state that are not value objects."""


def personal_fields(model: type[BaseModel]) -> frozenset[str]:
    fields: frozenset[str] = getattr(model, "PERSONAL", frozenset())
    return fields


def erased_value(model: type[BaseModel], field: str) -> Any:
    """What a destroyed field reads back as: its default if it has one, `ERASED` for
    required text, None otherwise (a date of birth)."""
    info = model.model_fields[field]
    if not info.is_required():
        return info.get_default(call_default_factory=True)
    return ERASED if _accepts_text(info.annotation) else None


def _accepts_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _accepts_text(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(_accepts_text(a) for a in get_args(annotation))
    return False


def erased_model(value: BaseModel) -> BaseModel:
    """The same value object with every personal field as it reads back once erased."""
    model = type(value)
    update = {f: erased_value(model, f) for f in personal_fields(model)}
    return value.model_copy(update=update) if update else value


def erased(value: Any) -> Any:
    """Any state value with every personal value in it erased (value objects, and
    collections of them)."""
    if isinstance(value, BaseModel):
        return erased_model(value)
    if isinstance(value, dict):
        return {k: erased(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(erased(v) for v in value)
    return value


def redacted(value: Any) -> Any:
    """A JSON-ready form of an event value with every personal value replaced by
    `REDACTED`, whether or not it was set: what the audit trail keeps, so erasing the
    person changes nothing it holds (audit.py)."""
    if isinstance(value, BaseModel):
        data = value.model_dump(mode="json")
        for field in personal_fields(type(value)):
            data[field] = REDACTED
        return data
    if isinstance(value, (list, tuple)):
        return [redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: redacted(v) for k, v in value.items()}
    return value
