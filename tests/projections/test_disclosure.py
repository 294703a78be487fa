"""Disclosure control, without a database: each profile's promise, and hypothesis properties."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dsr_projections.national.anonymity import age_band, k_anonymise, pseudonym
from dsr_projections.national.disclosure import SUPPRESSED, Table, publish, publish_statistic
from tests.support.disclosure_checks import recoverable_cells

small_tables = st.dictionaries(
    st.sampled_from(["18-24", "25-34", "35-44", "45-54"]),
    st.dictionaries(
        st.sampled_from(["female", "male", "not_known"]), st.integers(0, 30), min_size=1
    ),
    min_size=1,
)


def test_nhs_england_hides_1_to_7_and_rounds_the_rest_to_5() -> None:
    published = publish(
        Table("t", {"all": {"a": 3, "b": 12, "c": 0}}, column_totals=False), "nhs_england"
    )
    assert published.cells["all"] == {"a": SUPPRESSED, "b": 10, "c": 0, "total": 15}


def test_phs_scotland_suppresses_a_second_cell_when_one_would_follow_from_the_total() -> None:
    published = publish(
        Table("t", {"all": {"a": 3, "b": 12, "c": 20}}, column_totals=False), "phs_scotland"
    )
    assert published.cells["all"] == {"a": SUPPRESSED, "b": SUPPRESSED, "c": 20, "total": 35}
    assert (published.primary, published.secondary) == (1, 1)


def test_two_ones_are_not_enough_protection_for_each_other() -> None:
    published = publish(
        Table("t", {"all": {"a": 1, "b": 1, "c": 9}}, column_totals=False), "phs_scotland"
    )
    assert published.cells["all"]["c"] == SUPPRESSED


def test_a_mean_of_few_people_is_not_shown() -> None:
    assert publish_statistic(40.5, 3, "nhs_england") == SUPPRESSED
    assert publish_statistic(40.5, 8, "nhs_england") == 40.5


@settings(max_examples=300, deadline=None)  # an LP per example: its time varies with load
@given(small_tables)
def test_nhs_england_never_publishes_a_count_from_1_to_7(cells: dict[str, dict[str, int]]) -> None:
    published = publish(Table("t", cells), "nhs_england")
    for cols in published.cells.values():
        for value in cols.values():
            assert value == SUPPRESSED or (
                isinstance(value, int) and value % 5 == 0 and not 1 <= value <= 7
            )


@settings(max_examples=300, deadline=None)  # an LP per example: its time varies with load
@given(small_tables)
def test_phs_scotland_never_publishes_a_count_under_5_or_a_recoverable_cell(
    cells: dict[str, dict[str, int]],
) -> None:
    published = publish(Table("t", cells), "phs_scotland")
    for cols in published.cells.values():
        for value in cols.values():
            assert value == SUPPRESSED or not (isinstance(value, int) and 1 <= value <= 4)
    assert recoverable_cells(published.cells) == []


def test_age_bands_are_counted_on_the_census_date() -> None:
    from datetime import date

    assert age_band(date(2000, 10, 1), date(2025, 9, 30)) == "18-24"
    assert age_band(date(2000, 9, 30), date(2025, 9, 30)) == "25-34"


def test_pseudonyms_are_stable_and_depend_on_the_secret() -> None:
    assert pseudonym(b"a", "person-1") == pseudonym(b"a", "person-1")
    assert pseudonym(b"a", "person-1") != pseudonym(b"b", "person-1")


@given(
    st.lists(
        st.tuples(st.sampled_from(["18-24", "25-34", "65+"]), st.sampled_from(["female", "male"])),
        max_size=60,
    )
)
def test_k_anonymity_holds_after_generalising(pairs: list[tuple[str, str]]) -> None:
    from collections import Counter

    records = [{"age_band": a, "sex": s, "diagnosis_group": "autism"} for a, s in pairs]
    result = k_anonymise(records, ("age_band", "sex", "diagnosis_group"), 5)
    groups = Counter((r["age_band"], r["sex"], r["diagnosis_group"]) for r in result.records)
    assert all(n >= 5 for n in groups.values())
    assert len(result.records) + result.suppressed == len(records)
