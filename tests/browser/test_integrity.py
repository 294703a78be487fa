"""A record whose stored history fails its check, met in a real browser (issue 30, item 6):
the warning above the record, nothing offered to record, and the page still passes axe."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from uuid import UUID

import pytest
from selenium.webdriver.common.by import By

from dsr_core.process.settings import Settings
from tests.browser.conftest import Browsers, Page, serving, sign_in
from tests.browser.test_journeys import AREA, checked, referred
from tests.projections.test_event_authentication import copied_as_next_version
from tests.projections.test_tamper_evidence import EventStore
from tests.support.pgserver import free_port

pytestmark = pytest.mark.system

WARNING = "This record fails an integrity check"


def test_a_record_failing_its_check_is_marked_and_offers_nothing_to_record(
    tmp_path: Path, browsers: Browsers
) -> None:
    with serving(tmp_path, free_port()) as base:
        lead = Page(browsers(), base)
        sign_in(lead, "lead", AREA, "lead-integrity")
        person = referred(lead, "Ira", "Tampered", "3 2 2026")
        assert WARNING not in lead.text
        assert lead.driver.find_elements(By.LINK_TEXT, "Record something")
        assert lead.driver.find_elements(By.CSS_SELECTOR, f'a[href^="/people/{person}/record/"]')

        store = EventStore(Settings(data_dir=tmp_path))
        with sqlite3.connect(tmp_path / "events.sqlite3") as conn:
            [(version,)] = conn.execute(
                "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?",
                (UUID(person).hex,),
            ).fetchall()
        copied_as_next_version(store, UUID(person), version)

        deadline = time.monotonic() + 15
        while WARNING not in lead.go(f"/people/{person}").text:
            assert time.monotonic() < deadline, "the record was never marked"
            time.sleep(0.2)
        callout = lead.driver.find_element(By.CSS_SELECTOR, ".nhsuk-warning-callout")
        assert WARNING in callout.text
        assert not lead.driver.find_elements(By.LINK_TEXT, "Record something")
        assert not lead.driver.find_elements(By.CSS_SELECTOR, f'a[href^="/people/{person}/record"]')
        checked(lead, "person-integrity-failing")
        # a form reached by its address is refused with the record's reason, not a crash
        lead.go(f"/people/{person}/record/views")
        lead.date("recorded_on", 6, 2, 2026).fill("person", "Wants a garden.").press("Save")
        assert "integrity" in lead.text.lower(), lead.text[:500]
        checked(lead, "person-integrity-refused")
