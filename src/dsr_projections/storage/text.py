"""Text any database can hold, on both backends alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

REPLACEMENT = "\ufffd"


def storable(text: str) -> str:
    """Text any database can hold: NUL (which PostgreSQL refuses) and unpaired surrogates
    (which no encoder accepts) become U+FFFD.

    Input rules refuse both now, but a read model must store every event the store
    accepted, including ones written before those rules (issue 10): one bad character
    must never stop a projection. Both backends store the same replaced text.
    """
    if text.isascii():
        return text.replace("\x00", REPLACEMENT) if "\x00" in text else text
    text = text.replace("\x00", REPLACEMENT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join(REPLACEMENT if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def storable_params(params: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(storable(p) if isinstance(p, str) else p for p in params)
