"""Werkdagen: working days that skip weekends and Dutch public holidays.

The `holidays` package knows the Dutch public holidays (Bevrijdingsdag only in lustrum years).
School holidays differ per region and are data the programme office keeps, not code.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _feestdagen(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_werkdag(day: date) -> bool:
    return day.weekday() < 5 and day not in _feestdagen(day.year)


def werkdagen_tussen(start: date, end: date) -> int:
    """Werkdagen after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    # whole weeks at once, then the remainder day by day; holidays subtracted per year
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for d in _feestdagen(year) if start < d <= end and d.weekday() < 5)
    return count


def plus_werkdagen(start: date, werkdagen: int) -> date:
    """The date `werkdagen` working days after `start`."""
    day = start
    remaining = werkdagen
    while remaining > 0:
        day += timedelta(days=1)
        if is_werkdag(day):
            remaining -= 1
    return day
