"""The anonymised national dataset, per area and reporting period.

The projection keeps, per person, spells of the attributes national collections count
(area, status, rating, setting, hospital stay, sex, diagnosis, objection), so a census
can be taken on any date, not only today; report.py builds the dataset from it.

Backdated events are folded into the spell open at the time they are recorded when
they predate it: a census before a late correction shows the record as it stood.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

import structlog

from dsr_core.domain.codes import ReviewKind, Setting, Status
from dsr_core.domain.geography import distance_band
from dsr_core.person.aggregate import Person
from dsr_projections.engine.projection import (
    STATE_COLUMNS,
    Event,
    PersonStates,
    Projection,
    effective_on,
)
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.tables import rows_of_people, upsert

log = structlog.get_logger(__name__)

PERSONAL = ("date_of_birth",)
"""The spells' columns sealed under each person's key (storage/sealed.py)."""

SPELL_FIELDS = (
    "area",
    "status",
    "rating",
    "urgent_reason",
    "setting",
    "out_of_area",
    "chosen",
    "admitted_on",
    "ready_on",
    "delay_reason",
    "secure",
    "sex",
    "date_of_birth",
    "diagnosis_group",
    "objects",
    "stay_started_on",
    "planned_discharge_on",
    "last_cetr_on",
    "distance_band",
    "dsr_before_admission",
    "ethnic_category",
    "ward_type",
    "security_level",
    "legal_status",
    "detained_under",
    "gender_identity",
    "ehc_plan",
    "commissioner_type",
    "last_visit_on",
    "provider_code",
)
QUASI_IDENTIFIERS = (
    "age_band",
    "sex",
    "diagnosis_group",
    "setting",
    "out_of_area",
    "rating",
    "los_band",
    "delayed",
    "delay_reason",
)
"""Every attribute a record carries besides its pseudonym: k-anonymity holds over all of
them, since any could be known to someone who knows the person (issue 14)."""


def _last_cetr_and_visit(person: Person) -> tuple[date | None, date | None]:
    """The last C(E)TR, and the last oversight visit of this stay, in one pass over the
    reviews: called at every event, over a long stay's hundred reviews (issue 32)."""
    stay = person.admission
    admitted_on = stay.admitted_on if stay else None
    last_cetr: date | None = None
    last_visit: date | None = None
    for review in person.reviews:
        kind, held_on = review.kind, review.held_on
        if kind is ReviewKind.CETR or kind is ReviewKind.COMMUNITY_CETR:
            last_cetr = held_on if last_cetr is None else max(last_cetr, held_on)
        elif (
            kind is ReviewKind.COMMISSIONER_OVERSIGHT_VISIT
            and admitted_on is not None
            and held_on >= admitted_on
        ):
            last_visit = held_on if last_visit is None else max(last_visit, held_on)
    return last_cetr, last_visit


def spell_attributes(person: Person) -> tuple[Any, ...]:
    stay, placement, rating = person.admission, person.placement, person.rating
    last_cetr, last_visit = _last_cetr_and_visit(person)
    return (
        person.area,
        str(person.status),
        str(rating.level) if rating else None,
        str(rating.urgent_reason) if rating and rating.urgent_reason else None,
        str(person.setting),
        person.setting is Setting.OUT_OF_AREA_PLACEMENT,
        bool(placement and placement.appropriate),
        stay.admitted_on.isoformat() if stay else None,
        stay.ready_for_discharge_on.isoformat() if stay and stay.ready_for_discharge_on else None,
        str(stay.delay_reason) if stay and stay.delay_reason else None,
        bool(stay and stay.secure),
        str(person.details.sex),
        person.details.born_on.isoformat(),
        str(person.details.diagnosis_group),
        person.objects_to_national_sharing,
        stay.total_stay_started_on.isoformat() if stay else None,
        stay.planned_discharge_on.isoformat() if stay and stay.planned_discharge_on else None,
        last_cetr.isoformat() if last_cetr else None,
        distance_band(person.details.home_location, stay.hospital_location) if stay else None,
        bool(stay and person.accepted_on and person.accepted_on < stay.total_stay_started_on),
        person.details.ethnic_category,
        # England's full tables (issue 31): what the inpatient census breaks down by
        str(stay.ward_type) if stay else None,
        str(stay.security_level) if stay and stay.security_level else None,
        str(stay.legal_status) if stay else None,
        stay.detained_under if stay else None,
        person.details.gender_identity,
        bool(person.ehc_plan),
        str(stay.commissioner_type) if stay and stay.commissioner_type else None,
        last_visit.isoformat() if last_visit else None,
        stay.provider_code if stay else None,
    )


class NationalDatasetProjection(Projection):
    name = "national_dataset"
    tables: ClassVar[dict[str, str]] = {
        "national_spells": (
            "spell_id BIGINT PRIMARY KEY, person_id TEXT NOT NULL, valid_from TEXT NOT NULL, "
            "valid_to TEXT, area TEXT NOT NULL, status TEXT NOT NULL, rating TEXT, "
            "urgent_reason TEXT, setting TEXT NOT NULL, out_of_area BOOLEAN NOT NULL, "
            "chosen BOOLEAN NOT NULL, admitted_on TEXT, ready_on TEXT, delay_reason TEXT, "
            "secure BOOLEAN NOT NULL, sex TEXT NOT NULL, date_of_birth TEXT NOT NULL, "
            "diagnosis_group TEXT NOT NULL, objects BOOLEAN NOT NULL, stay_started_on TEXT, "
            "planned_discharge_on TEXT, last_cetr_on TEXT, distance_band TEXT, "
            "dsr_before_admission BOOLEAN NOT NULL, ethnic_category TEXT, ward_type TEXT, "
            "security_level TEXT, legal_status TEXT, detained_under TEXT, "
            "gender_identity TEXT, ehc_plan BOOLEAN NOT NULL, commissioner_type TEXT, "
            "last_visit_on TEXT, provider_code TEXT"
        ),
        "national_state": STATE_COLUMNS,
    }
    indexes: ClassVar[dict[str, str]] = {
        "national_spells_by_area": "national_spells (area, valid_from)",
        "national_spells_open": "national_spells (person_id, valid_to)",
    }

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        """Spells are read once per batch and written once at its end."""
        states, events = PersonStates.for_batch(
            cursor, self.t("national_state"), self.context, batch
        )
        spells = _SpellChanges(
            cursor, self.t("national_spells"), {str(e.originator_id) for e, _ in events}
        )
        erased: set[str] = set()
        for event, position in events:
            person = states.apply(event)
            if person.details.erased:
                # Erased (issue 15): no spell is kept; returns already stored keep their
                # counts, and a rebuild after the key is gone never brings them back.
                erased.add(str(person.id))
                continue
            on = effective_on(event).isoformat()
            spells.record(str(person.id), on, position, spell_attributes(person))
        spells.flush()
        states.flush()
        self._purge(cursor, sorted(erased))

    def _purge(self, cursor: Cursor, person_ids: list[str]) -> None:
        cursor.executemany(
            f"DELETE FROM {self.t('national_spells')} WHERE person_id = ?",
            [(p,) for p in person_ids],
        )


class _SpellChanges:
    """The open spell of each person in a batch, and the writes the batch needs."""

    def __init__(self, cursor: Cursor, table: str, person_ids: set[str]) -> None:
        self.cursor, self.table = cursor, table
        self.open: dict[str, dict[str, Any]] = {
            row["person_id"]: dict(row)
            for row in rows_of_people(cursor, table, person_ids, where="valid_to IS NULL")
        }
        self.inserts: dict[int, dict[str, Any]] = {}
        self.updates: dict[int, dict[str, Any]] = {}

    def record(self, person_id: str, on: str, position: int, attributes: tuple[Any, ...]) -> None:
        current = self.open.get(person_id)
        values = dict(zip(SPELL_FIELDS, _normalise(attributes), strict=True))
        if current is not None and all(current[f] == values[f] for f in SPELL_FIELDS):
            return
        if current is not None and on <= current["valid_from"]:
            current.update(values)  # a same-day or back-dated change: the open spell changes
            self._changed(current)
            return
        if current is not None:
            current["valid_to"] = on
            self._changed(current)
        spell = {
            "spell_id": position,
            "person_id": person_id,
            "valid_from": on,
            "valid_to": None,
            **values,
        }
        self.inserts[position] = spell
        self.open[person_id] = spell

    def _changed(self, spell: dict[str, Any]) -> None:
        if spell["spell_id"] not in self.inserts:
            self.updates[spell["spell_id"]] = spell

    def flush(self) -> None:
        columns = ("spell_id", "person_id", "valid_from", "valid_to", *SPELL_FIELDS)
        rows = [*self.inserts.values(), *self.updates.values()]
        stored = [{c: _stored(c, spell[c]) for c in columns} for spell in rows]
        upsert(self.cursor, self.table, stored, personal=PERSONAL, key="spell_id")


BOOLEAN_FIELDS = frozenset(
    {"out_of_area", "chosen", "secure", "objects", "dsr_before_admission", "ehc_plan"}
)


def _stored(column: str, value: Any) -> Any:
    """PostgreSQL will not take 0/1 for a BOOLEAN column."""
    return bool(value) if column in BOOLEAN_FIELDS else value


def _normalise(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Booleans come back from SQLite as 0/1; compare and store them as such on both."""
    return tuple(int(v) if isinstance(v, bool) else v for v in values)


def census(db: ViewDatabase, area: str, on: date) -> list[Row]:
    """Spells of people on the area's register on a day: what a census counts."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT * FROM national_spells WHERE area = ? AND status = ? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to > ?) ORDER BY spell_id",
            (area, str(Status.ON_REGISTER), on.isoformat(), on.isoformat()),
        )
        rows = cursor.fetchall()
    return rows


def people_in_area_by(db: ViewDatabase, area: str, on: date) -> list[UUID]:
    """Everyone who had a spell in the area on or before a day (snapshot candidates)."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT DISTINCT person_id FROM national_spells WHERE area = ? AND valid_from <= ? "
            "ORDER BY person_id",
            (area, on.isoformat()),
        )
        return [UUID(row["person_id"]) for row in cursor.fetchall()]


def areas_with_spells(db: ViewDatabase) -> list[str]:
    """Every area anyone has had a spell in: the areas a reporting snapshot is taken of."""
    with db.read() as cursor:
        cursor.execute("SELECT DISTINCT area FROM national_spells ORDER BY area")
        return [row["area"] for row in cursor.fetchall()]


def inpatients_on(db: ViewDatabase, area: str, on: date) -> list[UUID]:
    """Everyone in a hospital bed the area is responsible for at the end of a day, on the
    register or not (England's inpatient census population)."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT DISTINCT person_id FROM national_spells WHERE area = ? AND setting = ? "
            "AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) ORDER BY person_id",
            (area, str(Setting.IN_HOSPITAL), on.isoformat(), on.isoformat()),
        )
        return [UUID(row["person_id"]) for row in cursor.fetchall()]
