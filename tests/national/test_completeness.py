"""Issue 31: a PHS quarter published with 2 of its 31 partnerships missing says so, counts
them by their last return carried forward and marks those cells `e`; the revision that
completes it replaces the estimates and marks every cell that changed `R`."""

from __future__ import annotations

import csv
import io
from datetime import date

from dsr_http.runtime import opened
from dsr_projections.national import publications, returns
from dsr_projections.national.collections import PHS
from dsr_projections.national.completeness import expected_areas, tables_csv
from dsr_projections.storage.database import ViewDatabase
from tests.conftest import SettingsFactory

LATE = ("S37000005", "S37000029")


def returned(db: ViewDatabase, area: str, period: str, enhanced: int) -> None:
    """An area's return of `enhanced` people on enhanced monitoring and 6 at risk."""
    atoms = [["enhanced_monitoring", "female", enhanced], ["urgent_at_risk", "male", 6]]
    content = {
        "collection": PHS.name,
        "area": area,
        "period": period,
        "census_date": date(2025, 3, 27).isoformat(),
        "atoms": {"register": atoms},
        "records": [],
        "controls": {},
    }
    key = {"collection": PHS.name, "area": area, "period": period}
    returns.store(db, "national_returns", key, content, returns.return_tables)


def published(db: ViewDatabase, period: str) -> dict:  # type: ignore[type-arg]
    found = returns.read(db, "national_publications", {"collection": PHS.name, "period": period})
    assert found is not None
    return found


def test_missing_partnerships_are_estimated_marked_and_revised(
    make_settings: SettingsFactory,
) -> None:
    areas = expected_areas(PHS, "2025-Q2")
    assert areas is not None and len(areas) == 31
    with opened(make_settings()) as runtime:
        db = runtime.db
        for n, area in enumerate(areas):
            returned(db, area, "2025-Q1", 10 + n)
        publications.publish(db, PHS, PHS.period("2025-Q1"))
        first = published(db, "2025-Q1")
        assert first["coverage"]["status"] == "complete" and first["flags"] == {}

        for n, area in enumerate(areas):
            if area not in LATE:
                returned(db, area, "2025-Q2", 20 + n)
        publications.publish(db, PHS, PHS.period("2025-Q2"))
        estimated = published(db, "2025-Q2")
        coverage = estimated["coverage"]
        assert coverage["status"] == "estimated" and coverage["missing"] == []
        assert len(coverage["returned"]) == 29 and coverage["expected_areas"] == 31
        assert coverage["estimated"] == {
            area: {"carried_forward_from": "2025-Q1", "revision": 1} for area in LATE
        }
        table = estimated["tables"]["register_by_category"]
        marks = estimated["flags"]["register_by_category"]
        for area in LATE:  # their Q1 figures stand in, marked e
            assert table[area]["enhanced_monitoring"] == 10 + areas.index(area)
            assert set(marks[area].values()) == {"e"}
        assert set(marks[PHS.national_code].values()) == {"e"}
        assert areas[0] not in marks  # a partnership that returned is not marked
        # the nation counts all 31: 29 returns for Q2 and 2 carried forward from Q1
        expected_total = (
            sum((10 if area in LATE else 20) + n for n, area in enumerate(areas)) + 6 * 31
        )
        assert table[PHS.national_code]["total"] == expected_total

        for area in LATE:  # the late returns come in
            returned(db, area, "2025-Q2", 20 + areas.index(area))
        made = publications.publish(db, PHS, PHS.period("2025-Q2"))
        assert made == {"revision": 2, "new": True}
        complete = published(db, "2025-Q2")
        assert complete["coverage"]["status"] == "complete"
        revised = complete["flags"]["register_by_category"]
        for area in LATE:
            assert revised[area]["enhanced_monitoring"] == "R"
            assert "urgent_at_risk" not in revised[area]  # 6 in Q1 and in Q2
        assert revised[PHS.national_code]["total"] == "R"
        assert revised[PHS.national_code].get("urgent_at_risk") is None  # 6 x 31 both times
        assert areas[0] not in revised

        rows = list(csv.DictReader(io.StringIO(tables_csv(complete["tables"], complete["flags"]))))
        late_row = next(
            r for r in rows if r["row"] == LATE[0] and r["column"] == "enhanced_monitoring"
        )
        assert late_row["flags"] == "R"
        assert {r["flags"] for r in rows} == {"", "R"}


def test_england_names_its_42_icbs_until_they_changed_in_april_2026() -> None:
    """The ICBs of July 2022 owe the months to March 2026; the list for later months (six
    new ICBs from 1 April 2026) is not shipped, and a publication says so, not "missing"."""
    from dsr_projections.national.collections import ENGLAND
    from dsr_projections.national.completeness import coverage

    before = expected_areas(ENGLAND, "2026-03")
    assert before is not None and len(before) == 42
    assert expected_areas(ENGLAND, "2026-04") is None
    later = coverage(ENGLAND, "2026-05", ["E54000048"], {})
    assert later["status"] == "expected_areas_not_known" and later["missing"] == []
