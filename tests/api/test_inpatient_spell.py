"""Issue 27 over HTTP: the spell stands apart from the register period, an inpatient may be
known without a referral, and each of the three working lists shows whom it should."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.support import factories as f

TODAY = date(2025, 9, 1)  # the test clock's day
AREA = f.ENGLISH_AREA


def post(client: TestClient, lead: Headers | dict[str, str], path: str, body: Any) -> Any:
    response = client.post(path, json=body, headers=lead)
    assert response.status_code in (200, 201), response.text
    return response.json()


def listed(client: TestClient, headers: dict[str, str], path: str, position: int) -> Any:
    response = client.get(path, params={"wait_for": position}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def england_return(client: TestClient, lead: dict[str, str], month: str) -> dict[str, Any]:
    """The area's unsuppressed counts for the month, as the lead reads them back."""
    path = f"/v1/returns/nhs_england_lda/{AREA}/{month}"
    assert client.post(path, headers=lead).status_code in (200, 201)
    stored: dict[str, Any] = client.get(path, headers=lead).json()
    atoms: dict[str, Any] = stored["atoms"]
    return atoms


def test_a_long_stay_inpatient_referred_years_after_admission_is_recorded_as_it_happened(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(1, referred_on="2025-06-10", criteria=["in_hospital"])
    person_id = post(client, lead, "/v1/persons", body)["person_id"]
    path = f"/v1/persons/{person_id}"
    admission = f.admission(admitted_on=date(2019, 3, 4), provider_name="Imaginary Trust")
    post(client, lead, f"{path}/admissions", admission.model_dump(mode="json"))
    cetr = {"kind": "cetr", "held_on": "2025-01-15", "outcome": "Plan agreed."}
    post(client, lead, f"{path}/reviews", cetr)
    last = post(client, lead, f"{path}/discharge-readiness", {"ready_on": "2022-11-01"})

    record = client.get(path, headers=lead).json()
    stay = record["admission"]
    assert (stay["admitted_on"], stay["admission_type"]) == ("2019-03-04", "first")
    basis = {d["kind"]: d["deadline_basis"] for d in record["due_reviews"]}
    assert basis["repeat_cetr"] == "national_policy"
    assert basis["referral_decision"] == "local_default"  # no national timescale

    [row] = listed(client, lead, "/v1/inpatients", last["position"])
    assert row["person_id"] == person_id and row["register_status"] == "referred"
    assert row["given_name"] == body["details"]["given_name"]
    assert (row["admission_type"], row["stay_started_on"]) == ("first", "2019-03-04")
    assert row["days_in_hospital"] == (TODAY - date(2019, 3, 4)).days
    assert row["days_delayed"] == (TODAY - date(2022, 11, 1)).days and row["delayed"]
    assert (row["next_cetr_kind"], row["next_cetr_due"]) == ("repeat_cetr", "2025-07-15")
    assert row["on_dsr_before_admission"] is False

    # A pending referral in hospital is on the referral queue, with its name, for the lead...
    [queued] = listed(client, lead, "/v1/referrals", last["position"])
    assert (queued["person_id"], queued["in_hospital"]) == (person_id, True)
    assert queued["family_name"] == body["details"]["family_name"]
    assert queued["decision_due"] is not None
    # ...and on no register list.
    register = listed(client, lead, "/v1/register", last["position"])
    assert register["items"] == []

    post(client, lead, f"{path}/consents", f.consent(date(2025, 6, 12)).model_dump(mode="json"))
    accepted = post(
        client,
        lead,
        f"{path}/acceptances",
        {"accepted_on": "2025-06-20", "rating": {"level": "blue"}},
    )
    [row] = listed(client, lead, "/v1/inpatients", accepted["position"])
    assert (row["register_status"], row["on_dsr_before_admission"]) == ("on_register", False)
    assert [p["person_id"] for p in listed(client, lead, "/v1/register", 0)["items"]] == [person_id]
    assert listed(client, lead, "/v1/referrals", 0) == []

    # The admission counts in March 2019, never as a transfer in the referral's month.
    june = england_return(client, lead, "2025-06")
    assert june["admissions"] == []
    assert june["inpatients"] and sum(entry[-1] for entry in june["inpatients"]) == 1


def test_an_inpatient_never_referred_is_on_the_inpatient_list_and_in_englands_return(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    notified = client.post(
        "/v1/inpatients",
        json=f.inpatient(seed=2, in_area=False).model_dump(mode="json"),
        headers=lead,
    )
    assert notified.status_code == 201, notified.text
    assert notified.headers["location"] == f"/v1/persons/{notified.json()['person_id']}"
    person_id, position = notified.json()["person_id"], notified.json()["position"]
    record = client.get(f"/v1/persons/{person_id}", headers=lead).json()
    assert (record["status"], record["referred_on"]) == ("not_referred", None)
    assert record["admission"]["provider_code"] == "RX4"
    fhir = client.get(f"/v1/persons/{person_id}/fhir", headers=lead)
    assert fhir.status_code == 200, fhir.text

    for role in ("lead", "practitioner", "commissioner"):
        [row] = listed(client, auth(role), "/v1/inpatients", position)
        assert (row["person_id"], row["register_status"]) == (person_id, "not_referred")
        assert row["family_name"] == f.details(seed=2).family_name  # identity is not hidden
        assert (row["provider_code"], row["commissioner_type"]) == ("RX4", "icb")
        # the duties run from the spell's start: overdue since 2019
        assert (row["next_cetr_kind"], row["next_cetr_due"]) == (
            "post_admission_cetr",
            "2019-04-01",
        )
        assert row["next_visit_due"] is not None and row["overdue"]
    csv = client.get("/v1/inpatients", params={"format": "csv"}, headers=lead)
    assert csv.text.splitlines()[0].startswith("person_id,area,register_status")
    assert person_id in csv.text
    assert listed(client, lead, "/v1/register", position)["items"] == []
    assert listed(client, lead, "/v1/referrals", position) == []
    assert client.get("/v1/inpatients", headers=auth("analyst")).status_code == 403

    august = england_return(client, lead, "2025-08")
    assert sum(entry[-1] for entry in august["inpatients"]) == 1

    # A referral may follow.
    rereferred = client.post(
        f"/v1/persons/{person_id}/re-referrals",
        json={
            "referred_on": "2025-08-20",
            "criteria": ["in_hospital"],
            "referred_by": "Ward social worker",
            "reason": "Discharge planning needs the DSR.",
        },
        headers=lead,
    )
    assert rereferred.status_code == 200, rereferred.text
    [queued] = listed(client, lead, "/v1/referrals", rereferred.json()["position"])
    assert queued["person_id"] == person_id


def test_an_inpatient_notification_with_a_bad_stay_names_the_field(
    client: TestClient, auth: Headers
) -> None:
    body = f.inpatient(seed=3).model_dump(mode="json")
    body["admitted_on"] = "2031-01-01"
    refused = client.post("/v1/inpatients", json=body, headers=auth("lead"))
    assert refused.status_code in (409, 422), refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "admitted_on" in refused.text
    body["admitted_on"], body["provider_code"] = "2019-03-04", "not an ods code"
    refused = client.post("/v1/inpatients", json=body, headers=auth("lead"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("provider_code")
    assert client.get("/v1/inpatients", headers=auth("lead")).json() == []


def test_the_areas_metrics_count_refusals_withdrawals_and_declines_by_reason(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    people = [
        post(client, lead, "/v1/persons", referral_body(seed))["person_id"] for seed in range(1, 5)
    ]
    refusal = {"decided_on": "2025-01-12", "decided_by": "the person"}
    post(client, lead, f"/v1/persons/{people[0]}/consent-refusals", refusal)
    decline = {"declined_on": "2025-01-13", "reason_code": "criteria_not_met", "reason": "x"}
    post(client, lead, f"/v1/persons/{people[0]}/declines", decline)
    post(client, lead, f"/v1/persons/{people[1]}/declines", decline)
    post(client, lead, f"/v1/persons/{people[2]}/consents", f.consent().model_dump(mode="json"))
    accepted = {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}
    post(client, lead, f"/v1/persons/{people[2]}/acceptances", accepted)
    withdrawn = {"withdrawn_on": "2025-02-01", "reason": "Does not want it."}
    last = post(client, lead, f"/v1/persons/{people[2]}/consent-withdrawals", withdrawn)

    url = f"/v1/areas/{AREA}/length-of-stay"
    params = {"period": "2025-Q1", "wait_for": last["position"]}
    outcomes = client.get(url, params=params, headers=lead).json()["referral_outcomes"]
    assert outcomes == {
        "consent_refused": 1,
        "consent_withdrawn": 1,
        "declined_by_reason": {"criteria_not_met": 2},
    }
    # an analyst sees the same figures under the small-number rule: none of these
    analyst = client.get(url, params=params, headers=auth("analyst")).json()
    assert 1 not in analyst["referral_outcomes"].values()


def test_an_english_referral_says_why_now_and_who_referred(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(1, referral_reason="police_or_ae_contact", referrer_type="family")
    created = post(client, lead, "/v1/persons", body)
    record = client.get(f"/v1/persons/{created['person_id']}", headers=lead).json()
    assert (record["referral_reason"], record["referrer_type"]) == (
        "police_or_ae_contact",
        "family",
    )
    [queued] = listed(client, lead, "/v1/referrals", created["position"])
    assert (queued["referral_reason"], queued["referrer_type"]) == (
        "police_or_ae_contact",
        "family",
    )
    # not Coming Home's: a Scottish referral giving it is refused, naming the field
    scottish = referral_body(2, area=f.SCOTTISH_AREA, referral_reason="crisis")
    refused = client.post("/v1/persons", json=scottish, headers=auth("lead", f.SCOTTISH_AREA))
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "referral_reason"
    unknown = client.post(
        "/v1/persons", json=referral_body(3, referrer_type="neighbour"), headers=lead
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "referrer_type"


def test_each_cetr_on_the_record_carries_its_type_as_mhsds_counts_it(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(7, referred_on="2018-11-01")
    path = f"/v1/persons/{post(client, lead, '/v1/persons', body)['person_id']}"
    for review in (
        {"kind": "cetr", "held_on": "2019-01-20", "outcome": "At home: avoid admission."},
        {"kind": "community_cetr", "held_on": "2019-02-01", "outcome": "Crisis plan."},
    ):
        post(client, lead, f"{path}/reviews", review)
    admission = f.admission(admitted_on=date(2019, 3, 4)).model_dump(mode="json")
    post(client, lead, f"{path}/admissions", admission)
    for held_on in ("2019-03-20", "2019-09-18"):
        post(client, lead, f"{path}/reviews", {"kind": "cetr", "held_on": held_on, "outcome": "x"})
    post(client, lead, f"{path}/reviews", {"kind": "mdt", "held_on": "2019-10-01", "outcome": "x"})

    reviews = client.get(path, headers=lead).json()["reviews"]
    assert [(r["held_on"], r["cetr_type"]) for r in reviews] == [
        ("2019-01-20", "community"),  # a C(E)TR before any admission is a community one
        ("2019-02-01", "community"),
        ("2019-03-20", "post_admission"),
        ("2019-09-18", "inpatient_repeat"),
        ("2019-10-01", None),
    ]


def test_a_cetr_records_the_panels_finding_under_each_key_question(
    client: TestClient, auth: Headers
) -> None:
    lead = auth("lead")
    path = f"/v1/persons/{post(client, lead, '/v1/persons', referral_body(8))['person_id']}"
    findings = {"safe": "Restraint used twice this month.", "care_in_community": "Yes, with 2:1."}
    cetr = {"kind": "community_cetr", "held_on": "2025-02-01", "outcome": "x", "findings": findings}
    post(client, lead, f"{path}/reviews", cetr)
    [review] = client.get(path, headers=lead).json()["reviews"]
    assert review["findings"] == findings
    unknown = client.post(
        f"{path}/reviews",
        json={**cetr, "findings": {"teleport": "x"}},
        headers=lead,
    )
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["findings.teleport"]
    mdt = client.post(f"{path}/reviews", json={**cetr, "kind": "mdt"}, headers=lead)
    assert mdt.status_code == 422 and mdt.json()["errors"][0]["field"] == "findings"
    listed = client.get("/v1/code-lists/cetr_key_question", headers=lead).json()
    assert [c["code"] for c in listed["codes"]] == [
        "safe",
        "good_care_now",
        "plans_for_future",
        "care_in_community",
    ]
