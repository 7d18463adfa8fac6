"""Other names of bills and laws (`LegislationAlias`), with their history."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('nkhr', '0008_pending_changes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalLegislationAlias',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_channel', models.CharField(choices=[('admin', 'admin'), ('api', 'API'), ('import', 'bulk import'), ('command', 'management command'), ('fixture', 'initial data')], default='command', max_length=10, verbose_name='channel')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='updated')),
                ('locator', models.CharField(blank=True, help_text='e.g. section 2.b.(3)', max_length=200, verbose_name='where in the source')),
                ('name', models.CharField(max_length=500, verbose_name='name')),
                ('name_key', models.CharField(db_index=True, editable=False, max_length=500)),
                ('kind', models.CharField(choices=[('official', 'official name'), ('romanization', 'romanization variant'), ('abbreviation', 'abbreviation'), ('native', 'native script'), ('translation', 'translation'), ('former', 'former name'), ('as_cited', 'as written in a source'), ('other', 'other')], default='other', max_length=20, verbose_name='kind')),
                ('language', models.CharField(blank=True, help_text='BCP 47 code, e.g. en, ko', max_length=20, verbose_name='language')),
                ('script', models.CharField(blank=True, choices=[('Latn', 'Latin'), ('Hang', 'Hangul'), ('Hani', 'Han (Chinese characters)'), ('Zyyy', 'other')], max_length=4, verbose_name='script')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('legislation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.legislation', verbose_name='legislation')),
                ('source', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'historical legislation alias',
                'verbose_name_plural': 'historical legislation aliases',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='LegislationAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='updated')),
                ('locator', models.CharField(blank=True, help_text='e.g. section 2.b.(3)', max_length=200, verbose_name='where in the source')),
                ('name', models.CharField(max_length=500, verbose_name='name')),
                ('name_key', models.CharField(db_index=True, editable=False, max_length=500)),
                ('kind', models.CharField(choices=[('official', 'official name'), ('romanization', 'romanization variant'), ('abbreviation', 'abbreviation'), ('native', 'native script'), ('translation', 'translation'), ('former', 'former name'), ('as_cited', 'as written in a source'), ('other', 'other')], default='other', max_length=20, verbose_name='kind')),
                ('language', models.CharField(blank=True, help_text='BCP 47 code, e.g. en, ko', max_length=20, verbose_name='language')),
                ('script', models.CharField(blank=True, choices=[('Latn', 'Latin'), ('Hang', 'Hangul'), ('Hani', 'Han (Chinese characters)'), ('Zyyy', 'other')], max_length=4, verbose_name='script')),
                ('legislation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='nkhr.legislation', verbose_name='legislation')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='nkhr.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'legislation alias',
                'verbose_name_plural': 'legislation aliases',
                'ordering': ['legislation', 'name'],
                'constraints': [models.UniqueConstraint(fields=('legislation', 'name', 'language'), name='legislationalias_unique', violation_error_message='This legislation already has this alias.')],
            },
        ),
    ]
