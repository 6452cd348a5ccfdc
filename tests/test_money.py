"""Exact amounts and rounding intervals (property-based)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditlib.model.money import (
    Interval,
    compare_ratio,
    compare_sum,
    format_plain,
    format_printed,
    half_unit,
    parse_amount,
)

amounts = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@given(amounts, st.booleans())
def test_parse_amount_round_trips_with_or_without_separators(value: Decimal, thousands: bool):
    text = format_printed(value) if thousands else format_plain(value)
    parsed = parse_amount(text)
    assert parsed == value and parsed.as_tuple().exponent == value.as_tuple().exponent


@given(st.text(alphabet="XＸ万元abc%-—", min_size=1, max_size=6))
def test_parse_amount_refuses_words(text: str):
    if text.strip() in ("", "-", "—"):
        assert parse_amount(text) is None
    else:
        with pytest.raises(ValueError):
            parse_amount(text)


def test_blank_is_not_zero():
    assert parse_amount("") is None and parse_amount("0.00") == Decimal("0.00")
    assert Interval.printed(None) == Interval.exact(Decimal(0))
    assert Interval.printed(Decimal("0.00")) == Interval(Decimal("-0.005"), Decimal("0.005"))


@given(st.lists(amounts, min_size=1, max_size=12))
def test_rounded_parts_of_an_exact_total_are_never_an_error(parts: list[Decimal]):
    """Round exact values to 2 places: their printed sum can differ, but only inside the band."""
    exact = [p + Decimal("0.004") for p in parts]
    printed_parts = [e.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for e in exact]
    printed_total = sum(exact, Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert compare_sum(printed_total, printed_parts) in ("equal", "rounding")


@given(st.lists(amounts, min_size=1, max_size=12), st.integers(min_value=1, max_value=10000))
def test_a_gap_of_a_unit_or_more_beyond_the_band_is_an_error(parts: list[Decimal], cents: int):
    n = len(parts)
    gap = (Decimal(n + 1) * Decimal("0.005")) + Decimal(cents) / 100
    assert compare_sum(sum(parts, Decimal(0)) + gap.quantize(Decimal("0.01")) + Decimal("0.01"), parts) == "error"


@given(amounts, amounts)
def test_interval_sum_contains_sum_of_members(a: Decimal, b: Decimal):
    s = Interval.printed(a) + Interval.printed(b)
    assert a + b in s and (a + b + half_unit(a) + half_unit(b)) in s
    assert (a + b + Decimal("0.011")) not in s


@given(amounts.filter(lambda d: d > 0), amounts.filter(lambda d: d > 0))
def test_a_printed_rate_recomputes(num: Decimal, den: Decimal):
    rate = (num / den * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert compare_ratio(rate, num, den) == "equal"
    assert compare_ratio(rate + Decimal("5.00"), num, den) in ("error", "rounding")


def test_zero_base_is_undefined_not_skipped():
    assert compare_ratio(Decimal("280"), Decimal("0.28"), Decimal("0")) == "undefined"


@pytest.mark.parametrize("value, half", [("2360.70", "0.005"), ("19.5", "0.05"), ("3", "0.5")])
def test_half_unit_follows_printed_places(value: str, half: str):
    assert half_unit(Decimal(value)) == Decimal(half)
