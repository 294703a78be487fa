"""Master keys: the keys that wrap every person's data key, by id, so they can be rotated
(docs/operations.md, "Keys")."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


class MasterKeyError(Exception):
    """A person key is wrapped by a master key this process was not given."""


def key_id(key: bytes) -> str:
    """A master key's name in the key table: a digest prefix, never the key."""
    return hashlib.sha256(b"dsr:master-key-id|" + key).hexdigest()[:16]


@dataclass(frozen=True)
class MasterKeys:
    """The current master key, and earlier ones kept only until `rotate` has re-wrapped
    every person key under the current one."""

    current: bytes
    previous: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        for key in (self.current, *self.previous):
            if len(key) not in (16, 24, 32):
                raise ValueError("a master key is 16, 24 or 32 bytes (base64 in configuration)")

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def wrap(self, person_id: UUID, data_key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + AESGCM(self.current).encrypt(nonce, data_key, person_id.bytes)

    def unwrap(self, person_id: UUID, master_id: str, wrapped: bytes) -> bytes:
        for key in (self.current, *self.previous):
            if key_id(key) == master_id:
                try:
                    return AESGCM(key).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], person_id.bytes)
                except InvalidTag:
                    break
        raise MasterKeyError(f"the master key {master_id} is not configured")


def default_master_key(identity_key: bytes) -> bytes:
    """With no master key configured, one derived from the identity secret: set
    DSR_MASTER_KEY in production, so it can be rotated on its own (docs/operations.md)."""
    return hmac.new(identity_key, b"dsr:master-key", hashlib.sha256).digest()
