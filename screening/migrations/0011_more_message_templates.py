# Written for the messages of the second round: finding explanations, re-screen reasons, audit summaries and webhook
# delivery errors keep their template beside the English text; a list's "active" flag is named for the admin.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0010_chunk_payload_bytes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='supplierlist',
            name='is_active',
            field=models.BooleanField(default=True, help_text='Active lists are used when a screening names no lists of its own.', verbose_name='active'),
        ),
        migrations.AddField(
            model_name='finding',
            name='explanation_template',
            field=models.TextField(blank=True, default='', editable=False, help_text="The explanation's template and values (JSON), to show it in the reader's language."),
        ),
        migrations.AddField(
            model_name='screening',
            name='reason_template',
            field=models.JSONField(blank=True, editable=False, help_text="The reason's template and values, to show it in the reader's language (screening.messages).", null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='summary_template',
            field=models.JSONField(blank=True, editable=False, help_text="The summary's template and values, to show it in the reader's language (screening.messages).", null=True),
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='error_template',
            field=models.JSONField(blank=True, editable=False, help_text="The error's template and values, to show it in the reader's language (screening.messages).", null=True),
        ),
    ]
