"""Files that hold personal data or secrets are readable by their owner only (issue 10).

The embedded data directory holds the event store, the read models (names, NHS/CHI
numbers, dates of birth in clear) and keys: 0700 for the directory, 0600 for each file.
SQLite gives its -wal and -shm files the mode of the database file, so creating that
file 0600 before SQLite opens it covers them too.
"""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) 0700, and tighten it if it already exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists with mode 0600 (an empty file is a new SQLite database)."""
    private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path
