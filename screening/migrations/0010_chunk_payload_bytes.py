"""A chunk's payload is kept as MessagePack bytes (screening.fields.PackedField) instead of in a JSON column, and
a row error found while a chunk is screened points at its chunk.

The payloads already stored become their JSON text as bytes, which the field still reads. On PostgreSQL the
column's values are compressed with lz4 where the server supports it (14 and later, built with lz4): cheaper than
the default pglz for megabytes.
"""

import django.db.models.deletion
from django.db import migrations, models, transaction

import screening.fields

TABLE = "screening_screeningchunk"


def _fields():
    old = models.JSONField(default=dict)
    old.set_attributes_from_name("payload")
    new = screening.fields.PackedField(default=dict)
    new.set_attributes_from_name("payload")
    return old, new


def payload_to_bytes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN payload DROP DEFAULT, "
            "ALTER COLUMN payload TYPE bytea USING convert_to(payload::text, 'UTF8')"
        )
        if connection.pg_version >= 140000:
            try:
                with transaction.atomic(using=connection.alias):
                    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN payload SET COMPRESSION lz4")
            except Exception:  # noqa: BLE001, S110 - a server built without lz4 keeps pglz
                pass
        return
    old, new = _fields()
    schema_editor.alter_field(apps.get_model("screening", "ScreeningChunk"), old, new)


def payload_to_json(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN payload TYPE jsonb USING convert_from(payload, 'UTF8')::jsonb"
        )
        return
    old, new = _fields()
    schema_editor.alter_field(apps.get_model("screening", "ScreeningChunk"), new, old)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0009_message_templates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="screeningchunk",
                    name="payload",
                    field=screening.fields.PackedField(
                        default=dict, help_text="The chunk's BOM rows, as the reader gave them."
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(payload_to_bytes, payload_to_json)],
        ),
        migrations.AddField(
            model_name="screeningerror",
            name="chunk",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="errors",
                to="screening.screeningchunk",
            ),
        ),
    ]
