"""How codes, dates and durations read on a page (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dsr_http.console.forms import humanise

RATING_TAGS = {
    "blue": "nhsuk-tag--blue",
    "red": "nhsuk-tag--red",
    "amber": "nhsuk-tag--orange",
    "green": "nhsuk-tag--green",
    "urgent": "nhsuk-tag--red",
    "enhanced_monitoring": "nhsuk-tag--orange",
    "appropriate_out_of_area": "nhsuk-tag--green",
}
"""The NHS.UK tag colour for each rating: the colour is never the only cue (the text is)."""


SCHEMES = {
    "england_rag": "England: Blue, Red, Amber, Green",
    "scotland_coming_home": "Scotland: Coming Home",
}


def scheme(value: object) -> str:
    return SCHEMES.get(str(value), humanise(str(value)))


def rating_tag(level: object) -> str:
    return RATING_TAGS.get(str(level or ""), "nhsuk-tag--grey")


def day(value: object) -> str:
    """`2025-03-01` -> "1 March 2025", as the NHS.UK style guide writes dates."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and len(value) > 10:
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M} UTC"
    when = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{when.day} {when:%B %Y}"


def duration(days: object) -> str:
    """A number of days as people say it: "12 days", "5 weeks", "7 months", "3 years"."""
    if days is None or days == "":
        return ""
    n = int(str(days))
    if n < 0:
        return f"in {duration(-n)}"
    if n < 28:
        return f"{n} day" if n == 1 else f"{n} days"
    if n < 90:
        return f"{n // 7} weeks"
    if n < 730:
        return f"{n // 30} months"
    return f"{n // 365} years"


def days_between(start: object, end: object) -> int | None:
    if not start or not end:
        return None
    first = start if isinstance(start, date) else date.fromisoformat(str(start)[:10])
    last = end if isinstance(end, date) else date.fromisoformat(str(end)[:10])
    return (last - first).days


def code(value: Any) -> str:
    return humanise(str(value)) if value not in (None, "") else ""


FILTERS = {
    "label": code,
    "scheme": scheme,
    "rating_tag": rating_tag,
    "day": day,
    "duration": duration,
    "days_between": days_between,
}
