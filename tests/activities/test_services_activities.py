"""Activities, sessions and materials through the services: validation, audit, optimistic locking."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.activities import services
from jalon.activities.models import Activity, ActivitySession
from jalon.reference.models import Currency, Language, Region
from tests.activities.conftest import activity_build, country, register

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_an_activity_is_created_with_its_relations_and_audited(users, reach, kebs):
    activity = activity_build(
        actor=users["focal"],
        outputs=[reach.output, reach.foreign_output],
        languages=[Language.objects.get(code="fr")],
        partners=[kebs],
        planned_budget=Decimal("12000.50"),
        planned_budget_currency=Currency.objects.get(code="CHF"),
    )
    assert activity.created_by == users["focal"] and activity.version == 1
    assert set(activity.outputs.values_list("code", flat=True)) == {"OP1", "X1"}
    assert list(activity.countries.values_list("iso3", flat=True)) == ["SEN"]
    entry = AuditEntry.objects.get(model="activities.activity", object_id=str(activity.pk))
    assert entry.action == "create" and entry.after["outputs"] == sorted([reach.output.pk, reach.foreign_output.pk])


def test_a_title_in_one_language_is_enough_but_one_is_needed():
    activity_build(code="french-only", title={"fr": "Atelier"})
    with pytest.raises(ValidationError) as excinfo:
        activity_build(code="untitled", title={"fr": " ", "en": ""})
    assert "title" in errors_of(excinfo)


@pytest.mark.parametrize("code", ["new", "calendar", "reach", "people"])
def test_codes_that_are_site_addresses_are_refused(code, english):
    with pytest.raises(ValidationError) as excinfo:
        activity_build(code=code)
    assert "reserved" in errors_of(excinfo)["code"][0]


def test_a_national_activity_needs_its_country_and_a_regional_one_its_region():
    with pytest.raises(ValidationError) as excinfo:
        activity_build(code="nowhere", countries=[])
    assert "countries" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        activity_build(code="region", level=Activity.Level.REGIONAL, countries=[])
    assert "region" in errors_of(excinfo)
    activity_build(code="africa", level=Activity.Level.REGIONAL, countries=[], region=Region.objects.get(m49="002"))


def test_dates_must_be_in_order_and_money_needs_its_currency():
    with pytest.raises(ValidationError) as excinfo:
        activity_build(
            code="backwards",
            start_date=datetime.date(2026, 5, 2),
            end_date=datetime.date(2026, 5, 1),
            actual_cost=Decimal(10),
        )
    assert {"end_date", "actual_cost_currency"} <= set(errors_of(excinfo))
    with pytest.raises(ValidationError) as excinfo:
        activity_build(code="negative", planned_budget=Decimal(-1), planned_budget_currency=Currency.objects.first())
    assert "planned_budget" in errors_of(excinfo)


def test_messages_are_plain_sentences_in_the_users_language():
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        activity_build(code="nowhere", countries=[])
    assert errors_of(excinfo)["countries"] == ["A national activity needs its country."]


def test_codes_are_unique(users):
    activity_build(code="same")
    with pytest.raises(ValidationError) as excinfo:
        activity_build(code="same")
    assert "code" in errors_of(excinfo)


def test_an_update_bumps_the_version_and_an_edit_from_an_older_version_is_refused(users, reach):
    activity = activity_build(actor=users["focal"])
    updated = services.activity_update(
        actor=users["focal"], activity=activity, version=1, status=Activity.Status.ONGOING, outputs=[reach.output]
    )
    assert updated.version == 2 and list(updated.outputs.all()) == [reach.output]
    entry = AuditEntry.objects.filter(model="activities.activity", action="update").get()
    assert entry.before["status"] == "open" and entry.after["status"] == "ongoing"
    with pytest.raises(ConflictError):
        services.activity_update(actor=users["focal"], activity=activity, version=1, venue="Dakar")
    assert Activity.objects.get(pk=activity.pk).venue == ""


def test_an_update_that_changes_nothing_is_not_audited(users):
    activity = activity_build(actor=users["focal"])
    services.activity_update(actor=users["focal"], activity=activity, venue="")
    assert not AuditEntry.objects.filter(model="activities.activity", action="update").exists()
    assert Activity.objects.get(pk=activity.pk).version == 1


def test_an_activity_without_participants_is_deleted_with_its_sessions(users):
    activity = activity_build(actor=users["focal"])
    session = services.session_create(actor=users["focal"], activity=activity, date=datetime.date(2026, 10, 5))
    services.activity_delete(actor=users["focal"], activity=activity)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert AuditEntry.objects.filter(model="activities.activitysession", object_id=str(session.pk), action="delete")


def test_an_activity_with_participants_is_cancelled_not_deleted(users):
    activity = activity_build(actor=users["focal"])
    register(activity, given_name="Awa", family_name="Sow")
    with pytest.raises(ValidationError):
        services.activity_delete(actor=users["focal"], activity=activity)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_session_must_fall_within_the_activitys_dates(users):
    activity = activity_build()
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(actor=None, activity=activity, date=datetime.date(2026, 11, 1))
    assert "date" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            actor=None,
            activity=activity,
            date=datetime.date(2026, 10, 5),
            start_time=datetime.time(14),
            end_time=datetime.time(9),
        )
    assert "end_time" in errors_of(excinfo)
    session = services.session_create(actor=None, activity=activity, date=datetime.date(2026, 10, 5), title="Jour 1")
    services.session_update(actor=None, session=session, title="Day 1")
    assert ActivitySession.objects.get(pk=session.pk).title == "Day 1"
    services.session_delete(actor=None, session=session)
    assert not ActivitySession.objects.filter(pk=session.pk).exists()


def test_a_material_needs_a_link_or_a_file(users):
    activity = activity_build()
    with pytest.raises(ValidationError):
        services.material_create(actor=None, activity=activity, title="Slides")
    material = services.material_create(actor=None, activity=activity, title="Slides", url="https://example.org/s.pdf")
    assert activity.materials.get() == material
    services.material_delete(actor=None, material=material)
    assert not activity.materials.exists()


def test_the_model_defaults_keep_a_country_for_national_activities():
    activity = activity_build()
    assert activity.countries.get() == country("SEN")
    assert str(activity) in ("Atelier BPN", "GSP workshop")
