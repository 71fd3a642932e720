# The forum and roster (helper-kforum) and the lessons, library and products (helper-klib) were built side by
# side, each from an empty app: two initial migrations with no common ancestor, which `makemigrations --merge`
# cannot join. This migration is their merge: it depends on both and changes nothing.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_forum_roster"),
        ("knowledge", "0001_lessons_library_products"),
    ]

    operations = []
