"""Length-of-stay arithmetic, without a database."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dsr_projections.stays.spells import BANDS, Episode, los_band, overlap_days


def episode(admitted: date, discharged: date | None) -> Episode:
    return Episode("p", "E54000048", admitted, discharged, False, None, None, None, False, 0)


def test_band_edges_follow_the_national_bands() -> None:
    assert [
        los_band(d) for d in (0, 90, 91, 181, 182, 364, 365, 729, 730, 1825, 1826, 3651, 3652)
    ] == [
        "0-3 months",
        "0-3 months",
        "3-6 months",
        "3-6 months",
        "6-12 months",
        "6-12 months",
        "1-2 years",
        "1-2 years",
        "2-5 years",
        "2-5 years",
        "5-10 years",
        "5-10 years",
        "10 years and over",
    ]


def test_a_later_discharge_does_not_shorten_the_stay_as_at_an_earlier_date() -> None:
    stay = episode(date(2025, 2, 10), date(2025, 5, 20))
    assert stay.length(date(2025, 3, 31)) == 49
    assert stay.length(date(2025, 6, 30)) == 99


@given(st.integers(min_value=0, max_value=20000))
def test_every_length_falls_in_exactly_one_band(days: int) -> None:
    labels = [label for label, _ in BANDS]
    assert labels.count(los_band(days)) == 1


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 1, 1)),
    st.integers(0, 800),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 1, 1)),
    st.integers(0, 400),
)
def test_bed_days_in_a_period_never_exceed_the_period_or_the_stay(
    start: date, length: int, period_start: date, period_length: int
) -> None:
    end = date.fromordinal(start.toordinal() + length)
    period_end = date.fromordinal(period_start.toordinal() + period_length)
    days = overlap_days(start, end, period_start, period_end)
    assert 0 <= days <= min(length, period_length + 1)
