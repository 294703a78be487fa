"""The DSR's working rows: one per person on a register or referred to one, as case workers
see them, and one per inpatient apart from the DSR (never referred, consent refused or
withdrawn, declined or removed) for the inpatient list.

`register_entries` feeds two lists: the register (accepted people) and the referral queue
(pending referrals, at home or in hospital). `inpatient_oversight` holds the inpatients it
does not: their C(E)TRs and visits are owed all the same (domain.md, "Hospital episodes"),
so the list shows who and where they are and their duties, nothing of the DSR's own
record. "Overdue" and "days in setting" depend on today, so they are computed when
queried, not stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import ClassVar, Literal
from uuid import UUID

from dsr_core.domain.codes import Setting, Status
from dsr_core.domain.values import ADULT_AGE
from dsr_core.person.aggregate import Person
from dsr_core.person.cadences import DueKind, due_reviews, inpatient_duties
from dsr_projections.engine.projection import (
    STATE_COLUMNS,
    Context,
    Event,
    PersonStates,
    Projection,
)
from dsr_projections.register import referrer_told, service_gaps
from dsr_projections.register.name_order import NameOrder, name_key
from dsr_projections.register.spell import STAY_COLUMNS, register_status, stay_facts
from dsr_projections.storage.database import Cursor, Row
from dsr_projections.storage.tables import upsert

PERSONAL = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "chi_number",
    "hospital",
    "lead_professional",
)
"""The register's columns sealed under each person's key (storage/sealed.py)."""
INPATIENT_PERSONAL = tuple(c for c in PERSONAL if c != "lead_professional")


SortKey = Literal["name", "next_review_due", "rating_since", "admitted_on"]
SORTS = {
    "name": "name_order",  # the names' order, not the names (name_order.py)
    "next_review_due": "COALESCE(next_review_due, '9999-12-31')",
    "rating_since": "COALESCE(rating_since, '9999-12-31')",
    "admitted_on": "COALESCE(admitted_on, '9999-12-31')",
}


class RegisterProjection(Projection):
    name = "register"
    tables: ClassVar[dict[str, str]] = {
        "register_entries": (
            "person_id TEXT PRIMARY KEY, area TEXT NOT NULL, scheme TEXT NOT NULL, "
            "status TEXT NOT NULL, given_name TEXT, family_name TEXT, date_of_birth TEXT, "
            "nhs_number TEXT, chi_number TEXT, setting TEXT NOT NULL, setting_since TEXT, "
            "rating TEXT, urgent_reason TEXT, rating_since TEXT, out_of_area BOOLEAN NOT NULL, "
            "hospital TEXT, admitted_on TEXT, ready_for_discharge_on TEXT, delay_reason TEXT, "
            "lead_professional TEXT, last_review_on TEXT, last_review_kind TEXT, "
            "next_review_kind TEXT, next_review_due TEXT, referred_on TEXT, accepted_on TEXT, "
            "admission_type TEXT, stay_started_on TEXT, ward_type TEXT, security_level TEXT, "
            "detained_under TEXT, planned_discharge_on TEXT, placement_location TEXT, "
            "placement_appropriate BOOLEAN, waiting_services TEXT, waiting_since TEXT, "
            "needs TEXT, version BIGINT NOT NULL, name_order BIGINT NOT NULL, "
            "register_status TEXT NOT NULL, decision_due TEXT, consent_basis TEXT, "
            "referral_reason TEXT, referrer_type TEXT, " + STAY_COLUMNS
        ),
        # The generation of each area's name order this batch stored (name_order.py).
        "register_order_state": "area TEXT PRIMARY KEY, generation BIGINT NOT NULL",
        # Inpatients apart from the DSR (never referred, consent refused or withdrawn,
        # declined, removed): their C(E)TRs and visits are still owed, so the inpatient
        # list shows who and where they are and those duties, nothing of the DSR's record.
        "inpatient_oversight": (
            "person_id TEXT PRIMARY KEY, area TEXT NOT NULL, status TEXT NOT NULL, "
            "register_status TEXT NOT NULL, given_name TEXT, family_name TEXT, "
            "date_of_birth TEXT, nhs_number TEXT, chi_number TEXT, hospital TEXT, "
            "admitted_on TEXT NOT NULL, hospital_area TEXT, in_area BOOLEAN NOT NULL, "
            "ward_type TEXT NOT NULL, security_level TEXT, child_at_admission BOOLEAN NOT NULL, "
            "next_duty_kind TEXT, next_duty_due TEXT, admission_type TEXT, stay_started_on TEXT, "
            "planned_discharge_on TEXT, ready_for_discharge_on TEXT, delay_reason TEXT, "
            "version BIGINT NOT NULL, " + STAY_COLUMNS
        ),
        **service_gaps.TABLES,
        **referrer_told.TABLES,
        "register_state": STATE_COLUMNS,
    }
    indexes: ClassVar[dict[str, str]] = {
        "register_by_area": "register_entries (area, person_id)",
        "register_by_due": "register_entries (area, next_review_due)",
        # One per ordering of the register, so a page reads an index range, not the area;
        # and by rating first for the RAG views ("Red and overdue"), the filter leads use most.
        "register_by_name": "register_entries (area, name_order, person_id)",
        "register_by_rating_name": "register_entries (area, rating, name_order, person_id)",
        "register_by_rating_due": (
            f"register_entries (area, rating, ({SORTS['next_review_due']}), person_id)"
        ),
        **{
            f"register_by_{key}": f"register_entries (area, ({column}), person_id)"
            for key, column in SORTS.items()
            if key != "name"
        },
        "inpatients_by_area": "inpatient_oversight (area, next_duty_due)",
        **service_gaps.INDEXES,
        **referrer_told.INDEXES,
    }

    def __init__(self, context: Context, suffix: str = "") -> None:
        super().__init__(context, suffix)
        self.names = NameOrder()

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        states, events = PersonStates.for_batch(
            cursor, self.t("register_state"), self.context, batch
        )
        touched = {}
        for event, _ in events:
            person = states.apply(event)
            touched[person.id] = person
        states.flush()
        table = self.t("register_entries")
        gone = [(str(pid),) for pid, p in touched.items() if not _on_register_list(p)]
        cursor.executemany(f"DELETE FROM {table} WHERE person_id = ?", gone)
        try:
            labels = self.name_labels(cursor, touched)
        except BaseException:
            self.names = NameOrder()  # half-placed: start again from the stored rows
            raise
        rows = [
            {**self.row(p), "name_order": labels[str(p.id)]}
            for p in touched.values()
            if _on_register_list(p)
        ]
        upsert(cursor, table, rows, personal=PERSONAL)
        inpatients = self.t("inpatient_oversight")
        cursor.executemany(
            f"DELETE FROM {inpatients} WHERE person_id = ?",
            [(str(pid),) for pid, p in touched.items() if not _overseen_apart(p)],
        )
        upsert(
            cursor,
            inpatients,
            [self.inpatient_row(p) for p in touched.values() if _overseen_apart(p)],
            personal=INPATIENT_PERSONAL,
        )
        people = list(touched.values())
        service_gaps.write(
            cursor,
            self.t("service_referrals"),
            self.t("person_needs"),
            people,
            [_on_register_list(p) or _overseen_apart(p) for p in people],
        )
        policies = {a: self.context.areas.policy(a).cadences for a in {p.area for p in people}}
        referrer_told.write(cursor, self.t(referrer_told.TABLE), people, policies)

    def name_labels(self, cursor: Cursor, touched: dict[UUID, Person]) -> dict[str, int]:
        """Each listed person's place in their area's name order (name_order.py); rows of
        others the placing relabelled are updated here."""
        listed = {str(pid): p for pid, p in touched.items() if _on_register_list(p)}
        areas = {p.area for p in listed.values()}
        areas |= {a for pid in touched if (a := self.names.cached_area_of(str(pid)))}
        generations = self.t("register_order_state")
        stored: dict[str, int] = {}
        if areas:
            cursor.execute(
                f"SELECT area, generation FROM {generations} "
                f"WHERE area IN ({', '.join('?' for _ in areas)})",
                sorted(areas),
            )
            stored = {row["area"]: row["generation"] for row in cursor.fetchall()}
        changed: dict[str, int] = {}
        for area in sorted(areas):
            self.names.load(area, stored.get(area), partial(self._stored_names, cursor), changed)
        for pid in touched:
            if str(pid) not in listed:
                self.names.remove(str(pid))
        labels = {
            pid: self.names.place(
                pid, p.area, name_key(p.details.family_name, p.details.given_name), changed
            )
            for pid, p in listed.items()
        }
        others = [(label, pid) for pid, label in changed.items() if pid not in listed]
        cursor.executemany(
            f"UPDATE {self.t('register_entries')} SET name_order = ? WHERE person_id = ?", others
        )
        cursor.executemany(
            f"INSERT INTO {generations} (area, generation) VALUES (?, ?) "
            "ON CONFLICT (area) DO UPDATE SET generation = excluded.generation",
            sorted(self.names.stored(areas).items()),
        )
        return labels

    def _stored_names(self, cursor: Cursor, area: str) -> list[tuple[str, str, int | None]]:
        cursor.execute(
            f"SELECT person_id, family_name, given_name, name_order "
            f"FROM {self.t('register_entries')} WHERE area = ?",
            (area,),
        )
        rows = cursor.fetchall()
        return [
            (
                str(row["person_id"]),
                name_key(_text(row["family_name"]), _text(row["given_name"])),
                row["name_order"],
            )
            for row in rows
        ]

    def comparable(self, table: str, rows: list[Row]) -> list[Row]:
        """Labels depend on the order people joined; who comes before whom does not."""
        if table != "register_entries":
            return rows
        ranked = sorted(rows, key=lambda r: (r["area"], r["name_order"], r["person_id"]))
        places: dict[str, int] = {}
        for row in ranked:
            row["name_order"] = places[row["area"]] = places.get(row["area"], 0) + 1
        return ranked

    def inpatient_row(self, person: Person) -> Row:
        stay = person.admission
        assert stay is not None
        policy = self.context.areas.policy(person.area).cadences
        duties = inpatient_duties(person, policy)
        first = min(duties) if duties else None
        details = person.details
        return {
            "person_id": str(person.id),
            "area": person.area,
            "status": str(person.status),
            "register_status": register_status(person),
            "given_name": details.given_name,
            "family_name": details.family_name,
            "date_of_birth": _d(details.date_of_birth),
            "nhs_number": details.nhs_number,
            "chi_number": details.chi_number,
            "hospital": stay.hospital,
            "admitted_on": _d(stay.admitted_on),
            "hospital_area": stay.hospital_area,
            "in_area": stay.in_area,
            "ward_type": str(stay.ward_type),
            "security_level": str(stay.security_level) if stay.security_level else None,
            "child_at_admission": not person.details.erased
            and person.details.age_on(stay.admitted_on) < ADULT_AGE,
            "next_duty_kind": str(first.kind) if first else None,
            "next_duty_due": _d(first.due_on) if first else None,
            "admission_type": str(stay.admission_type) if stay.admission_type else None,
            "stay_started_on": _d(stay.total_stay_started_on),
            "planned_discharge_on": _d(stay.planned_discharge_on),
            "ready_for_discharge_on": _d(stay.ready_for_discharge_on),
            "delay_reason": stay.delay_reason,
            "version": person.version,
            **stay_facts(person, duties),
        }

    def row(self, person: Person) -> Row:
        policy = self.context.areas.policy(person.area)
        duties = due_reviews(person, policy.cadences)  # once: the next, the decision, the spell's
        due = duties[0] if duties else None
        decision = next((d for d in duties if d.kind is DueKind.REFERRAL_DECISION), None)
        stay = person.admission
        last = max(person.reviews, key=lambda r: r.held_on) if person.reviews else None
        lead = person.lead_professional
        rating = person.rating
        placement = person.placement
        waiting = waiting_services(person)
        details = person.details
        return {
            "person_id": str(person.id),
            "area": person.area,
            "scheme": str(person.scheme),
            "status": str(person.status),
            "given_name": details.given_name,
            "family_name": details.family_name,
            "date_of_birth": _d(details.date_of_birth),
            "nhs_number": details.nhs_number,
            "chi_number": details.chi_number,
            "setting": str(person.setting),
            "setting_since": _d(setting_since(person)),
            "rating": str(rating.level) if rating else None,
            "urgent_reason": str(rating.urgent_reason) if rating and rating.urgent_reason else None,
            "rating_since": _d(person.rating_since),
            "out_of_area": person.setting is Setting.OUT_OF_AREA_PLACEMENT,
            "hospital": stay.hospital if stay else None,
            "admitted_on": _d(stay.admitted_on) if stay else None,
            "ready_for_discharge_on": _d(stay.ready_for_discharge_on) if stay else None,
            "delay_reason": str(stay.delay_reason) if stay and stay.delay_reason else None,
            "lead_professional": lead.name if lead else None,
            "last_review_on": _d(last.held_on) if last else None,
            "last_review_kind": str(last.kind) if last else None,
            "next_review_kind": str(due.kind) if due else None,
            "next_review_due": _d(due.due_on) if due else None,
            "referred_on": _d(person.referred_on),
            "accepted_on": _d(person.accepted_on),
            "admission_type": str(stay.admission_type) if stay and stay.admission_type else None,
            "stay_started_on": _d(stay.total_stay_started_on) if stay else None,
            "ward_type": str(stay.ward_type) if stay else None,
            "security_level": str(stay.security_level) if stay and stay.security_level else None,
            "detained_under": stay.detained_under if stay else None,
            "planned_discharge_on": _d(stay.planned_discharge_on) if stay else None,
            "placement_location": str(placement.location)
            if placement and placement.location
            else None,
            "placement_appropriate": placement.appropriate if placement else None,
            "waiting_services": ",".join(sorted(waiting)) or None,
            "waiting_since": _d(min(waiting.values())) if waiting else None,
            "needs": ",".join(sorted({n.code for n in person.needs})) or None,
            "version": person.version,
            "register_status": register_status(person),
            "decision_due": _d(decision.due_on) if decision else None,
            "consent_basis": str(person.consent.basis) if person.consent else None,
            "referral_reason": person.referral_source[0],
            "referrer_type": person.referral_source[1],
            **stay_facts(person, duties),
        }


def _on_register_list(person: Person) -> bool:
    """On the register, or a referral awaiting its decision, at home or in hospital: the
    register list shows the first, the referral queue the second (issue 27)."""
    return person.status in (Status.ON_REGISTER, Status.REFERRED)


def waiting_services(person: Person) -> dict[str, date]:
    """Services requested and not yet started, with the day each was requested (seed 004)."""
    return {
        service: requested
        for service, (requested, started) in person.services.items()
        if started is None
    }


def _overseen_apart(person: Person) -> bool:
    """In hospital and apart from the DSR: only the inpatient list shows them."""
    return person.admission is not None and not _on_register_list(person)


def setting_since(person: Person) -> date:
    """When the person entered their current setting."""
    if person.admission is not None:
        return person.admission.admitted_on
    starts = [d for d in (person.referred_on, person.first_admitted_on) if d is not None]
    if person.last_discharged_on:
        starts.append(person.last_discharged_on)
    if person.placement is not None:
        starts.append(person.placement.started_on)
    return max(starts)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
