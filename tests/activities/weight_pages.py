"""Activity pages for the weight budget (tests/test_weight_budget.py PAGES): a full list page of 25
activities over several countries and languages, and an activity page with sessions, materials, outputs and
participants, built on first use in each test (the budget's `data` fixture loads the seed frameworks)."""

import datetime

from jalon.activities import services
from jalon.activities.models import Activity
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, Currency, Language
from jalon.results.models import Result

CODE = "weight-{:03}"


def activities_build() -> Activity:
    """30 activities (the first is the richest), once per test."""
    first = Activity.objects.filter(code=CODE.format(0)).first()
    if first is not None:
        return first
    countries = list(Country.objects.filter(iso3__in=["SEN", "KEN", "BRA", "FJI", "CIV", "VNM"]))
    languages = list(Language.objects.filter(code__in=["fr", "en", "es"]))
    organisers = list(Organisation.objects.filter(acronym__in=["ISO", "ASN", "KEBS", "ABNT"]))
    outputs = list(Result.objects.filter(programme__code="iso-ap-2021-2025", level__iati_result_type=1)[:3])
    today = datetime.date.today()
    for n in range(30):
        activity = services.activity_create(
            actor=None,
            code=CODE.format(n),
            title={
                "en": f"Good standardization practice for national standards bodies, part {n}",
                "fr": f"Bonnes pratiques de normalisation pour les organismes nationaux, partie {n}",
            },
            description={"en": "Three days of practice. " * 10, "fr": "Trois jours de pratique. " * 10},
            type=Activity.Type.WORKSHOP if n % 2 else Activity.Type.WEBINAR,
            modality=Activity.Modality.IN_PERSON,
            level=Activity.Level.NATIONAL,
            countries=countries[n % 6 : n % 6 + 2],
            languages=languages[: 1 + n % 3],
            organiser=organisers[n % 4],
            partners=organisers[:2],
            outputs=outputs,
            start_date=today + datetime.timedelta(days=n),
            end_date=today + datetime.timedelta(days=n + 2),
            venue="Dakar",
            status=Activity.Status.OPEN,
            planned_budget=25000,
            planned_budget_currency=Currency.objects.get(code="CHF"),
        )
        if n == 0:
            first = activity
    for day in range(3):
        services.session_create(
            actor=None, activity=first, date=first.start_date + datetime.timedelta(days=day), title=f"Day {day + 1}"
        )
    for n in range(4):
        services.material_create(actor=None, activity=first, title=f"Handout {n}", url=f"https://example.org/{n}")
    for n in range(12):
        services.registration_create(
            actor=None,
            activity=first,
            person_details={"given_name": f"Given{n}", "family_name": f"Family{n}", "email": f"w{n}@example.org"},
        )
    return first


def activity_list(data) -> str:
    activities_build()
    return "activities/"


def activity_calendar(data) -> str:
    activities_build()
    return "activities/calendar/"


def activity_page(data) -> str:
    return f"activities/{activities_build().code}/"


def registration_form(data) -> str:
    return f"activities/{activities_build().code}/register/"
