"""BOM value shares: how much of a bid's value sits on lines with restricted or untrusted vendors.

Computed once a screening is done, from the chunk rows (the BOM lines as read) and the findings, outside the
chunk tasks' hot path. A line's value is its total price, else quantity × unit price (engine.numbers).
"""

from __future__ import annotations

from decimal import Decimal

from screening.choices import ScreeningStatus
from screening.engine.numbers import line_value
from screening.models import Screening, ScreeningChunk

# The chunk payload's reader lives with the chunk writer, so a change of format changes both.
from .screenings import chunk_payload_rows as chunk_rows

RESTRICTED_RULE = "restricted_entity"
UNTRUSTED_RULE = "untrusted_party"
_LIMIT = Decimal("1e19")  # far above any real bid; a nonsense cell must not overflow the column


def _flagged_lines(screening: Screening, rule: str) -> set[tuple[str, str, int]]:
    return set(screening.findings.filter(rule=rule, chunk__isnull=False).values_list("file_name", "sheet", "row"))


def screening_values_compute(*, screening_id: int) -> Screening:
    """Set the screening's bom_value_total, restricted_value and untrusted_value; running it again is harmless."""
    screening = Screening.objects.get(pk=screening_id)
    if screening.status != ScreeningStatus.DONE:
        return screening
    restricted = _flagged_lines(screening, RESTRICTED_RULE)
    untrusted = _flagged_lines(screening, UNTRUSTED_RULE) - restricted
    total = restricted_value = untrusted_value = Decimal(0)
    chunks = ScreeningChunk.objects.filter(screening_id=screening_id).order_by("index").values_list("payload",
                                                                                                  flat=True)
    for payload in chunks.iterator(chunk_size=1):
        for row in chunk_rows(payload):
            value = line_value(row.values)
            if value is None or abs(value) >= _LIMIT:
                continue
            line = (row.file[:255], row.sheet[:255], row.row)
            total += value
            if line in restricted:
                restricted_value += value
            elif line in untrusted:
                untrusted_value += value
    Screening.objects.filter(pk=screening_id).update(
        bom_value_total=_bounded(total), restricted_value=_bounded(restricted_value),
        untrusted_value=_bounded(untrusted_value),
    )
    screening.refresh_from_db()
    return screening


def _bounded(value: Decimal) -> Decimal:
    return max(min(value, _LIMIT - 1), -_LIMIT + 1).quantize(Decimal("0.0001"))
