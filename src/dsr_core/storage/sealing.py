"""Sealing: a person's identifying and free-text values, encrypted under that person's key.

Why: events are immutable, yet storage limitation and erasure requests need a person to be
forgotten. Each person's personal values are stored as AES-GCM tokens under a key of
their own (person_keys.py); destroying the key forgets them everywhere the tokens were
copied ("crypto-shredding"), while the rest of each event stays readable, so the history
still replays and the counts still add up (issue 15).

What is personal is declared, not guessed: a value object's `PERSONAL` fields, and the
event attributes named in `PERSONAL_ATTRIBUTES`. A test classifies every text field of
every event and value object, so a new one cannot slip through unsealed.
"""

from __future__ import annotations

import binascii
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any, TypeGuard
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

from dsr_core.domain.personal import erased_value, personal_fields

TOKEN = "_sealed_"
_NONCE = 12
BLOB_PREFIX = b"dsr-sealed:1:"
COLUMN_PREFIX = "\x1epk1:"
"""Starts a sealed read-model value: a control character, which no input may hold."""


class KeyDestroyedError(Exception):
    """The person's key was destroyed: what it sealed can never be read again."""


def is_token(value: object) -> TypeGuard[dict[str, str]]:
    return isinstance(value, dict) and len(value) == 1 and TOKEN in value


class Sealer:
    """One person's key, bound to their id: a token cannot be moved to another person or
    another field without failing to open. A sealed text is its UTF-8 bytes behind `s`;
    any other value its JSON behind `j` (most personal values are text: no JSON needed)."""

    __slots__ = ("_aead", "_key", "_prefix", "person_id")

    def __init__(self, key: bytes, person_id: UUID) -> None:
        self._aead = AESGCM(key)
        self._key = key
        self._prefix = f"{person_id}|"
        self.person_id = person_id

    def seal(self, where: str, value: Any) -> dict[str, str]:
        nonce = os.urandom(_NONCE)
        if isinstance(value, str):
            plain = b"s" + value.encode()
        else:
            plain = b"j" + json.dumps(value, separators=(",", ":")).encode()
        sealed = self._aead.encrypt(nonce, plain, self._aad(where))
        return {TOKEN: binascii.b2a_base64(nonce + sealed, newline=False).decode()}

    def unseal(self, where: str, token: dict[str, str]) -> Any:
        raw = binascii.a2b_base64(token[TOKEN])
        plain = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._aad(where))
        return plain[1:].decode() if plain[:1] == b"s" else json.loads(plain[1:])

    def seal_column(self, where: str, text: str) -> str:
        """A read-model value: deterministic (the nonce derives from the key and the value),
        so equal values of one person compare equal in SQL, and text-safe."""
        plain = text.encode()
        nonce = hmac.new(self._key, (self._prefix + where).encode() + b"|" + plain, "sha256")
        iv = nonce.digest()[:_NONCE]
        sealed = self._aead.encrypt(iv, plain, self._aad(where))
        return COLUMN_PREFIX + binascii.b2a_base64(iv + sealed, newline=False).decode()

    def open_column(self, where: str, token: str) -> str:
        raw = binascii.a2b_base64(token[len(COLUMN_PREFIX) :])
        return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._aad(where)).decode()

    def seal_blob(self, data: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return BLOB_PREFIX + nonce + self._aead.encrypt(nonce, data, self._aad("blob"))

    def open_blob(self, blob: bytes) -> bytes:
        raw = blob[len(BLOB_PREFIX) :]
        try:
            return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._aad("blob"))
        except InvalidTag:
            raise KeyDestroyedError(str(self.person_id)) from None

    def _aad(self, where: str) -> bytes:
        return (self._prefix + where).encode()


class Sealers:
    """One cipher object per person key, made once (making one costs more than a sealing);
    a person's entry is replaced when their key changes."""

    def __init__(self, kept: int = 10_000) -> None:
        self._kept = kept
        self._sealers: dict[UUID, tuple[bytes, Sealer]] = {}

    def of(self, person_id: UUID, key: bytes) -> Sealer:
        found = self._sealers.get(person_id)
        if found is not None and found[0] == key:
            return found[1]
        if len(self._sealers) >= self._kept:
            self._sealers.clear()
        sealer = Sealer(key, person_id)
        self._sealers[person_id] = (key, sealer)
        return sealer


@dataclass
class Sealing:
    """The sealing of one stored event being encoded or decoded, passed down to its value
    objects' transcodings: the person's sealer, or None once their key is destroyed.
    `clear_values` counts personal values found unsealed (written before per-person keys)."""

    sealer: Sealer | None
    clear_values: int = 0


def seal_fields(
    model: type[BaseModel], name: str, data: dict[str, Any], current: Sealing | None
) -> dict[str, Any]:
    """`data` (a value object's JSON form) with its personal fields sealed, when a person's
    event is being stored (`current`); unchanged otherwise."""
    if current is None or current.sealer is None:
        return data
    for field in personal_fields(model):
        value = data.get(field)
        if value is not None:
            data[field] = current.sealer.seal(f"{name}.{field}", value)
    return data


def unseal_fields(
    model: type[BaseModel], name: str, data: dict[str, Any], current: Sealing | None
) -> dict[str, Any]:
    """`data` with its sealed fields opened, or set to their erased value without a key."""
    fields = personal_fields(model)
    if not fields:
        return data
    for field in fields:
        value = data.get(field)
        if is_token(value):
            if current is not None and current.sealer is not None:
                data[field] = current.sealer.unseal(f"{name}.{field}", value)
            else:
                data[field] = erased_value(model, field)
        elif value is not None and current is not None:
            current.clear_values += 1
    return data
