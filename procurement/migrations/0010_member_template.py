# A bulk upload item's member, when it is words ("sheet RAN", "manifest.csv, row 3"), keeps its template.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0009_message_templates'),
    ]

    operations = [
        migrations.AddField(
            model_name='bulkuploaditem',
            name='member_template',
            field=models.JSONField(blank=True, editable=False, help_text='The member\'s template and values when it is words, not a file name ("sheet RAN").', null=True),
        ),
    ]
