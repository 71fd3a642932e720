"""The trainers of an activity, first recorded by knowledge, move to activities with their rows: the migration
pair (activities/0008, knowledge/0003) renames the table and copies nothing, so nothing is lost."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jalon.activities.models import ActivityTrainer
from jalon.organisations.models import Organisation, Person

pytestmark = pytest.mark.migration

BEFORE = [("activities", "0007_activity_title_sort"), ("knowledge", "0002_merge_forum_roster_lessons_library_products")]


def test_the_trainers_recorded_in_knowledge_are_activities_trainers_after_the_move(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Activity = old.get_model("activities", "Activity")
        Trainer = old.get_model("knowledge", "ActivityTrainer")
        activity = Activity.objects.create(
            code="moved",
            title={"en": "A"},
            description={},
            type="workshop",
            modality="virtual",
            level="national",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2025, 1, 1),
            organiser_id=Organisation.objects.get(acronym="ASN").pk,
        )
        # The person is written with today's model, without its save hooks: organisations stays migrated (its
        # later columns, such as the matching keys, are NOT NULL) while activities is back before the reach
        # summary that a person's save feeds; the trainer row only points at the person.
        (person,) = Person.objects.bulk_create([Person(given_name="Awa", family_name="Diop")])
        recorded = Trainer.objects.create(activity=activity, person_id=person.pk)
        call_command("migrate", verbosity=0)
        moved = ActivityTrainer.objects.get()
        assert (moved.pk, moved.activity.code, moved.person.family_name) == (recorded.pk, "moved", "Diop")
        assert moved.created_at == recorded.created_at
        assert "knowledge_activitytrainer" not in connection.introspection.table_names()
    finally:
        call_command("migrate", verbosity=0)
