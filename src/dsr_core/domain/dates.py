"""Calendar arithmetic as practice counts it (domain rules, "Reviews, actions and cadences").

Months are calendar months, with the end-of-month rule: 31 August + 6 months is the last
day of February (28 or 29), 1 March + 6 months is 1 September. Weeks and days are exact.
Writing "182 days" for "6 months" puts a due date a day or two late, which an audit reads
as late.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later, or that month's last day if it is shorter."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def birthday(born: date, age: int) -> date:
    """The day a person reaches `age`; born on 29 February, 1 March in a common year
    (the day after 28 February, as `PersonDetails.age_on` counts it)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)
