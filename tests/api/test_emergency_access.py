"""Issue 28: emergency ("break glass") access. A clinician of another area opens one
record now, with a reason; the grant lapses; every read under it is marked in the access
log; the owning area's lead sees it on a report and in their reminders the same day."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Headers
from tests.api.test_sections import SECRET, a_full_record
from tests.support import factories as f

ELSEWHERE = f.OTHER_ENGLISH_AREA


def test_a_clinician_elsewhere_opens_a_record_with_a_reason_until_the_grant_lapses(
    client: TestClient, auth: Headers, clock: f.FakeClock
) -> None:
    lead = auth("lead")
    person = a_full_record(client, lead)
    record = f"/v1/persons/{person}"
    visitor = auth("practitioner", ELSEWHERE, sub="dr-out-of-area")
    assert client.get(record, headers=visitor).status_code == 404

    reasons = {"reason_code": "unplanned_admission", "reason": "Admitted to our ward at 3am."}
    own = client.post(f"{record}/emergency-access", json=reasons, headers=lead)
    assert own.status_code == 409  # their own area's record: no glass to break
    refused = client.post(
        f"{record}/emergency-access", json=reasons, headers=auth("analyst", ELSEWHERE)
    )
    assert refused.status_code == 403
    no_reason = client.post(
        f"{record}/emergency-access", json={"reason_code": "other"}, headers=visitor
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.text

    granted = client.post(f"{record}/emergency-access", json=reasons, headers=visitor)
    assert granted.status_code == 200, granted.text
    assert granted.json()["expires_at"].startswith("2025-09-01T14:00")  # 2 hours (a setting)
    shown = client.get(record, headers=visitor)
    assert shown.status_code == 200 and SECRET in shown.text  # the whole record: an emergency
    assert client.get(f"{record}/history", headers=visitor).status_code == 200
    # reading, not writing: the grant opens no command
    views = {"recorded_on": "2025-09-01", "person": "x"}
    assert client.post(f"{record}/views", json=views, headers=visitor).status_code == 404

    trail = client.get(f"/v1/audit/persons/{person}/access", headers=auth("auditor")).json()
    emergency = [r for r in trail if r["actor_id"] == "dr-out-of-area"]
    assert {r["what"] for r in emergency} == {"emergency:record", "emergency:history"}

    report = client.get(
        f"/v1/areas/{f.ENGLISH_AREA}/emergency-access",
        params={"wait_for": granted.json()["position"]},
        headers=lead,
    )
    assert report.status_code == 200
    [row] = report.json()
    assert (row["actor_id"], row["actor_area"], row["reason_code"]) == (
        "dr-out-of-area",
        ELSEWHERE,
        "unplanned_admission",
    )
    assert row["reason"] == reasons["reason"] and row["active"] is True
    denied = client.get(
        f"/v1/areas/{f.ENGLISH_AREA}/emergency-access", headers=auth("practitioner")
    )
    assert denied.status_code == 403
    feed = client.get("/v1/reminders", headers=lead).json()["items"]
    assert [i["kind"] for i in feed if i["person_id"] == person] == ["emergency_access"]

    seen = client.get(f"{record}/who-can-see", headers=lead)
    assert seen.status_code == 200, seen.text
    who = seen.json()
    assert [g["actor_id"] for g in who["emergency"]] == ["dr-out-of-area"]
    assert "safeguarding" not in who["partners"]["education"]
    assert "views" in who["partners"]["education"]
    assert "safeguarding" in who["staff"]["practitioner"]
    readers = {(r["actor_id"], r["what"]) for r in who["read_by"]}
    assert ("dr-out-of-area", "emergency:record") in readers
    assert client.get(f"{record}/who-can-see", headers=auth("practitioner")).status_code == 403

    clock.advance(seconds=2 * 3600 + 1)
    assert client.get(record, headers=visitor).status_code == 404
    lapsed = client.get(f"/v1/areas/{f.ENGLISH_AREA}/emergency-access", headers=lead).json()
    assert lapsed[0]["active"] is False
