"""One person as a FHIR bundle (issue 16, item 1), for care records and other systems.

Built from the person's record and history with the R4-series models of `fhir.resources`
(R4B, 4.3.0: the library's R4 line on pydantic 2; the resources used here are the same as
in R4 4.0.1), and checked by them: a bundle that does not validate is never served.
Profiles are UK Core's where one exists (named in `meta.profile`); national numbers use
the national identifier systems; dsr's own codes use its code systems under
`CODE_SYSTEM_BASE`, one per code list, stable.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from fhir.resources.R4B.bundle import Bundle

from dsr_core.domain.codes import Scheme, Sex
from dsr_core.person.aggregate import Person
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import due_reviews
from dsr_core.service.history import HistoryEntry

MEDIA_TYPE = "application/fhir+json"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
CHI_NUMBER = "https://fhir.nhs.uk/Id/chi-number"
CODE_SYSTEM_BASE = "https://dsr.example.org/fhir/CodeSystem/"
"""dsr's own code systems: CODE_SYSTEM_BASE + the code list's name (rating, lawful-basis,
review-kind, ...). Documented in docs/api.md."""
DSR_PERSON = "https://dsr.example.org/fhir/Id/person"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
GENDER = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.OTHER: "other"}
SCOTLAND_BASIS = "duty_to_record"
"""Scotland records everyone in scope without consent: the basis is the area's duty."""


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"system": CODE_SYSTEM_BASE + system, "code": code}
    if display:
        found["display"] = display
    return {"coding": [found]}


def person_bundle(
    person: Person,
    history: list[HistoryEntry],
    cadences: CadencePolicy,
    today: date,
    *,
    withhold_details: bool = False,
) -> dict[str, Any]:
    """The bundle as JSON, validated by the FHIR models first."""
    patient_ref = f"urn:uuid:{person.id}"
    resources = [
        (patient_ref, _patient(person, withhold_details)),
        *_episodes(person, history, patient_ref),
        *_encounters(person, history, patient_ref),
        *_consent(person, patient_ref),
        *_flag(person, patient_ref),
        *_care_plan(person, cadences, today, patient_ref),
        *_care_team(person, patient_ref),
    ]
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid5(NAMESPACE_URL, f"dsr:fhir:{person.id}:{person.version}")),
        "meta": {"lastUpdated": person.modified_on.isoformat()},
        "type": "collection",
        "timestamp": person.modified_on.isoformat(),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


def _id(person: Person, kind: str, key: object) -> tuple[str, str]:
    value = uuid5(NAMESPACE_URL, f"dsr:fhir:{person.id}:{kind}:{key}")
    return f"urn:uuid:{value}", str(value)


def _meta(profile: str) -> dict[str, Any]:
    return {"profile": [UK_CORE + profile]}


def _patient(person: Person, withhold: bool) -> dict[str, Any]:
    details = person.details
    identifiers: list[dict[str, Any]] = [{"system": DSR_PERSON, "value": str(person.id)}]
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.id),
        "meta": _meta("Patient"),
        "gender": GENDER.get(details.sex, "unknown"),
    }
    if not withhold and not details.erased:
        if details.nhs_number:
            identifiers.append({"system": NHS_NUMBER, "value": details.nhs_number})
        if details.chi_number:
            identifiers.append({"system": CHI_NUMBER, "value": details.chi_number})
        patient["name"] = [
            {"use": "official", "family": details.family_name, "given": [details.given_name]}
        ]
        patient["birthDate"] = details.born_on.isoformat()
    patient["identifier"] = identifiers
    return patient


def register_periods(history: list[HistoryEntry]) -> list[dict[str, Any]]:
    """Each period on the register from the history: start, acceptance, end, outcome."""
    periods: list[dict[str, Any]] = []
    for entry in history:
        day = entry.effective_on.isoformat() if entry.effective_on else None
        if entry.event_type in ("Referred", "ReReferred"):
            periods.append({"start": day, "accepted": None, "end": None, "outcome": None})
        elif not periods:
            continue
        elif entry.event_type == "Accepted":
            periods[-1]["accepted"] = day
        elif entry.event_type in ("Removed", "ReferralDeclined"):
            periods[-1]["end"] = day
            periods[-1]["outcome"] = "removed" if entry.event_type == "Removed" else "declined"
    return periods


def _episodes(
    person: Person, history: list[HistoryEntry], patient: str
) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for number, period in enumerate(register_periods(history), start=1):
        url, rid = _id(person, "episode", number)
        if period["outcome"] == "declined":
            status = "cancelled"
        elif period["end"]:
            status = "finished"
        elif period["accepted"]:
            status = "active"
        else:
            status = "waitlist"
        when = {"start": period["start"], **({"end": period["end"]} if period["end"] else {})}
        found.append(
            (
                url,
                {
                    "resourceType": "EpisodeOfCare",
                    "id": rid,
                    "meta": _meta("EpisodeOfCare"),
                    "status": status,
                    "type": [coding("register", person.area, f"Period {number} on the register")],
                    "patient": {"reference": patient},
                    "period": when,
                },
            )
        )
    return found


def hospital_stays(history: list[HistoryEntry]) -> list[dict[str, Any]]:
    """Each admission with its discharge, from the history."""
    stays: list[dict[str, Any]] = []
    for entry in history:
        if entry.event_type in ("Admitted", "InpatientNotified"):
            stay = entry.data["stay"]
            stays.append({**stay, "discharged_on": None, "destination": None})
        elif entry.event_type == "Discharged" and stays:
            day = entry.effective_on.isoformat() if entry.effective_on else None
            stays[-1].update(discharged_on=day, destination=entry.data["destination"])
    return stays


def _encounters(
    person: Person, history: list[HistoryEntry], patient: str
) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for stay in hospital_stays(history):
        url, rid = _id(person, "stay", stay["admitted_on"])
        hospitalization: dict[str, Any] = {}
        if stay.get("admission_type"):
            hospitalization["admitSource"] = coding("admission-type", stay["admission_type"])
        if stay["destination"]:
            hospitalization["dischargeDisposition"] = coding(
                "discharge-destination", stay["destination"]
            )
        when = {"start": stay["admitted_on"]}
        if stay["discharged_on"]:
            when["end"] = stay["discharged_on"]
        encounter: dict[str, Any] = {
            "resourceType": "Encounter",
            "id": rid,
            "meta": _meta("Encounter"),
            "status": "finished" if stay["discharged_on"] else "in-progress",
            "class": {"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"},
            "type": [coding("ward-type", stay["ward_type"])],
            "subject": {"reference": patient},
            "period": when,
            "serviceProvider": {"display": stay["hospital"]},
        }
        if hospitalization:
            encounter["hospitalization"] = hospitalization
        found.append((url, encounter))
    return found


def _consent(person: Person, patient: str) -> list[tuple[str, dict[str, Any]]]:
    if person.consent is not None:
        basis, decided_on = str(person.consent.basis), person.consent.decided_on
    elif person.scheme is Scheme.SCOTLAND_COMING_HOME and person.referred_on is not None:
        basis, decided_on = SCOTLAND_BASIS, person.referred_on
    else:
        return []
    url, rid = _id(person, "consent", basis)
    return [
        (
            url,
            {
                "resourceType": "Consent",
                "id": rid,
                "meta": _meta("Consent"),
                "status": "active",
                "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
                "category": [coding("consent-category", "dsr_inclusion", "On the DSR")],
                "patient": {"reference": patient},
                "dateTime": decided_on.isoformat(),
                "policyRule": coding("lawful-basis", basis),
            },
        )
    ]


def _flag(person: Person, patient: str) -> list[tuple[str, dict[str, Any]]]:
    rating = person.rating
    if rating is None:
        return []
    url, rid = _id(person, "rating", person.rating_since)
    code = str(rating.level)
    flag: dict[str, Any] = {
        "resourceType": "Flag",
        "id": rid,
        "meta": _meta("Flag"),
        "status": "active",
        "category": [{"coding": [{"system": FLAG_CATEGORY, "code": "clinical"}]}],
        "code": coding("rating", code, f"DSR rating: {code}"),
        "subject": {"reference": patient},
    }
    if person.rating_since:
        flag["period"] = {"start": person.rating_since.isoformat()}
    return [(url, flag)]


def _care_plan(
    person: Person, cadences: CadencePolicy, today: date, patient: str
) -> list[tuple[str, dict[str, Any]]]:
    activities: list[dict[str, Any]] = [
        {
            "detail": {
                "kind": "Task",
                "code": coding("action", "action_plan_item"),
                "status": "in-progress" if action.open else "completed",
                "description": action.description,
                "scheduledString": f"due {action.due_on.isoformat()}",
            }
        }
        for action in person.actions.values()
    ]
    if not person.details.erased:
        activities += [
            {
                "detail": {
                    "code": coding("review-kind", str(due.kind)),
                    "status": "scheduled",
                    "scheduledString": f"due {due.due_on.isoformat()}",
                }
            }
            for due in due_reviews(person, cadences)
        ]
    if not activities:
        return []
    url, rid = _id(person, "care-plan", person.period)
    return [
        (
            url,
            {
                "resourceType": "CarePlan",
                "id": rid,
                "meta": _meta("CarePlan"),
                "status": "active" if person.erased_on is None else "revoked",
                "intent": "plan",
                "title": "DSR action plan and due reviews",
                "subject": {"reference": patient},
                "created": today.isoformat(),
                "activity": activities,
            },
        )
    ]


def _care_team(person: Person, patient: str) -> list[tuple[str, dict[str, Any]]]:
    members = person.current_team()
    if not members:
        return []
    url, rid = _id(person, "care-team", person.period)
    participants = [
        {
            "role": [coding("professional-role", str(m.role))],
            "member": {"display": m.name},
            **({"period": {"start": m.started_on.isoformat()}} if m.started_on else {}),
        }
        for m in members
    ]
    return [
        (
            url,
            {
                "resourceType": "CareTeam",
                "id": rid,
                "meta": _meta("CareTeam"),
                "status": "active",
                "subject": {"reference": patient},
                "participant": participants,
            },
        )
    ]
