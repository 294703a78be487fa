"""Issue 31: a Scottish partnership of 3 inpatients and 7 others. Its own dataset (API, CLI
and CSV) is controlled table by table, so read together it could give the 3 away: every
output of it says it is unsuppressed and only the area's lead gets it. What readers outside
the area get is the nation's publication, from which the 3 cannot be worked out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dsr_projections.national.collections import PHS
from dsr_projections.national.disclosure import profile_named
from tests.api.conftest import Headers
from tests.api.test_national import scottish_person
from tests.national.test_release_audit import attack
from tests.support import factories as f

AREA = f.SCOTTISH_AREA
DATASET = f"/v1/areas/{AREA}/national-dataset"


def test_the_area_dataset_is_labelled_and_kept_to_the_lead(
    client: TestClient, auth: Headers
) -> None:
    lead, analyst = auth("lead", AREA), auth("analyst", AREA)
    position = 0
    for seed in range(1, 11):  # three in hospital (ready on the census day: not delayed), seven not
        _, position = scottish_person(client, lead, seed, "2025-06-26" if seed <= 3 else None)
    dataset = client.get(DATASET, params={"period": "2025-Q2", "wait_for": position}, headers=lead)
    assert dataset.status_code == 200, dataset.text
    body = dataset.json()
    assert body["classification"].startswith("unsuppressed")
    assert "anonymised" not in dataset.text.replace("not anonymised", "")
    for format in ("records-csv", "tables-csv"):
        csv = client.get(DATASET, params={"period": "2025-Q2", "format": format}, headers=lead)
        assert csv.status_code == 200
        assert 'filename="unsuppressed-' in csv.headers["content-disposition"]
    # no one but the lead: analysts, commissioners and another area's lead are refused
    for other in (analyst, auth("commissioner", AREA), auth("lead", "S37000032")):
        assert client.get(DATASET, params={"period": "2025-Q2"}, headers=other).status_code == 403
    assert client.get("/v1/snapshots", headers=analyst).status_code == 403
    assert client.get("/v1/snapshots", headers=lead).status_code == 200

    # readers outside the area get the publication, from which the 3 cannot be worked out
    returned = client.post(
        f"/v1/returns/phs_coming_home/{AREA}/2025-Q2", params={"wait_for": position}, headers=lead
    )
    assert returned.status_code == 201, returned.text
    scotland = auth("national", "S92000003")
    published = client.post("/v1/publications/phs_coming_home/2025-Q2", headers=scotland)
    assert published.status_code == 201, published.text
    tables = client.get("/v1/publications/phs_coming_home/2025-Q2", headers=analyst).json()
    assert tables["tables"]["register_by_category"][AREA]["urgent_in_hospital"] == "*"
    # one partnership of 31 returned, none before: the rest are missing, and it says so
    assert tables["coverage"]["status"] == "incomplete"
    assert tables["coverage"]["returned"] == [AREA] and len(tables["coverage"]["missing"]) == 30
    as_csv = client.get(
        "/v1/publications/phs_coming_home/2025-Q2", params={"format": "csv"}, headers=analyst
    )
    assert as_csv.text.startswith("table,row,column,value,flags\n")
    widths = attack(PHS, tables["areas"], tables["tables"])
    protection = profile_named(PHS.profile).protection_level
    assert widths and min(widths.values()) >= protection - 1e-6
