"""`dsr settings`: every DSR_* setting the service reads, its value and where it came from
(the environment or the default), secrets never shown."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings


def _settings_classes() -> list[type[BaseSettings]]:
    from dsr_core.process.settings import Settings
    from dsr_http.config import HttpSettings
    from dsr_scheduler.config import SchedulerSettings

    return [Settings, HttpSettings, SchedulerSettings]


def _is_secret(annotation: Any) -> bool:
    return "SecretStr" in repr(annotation)


def _shown(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "(set)" if value.get_secret_value() else "(empty)"
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    return value if isinstance(value, int | float | bool | str | type(None)) else str(value)


def rows() -> list[dict[str, Any]]:
    """One row per setting: variable, value (secrets: set or not), source, secret, what."""
    found: dict[str, dict[str, Any]] = {}
    for cls in _settings_classes():
        current = cls()
        for name, field in cls.model_fields.items():
            variable = f"DSR_{name.upper()}"
            if variable in found:
                continue
            value = getattr(current, name)
            found[variable] = {
                "variable": variable,
                "value": _shown(value),  # a SecretStr as "(set)"; keys in a list masked
                "source": "environment" if variable in os.environ else "default",
                "secret": _is_secret(field.annotation),
                "description": field.description or "",
            }
    return sorted(found.values(), key=lambda row: row["variable"])


def settings(args: argparse.Namespace) -> int:
    """A table for people; `--json` for tools. Exit 2 (one line) on an unusable setting."""
    table = rows()
    if getattr(args, "json", False):
        print(json.dumps(table, indent=1))
        return 0
    width = max(len(row["variable"]) for row in table)
    for row in table:
        value = row["value"]
        if value is None:
            value = "(not set)"
        elif not isinstance(value, str):
            value = json.dumps(value)
        marks = f"[{row['source']}{', secret' if row['secret'] else ''}]"
        print(f"{row['variable']:<{width}}  {value}  {marks}")
    return 0
