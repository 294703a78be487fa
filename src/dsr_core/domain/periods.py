"""Reporting periods: a quarter (2025-Q3) or a month (2025-09), with first and last day.

Neutral ground: the national dataset, snapshots, the HTTP API and the CLI all name periods
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, label: str) -> Period:
        """'2025-Q3' (a quarter, the default cadence) or '2025-09' (a month)."""
        try:
            if "-Q" in label:
                year, quarter = label.split("-Q")
                first_month = 3 * (int(quarter) - 1) + 1
                if not 1 <= int(quarter) <= 4:
                    raise ValueError
                start = date(int(year), first_month, 1)
                months = 3
            else:
                year, month = label.split("-")
                start = date(int(year), int(month), 1)
                months = 1
        except ValueError:
            raise ValueError("period must look like 2025-Q3 or 2025-09") from None
        next_start = date(
            start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 1
        )
        return cls(label, start, next_start - timedelta(days=1))
