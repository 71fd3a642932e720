"""The JSON API: filters, pagination, writes with token and session auth, conflicts, errors, audit.

Expected countries and organisations are computed here straight from the shipped CSV files with the csv
module, not through the loaders, so a loader or filter bug cannot hide behind its own output.
"""

import csv
import datetime
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import translation

import jalon
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import CONFLICT_MESSAGE
from jalon.api.tokens import token_create
from jalon.organisations.models import Organisation
from jalon.results.models import Programme
from tests.client import Client
from tests.factories import OrganisationFactory

DATA = Path(jalon.__file__).resolve().parent
COUNTRIES = "/api/v1/countries/"
ORGANISATIONS = "/api/v1/organisations/"
ALL = {"page_size": 500}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


MASTER = read_csv(DATA / "reference" / "data" / "countries_master.csv")
ISO_MEMBERS = read_csv(DATA / "organisations" / "data" / "iso_members.csv")


def m49(code: str) -> str:
    return code.zfill(3) if code else ""


def in_region(row: dict, code: str) -> bool:
    return code in {m49(row["region_code"]), m49(row["sub_region_code"]), m49(row["intermediate_region_code"])}


def iso3s(rows) -> set[str]:
    return {row["iso3"] for row in rows}


def organisation_page_url(pk: int) -> str:
    return f"{ORGANISATIONS}{pk}/"


def json_body(data) -> dict:
    return {"data": json.dumps(data), "content_type": "application/json"}


# Countries -------------------------------------------------------------------------------------------------


def test_the_country_list_holds_every_country_of_the_master_file(client, db):
    body = client.get(COUNTRIES, ALL).json()
    assert body["count"] == len(MASTER) == 248
    assert {item["iso3"] for item in body["results"]} == iso3s(MASTER)


COUNTRY_FILTERS = [
    ("region", "002", lambda row: in_region(row, "002")),  # Africa (a region)
    ("region", "202", lambda row: in_region(row, "202")),  # Sub-Saharan Africa (a sub-region)
    ("region", "011", lambda row: in_region(row, "011")),  # Western Africa (an intermediate region)
    ("region", "419", lambda row: in_region(row, "419")),  # Latin America and the Caribbean
    *[
        ("income_group", code, lambda row, code=code: row["wb_income_code"] == code)
        for code in ("LIC", "LMC", "UMC", "HIC")
    ],
    ("ldc", "yes", lambda row: row["is_ldc"] == "True"),
    ("ldc", "no", lambda row: row["is_ldc"] == "False"),
    ("lldc", "yes", lambda row: row["is_lldc"] == "True"),
    ("lldc", "no", lambda row: row["is_lldc"] == "False"),
    ("sids", "yes", lambda row: row["is_sids"] == "True"),
    ("sids", "no", lambda row: row["is_sids"] == "False"),
    ("dac_eligible", "yes", lambda row: row["oecd_dac_eligible"] == "True"),
    ("dac_eligible", "no", lambda row: row["oecd_dac_eligible"] == "False"),
]


@pytest.mark.parametrize(
    ("name", "value", "predicate"), COUNTRY_FILTERS, ids=[f"{name}={value}" for name, value, _ in COUNTRY_FILTERS]
)
def test_each_country_filter_returns_exactly_the_countries_of_the_master_file(client, db, name, value, predicate):
    expected = [row for row in MASTER if predicate(row)]
    assert expected, "a filter case that matches nothing proves little"
    body = client.get(COUNTRIES, {name: value, **ALL}).json()
    assert body["count"] == len(expected)
    assert {item["iso3"] for item in body["results"]} == iso3s(expected)


def test_country_filters_combine(client, db):
    expected = [row for row in MASTER if in_region(row, "002") and row["is_ldc"] == "True" and row["is_lldc"] == "True"]
    body = client.get(COUNTRIES, {"region": "002", "ldc": "yes", "lldc": "yes", **ALL}).json()
    assert {item["iso3"] for item in body["results"]} == iso3s(expected)
    assert 0 < body["count"] < len([row for row in MASTER if in_region(row, "002")])


@pytest.mark.parametrize("search", ["guinea", "republic congo", "sen", "SN", "island"])
def test_country_search_matches_every_term_in_names_and_codes(client, db, search):
    fields = ("country_name_en", "country_name_fr", "country_name_es", "iso2", "iso3")
    terms = search.lower().split()
    expected = [row for row in MASTER if all(any(term in row[f].lower() for f in fields) for term in terms)]
    assert expected
    body = client.get(COUNTRIES, {"search": search, **ALL}).json()
    assert body["count"] == len(expected)
    assert {item["iso3"] for item in body["results"]} == iso3s(expected)


@pytest.mark.parametrize(
    ("ordering", "key", "reverse"),
    [
        ("iso3", "iso3", False),
        ("-iso3", "iso3", True),
        ("m49", "m49", False),
        ("-m49", "m49", True),
    ],
)
def test_countries_are_ordered_as_asked(client, db, ordering, key, reverse):
    expected = [
        row["iso3"]
        for row in sorted(MASTER, key=lambda row: m49(row[key]) if key == "m49" else row[key], reverse=reverse)
    ]
    body = client.get(COUNTRIES, {"ordering": ordering, **ALL}).json()
    assert [item["iso3"] for item in body["results"]] == expected


def test_an_ordering_on_an_unlisted_field_is_ignored_not_an_error(client, db):
    default = client.get(COUNTRIES, ALL).json()["results"]
    response = client.get(COUNTRIES, {"ordering": "cls_income", **ALL})
    assert response.status_code == 200
    assert response.json()["results"] == default


@pytest.mark.parametrize(("name", "value"), [("ldc", "maybe"), ("income_group", "RICH"), ("sids", "")])
def test_a_bad_filter_value_is_a_field_level_400(client, db, name, value):
    response = client.get(COUNTRIES, {name: value})
    if value == "":
        # An empty value means "no filter", as in a submitted HTML form.
        assert response.status_code == 200
        assert response.json()["count"] == len(MASTER)
    else:
        assert response.status_code == 400
        assert list(response.json()) == [name]


def test_a_country_is_found_by_its_iso3_code_with_its_classifications(client, db):
    row = next(row for row in MASTER if row["iso3"] == "SEN")
    response = client.get(f"{COUNTRIES}SEN/")
    assert response.status_code == 200
    country = response.json()
    assert country["iso2"] == row["iso2"] == "SN"
    assert country["m49"] == m49(row["m49"])
    assert country["name"]["en"] == row["country_name_en"]
    assert country["name"]["fr"] == row["country_name_fr"]
    assert country["region"] == m49(row["region_code"])
    assert country["sub_region"] == m49(row["sub_region_code"])
    assert country["income_group"] == row["wb_income_code"]
    assert country["ldc"] is (row["is_ldc"] == "True")
    assert country["lldc"] is (row["is_lldc"] == "True")
    assert country["sids"] is (row["is_sids"] == "True")
    assert country["dac_eligible"] is (row["oecd_dac_eligible"] == "True")
    assert "fr" in country["languages"] and "XOF" in country["currencies"]


def test_a_country_without_income_group_says_null(client, db):
    row = next(row for row in MASTER if not row["wb_income_code"])
    assert client.get(f"{COUNTRIES}{row['iso3']}/").json()["income_group"] is None


def test_an_unknown_country_is_404(client, db):
    assert client.get(f"{COUNTRIES}XYZ/").status_code == 404


def test_a_country_is_found_whatever_the_case_of_its_code_as_on_its_page(client, db):
    # The API and the page ask the same access function (jalon.reference.access.access_country).
    assert client.get(f"{COUNTRIES}sen/").json()["iso3"] == "SEN"
    assert client.get("/en/countries/sen/").status_code == 200


# Pagination ------------------------------------------------------------------------------------------------


def test_the_country_list_pages_by_50_with_next_and_previous_links(client, db):
    body = client.get(COUNTRIES).json()
    assert body["count"] == len(MASTER)
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert urlparse(body["next"]).path == COUNTRIES
    assert parse_qs(urlparse(body["next"]).query) == {"page": ["2"]}


def link(page: int | None, **params) -> tuple[str, dict] | None:
    """A pagination link as (path, query) so that parameter order does not matter; DRF drops `page`
    from the link to the first page."""
    query = {key: [str(value)] for key, value in params.items()}
    if page is not None and page > 1:
        query["page"] = [str(page)]
    return COUNTRIES, query


def parsed(absolute: str | None) -> tuple[str, dict] | None:
    if absolute is None:
        return None
    parts = urlparse(absolute)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    return parts.path, parse_qs(parts.query)


def test_following_next_links_visits_every_country_once(client, db):
    seen, url, page = [], f"{COUNTRIES}?page_size=100", 1
    while url:
        body = client.get(url).json()
        assert parsed(body["previous"]) == (None if page == 1 else link(page - 1, page_size=100))
        if body["next"]:
            assert parsed(body["next"]) == link(page + 1, page_size=100)
        seen += [item["iso3"] for item in body["results"]]
        url, page = body["next"], page + 1
    assert page - 1 == 3
    assert len(seen) == len(set(seen)) == len(MASTER)
    assert set(seen) == iso3s(MASTER)


def test_the_last_page_has_no_next_link_and_a_page_past_it_is_404(client, db):
    body = client.get(COUNTRIES, {"page": 3, "page_size": 100}).json()
    assert body["next"] is None
    assert len(body["results"]) == len(MASTER) - 200
    assert parse_qs(urlparse(body["previous"]).query) == {"page": ["2"], "page_size": ["100"]}
    assert client.get(COUNTRIES, {"page": 4, "page_size": 100}).status_code == 404


@pytest.mark.parametrize("page_size", ["0", "-5", "many"])
def test_a_page_size_that_is_not_a_positive_number_falls_back_to_50(client, db, page_size):
    response = client.get(COUNTRIES, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


def test_a_page_holds_at_most_500_items(client, db):
    Organisation.objects.bulk_create(
        [Organisation(name={"en": f"Bulk body {n:03}"}, kind=Organisation.Kind.OTHER) for n in range(420)]
    )
    total = Organisation.objects.filter(published=True).count()
    assert total > 500
    body = client.get(ORGANISATIONS, {"page_size": 100000}).json()
    assert body["count"] == total
    assert len(body["results"]) == 500
    assert parse_qs(urlparse(body["next"]).query) == {"page": ["2"], "page_size": ["100000"]}


# Organisations: list and filters ---------------------------------------------------------------------------


REGIONS_BY_ISO2 = {row["iso2"]: row for row in MASTER}


@pytest.fixture
def extra_organisations(db, hidden_org):
    """Beside the ISO members: a ministry in Senegal, a donor without a country, a university in Kenya.
    `hidden_org` (an unpublished ministry in Senegal) is there too."""
    return {
        "ministry": OrganisationFactory(
            name="Ministère du Commerce", acronym="MINCOM", kind=Organisation.Kind.MINISTRY
        ),
        "donor": OrganisationFactory(name="Friendly Donor", acronym="FDON", kind=Organisation.Kind.DONOR, country=None),
        "university": OrganisationFactory(
            name="University of Nairobi",
            acronym="UON",
            kind=Organisation.Kind.UNIVERSITY,
            country_id=_country_pk("KEN"),
        ),
    }


def _country_pk(iso3: str) -> int:
    from jalon.reference.models import Country

    return Country.objects.get(iso3=iso3).pk


def acronyms(client, **params) -> list[str]:
    response = client.get(ORGANISATIONS, {**params, **ALL})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return sorted(item["acronym"] for item in body["results"])


def member_acronyms(predicate=lambda row: True) -> list[str]:
    return sorted(row["acronym"] for row in ISO_MEMBERS if predicate(row))


def test_organisations_filter_by_country_code_in_any_case(client_as, extra_organisations, hidden_org):
    anonymous = client_as(None)
    senegal = acronyms(anonymous, country="SEN")
    assert senegal == sorted(member_acronyms(lambda row: row["country_iso2"] == "SN") + ["MINCOM"])
    assert acronyms(anonymous, country="sen") == senegal
    assert acronyms(anonymous, country="KEN") == sorted(
        member_acronyms(lambda row: row["country_iso2"] == "KE") + ["UON"]
    )
    # The programme team also sees the unpublished ministry.
    assert acronyms(client_as("manager"), country="SEN") == sorted([*senegal, hidden_org.acronym])


@pytest.mark.parametrize("region", ["002", "202", "011", "419", "150"])
def test_organisations_filter_by_region_of_their_country(client, extra_organisations, region):
    expected = member_acronyms(
        lambda row: row["country_iso2"] in REGIONS_BY_ISO2 and in_region(REGIONS_BY_ISO2[row["country_iso2"]], region)
    )
    expected += [
        acronym for acronym, iso2 in (("MINCOM", "SN"), ("UON", "KE")) if in_region(REGIONS_BY_ISO2[iso2], region)
    ]
    assert expected
    assert acronyms(client, region=region) == sorted(expected)


def test_organisations_filter_by_kind(client, extra_organisations):
    assert acronyms(client, kind="nsb") == member_acronyms()
    assert acronyms(client, kind="ministry") == ["MINCOM"]
    assert acronyms(client, kind="donor") == ["FDON"]
    assert acronyms(client, kind="international_sdo") == ["ISO"]


def test_organisations_filter_by_the_body_they_are_members_of(client, extra_organisations):
    assert acronyms(client, member_of="ISO") == member_acronyms()
    assert acronyms(client, member_of="iso") == member_acronyms()
    assert acronyms(client, member_of="ITU") == []


def test_an_unknown_organisation_kind_is_a_field_level_400(client, db):
    response = client.get(ORGANISATIONS, {"kind": "spaceship"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json() == {"kind": ["Sélectionnez un choix valide. spaceship n’en fait pas partie."]}


def test_an_organisation_shows_its_iso_membership(client, nsb):
    body = client.get(organisation_page_url(nsb.pk)).json()
    row = next(row for row in ISO_MEMBERS if row["acronym"] == "ASN")
    assert body["iso_member_id"] == int(row["iso_member_id"])
    assert body["country"] == "SEN"
    assert body["memberships"] == [
        {"body": "ISO", "category": "iso_member_body", "start_date": None, "end_date": None, "as_of": row["as_of"]}
    ]


# Organisations: writes -------------------------------------------------------------------------------------


@pytest.fixture
def token_client(users):
    """An API client with no session at all: it authenticates with the manager's token alone."""
    _token, key = token_create(actor=users["manager"], name="Test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}", enforce_csrf_checks=True)


def audit_entries(pk) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model="organisations.organisation", object_id=str(pk)).order_by("id"))


def test_a_token_creates_changes_and_deletes_an_organisation_and_each_write_is_audited(token_client, users):
    manager = users["manager"]
    response = token_client.post(
        ORGANISATIONS,
        **json_body({"name": {"en": "Ministry of Trade"}, "acronym": "MOT", "kind": "ministry", "country": "SEN"}),
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["country"] == "SEN" and created["version"] == 1
    pk = created["id"]
    [entry] = audit_entries(pk)
    assert (entry.action, entry.actor, entry.before, entry.after["name"]) == (
        "create",
        manager,
        None,
        {"en": "Ministry of Trade"},
    )

    response = token_client.patch(
        organisation_page_url(pk), **json_body({"name": {"en": "Ministry of Industry"}, "version": 1})
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == {"en": "Ministry of Industry"} and response.json()["version"] == 2
    update = audit_entries(pk)[-1]
    assert (update.action, update.actor) == ("update", manager)
    assert ("name", {"en": "Ministry of Trade"}, {"en": "Ministry of Industry"}) in update.changes()

    response = token_client.put(
        organisation_page_url(pk),
        **json_body(
            {
                "name": {"en": "Ministry of Industry"},
                "acronym": "MOI",
                "kind": "ministry",
                "country": "KEN",
                "version": 2,
            }
        ),
    )
    assert response.status_code == 200, response.content
    assert response.json()["country"] == "KEN"
    assert ("acronym", "MOT", "MOI") in audit_entries(pk)[-1].changes()

    assert token_client.delete(organisation_page_url(pk)).status_code == 403  # a manager may not delete
    assert Organisation.objects.filter(pk=pk).exists()


def test_a_token_of_the_platform_admin_deletes_and_the_deletion_is_audited(users):
    victim = OrganisationFactory(name="Short-lived body")
    _token, key = token_create(actor=users["admin"], name="Test")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(organisation_page_url(victim.pk)).status_code == 204
    assert not Organisation.objects.filter(pk=victim.pk).exists()
    entry = audit_entries(victim.pk)[-1]
    assert (entry.action, entry.actor, entry.before["name"], entry.after) == (
        "delete",
        users["admin"],
        {"en": "Short-lived body"},
        None,
    )


def test_a_wrong_token_is_refused_and_changes_nothing(db):
    client = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.post(
        ORGANISATIONS, HTTP_ACCEPT_LANGUAGE="en", **json_body({"name": {"en": "Intruder"}, "kind": "other"})
    )
    # 401 with the token challenge: token authentication is listed first.
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}
    assert not Organisation.objects.filter(name__en="Intruder").exists()


def test_a_session_write_needs_the_csrf_token_a_token_write_does_not(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    body = json_body({"name": {"en": "Ministry of Trade"}, "kind": "ministry"})
    refused = client.post(ORGANISATIONS, **body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Organisation.objects.filter(name__en="Ministry of Trade").exists()

    client.get("/fr/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(ORGANISATIONS, HTTP_X_CSRFTOKEN=csrf, **body)
    assert response.status_code == 201, response.content
    [entry] = audit_entries(response.json()["id"])
    assert (entry.action, entry.actor) == ("create", users["manager"])

    response = client.patch(
        organisation_page_url(response.json()["id"]),
        HTTP_X_CSRFTOKEN=csrf,
        **json_body({"website": "https://trade.example.org", "version": 1}),
    )
    assert response.status_code == 200, response.content
    assert ("website", "", "https://trade.example.org") in audit_entries(response.json()["id"])[-1].changes()


def test_a_focal_point_changes_its_organisation_through_the_api_and_is_named_in_the_audit(client_as, users, nsb):
    client = client_as("focal")
    response = client.patch(
        organisation_page_url(nsb.pk), **json_body({"website": "https://asn.sn", "version": nsb.version})
    )
    assert response.status_code == 200, response.content
    entry = audit_entries(nsb.pk)[-1]
    assert (entry.action, entry.actor_name) == ("update", "focal")


def test_the_api_answers_as_the_pages_do_for_an_organisation_one_may_not_see_or_change(
    client_as, nsb, other_nsb, hidden_org
):
    client = client_as("focal")
    assert client.get(organisation_page_url(hidden_org.pk)).status_code == 404
    assert client.patch(organisation_page_url(hidden_org.pk), **json_body({"acronym": "X"})).status_code == 404
    assert client.patch(organisation_page_url(other_nsb.pk), **json_body({"acronym": "X"})).status_code == 403
    assert client.delete(organisation_page_url(nsb.pk)).status_code == 403
    assert client.get(organisation_page_url(2**63)).status_code == 404
    other_nsb.refresh_from_db()
    assert other_nsb.acronym == "KEBS"


def test_a_write_based_on_a_stale_version_is_refused_with_409_and_a_message(client_as, nsb):
    client = client_as("manager")
    version = client.get(organisation_page_url(nsb.pk)).json()["version"]
    first = client.patch(organisation_page_url(nsb.pk), **json_body({"name": {"en": "First edit"}, "version": version}))
    assert first.status_code == 200 and first.json()["version"] == version + 1
    entries = len(audit_entries(nsb.pk))

    stale = client.patch(
        organisation_page_url(nsb.pk),
        HTTP_ACCEPT_LANGUAGE="en",
        **json_body({"name": {"en": "Second edit"}, "version": version}),
    )
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Someone else changed this record")
    nsb.refresh_from_db()
    assert (nsb.name, nsb.version) == ({"en": "First edit"}, version + 1)
    assert len(audit_entries(nsb.pk)) == entries  # nothing written, nothing audited

    in_french = client.put(
        organisation_page_url(nsb.pk),
        HTTP_ACCEPT_LANGUAGE="fr",
        **json_body({"name": {"en": "Second edit"}, "kind": "nsb", "version": version}),
    )
    assert in_french.status_code == 409
    with translation.override("fr"):
        expected = str(CONFLICT_MESSAGE)
    assert in_french.json()["detail"] == expected
    assert expected.startswith("Quelqu’un d’autre a modifié cette fiche")


def test_a_change_without_the_version_it_read_is_refused_and_changes_nothing(client_as, nsb, english):
    """Without it, a PATCH would silently overwrite what someone saved meanwhile."""
    client = client_as("manager")
    response = client.patch(
        organisation_page_url(nsb.pk), HTTP_ACCEPT_LANGUAGE="en", **json_body({"name": {"en": "One"}})
    )
    assert response.status_code == 400 and "Send the version you read" in response.json()["version"][0]
    put = client.put(
        organisation_page_url(nsb.pk), HTTP_ACCEPT_LANGUAGE="en", **json_body({"name": {"en": "One"}, "kind": "nsb"})
    )
    assert put.status_code == 400 and "version" in put.json()
    nsb.refresh_from_db()
    assert nsb.name.given("en") != "One"
    ok = client.patch(organisation_page_url(nsb.pk), **json_body({"name": {"en": "One"}, "version": nsb.version}))
    assert ok.status_code == 200 and ok.json()["version"] == nsb.version + 1


@pytest.mark.parametrize(
    ("language", "required", "invalid_choice"),
    [
        ("fr", "Ce champ est obligatoire.", "«\xa0spaceship\xa0» n'est pas un choix valide."),
        ("fr-FR,fr;q=0.9,en;q=0.5", "Ce champ est obligatoire.", "«\xa0spaceship\xa0» n'est pas un choix valide."),
        ("en", "This field is required.", '"spaceship" is not a valid choice.'),
    ],
)
def test_validation_errors_are_field_level_in_the_users_language(client_as, language, required, invalid_choice):
    client = client_as("manager")
    count = Organisation.objects.count()
    response = client.post(
        ORGANISATIONS, HTTP_ACCEPT_LANGUAGE=language, **json_body({"kind": "spaceship", "country": "SEN"})
    )
    assert response.status_code == 400
    assert response.json() == {"name": [required], "kind": [invalid_choice]}
    assert Organisation.objects.count() == count
    assert not AuditEntry.objects.filter(
        model="organisations.organisation", action="create", actor_name="manager"
    ).exists()


def test_an_unknown_country_code_is_a_field_level_error(client_as):
    response = client_as("manager").post(
        ORGANISATIONS, HTTP_ACCEPT_LANGUAGE="en", **json_body({"name": {"en": "Somewhere"}, "country": "XYZ"})
    )
    assert response.status_code == 400
    assert list(response.json()) == ["country"]


def test_a_duplicate_iso_member_id_is_a_field_level_error_not_a_500(client_as, nsb, other_nsb):
    response = client_as("manager").patch(
        organisation_page_url(other_nsb.pk),
        HTTP_ACCEPT_LANGUAGE="en",
        **json_body({"iso_member_id": nsb.iso_member_id}),
    )
    assert response.status_code == 400
    assert list(response.json()) == ["iso_member_id"]


def test_a_malformed_json_body_is_a_400(client_as):
    response = client_as("manager").post(ORGANISATIONS, data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_deleting_an_organisation_that_a_programme_refers_to_is_refused_with_a_message_not_a_500(client_as):
    owner = OrganisationFactory(name="Programme owner")
    today = datetime.date.today()
    Programme.objects.create(code="owned", owner=owner, start_date=today, end_date=today)
    entries = len(audit_entries(owner.pk))
    client = client_as("admin")

    response = client.delete(organisation_page_url(owner.pk), HTTP_ACCEPT_LANGUAGE="fr")
    # A record others still need: a conflict with the data's state, as every protected delete answers.
    assert response.status_code == 409 and response.json()["code"] == "protected"
    message = response.json()["detail"]
    assert message.startswith("D'autres enregistrements font encore référence à cette organisation")

    page = client.post(f"/fr/organisations/{owner.pk}/delete/", follow=True)
    assert page.redirect_chain == [(f"/fr/organisations/{owner.pk}/", 302)]
    assert message in [str(m) for m in page.context["messages"]]

    assert Organisation.objects.filter(pk=owner.pk).exists()
    assert len(audit_entries(owner.pk)) == entries  # the refused deletion left no audit entry behind


def test_an_organisation_takes_a_name_in_a_third_language_through_the_api(client_as, other_nsb):
    """Names are one JSON text per field: Spanish (or Arabic, Chinese, Russian) needs no new column."""
    client = client_as("manager")
    names = {
        "en": "Kenya Bureau of Standards",
        "fr": "Bureau kényan de normalisation",
        "es": "Oficina de Normas de Kenia",
    }
    response = client.patch(
        organisation_page_url(other_nsb.pk), **json_body({"name": names, "version": other_nsb.version})
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == names
    other_nsb.refresh_from_db()
    assert other_nsb.name == names
    with translation.override("es"):
        assert str(other_nsb.name) == "Oficina de Normas de Kenia"
    refused = client.patch(
        organisation_page_url(other_nsb.pk), HTTP_ACCEPT_LANGUAGE="en", **json_body({"name": {"xx": "?"}})
    )
    assert refused.status_code == 400
    assert "Unknown language code: xx" in refused.json()["name"][0]


def test_countries_are_named_in_the_six_un_languages_by_the_api(client, db):
    name = client.get("/api/v1/countries/SEN/").json()["name"]
    assert name == {
        "en": "Senegal",
        "fr": "Sénégal",
        "es": "Senegal",
        "ar": "السنغال",
        "zh": "塞内加尔",
        "ru": "Сенегал",
    }


def test_a_focal_point_may_not_change_its_organisations_directory_data_through_the_api(client_as, nsb):
    """Country, kind, ISO member id, IATI identifier, publication: what the eligibility rules trust. The
    programme team keeps them; the focal point keeps contact details and the description."""
    client = client_as("focal")
    switzerland = {"country": "CHE", "kind": "other", "published": False, "iati_identifier": "XM-DAC-0"}
    for field, value in switzerland.items():
        response = client.patch(organisation_page_url(nsb.pk), **json_body({field: value, "version": nsb.version}))
        assert response.status_code == 400, (field, response.content)
        assert "équipe du programme" in response.json()[field][0]
    nsb.refresh_from_db()
    assert (nsb.country.iso3, nsb.published) == ("SEN", True)
    # Sending the directory data back unchanged, as a PUT does, is fine.
    current = client.get(organisation_page_url(nsb.pk)).json()
    kept = ("name", "acronym", "kind", "country", "iso_member_id", "published", "version")
    unchanged = {key: current[key] for key in kept}
    response = client.put(organisation_page_url(nsb.pk), **json_body(unchanged | {"email": "contact@asn.sn"}))
    assert response.status_code == 200, response.content
    # The programme team changes them.
    nsb.refresh_from_db()
    response = client_as("manager").patch(
        organisation_page_url(nsb.pk), **json_body({"kind": "other", "version": nsb.version})
    )
    assert response.status_code == 200 and response.json()["kind"] == "other"
