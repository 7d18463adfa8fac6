"""A report concerns records of any kind: `Report.concerns` (one instrument) becomes rows of
`Concern`, each linking one record, the old link moved into a row before the column goes.
Mechanisms name the events held under them (`Mechanism.events`)."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from nkhr.db import SQLiteOnlySQL, fts_index, fts_table


def concerns_to_rows(apps, schema_editor):
    Report = apps.get_model("mechanisms", "Report")
    Concern = apps.get_model("mechanisms", "Concern")
    Concern.objects.bulk_create(
        Concern(report_id=report_id, instrument_id=instrument_id)
        for report_id, instrument_id in Report.objects.filter(
            concerns__isnull=False
        ).values_list("pk", "concerns")
    )


def rows_to_concerns(apps, schema_editor):
    """Back to one instrument a report: the first instrument row of each (other kinds of
    record the old column cannot hold are dropped with the rows)."""
    Report = apps.get_model("mechanisms", "Report")
    Concern = apps.get_model("mechanisms", "Concern")
    rows = Concern.objects.filter(instrument__isnull=False).order_by("report", "id")
    for report_id, instrument_id in rows.values_list("report", "instrument"):
        Report.objects.filter(pk=report_id, concerns__isnull=True).update(concerns=instrument_id)


def fts_rebuilt(table: str, column: str) -> list:
    """The FTS5 table of `table.column` made again: SQLite drops a table's triggers when a
    migration rebuilds it (as removing a column does), and the table's rowids change."""
    fts = fts_table(table, column)
    dropped = SQLiteOnlySQL(
        [
            f'DROP TRIGGER IF EXISTS "{fts}_au";',
            f'DROP TRIGGER IF EXISTS "{fts}_ad";',
            f'DROP TRIGGER IF EXISTS "{fts}_ai";',
            f'DROP TABLE IF EXISTS "{fts}";',
        ],
        migrations.RunSQL.noop,
    )
    return [dropped, fts_index(table, column)]


class Migration(migrations.Migration):

    dependencies = [
        ('mechanisms', '0006_list_order_indexes'),
        ('nkhr', '0006_list_order_indexes'),
        ('sanctions', '0005_designation_regime_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='mechanism',
            name='events',
            field=models.ManyToManyField(blank=True, help_text='Visits, sessions and statements made under this mandate.', related_name='mechanisms', to='nkhr.event', verbose_name='events under it'),
        ),
        migrations.CreateModel(
            name='HistoricalConcern',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_channel', models.CharField(choices=[('admin', 'admin'), ('api', 'API'), ('import', 'bulk import'), ('command', 'management command'), ('fixture', 'initial data')], default='command', max_length=10, verbose_name='channel')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='updated')),
                ('note', models.CharField(blank=True, help_text='How the report concerns it, e.g. the section that discusses it.', max_length=300, verbose_name='how')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.actor', verbose_name='actor')),
                ('designation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sanctions.designation', verbose_name='designation')),
                ('designation_round', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sanctions.designationround', verbose_name='designation round')),
                ('event', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.event', verbose_name='event')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.instrument', verbose_name='instrument')),
                ('legislation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.legislation', verbose_name='legislation')),
                ('mechanism', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mechanisms.mechanism', verbose_name='mechanism')),
                ('other_report', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mechanisms.report', verbose_name='report or document')),
                ('recommendation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.recommendation', verbose_name='recommendation')),
                ('report', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mechanisms.report', verbose_name='report')),
            ],
            options={
                'verbose_name': 'historical concern',
                'verbose_name_plural': 'historical concerns',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMechanism_events',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('event', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nkhr.event')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='mechanisms.historicalmechanism')),
                ('mechanism', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mechanisms.mechanism')),
            ],
            options={
                'verbose_name': 'HistoricalMechanism_events',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Concern',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='updated')),
                ('note', models.CharField(blank=True, help_text='How the report concerns it, e.g. the section that discusses it.', max_length=300, verbose_name='how')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='nkhr.actor', verbose_name='actor')),
                ('designation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='sanctions.designation', verbose_name='designation')),
                ('designation_round', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='sanctions.designationround', verbose_name='designation round')),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='nkhr.event', verbose_name='event')),
                ('instrument', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='nkhr.instrument', verbose_name='instrument')),
                ('legislation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='nkhr.legislation', verbose_name='legislation')),
                ('mechanism', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='mechanisms.mechanism', verbose_name='mechanism')),
                ('other_report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='mechanisms.report', verbose_name='report or document')),
                ('recommendation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='concerned_by', to='nkhr.recommendation', verbose_name='recommendation')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='concerns', to='mechanisms.report', verbose_name='report')),
            ],
            options={
                'verbose_name': 'concern',
                'verbose_name_plural': 'concerns',
                'ordering': ['report', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('actor__isnull', False), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', False), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', False), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', False), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', False)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', False), ('other_report__isnull', True), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', False), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', False), ('designation_round__isnull', True), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', True)), models.Q(('actor__isnull', True), ('designation__isnull', True), ('designation_round__isnull', False), ('event__isnull', True), ('instrument__isnull', True), ('legislation__isnull', True), ('mechanism__isnull', True), ('other_report__isnull', True), ('recommendation__isnull', True)), _connector='OR'), name='concern_names_one_record', violation_error_message='A concern names exactly one record.'), models.UniqueConstraint(condition=models.Q(('actor__isnull', False)), fields=('report', 'actor'), name='concern_unique_actor', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('instrument__isnull', False)), fields=('report', 'instrument'), name='concern_unique_instrument', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('legislation__isnull', False)), fields=('report', 'legislation'), name='concern_unique_legislation', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('event__isnull', False)), fields=('report', 'event'), name='concern_unique_event', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('recommendation__isnull', False)), fields=('report', 'recommendation'), name='concern_unique_recommendation', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('mechanism__isnull', False)), fields=('report', 'mechanism'), name='concern_unique_mechanism', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('other_report__isnull', False)), fields=('report', 'other_report'), name='concern_unique_other_report', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('designation__isnull', False)), fields=('report', 'designation'), name='concern_unique_designation', violation_error_message='This report already concerns this record.'), models.UniqueConstraint(condition=models.Q(('designation_round__isnull', False)), fields=('report', 'designation_round'), name='concern_unique_designation_round', violation_error_message='This report already concerns this record.')],
            },
        ),
        migrations.RunPython(concerns_to_rows, rows_to_concerns),
        migrations.RemoveField(
            model_name='historicalreport',
            name='concerns',
        ),
        migrations.RemoveField(
            model_name='report',
            name='concerns',
        ),
        *(
            operation
            for column in ("title_key", "symbol_key", "title")
            for operation in fts_rebuilt("mechanisms_report", column)
        ),
    ]
