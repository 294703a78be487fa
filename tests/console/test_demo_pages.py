"""Every page of a whole synthetic register renders: each area's lists, and each person's
record, timeline, forms and audit trail (the demo holds people in hospital, removed,
declined, transferred, erased of nothing: a register's variety in both nations)."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from fastapi.testclient import TestClient

from dsr_http.cli.demo import generate
from dsr_http.cli.demo_data import ENGLISH_AREAS, SCOTTISH_AREAS
from dsr_projections.register.inpatients import inpatient_ids
from dsr_projections.register.queries import register_person_ids
from tests.console.conftest import SignIn

LISTS = ("/register", "/referrals", "/inpatients", "/dashboard", "/panel", "/national")


def test_every_page_of_a_demo_register_renders(client: TestClient, sign_in: SignIn) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    registers = services.registers
    generate(registers, 36, today=registers.today())
    services.runner.catch_up(timeout=120)
    people = register_person_ids(services.runner.db) + inpatient_ids(services.runner.db)
    by_area: dict[str, list[str]] = defaultdict(list)
    for person_id in people:
        by_area[registers.get_person(person_id).area].append(str(person_id))
    assert set(by_area) == set(ENGLISH_AREAS + SCOTTISH_AREAS)
    failures = []
    for area, ids in by_area.items():
        lead, auditor = sign_in("lead", area), sign_in("auditor", area)
        for path in LISTS:
            if (status := lead.get(path).status_code) != 200:
                failures.append(f"{area} {path}: {status}")
        for person in ids:
            record = registers.get_person(UUID(person))
            # as at the referral day (or the admission, for an inpatient never referred)
            then = record.referred_on or record.first_admitted_on
            assert then is not None
            pages = [
                (lead, f"/people/{person}"),
                (lead, f"/people/{person}?day={then.day}&month={then.month}&year={then.year}"),
                (lead, f"/people/{person}/timeline"),
                (lead, f"/people/{person}/record"),
                (lead, f"/people/{person}/record/action-statuses"),
                (lead, f"/people/{person}/record/discharge-plan-scores"),
                (auditor, f"/audit/people/{person}"),
            ]
            for browser, path in pages:
                if (status := browser.get(path).status_code) != 200:
                    failures.append(f"{area} {path}: {status}")
    assert failures == []
