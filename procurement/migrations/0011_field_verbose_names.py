# Every field named for the admin and the forms in the officers' languages (verbose_name): state only, no SQL.

import django.core.validators
import django.db.models.deletion
import procurement.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0010_member_template'),
        ('screening', '0011_more_message_templates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='apiclient',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_clients', to='procurement.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='api_client', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='bid',
            name='bidder_country',
            field=models.CharField(blank=True, help_text='ISO 3166-1 alpha-2, e.g. DE.', max_length=2, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Give the country as two capital letters (ISO 3166-1), e.g. DE.')], verbose_name="bidder's country"),
        ),
        migrations.AlterField(
            model_name='bid',
            name='bidder_name',
            field=models.CharField(max_length=300, verbose_name='bidder'),
        ),
        migrations.AlterField(
            model_name='bid',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='bid',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='bid',
            name='lots',
            field=models.ManyToManyField(blank=True, related_name='bids', to='procurement.lot', verbose_name='lots'),
        ),
        migrations.AlterField(
            model_name='bid',
            name='tender',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bids', to='procurement.tender', verbose_name='tender'),
        ),
        migrations.AlterField(
            model_name='biddocument',
            name='bid',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='procurement.bid', verbose_name='bid'),
        ),
        migrations.AlterField(
            model_name='biddocument',
            name='file',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bid_documents', to='screening.uploadedfile', verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='biddocument',
            name='role',
            field=models.CharField(choices=[('bom', 'Bill of materials'), ('declaration', 'Subcontractor declaration')], default='bom', max_length=20, verbose_name='file role'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='error_message',
            field=models.TextField(blank=True, verbose_name='error message'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='error_template',
            field=models.JSONField(blank=True, editable=False, help_text="The error's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='error template'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='file',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bulk_uploads', to='screening.uploadedfile', verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='items_failed',
            field=models.PositiveIntegerField(default=0, verbose_name='items failed'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='items_ok',
            field=models.PositiveIntegerField(default=0, verbose_name='items done'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='items_total',
            field=models.PositiveIntegerField(default=0, verbose_name='items'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Creating bids'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='bulkupload',
            name='tender',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bulk_uploads', to='procurement.tender', verbose_name='tender'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='bid',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='bulk_items', to='procurement.bid', verbose_name='bid'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='bidder_name',
            field=models.CharField(blank=True, max_length=300, verbose_name='bidder'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='bulk_upload',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='procurement.bulkupload', verbose_name='bulk upload'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='error_message',
            field=models.TextField(blank=True, verbose_name='error message'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='error_template',
            field=models.JSONField(blank=True, editable=False, help_text="The error's template and values, to show it in the reader's language (screening.messages).", null=True, verbose_name='error template'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='member',
            field=models.CharField(help_text='The file(s) in the archive, or the sheet of the workbook.', max_length=1000, verbose_name='archive member'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='member_template',
            field=models.JSONField(blank=True, editable=False, help_text='The member\'s template and values when it is words, not a file name ("sheet RAN").', null=True, verbose_name='member template'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='outcome',
            field=models.CharField(choices=[('pending', 'Pending'), ('ok', 'Bid created'), ('error', 'Error')], default='pending', max_length=20, verbose_name='outcome'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='position',
            field=models.PositiveIntegerField(help_text='Its place in the upload, which is read the same way each time.', verbose_name='position'),
        ),
        migrations.AlterField(
            model_name='bulkuploaditem',
            name='processed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='processed'),
        ),
        migrations.AlterField(
            model_name='columnmapping',
            name='bidder_key',
            field=models.CharField(help_text="The bidder's name, normalised (see bidder_key).", max_length=300, verbose_name='bidder key'),
        ),
        migrations.AlterField(
            model_name='columnmapping',
            name='bidder_name',
            field=models.CharField(help_text="The bidder's name as last written.", max_length=300, verbose_name='bidder'),
        ),
        migrations.AlterField(
            model_name='columnmapping',
            name='headers',
            field=models.JSONField(blank=True, default=dict, help_text='Header as written -> field ("manufacturer", ...) or "ignore".', verbose_name='columns named by hand'),
        ),
        migrations.AlterField(
            model_name='columnmapping',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='column_mappings', to='procurement.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='columnmapping',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated'),
        ),
        migrations.AlterField(
            model_name='columnmapping',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
        ),
        migrations.AlterField(
            model_name='lot',
            name='domain',
            field=models.CharField(choices=[('core', 'Core'), ('management', 'Management and orchestration'), ('ran', 'Access / RAN'), ('transport', 'Transport'), ('nfvi', 'NFVI / cloud'), ('oss_bss', 'OSS / BSS'), ('site', 'Site'), ('other', 'Other')], max_length=20, verbose_name='network domain'),
        ),
        migrations.AlterField(
            model_name='lot',
            name='number',
            field=models.PositiveIntegerField(verbose_name='lot number'),
        ),
        migrations.AlterField(
            model_name='lot',
            name='tender',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lots', to='procurement.tender', verbose_name='tender'),
        ),
        migrations.AlterField(
            model_name='lot',
            name='title',
            field=models.CharField(max_length=300, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='procurement.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('officer', 'Procurement officer'), ('reviewer', 'Reviewer'), ('admin', 'Organisation admin')], default='officer', max_length=20, verbose_name='role in the organisation'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='membership', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='bid',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='procurement.bid', verbose_name='bid'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='emailed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='e-mailed'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='message',
            field=models.TextField(verbose_name='message'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='read_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='read'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='screening',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.screening', verbose_name='screening'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='tender',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='procurement.tender', verbose_name='tender'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='country',
            field=models.CharField(blank=True, max_length=2, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='name',
            field=models.CharField(max_length=200, unique=True, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='description',
            field=models.TextField(blank=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tenders', to='procurement.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='reference',
            field=models.CharField(help_text="The organisation's own reference, e.g. 5G-RAN-2026/01.", max_length=100, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='restricted_lists',
            field=models.ManyToManyField(blank=True, help_text='Restricted lists to screen against.', related_name='restricting_tenders', to='screening.supplierlist', verbose_name='restricted lists'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='review_threshold',
            field=models.FloatField(default=procurement.models.default_review_threshold, help_text='How close a name must be to a restricted one to be flagged for review (0.50-0.99).', validators=[django.core.validators.MinValueValidator(0.5), django.core.validators.MaxValueValidator(0.99)], verbose_name='fuzzy review threshold'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='severity_overrides',
            field=models.JSONField(blank=True, default=dict, help_text='Severity per rule and network domain: {"rule": {"domain or empty": "severity"}}.', validators=[procurement.models.validate_severity_overrides], verbose_name='severity overrides'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('open', 'Open'), ('evaluation', 'Evaluation'), ('awarded', 'Awarded'), ('cancelled', 'Cancelled')], default='draft', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='submission_deadline',
            field=models.DateTimeField(blank=True, null=True, verbose_name='submission deadline'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='title',
            field=models.CharField(max_length=300, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='trusted_lists',
            field=models.ManyToManyField(blank=True, help_text='Trusted lists: a party on none of them is flagged as untrusted.', related_name='trusting_tenders', to='screening.supplierlist', verbose_name='trusted lists'),
        ),
        migrations.AlterField(
            model_name='tender',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated'),
        ),
        migrations.AlterField(
            model_name='userpreference',
            name='language',
            field=models.CharField(blank=True, max_length=10, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='userpreference',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated'),
        ),
        migrations.AlterField(
            model_name='userpreference',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='preference', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
    ]
