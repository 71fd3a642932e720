"""The committee pages within the weight budget (tests/test_weight_budget.py lists them in PAGES through
`weight_path`): a list of a hundred committees, a committee with every ISO member in it and a long history,
and the profiles of a country and a member that sit on many committees."""

import datetime

import pytest

from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.organisations.models import Organisation, Person

LARGE = "ISO/TC 9999"
DAY = datetime.date(datetime.date.today().year - 1, 5, 1)


def committees_weight_build() -> Committee:
    """Once per test: 120 committees of 10 members, and a large committee with every ISO member, a history of
    one event per member, leadership roles and 5 meetings with delegates and contributions."""
    found = Committee.objects.filter(reference=LARGE).first()
    if found is not None:
        return found
    members = list(Organisation.objects.filter(iso_member_id__isnull=False).order_by("pk"))
    committees = Committee.objects.bulk_create(
        Committee(
            body="iso",
            kind="tc",
            reference=f"ISO/TC {n}",
            sort_key=f"ISO/TC {n:05}",
            title={"en": f"Committee number {n} on a long technical subject", "fr": f"Comité numéro {n} sur un sujet"},
            secretariat=members[n % len(members)],
        )
        for n in range(1, 121)
    )
    CommitteeMembership.objects.bulk_create(
        CommitteeMembership(
            committee=committee, member=members[(i + k) % len(members)], status="p" if k % 2 else "o", since=DAY
        )
        for i, committee in enumerate(committees)
        for k in range(10)
    )
    large = Committee.objects.create(
        body="iso",
        kind="tc",
        reference=LARGE,
        sort_key="ISO/TC 09999",
        title={"en": "A large committee", "fr": "Un grand comité"},
        scope={"en": "Standardization in a wide field. " * 20, "fr": "Normalisation dans un vaste domaine. " * 20},
        secretariat=members[0],
    )
    CommitteeMembership.objects.bulk_create(
        CommitteeMembership(committee=large, member=member, status="p" if i % 2 else "o", since=DAY)
        for i, member in enumerate(members)
    )
    ParticipationEvent.objects.bulk_create(
        ParticipationEvent(committee=large, organisation=member, kind="joined_p" if i % 2 else "joined_o", date=DAY)
        for i, member in enumerate(members)
    )
    for role, member in zip(("chair", "vice_chair", "secretariat", "co_secretariat"), members, strict=False):
        LeadershipRole.objects.create(committee=large, role=role, organisation=member, start_date=DAY)
    for m in range(5):
        meeting = Meeting.objects.create(
            committee=large, title={"en": f"Plenary {m}"}, start_date=DAY, end_date=DAY, city="Nairobi"
        )
        for member in members[m * 5 : m * 5 + 5]:
            person = Person.objects.create(given_name="D", family_name=f"{m}-{member.pk}", organisation=member)
            MeetingDelegate.objects.create(meeting=meeting, person=person, organisation=member, present=True)
            Contribution.objects.create(meeting=meeting, organisation=member, title="Comments", submitted_on=DAY)
    return large


def weight_path(page: str) -> str:
    large = committees_weight_build()
    kebs = Organisation.objects.get(acronym="KEBS")
    return {
        "list": "committees/?size=100",
        "detail": f"committees/{large.pk}/",
        "country": "committees/countries/KEN/",
        "member": f"committees/members/{kebs.pk}/",
        "overview": "committees/participation/",
    }[page]


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_largest_committee_pages_fit_the_budget_for_a_manager_too(client_as, page):
    """The manager's page adds the forms' links and every delegate: still within the budget."""
    # Imported here: tests/test_weight_budget.py imports this module for its PAGES.
    from tests.test_weight_budget import CACHED_PAGE_BUDGET, FIRST_VISIT_BUDGET, page_weight

    client = client_as("manager")
    weight = page_weight(client, f"/fr/{weight_path(page)}")
    assert weight["html"] <= CACHED_PAGE_BUDGET
    assert weight["total"] <= FIRST_VISIT_BUDGET
