"""What a person would type into a console form to send a given request body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from dsr_http.console.forms import FormField


def typed(fields: Sequence[FormField], body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The form's (name, value) pairs for `body`, as a browser would post them."""
    posted: list[tuple[str, str]] = []
    for f in fields:
        key = f.name.rsplit(".", 1)[-1]
        if key not in body or body[key] is None:
            continue
        value = body[key]
        if f.kind == "group":
            posted += typed(f.children, value)
        elif f.kind == "rows":
            for index, row in enumerate(value):
                posted += typed([child.at(index) for child in f.children], row)
        elif f.kind == "checkboxes":
            posted += [(f.name, str(v)) for v in value]
        elif f.kind == "lines":
            posted.append((f.name, "\n".join(value)))
        elif f.kind == "scores":
            posted += [(f"{f.name}.{code}", str(score)) for code, score in value.items()]
        elif f.kind == "date":
            day = date.fromisoformat(str(value))
            posted += [
                (f"{f.name}.day", str(day.day)),
                (f"{f.name}.month", str(day.month)),
                (f"{f.name}.year", str(day.year)),
            ]
        elif isinstance(value, bool):
            posted.append((f.name, "true" if value else "false"))
        else:
            posted.append((f.name, str(value)))
    return posted
