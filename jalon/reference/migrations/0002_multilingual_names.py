"""Names and descriptions in one JSON dict per field ({"en": ..., "fr": ...}) instead of a column per
language: the storage scheme of all content, where a seventh language needs no migration.

Each text is copied, then the old columns go. Back to the columns: English and French (and, for countries,
the other UN languages) return to theirs; a language that had no column is dropped."""

import django.db.models.fields.json
from django.db import migrations, models

import jalon.lib.multilingual

COLUMNS = {
    "region": {"name": ("en", "fr")},
    "language": {"name": ("en", "fr")},
    "currency": {"name": ("en", "fr")},
    "country": {"name": ("en", "fr", "es", "ar", "zh", "ru")},
    "developingcountryrule": {"name": ("en", "fr"), "description": ("en", "fr")},
}


def to_dicts(apps, schema_editor):
    for model_name, fields in COLUMNS.items():
        model = apps.get_model("reference", model_name)
        rows = list(model.objects.all())
        for row in rows:
            for field, languages in fields.items():
                text = {code: getattr(row, f"{field}_{code}") for code in languages}
                setattr(row, f"{field}_text", {code: value for code, value in text.items() if value})
        model.objects.bulk_update(rows, [f"{field}_text" for field in fields], batch_size=500)


def to_columns(apps, schema_editor):
    for model_name, fields in COLUMNS.items():
        model = apps.get_model("reference", model_name)
        rows = list(model.objects.all())
        for row in rows:
            for field, languages in fields.items():
                text = getattr(row, f"{field}_text") or {}
                for code in languages:
                    setattr(row, f"{field}_{code}", text.get(code, ""))
        model.objects.bulk_update(
            rows, [f"{field}_{code}" for field, languages in fields.items() for code in languages], batch_size=500
        )


# The columns that had no default: given one before they go, so that migrating back can re-create them over
# existing rows (the data is copied back into them afterwards).
REQUIRED_COLUMNS = {
    ("region", "name_en"): 100,
    ("language", "name_en"): 100,
    ("currency", "name_en"): 100,
    ("country", "name_en"): 100,
    ("country", "name_fr"): 100,
    ("developingcountryrule", "name_en"): 200,
    ("developingcountryrule", "name_fr"): 200,
}
LANGUAGE_NAMES = {"en": "English", "fr": "French"}


def text_field(model_name: str, field: str):
    if field == "description":
        return jalon.lib.multilingual.MultilingualField(default=dict, verbose_name="description")
    return jalon.lib.multilingual.MultilingualField(
        default=dict, verbose_name="name", required=True, max_length=200 if model_name == "developingcountryrule" else 100
    )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [
        *(
            migrations.AddField(model_name=model_name, name=f"{field}_text", field=text_field(model_name, field))
            for model_name, fields in COLUMNS.items()
            for field in fields
        ),
        migrations.RunPython(to_dicts, to_columns),
        migrations.AlterModelOptions(
            name="country",
            options={
                "ordering": [django.db.models.fields.json.KeyTextTransform("en", "name")],
                "verbose_name": "country",
                "verbose_name_plural": "countries",
            },
        ),
        *(
            migrations.AlterField(
                model_name=model_name,
                name=column,
                field=models.CharField(
                    default="", max_length=length, verbose_name=f"name ({LANGUAGE_NAMES[column[-2:]]})"
                ),
            )
            for (model_name, column), length in REQUIRED_COLUMNS.items()
        ),
        *(
            migrations.RemoveField(model_name=model_name, name=f"{field}_{code}")
            for model_name, fields in COLUMNS.items()
            for field, languages in fields.items()
            for code in languages
        ),
        *(
            migrations.RenameField(model_name=model_name, old_name=f"{field}_text", new_name=field)
            for model_name, fields in COLUMNS.items()
            for field in fields
        ),
    ]
