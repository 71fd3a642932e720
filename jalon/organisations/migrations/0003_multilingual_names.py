"""An organisation's name and description in one JSON dict each ({"en": ..., "fr": ...}), the storage
scheme of all content: the official name (the old `name`) under "en", the French one (`name_fr`) under
"fr". Back to the columns, both return to theirs; a language that had no column is dropped."""

import django.db.models.fields.json
from django.db import migrations, models

import jalon.lib.multilingual

# (JSON field, {language: old column})
TEXTS = {
    "name": {"en": "name", "fr": "name_fr"},
    "description": {"en": "description_en", "fr": "description_fr"},
}


def to_dicts(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    rows = list(Organisation.objects.all())
    for row in rows:
        for field, columns in TEXTS.items():
            text = {code: getattr(row, column) for code, column in columns.items()}
            setattr(row, f"{field}_text", {code: value for code, value in text.items() if value})
    Organisation.objects.bulk_update(rows, [f"{field}_text" for field in TEXTS], batch_size=500)


def to_columns(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    rows = list(Organisation.objects.all())
    for row in rows:
        for field, columns in TEXTS.items():
            text = getattr(row, f"{field}_text") or {}
            for code, column in columns.items():
                setattr(row, column, text.get(code, ""))
        # The official name was required: a name given only in another language still fills it.
        row.name = row.name or next((value for value in row.name_text.values() if value), "")
    Organisation.objects.bulk_update(
        rows, [column for columns in TEXTS.values() for column in columns.values()], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_person_function_anonymised")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_text",
            field=jalon.lib.multilingual.MultilingualField(
                default=dict, verbose_name="name", required=True, max_length=250
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="description_text",
            field=jalon.lib.multilingual.MultilingualField(default=dict, verbose_name="description"),
        ),
        migrations.RunPython(to_dicts, to_columns),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": [django.db.models.fields.json.KeyTextTransform("en", "name")],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        # Given a default before it goes, so that migrating back can re-create it over existing rows.
        migrations.AlterField(
            model_name="organisation", name="name", field=models.CharField(default="", max_length=250, verbose_name="name")
        ),
        migrations.RemoveField(model_name="organisation", name="name"),
        migrations.RemoveField(model_name="organisation", name="name_fr"),
        migrations.RemoveField(model_name="organisation", name="description_en"),
        migrations.RemoveField(model_name="organisation", name="description_fr"),
        migrations.RenameField(model_name="organisation", old_name="name_text", new_name="name"),
        migrations.RenameField(model_name="organisation", old_name="description_text", new_name="description"),
    ]
