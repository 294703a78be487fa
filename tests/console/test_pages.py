"""What the working pages show: the panel pack's people, the queue's next steps."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from tests.api.conftest import Headers, referral_body
from tests.api.test_national import AREA, scottish_person
from tests.console.conftest import SignIn, csrf_of
from tests.console.test_access import an_inpatient


def test_the_panel_pack_lists_what_changed_what_is_due_and_what_is_open(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    review = {
        "kind": "cetr",
        "held_on": "2025-03-01",
        "outcome": "Plan discharge",
        "actions": [
            {"description": "Find housing", "owner": "Social worker", "due_on": "2025-04-01"}
        ],
    }
    done = client.post(f"/v1/persons/{person}/reviews", json=review, headers=auth("lead"))
    assert done.status_code == 200, done.text
    position = done.json()["position"]
    assert client.get(f"/v1/register?wait_for={position}", headers=auth("lead")).status_code == 200
    pack = sign_in("lead").get("/panel?day=1&month=1&year=2020")
    assert pack.status_code == 200
    assert "1 person on the register" in pack.text, pack.text[
        pack.text.find("Print this page") - 10 :
    ][:900]
    since = pack.text.split("Since the last panel")[1].split("Duties due or overdue")[0]
    assert "Review held" in since and "Admitted" in since
    assert "Find housing (Social worker), due 1 April 2025" in pack.text
    assert f'href="/people/{person}"' in pack.text


def test_the_referral_queue_offers_the_next_step_by_role(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    lead = auth("lead")
    body = {
        "area": "E54000048",
        "details": {
            "given_name": "Queue",
            "family_name": "Person",
            "date_of_birth": "1990-01-01",
            "sex": "female",
            "diagnosis_group": "autism",
        },
        "referred_on": "2025-01-10",
        "criteria": ["support_at_risk"],
        "referred_by": "GP",
        "reason": "Support at risk.",
    }
    made = client.post("/v1/persons", json=body, headers=lead)
    person = made.json()["person_id"]
    client.get(f"/v1/register?wait_for={made.json()['position']}", headers=lead)
    queue = sign_in("practitioner").get("/referrals").text
    assert "Queue Person" in queue and f"/people/{person}/record/consents" in queue
    consent = {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "the person"}
    recorded = client.post(f"/v1/persons/{person}/consents", json=consent, headers=lead)
    client.get(f"/v1/register?wait_for={recorded.json()['position']}", headers=lead)
    assert f"/people/{person}/record/acceptances" in sign_in("lead").get("/referrals").text
    assert "Waiting for the lead" in sign_in("practitioner").get("/referrals").text


def test_a_lead_makes_a_return_a_national_body_publishes_an_analyst_reads_it(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    lead_api = auth("lead", AREA)
    position = 0
    for seed in (1, 2, 3):
        _, position = scottish_person(client, lead_api, seed, "2025-06-25" if seed < 3 else None)
    client.get(f"/v1/register?wait_for={position}", headers=lead_api)
    lead = sign_in("lead", AREA)
    page = lead.get("/national")
    assert "Make the return" in page.text
    made = lead.post(
        "/national/returns",
        data={
            "csrf_token": csrf_of(page.text),
            "collection": "phs_coming_home",
            "area": AREA,
            "period": "2025-Q2",
        },
    )
    assert made.status_code == 200 and made.url.path.endswith(f"/{AREA}/2025-Q2"), made.text
    assert "Revision 1 of 1" in made.text
    national = sign_in("national", "S92000003")
    page = national.get("/national")
    published = national.post(
        "/national/publications",
        data={
            "csrf_token": csrf_of(page.text),
            "collection": "phs_coming_home",
            "period": "2025-Q2",
        },
    )
    assert published.status_code == 200, published.text
    analyst = sign_in("analyst", AREA)
    shown = analyst.get("/national/publications/phs_coming_home/2025-Q2")
    assert shown.status_code == 200
    assert "Register by category" in shown.text
    assert (
        '<strong>*</strong><span class="nhsuk-u-visually-hidden"> suppressed</span>' in shown.text
    )
    assert analyst.get(f"/national/returns/phs_coming_home/{AREA}/2025-Q2").status_code == 403


def test_the_age_group_filter_shows_only_that_band_with_names_opened(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    lead = auth("lead")
    position = 0
    for seed, born, name in ((11, "2005-03-01", "Young"), (12, "1960-03-01", "Older")):
        body = referral_body(seed=seed)
        body["details"] |= {"date_of_birth": born, "given_name": name}
        person = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
        consent = {"basis": "informed_consent", "decided_on": "2025-01-11", "decided_by": "x"}
        client.post(f"/v1/persons/{person}/consents", json=consent, headers=lead)
        accepted = client.post(
            f"/v1/persons/{person}/acceptances",
            json={"accepted_on": "2025-01-14", "rating": {"level": "amber"}},
            headers=lead,
        )
        position = accepted.json()["position"]
    client.get(f"/v1/register?wait_for={position}", headers=lead)
    page = sign_in("lead").get("/register?age_band=18-24").text
    assert "Young" in page and "Older" not in page
    older = sign_in("lead").get("/register?age_band=65%2B").text
    assert "Older" in older and "Young" not in older


def test_a_rating_is_chosen_from_the_areas_own_scheme(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    scottish = client.post(
        "/v1/persons", json=referral_body(seed=21, area=AREA), headers=auth("lead", AREA)
    ).json()["person_id"]
    form = sign_in("lead", AREA).get(f"/people/{scottish}/record/acceptances").text
    assert 'value="enhanced_monitoring"' in form and 'value="amber"' not in form
    english = an_inpatient(client, auth)
    form = sign_in("lead").get(f"/people/{english}/record/ratings").text
    assert 'value="amber"' in form and 'value="urgent"' not in form


def test_the_dashboard_counts_the_register_by_rating_at_each_month_end(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    an_inpatient(client, auth)  # accepted as Amber on 14 January 2025, Blue from 10 February
    runner = client.app.state.services.runner  # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    while not runner.reached(runner.head(), ["national_dataset", "length_of_stay"]):
        assert time.monotonic() < deadline, "the read models did not catch up"
        time.sleep(0.05)
    page = sign_in("lead").get("/dashboard").text
    table = page.split("At the end of each month")[1].split("</table>")[0]
    rows = {
        cells[0]: cells[1:]
        for cells in (
            re.findall(r'<td class="nhsuk-table__cell[^"]*">([^<]*)</td>', row)
            for row in table.split("<tr")[2:]
        )
    }
    # columns: Blue, Red, Amber, Green
    assert rows["Jan 25"] == ["0", "0", "1", "0"]
    assert rows["Feb 25"] == ["1", "0", "0", "0"]
    assert rows["Dec 24"] == ["0", "0", "0", "0"]


def test_a_decline_waits_on_the_referral_page_until_the_referrer_is_told(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    lead = auth("lead")
    body = referral_body(seed=23)
    person = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
    decline = {"declined_on": "2025-01-12", "reason_code": "criteria_not_met", "reason": "x"}
    declined = client.post(f"/v1/persons/{person}/declines", json=decline, headers=lead)
    client.get(f"/v1/referrals?wait_for={declined.json()['position']}", headers=lead)
    browser = sign_in("practitioner")
    page = browser.get("/referrals").text
    shown = page.split("Decisions to tell the referrer")[1]
    assert body["details"]["family_name"] in shown and "Declined" in shown
    assert "Overdue" in shown  # decided 12 January; the test clock is months later
    form_path = f"/people/{person}/record/referrer-told"
    assert form_path in shown
    form = browser.get(form_path)
    assert form.status_code == 200 and 'name="told_on' in form.text
    empty = browser.post(form_path, data={"csrf_token": csrf_of(form.text)})
    assert empty.status_code == 422 and "nhsuk-error-summary" in empty.text
    assert "/v1/persons" not in empty.text


def test_the_review_form_asks_for_a_finding_under_each_cetr_key_question(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    person = an_inpatient(client, auth)
    browser = sign_in("lead")
    path = f"/people/{person}/record/reviews"
    form = browser.get(path).text
    for question in ("Is the person safe?", "Can care and treatment be provided in the community?"):
        assert question in form
    sent = browser.post(
        path,
        data={
            "csrf_token": csrf_of(form),
            "kind": "cetr",
            "held_on.day": "1",
            "held_on.month": "3",
            "held_on.year": "2025",
            "outcome": "Discharge plan agreed.",
            "findings.safe": "No incidents since admission.",
        },
        follow_redirects=False,
    )
    assert sent.status_code in (302, 303), sent.text[:2000]
    reviews = client.get(f"/v1/persons/{person}", headers=auth("lead")).json()["reviews"]
    assert reviews[-1]["findings"] == {"safe": "No incidents since admission."}


def test_a_clinician_of_another_area_opens_a_record_in_an_emergency_and_the_lead_sees_it(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    from tests.support import factories as f

    person = an_inpatient(client, auth)
    visitor = sign_in("practitioner", f.OTHER_ENGLISH_AREA, user="dr-elsewhere")
    assert visitor.get(f"/people/{person}").status_code == 404
    form = visitor.get("/emergency-access/new")
    assert form.status_code == 200 and "Open a record of another area" in form.text
    blank = visitor.post(
        "/emergency-access/new", data={"csrf_token": csrf_of(form.text), "person_id": person}
    )
    assert blank.status_code == 422 and "nhsuk-error-summary" in blank.text
    sent = visitor.post(
        "/emergency-access/new",
        data={
            "csrf_token": csrf_of(form.text),
            "person_id": person,
            "reason_code": "unplanned_admission",
            "reason": "Admitted to our ward overnight.",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/people/{person}"
    assert visitor.get(f"/people/{person}").status_code == 200

    lead = sign_in("lead")
    deadline = time.monotonic() + 10
    while "dr-elsewhere" not in (page := lead.get("/emergency-access").text):
        assert time.monotonic() < deadline, page[-2000:]
        time.sleep(0.1)
    assert "Admitted to our ward overnight." in page and "Open now" in page
