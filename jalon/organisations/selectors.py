"""Reads over organisations and their contacts, filtered by what the user may see."""

from django.db import connections
from django.db.models import Q, QuerySet

from jalon.lib import search as lib_search
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_contains, text_in_database
from jalon.organisations import access
from jalon.organisations.models import Membership, Organisation, Person, person_match_fields
from jalon.reference.models import Country
from jalon.reference.selectors import in_region

# The members a body's page lists: enough for ISO's 170, a bound for a body with thousands.
MEMBERS_SHOWN = 500


def organisation_list(
    *, user, search: str = "", kind: str = "", country: str = "", region: str = ""
) -> QuerySet[Organisation]:
    queryset = access.organisations_visible(user).select_related("country")
    if search:
        queryset = queryset.filter(text_contains("name", search) | lib_search.contains("acronym", search))
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country__iso2__iexact=country)
    if region:
        queryset = queryset.filter(in_region(region, path="country__"))
    return queryset


def organisation_memberships(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("body").order_by(TextOrder("body__acronym"))


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    """The memberships of a standards body: its members, with their countries."""
    return organisation.members.select_related("member__country").order_by(TextOrder("member__acronym"))[:MEMBERS_SHOWN]


def organisation_contacts(*, user, organisation: Organisation) -> QuerySet[Person]:
    """By name, in the order of the index person_organisation_name: a page of them is read from the index,
    not sorted from all of them (issue 21: a large body has thousands of contacts)."""
    return access.people_visible(user).filter(organisation=organisation).order_by("family_name", "given_name", "pk")


def organisations_in_country(*, user, country: Country) -> QuerySet[Organisation]:
    return (
        access.organisations_visible(user)
        .filter(country=country)
        .order_by(TextOrder("acronym"), TextOrder(text_in_database("name")))
    )


def contact_organisation_choices(*, user) -> QuerySet[Organisation]:
    """The organisations a user may add contacts to, by name (accents and case ignored)."""
    return access.organisations_changeable(user).order_by(TextOrder(text_in_database("name")))


# A person chosen by searching (issue 21: a form never lists every person) ----------------------------------

# The most people a search offers to pick from; more is "type more".
PEOPLE_FOUND_SHOWN = 25


def people_named(*, people: QuerySet[Person], text: str) -> list[Person]:
    """The people of `people` (the caller's access-filtered queryset) that `text` designates, at most
    PEOPLE_FOUND_SHOWN + 1 (so that the caller can tell "too many"), by family and given name:
    - an e-mail address: `people_at_address` (one query, or two);
    - else the first of these that finds anyone (one query each, so one to three):
      the full name in either order ("Zoé N'Diaye", "n'diaye zoe"); the family name alone ("Diop": every
      Diop, for the user to choose among); the start of the name in either order ("awa d", "diop a", "n'di").
    A full name never also offers the people whose names merely start with it: "Awa Diop" is not "Awa Diopp".
    Accents and case are ignored; every query asks an index of the stored keys (Person.match_email,
    match_name, match_name_reversed), whatever the number of people. Erased people are never found by their
    former details (theirs are replaced)."""
    email, name = person_match_fields(text, text, "")
    live = people.filter(anonymised_at__isnull=True)
    if "@" in email:
        shown = PEOPLE_FOUND_SHOWN + 1
        found = people_at_address(people=live.select_related("organisation"), address=email, limit=shown)
        return _by_name(found)
    if not name:
        return []
    searches = [
        Q(match_name=name) | Q(match_name_reversed=name),
        _starting_with(live, "match_name_reversed", f"{name} "),
    ]
    if len(name) >= PREFIX_SHORTEST:
        searches.append(_starting_with(live, "match_name", name) | _starting_with(live, "match_name_reversed", name))
    for search in searches:
        found = _first_found(live.filter(search))
        if found:
            return found
    return []


def people_at_address(*, people: QuerySet[Person], address: str, limit: int) -> list[Person]:
    """The people of `people` that a normalised address designates, oldest first, at most `limit`: those whose
    own address it is; if none, those a merged record's address was joined to (PersonEmail). One query, or two.
    Asked one after the other, each on its own index: their OR across the join read every person (PostgreSQL's
    plan at 200,000 people: all of them, merge-joined with every joined address; issue 21)."""
    for search in (Q(match_email=address), Q(other_emails__email=address)):
        found = list(people.filter(search).order_by("pk")[:limit])
        if found:
            return found
    return []


# A prefix of one letter designates too many people to be worth a query.
PREFIX_SHORTEST = 2


def _first_found(found: QuerySet[Person]) -> list[Person]:
    # Ordered in Python: the database stops at the limit without sorting every match of a short prefix.
    return _by_name(found.select_related("organisation").order_by()[: PEOPLE_FOUND_SHOWN + 1])


def _by_name(people) -> list[Person]:
    return sorted(people, key=lambda person: (person.match_name_reversed, person.pk))


def _starting_with(queryset: QuerySet, field: str, prefix: str) -> Q:
    """The rows whose `field` starts with `prefix`, asked so that the field's index answers it. PostgreSQL:
    `LIKE 'prefix%'`, which its pattern-operator index serves whatever the collation. SQLite's LIKE is
    case-insensitive and never uses a plain index (its plan: a scan of the table); the keys are compared
    byte by byte there, so the prefix's rows are the range from the prefix to the prefix followed by the
    highest code point, which the index serves."""
    if connections[queryset.db].vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": f"{prefix}\U0010ffff"})


def organisations_named(*, organisations: QuerySet[Organisation], text: str) -> list[Organisation]:
    """The organisations of `organisations` (the caller's access-filtered queryset) that `text` designates,
    at most PEOPLE_FOUND_SHOWN + 1, accents and case ignored: those whose acronym or name (in any content
    language) is `text`, else those whose acronym or name contains it. One query, or two. The directory holds
    hundreds of organisations, not the hundreds of thousands of people: compared without an index."""
    text = " ".join(text.split())
    if not text:
        return []
    found: list[Organisation] = []
    for search in (
        lib_search.equals("acronym", text) | text_contains("name", text, lookup="equals"),
        lib_search.contains("acronym", text) | text_contains("name", text),
    ):
        found = list(organisations.filter(search).select_related("country").order_by()[: PEOPLE_FOUND_SHOWN + 1])
        if found:
            break
    return sorted(found, key=lambda organisation: (organisation.acronym.casefold(), organisation.pk))
