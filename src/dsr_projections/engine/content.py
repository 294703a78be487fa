"""A digest of what a read model shows, to compare a rebuild with the live model."""

from __future__ import annotations

import hashlib

from dsr_projections.engine.projection import Projection
from dsr_projections.storage.database import ViewDatabase


def content_hash(db: ViewDatabase, projection: Projection) -> str:
    """A digest of a read model's public tables (not its internal state), for comparison."""
    digest = hashlib.sha256()
    with db.read() as cursor:
        for table in sorted(projection.tables):
            if table.endswith("_state"):
                continue
            cursor.execute(f"SELECT * FROM {table}")
            found = projection.comparable(table, list(cursor.fetchall()))
            rows = sorted(repr(sorted(r.items())) for r in found)
            digest.update(table.encode())
            for row in rows:
                digest.update(row.encode())
    return digest.hexdigest()
