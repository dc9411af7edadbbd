"""BOM value shares: the value on lines with restricted vendors, and with untrusted ones only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.services.values import screening_values_compute
from tests.screening.helpers import upload_bytes
from tests.screening.scenarios import screen, start

pytestmark = pytest.mark.django_db

BOM = """Line;Manufacturer;Qty;Unit Price;Ext. Price
1;Huawei;2;1.234,50;
2;Nokia;1;100;
3;Unknown Widgets Ltd;3;10;
4;Ericsson;;;€ 1.000
5;Huawei / Unknown Widgets Ltd;1;50;
6;Nokia;;;
"""


def test_shares_come_from_line_values_and_findings(officer_a, sample_lists):
    screening = screen(start(upload_bytes(BOM.encode(), "priced.csv"), user=officer_a))

    assert screening.bom_value_total == Decimal("2469") + 100 + 30 + 1000 + 50
    assert screening.restricted_value == Decimal("2469") + 50, "line 5 is restricted, not untrusted"
    assert screening.untrusted_value == Decimal("30")
    assert screening.restricted_share == pytest.approx(2519 / 3649)
    assert screening.untrusted_share == pytest.approx(30 / 3649)


def test_computing_again_gives_the_same_totals(officer_a, sample_lists):
    screening = screen(start(upload_bytes(BOM.encode(), "priced.csv"), user=officer_a))

    again = screening_values_compute(screening_id=screening.pk)

    assert (again.bom_value_total, again.restricted_value, again.untrusted_value) == (
        screening.bom_value_total, screening.restricted_value, screening.untrusted_value)


def test_a_bom_without_prices_has_no_value_and_no_shares(officer_a, sample_lists):
    screening = screen(start(upload_bytes(b"Manufacturer\nHuawei\n", "plain.csv"), user=officer_a))

    assert screening.bom_value_total == 0 and screening.restricted_share == 0.0
