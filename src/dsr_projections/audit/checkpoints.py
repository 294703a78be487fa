"""Tamper evidence anchored outside the database (issue 10, item 3; docs/operations.md).

Chains are linked with HMAC-SHA-256 under the audit key, which the database never holds
(DSR_AUDIT_KEY, or derived from the identity key): whoever can edit rows cannot forge a
link. What a chain alone cannot show is rows cut from its end, so checkpoints record the
heads of the audit trail's log chain and of the access log, signed with the same key, as
files in a directory the operator keeps (and ideally copies off the host). `dsr audit
verify` checks the database against every checkpoint; a rebuild of the audit trail must
agree with them before it is swapped in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dsr_core.process.files import private_dir

GENESIS = "0" * 64


def link(key: bytes, previous: str, content: str) -> str:
    """The next hash of a chain: keyed, so only a holder of the key can make one."""
    return hmac.new(key, f"{previous}|{content}".encode(), hashlib.sha256).hexdigest()


def signed_body(record: Any) -> str:
    """A dataclass's fields but its signature, as canonical JSON: what its signature signs."""
    fields = {k: v for k, v in asdict(record).items() if k != "signature"}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def signature(key: bytes, record: Any) -> str:
    return hmac.new(key, signed_body(record).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """Where the chains stood at a moment, signed."""

    taken_at: str
    log_position: int
    log_hash: str
    access_seq: int
    access_hash: str
    signature: str = ""

    def signed(self, key: bytes) -> Checkpoint:
        return Checkpoint(**{**asdict(self), "signature": signature(key, self)})

    def genuine(self, key: bytes) -> bool:
        return hmac.compare_digest(signature(key, self), self.signature)


def write_checkpoint(directory: Path, checkpoint: Checkpoint) -> Path:
    """One file per checkpoint, never overwritten; readable by its owner only."""
    private_dir(directory)
    stamp = datetime.fromisoformat(checkpoint.taken_at).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"checkpoint-{checkpoint.log_position:012d}-{stamp}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(asdict(checkpoint), indent=2) + "\n")
    return path


def latest_checkpoint(directory: Path) -> Checkpoint | None:
    """The newest checkpoint (file names sort by log position, then time), or None."""
    found = read_checkpoints(directory, only_latest=True)
    return found[-1][1] if found else None


def read_checkpoints(
    directory: Path, *, only_latest: bool = False
) -> list[tuple[Path, Checkpoint | None]]:
    """Every checkpoint file, oldest first; None for a file that cannot be read as one."""
    if not directory.is_dir():
        return []
    found: list[tuple[Path, Checkpoint | None]] = []
    paths = sorted(directory.glob("checkpoint-*.json"))
    for path in paths[-1:] if only_latest else paths:
        try:
            found.append((path, Checkpoint(**json.loads(path.read_text()))))
        except (ValueError, TypeError):
            found.append((path, None))
    return found
