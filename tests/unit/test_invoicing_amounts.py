"""Invoice arithmetic without a database: half-up cents, btw once per rate, Dutch notation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from casework.invoicing.pdf import money
from casework.services.facturen import parse_periode, totals
from casework.services.tarieven import cents

D = Decimal


def test_half_up_to_cents() -> None:
    assert cents(D("120.015")) == D("120.02")  # banker's rounding would give 120.01
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("-0.005")) == D("-0.01")
    assert cents(D("571.50") * D("0.50")) == D("285.75")


def test_btw_once_over_the_total_not_per_line() -> None:
    # 3 x 0.07 at 21%: per line 0.0147 → 0.01 (0.03 in all); once over 0.21 → 0.0441 → 0.04
    excl, btw, incl = totals([(D("0.07"), D("21"))] * 3)
    assert (excl, btw, incl) == (D("0.21"), D("0.04"), D("0.25"))


def test_the_issue_example() -> None:
    assert totals([(D("285.75"), D("21.00"))] * 8) == (D("2286.00"), D("480.06"), D("2766.06"))


def test_rates_are_grouped() -> None:
    excl, btw, _ = totals([(D("100.00"), D("21")), (D("100.00"), D("9"))])
    assert (excl, btw) == (D("200.00"), D("30.00"))


@given(st.lists(st.integers(min_value=-100_000, max_value=100_000), max_size=40))
def test_totals_are_exact_and_consistent(cents_list: list[int]) -> None:
    lines = [(D(c) / 100, D("21")) for c in cents_list]
    excl, btw, incl = totals(lines)
    assert excl == sum((amount for amount, _ in lines), D("0"))
    assert incl == excl + btw
    assert btw == cents(excl * D("0.21"))


def test_dutch_notation_and_periods() -> None:
    assert money(D("2766.06")) == "EUR 2.766,06"
    assert money(D("-285.75")) == "-EUR 285,75"
    assert parse_periode("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
