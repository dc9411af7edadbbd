"""Data migrations against the real database: stored rows survive them, forwards and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from screening.models import ScreeningChunk
from screening.services.screenings import chunk_payload, chunk_payload_rows

BEFORE_PACKED = ("screening", "0009_message_templates")


def migrate(target: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_chunks_stored_as_json_are_read_after_the_payload_became_packed_bytes_and_back():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate([BEFORE_PACKED])
        old_screening = apps.get_model("screening", "Screening").objects.create(label="before the upgrade")
        legacy = {
            "sheets": {"0": {"file": "bid.xlsx", "sheet": "RAN", "headers": {"manufacturer": "Mfr"},
                             "fields": ["manufacturer"]}},
            "rows": [["0", 3, ["华为技术有限公司"]], ["0", 4, [None]]],
        }
        chunk_id = apps.get_model("screening", "ScreeningChunk").objects.create(
            screening=old_screening, index=0, row_count=2, payload=legacy
        ).pk

        migrate(latest)
        for payload in (ScreeningChunk.objects.get(pk=chunk_id).payload, chunk_payload(chunk_id)):
            rows = list(chunk_payload_rows(payload))
            assert [(row.file, row.sheet, row.row, row.values) for row in rows] == [
                ("bid.xlsx", "RAN", 3, {"manufacturer": "华为技术有限公司"}), ("bid.xlsx", "RAN", 4, {})
            ]

        apps = migrate([BEFORE_PACKED])
        assert apps.get_model("screening", "ScreeningChunk").objects.get(pk=chunk_id).payload == legacy
    finally:
        migrate(latest)
