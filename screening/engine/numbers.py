"""Amounts as BOMs write them ("1,234.50", "1.234,50", "1 234,50", "1'234.50", "€ 1.234", "12,50 лв."), and a
line's value.

A single separator followed by exactly three digits is read as a thousands separator ("1.234" and "1,234" are
1234; "0.125" stays 0.125), as the German export's Qty "1.200" means 1200; anything else is a decimal mark.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from .records import Field

# Currency words (in any script, with their abbreviating dot: "Kč", "лв.", "ден.", "kr", "Lek") and symbols, and
# the spaces and apostrophes that group digits ("1 234", "1'234", "1 234" with a no-break or thin space).
_NOISE = re.compile(r"(?:[^\W\d_]+\.?|[€$£¥₩₹₽¤\s\u00a0\u2009\u202f'’])+")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})
_SHAPE = re.compile(r"[-+]?\d[\d.,]*|[-+]?[.,]\d+")
_SCIENTIFIC = re.compile(r"[-+]?\d+(\.\d+)?[eE][-+]?\d+")


def parse_amount(text: str | None) -> Decimal | None:
    """The number in a quantity or price cell, or None when the cell is blank or holds no plain number."""
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    text = text.translate(_MINUS)  # "−1 234,50": Swedish and German exports write a real minus sign
    if _SCIENTIFIC.fullmatch(text):
        return _decimal(text)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = _NOISE.sub("", text)
    if text.endswith("-"):  # "1.234,50-" as some ERP exports write a negative amount
        negative, text = True, text[:-1]
    if not text or not _SHAPE.fullmatch(text):
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if negative:
        sign = "-"
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        if text.count(decimal_mark) > 1:
            return None
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif dots or commas:
        mark = "." if dots else ","
        head, _, tail = text.rpartition(mark)
        groups = text.split(mark)
        if len(groups) > 2:
            # "1.234.567": every group after the first has three digits, else it is not a number
            if not all(len(g) == 3 for g in groups[1:]):
                return None
            text = "".join(groups)
        elif len(tail) == 3 and head not in ("", "0", "-0"):
            text = head + tail
        else:
            text = f"{head or '0'}.{tail}"
    return _decimal(sign + text)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def line_value(values: Mapping[str, str]) -> Decimal | None:
    """A BOM line's value: its total price, else quantity × unit price; None when it cannot be told."""
    total = parse_amount(values.get(Field.TOTAL_PRICE.value))
    if total is not None:
        return total
    quantity = parse_amount(values.get(Field.QUANTITY.value))
    unit_price = parse_amount(values.get(Field.UNIT_PRICE.value))
    if quantity is None or unit_price is None:
        return None
    return quantity * unit_price
