"""The anonymised national dataset: the case history, then 1,000 synthetic people."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from dsr_core.domain.periods import Period
from dsr_core.person.aggregate import Person
from dsr_core.service.registers import Registers
from dsr_http.cli.demo import generate
from dsr_http.cli.demo_data import ENGLISH_AREAS, SCOTTISH_AREAS
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.national.dataset import QUASI_IDENTIFIERS
from dsr_projections.national.disclosure import SUPPRESSED
from dsr_projections.national.report import Dataset, build_dataset
from tests.support import factories as f
from tests.support.case_history import play
from tests.support.disclosure_checks import recoverable_cells

SECRET = b"national-test-secret"


def dataset(runner: ProjectionRunner, area: str, period: str, profile: str, k: int = 5) -> Dataset:
    return build_dataset(runner.db, area, Period.parse(period), profile, SECRET, k=k)


def test_periods_are_quarters_or_months() -> None:
    assert (Period.parse("2025-Q1").start, Period.parse("2025-Q1").end) == (
        date(2025, 1, 1),
        date(2025, 3, 31),
    )
    assert Period.parse("2024-02").end == date(2024, 2, 29)
    with pytest.raises(ValueError, match="2025-Q3"):
        Period.parse("2025-Q5")


def test_the_case_history_in_the_first_quarter_census(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    runner.catch_up()
    q1 = dataset(runner, f.ENGLISH_AREA, "2025-Q1", "nhs_england", k=1)
    (record,) = q1.records
    # On 31 March the person was on the register, Blue, 49 days into an admission.
    assert {
        k: record[k] for k in ("age_band", "sex", "setting", "rating", "los_band", "delayed")
    } == {
        "age_band": "25-34",
        "sex": "female",
        "setting": "in_hospital",
        "rating": "blue",
        "los_band": "0-3 months",
        "delayed": False,
    }
    tables = {t.name: t.cells for t in q1.tables}
    assert tables["in_hospital_by_sex"]["all"] == {"female": SUPPRESSED, "total": SUPPRESSED}
    # By 30 June they were discharged; after 25 September they are off the register.
    assert (
        dataset(runner, f.ENGLISH_AREA, "2025-Q2", "nhs_england", k=1).records[0]["setting"]
        == "community_at_risk"
    )
    assert dataset(runner, f.ENGLISH_AREA, "2025-Q3", "nhs_england", k=1).records == []


def test_a_lone_record_is_not_published_at_the_default_k(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    play(app, clock)
    runner.catch_up()
    q1 = dataset(runner, f.ENGLISH_AREA, "2025-Q1", "nhs_england")
    assert q1.records == [] and q1.controls["records_suppressed"] == 1


@pytest.fixture
def synthetic(app: Registers, runner: ProjectionRunner, clock: f.FakeClock) -> list[Person]:
    from datetime import UTC, datetime

    clock.now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    summary = generate(app, 1000, seed=7)
    assert summary.people >= 1000 * 0.95
    runner.catch_up(timeout=300)
    people = []
    with runner.db.read() as cursor:
        cursor.execute("SELECT DISTINCT person_id FROM audit_trail")
        ids = [row["person_id"] for row in cursor.fetchall()]
    from uuid import UUID

    people = [app.get_person(UUID(i)) for i in ids]
    return people


def identifying_strings(people: list[Person]) -> set[str]:
    found = set()
    for person in people:
        d = person.details
        found |= {
            d.given_name,
            d.family_name,
            d.born_on.isoformat(),
            d.born_on.strftime("%d/%m/%Y"),
        }
        found |= {n for n in (d.nhs_number, d.chi_number) if n}
        found.add(str(person.id))
    return found


def test_a_thousand_people_export_anonymously(
    runner: ProjectionRunner, synthetic: list[Person]
) -> None:
    secrets = identifying_strings(synthetic)
    objectors = {p.id for p in synthetic if p.objects_to_national_sharing}
    assert objectors, "the synthetic register should include objections"
    for area, profile in [(ENGLISH_AREAS[0], "nhs_england"), (SCOTTISH_AREAS[0], "phs_scotland")]:
        for period in ("2025-Q2", "2025-Q3"):
            data = dataset(runner, area, period, profile)
            exported = data.to_json() + data.records_csv() + data.tables_csv()
            words = set(re.findall(r"[A-Za-z0-9-]+", exported))
            leaked = {s for s in secrets if s in exported or s in words}
            assert not leaked, f"identifying values in the {area} {period} export"
            assert not re.search(r"\d{4}-\d{2}-\d{2}", data.records_csv()), "exact dates in records"

            limit = 7 if profile == "nhs_england" else 4
            for table in data.tables:
                for cols in table.cells.values():
                    for value in cols.values():
                        assert value == SUPPRESSED or not 1 <= int(value) <= limit
                        if profile == "nhs_england" and value != SUPPRESSED:
                            assert int(value) % 5 == 0
                if profile == "phs_scotland":
                    assert recoverable_cells(table.cells) == []

            groups = Counter(tuple(r[q] for q in QUASI_IDENTIFIERS) for r in data.records)
            assert all(n >= 5 for n in groups.values()), "k-anonymity broken"

    # Objectors are left out of record-level rows; pseudonyms are stable across periods.
    from dsr_projections.national.anonymity import pseudonym

    area = ENGLISH_AREAS[1]
    objecting = {
        pseudonym(SECRET, p.id)
        for p in synthetic
        if p.objects_to_national_sharing and p.area == area
    }
    q2 = dataset(runner, area, "2025-Q2", "nhs_england", k=1)
    q3 = dataset(runner, area, "2025-Q3", "nhs_england", k=1)
    published = {r["pseudonym"] for r in q2.records} | {r["pseudonym"] for r in q3.records}
    assert not published & objecting
    assert {r["pseudonym"] for r in q2.records} & {r["pseudonym"] for r in q3.records}


def test_a_delay_coded_on_mhsds_v5_is_counted_under_the_v6_code_that_says_the_same(
    app: Registers, runner: ProjectionRunner, clock: f.FakeClock
) -> None:
    from datetime import UTC, datetime

    from dsr_core.service import commands as cmd
    from dsr_core.service.caller import Caller

    clock.now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    caller = Caller.of(f.LEAD)
    for seed, reason in ((1, "J2"), (2, "H1")):
        referred = f.referral(referred_on=date(2023, 5, 1), seed=seed)
        person_id = app.execute(None, referred, caller).person_id
        for command in (
            f.consent(date(2023, 5, 2)),
            cmd.Accept.model_validate({"accepted_on": "2023-05-03", "rating": {"level": "red"}}),
            f.admission(date(2023, 6, 1)),
            cmd.MarkReadyForDischarge(ready_on=date(2023, 11, 1)),
            cmd.RecordDischargeDelay(recorded_on=date(2024, 1, 10), delay_reason=reason),
        ):
            app.execute(person_id, command, caller)
    runner.catch_up()
    q2 = dataset(runner, f.ENGLISH_AREA, "2024-Q2", "nhs_england", k=1)
    # J2 (awaiting supported accommodation) is v6's 18; v5's H1 "disputes" became two v6
    # codes, so it stays as recorded rather than be guessed.
    assert sorted(r["delay_reason"] for r in q2.records) == ["18", "H1"]
