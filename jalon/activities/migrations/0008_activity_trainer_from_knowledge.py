# The trainers of an activity were first recorded by knowledge (knowledge.ActivityTrainer, table
# knowledge_activitytrainer); they are activities' records. The model moves here without copying a row: its
# state is created here over the existing table (knowledge/0003 removes it from knowledge's state, touching no
# table), then the table takes activities' name and the constraint its new name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0007_activity_title_sort"),
        ("knowledge", "0002_merge_forum_roster_lessons_library_products"),
        ("organisations", "0004_person_other_emails"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActivityTrainer",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded")),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trainers",
                                to="activities.activity",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="trainings",
                                to="organisations.person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "trainer in an activity",
                        "verbose_name_plural": "trainers in activities",
                        "ordering": ["activity", "id"],
                        "db_table": "knowledge_activitytrainer",
                        "constraints": [
                            models.UniqueConstraint(fields=("activity", "person"), name="knowledge_trainer_once")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="activitytrainer", table=None),
        migrations.RemoveConstraint(model_name="activitytrainer", name="knowledge_trainer_once"),
        migrations.AddConstraint(
            model_name="activitytrainer",
            constraint=models.UniqueConstraint(fields=("activity", "person"), name="activity_trainer_once"),
        ),
    ]
