"""Gap indicators computed from jalon's own records: participation and leadership in committees, meetings
attended, contributions, people trained, sponsored delegates, fellowships.

Each computation gives, for a date and a window (the days up to the date), a count or share per country (the
country of the organisation, or of the person for people trained), and the records behind one country's
value, for the country page's drill-down. A country with no record counts zero: jalon holds these records.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jalon.activities.models import Registration
from jalon.committees.models import Committee, CommitteeMembership, Contribution, LeadershipRole, MeetingDelegate
from jalon.committees.selectors import committee_in_existence, membership_in_force, role_in_force
from jalon.support.models import Fellowship


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date

    @classmethod
    def ending(cls, on: datetime.date, days: int) -> "Window":
        return cls(on - datetime.timedelta(days=days - 1), on)


@dataclass(frozen=True)
class Computed:
    key: str
    label: object
    # window -> {country id: value}
    values: Callable[[Window], dict[int, float]]
    # (window, country id) -> the records behind the value
    records: Callable[[Window, int], QuerySet]


def _counts(queryset: QuerySet, country_field: str) -> dict[int, float]:
    return {
        country: float(n)
        for country, n in queryset.order_by()
        .values(country_field)
        .annotate(n=Count("pk"))
        .values_list(country_field, "n")
        if country is not None
    }


def _active_committees(on: datetime.date) -> QuerySet[Committee]:
    """Active committees on `on` whose membership jalon knows (at least one membership recorded)."""
    return Committee.objects.filter(
        committee_in_existence(on), status=Committee.Status.ACTIVE, memberships__isnull=False
    ).distinct()


def _p_memberships(on: datetime.date) -> QuerySet[CommitteeMembership]:
    return CommitteeMembership.objects.filter(
        membership_in_force(on),
        status=CommitteeMembership.Status.P,
        committee__in=_active_committees(on),
        member__country__isnull=False,
    )


def p_share(window: Window) -> dict[int, float]:
    active = _active_committees(window.end).count()
    if not active:
        return {}
    committees = Counter(
        country
        for country, _committee in _p_memberships(window.end)
        .values_list("member__country_id", "committee_id")
        .order_by()
        .distinct()
    )
    return {country: 100.0 * n / active for country, n in committees.items()}


def p_share_records(window: Window, country: int) -> QuerySet:
    """The P-memberships behind the share, the most recent first (what changed comes first)."""
    return (
        _p_memberships(window.end)
        .filter(member__country_id=country)
        .select_related("committee", "member")
        .order_by(F("since").desc(nulls_last=True), "committee__sort_key", "pk")
    )


def _leadership(window: Window) -> QuerySet[LeadershipRole]:
    return LeadershipRole.objects.filter(role_in_force(window.end), organisation__country__isnull=False)


def _attended(window: Window) -> QuerySet[MeetingDelegate]:
    return MeetingDelegate.objects.filter(
        present=True, meeting__start_date__gte=window.start, meeting__start_date__lte=window.end
    )


def meetings_attended(window: Window) -> dict[int, float]:
    pairs = Counter(
        country
        for country, _meeting in _attended(window)
        .values_list("organisation__country_id", "meeting_id")
        .order_by()
        .distinct()
        if country is not None
    )
    return {country: float(n) for country, n in pairs.items()}


def _contributions(window: Window) -> QuerySet[Contribution]:
    return Contribution.objects.filter(submitted_on__gte=window.start, submitted_on__lte=window.end)


def _trained(window: Window) -> QuerySet[Registration]:
    return Registration.objects.filter(
        completed=True,
        status=Registration.Status.REGISTERED,
        completed_on__gte=window.start,
        completed_on__lte=window.end,
    )


def trained(window: Window) -> dict[int, float]:
    """Distinct people who completed an activity in the window, by the person's country (else their
    organisation's)."""
    people: dict[int, set] = {}
    for person, country, organisation_country in (
        _trained(window).values_list("person_id", "person__country_id", "person__organisation__country_id").order_by()
    ):
        where = country or organisation_country
        if where is not None:
            people.setdefault(where, set()).add(person)
    return {country: float(len(who)) for country, who in people.items()}


def trained_records(window: Window, country: int) -> QuerySet:
    return (
        _trained(window)
        .filter(
            Q(person__country_id=country) | Q(person__country__isnull=True, person__organisation__country_id=country)
        )
        .select_related("activity")
    )


def _sponsored(window: Window) -> QuerySet[MeetingDelegate]:
    return _attended(window).filter(sponsored=True)


def _fellowships(window: Window) -> QuerySet[Fellowship]:
    return Fellowship.objects.filter(
        status=Fellowship.Status.APPROVED,
        meeting__start_date__gte=window.start,
        meeting__start_date__lte=window.end,
    )


COMPUTED: dict[str, Computed] = {
    computed.key: computed
    for computed in (
        Computed(
            "p_share",
            _("Share of active committees with a P-membership (%)"),
            p_share,
            p_share_records,
        ),
        Computed(
            "leadership",
            _("Leadership positions held (chairs, convenors, secretariats)"),
            lambda window: _counts(_leadership(window), "organisation__country_id"),
            lambda window, country: (
                _leadership(window).filter(organisation__country_id=country).select_related("committee")
            ),
        ),
        Computed(
            "meetings_attended",
            _("Committee meetings attended"),
            meetings_attended,
            lambda window, country: (
                _attended(window).filter(organisation__country_id=country).select_related("meeting")
            ),
        ),
        Computed(
            "contributions",
            _("Contributions submitted"),
            lambda window: _counts(_contributions(window), "organisation__country_id"),
            lambda window, country: _contributions(window).filter(organisation__country_id=country),
        ),
        Computed("trained", _("People trained"), trained, trained_records),
        Computed(
            "sponsored_delegates",
            _("Sponsored delegates who attended"),
            lambda window: _counts(_sponsored(window), "organisation__country_id"),
            lambda window, country: (
                _sponsored(window).filter(organisation__country_id=country).select_related("meeting")
            ),
        ),
        Computed(
            "fellowships",
            _("Fellowships awarded"),
            lambda window: _counts(_fellowships(window), "organisation__country_id"),
            lambda window, country: (
                _fellowships(window).filter(organisation__country_id=country).select_related("meeting")
            ),
        ),
    )
}
