"""The register's downloads: every row the filters select, and no cell a spreadsheet runs."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dsr_http.spreadsheets import FORMULA_STARTS, neutralised
from tests.api.conftest import Headers, referral_body
from tests.console.conftest import SignIn
from tests.support import factories as f


@given(st.text())
def test_no_neutralised_text_starts_a_formula(text: str) -> None:
    shown = neutralised(text)
    assert not shown.startswith(FORMULA_STARTS)
    assert shown in (text, "'" + text)


def on_register(client: TestClient, auth: Headers, seed: int, given_name: str) -> int:
    lead = auth("lead")
    made = client.post("/v1/persons", json=referral_body(seed=seed), headers=lead)
    assert made.status_code == 201, made.text
    person = made.json()["person_id"]
    body = referral_body(seed=seed)["details"] | {"given_name": given_name}
    steps = (
        ("corrections", {"details": body, "corrected_on": "2025-01-12", "reason": "Name"}),
        ("consents", f.consent().model_dump(mode="json")),
        ("acceptances", {"accepted_on": "2025-01-14", "rating": {"level": "amber"}}),
    )
    position = 0
    for path, step in steps:
        answer = client.post(f"/v1/persons/{person}/{path}", json=step, headers=lead)
        assert answer.status_code == 200, answer.text
        position = answer.json()["position"]
    return int(position)


def test_downloads_hold_every_row_with_formulas_neutralised(
    client: TestClient, sign_in: SignIn, auth: Headers
) -> None:
    position = 0
    for seed in range(1, 56):  # more than a page of the board (25) and of the API (50)
        position = on_register(client, auth, seed, "=1+2" if seed == 1 else f"Person{seed}")
    waited = client.get(f"/v1/register?wait_for={position}&limit=1", headers=auth("lead"))
    assert waited.status_code == 200
    lead = sign_in("lead")
    rows = list(csv.reader(io.StringIO(lead.get("/register.csv").text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 55
    names = [row[0] for row in rows[1:]]
    assert any(name.startswith("'=1+2") for name in names)
    assert not any(name.startswith(FORMULA_STARTS) for name in names)
    book = load_workbook(io.BytesIO(lead.get("/register.xlsx").content))
    sheet = book.active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == 55
    assert all(cell.data_type == "s" for cell in cells)
    assert any(str(cell.value).startswith("'=1+2") for cell in cells)
