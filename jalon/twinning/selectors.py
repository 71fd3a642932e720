"""Reads over twinning: arrangement lists with the "communication overdue" flag, the outcomes computed from
the committees module's participation history, and the recommender's data and its explained suggestions.
Each function runs a fixed number of queries."""

import csv
import datetime
import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from babel import Locale
from django.db.models import Max, Q, QuerySet
from django.utils import timezone, translation

from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.committees.priorities import priority_sectors_of, priority_weights_of, sector_committees
from jalon.committees.selectors import developing_country_ids, membership_in_force, role_in_force
from jalon.lib.multilingual import text_in
from jalon.organisations.models import Organisation
from jalon.twinning import recommend
from jalon.twinning.access import arrangements_visible
from jalon.twinning.models import GAINED_ROLES, OPEN_STATUSES, RUNNING_STATUSES, Arrangement, Kind, Status
from jalon.twinning.services import developing_rule, programme_settings

DATA = Path(__file__).parent / "data"
LIST_RELATED = ("programme", "committee", "twinned_member", "lead_member")


# Lists and the overdue flag ------------------------------------------------------------------------------------


def with_last_meeting(queryset: QuerySet[Arrangement]) -> QuerySet[Arrangement]:
    return queryset.annotate(last_meeting=Max("meetings__date"), last_review=Max("reviews__date"))


def communication_overdue(arrangement: Arrangement, *, overdue_days: int, today: datetime.date | None = None) -> bool:
    """An active arrangement with no meeting for `overdue_days` (about a quarter) since its last meeting or,
    before the first, since it started. Needs `last_meeting` (with_last_meeting) or reads it."""
    if arrangement.status not in RUNNING_STATUSES:
        return False
    today = today or timezone.localdate()
    last = getattr(arrangement, "last_meeting", None)
    if last is None and not hasattr(arrangement, "last_meeting"):
        last = arrangement.meetings.aggregate(last=Max("date"))["last"]
    since = last or arrangement.start_date or arrangement.signed_on
    return since is not None and (today - since).days > overdue_days


def arrangements_list(*, user, status: str = "", kind: str = "", member=None) -> QuerySet[Arrangement]:
    queryset = arrangements_visible(user, Arrangement.objects.select_related(*LIST_RELATED))
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if member is not None:
        queryset = queryset.filter(Q(twinned_member=member) | Q(lead_member=member))
    return with_last_meeting(queryset).order_by("-created_at", "-pk")


def flag_overdue(arrangements: list[Arrangement], *, today: datetime.date | None = None) -> list[Arrangement]:
    """Set `overdue` on each (one query for the programmes' settings)."""
    from jalon.twinning.models import TwinningSettings

    programmes = {a.programme_id for a in arrangements}
    days = dict(
        TwinningSettings.objects.filter(programme_id__in=programmes).values_list("programme_id", "overdue_days")
    )
    default = TwinningSettings._meta.get_field("overdue_days").default
    for arrangement in arrangements:
        overdue_days = days.get(arrangement.programme_id, default)
        arrangement.overdue = communication_overdue(arrangement, overdue_days=overdue_days, today=today)  # type: ignore[attr-defined]
    return arrangements


# The link to the twinned member's national priorities ---------------------------------------------------------
# A member's strategy is its own and the programme team's (assessments.access.strategies_visible, answered through
# the committees app's registry for a viewer): its sectors are offered, shown and weighed only for them.


def priority_sector_choices(member_ids, *, user) -> QuerySet:
    """The priority sectors of these members' current national strategies that the user may see, for the
    arrangement's form (the sector model is read through the arrangement's link: assessments sits on twinning's
    layer)."""
    found = priority_sectors_of(list(member_ids), viewer=user)
    ids = [sector.pk for sectors in found.values() for sector in sectors]
    model = Arrangement._meta.get_field("priority_sector").related_model
    return model.objects.filter(pk__in=ids).select_related("strategy__organisation").order_by("strategy_id", "pk")  # type: ignore[union-attr]


def sees_priorities_of(user, member_id: int | None) -> bool:
    """Whether the user may see this member's national priorities (its own people and the programme team)."""
    return member_id is not None and member_id in priority_sectors_of([member_id], viewer=user)


@dataclass(frozen=True)
class PriorityLink:
    name: dict
    ics_codes: tuple[str, ...]
    strategy_title: dict
    current: bool  # the sector is in the twinned member's current strategy
    committee_in_sector: bool  # the arrangement's committee is one of the sector's (named or by ICS field)


def arrangement_priority(arrangement: Arrangement, *, user) -> tuple[bool, PriorityLink | None]:
    """Whether the user may see the twinned member's priorities, and then the national priority sector the
    arrangement's objectives serve (None without a link) and whether its committee is in it. Others are told
    nothing of it, not even whether there is one."""
    member_id = arrangement.twinned_member_id
    sectors = priority_sectors_of([member_id], viewer=user)
    if member_id not in sectors:
        return False, None
    if arrangement.priority_sector_id is None:
        return True, None
    ref = next((s for s in sectors[member_id] if s.pk == arrangement.priority_sector_id), None)
    if ref is None:
        # A later strategy replaced the one the link was made under: shown, marked as past.
        sector = arrangement.priority_sector
        assert sector is not None  # its id is set
        return True, PriorityLink(sector.name, tuple(sector.ics_codes or ()), sector.strategy.title, False, False)
    inside = arrangement.committee_id in sector_committees([ref])[ref.pk]
    return True, PriorityLink(ref.name, ref.ics_codes, ref.strategy_title, True, inside)


def flag_priority_seen(arrangements: list[Arrangement], *, user) -> list[Arrangement]:
    """Set `priority_seen` on each: whether the user may see its twinned member's priorities (the API leaves the
    link out for the others). A few queries whatever the number of arrangements."""
    members = {a.twinned_member_id for a in arrangements if a.priority_sector_id is not None}
    seen = set(priority_sectors_of(members, viewer=user)) if members else set()
    for arrangement in arrangements:
        arrangement.priority_seen = arrangement.priority_sector_id is None or arrangement.twinned_member_id in seen  # type: ignore[attr-defined]
    return arrangements


# Outcomes ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeEvent:
    date: datetime.date
    phase: str  # "during" or "follow_up"
    kind: str  # "o_to_p", "joined_p", "role", "meeting", "contribution"
    label: str
    committee: Committee
    same_committee: bool
    url: str = ""


@dataclass
class Outcome:
    started: bool
    window_start: datetime.date | None = None
    window_end: datetime.date | None = None
    follow_up_end: datetime.date | None = None
    became_p_on: datetime.date | None = None
    status_now: str = ""
    events: list[OutcomeEvent] = field(default_factory=list)

    def count(self, kind: str, *, same: bool | None = None) -> int:
        return sum(1 for e in self.events if e.kind == kind and (same is None or e.same_committee == same))

    @property
    def roles_gained(self) -> int:
        return self.count("role")

    @property
    def meetings_attended(self) -> int:
        return self.count("meeting", same=True)

    @property
    def contributions(self) -> int:
        return self.count("contribution", same=True)

    @property
    def spill_over(self) -> list[OutcomeEvent]:
        return [e for e in self.events if not e.same_committee]

    @property
    def on_committee(self) -> list[OutcomeEvent]:
        return [e for e in self.events if e.same_committee]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def outcome_window(arrangement: Arrangement, *, follow_up_months: int, today: datetime.date | None = None):
    """(start, end of the arrangement or today, end of the follow-up window), or None before it starts."""
    today = today or timezone.localdate()
    start = arrangement.start_date
    if start is None or arrangement.status in (
        Status.PROPOSED,
        Status.PARTNER_IDENTIFIED,
        Status.NOMINEE_APPROVED,
        Status.AGREEMENT_SIGNED,
    ):
        return None
    end = arrangement.closed_on or arrangement.end_date or today
    if arrangement.status in RUNNING_STATUSES:
        end = max(min(end, today), start) if arrangement.end_date is None else end
    return start, end, _add_months(end, follow_up_months)


def arrangement_outcomes(arrangement: Arrangement, *, today: datetime.date | None = None) -> Outcome:
    """What changed in the twinned member's participation, from the committee history: on the arrangement's
    committee and (spill-over) on its other committees, within the arrangement's window and the follow-up
    window after it. Nothing here is typed: each item is a recorded event, role, attendance or document."""
    today = today or timezone.localdate()
    settings = programme_settings(arrangement.programme)
    window = outcome_window(arrangement, follow_up_months=settings.follow_up_months, today=today)
    member, committee = arrangement.twinned_member, arrangement.committee
    status_now = (
        CommitteeMembership.objects.filter(membership_in_force(today), committee=committee, member=member)
        .values_list("status", flat=True)
        .first()
        or ""
    )
    if window is None:
        return Outcome(started=False, status_now=status_now)
    start, end, follow_end = window
    last = min(follow_end, today)

    def phase(day: datetime.date) -> str:
        return "during" if day <= end else "follow_up"

    events: list[OutcomeEvent] = []
    moves = ParticipationEvent.objects.filter(
        organisation=member,
        kind__in=(ParticipationEvent.Kind.MOVED_O_TO_P, ParticipationEvent.Kind.JOINED_P),
        date__gte=start,
        date__lte=last,
    ).select_related("committee")
    for event in moves:
        events.append(
            OutcomeEvent(
                event.date,
                phase(event.date),
                "o_to_p" if event.kind == ParticipationEvent.Kind.MOVED_O_TO_P else "joined_p",
                event.get_kind_display(),
                event.committee,
                event.committee_id == committee.pk,
                event.committee.get_absolute_url(),
            )
        )
    roles = LeadershipRole.objects.filter(
        organisation=member, start_date__gte=start, start_date__lte=last
    ).select_related("committee", "person")
    for role in roles:
        assert role.start_date is not None
        label = role.get_role_display() + (f" · {role.person}" if role.person else "")
        events.append(
            OutcomeEvent(
                role.start_date,
                phase(role.start_date),
                "role",
                label,
                role.committee,
                role.committee_id == committee.pk,
                role.committee.get_absolute_url(),
            )
        )
    attended = (
        MeetingDelegate.objects.filter(
            organisation=member, present=True, meeting__start_date__gte=start, meeting__start_date__lte=last
        )
        .select_related("meeting__committee", "person")
        .order_by("meeting__start_date")
    )
    for delegate in attended:
        meeting = delegate.meeting
        events.append(
            OutcomeEvent(
                meeting.start_date,
                phase(meeting.start_date),
                "meeting",
                f"{text_in(meeting.title)} · {delegate.person}",
                meeting.committee,
                meeting.committee_id == committee.pk,
                meeting.committee.get_absolute_url(),
            )
        )
    contributions = Contribution.objects.filter(
        organisation=member, submitted_on__gte=start, submitted_on__lte=last
    ).select_related("meeting__committee")
    for contribution in contributions:
        events.append(
            OutcomeEvent(
                contribution.submitted_on,
                phase(contribution.submitted_on),
                "contribution",
                contribution.document_reference or contribution.title,
                contribution.meeting.committee,
                contribution.meeting.committee_id == committee.pk,
                contribution.url,
            )
        )
    events.sort(key=lambda e: (e.date, e.kind))
    became = next((e.date for e in events if e.same_committee and e.kind in ("o_to_p", "joined_p")), None)
    return Outcome(True, start, end, follow_end, became, status_now, events)


def roles_gained_kinds(kind: str) -> tuple:
    return GAINED_ROLES.get(Kind(kind), ())


# The recommender's data ------------------------------------------------------------------------------------


@functools.cache
def _languages() -> dict[str, dict[str, float]]:
    shares: dict[str, dict[str, float]] = {}
    with open(DATA / "cldr_official_languages.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_language = shares.setdefault(row["iso3"], {})
            share = float(row["population_percent"]) / 100.0
            by_language[row["language"]] = max(by_language.get(row["language"], 0.0), min(share, 1.0))
    return shares


@functools.cache
def _groups() -> tuple[dict[str, set[str]], dict[str, str]]:
    members: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    with open(DATA / "regional_groups.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            members.setdefault(row["iso3"], set()).add(row["group"])
            names[row["group"]] = row["group_name"]
    return members, names


@dataclass
class MemberRow:
    pk: int
    acronym: str
    name: str
    iso3: str
    sub_region: str
    region: str


@dataclass
class Loaded:
    universe: recommend.Universe
    members: list[MemberRow]
    committees: list[tuple[int, str]]  # (id, reference)
    index: dict[int, int]  # organisation id -> row
    rule_known: bool
    trade: np.ndarray | None = None  # (n, n) US dollars of goods traded between the members' countries
    trade_year: int | None = None


def trade_file_current():
    """The trade file the recommender reads (the latest load), or None."""
    from jalon.twinning.models import TradeFile

    return TradeFile.objects.order_by("-loaded_at", "-pk").first()


def trade_matrix(organisations: list[Organisation]) -> tuple[np.ndarray | None, int | None]:
    """The goods traded between each two members' countries in the latest year of the loaded trade file (None
    when no file is loaded), in US dollars. Each pair is reported twice (as A's and as B's trade); the larger
    report counts, as mirror statistics do where a reporter under-declares. Two queries."""
    from jalon.twinning.models import TradeFlow

    year = TradeFlow.objects.aggregate(year=Max("year"))["year"]
    if year is None:
        return None, None
    rows_of: dict[int, list[int]] = {}
    for i, org in enumerate(organisations):
        if org.country_id is not None:
            rows_of.setdefault(org.country_id, []).append(i)
    n = len(organisations)
    matrix = np.zeros((n, n))
    flows = TradeFlow.objects.filter(
        year=year, reporter_id__in=list(rows_of), partner_id__in=list(rows_of)
    ).values_list("reporter_id", "partner_id", "value_usd")
    for reporter, partner, value in flows:
        for a in rows_of[reporter]:
            for b in rows_of[partner]:
                matrix[a, b] = matrix[b, a] = max(matrix[a, b], float(value))
    return matrix, year


def recommender_universe(*, programme, on: datetime.date | None = None) -> Loaded:
    """The ISO members and active ISO committees as arrays, on `on` (today)."""
    on = on or timezone.localdate()
    organisations = list(
        Organisation.objects.filter(iso_member_id__isnull=False, country__isnull=False)
        .select_related("country__region", "country__sub_region")
        .order_by("acronym", "pk")
    )
    index = {org.pk: i for i, org in enumerate(organisations)}
    committees = list(
        Committee.objects.filter(body__in=(Committee.Body.ISO, Committee.Body.IEC_ISO), status=Committee.Status.ACTIVE)
        .order_by("sort_key", "reference")
        .values_list("pk", "reference", "secretariat_id")
    )
    column = {pk: j for j, (pk, _ref, _sec) in enumerate(committees)}
    n, m = len(organisations), len(committees)
    p, o = np.zeros((n, m), bool), np.zeros((n, m), bool)
    secretariat, chair, convenor = np.zeros((n, m), bool), np.zeros((n, m), bool), np.zeros((n, m), bool)
    rows = CommitteeMembership.objects.filter(
        membership_in_force(on), member_id__in=index.keys(), committee_id__in=column.keys()
    ).values_list("member_id", "committee_id", "status")
    for member_id, committee_id, status in rows:
        target = p if status == CommitteeMembership.Status.P else o if status == CommitteeMembership.Status.O else None
        if target is not None:
            target[index[member_id], column[committee_id]] = True
    for j, (_pk, _ref, secretariat_id) in enumerate(committees):
        if secretariat_id in index:
            secretariat[index[secretariat_id], j] = True
    roles = LeadershipRole.objects.filter(
        role_in_force(on), organisation_id__in=index.keys(), committee_id__in=column.keys()
    ).values_list("organisation_id", "committee_id", "role")
    role_target: dict[str, np.ndarray] = {
        LeadershipRole.Role.SECRETARIAT: secretariat,
        LeadershipRole.Role.CHAIR: chair,
        LeadershipRole.Role.CONVENOR: convenor,
    }
    for organisation_id, committee_id, role in roles:
        if role in role_target:
            role_target[role][index[organisation_id], column[committee_id]] = True
    load = np.zeros(n)
    blocked = {kind: np.zeros((n, m), bool) for kind in recommend.KINDS}
    open_arrangements = Arrangement.objects.filter(status__in=OPEN_STATUSES).values_list(
        "lead_member_id", "twinned_member_id", "committee_id", "kind", "status"
    )
    for lead_id, twinned_id, committee_id, kind, status in open_arrangements:
        if lead_id in index and status != Status.PROPOSED:
            load[index[lead_id]] += 1
        if twinned_id in index and committee_id in column:
            blocked[kind][index[twinned_id], column[committee_id]] = True
    rule = developing_rule(programme)
    developing = np.zeros(n, bool)
    if rule is not None:
        ids = set(developing_country_ids(rule=rule, on=on).values_list("pk", flat=True))
        developing = np.array([org.country_id in ids for org in organisations], dtype=bool)
    shares = _languages()
    iso3 = [org.country.iso3 if org.country else "" for org in organisations]
    codes = sorted({code for c in iso3 for code in shares.get(c, {})})
    language_column = {code: k for k, code in enumerate(codes)}
    languages = np.zeros((n, len(codes)))
    member_groups, _names = _groups()
    group_codes = sorted({g for c in iso3 for g in member_groups.get(c, ())})
    group_column = {code: k for k, code in enumerate(group_codes)}
    groups = np.zeros((n, len(group_codes)), bool)
    sub_region, region = np.full(n, -1), np.full(n, -1)
    members = []
    for i, org in enumerate(organisations):
        country = org.country
        assert country is not None  # organisations are filtered on it
        for code, share in shares.get(country.iso3, {}).items():
            languages[i, language_column[code]] = share
        for code in member_groups.get(country.iso3, ()):
            groups[i, group_column[code]] = True
        sub_region[i] = country.sub_region_id or -1
        region[i] = country.region_id or -1
        members.append(
            MemberRow(
                org.pk,
                org.acronym,
                text_in(org.name) if isinstance(org.name, dict) else str(org.name),
                country.iso3,
                text_in(country.sub_region.name) if country.sub_region else "",
                text_in(country.region.name) if country.region else "",
            )
        )
    universe = recommend.Universe(
        member_ids=np.array([org.pk for org in organisations]),
        committee_ids=np.array([pk for pk, _r, _s in committees]),
        p=p,
        o=o,
        secretariat=secretariat,
        chair=chair,
        convenor=convenor,
        languages=languages,
        groups=groups,
        sub_region=sub_region,
        region=region,
        developing=developing,
        load=load,
        blocked=blocked,
        language_codes=tuple(codes),
        group_codes=tuple(group_codes),
    )
    trade, trade_year = trade_matrix(organisations)
    return Loaded(
        universe, members, [(pk, ref) for pk, ref, _s in committees], index, rule is not None, trade, trade_year
    )


def weights_of(programme, *, trade_loaded: bool = False) -> recommend.Weights:
    """The programme's weights; an empty trade weight is 1 once a trade file is loaded, 0 before."""
    s = programme_settings(programme)

    def trade(value) -> float:
        return float(value) if value is not None else (1.0 if trade_loaded else 0.0)

    return recommend.Weights(
        twinned_committees=float(s.twinned_committees),
        twinned_language=float(s.twinned_language),
        twinned_region=float(s.twinned_region),
        twinned_trade=trade(s.twinned_trade),
        lead_interest=float(s.lead_interest),
        lead_language=float(s.lead_language),
        lead_region=float(s.lead_region),
        lead_trade=trade(s.lead_trade),
        observer_bonus=float(s.observer_bonus),
        load_damping=float(s.load_damping),
    )


@dataclass
class CommitteeReason:
    pk: int
    reference: str
    p_members: int
    twinned_status: str  # "o" or "" (absent) or "p"
    lead_runs: bool
    priority: bool = False  # among the twinned member's national priorities


@dataclass
class Suggestion:
    lead: MemberRow
    twinned: MemberRow
    score: float
    twinned_side: float
    lead_side: float
    committees: list[CommitteeReason]
    language: str
    language_share: float
    region: str
    load: int
    capacity: float
    trade_usd: float | None = None  # goods traded between the two countries in trade_year, when trade counts
    trade_year: int | None = None
    trade_share: float = 0.0  # the twinned side's trade link: 1 for the twinned member's largest partner
    priority_sector: int | None = None  # the twinned member's priority sector holding the first committee

    @property
    def trade_millions(self) -> float | None:
        return None if self.trade_usd is None else self.trade_usd / 1e6


def _language_name(code: str) -> str:
    try:
        return Locale.parse(translation.get_language() or "fr").languages.get(code, code)
    except (ValueError, TypeError):
        return code


def _region_reason(loaded: Loaded, lead: int, twinned: int) -> str:
    u = loaded.universe
    _members, names = _groups()
    shared = np.flatnonzero(u.groups[lead] & u.groups[twinned])
    if shared.size:
        return ", ".join(names[u.group_codes[k]] for k in shared)
    a, _b = loaded.members[lead], loaded.members[twinned]
    if u.sub_region[lead] >= 0 and u.sub_region[lead] == u.sub_region[twinned]:
        return a.sub_region
    if u.region[lead] >= 0 and u.region[lead] == u.region[twinned]:
        return a.region
    return ""


def explain(loaded: Loaded, scores: recommend.Scores, lead: int, twinned: int, priorities=None) -> Suggestion:
    u = loaded.universe
    reasons = []
    named = (priorities or {}).get(int(u.member_ids[twinned]), {})
    for j in recommend.best_committees(u, scores, lead, twinned):
        status = "p" if u.p[twinned, j] else "o" if u.o[twinned, j] else ""
        pk, reference = loaded.committees[j]
        reasons.append(
            CommitteeReason(pk, reference, int(u.p_count[j]), status, bool(u.secretariat[lead, j]), pk in named)
        )
    language, share = "", 0.0
    if u.languages.shape[1]:
        both = np.minimum(u.languages[lead], u.languages[twinned])
        k = int(both.argmax())
        if both[k] > 0:
            language, share = _language_name(u.language_codes[k]), float(both[k])
    trade_usd, trade_share = None, 0.0
    if scores.trade_twinned is not None and loaded.trade is not None:
        trade_usd, trade_share = float(loaded.trade[lead, twinned]), float(scores.trade_twinned[lead, twinned])
    return Suggestion(
        lead=loaded.members[lead],
        twinned=loaded.members[twinned],
        score=float(scores.score[lead, twinned]),
        twinned_side=float(scores.twinned_side[lead, twinned]),
        lead_side=float(scores.lead_side[lead, twinned]),
        committees=reasons,
        language=language,
        language_share=share,
        region=_region_reason(loaded, lead, twinned),
        load=int(u.load[lead]),
        capacity=float(scores.capacity[lead]),
        trade_usd=trade_usd,
        trade_year=loaded.trade_year if trade_usd is not None else None,
        trade_share=trade_share,
    )


def recommendations(
    *,
    programme,
    member: Organisation,
    side: str = "twinned",
    kind: str = Kind.P_MEMBER,
    limit: int = 10,
    priorities=None,
    on: datetime.date | None = None,
    user,
) -> tuple[list[Suggestion], Loaded]:
    """For a twinned member, the leads worth approaching (side "twinned"); for a lead, the members it could
    help (side "lead"); best first, each explained, for `user`. `priorities`: {member id: {committee id:
    weight}}; by default the members' national priorities as the committees app's registry gives them to the
    user (the adopted national strategies the user may see): a member with priorities is offered only the
    committees they name. A member whose strategy the user may not see is ranked as one without priorities, so
    that neither the ranking nor its reasons depend on it."""
    loaded = recommender_universe(programme=programme, on=on)
    i = loaded.index.get(member.pk)
    if i is None:
        return [], loaded
    if priorities is None:
        asking = [member.pk] if side == "twinned" else [row.pk for row in loaded.members]
        priorities = priority_weights_of(asking, viewer=user)
    scores = recommend.score(
        loaded.universe,
        kind=kind,
        weights=weights_of(programme, trade_loaded=loaded.trade is not None),
        priorities=priorities,
        trade=loaded.trade,
    )
    row = scores.score[:, i] if side == "twinned" else scores.score[i, :]
    order = [int(j) for j in np.argsort(-row, kind="stable") if row[j] > 0][:limit]
    if side == "twinned":
        found = [explain(loaded, scores, j, i, priorities) for j in order]
    else:
        found = [explain(loaded, scores, i, j, priorities) for j in order]
    _attach_priority_sectors(found, user=user)
    return found, loaded


def _attach_priority_sectors(suggestions: list[Suggestion], *, user) -> None:
    """Each suggestion's first committee's priority sector in its twinned member's strategy (the highest one
    holding it), where the user may see it, so that proposing from the suggestion links the objectives to it."""
    with_committee = [s for s in suggestions if s.committees]
    sectors = priority_sectors_of({s.twinned.pk for s in with_committee}, viewer=user) if with_committee else {}
    if not sectors:
        return
    held = sector_committees(sector for found in sectors.values() for sector in found)
    for suggestion in with_committee:
        first = suggestion.committees[0].pk
        holding = [s for s in sectors.get(suggestion.twinned.pk, ()) if first in held[s.pk]]
        if holding:
            suggestion.priority_sector = max(holding, key=lambda sector: (sector.weight, -sector.pk)).pk


def arrangements_of_country(programme, country) -> QuerySet[Arrangement]:
    """The programme's arrangements in which a member of the country is the twinned or the lead partner (a
    country profile's section), oldest first, with their committee and partners (one query)."""
    return (
        Arrangement.objects.filter(programme=programme)
        .filter(Q(twinned_member__country=country) | Q(lead_member__country=country))
        .select_related(*LIST_RELATED)
        .order_by("start_date", "pk")
    )


@dataclass
class ProgrammeTwinning:
    # (status, kind, how many arrangements), in the order of the statuses and kinds.
    counts: list[tuple[str, str, int]]
    # Of the arrangements started by `today` (arrangement_outcomes): how many, and the outcome events of
    # their twinned members summed, each counted once per arrangement that saw it.
    started: int
    o_to_p: int
    joined_p: int
    roles: int
    meetings: int
    contributions: int
    spill_over: int


def programme_twinning(programme, *, today: datetime.date) -> ProgrammeTwinning:
    """The programme's arrangements counted by status and kind, and their outcomes to `today` from the
    committees' history (arrangement_outcomes, on the arrangement's committee; spill-over: on the twinned
    member's other committees): a report's section on twinning. One query for the counts, a few per
    started arrangement for its outcomes."""
    arrangements = list(
        Arrangement.objects.filter(programme=programme).select_related(*LIST_RELATED).order_by("start_date", "pk")
    )
    tally: dict[tuple[str, str], int] = {}
    for arrangement in arrangements:
        key = (arrangement.status, arrangement.kind)
        tally[key] = tally.get(key, 0) + 1
    counts = [
        (status, kind, tally[(status, kind)])
        for status in Status.values
        for kind in Kind.values
        if (status, kind) in tally
    ]
    summary = ProgrammeTwinning(counts, 0, 0, 0, 0, 0, 0, 0)
    for arrangement in arrangements:
        outcome = arrangement_outcomes(arrangement, today=today)
        if not outcome.started:
            continue
        summary.started += 1
        summary.o_to_p += outcome.count("o_to_p", same=True)
        summary.joined_p += outcome.count("joined_p", same=True)
        summary.roles += outcome.count("role", same=True)
        summary.meetings += outcome.meetings_attended
        summary.contributions += outcome.contributions
        summary.spill_over += len(outcome.spill_over)
    return summary
