"""The migrations that moved names from a column per language to one JSON dict per field lose nothing, both
ways, on the real reference data and ISO members (run on SQLite and PostgreSQL like the rest)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.migration

BEFORE = [("reference", "0001_initial"), ("organisations", "0002_person_function_anonymised")]
AFTER = [("reference", "0002_multilingual_names"), ("organisations", "0003_multilingual_names")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def columns_then_dicts(transactional_db):
    """Yields (apps before, a function that migrates forward and returns the apps after); leaves the database
    at the latest migrations."""
    from django.core.management import call_command

    apps = migrate(BEFORE)
    yield apps, lambda: migrate(AFTER)
    call_command("migrate", verbosity=0)


def test_names_move_into_dicts_and_back_without_loss(columns_then_dicts):
    old_apps, forward = columns_then_dicts
    Country = old_apps.get_model("reference", "Country")
    Organisation = old_apps.get_model("organisations", "Organisation")
    Rule = old_apps.get_model("reference", "DevelopingCountryRule")
    languages = ("en", "fr", "es", "ar", "zh", "ru")
    countries = {c.iso3: {code: getattr(c, f"name_{code}") for code in languages} for c in Country.objects.all()}
    assert countries["SEN"]["fr"] == "Sénégal" and countries["SEN"]["ar"] == "السنغال"
    kept = Organisation.objects.create(name="Bureau of Standards", name_fr="Bureau des normes", kind="nsb")
    official_only = Organisation.objects.create(name="Association Sénégalaise", description_fr="Texte", kind="nsb")
    rules = {rule.code: (rule.name_en, rule.name_fr) for rule in Rule.objects.all()}

    new_apps = forward()
    Country = new_apps.get_model("reference", "Country")
    Organisation = new_apps.get_model("organisations", "Organisation")
    Rule = new_apps.get_model("reference", "DevelopingCountryRule")
    assert {c.iso3: c.name for c in Country.objects.all()} == {
        iso3: {code: text for code, text in names.items() if text} for iso3, names in countries.items()
    }
    assert Organisation.objects.get(pk=kept.pk).name == {"en": "Bureau of Standards", "fr": "Bureau des normes"}
    moved = Organisation.objects.get(pk=official_only.pk)
    assert (moved.name, moved.description) == ({"en": "Association Sénégalaise"}, {"fr": "Texte"})
    assert {rule.code: (rule.name["en"], rule.name["fr"]) for rule in Rule.objects.all()} == rules

    # A third language needs no migration: it is one more key.
    Organisation.objects.filter(pk=kept.pk).update(
        name={"en": "Bureau of Standards", "fr": "Bureau des normes", "es": "Oficina de Normas"}
    )
    old_apps = migrate(BEFORE)
    Country = old_apps.get_model("reference", "Country")
    Organisation = old_apps.get_model("organisations", "Organisation")
    assert {c.iso3: {code: getattr(c, f"name_{code}") for code in languages} for c in Country.objects.all()} == (
        countries
    )
    back = Organisation.objects.get(pk=kept.pk)
    assert (back.name, back.name_fr) == ("Bureau of Standards", "Bureau des normes")
    back = Organisation.objects.get(pk=official_only.pk)
    assert (back.name, back.name_fr, back.description_en, back.description_fr) == (
        "Association Sénégalaise",
        "",
        "",
        "Texte",
    )
