"""Werkdagen skip weekends and Dutch public holidays (Bevrijdingsdag only in lustrum years)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.werkdagen import is_werkdag, plus_werkdagen, werkdagen_tussen


@pytest.mark.parametrize(
    ("day", "werkdag"),
    [
        (date(2026, 11, 23), True),  # a Monday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 4, 27), False),  # Koningsdag (Monday)
        (date(2025, 4, 26), False),  # Koningsdag 2025 moved to Saturday (27 April was Sunday)
        (date(2025, 4, 28), True),  # so the Monday after is a normal day
        (date(2025, 12, 25), False),  # 1e Kerstdag (Thursday)
        (date(2025, 12, 26), False),  # 2e Kerstdag (Friday)
        (date(2026, 12, 28), True),
        (date(2025, 5, 5), False),  # Bevrijdingsdag 2025: a lustrum year, a day off
        (date(2026, 5, 5), True),  # Bevrijdingsdag 2026: not a lustrum year, a werkdag
        (date(2030, 5, 6), True),
        (date(2030, 5, 5), False),  # a Sunday anyway
        (date(2026, 5, 14), False),  # Hemelvaartsdag
        (date(2026, 5, 25), False),  # 2e Pinksterdag
        (date(2026, 4, 6), False),  # 2e Paasdag
        (date(2027, 1, 1), False),  # Nieuwjaarsdag
    ],
)
def test_is_werkdag(day: date, werkdag: bool) -> None:
    assert is_werkdag(day) is werkdag


def test_werkdagen_tussen_counts_after_start_up_to_end() -> None:
    friday, monday = date(2026, 11, 20), date(2026, 11, 23)
    assert werkdagen_tussen(friday, monday) == 1
    assert werkdagen_tussen(friday, friday) == 0
    assert werkdagen_tussen(monday, friday) == 0
    assert werkdagen_tussen(monday, monday + timedelta(days=7)) == 5
    # the week of Koningsdag 2026 has four werkdagen
    assert werkdagen_tussen(date(2026, 4, 26), date(2026, 5, 1)) == 4
    # the week of Bevrijdingsdag: five in 2026, four in 2025 (plus nothing else in either)
    assert werkdagen_tussen(date(2026, 5, 3), date(2026, 5, 8)) == 5
    assert werkdagen_tussen(date(2025, 5, 4), date(2025, 5, 9)) == 4
    # Christmas to New Year 2025/2026: 22 Dec (Mon) .. 2 Jan (Fri) minus 25, 26 Dec and 1 Jan
    assert werkdagen_tussen(date(2025, 12, 21), date(2026, 1, 2)) == 7


def test_plus_werkdagen_skips_holidays() -> None:
    # Friday before Koningsdag 2026 + 1 werkdag is the Tuesday after
    assert plus_werkdagen(date(2026, 4, 24), 1) == date(2026, 4, 28)
    # Thursday 24 Dec 2025 + 1 werkdag: 25, 26 Dec are holidays, then the weekend
    assert plus_werkdagen(date(2025, 12, 24), 1) == date(2025, 12, 29)
    assert plus_werkdagen(date(2026, 11, 23), 0) == date(2026, 11, 23)
    # the intake norm of 10 werkdagen over Bevrijdingsdag 2025
    assert plus_werkdagen(date(2025, 5, 1), 10) == date(2025, 5, 16)


DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2031, 12, 31))


@given(start=DAYS, span=st.integers(min_value=0, max_value=800))
def test_werkdagen_tussen_equals_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    by_day = sum(1 for n in range(1, span + 1) if is_werkdag(start + timedelta(days=n)))
    assert werkdagen_tussen(start, end) == by_day


@given(start=DAYS, werkdagen=st.integers(min_value=0, max_value=300))
def test_plus_werkdagen_is_the_inverse(start: date, werkdagen: int) -> None:
    end = plus_werkdagen(start, werkdagen)
    assert werkdagen_tussen(start, end) == werkdagen
    assert werkdagen == 0 or is_werkdag(end)
