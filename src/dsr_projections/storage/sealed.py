"""Personal columns of read models, sealed under each person's key (issue 15, item 1).

The register's names, numbers and dates of birth and the national spells' dates of birth
are stored sealed, deterministically (equal values of one person seal alike, so spells
still compare in SQL), and opened when read. Once a person's key is destroyed their
columns open to None. Values stored before sealing read back as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from cryptography.exceptions import InvalidTag

from dsr_core.storage.person_keys import PersonKeyStore
from dsr_core.storage.sealing import COLUMN_PREFIX, Sealer, Sealers

REGISTER_COLUMNS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "chi_number",
    "hospital",
    "lead_professional",
)
SPELL_COLUMNS = ("date_of_birth",)


class ColumnSealer:
    """Seals and opens personal columns; without a key store (a store built without
    per-person keys) values pass through as they are."""

    def __init__(self, keys: PersonKeyStore | None) -> None:
        self._keys = keys
        self._sealers = Sealers()

    def seal(self, person_id: UUID | str, column: str, value: str | None) -> str | None:
        if value is None or self._keys is None:
            return value
        from dsr_projections.storage.database import storable  # it imports this module

        sealer = self._sealer(person_id, create=True)
        return sealer.seal_column(f"column:{column}", storable(value)) if sealer else None

    def open(self, person_id: UUID | str, column: str, value: object) -> object:
        if not isinstance(value, str) or not value.startswith(COLUMN_PREFIX):
            return value
        sealer = self._sealer(person_id, create=False)
        if sealer is None:
            return None  # the key is destroyed
        try:
            return sealer.open_column(f"column:{column}", value)
        except (InvalidTag, ValueError):
            return None  # not sealed by this person's key: never shown

    def open_rows(self, rows: Iterable[dict[str, object]], columns: Sequence[str]) -> None:
        """Open `columns` of each row in place (rows carry their `person_id`)."""
        for row in rows:
            for column in columns:
                if column in row:
                    row[column] = self.open(str(row["person_id"]), column, row[column])

    def _sealer(self, person_id: UUID | str, *, create: bool) -> Sealer | None:
        assert self._keys is not None
        pid = person_id if isinstance(person_id, UUID) else UUID(person_id)
        key = self._keys.key_for(pid, create=create)
        return self._sealers.of(pid, key) if key is not None else None
