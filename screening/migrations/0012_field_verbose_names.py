# Every field named for the admin and the forms in the officers' languages (verbose_name): state only, no SQL.

import django.db.models.deletion
import screening.fields
import screening.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('screening', '0011_more_message_templates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='apitoken',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='key_hash',
            field=models.CharField(max_length=64, unique=True, verbose_name='key hash'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='last_used_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last used'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='name',
            field=models.CharField(help_text="What the token is for, e.g. the client system's name.", max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='prefix',
            field=models.CharField(help_text="The token's first characters, to tell tokens apart.", max_length=16, verbose_name='prefix'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(db_index=True, help_text='What happened, such as "finding.dismissed".', max_length=50, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='actor_name',
            field=models.CharField(blank=True, help_text='Who, as they were named at the time.', max_length=300, verbose_name="user's name"),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='details',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='scope',
            field=models.CharField(blank=True, db_index=True, max_length=100, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='screening',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_entries', to='screening.screening', verbose_name='screening'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='subject_id',
            field=models.CharField(blank=True, max_length=64, null=True, verbose_name='subject ID'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='subject_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='subject type'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='summary',
            field=models.TextField(help_text='What happened, in a sentence a person can read a year later.', verbose_name='summary'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='summary_template',
            field=models.JSONField(blank=True, editable=False, help_text="The summary's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='summary template'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='aliases',
            field=models.JSONField(blank=True, default=list, verbose_name='aliases'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='country',
            field=models.CharField(blank=True, max_length=2, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='keywords',
            field=models.JSONField(blank=True, default=list, help_text="A category's words and phrases, matched in a BOM line's description.", verbose_name='keywords'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='kind',
            field=models.CharField(choices=[('company', 'Company'), ('category', 'Product category')], default='company', max_length=10, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='name',
            field=models.CharField(max_length=500, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='product_codes',
            field=models.JSONField(blank=True, default=list, help_text="A category's product codes (HS code prefixes, model numbers).", verbose_name='product codes'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='reason',
            field=models.TextField(blank=True, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='registration_number',
            field=models.CharField(blank=True, max_length=100, verbose_name='registration number'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='source',
            field=models.TextField(blank=True, help_text='Where the listing comes from: a citation or URL.', verbose_name='source'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='source_row',
            field=models.PositiveIntegerField(blank=True, help_text='Row, line or record number in the imported file.', null=True, verbose_name='row in the list file'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entities', to='screening.listversion', verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='carried_from',
            field=models.ForeignKey(blank=True, help_text='The finding of an earlier screening whose decision was carried over to this one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.finding', verbose_name='carried over from'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='cells',
            field=models.JSONField(blank=True, default=dict, help_text="The row's values, by header.", verbose_name='row values'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='chunk',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='screening.screeningchunk', verbose_name='chunk'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='column',
            field=models.CharField(blank=True, max_length=255, verbose_name='column'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='decided_by_exception',
            field=models.ForeignKey(blank=True, help_text='The standing exception that dismissed this finding automatically.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='findings', to='screening.standingexception', verbose_name='decided by exception'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='decision',
            field=models.CharField(blank=True, choices=[('', 'Open'), ('confirmed', 'Confirmed'), ('dismissed', 'Dismissed')], default='', max_length=10, verbose_name='decision'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='decision_reason',
            field=models.TextField(blank=True, verbose_name='decision reason'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='domain',
            field=models.CharField(blank=True, choices=[('core', 'Core'), ('management', 'Management and orchestration'), ('ran', 'Access / RAN'), ('transport', 'Transport'), ('nfvi', 'NFVI / cloud'), ('oss_bss', 'OSS / BSS'), ('site', 'Site'), ('other', 'Other')], max_length=20, verbose_name='network domain'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='entity',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='findings', to='screening.entity', verbose_name='listed entity'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='entity_key',
            field=models.CharField(blank=True, help_text="The entity's id, or empty.", max_length=64, verbose_name='entity key'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='explanation',
            field=models.TextField(verbose_name='explanation'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='explanation_template',
            field=models.TextField(blank=True, default='', editable=False, help_text="The explanation's template and values (JSON), to show it in the reader's language.", verbose_name='explanation template'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='field',
            field=models.CharField(max_length=30, verbose_name='field'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='file_name',
            field=models.CharField(max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='party',
            field=models.CharField(max_length=500, verbose_name='party'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='path',
            field=models.JSONField(default=list, verbose_name='chain'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='row',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='row'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='rule',
            field=models.CharField(max_length=50, verbose_name='rule'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='score',
            field=models.FloatField(blank=True, null=True, verbose_name='score'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='screening',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='screening.screening', verbose_name='screening'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='severity',
            field=models.CharField(choices=[('critical', 'Critical'), ('high', 'High'), ('medium', 'Medium'), ('low', 'Low'), ('info', 'Info')], max_length=10, verbose_name='severity'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='sheet',
            field=models.CharField(blank=True, max_length=255, verbose_name='sheet'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='value',
            field=models.TextField(verbose_name='value'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='fingerprint',
            field=models.CharField(help_text="SHA-256 of the request's method, path and body.", max_length=64, verbose_name='request fingerprint'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='headers',
            field=models.JSONField(blank=True, default=dict, verbose_name='response headers'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='key',
            field=models.CharField(max_length=255, verbose_name='idempotency key'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='method',
            field=models.CharField(max_length=10, verbose_name='HTTP method'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='path',
            field=models.CharField(max_length=1000, verbose_name='request path'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='response',
            field=models.JSONField(blank=True, null=True, verbose_name='response'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='status_code',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Empty while in progress.', null=True, verbose_name='status code'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='details',
            field=models.JSONField(blank=True, default=list, help_text="Per affected screening: its id, the new screening's id and why.", verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='screenings_affected',
            field=models.PositiveIntegerField(default=0, verbose_name='screenings affected'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='screenings_checked',
            field=models.PositiveIntegerField(default=0, verbose_name='screenings checked'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='screenings_rescreened',
            field=models.PositiveIntegerField(default=0, verbose_name='screenings re-screened'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='started_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='started'),
        ),
        migrations.AlterField(
            model_name='listimportimpact',
            name='version',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='impact', to='screening.listversion', verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='entity_count',
            field=models.PositiveIntegerField(default=0, verbose_name='number of entities'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='imported_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='number',
            field=models.PositiveIntegerField(verbose_name='version number'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='relation_count',
            field=models.PositiveIntegerField(default=0, verbose_name='number of relations'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='source_filename',
            field=models.CharField(blank=True, max_length=255, verbose_name='source filename'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='source_format',
            field=models.CharField(blank=True, choices=[('csv', "CSV (the project's columns)"), ('xlsx', "Excel or OpenDocument (the project's columns)"), ('ftm', 'OpenSanctions / FollowTheMoney entities (JSON lines)'), ('csl-json', 'US Consolidated Screening List, JSON'), ('csl-csv', 'US Consolidated Screening List, CSV')], help_text='The format the file was read as.', max_length=20, verbose_name='source format'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='supplier_list',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='screening.supplierlist', verbose_name='supplier list'),
        ),
        migrations.AlterField(
            model_name='relation',
            name='child',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parent_relations', to='screening.entity', verbose_name='child'),
        ),
        migrations.AlterField(
            model_name='relation',
            name='divested',
            field=models.BooleanField(default=False, help_text='A former affiliate: screened as a review case instead of a block.', verbose_name='divested'),
        ),
        migrations.AlterField(
            model_name='relation',
            name='kind',
            field=models.CharField(choices=[('subsidiary_of', 'Subsidiary of'), ('affiliate_of', 'Affiliate of'), ('subcontracts_to', 'Subcontracts to')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='relation',
            name='parent',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='child_relations', to='screening.entity', verbose_name='parent'),
        ),
        migrations.AlterField(
            model_name='relation',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relations', to='screening.listversion', verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='bidder',
            field=models.CharField(blank=True, help_text='The tenderer, top of the chain.', max_length=300, verbose_name='bidder'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='bom_value_total',
            field=models.DecimalField(decimal_places=4, default=0, max_digits=24, verbose_name='BOM value'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='chain_edges',
            field=models.JSONField(blank=True, default=list, verbose_name='chain links'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='chunks_total',
            field=models.PositiveIntegerField(default=0, verbose_name='chunks'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='critical_count',
            field=models.PositiveIntegerField(default=0, verbose_name='critical findings'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='error_count',
            field=models.PositiveIntegerField(default=0, verbose_name='row errors'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='error_message',
            field=models.TextField(blank=True, verbose_name='error message'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='error_template',
            field=models.JSONField(blank=True, editable=False, help_text="The error's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='error template'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='files',
            field=models.ManyToManyField(related_name='screenings', to='screening.uploadedfile', verbose_name='files'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='high_count',
            field=models.PositiveIntegerField(default=0, verbose_name='high findings'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='info_count',
            field=models.PositiveIntegerField(default=0, verbose_name='info findings'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='label',
            field=models.CharField(blank=True, max_length=255, verbose_name='label'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='list_versions',
            field=models.ManyToManyField(related_name='screenings', to='screening.listversion', verbose_name='list versions'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='low_count',
            field=models.PositiveIntegerField(default=0, verbose_name='low findings'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='medium_count',
            field=models.PositiveIntegerField(default=0, verbose_name='medium findings'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='party_names',
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name='party names'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='policy',
            field=models.JSONField(blank=True, default=dict, verbose_name='policy'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='prepared_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='prepared'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='previous',
            field=models.ForeignKey(blank=True, help_text='The screening this one repeats against newer list versions.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='rescreens', to='screening.screening', verbose_name='previous screening'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='reason',
            field=models.TextField(blank=True, help_text="Why the screening was started, when not by a person's choice.", verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='reason_template',
            field=models.JSONField(blank=True, editable=False, help_text="The reason's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='reason template'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='restricted_value',
            field=models.DecimalField(decimal_places=4, default=0, max_digits=24, verbose_name='restricted value'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='rows_done',
            field=models.PositiveIntegerField(default=0, verbose_name='rows screened'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='rows_total',
            field=models.PositiveIntegerField(default=0, verbose_name='rows'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='scope',
            field=models.CharField(blank=True, db_index=True, help_text='Who may see the screening.', max_length=100, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='queued', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='subject_id',
            field=models.CharField(blank=True, max_length=64, null=True, verbose_name='subject ID'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='subject_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='contenttypes.contenttype', verbose_name='subject type'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='trigger',
            field=models.CharField(choices=[('manual', 'By a person'), ('list_import', 'List import'), ('scheduled', 'Daily re-screen')], default='manual', max_length=20, verbose_name='trigger'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='untrusted_value',
            field=models.DecimalField(decimal_places=4, default=0, max_digits=24, verbose_name='untrusted value'),
        ),
        migrations.AlterField(
            model_name='screening',
            name='verdict',
            field=models.CharField(blank=True, choices=[('pass', 'Pass'), ('review', 'Review'), ('fail', 'Fail')], max_length=10, verbose_name='verdict'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='attempts',
            field=models.PositiveIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='index',
            field=models.PositiveIntegerField(verbose_name='chunk number'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='payload',
            field=screening.fields.PackedField(default=dict, help_text="The chunk's BOM rows, as the reader gave them.", verbose_name='payload'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='row_count',
            field=models.PositiveIntegerField(default=0, verbose_name='rows'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='screening',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chunks', to='screening.screening', verbose_name='screening'),
        ),
        migrations.AlterField(
            model_name='screeningchunk',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('done', 'Done')], default='pending', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='chunk',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='errors', to='screening.screeningchunk', verbose_name='chunk'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='column',
            field=models.CharField(blank=True, max_length=255, verbose_name='column'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='file_name',
            field=models.CharField(max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='message',
            field=models.TextField(verbose_name='message'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='message_template',
            field=models.JSONField(blank=True, editable=False, help_text="The message's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='message template'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='row',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='row'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='screening',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='errors', to='screening.screening', verbose_name='screening'),
        ),
        migrations.AlterField(
            model_name='screeningerror',
            name='sheet',
            field=models.CharField(blank=True, max_length=255, verbose_name='sheet'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='entity_name',
            field=models.CharField(blank=True, max_length=500, verbose_name='entity'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='list_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='list'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='reason',
            field=models.TextField(verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='revoke_reason',
            field=models.TextField(blank=True, verbose_name='reason for revoking'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='revoked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='scope',
            field=models.CharField(blank=True, db_index=True, max_length=100, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='source_finding',
            field=models.ForeignKey(blank=True, help_text='The finding whose dismissal made this exception.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.finding', verbose_name='from finding'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='value',
            field=models.TextField(help_text='The cell value as written where the exception was made.', verbose_name='value'),
        ),
        migrations.AlterField(
            model_name='standingexception',
            name='value_key',
            field=models.CharField(help_text='The cell value, normalised (engine.names.normalise).', max_length=1000, verbose_name='value key'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='description',
            field=models.TextField(blank=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='kind',
            field=models.CharField(choices=[('restricted', 'Restricted'), ('trusted', 'Trusted')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='name',
            field=models.CharField(max_length=200, unique=True, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='publisher',
            field=models.CharField(blank=True, help_text='Who publishes the list.', max_length=200, verbose_name='publisher'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='scope',
            field=models.CharField(blank=True, db_index=True, help_text="Who may see the list: empty for a public list, else the owner's scope (see screening.access).", max_length=100, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='supplierlist',
            name='source_url',
            field=models.URLField(blank=True, max_length=500, verbose_name='source URL'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='file',
            field=models.FileField(max_length=500, upload_to=screening.models.upload_path, verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='original_name',
            field=models.CharField(max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='role',
            field=models.CharField(choices=[('bom', 'Bill of materials'), ('declaration', 'Subcontractor declaration')], default='bom', max_length=20, verbose_name='file role'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='sha256',
            field=models.CharField(max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='size',
            field=models.PositiveBigIntegerField(verbose_name='size (bytes)'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='uploaded_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='uploaded'),
        ),
        migrations.AlterField(
            model_name='uploadedfile',
            name='uploaded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='attempt_log',
            field=models.JSONField(blank=True, default=list, help_text='Every try: when, HTTP status, the start of the body, error, duration.', verbose_name='attempt log'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='attempts',
            field=models.PositiveIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='delivered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='delivered'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='endpoint',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='screening.webhookendpoint', verbose_name='endpoint'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='error',
            field=models.TextField(blank=True, help_text='Why the last try failed, when it did.', verbose_name='error'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='error_template',
            field=models.JSONField(blank=True, editable=False, help_text="The error's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='error template'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='event_id',
            field=models.UUIDField(help_text="The event's id: the same for every endpoint and every try.", verbose_name='event ID'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='event_key',
            field=models.CharField(help_text='What the event is about, such as "screening.done:12": queued once per endpoint.', max_length=100, verbose_name='event key'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='event_type',
            field=models.CharField(max_length=50, verbose_name='event type'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='last_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last attempt'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='next attempt'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='payload',
            field=models.JSONField(verbose_name='payload'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='response_body',
            field=models.TextField(blank=True, help_text="The start of the last try's response body.", verbose_name='response body'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='response_status',
            field=models.PositiveIntegerField(blank=True, help_text="The last try's HTTP status.", null=True, verbose_name='response status'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('delivered', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='description',
            field=models.CharField(blank=True, max_length=200, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='events',
            field=models.JSONField(blank=True, default=list, help_text='The event types to send (screening.done, ...); empty for all.', verbose_name='events'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='owner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_endpoints', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='scope',
            field=models.CharField(blank=True, db_index=True, help_text="The owner's scope when registered: whose events it gets.", max_length=100, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='secret',
            field=models.CharField(help_text='Signs every request (HMAC-SHA256); shown to the owner once.', max_length=100, verbose_name='secret'),
        ),
    ]
