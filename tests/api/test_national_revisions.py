"""Issue 31's two-revision attack over HTTP: a quarter published, a back-dated admission,
the quarter published again; an analyst holding both revisions pins no suppressed count."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from dsr_projections.national.collections import PHS
from tests.api.conftest import Headers, referral_body
from tests.national.test_revisions import PROTECTION, Seen, attack_together
from tests.support import factories as f

A, B, C = f.SCOTTISH_AREA, "S37000032", "S37000001"
PUBLICATION = "/v1/publications/phs_coming_home/2025-Q2"  # census Thursday 26 June 2025
URGENT_IN_HOSPITAL = (
    "urgent",
    "urgent_in_hospital",
    "urgent_in_hospital_delayed",
    "urgent_in_hospital_not_delayed",
)


def on_register(client: TestClient, lead: dict[str, str], area: str, seed: int) -> tuple[str, int]:
    body = referral_body(seed=seed, area=area)
    pid = client.post("/v1/persons", json=body, headers=lead).json()["person_id"]
    accepted = client.post(
        f"/v1/persons/{pid}/acceptances",
        json={"accepted_on": "2025-01-14", "rating": {"level": "enhanced_monitoring"}},
        headers=lead,
    )
    assert accepted.status_code == 200, accepted.text
    return pid, int(accepted.json()["position"])


def returned(client: TestClient, lead: dict[str, str], area: str, position: int) -> None:
    made = client.post(
        f"/v1/returns/phs_coming_home/{area}/2025-Q2", params={"wait_for": position}, headers=lead
    )
    assert made.status_code in (200, 201), made.text


def seen(publication: dict[str, Any]) -> Seen:
    return Seen(publication["areas"], publication["tables"], {})


def test_a_revised_quarter_read_with_the_first_pins_no_one(
    client: TestClient, auth: Headers
) -> None:
    leads = {area: auth("lead", area) for area in (A, B, C)}
    scotland, analyst = auth("national", "S92000003"), auth("analyst", A)
    people: dict[str, list[str]] = {A: [], B: [], C: []}
    last, seed = 0, 0
    for area, count in ((A, 7), (B, 12), (C, 5)):
        for _ in range(count):
            seed += 1
            pid, last = on_register(client, leads[area], area, seed)
            people[area].append(pid)
    for pid in people[C]:  # C's five are in hospital: the nation's count is shown
        admitted = client.post(
            f"/v1/persons/{pid}/admissions",
            json=f.admission().model_dump(mode="json"),
            headers=leads[C],
        )
        last = int(admitted.json()["position"])
    for area in (A, B, C):
        returned(client, leads[area], area, last)
    assert client.post(PUBLICATION, headers=scotland).status_code == 201

    # one of A's seven was in hospital on the census day after all: a back-dated admission
    admitted = client.post(
        f"/v1/persons/{people[A][0]}/admissions",
        json=f.admission().model_dump(mode="json"),
        headers=leads[A],
    )
    assert admitted.status_code == 200, admitted.text
    returned(client, leads[A], A, int(admitted.json()["position"]))
    revised = client.post(PUBLICATION, headers=scotland)
    assert (revised.status_code, revised.json()["revision"]) == (201, 2), revised.text

    first = client.get(PUBLICATION, params={"revision": 1}, headers=analyst).json()
    second = client.get(PUBLICATION, headers=analyst).json()
    assert second["controls"]["audited_with_revisions"] == [1]
    assert second["returns"] == {A: 2, B: 1, C: 1}
    in_hospital = second["tables"]["register_by_category"][A]["urgent_in_hospital"]
    assert in_hospital == "*"  # one person: hidden
    widths = attack_together(PHS, [seen(first), seen(second)], {A})
    counting_the_one = {  # every cell of the revision that counts the person in hospital
        cell: width
        for cell, width in widths.items()
        if cell[0] == 1 and cell[2] in (A, PHS.national_code) and cell[3] in URGENT_IN_HOSPITAL
    }
    assert counting_the_one
    assert all(width >= PROTECTION - 1e-6 for width in counting_the_one.values())
    # publishing again with no return changed stores nothing new
    again = client.post(PUBLICATION, headers=scotland)
    assert (again.status_code, again.json()["revision"]) == (200, 2)
