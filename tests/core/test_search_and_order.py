"""Searches ignore accents and case, and lists sort as readers expect, the same on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db.models import Value

from jalon.activities.models import Activity
from jalon.committees.models import Committee
from jalon.lib.search import Folded, search_folded
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from tests.factories import OrganisationFactory

SAMPLES = ["Qualité", "QUALITÉ", "Sénégalaise", "ÉGALITÉ", "Côte d'Ivoire", "Œuvre", "Straße", "Ñandú", "Ångström"]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_database_folds_text_as_python_does(db, text):
    folded = Country.objects.annotate(f=Folded(Value(text))).values_list("f", flat=True)[:1].get()
    assert folded == search_folded(text)


def test_folding_drops_accents_and_case():
    assert search_folded("QUALITÉ") == search_folded("qualite") == "qualite"
    assert search_folded("Sénégalaise") == "senegalaise"
    assert search_folded("ÉGALITÉ") == "egalite"


def _total(response) -> int:
    return response.context["page"].paginator.count


@pytest.fixture
def accented(db):
    iso = Organisation.objects.get(acronym="ISO")
    committee = Committee.objects.create(
        body="iso", kind="tc", reference="ISO/TC 9176", title={"fr": "Management de la qualité", "en": "Quality"}
    )
    organisation = OrganisationFactory(name={"fr": "Agence sénégalaise de normalisation", "en": "Senegalese agency"})
    activity = Activity.objects.create(
        code="egalite-2026",
        title={"fr": "Atelier sur l'ÉGALITÉ des genres", "en": "Gender workshop"},
        organiser=iso,
        type=Activity.Type.WORKSHOP,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 3, 2),
        status=Activity.Status.PLANNED,
    )
    return committee, organisation, activity


@pytest.mark.parametrize("term", ["qualite", "QUALITE", "Qualité"])
def test_committees_are_found_without_their_accents(client, accented, term):
    response = client.get("/fr/committees/", {"q": term})
    assert accented[0].reference in response.content.decode()


@pytest.mark.parametrize("term", ["senegalaise", "SÉNÉGALAISE"])
def test_organisations_are_found_without_their_accents(client_as, accented, term):
    response = client_as("manager").get("/fr/organisations/", {"q": term})
    names = [str(organisation.name) for organisation in response.context["page"]]
    assert any("sénégalaise" in name for name in names), names


@pytest.mark.parametrize("term", ["egalite", "Égalité"])
def test_activities_are_found_without_their_accents(client_as, accented, term):
    response = client_as("manager").get("/fr/activities/", {"q": term})
    assert [activity.code for activity in response.context["page"]] == ["egalite-2026"]


def test_a_country_is_found_by_its_name_without_accents(client, db):
    response = client.get("/fr/countries/", {"q": "senegal"})
    assert [country.iso3 for country in response.context["page"]] == ["SEN"]


def test_country_choices_put_accented_names_among_their_letters(db):
    from django.utils import translation

    from jalon.lib.text import folded
    from jalon.reference.selectors import country_choices

    with translation.override("fr"):
        names = [str(country.name) for country in country_choices()]
    assert names.index("Égypte") < names.index("Érythrée") < names.index("Fidji")
    assert names.index("Sénégal") < names.index("Suède")
    initials = [folded(name)[0] for name in names]
    assert initials == sorted(initials)


def test_organisation_choices_ignore_case(db):
    from jalon.committees.forms import _organisations

    OrganisationFactory(acronym="abnt-demo", name="lower")
    acronyms = [organisation.acronym for organisation in _organisations() if organisation.acronym]
    assert acronyms.index("abnt-demo") < acronyms.index("AFNOR")


def test_region_choices_nest_each_region_under_its_parent_and_offer_intermediate_regions(db):
    from django.utils import translation

    from jalon.activities.forms import ReachFilterForm
    from jalon.reference.forms import region_choices
    from jalon.reference.models import Region

    parents = dict(Region.objects.values_list("m49", "parent__m49"))
    with translation.override("en"):
        choices = region_choices()[1:]
        reach_choices = [code for code, _label in ReachFilterForm(user=None).fields["region"].choices]
    stack: list[str] = []
    for code, label in choices:
        depth = (len(label) - len(label.lstrip("— "))) // 2
        del stack[depth:]
        if depth:
            assert parents[code] == stack[-1], (label, stack)
        stack.append(code)
    labels = [label for _code, label in choices]
    assert labels.index("Africa") < labels.index("— Northern Africa") < labels.index("Americas")
    assert labels.index("— — Western Africa") < labels.index("Americas")
    assert reach_choices == ["", *(code for code, _label in choices)]
