"""Lists and pages cost a fixed number of queries, whatever the number of rows they show.

Each test pins the count for an anonymous visitor and for a signed-in programme manager (who adds three:
session, user, role assignments), once with about ten rows on the page and once with a hundred or more.
If a count grows with the rows, something is fetched per row (an N+1): fix the selector or view with
select_related/prefetch_related, not this number.
"""

import pytest
from django.utils import translation

from jalon.organisations.models import Membership, Organisation
from jalon.reference.models import Country
from tests.factories import OrganisationFactory, PersonFactory

ROLES = pytest.mark.parametrize("role", [None, "manager"], ids=["anonymous", "manager"])


def page_url(name: str, **kwargs) -> str:
    from django.urls import reverse

    with translation.override("fr"):
        return reverse(name, kwargs=kwargs or None)


def get_counted(client, path: str, expected: int, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200, path
    return response


def countries_elsewhere():
    """Organisations spread over several countries (and some with none), so that the country of each row
    has to come from the join, not from a cache of one object."""
    countries = list(Country.objects.filter(iso3__in=["SEN", "KEN", "BRA", "FRA", "IND", "FJI"]))
    return lambda n: None if n % 7 == 0 else countries[n % len(countries)]


def bench_organisations(count: int, start: int = 0, **fields) -> list[Organisation]:
    country_for = countries_elsewhere()
    return [
        OrganisationFactory(
            **{"name": {"en": f"Bench body {n:03}"}, "acronym": f"BB{n:03}", "country": country_for(n), **fields}
        )
        for n in range(start, start + count)
    ]


@ROLES
def test_the_country_list_page_costs_the_same_queries_for_10_or_100_rows(client_as, role, django_assert_num_queries):
    expected = {None: 3, "manager": 6}[role]
    client = client_as(role)
    few = get_counted(
        client, page_url("web:country_list") + "?region=061&size=100", expected, django_assert_num_queries
    )  # Polynesia
    many = get_counted(client, page_url("web:country_list") + "?size=100", expected, django_assert_num_queries)
    assert len(few.context["page"].object_list) == 10
    assert len(many.context["page"].object_list) == 100


@ROLES
def test_the_organisation_list_page_costs_the_same_queries_for_10_or_100_rows(
    client_as, role, django_assert_num_queries
):
    expected = {None: 3, "manager": 6}[role]
    client = client_as(role)
    path = page_url("web:organisation_list") + "?q=Bench+body&size=100"
    bench_organisations(10)
    few = get_counted(client, path, expected, django_assert_num_queries)
    bench_organisations(100, start=10)
    many = get_counted(client, path, expected, django_assert_num_queries)
    assert len(few.context["page"].object_list) == 10
    assert len(many.context["page"].object_list) == 100


@ROLES
def test_the_country_page_costs_the_same_queries_for_10_or_110_organisations(
    client_as, role, django_assert_num_queries
):
    expected = {None: 7, "manager": 10}[role]
    client = client_as(role)
    path = page_url("web:country_detail", iso3="SEN")
    senegal = Country.objects.get(iso3="SEN")
    already = Organisation.objects.filter(country=senegal).count()
    bench_organisations(10 - already, country=senegal)
    few = get_counted(client, path, expected, django_assert_num_queries)
    bench_organisations(100, start=100, country=senegal)
    many = get_counted(client, path, expected, django_assert_num_queries)
    assert len(few.context["organisations"]) == 10
    assert len(many.context["organisations"]) == 110


def add_members_and_people(body: Organisation, count: int, start: int) -> None:
    for member in bench_organisations(count, start=start):
        Membership.objects.create(member=member, body=body, category=Membership.Category.OTHER)
        PersonFactory(organisation=body, job_title=f"Officer {member.acronym}")


@ROLES
def test_the_organisation_page_costs_the_same_queries_for_10_or_110_members_and_contacts(
    client_as, role, django_assert_num_queries
):
    # Anonymous visitors do not see contacts (no query for them); the manager does (a page: count, rows).
    expected = {None: 3, "manager": 8}[role]
    client = client_as(role)
    body = OrganisationFactory(name="Regional body", acronym="RB", kind=Organisation.Kind.REGIONAL_SDO)
    iso = Organisation.objects.get(acronym="ISO")
    Membership.objects.create(member=body, body=iso, category=Membership.Category.ISO_SUBSCRIBER)
    path = page_url("web:organisation_detail", pk=body.pk)
    add_members_and_people(body, 10, start=0)
    few = get_counted(client, path, expected, django_assert_num_queries)
    add_members_and_people(body, 100, start=10)
    many = get_counted(client, path, expected, django_assert_num_queries)
    assert len(few.context["members"]) == 10 and len(many.context["members"]) == 110
    if role == "manager":
        # The contacts a page of 25 at a time, by name (issue 21); the members all.
        assert len(few.context["people"]) == 10 and len(many.context["people"]) == 25
        assert many.context["page"].paginator.count == 110
        last = get_counted(client, path + "?page=5", expected, django_assert_num_queries)
        assert len(last.context["people"]) == 10
        shown = [(person.family_name, person.given_name, person.pk) for person in many.context["people"]]
        assert shown == sorted(shown)


@ROLES
def test_the_api_country_list_costs_the_same_queries_for_10_or_200_rows(client_as, role, django_assert_num_queries):
    expected = {None: 4, "manager": 6}[role]
    client = client_as(role)
    few = get_counted(client, "/api/v1/countries/?page_size=10", expected, django_assert_num_queries)
    many = get_counted(client, "/api/v1/countries/?page_size=200", expected, django_assert_num_queries)
    assert len(few.json()["results"]) == 10
    assert len(many.json()["results"]) == 200
    assert any(item["languages"] and item["currencies"] for item in many.json()["results"])


@ROLES
def test_the_api_organisation_list_costs_the_same_queries_for_10_or_200_rows(
    client_as, role, django_assert_num_queries
):
    expected = {None: 3, "manager": 6}[role]
    client = client_as(role)
    bench_organisations(60)  # beside the 164 ISO bodies, many with a membership each
    few = get_counted(client, "/api/v1/organisations/?page_size=10", expected, django_assert_num_queries)
    many = get_counted(client, "/api/v1/organisations/?page_size=200", expected, django_assert_num_queries)
    assert len(few.json()["results"]) == 10
    results = many.json()["results"]
    assert len(results) == 200
    assert sum(1 for item in results if item["memberships"]) > 100
    assert sum(1 for item in results if item["country"]) > 100
