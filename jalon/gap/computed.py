"""Gap indicators computed from jalon's own records: participation and leadership in committees, meetings
attended, contributions, people trained, sponsored delegates, fellowships.

Each computation gives, for a date and a window (the days up to the date), a count or share per country (the
country of the organisation, or of the person for people trained), and the records behind one country's
value, for the country page's drill-down. A country with no record counts zero: jalon holds these records.

The committee-based computations are read for one standards body when the indicator names one (its `body`:
ISO, ITU-T, or the body that owns the programme): a country's ISO P-share is its P-memberships in ISO
committees over the active ISO committees, not over every committee jalon knows.
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
from jalon.knowledge.selectors.products import laboratories_recognised
from jalon.support.models import Fellowship


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date

    @classmethod
    def ending(cls, on: datetime.date, days: int) -> "Window":
        return cls(on - datetime.timedelta(days=days - 1), on)


# The committees of a body: ISO's include the joint IEC/ISO ones (JTC 1...), which ISO members vote in.
BODIES: dict[str, tuple[str, ...]] = {
    "iso": (Committee.Body.ISO, Committee.Body.IEC_ISO),
    "itu_t": (Committee.Body.ITU_T,),
}
# The body of a programme's owner, by the owner's acronym ("owner" indicators).
OWNER_BODIES = {"ISO": "iso", "ITU": "itu_t", "ITU-T": "itu_t"}

# None: every body's committees.
Bodies = tuple[str, ...] | None


@dataclass(frozen=True)
class Computed:
    key: str
    label: object
    # (window, bodies) -> {country id: value}
    values: Callable[[Window, Bodies], dict[int, float]]
    # (window, country id, bodies) -> the records behind the value
    records: Callable[[Window, int, Bodies], QuerySet]
    # Whether the value is read per standards body (the committee-based ones), and must name one.
    per_body: bool = False
    body_required: bool = False


def _in(queryset: QuerySet, path: str, bodies: Bodies) -> QuerySet:
    return queryset if bodies is None else queryset.filter(**{f"{path}__in": bodies})


def _counts(queryset: QuerySet, country_field: str) -> dict[int, float]:
    return {
        country: float(n)
        for country, n in queryset.order_by()
        .values(country_field)
        .annotate(n=Count("pk"))
        .values_list(country_field, "n")
        if country is not None
    }


def _active_committees(on: datetime.date, bodies: Bodies) -> QuerySet[Committee]:
    """The body's active committees on `on` whose membership jalon knows (at least one membership recorded)."""
    return _in(
        Committee.objects.filter(committee_in_existence(on), status=Committee.Status.ACTIVE, memberships__isnull=False),
        "body",
        bodies,
    ).distinct()


def _p_memberships(on: datetime.date, bodies: Bodies) -> QuerySet[CommitteeMembership]:
    return CommitteeMembership.objects.filter(
        membership_in_force(on),
        status=CommitteeMembership.Status.P,
        committee__in=_active_committees(on, bodies),
        member__country__isnull=False,
    )


def p_share(window: Window, bodies: Bodies) -> dict[int, float]:
    """Per country, the share of the body's active committees (known to jalon) with a P-member of it."""
    active = _active_committees(window.end, bodies).count()
    if not active:
        return {}
    committees = Counter(
        country
        for country, _committee in _p_memberships(window.end, bodies)
        .values_list("member__country_id", "committee_id")
        .order_by()
        .distinct()
    )
    return {country: 100.0 * n / active for country, n in committees.items()}


def p_share_records(window: Window, country: int, bodies: Bodies) -> QuerySet:
    """The P-memberships behind the share, the most recent first (what changed comes first)."""
    return (
        _p_memberships(window.end, bodies)
        .filter(member__country_id=country)
        .select_related("committee", "member")
        .order_by(F("since").desc(nulls_last=True), "committee__sort_key", "pk")
    )


def _leadership(window: Window, bodies: Bodies) -> QuerySet[LeadershipRole]:
    return _in(
        LeadershipRole.objects.filter(role_in_force(window.end), organisation__country__isnull=False),
        "committee__body",
        bodies,
    )


def _attended(window: Window, bodies: Bodies) -> QuerySet[MeetingDelegate]:
    return _in(
        MeetingDelegate.objects.filter(
            present=True, meeting__start_date__gte=window.start, meeting__start_date__lte=window.end
        ),
        "meeting__committee__body",
        bodies,
    )


def meetings_attended(window: Window, bodies: Bodies) -> dict[int, float]:
    pairs = Counter(
        country
        for country, _meeting in _attended(window, bodies)
        .values_list("organisation__country_id", "meeting_id")
        .order_by()
        .distinct()
        if country is not None
    )
    return {country: float(n) for country, n in pairs.items()}


def _contributions(window: Window, bodies: Bodies) -> QuerySet[Contribution]:
    return _in(
        Contribution.objects.filter(submitted_on__gte=window.start, submitted_on__lte=window.end),
        "meeting__committee__body",
        bodies,
    )


def _trained(window: Window) -> QuerySet[Registration]:
    return Registration.objects.filter(
        completed=True,
        status=Registration.Status.REGISTERED,
        completed_on__gte=window.start,
        completed_on__lte=window.end,
    )


def trained(window: Window, bodies: Bodies = None) -> dict[int, float]:
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


def trained_records(window: Window, country: int, bodies: Bodies = None) -> QuerySet:
    return (
        _trained(window)
        .filter(
            Q(person__country_id=country) | Q(person__country__isnull=True, person__organisation__country_id=country)
        )
        .select_related("activity")
    )


def _sponsored(window: Window, bodies: Bodies) -> QuerySet[MeetingDelegate]:
    return _attended(window, bodies).filter(sponsored=True)


def _fellowships(window: Window, bodies: Bodies) -> QuerySet[Fellowship]:
    return _in(
        Fellowship.objects.filter(
            status=Fellowship.Status.APPROVED,
            meeting__start_date__gte=window.start,
            meeting__start_date__lte=window.end,
        ),
        "meeting__committee__body",
        bodies,
    )


COMPUTED: dict[str, Computed] = {
    computed.key: computed
    for computed in (
        Computed(
            "p_share",
            _("Share of the body's active committees with a P-membership (%)"),
            p_share,
            p_share_records,
            per_body=True,
            body_required=True,
        ),
        Computed(
            "leadership",
            _("Leadership positions held (chairs, convenors, secretariats)"),
            lambda window, bodies: _counts(_leadership(window, bodies), "organisation__country_id"),
            lambda window, country, bodies: (
                _leadership(window, bodies).filter(organisation__country_id=country).select_related("committee")
            ),
            per_body=True,
        ),
        Computed(
            "meetings_attended",
            _("Committee meetings attended"),
            meetings_attended,
            lambda window, country, bodies: (
                _attended(window, bodies).filter(organisation__country_id=country).select_related("meeting")
            ),
            per_body=True,
        ),
        Computed(
            "contributions",
            _("Contributions submitted"),
            lambda window, bodies: _counts(_contributions(window, bodies), "organisation__country_id"),
            lambda window, country, bodies: _contributions(window, bodies).filter(organisation__country_id=country),
            per_body=True,
        ),
        Computed("trained", _("People trained"), trained, trained_records),
        Computed(
            "sponsored_delegates",
            _("Sponsored delegates who attended"),
            lambda window, bodies: _counts(_sponsored(window, bodies), "organisation__country_id"),
            lambda window, country, bodies: (
                _sponsored(window, bodies).filter(organisation__country_id=country).select_related("meeting")
            ),
            per_body=True,
        ),
        # The conformity-assessment disparity: test laboratories of the products database (they carry no dates:
        # the window does not apply).
        Computed(
            "laboratories_recognised",
            _("Accredited or recognised test laboratories"),
            lambda window, bodies: _counts(laboratories_recognised(), "country_id"),
            lambda window, country, bodies: laboratories_recognised().filter(country_id=country),
        ),
        Computed(
            "fellowships",
            _("Fellowships awarded"),
            lambda window, bodies: _counts(_fellowships(window, bodies), "organisation__country_id"),
            lambda window, country, bodies: (
                _fellowships(window, bodies).filter(organisation__country_id=country).select_related("meeting")
            ),
            per_body=True,
        ),
    )
}


class BodyUnknown(ValueError):
    """An indicator read for the programme owner's body, whose owner is no standards body jalon knows."""


def bodies_for(body: str, owner_acronym: str | None) -> Bodies:
    """The committee bodies an indicator's `body` reads: "" every body, "owner" the programme owner's."""
    if not body:
        return None
    if body == "owner":
        key = OWNER_BODIES.get((owner_acronym or "").upper())
        if key is None:
            raise BodyUnknown(owner_acronym or "")
        return BODIES[key]
    return BODIES[body]
