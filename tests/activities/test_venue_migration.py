"""The migration that gave activities the country of their venue fills it for national activities (their one
country) and for no other."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jalon.organisations.models import Organisation

pytestmark = pytest.mark.migration


def migrate(activities: str):
    """Every app at its latest migration but activities, at `activities`."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    graph = executor.loader.graph
    allowed = set(graph.forwards_plan(("activities", activities)))

    def before(node):
        # The app's latest migration that needs no later activities migration (apps above activities, such
        # as knowledge, build on its latest); None: none of the app's migrations.
        while node is not None and any(n[0] == "activities" and n not in allowed for n in graph.forwards_plan(node)):
            parents = [p for p in graph.node_map[node].parents if p.key[0] == node[0]]
            node = parents[0].key if parents else None
        return node

    targets = []
    for leaf in graph.leaf_nodes():
        if leaf[0] != "activities":
            node = before(leaf)
            targets.append(node if node is not None else (leaf[0], None))
    targets.append(("activities", activities))
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_national_activities_take_their_country_as_venue(transactional_db):
    old = migrate("0003_participant_imports_to_jobs")
    try:
        Activity = old.get_model("activities", "Activity")
        Country = old.get_model("reference", "Country")
        sen, tgo = Country.objects.get(iso3="SEN"), Country.objects.get(iso3="TGO")
        common = {
            "title": {"en": "A"},
            "description": {},
            "type": "workshop",
            "modality": "virtual",
            "start_date": datetime.date(2025, 1, 1),
            "end_date": datetime.date(2025, 1, 1),
            "organiser_id": Organisation.objects.get(acronym="ASN").pk,
        }
        national = Activity.objects.create(code="national", level="national", **common)
        national.countries.set([sen])
        regional = Activity.objects.create(code="regional", level="regional", **common)
        regional.countries.set([sen, tgo])
        unclear = Activity.objects.create(code="two-countries", level="national", **common)
        unclear.countries.set([sen, tgo])
        new = migrate("0004_activity_venue_country")
        venues = dict(new.get_model("activities", "Activity").objects.values_list("code", "venue_country__iso3"))
        assert venues == {"national": "SEN", "regional": None, "two-countries": None}
    finally:
        call_command("migrate", verbosity=0)
