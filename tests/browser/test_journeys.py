"""The console in a real browser: the journeys a DSR team makes, each page checked by
axe-core (WCAG 2.2 A and AA) as it is met, and no request leaving the service."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import Browsers, Page, sign_in

pytestmark = pytest.mark.system

AREA = "E54000048"
NHS_NUMBER = "9434765919"


def checked(page: Page, name: str) -> Page:
    """The page passes axe, asked nothing of another site, logged no script error; and
    its screenshot is kept (when asked for)."""
    assert page.accessibility_violations() == [], page.path
    assert page.requests_elsewhere() == []
    assert page.console_errors() == [], page.path
    page.screenshot(name)
    return page


def version_of(page: Page) -> str:
    return str(page.driver.find_element(By.NAME, "version").get_attribute("value"))


def test_a_lead_runs_a_case_from_referral_to_discharge(server: str, browsers: Browsers) -> None:
    lead = Page(browsers(), server)
    checked(lead.go("/sign-in"), "sign-in")
    sign_in(lead, "lead", AREA, "lead-1")
    assert lead.path.startswith("/register")
    checked(lead, "register-empty")

    # a referral, through the form the referrals page offers
    lead.go("/referrals").follow("Refer a person")
    checked(lead, "referral-form")
    lead.choose("area", AREA)
    lead.fill("details.given_name", "Alex").fill("details.family_name", "Example")
    lead.date("details.date_of_birth", 1, 1, 1990)
    lead.choose("details.sex", "female").choose(
        "details.diagnosis_group", "learning_disability_and_autism"
    )
    lead.fill("details.nhs_number", NHS_NUMBER)
    lead.date("referred_on", 10, 1, 2026)
    lead.choose("criteria", "support_at_risk")
    lead.fill("referred_by", "Community LD nurse").fill("reason", "Family carer unwell.")
    lead.press("Save")
    assert "Recorded: Referred" in lead.text, lead.errors()
    person = lead.path.split("/")[2].split("?")[0]
    checked(lead, "person-referred")

    # triage from the queue: the lawful basis, then acceptance as Amber
    lead.go("/referrals")
    assert "Alex Example" in lead.text
    checked(lead, "referrals")
    lead.follow("Record consent or lawful basis")
    lead.choose("basis", "informed_consent").date("decided_on", 11, 1, 2026)
    lead.fill("decided_by", "the person").press("Save")
    assert "Recorded:" in lead.text, lead.errors()
    lead.go("/referrals").follow("Accept")
    lead.choose("rating.level", "amber").date("accepted_on", 14, 1, 2026).press("Save")
    assert "Amber" in lead.text, lead.errors()

    # a bad date is refused with the NHS.UK error summary, and nothing is written
    lead.go(f"/people/{person}/record/admissions")
    before = version_of(lead)
    lead.date("admitted_on", 31, 2, 2026).fill("hospital", "Example Hospital")
    lead.choose("ward_type", "learning_disability").choose("in_area", "true")
    lead.choose("legal_status", "detained").choose("detained_under", "03")
    lead.press("Save")
    assert lead.errors() == ["Admitted on must be a real date, like 31 3 2025"], lead.text[:1500]
    assert lead.driver.title.startswith("Error: ")
    checked(lead, "command-form-error")
    lead.go(f"/people/{person}/record/admissions")
    assert version_of(lead) == before

    # the admission (Blue), a C(E)TR with an action, the discharge plan and a delay
    lead.date("admitted_on", 10, 2, 2026).fill("hospital", "Example Hospital")
    lead.choose("ward_type", "learning_disability").choose("in_area", "true")
    lead.choose("legal_status", "detained").choose("detained_under", "03")
    lead.press("Save")
    assert "Blue" in lead.text and "Example Hospital" in lead.text, lead.errors()
    checked(lead, "person-in-hospital")

    lead.go(f"/people/{person}/record/reviews")
    lead.choose("kind", "cetr").date("held_on", 1, 3, 2026)
    lead.fill("outcome", "Plan discharge; find housing.")
    lead.fill("attendees", "DSR lead\nPsychiatrist")
    lead.fill("actions.0.description", "Find housing").fill("actions.0.owner", "Social worker")
    lead.date("actions.0.due_on", 1, 4, 2026)
    lead.press("Save")
    assert "Find housing" in lead.text, lead.errors()

    lead.go(f"/people/{person}/record/planned-discharge-dates")
    lead.date("recorded_on", 2, 3, 2026).date("planned_on", 30, 6, 2026).press("Save")
    lead.go(f"/people/{person}/record/discharge-plan-scores")
    checked(lead, "command-form")
    lead.date("recorded_on", 2, 3, 2026).choose("scores.housing_identified", "1").press("Save")
    assert "Plan items in place" in lead.text, lead.errors()
    lead.go(f"/people/{person}/record/discharge-readiness")
    lead.date("ready_on", 1, 4, 2026).press("Save")
    lead.go(f"/people/{person}/record/discharge-delays")
    lead.date("recorded_on", 15, 4, 2026).choose(
        "delay_reason", lead_first_code(lead, "delay_reason")
    )
    lead.press("Save")
    assert "Clinically ready" in lead.text and "delayed" in lead.text, lead.errors()

    # a commissioner finds them on the inpatient list, with the hospital and the delay
    commissioner = Page(browsers(), server)
    sign_in(commissioner, "commissioner", AREA, "commissioner-1")
    assert commissioner.path.startswith("/inpatients")
    row = commissioner.driver.find_element(By.XPATH, "//tr[contains(., 'Alex Example')]")
    assert "Example Hospital" in row.text and "Delayed" in row.text
    checked(commissioner, "inpatients")

    # the discharge, with the new rating
    lead.go(f"/people/{person}/record/discharges")
    lead.date("discharged_on", 20, 5, 2026).choose("destination", "supported_housing")
    lead.choose("rating.level", "red").press("Save")
    assert "Recorded: Discharged" in lead.text and "Red" in lead.text, lead.errors()
    lead.go(f"/people/{person}/timeline")
    assert "Discharged" in lead.text and "Admitted" in lead.text
    checked(lead, "timeline")
    # the board's filters as a person sets them ("Any" rating and age group sent empty)
    lead.go("/register")
    lead.driver.find_element(By.CSS_SELECTOR, 'label[for="overdue"]').click()
    lead.press("Apply filters")
    assert lead.heading.startswith("Register") and "Filtered list" in lead.text
    lead.choose("rating", "red").press("Apply filters")
    assert "Alex Example" in lead.text
    lead.go("/panel").press("Show")
    assert "Alex Example" in lead.text
    for path, name in (
        ("/dashboard", "dashboard"),
        ("/panel", "panel-pack"),
        ("/national", "national"),
        (f"/people/{person}/record", "record-something"),
        (f"/people/{person}/record/reviews", "review-form"),
        (f"/people/{person}", "person"),
        ("/referrals", "referrals"),
        ("/emergency-access", "emergency-access"),
        ("/emergency-access/new", "emergency-form"),
        ("/register", "register"),
        ("/people/00000000-0000-0000-0000-000000000000", "not-found"),
    ):
        checked(lead.go(path), name)

    # an auditor reads the record as it stood on a past date
    auditor = Page(browsers(), server)
    sign_in(auditor, "auditor", AREA, "auditor-1")
    checked(auditor, "audit")
    auditor.fill("record", NHS_NUMBER).press("Open the audit trail")
    assert "Admitted" in auditor.text and "lead-1" in auditor.text
    checked(auditor, "audit-trail")
    auditor.follow("as at a date")
    auditor.fill("day", "1").fill("month", "3").fill("year", "2026").press("Show")
    assert "As at 1 March 2026" in auditor.text and "Blue" in auditor.text
    assert "Example Hospital" in auditor.text
    checked(auditor, "person-as-at")


def lead_first_code(page: Page, name: str) -> str:
    options = page.driver.find_elements(By.CSS_SELECTOR, f'select[name="{name}"] option')
    return str(next(o.get_attribute("value") for o in options if o.get_attribute("value")))


def test_two_people_editing_one_record_the_second_is_shown_the_first_change(
    server: str, browsers: Browsers
) -> None:
    first, second = Page(browsers(), server), Page(browsers(), server)
    sign_in(first, "lead", AREA, "lead-a")
    sign_in(second, "practitioner", AREA, "practitioner-b")
    person = referred(first, "Sam", "Conflict", "10 1 2026")
    first.go(f"/people/{person}/record/views")
    second.go(f"/people/{person}/record/risk-factors")
    second.date("recorded_on", 12, 1, 2026).choose("risk_factors", "carer_health").press("Save")
    assert "Recorded:" in second.text, second.errors()
    # the first, still on the form opened before, sends it
    first.date("recorded_on", 13, 1, 2026).fill("family", "We want Sam closer to home.")
    first.press("Save")
    assert first.errors() == [
        "Someone else changed this record after you opened this form. Check what they "
        "recorded, then send your form again if it is still right."
    ]
    assert "Risk factors recorded" in first.text and "practitioner-b" in first.text
    checked(first, "conflict")
    first.press("Save")  # having read it, sends it again: recorded on the new version
    assert "Recorded:" in first.text, first.errors()


def referred(page: Page, given: str, family: str, on: str) -> str:
    day, month, year = (int(p) for p in on.split())
    page.go("/referrals/new")
    page.choose("area", AREA)
    page.fill("details.given_name", given).fill("details.family_name", family)
    page.date("details.date_of_birth", 2, 2, 1995)
    page.choose("details.sex", "male").choose("details.diagnosis_group", "autism")
    page.date("referred_on", day, month, year).choose("criteria", "support_at_risk")
    page.fill("referred_by", "GP").fill("reason", "Placement at risk.").press("Save")
    assert "Recorded: Referred" in page.text, page.errors()
    return page.path.split("/")[2].split("?")[0]


def test_a_double_submitted_form_records_once(server: str, browsers: Browsers) -> None:
    lead = Page(browsers(), server)
    sign_in(lead, "lead", AREA, "lead-double")
    person = referred(lead, "Jo", "Twice", "5 1 2026")
    lead.go(f"/people/{person}/record/views")
    lead.date("recorded_on", 6, 1, 2026).fill("person", "I want to live near my sister.")
    # the same rendered form sent twice, as a double click or a resend after a time-out
    # sends it: the same fields, token and idempotency key, with the browser's cookie
    statuses = lead.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const form = document.querySelector('main form');"
        "const send = () => fetch(form.action, {method: 'POST', body: new FormData(form),"
        " redirect: 'manual'}).then(r => r.status);"
        "Promise.all([send(), send()]).then(done);"
    )
    assert len(statuses) == 2
    lead.go(f"/people/{person}/timeline")
    assert len(re.findall(r"Views recorded", lead.text)) == 1


def test_the_keyboard_alone_signs_in_and_reaches_a_record(server: str, browsers: Browsers) -> None:
    page = Page(browsers(), server)
    page.go("/sign-in")
    body = page.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = page.driver.switch_to.active_element
    assert active.text == "Skip to main content"
    active.send_keys(Keys.ENTER)
    for _ in range(10):  # tab until the user field: a focus order a person can follow
        page.driver.switch_to.active_element.send_keys(Keys.TAB)
        if page.driver.switch_to.active_element.get_attribute("name") == "user":
            break
    user = page.driver.switch_to.active_element
    assert user.get_attribute("name") == "user"
    user.send_keys(Keys.CONTROL, "a")
    user.send_keys("keyboard-user")
    # Enter sends the form (lead by default); wait for the next page, not a fixed time
    page.after_load(lambda: user.send_keys(Keys.ENTER))
    assert page.path.startswith("/register")
    link = page.driver.find_element(By.LINK_TEXT, "Referrals")
    page.after_load(lambda: link.send_keys(Keys.ENTER))
    assert page.heading.startswith("Referrals")


@pytest.mark.parametrize("path", ["/sign-in", "/register", "/referrals/new", "/dashboard"])
def test_pages_reflow_at_320_css_pixels(server: str, browsers: Browsers, path: str) -> None:
    page = Page(browsers(), server)
    sign_in(page, "lead", AREA, "lead-narrow")
    page.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": True},
    )
    page.go(path)
    width = page.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 320, f"{path} is {width} px wide"


def test_the_keyboard_alone_fills_in_and_sends_a_form(server: str, browsers: Browsers) -> None:
    page = Page(browsers(), server)
    sign_in(page, "lead", AREA, "lead-keys")
    person = referred(page, "Kim", "Keys", "3 1 2026")
    page.go(f"/people/{person}/record/consents")

    def tab_to(name: str) -> None:
        for _ in range(60):
            page.driver.switch_to.active_element.send_keys(Keys.TAB)
            if page.driver.switch_to.active_element.get_attribute("name") == name:
                return
        raise AssertionError(f"Tab never reached {name}")

    page.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_to("basis")
    page.driver.switch_to.active_element.send_keys(Keys.SPACE)  # the first lawful basis
    for name, typed in (
        ("decided_on.day", "4"),
        ("decided_on.month", "1"),
        ("decided_on.year", "2026"),
        ("decided_by", "the person"),
    ):
        tab_to(name)
        page.driver.switch_to.active_element.send_keys(typed)
    page.after_load(lambda: page.driver.switch_to.active_element.send_keys(Keys.ENTER))
    assert "Recorded: Consent recorded" in page.text, page.errors()


def test_a_long_stay_inpatient_referred_years_after_admission(
    server: str, browsers: Browsers
) -> None:
    """Issue 27: the stay, a C(E)TR and the ready date are recorded as they happened, years
    before the referral; the person is on the referral queue and the inpatient list."""
    lead = Page(browsers(), server)
    sign_in(lead, "lead", AREA, "lead-longstay")
    person = referred(lead, "Sam", "Longstay", "10 6 2025")
    lead.go(f"/people/{person}/record/admissions")
    lead.date("admitted_on", 4, 3, 2019).fill("hospital", "Imaginary Secure Hospital")
    lead.choose("ward_type", "learning_disability").choose("in_area", "false")
    lead.choose("legal_status", "detained").choose("detained_under", "03")
    lead.fill("provider_code", "RX4").fill("provider_name", "Imaginary Health NHS Trust")
    lead.choose("commissioner_type", "icb").fill("commissioner_code", "QHM")
    lead.press("Save")
    assert "Imaginary Secure Hospital" in lead.text and "RX4" in lead.text, lead.errors()
    assert "4 March 2019" in lead.text
    checked(lead, "person-long-stay")
    lead.go(f"/people/{person}/record/reviews")
    lead.choose("kind", "cetr").date("held_on", 15, 1, 2025).fill("outcome", "Plan agreed.")
    lead.press("Save")
    assert "Recorded:" in lead.text, lead.errors()
    lead.go(f"/people/{person}/record/discharge-readiness")
    lead.date("ready_on", 1, 11, 2022).press("Save")
    assert "Recorded:" in lead.text, lead.errors()

    lead.go("/referrals")
    row = lead.driver.find_element(By.XPATH, "//tr[contains(., 'Sam Longstay')]")
    assert "In hospital" in row.text and "Imaginary Secure Hospital" in row.text
    lead.go("/inpatients")
    row = lead.driver.find_element(By.XPATH, "//tr[contains(., 'Sam Longstay')]")
    assert "Referred" in row.text and "4 March 2019" in row.text and "Delayed" in row.text
    assert "15 July 2025" in row.text  # the repeat C(E)TR, 6 months after the last
    checked(lead, "inpatients-long-stay")
    lead.go("/register")
    assert "Sam Longstay" not in lead.text


def test_an_inpatient_never_referred_is_recorded_and_overseen(
    server: str, browsers: Browsers
) -> None:
    lead = Page(browsers(), server)
    sign_in(lead, "lead", AREA, "lead-notified")
    lead.go("/inpatients").follow("Record an inpatient not referred to the register")
    checked(lead, "inpatient-notification-form")
    lead.choose("area", AREA)
    lead.fill("details.given_name", "Robin").fill("details.family_name", "Unreferred")
    lead.date("details.date_of_birth", 3, 3, 1988)
    lead.choose("details.sex", "male").choose("details.diagnosis_group", "learning_disability")
    lead.fill("notified_by", "Provider notification")
    lead.date("admitted_on", 1, 2, 2021).fill("hospital", "Imaginary General")
    lead.choose("ward_type", "mental_health").choose("in_area", "false")
    lead.choose("legal_status", "informal")
    lead.press("Save")
    assert "Recorded:" in lead.text and "Imaginary General" in lead.text, lead.errors()

    commissioner = Page(browsers(), server)
    sign_in(commissioner, "commissioner", AREA, "commissioner-notified")
    commissioner.go("/inpatients")
    row = commissioner.driver.find_element(By.XPATH, "//tr[contains(., 'Robin Unreferred')]")
    assert "Not referred" in row.text and "Overdue" in row.text
    checked(commissioner, "inpatients-not-referred")
    lead.go("/register")
    assert "Robin Unreferred" not in lead.text
    lead.go("/referrals")
    assert "Robin Unreferred" not in lead.text


def test_the_interactive_docs_render_every_operation_with_no_network(
    server: str, browsers: Browsers
) -> None:
    """Swagger UI must read the OpenAPI 3.1 document FastAPI emits (issue 29: the 4.x bundle
    showed "Unable to render this definition")."""
    from selenium.webdriver.support.ui import WebDriverWait

    page = Page(browsers(), server)
    page.go("/docs")
    WebDriverWait(page.driver, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 50
    )
    assert "Unable to render" not in page.text
    shown = {e.text for e in page.driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert "/v1/persons/{person_id}" in shown and "/v1/register" in shown
    assert page.requests_elsewhere() == []


def test_redoc_renders_the_contract_with_no_network(server: str, browsers: Browsers) -> None:
    """ReDoc 2 reads the 3.1 document too, from the packaged bundle, fonts included."""
    from selenium.webdriver.support.ui import WebDriverWait

    page = Page(browsers(), server)
    page.go("/redoc")
    WebDriverWait(page.driver, 60).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-section-id^='operation/']")) > 50
    )
    assert "Something went wrong" not in page.text
    assert "getPerson" in page.driver.page_source
    assert page.requests_elsewhere() == []


def test_the_problem_type_pages_read_well_to_anyone(server: str, browsers: Browsers) -> None:
    """Issue 29: an integrator follows a problem's `type` to its page, signed in or not."""
    page = Page(browsers(), server)
    checked(page.go("/problems"), "problem-types")
    page.follow("consent-required")
    assert page.path == "/problems/consent-required"
    assert "What to do" in page.text
    checked(page, "problem-type")
