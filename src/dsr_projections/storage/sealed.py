"""The one seam for personal columns of read models (issue 15, item 1; issue 26).

A read model declares which of its columns are personal (a table's `personal`, see
tables.py); those are sealed under the person's own key when written, deterministically
(equal values of one person seal alike, so spells still compare in SQL). Every row any
cursor fetches comes back opened (database.py), so no projection or query handles a
sealer and none can forget to open a column. Once a person's key is destroyed their
values open to None; values stored before sealing read back as they are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag

from dsr_core.storage.person_keys import PersonKeyStore
from dsr_core.storage.sealing import COLUMN_PREFIX, Sealer, Sealers
from dsr_projections.storage.text import storable


class ColumnSealer:
    """Seals and opens personal columns; without a key store (a store built without
    per-person keys) values pass through as they are."""

    def __init__(self, keys: PersonKeyStore | None) -> None:
        self._keys = keys
        self._sealers = Sealers()

    def sealed(self, row: Mapping[str, Any], personal: Collection[str]) -> dict[str, Any]:
        """The row to write: its personal columns sealed under the key of its `person_id`."""
        out = dict(row)
        if self._keys is None:
            return out
        for column in personal:
            value = out.get(column)
            if value is not None:
                out[column] = self._seal(out["person_id"], column, value)
        return out

    def open_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Open, in place, every sealed value of rows fetched (rows name their `person_id`;
        a sealed value in a row without one is never shown)."""
        for row in rows:
            sealed = [
                column
                for column, value in row.items()
                if value.__class__ is str and value.startswith(COLUMN_PREFIX)
            ]
            if not sealed:
                continue
            # One key lookup per row, not per column: it is most of a page's cost.
            sealer = self._row_sealer(row.get("person_id"))
            for column in sealed:
                row[column] = self._open(sealer, column, row[column])

    def _seal(self, person_id: UUID | str, column: str, value: str) -> str | None:
        sealer = self._sealer(person_id, create=True)
        return sealer.seal_column(f"column:{column}", storable(value)) if sealer else None

    def _row_sealer(self, person_id: object) -> Sealer | None:
        """The sealer of a fetched row's person: None when the store has no keys, the row
        names no person, or the key is destroyed (the row's sealed values open to None)."""
        if self._keys is None or not isinstance(person_id, str | UUID):
            return None
        return self._sealer(person_id, create=False)

    @staticmethod
    def _open(sealer: Sealer | None, column: str, value: str) -> str | None:
        if sealer is None:
            return None
        try:
            return sealer.open_column(f"column:{column}", value)
        except (InvalidTag, ValueError):
            return None  # not sealed by this person's key: never shown

    def _sealer(self, person_id: UUID | str, *, create: bool) -> Sealer | None:
        assert self._keys is not None
        pid = person_id if isinstance(person_id, UUID) else UUID(person_id)
        key = self._keys.key_for(pid, create=create)
        return self._sealers.of(pid, key) if key is not None else None
