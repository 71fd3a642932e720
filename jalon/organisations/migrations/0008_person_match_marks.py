from django.db import migrations
from django.db.models import Q

# organisations.models.NAME_MARKS as this migration was written: apostrophes go, hyphens and dots part words.
MARKS = ["'", "’", "ʼ", "‘", "`", "-", "‐", "‑", "."]
TABLE = str.maketrans({"'": "", "’": "", "ʼ": "", "‘": "", "`": "", "-": " ", "‐": " ", "‑": " ", ".": " "})


def keys_without_marks(apps, schema_editor):
    """The name keys of the people whose names hold a mark, as Person.save now sets them: only those change."""
    _rekey(apps, TABLE)


def keys_with_marks(apps, schema_editor):
    """Back: the keys as Person.save set them before (the marks kept)."""
    _rekey(apps, {})


def _rekey(apps, table) -> None:
    """Each person whose name holds a mark, its two name keys made again (a batch at a time)."""
    from jalon.lib.text import folded

    Person = apps.get_model("organisations", "Person")

    def key(first, second):
        return " ".join(folded(f"{first or ''} {second or ''}").translate(table).split())[:201]

    marked = Q()
    for mark in MARKS:
        marked |= Q(given_name__contains=mark) | Q(family_name__contains=mark)
    batch = []
    for person in Person.objects.filter(marked).only("pk", "given_name", "family_name").iterator(chunk_size=5000):
        person.match_name = key(person.given_name, person.family_name)
        person.match_name_reversed = key(person.family_name, person.given_name)
        batch.append(person)
        if len(batch) == 5000:
            Person.objects.bulk_update(batch, ["match_name", "match_name_reversed"])
            batch = []
    Person.objects.bulk_update(batch, ["match_name", "match_name_reversed"])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0007_person_match_reversed")]

    operations = [migrations.RunPython(keys_without_marks, keys_with_marks)]
