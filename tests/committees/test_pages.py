"""The committee pages through HTTP, in French and English: the list's filters and sort, the committee page
with its members by status and their history, delegates shown only to those who may see them, and the
participation profiles of a country and a member over time."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.committees import services
from jalon.committees.models import Committee, CommitteeMembership, Meeting
from jalon.organisations.models import Organisation, Person
from jalon.organisations.services import person_create

TODAY = datetime.date.today()
LAST_YEAR = datetime.date(TODAY.year - 1, 3, 1)
THIS_YEAR = datetime.date(TODAY.year, 1, 1)
P = CommitteeMembership.Status.P
O = CommitteeMembership.Status.O  # noqa: E741


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def text_of(response) -> str:
    """The page's visible text, tags dropped and spaces collapsed, for assertions on what a reader sees."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@dataclass
class World:
    tc2: Committee
    tc10: Committee
    sc1: Committee
    itu: Committee
    meeting: Meeting
    asn: Organisation
    kebs: Organisation
    afnor: Organisation
    asn_delegate: Person
    kebs_delegate: Person


def world_build(manager) -> World:
    """Three ISO committees (TC 2 and TC 10 to check the natural order, TC 2 with a subcommittee), an ITU-T
    study group; ASN (Senegal, developing) holds TC 2's secretariat and is a P-member, KEBS (Kenya,
    developing) moved from O to P this year, AFNOR (France) is a P-member of TC 10 and chairs TC 2; a meeting
    of TC 2 last year with a delegate of ASN and one of KEBS, both present, and a contribution of ASN."""
    asn, kebs, afnor = (Organisation.objects.get(acronym=a) for a in ("ASN", "KEBS", "AFNOR"))
    tc2 = services.committee_create(
        actor=manager,
        body=Committee.Body.ISO,
        kind=Committee.Kind.TC,
        reference="ISO/TC 2",
        sort_key="ISO/TC 002",
        title={"en": "Fasteners", "fr": "Éléments de fixation"},
        scope={"en": "Standardization of fasteners.", "fr": "Normalisation des éléments de fixation."},
        secretariat=asn,
    )
    tc10 = services.committee_create(
        actor=manager,
        body=Committee.Body.ISO,
        kind=Committee.Kind.TC,
        reference="ISO/TC 10",
        sort_key="ISO/TC 010",
        title={"en": "Technical product documentation", "fr": "Documentation technique de produits"},
        secretariat=afnor,
    )
    sc1 = services.committee_create(
        actor=manager,
        body=Committee.Body.ISO,
        kind=Committee.Kind.SC,
        reference="ISO/TC 2/SC 1",
        sort_key="ISO/TC 002/SC 001",
        title={"en": "Bolts and screws", "fr": "Boulons et vis"},
        parent=tc2,
    )
    itu = services.committee_create(
        actor=manager,
        body=Committee.Body.ITU_T,
        kind=Committee.Kind.STUDY_GROUP,
        reference="ITU-T SG 5",
        sort_key="ITU-T SG 05",
        title={"en": "Environment and circular economy", "fr": "Environnement et économie circulaire"},
        study_period="2025-2028",
    )
    services.membership_set(actor=manager, committee=tc2, member=asn, status=P, on=LAST_YEAR)
    services.membership_set(actor=manager, committee=tc2, member=kebs, status=O, on=LAST_YEAR)
    services.membership_set(actor=manager, committee=tc2, member=kebs, status=P, on=THIS_YEAR)
    services.membership_set(actor=manager, committee=tc2, member=afnor, status=O, on=LAST_YEAR)
    services.membership_set(actor=manager, committee=tc10, member=afnor, status=P, on=LAST_YEAR)
    services.membership_set(actor=manager, committee=itu, member=asn, status=O, on=LAST_YEAR)
    chair = person_create(actor=manager, given_name="Claire", family_name="Durand", organisation=afnor)
    services.leadership_role_create(
        actor=manager, committee=tc2, role="chair", organisation=afnor, person=chair, start_date=LAST_YEAR
    )
    meeting = services.meeting_create(
        actor=manager,
        committee=tc2,
        title={"en": "Plenary in Dakar", "fr": "Plénière à Dakar"},
        start_date=LAST_YEAR + datetime.timedelta(days=30),
        city="Dakar",
    )
    asn_delegate = person_create(actor=manager, given_name="Awa", family_name="Ndiaye", organisation=asn)
    kebs_delegate = person_create(actor=manager, given_name="Wanjiru", family_name="Kamau", organisation=kebs)
    for person in (asn_delegate, kebs_delegate):
        delegate = services.delegate_register(actor=manager, meeting=meeting, person=person)
        services.delegate_mark_present(actor=manager, delegate=delegate, present=True)
    services.contribution_create(
        actor=manager,
        meeting=meeting,
        organisation=asn,
        title="Comments on the draft for bolts",
        document_reference="N 123",
        submitted_on=meeting.start_date,
    )
    return World(tc2, tc10, sc1, itu, meeting, asn, kebs, afnor, asn_delegate, kebs_delegate)


@pytest.fixture
def world(users):
    return world_build(users["manager"])


def references(response) -> list[str]:
    return [committee.reference for committee in response.context["page"].object_list]


# The list ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_list_shows_committees_in_natural_order_with_the_iso_open_data_credit(client, world, language):
    response = client.get(page_url("committees:committee_list", language))
    assert response.status_code == 200
    assert references(response) == ["ISO/TC 2", "ISO/TC 2/SC 1", "ISO/TC 10", "ITU-T SG 5"]
    text = text_of(response)
    assert "ISO Open Data" in text and "ODC-By" in text
    title = "Éléments de fixation" if language == "fr" else "Fasteners"
    assert title in text


def test_the_list_filters_by_body_kind_and_status(client, world):
    url = page_url("committees:committee_list")
    assert references(client.get(url, {"body": "itu_t"})) == ["ITU-T SG 5"]
    assert references(client.get(url, {"kind": "sc"})) == ["ISO/TC 2/SC 1"]
    services.committee_update(actor=None, committee=world.tc10, status=Committee.Status.DISBANDED, disbanded_on=TODAY)
    assert references(client.get(url, {"status": "disbanded"})) == ["ISO/TC 10"]
    assert "ISO/TC 10" not in references(client.get(url, {"status": "active"}))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_list_searches_references_and_titles_in_both_languages(client, world, language):
    url = page_url("committees:committee_list", language)
    assert references(client.get(url, {"q": "fixation"})) == ["ISO/TC 2"]
    assert references(client.get(url, {"q": "fasteners"})) == ["ISO/TC 2"]
    assert references(client.get(url, {"q": "TC 10"})) == ["ISO/TC 10"]


def test_the_list_filters_by_developing_country_participation(client, world):
    url = page_url("committees:committee_list")
    # ASN (Senegal) holds TC 2's secretariat; AFNOR (France) TC 10's.
    assert references(client.get(url, {"developing_secretariat": "on"})) == ["ISO/TC 2"]
    # TC 2 has two developing-country P-members today (ASN and KEBS, who moved from O to P).
    assert references(client.get(url, {"min_developing_p": "2"})) == ["ISO/TC 2"]
    assert references(client.get(url, {"min_developing_p": "3"})) == []
    response = client.get(url, {"min_developing_p": "-1"})
    assert response.status_code == 200
    assert response.context["form"].errors["min_developing_p"]


def test_the_list_filters_by_member_and_by_country(client, world):
    url = page_url("committees:committee_list")
    assert references(client.get(url, {"member": "afnor"})) == ["ISO/TC 2", "ISO/TC 10"]
    assert references(client.get(url, {"country": "SEN"})) == ["ISO/TC 2", "ITU-T SG 5"]
    assert references(client.get(url, {"country": "KEN"})) == ["ISO/TC 2"]


def test_the_list_sorts_by_p_and_o_member_counts(client, world):
    url = page_url("committees:committee_list")
    assert references(client.get(url, {"sort": "-p"}))[0] == "ISO/TC 2"  # ASN and KEBS
    assert references(client.get(url, {"sort": "-o"}))[:2] == ["ISO/TC 2", "ITU-T SG 5"]
    # An unknown sort key falls back to the reference, never an error.
    assert references(client.get(url, {"sort": "secret"}))[0] == "ISO/TC 2"


def test_bad_filter_values_give_a_page_not_an_error(client, world):
    url = page_url("committees:committee_list")
    for params in ({"body": "nope"}, {"country": "\xa0"}, {"programme": "missing"}, {"page": "x"}, {"size": "9"}):
        assert client.get(url, params).status_code == 200, params


# The committee page --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_committee_page_shows_members_by_status_and_their_history(client, world, language):
    response = client.get(page_url("committees:committee_detail", language, pk=world.tc2.pk))
    assert response.status_code == 200
    groups = {status: [m.member.acronym for m in members] for status, _label, members in response.context["by_status"]}
    assert groups == {"p": ["ASN", "KEBS"], "o": ["AFNOR"], "liaison": []}
    text = text_of(response)
    with translation.override(language):
        assert translation.gettext("Moved from O to P") in text
        assert translation.gettext("Joined as O-member") in text
        assert translation.gettext("developing") in text
    scope = "Normalisation des éléments de fixation." if language == "fr" else "Standardization of fasteners."
    assert scope in text
    assert "ISO/TC 2/SC 1" in text  # its subcommittee
    assert "AFNOR" in text and "Comments on the draft for bolts" in text


def test_the_committee_page_shows_the_parent_of_a_subcommittee(client, world):
    response = client.get(page_url("committees:committee_detail", pk=world.sc1.pk))
    assert page_url("committees:committee_detail", pk=world.tc2.pk) in response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (None, set()),
        ("viewer", set()),
        ("focal", {"Ndiaye"}),
        ("contributor", {"Ndiaye"}),
        ("manager", {"Ndiaye", "Kamau"}),
    ],
)
def test_delegates_are_shown_only_to_those_who_may_see_them(client_as, world, role, sees):
    text = text_of(client_as(role).get(page_url("committees:committee_detail", pk=world.tc2.pk)))
    shown = {name for name in ("Ndiaye", "Kamau") if name in text}
    assert shown == sees
    # The chair's name is a person's data too: the public sees the organisation only.
    assert ("Durand" in text) == (role == "manager")
    assert "AFNOR" in text


def test_an_unknown_committee_is_a_404(client, world):
    assert client.get(page_url("committees:committee_detail", pk=999999)).status_code == 404


# Profiles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_country_profile_shows_participation_by_year_with_a_chart(client, world, language):
    response = client.get(page_url("committees:country_profile", language, iso3="KEN"))
    assert response.status_code == 200
    series = {row["year"]: row for row in response.context["series"]}
    assert series[TODAY.year - 1]["o_count"] == 1 and series[TODAY.year - 1]["p_count"] == 0
    assert series[TODAY.year]["p_count"] == 1 and series[TODAY.year]["o_count"] == 0
    assert series[TODAY.year - 1]["meetings_attended"] == 1
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    with translation.override(language):
        assert translation.gettext("Moved from O to P") in text_of(response)
        assert translation.gettext("developing country") in text_of(response)


def test_a_country_profile_of_a_bad_code_is_a_404(client, world):
    assert client.get(page_url("committees:country_profile", iso3="XXX")).status_code == 404
    assert client.get("/en/committees/countries/S%00N/").status_code == 400  # NUL: refused before any view


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_member_profile_shows_its_committees_roles_and_contributions(client, world, language):
    response = client.get(page_url("committees:member_profile", language, pk=world.asn.pk))
    assert response.status_code == 200
    text = text_of(response)
    assert "ISO/TC 2" in text and "ITU-T SG 5" in text
    assert "Comments on the draft for bolts" in text
    assert response.context["measures"].p_count == 1
    assert response.context["measures"].o_count == 1
    afnor = client.get(page_url("committees:member_profile", language, pk=world.afnor.pk))
    with translation.override(language):
        assert translation.gettext("Chair") in text_of(afnor)


def test_the_organisation_and_country_pages_link_to_the_profiles(client, world):
    organisation = client.get(page_url("web:organisation_detail", pk=world.asn.pk)).content.decode()
    assert page_url("committees:member_profile", pk=world.asn.pk) in organisation
    country = client.get(page_url("web:country_detail", iso3="SEN")).content.decode()
    assert page_url("committees:country_profile", iso3="SEN") in country


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_overview_splits_developing_and_other_members_by_year(client, world, language):
    response = client.get(page_url("committees:participation_overview", language))
    assert response.status_code == 200
    rows = {row["year"]: row for row in response.context["rows"]}
    # This year: ASN and KEBS are P in TC 2 (developing); AFNOR is P in TC 10 and O in TC 2.
    assert rows[TODAY.year]["developing_p"] == 2
    assert rows[TODAY.year]["developed_p"] == 1
    assert rows[TODAY.year]["developing_o"] == 1  # ASN in the ITU-T study group
    assert rows[TODAY.year]["developed_leadership"] == 1  # AFNOR's chair
    assert rows[TODAY.year - 1]["developing_p"] == 1
    assert "<svg" in response.content.decode()


def test_the_navigation_links_to_the_committees(client, world):
    html = client.get(page_url("web:home")).content.decode()
    assert f'href="{page_url("committees:committee_list")}"' in html


def test_the_list_counts_developing_members_by_the_chosen_programmes_rule(client, world):
    from jalon.reference.models import DevelopingCountryRule
    from tests.access.matrix import programme_build

    programme, _period, _indicator = programme_build(
        "ldc-programme", owner=Organisation.objects.get(acronym="ISO"), published=True
    )
    programme.developing_rule = DevelopingCountryRule.objects.create(
        code="ldc-only",
        name={"en": "Least developed countries", "fr": "PMA"},
        conditions=[{"scheme": "ldc", "in": ["yes"]}],
    )
    programme.save()
    url = page_url("committees:committee_list")
    # By the DAC list both ASN (Senegal) and KEBS (Kenya) count; by the LDC rule only ASN does.
    assert references(client.get(url, {"min_developing_p": "2"})) == ["ISO/TC 2"]
    assert references(client.get(url, {"min_developing_p": "2", "programme": "ldc-programme"})) == []
    response = client.get(url, {"min_developing_p": "1", "programme": "ldc-programme"})
    assert references(response) == ["ISO/TC 2"]
    assert "Least developed countries" in text_of(response)
    overview = client.get(page_url("committees:participation_overview"), {"programme": "ldc-programme"})
    assert {row["year"]: row for row in overview.context["rows"]}[TODAY.year]["developing_p"] == 1


def test_the_history_heads_its_events_as_changes_not_as_a_verb(client, world):
    text = text_of(client.get(page_url("committees:committee_detail", "fr", pk=world.tc2.pk)))
    assert "Changement" in text and "Changer" not in text


def test_a_joint_committee_run_by_iec_says_why_it_lists_no_members(client, db):
    jtc = Committee.objects.create(
        body="iec_iso", kind="jtc", reference="IEC/ISO JTC 3", title={"en": "Quantum technologies"}, sort_key="zz"
    )
    with translation.override("en"):
        detail = client.get(reverse("committees:committee_detail", kwargs={"pk": jtc.pk})).content.decode()
        listing = client.get(reverse("committees:committee_list"), {"q": "JTC 3"}).content.decode()
    assert "IEC runs this joint committee" in detail
    assert "Members listed by IEC" in listing
