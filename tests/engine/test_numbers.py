"""Amounts as BOMs write them, and a line's value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.engine.numbers import line_value, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1\u202f234.5", "1234.5"),
        ("€ 1.234", "1234"),
        ("USD 99.99", "99.99"),
        ("1'234.50", "1234.50"),
        ("12,5", "12.5"),
        ("0.125", "0.125"),
        ("0,125", "0.125"),
        ("1.200", "1200"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567", "1234567"),
        ("4711", "4711"),
        ("-7", "-7"),
        ("(12.50)", "-12.50"),
        ("1.234,50-", "-1234.50"),
        ("1e3", "1000"),
        ("12 pcs", "12"),
        (".5", "0.5"),
        # as the officers' countries write them, with their currency words and signs
        ("1 234,50 Kč", "1234.50"),
        ("1.234,50 Kč", "1234.50"),
        ("12,50 лв.", "12.50"),
        ("1.234,50 ден.", "1234.50"),
        ("Lek 1.200", "1200"),
        ("1\u00a0234,50 kr", "1234.50"),
        ("kr 1\u202f234,50", "1234.50"),
        ("\u22121 234,50", "-1234.50"),
        ("1.234,50 €", "1234.50"),
        ("CHF 1'234.50", "1234.50"),
        ("1’234.50", "1234.50"),
        ("1 234 567,89", "1234567.89"),
        ("1.234.567,89 EUR", "1234567.89"),
        ("12 ks", "12"),
        ("4 Stk.", "4"),
    ],
)
def test_amounts_in_the_usual_spellings(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", [None, "", "   ", "N/A", "EUR", "Kč", "лв.", "1.2.3", "12/05/2024", "abc", "1,23,4"])
def test_blanks_and_non_numbers_give_no_value(text):
    assert parse_amount(text) is None


def test_a_line_value_is_its_total_else_quantity_times_unit_price():
    assert line_value({"total_price": "1.000,00", "quantity": "3", "unit_price": "5"}) == Decimal("1000.00")
    assert line_value({"quantity": "3", "unit_price": "1.234,50"}) == Decimal("3703.50")
    assert line_value({"quantity": "3"}) is None
    assert line_value({"unit_price": "5", "total_price": "n/a"}) is None
    assert line_value({}) is None
