"""The fields of the International Classification for Standards (data/ics_fields.csv), the sectors of the
committees."""

import csv
from pathlib import Path

from django.db import migrations, models

import jalon.lib.multilingual

ICS_FIELDS = Path(__file__).resolve().parents[1] / "data" / "ics_fields.csv"


def ics_fields_load(apps, schema_editor):
    IcsField = apps.get_model("reference", "IcsField")
    with ICS_FIELDS.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            IcsField.objects.update_or_create(code=row["code"], defaults={"name": {"en": row["en"], "fr": row["fr"]}})


class Migration(migrations.Migration):

    dependencies = [
        ('reference', '0002_multilingual_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='IcsField',
            fields=[
                ('code', models.CharField(max_length=2, primary_key=True, serialize=False, verbose_name='code')),
                ('name', jalon.lib.multilingual.MultilingualField(default=dict, max_length=200, required=True, verbose_name='name')),
            ],
            options={
                'verbose_name': 'ICS field',
                'verbose_name_plural': 'ICS fields',
                'ordering': ['code'],
            },
        ),
        migrations.RunPython(ics_fields_load, migrations.RunPython.noop),
    ]
