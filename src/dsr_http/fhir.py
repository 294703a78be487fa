"""One person as a FHIR bundle (issue 16, item 1), for care records and other systems.

Built from the person's record and history with the R4-series models of `fhir.resources`
(R4B, 4.3.0: the library's R4 line on pydantic 2; the resources used here are the same as
in R4 4.0.1), and checked by them: a bundle that does not validate is never served.
Profiles are UK Core's where one exists (named in `meta.profile`); national numbers use
the national identifier systems; codes use UK Core's national code systems where one
exists (discharge destination, ethnic category, legal status: `fhir_codes`) and dsr's
own, one per code list, under the installation's FHIR base (`DSR_FHIR_BASE_URL`, or the
server's own address) where none does. Statuses follow the record: once the person is
off the register their Consent, Flag and CareTeam are inactive and the CarePlan completed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from fhir.resources.R4B.bundle import Bundle

from dsr_core.domain.codes import Scheme, Sex, Status
from dsr_core.person.aggregate import Person
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import due_reviews
from dsr_core.service.history import HistoryEntry
from dsr_http.fhir_codes import Codes

MEDIA_TYPE = "application/fhir+json"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
CHI_NUMBER = "https://fhir.nhs.uk/Id/chi-number"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
GENDER = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.OTHER: "other"}
SCOTLAND_BASIS = "duty_to_record"
"""Scotland records everyone in scope without consent: the basis is the area's duty."""


ACTIVE = frozenset({Status.REFERRED, Status.ON_REGISTER})
"""While the person is on the register (or referred to it) their plan and team are live."""


def person_bundle(
    person: Person,
    history: list[HistoryEntry],
    cadences: CadencePolicy,
    today: date,
    *,
    base: str,
    withhold_details: bool = False,
) -> dict[str, Any]:
    """The bundle as JSON, validated by the FHIR models first; `base` is the installation's
    FHIR base URL, under which dsr's own code systems and person ids are named."""
    patient_ref = f"urn:uuid:{person.id}"
    codes = Codes(base.rstrip("/") + "/CodeSystem")
    resources = [
        (patient_ref, _patient(person, withhold_details, base)),
        *_episodes(person, history, patient_ref, codes),
        *_encounters(person, history, patient_ref, codes),
        *_consent(person, patient_ref, codes),
        *_flag(person, patient_ref, codes),
        *_care_plan(person, cadences, today, patient_ref, codes),
        *_care_team(person, patient_ref, codes),
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


def _patient(person: Person, withhold: bool, base: str) -> dict[str, Any]:
    details = person.details
    own = base.rstrip("/") + "/Id/person"
    identifiers: list[dict[str, Any]] = [{"system": own, "value": str(person.id)}]
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
    if details.ethnic_category and (ethnicity := Codes.ethnic_category(details.ethnic_category)):
        patient["extension"] = [ethnicity]
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
    person: Person, history: list[HistoryEntry], patient: str, codes: Codes
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
                    "type": [
                        codes.local("register", person.area, f"Period {number} on the register")
                    ],
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
            legal = (stay["legal_status"], stay.get("detained_under"))
            stays.append({**stay, "discharged_on": None, "destination": None, "legal": legal})
        elif entry.event_type == "LegalStatusChanged" and stays:
            stays[-1]["legal"] = (entry.data["legal_status"], entry.data.get("detained_under"))
        elif entry.event_type == "Discharged" and stays:
            day = entry.effective_on.isoformat() if entry.effective_on else None
            stays[-1].update(discharged_on=day, destination=entry.data["destination"])
    return stays


def _encounters(
    person: Person, history: list[HistoryEntry], patient: str, codes: Codes
) -> list[tuple[str, dict[str, Any]]]:
    """One per hospital stay. dsr holds neither the source nor the method of admission
    (UK Core's `admitSource` and admission method): Assuring Transformation's admission
    type (first, readmission, transfer) is a second `type`, in dsr's own code system."""
    found = []
    scheme = person.scheme
    for stay in hospital_stays(history):
        url, rid = _id(person, "stay", stay["admitted_on"])
        hospitalization: dict[str, Any] = {}
        if stay["destination"]:
            hospitalization["dischargeDisposition"] = codes.destination(scheme, stay["destination"])
        legal = [codes.legal_status(scheme, "admission", stay["legal_status"],
                                    stay.get("detained_under"))]  # fmt: skip
        if stay["discharged_on"]:
            legal.append(codes.legal_status(scheme, "discharge", *stay["legal"]))
        kinds = [codes.local("ward-type", stay["ward_type"])]
        if stay.get("admission_type"):
            kinds.append(codes.local("admission-type", stay["admission_type"]))
        when = {"start": stay["admitted_on"]}
        if stay["discharged_on"]:
            when["end"] = stay["discharged_on"]
        encounter: dict[str, Any] = {
            "resourceType": "Encounter",
            "id": rid,
            "meta": _meta("Encounter"),
            "status": "finished" if stay["discharged_on"] else "in-progress",
            "class": {"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"},
            "extension": legal,
            "type": kinds,
            "subject": {"reference": patient},
            "period": when,
            "serviceProvider": {"display": stay["hospital"]},
        }
        if hospitalization:
            encounter["hospitalization"] = hospitalization
        found.append((url, encounter))
    return found


def _consent(person: Person, patient: str, codes: Codes) -> list[tuple[str, dict[str, Any]]]:
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
                "status": "active" if person.status in ACTIVE else "inactive",
                "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
                "category": [codes.local("consent-category", "dsr_inclusion", "On the DSR")],
                "patient": {"reference": patient},
                "dateTime": decided_on.isoformat(),
                "policyRule": codes.local("lawful-basis", basis),
            },
        )
    ]


def _flag(person: Person, patient: str, codes: Codes) -> list[tuple[str, dict[str, Any]]]:
    rating = person.rating
    if rating is None:
        return []
    url, rid = _id(person, "rating", person.rating_since)
    code = str(rating.level)
    flag: dict[str, Any] = {
        "resourceType": "Flag",
        "id": rid,
        "meta": _meta("Flag"),
        "status": "active" if person.status in ACTIVE else "inactive",
        "category": [{"coding": [{"system": FLAG_CATEGORY, "code": "clinical"}]}],
        "code": codes.local("rating", code, f"DSR rating: {code}"),
        "subject": {"reference": patient},
    }
    if person.rating_since:
        flag["period"] = {"start": person.rating_since.isoformat()}
    return [(url, flag)]


def _care_plan(
    person: Person, cadences: CadencePolicy, today: date, patient: str, codes: Codes
) -> list[tuple[str, dict[str, Any]]]:
    activities: list[dict[str, Any]] = [
        {
            "detail": {
                "kind": "Task",
                "code": codes.local("action", "action_plan_item"),
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
                    "code": codes.local("review-kind", str(due.kind)),
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
                "status": _plan_status(person),
                "intent": "plan",
                "title": "DSR action plan and due reviews",
                "subject": {"reference": patient},
                "created": today.isoformat(),
                "activity": activities,
            },
        )
    ]


def _plan_status(person: Person) -> str:
    if person.erased_on is not None:
        return "revoked"
    return "active" if person.status in ACTIVE else "completed"


def _care_team(person: Person, patient: str, codes: Codes) -> list[tuple[str, dict[str, Any]]]:
    members = person.current_team()
    if not members:
        return []
    url, rid = _id(person, "care-team", person.period)
    participants = [
        {
            "role": [codes.local("professional-role", str(m.role))],
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
                "status": "active" if person.status in ACTIVE else "inactive",
                "subject": {"reference": patient},
                "participant": participants,
            },
        )
    ]
