"""Delayed days by reason, for any history of readiness and reasons (hypothesis)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dsr_core.domain.discharge import NOT_RECORDED, delayed_days_by_reason
from dsr_core.domain.values import DelayMark

START = date(2025, 1, 1)
marks = st.lists(
    st.tuples(
        st.integers(0, 120),
        st.sampled_from(["ready", "not_ready", "04", "18", "25"]),
    ),
    max_size=12,
).map(
    lambda items: tuple(
        DelayMark(on=START + timedelta(days=d), ready=True)
        if kind == "ready"
        else DelayMark(on=START + timedelta(days=d), ready=False)
        if kind == "not_ready"
        else DelayMark(on=START + timedelta(days=d), reason=kind)
        for d, kind in sorted(items, key=lambda item: item[0])
    )
)


def ready_on(marks: Iterable[DelayMark]) -> date | None:
    """The ready date in force after these marks (None once no longer ready)."""
    current: date | None = None
    for mark in sorted(marks, key=lambda m: m.on):
        if mark.ready is True and current is None:
            current = mark.on
        elif mark.ready is False:
            current = None
    return current


def ready_days(history: tuple[DelayMark, ...], until: date) -> int:
    """Independent count: walk day by day."""
    total = 0
    day = START
    while day < until:
        if ready_on(m for m in history if m.on <= day) is not None:
            total += 1
        day += timedelta(days=1)
    return total


@given(marks, st.integers(0, 150))
def test_every_delayed_day_belongs_to_exactly_one_reason(
    history: tuple[DelayMark, ...], days: int
) -> None:
    until = START + timedelta(days=days)
    by_reason = delayed_days_by_reason(history, until)
    assert sum(by_reason.values()) == ready_days(history, until)
    assert all(v > 0 for v in by_reason.values())
    assert set(by_reason) <= {"04", "18", "25", NOT_RECORDED}


@given(marks, st.integers(0, 150), st.integers(0, 150))
def test_counting_to_a_later_day_never_takes_days_away(
    history: tuple[DelayMark, ...], first: int, second: int
) -> None:
    early, late = sorted((first, second))
    before = delayed_days_by_reason(history, START + timedelta(days=early))
    after = delayed_days_by_reason(history, START + timedelta(days=late))
    assert all(after.get(reason, 0) >= days for reason, days in before.items())
