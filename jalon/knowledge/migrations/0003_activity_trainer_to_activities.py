# ActivityTrainer now lives in activities (activities/0008 took over its table and its rows): knowledge only
# forgets it, touching no table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_merge_forum_roster_lessons_library_products"),
        ("activities", "0008_activity_trainer_from_knowledge"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ActivityTrainer")],
            database_operations=[],
        ),
    ]
