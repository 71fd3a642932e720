"""Country and organisation list and detail pages: search, filters, sorting, pagination, bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jalon.organisations.models import Organisation
from jalon.reference.services import reference_load
from tests.factories import PersonFactory


def iso3s(response) -> list[str]:
    return [country.iso3 for country in response.context["page"].object_list]


def acronyms(response) -> list[str]:
    return [organisation.acronym for organisation in response.context["page"].object_list]


def total(response) -> int:
    return response.context["page"].paginator.count


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Countries: search and filters ---------------------------------------------------------------------------


def test_the_country_list_shows_every_country_25_to_a_page(client, db):
    response = client.get("/en/countries/")
    assert response.status_code == 200
    assert (total(response), len(iso3s(response)), response.context["page"].paginator.num_pages) == (248, 25, 10)
    assert iso3s(response)[0] == "AFG"
    page = response.content.decode()
    assert "248 results" in page
    assert "Page 1 of 10" in page


@pytest.mark.parametrize(
    ("term", "expected"),
    [("senegal", ["SEN"]), ("Sénégal", ["SEN"]), ("zw", ["ZWE"]), ("ZWE", ["ZWE"]), ("guinea", None)],
)
def test_the_country_list_searches_names_and_codes(client, db, master_rows, term, expected):
    response = client.get("/en/countries/", {"q": term})
    if expected is None:
        expected = sorted(
            (row["country_name_en"], row["iso3"]) for row in master_rows if "guinea" in row["country_name_en"].lower()
        )
        expected = [iso3 for _name, iso3 in expected]
        assert len(expected) == 4
    assert iso3s(response) == expected


@pytest.mark.parametrize(("region", "column"), [("002", "region_code"), ("202", "sub_region_code")])
def test_the_country_list_filters_by_region_and_sub_region(client, db, master_rows, region, column):
    response = client.get("/en/countries/", {"region": region, "size": "100"})
    expected = {row["iso3"] for row in master_rows if row[column] == region.lstrip("0")}
    assert total(response) == len(expected)
    assert set(iso3s(response)) == expected


@pytest.mark.parametrize(
    ("params", "test", "count"),
    [
        ({"income": "LIC"}, lambda row: row["wb_income_code"] == "LIC", 25),
        ({"income": "HIC"}, lambda row: row["wb_income_code"] == "HIC", 85),
        ({"ldc": "yes"}, lambda row: row["is_ldc"] == "True", 44),
        ({"ldc": "no"}, lambda row: row["is_ldc"] == "False", 204),
        ({"dac": "yes"}, lambda row: row["oecd_dac_eligible"] == "True", 140),
        ({"dac": "no"}, lambda row: row["oecd_dac_eligible"] == "False", 108),
        (
            {"region": "002", "income": "LMC", "dac": "yes"},
            lambda row: (
                row["region_code"] == "2" and row["wb_income_code"] == "LMC" and row["oecd_dac_eligible"] == "True"
            ),
            None,
        ),
    ],
)
def test_the_country_list_filters_by_classification_today(client, db, master_rows, params, test, count):
    response = client.get("/en/countries/", {**params, "size": "100", "sort": "iso3"})
    expected = sorted(row["iso3"] for row in master_rows if test(row))
    if count is not None:
        assert len(expected) == count
    assert total(response) == len(expected)
    assert iso3s(response) == expected[:100]


def test_the_country_list_says_so_when_nothing_matches(client, db):
    response = client.get("/en/countries/", {"q": "atlantis"})
    assert total(response) == 0
    page = response.content.decode()
    assert "No country matches these filters." in page
    assert "0 results" in page


# Countries: sorting and pagination -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [("name", "DZA", "ZWE"), ("-name", "ZWE", "DZA"), ("iso3", "AGO", "ZWE"), ("-iso3", "ZWE", "AGO")],
)
def test_the_country_list_sorts_both_ways(client, db, sort, first, last):
    response = client.get("/en/countries/", {"region": "002", "sort": sort, "size": "100"})
    assert (iso3s(response)[0], iso3s(response)[-1], len(iso3s(response))) == (first, last, 60)
    assert response.context["sort"] == sort


def test_the_country_list_sorts_by_income_and_region_with_unknowns_last(client, db):
    ascending = client.get("/en/countries/", {"sort": "income", "page": "10"})
    descending = client.get("/en/countries/", {"sort": "-income"})
    last_of_descending = client.get("/en/countries/", {"sort": "-income", "page": "10"})
    assert list(ascending.context["page"].object_list)[-1].cls_income is None
    assert descending.context["page"].object_list[0].cls_income == "UMC"
    assert list(last_of_descending.context["page"].object_list)[-1].cls_income is None
    assert client.get("/en/countries/", {"sort": "income"}).context["page"].object_list[0].cls_income == "HIC"
    assert client.get("/en/countries/", {"sort": "region"}).context["page"].object_list[0].region.m49 == "002"
    assert client.get("/en/countries/", {"sort": "-region"}).context["page"].object_list[0].region.m49 == "150"


def test_the_sort_links_toggle_the_direction(client, db):
    ascending = client.get("/en/countries/", {"sort": "iso3", "ldc": "yes"}).content.decode()
    assert '<a href="?ldc=yes&amp;sort=-iso3" aria-sort="ascending">ISO code ▲</a>' in ascending
    descending = client.get("/en/countries/", {"sort": "-iso3", "ldc": "yes"}).content.decode()
    assert '<a href="?ldc=yes&amp;sort=iso3" aria-sort="descending">ISO code ▼</a>' in descending


def test_the_second_page_of_countries_follows_the_first(client, db, master_rows):
    every = sorted(row["iso3"] for row in master_rows)
    response = client.get("/en/countries/", {"sort": "iso3", "page": "2"})
    assert response.context["page"].number == 2
    assert iso3s(response) == every[25:50]
    page = response.content.decode()
    assert '<a href="?sort=iso3&amp;page=1" rel="prev">Previous</a>' in page
    assert '<a href="?sort=iso3&amp;page=3" rel="next">Next</a>' in page


@pytest.mark.parametrize(
    ("params", "number", "rows", "pages"),
    [
        ({"page": "abc"}, 1, 25, 10),
        ({"page": "999"}, 10, 23, 10),
        ({"page": "0"}, 10, 23, 10),
        ({"page": "-1"}, 10, 23, 10),
        ({"page": "99999999999999999999999"}, 10, 23, 10),
        ({"size": "50"}, 1, 50, 5),
        ({"size": "100", "page": "3"}, 3, 48, 3),
        ({"size": "abc"}, 1, 25, 10),
        ({"size": "7"}, 1, 25, 10),
        ({"size": "-50"}, 1, 25, 10),
        ({"size": "100000"}, 1, 25, 10),
    ],
)
def test_bad_page_numbers_and_sizes_fall_back_to_real_pages(client, db, params, number, rows, pages):
    response = client.get("/en/countries/", params)
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.num_pages) == (number, rows, pages)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"income": "XXX"}, {"income": ["Select a valid choice. XXX is not one of the available choices."]}),
        ({"region": "999"}, {"region": ["Select a valid choice. 999 is not one of the available choices."]}),
        ({"ldc": "maybe"}, {"ldc": ["Select a valid choice. maybe is not one of the available choices."]}),
        ({"dac": "1"}, {"dac": ["Select a valid choice. 1 is not one of the available choices."]}),
        ({"q": "x" * 101}, {"q": ["Ensure this value has at most 100 characters (it has 101)."]}),
    ],
)
def test_bad_country_filters_show_an_error_not_a_server_error(client, db, params, errors, english):
    response = client.get("/en/countries/", params)
    assert response.status_code == 200
    assert response.context["form"].errors == errors


@pytest.mark.parametrize("sort", ["bogus", "--", "", "-", "name;drop", "region__name_en"])
def test_unknown_sort_keys_use_the_default_order(client, db, sort):
    response = client.get("/en/countries/", {"sort": sort})
    assert response.status_code == 200
    assert (response.context["sort"], iso3s(response)[0]) == ("name", "AFG")


def test_the_country_list_costs_the_same_queries_whatever_the_page_size(client, db):
    assert query_count(client, "/en/countries/?size=25") == query_count(client, "/en/countries/?size=100")


# Country detail ------------------------------------------------------------------------------------------


def test_the_country_page_shows_classifications_languages_currencies_and_names(client, db):
    response = client.get("/en/countries/SEN/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Senegal</h1>" in page
    assert "<dd>SN · SEN · 686</dd>" in page
    assert "<dd>Africa › Sub-Saharan Africa › Western Africa</dd>" in page
    assert "<dd>Lower middle income (World Bank FY2027)</dd>" in page
    assert "<dd>French, Wolof</dd>" in page
    assert "<dd>XOF (West African CFA Franc)</dd>" in page
    assert "<dd>Сенегал</dd>" in page
    assert "<dd>塞内加尔</dd>" in page
    assert "<dd>السنغال</dd>" in page
    assert {rule.code: verdict for rule, verdict in response.context["rules"]} == {
        "dac-eligible": True,
        "dac-or-ldc": True,
        "ldc": True,
        "not-high-income": True,
    }
    assert "ASN (Association Sénégalaise de Normalisation)" in page


def test_the_country_page_speaks_french_on_french_pages(client, db):
    page = client.get("/fr/countries/SEN/").content.decode()
    assert "<h1>Sénégal</h1>" in page
    assert "<dd>Afrique › Afrique subsaharienne › Afrique occidentale</dd>" in page
    assert "<dd>français, wolof</dd>" in page
    assert "<dd>XOF (franc CFA (BCEAO))</dd>" in page


def test_the_country_page_shows_the_classification_history_with_dates_in_the_page_language(client, db):
    response = client.get("/en/countries/STP/")
    ldc = [
        (item.value, item.valid_from, item.valid_to, item.vintage.key)
        for item in response.context["history"]
        if item.scheme == "ldc"
    ]
    assert ldc == [
        ("yes", datetime.date(2024, 9, 1), datetime.date(2026, 8, 20), "un-m49-2024-09"),
        ("no", datetime.date(2026, 8, 21), None, "ccc-2026-08-21"),
    ]
    assert {rule.code: verdict for rule, verdict in response.context["rules"]} == {
        "dac-eligible": True,
        "dac-or-ldc": True,
        "ldc": False,
        "not-high-income": True,
    }
    english = response.content.decode()
    assert (
        "<td>Least developed country (UN)</td><td>Yes</td><td>01/09/2024</td><td>20/08/2026</td>"
        "<td>UN M49 standard country or area codes, extract of September 2024</td>"
    ) in english
    french = client.get("/fr/countries/STP/").content.decode()
    assert "<td>01/09/2024</td><td>20/08/2026</td>" in french


def test_the_country_page_shows_the_income_group_in_force_today_with_its_fiscal_year(client, db, write_vintage):
    reference_load(
        manifest=write_vintage(
            key="ccc-2098-08-21",
            as_of="2098-08-21",
            effective={"income": "2098-07-01"},
            changes={"SEN": {"wb_income_code": "UMC"}},
        )
    )
    page = client.get("/en/countries/SEN/").content.decode()
    assert "<dd>Lower middle income (World Bank FY2027)</dd>" in page


def test_a_country_code_is_found_whatever_its_case_and_an_unknown_one_is_not(client, db):
    assert client.get("/en/countries/sen/").status_code == 200
    assert client.get("/en/countries/XXX/").status_code == 404
    assert client.get("/en/countries/%00/").status_code == 400  # NUL: refused before any view


# Organisations -------------------------------------------------------------------------------------------


def test_the_organisation_list_shows_published_organisations_to_the_public(client_as, hidden_org):
    public = client_as(None).get("/en/organisations/")
    assert total(public) == 164
    assert hidden_org.pk not in {org.pk for org in public.context["page"].paginator.object_list}
    team = client_as("manager").get("/en/organisations/", {"q": "Unpublished"})
    assert [str(org.name) for org in team.context["page"].object_list] == ["Unpublished ministry"]
    assert total(client_as(None).get("/en/organisations/", {"q": "Unpublished"})) == 0


@pytest.mark.parametrize(("term", "expected"), [("GOST", ["GOST R"]), ("O'Z", ["O'ZTTSA"]), ("asn", ["ASN"])])
def test_the_organisation_list_searches_names_and_acronyms(client, db, term, expected):
    assert acronyms(client.get("/en/organisations/", {"q": term})) == expected


def test_the_organisation_search_matches_names(client, db, iso_member_rows):
    response = client.get("/en/organisations/", {"q": "normalisation", "size": "100"})
    expected = {row["acronym"] for row in iso_member_rows if "normalisation" in row["name"].lower()}
    assert len(expected) == 20
    # ISO's own French name ("Organisation internationale de normalisation") matches too.
    assert set(acronyms(response)) == expected | {"ISO"}


@pytest.mark.parametrize(("kind", "count"), [("nsb", 163), ("international_sdo", 1), ("donor", 0)])
def test_the_organisation_list_filters_by_kind(client, db, kind, count):
    response = client.get("/en/organisations/", {"kind": kind})
    assert total(response) == count
    assert {org.kind for org in response.context["page"].paginator.object_list} <= {kind}


def test_the_organisation_list_filters_by_region(client, db, master_rows, iso_member_rows):
    africa = {row["iso2"] for row in master_rows if row["region_code"] == "2"}
    expected = {row["acronym"] for row in iso_member_rows if row["country_iso2"] in africa}
    assert len(expected) == 43
    response = client.get("/en/organisations/", {"region": "002", "size": "100"})
    assert set(acronyms(response)) == expected


@pytest.mark.parametrize(("sort", "first"), [("acronym", "ABNORM"), ("-acronym", "ZABS")])
def test_the_organisation_list_sorts_both_ways(client, db, sort, first):
    assert acronyms(client.get("/en/organisations/", {"sort": sort}))[0] == first


def test_organisations_without_a_country_sort_last_both_ways(client, db):
    for sort in ("country", "-country"):
        last_page = client.get("/en/organisations/", {"sort": sort, "size": "100", "page": "2"})
        assert {org.country_id for org in list(last_page.context["page"].object_list)[-3:]} == {None}
        assert sorted(acronyms(last_page)[-3:]) == ["ASQA", "INIQ", "ISO"]


def test_the_second_page_of_organisations_exists(client, db):
    first, second = (client.get("/en/organisations/", {"sort": "acronym", "page": page}) for page in ("1", "2"))
    assert (second.context["page"].number, len(acronyms(second)), second.context["page"].paginator.num_pages) == (
        2,
        25,
        7,
    )
    assert set(acronyms(first)).isdisjoint(acronyms(second))


def test_the_organisation_list_says_so_when_nothing_matches(client, db):
    page = client.get("/en/organisations/", {"q": "no such body"}).content.decode()
    assert "No organisation matches these filters." in page


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "embassy"},
        {"region": "abc"},
        {"q": "x" * 500},
        {"q": "\x00"},
        {"sort": "-password"},
        {"page": "last"},
        {"size": "1e9"},
        {"country": "ZZ"},
    ],
)
def test_bad_organisation_filters_never_give_a_server_error(client, db, params):
    # A NUL character is refused before any view (jalon/web/nul_bytes.py): 400, not a server error.
    expected = 400 if any("\x00" in value for value in params.values()) else 200
    assert client.get("/en/organisations/", params).status_code == expected


def test_the_organisation_list_costs_the_same_queries_whatever_the_page_size(client_as):
    client = client_as("manager")
    assert query_count(client, "/en/organisations/?size=25") == query_count(client, "/en/organisations/?size=100")


# Organisation detail -------------------------------------------------------------------------------------


def test_the_organisation_page_shows_its_iso_membership(client, nsb):
    response = client.get(f"/en/organisations/{nsb.pk}/")
    assert response.status_code == 200
    [membership] = response.context["memberships"]
    assert (membership.body.acronym, membership.category) == ("ISO", "iso_member_body")
    page = response.content.decode()
    assert "<td>ISO member body</td>" in page
    assert "<td>01/05/2026</td>" in page
    assert "Association Sénégalaise de Normalisation" in page


def test_the_iso_page_lists_its_members(client, db):
    iso = Organisation.objects.get(acronym="ISO")
    response = client.get(f"/en/organisations/{iso.pk}/")
    assert len(response.context["members"]) == 163
    assert "<td>ISO correspondent member</td>" in response.content.decode()


def test_contacts_show_only_to_the_organisations_users_and_the_programme_team(client_as, nsb):
    PersonFactory(given_name="Awa", family_name="Diop", organisation=nsb)
    for role, sees in (("focal", True), ("contributor", True), ("manager", True), ("viewer", False), (None, False)):
        page = client_as(role).get(f"/en/organisations/{nsb.pk}/").content.decode()
        assert ("Awa Diop" in page) is sees, role


def test_an_unknown_organisation_is_not_found(client, db):
    assert client.get("/en/organisations/999999/").status_code == 404


def test_names_sort_with_accents_among_their_letters_not_after_z(client, db):
    # French: "Égypte", "Émirats arabes unis", "Équateur", "Érythrée"... belong between "Dominique" and "Espagne".
    response = client.get("/fr/countries/?sort=name&size=100&page=1")
    names = [country.name["fr"] for country in response.context["page"].object_list]
    assert "Égypte" in names
    position = names.index("Égypte")
    assert names[position - 1][0] in "DdEeÉé"
    from jalon.lib.collation import sort_key

    assert names == sorted(names, key=sort_key)


def test_organisation_names_sort_ignoring_case_and_accents(client, db):
    from tests.factories import OrganisationFactory

    for name in ("Zeta qxj", "élan qxj", "Eagle qxj", "alpha qxj"):
        OrganisationFactory(name=name)
    response = client.get("/en/organisations/?sort=name&q=qxj")
    names = [str(organisation.name) for organisation in response.context["page"].object_list]
    assert names == ["alpha qxj", "Eagle qxj", "élan qxj", "Zeta qxj"]
