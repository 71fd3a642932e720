"""Issue 19: committees by sector. ISO Open Data gives no sector, so the programme team gives committees their
fields of the International Classification for Standards (ICS) on the edit page or through the API; the list
page and the API filter by one, a committee's subcommittees and working groups included; an import keeps them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.committees import services
from jalon.committees.models import Committee
from jalon.reference.models import IcsField


@pytest.fixture
def food(make_committee):
    """ISO/TC 34 (food, 67) with a subcommittee and a working group of that subcommittee; ISO/TC 207 (13)."""
    tc = make_committee("ISO/TC 34")
    sc = make_committee("ISO/TC 34/SC 5", kind=Committee.Kind.SC, parent=tc)
    wg = make_committee("ISO/TC 34/SC 5/WG 1", kind=Committee.Kind.WG, parent=sc)
    environment = make_committee("ISO/TC 207")
    services.committee_update(actor=None, committee=tc, ics_fields=[IcsField.objects.get(code="67")])
    services.committee_update(actor=None, committee=environment, ics_fields=[IcsField.objects.get(code="13")])
    return {"tc": tc, "sc": sc, "wg": wg, "environment": environment}


def test_the_forty_ics_fields_are_there_in_french_and_english(db):
    fields = list(IcsField.objects.all())
    assert len(fields) == 40 and fields[0].code == "01" and fields[-1].code == "97"
    food = IcsField.objects.get(code="67")
    assert food.name == {"en": "Food technology", "fr": "Technologie alimentaire"}
    with translation.override("fr"):
        assert str(food) == "67 Technologie alimentaire"


def test_the_list_finds_a_sectors_committees_with_their_subcommittees(food, client):
    url = reverse("committees:committee_list")
    page = client.get(url, {"sector": "67"}).content.decode()
    assert "ISO/TC 34/SC 5/WG 1" in page and "ISO/TC 34/SC 5" in page and "ISO/TC 34" in page
    assert "ISO/TC 207" not in page
    page = client.get(url, {"sector": "13"}).content.decode()
    assert "ISO/TC 207" in page and "ISO/TC 34" not in page
    # An unknown code is a filter error on the form, never a server error; the list is not narrowed.
    response = client.get(url, {"sector": "99"})
    assert response.status_code == 200 and response.context["form"].errors["sector"]


def test_the_team_sets_sectors_on_the_edit_page_and_the_committee_page_shows_them(food, client_as):
    manager = client_as("manager")
    committee = food["environment"]
    url = reverse("committees:committee_edit", kwargs={"pk": committee.pk})
    form = manager.get(url).context["form"]
    assert form.initial["ics_fields"] == ["13"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "title"}
    data |= {"title_en": "Environmental management", "ics_fields": ["13", "03"]}
    assert manager.post(url, data).status_code == 302
    assert sorted(committee.ics_fields.values_list("code", flat=True)) == ["03", "13"]
    page = client_as(None).get(committee.get_absolute_url()).content.decode()
    assert "Secteurs (domaines ICS)" in page and "?sector=03" in page
    # Focal points and viewers may not change a committee.
    assert client_as("focal").get(url).status_code == 403


def test_the_api_reads_writes_and_filters_by_sector(food, client_as):
    manager = client_as("manager")
    committee = food["environment"]
    detail = f"/api/v1/committees/{committee.pk}/"
    record = manager.get(detail).json()
    assert record["ics_fields"] == ["13"]
    response = manager.patch(
        detail, {"ics_fields": ["13", "91"], "version": record["version"]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["ics_fields"] == ["13", "91"] and response.json()["version"] == record["version"] + 1
    refused = manager.patch(
        detail, {"ics_fields": ["98"], "version": record["version"] + 1}, content_type="application/json"
    )
    assert refused.status_code == 400 and "ics_fields" in refused.json()
    assert (
        client_as("focal")
        .patch(detail, {"ics_fields": [], "version": record["version"] + 1}, content_type="application/json")
        .status_code
        == 403
    )

    listed = client_as(None).get("/api/v1/committees/", {"sector": "67"}).json()["results"]
    assert sorted(row["reference"] for row in listed) == ["ISO/TC 34", "ISO/TC 34/SC 5", "ISO/TC 34/SC 5/WG 1"]
    assert client_as(None).get("/api/v1/committees/", {"sector": "99"}).status_code == 400


def test_an_iso_import_keeps_the_sectors_the_team_gave(db):
    from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import

    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=datetime.date(2026, 5, 1))
    committee = Committee.objects.get(reference="ISO/TC 34")
    services.committee_update(actor=None, committee=committee, ics_fields=[IcsField.objects.get(code="67")])
    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=datetime.date(2026, 6, 1))
    assert list(Committee.objects.get(reference="ISO/TC 34").ics_fields.values_list("code", flat=True)) == ["67"]
