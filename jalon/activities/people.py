"""One person, one record: how the same participant is recognised across activities and imports.

The rule: the same email (case-insensitively; the record's own address or one of the addresses of records
joined into it) is the same person; without an email on both sides, the same normalised name (casefolded,
accents stripped, spaces collapsed) in the same organisation is.
`person_match_key` is pure, so that the file import can match thousands of rows in memory with the keys
of the people already recorded (`people_match_index`).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jalon.organisations.models import Person, PersonEmail, person_match_fields
from jalon.organisations.selectors import people_at_address


def normalised_email(email: str | None) -> str:
    return person_match_fields(email, "", "")[0]


def normalised_name(given_name: str | None, family_name: str | None) -> str:
    """ "  Zoé   N'DIAYE " and "zoe n'diaye" give the same text (as Person.match_name stores it)."""
    return person_match_fields("", given_name, family_name)[1]


def person_match_key(
    *, email: str | None = None, given_name: str | None = None, family_name: str | None = None, organisation_id=None
) -> tuple:
    """The key two records of the same person share: ("email", address) when there is an email, else
    ("name", normalised name, organisation id or None)."""
    address = normalised_email(email)
    if address:
        return ("email", address)
    return ("name", normalised_name(given_name, family_name), organisation_id)


def person_name_key(*, given_name: str | None, family_name: str | None, organisation_id=None) -> tuple:
    """The name-and-organisation key, asked even when there is an email: a person first recorded without
    an email is still found when they come back with one."""
    return ("name", normalised_name(given_name, family_name), organisation_id)


def people_match_index(queryset: QuerySet[Person] | None = None) -> dict[tuple, int]:
    """Every key of the recorded people -> the person's id (the oldest record wins), in one query.
    Erased people are left out: an anonymised record must never absorb a new registration."""
    queryset = Person.objects.all() if queryset is None else queryset
    index: dict[tuple, int] = {}
    rows = (
        queryset.filter(anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "email", "given_name", "family_name", "organisation_id")
    )
    for pk, email, given, family, organisation_id in rows:
        for key in (
            person_match_key(email=email),
            person_name_key(given_name=given, family_name=family, organisation_id=organisation_id),
        ):
            if key[1]:
                index.setdefault(key, pk)
    others = PersonEmail.objects.filter(person__in=queryset.filter(anonymised_at__isnull=True)).order_by("person_id")
    for pk, email in others.values_list("person_id", "email"):
        index.setdefault(person_match_key(email=email), pk)
    return index


def person_find(
    *, email: str = "", given_name: str = "", family_name: str = "", organisation_id=None, among=None
) -> Person | None:
    """The recorded person these details designate, or None. `among`: the people the caller may see
    (access.people_matchable); a match outside them is not theirs to take. One query when the address is a
    person's own, two when it is a joined record's, and two more for a name."""
    live = (Person.objects.all() if among is None else among).filter(anonymised_at__isnull=True).order_by("pk")
    address = normalised_email(email)
    if address:
        found = people_at_address(people=live, address=address, limit=1)
        if found:
            return found[0]
    wanted = normalised_name(given_name, family_name)
    if not wanted:
        return None
    # Candidates with the same name as stored (Person.match_name, indexed with the organisation).
    candidates = live.filter(match_name=wanted)
    candidates = (
        candidates.filter(organisation_id=organisation_id)
        if organisation_id
        else candidates.filter(organisation__isnull=True)
    )
    for person in candidates.only("pk", "given_name", "family_name", "email", "organisation_id"):
        # Two different addresses are two people, even with the same name (the duplicates tool suggests
        # joining them, for the team to decide).
        if address and person.email and normalised_email(person.email) != address:
            continue
        return Person.objects.get(pk=person.pk)
    return None


@dataclass(frozen=True)
class DuplicateGroup:
    key: tuple
    people: list  # Person, oldest first: the first is the suggested record to keep

    @property
    def reason(self) -> str:
        return self.key[0]


def people_duplicates(queryset: QuerySet[Person] | None = None) -> list[DuplicateGroup]:
    """Groups of records that the matching rule says are one person (same email; or, same normalised
    name in the same organisation), in two queries. A record may appear in two groups (by email and by
    name): merging one group makes the other shrink."""
    queryset = Person.objects.all() if queryset is None else queryset
    groups: dict[tuple, list[int]] = defaultdict(list)
    live = queryset.filter(anonymised_at__isnull=True)
    # Only the people who can be in a group: an email or a name that more than one record has (grouped by the
    # database on the indexed keys), or another address (issue 21: not every person normalised in Python).
    shared_emails = (
        live.exclude(match_email="")
        .order_by()
        .values("match_email")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("match_email")
    )
    shared_names = (
        live.exclude(match_name="")
        .order_by()
        .values("match_name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("match_name")
    )
    others_of = PersonEmail.objects.filter(person__in=live)
    rows = (
        live.filter(
            Q(match_email__in=shared_emails)
            | Q(match_name__in=shared_names)
            | Q(match_email__in=others_of.values("email"))
            | Q(pk__in=others_of.values("person_id"))
        )
        .order_by("pk")
        .values_list("pk", "email", "given_name", "family_name", "organisation_id")
    )
    emails: dict[int, str] = {}
    for pk, email, given, family, organisation_id in rows:
        emails[pk] = normalised_email(email)
        if emails[pk]:
            groups[("email", emails[pk])].append(pk)
        name = person_name_key(given_name=given, family_name=family, organisation_id=organisation_id)
        if name[1]:
            groups[name].append(pk)
    for pk, email in others_of.order_by("person_id").values_list("person_id", "email"):
        if pk not in groups[("email", email)]:
            groups[("email", email)].append(pk)
    candidates = {}
    for key, ids in groups.items():
        if len(ids) < 2:
            continue
        if key[0] == "name" and len({emails[pk] for pk in ids if emails[pk]}) > 1:
            # Same name in the same organisation with two addresses: most often one person with a second
            # address; offered for the team to check, never joined by itself.
            key = ("name_emails", *key[1:])
        candidates[key] = sorted(ids)
    if not candidates:
        return []
    wanted = {pk for ids in candidates.values() for pk in ids}
    people = {
        person.pk: person for person in Person.objects.filter(pk__in=wanted).select_related("organisation", "country")
    }
    return [DuplicateGroup(key, [people[pk] for pk in ids]) for key, ids in sorted(candidates.items(), key=_order)]


def _order(item) -> tuple:
    key, ids = item
    return (key[0], str(key[1]), ids[0])
