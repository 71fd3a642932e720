"""Reads of assessments: lists, scores, the comparison of two assessments across versions, the portfolio
(every member's latest counted assessment by section), improvement plans and whether each area is applied,
and the published aggregates the public may see. Each takes the access-filtered queryset or the user and
costs a constant number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jalon.assessments import access, participation, scoring, sustainability
from jalon.assessments.models import (
    Answer,
    Assessment,
    FinancialProfile,
    Framework,
    ImprovementAction,
    ImprovementArea,
    NationalStrategy,
    ParticipationCost,
    PrioritySector,
    Question,
    QuestionMapping,
    RatioThreshold,
    Risk,
    Section,
)
from jalon.committees.models import CommitteeMembership
from jalon.committees.priorities import PLATFORM, PrioritySectorRef
from jalon.committees.selectors import membership_in_force
from jalon.lib.smallgroups import is_small
from jalon.results.access import programmes_visible
from jalon.results.models import Programme

ZERO = Decimal("0")


def assessment_list(user) -> QuerySet[Assessment]:
    return access.assessments_visible(
        user, Assessment.objects.select_related("organisation__country", "framework").order_by("-period_end", "-pk")
    )


def framework_sections(framework: Framework) -> list[Section]:
    questions = Question.objects.select_related("answer_set").prefetch_related("answer_set__options")
    return list(
        framework.sections.prefetch_related(Prefetch("questions", queryset=questions.order_by("order", "pk"))).order_by(
            "order", "pk"
        )
    )


def assessment_scores(assessment: Assessment) -> scoring.Scores:
    return scoring.compute(assessment)


def _answers_by_assessment(assessments) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(assessment__in=[a.pk for a in assessments]).select_related("option"):
        grouped[answer.assessment_id].append(answer)
    return grouped


def scores_many(assessments: list[Assessment]) -> dict[int, scoring.Scores]:
    """Scores of many assessments: one query for the answers, one or two per question bank."""
    frameworks = {a.framework_id: a.framework for a in assessments}
    sections = {pk: framework_sections(framework) for pk, framework in frameworks.items()}
    answers = _answers_by_assessment(assessments)
    return {
        a.pk: scoring.compute(a, sections=sections[a.framework_id], answers=answers.get(a.pk, [])) for a in assessments
    }


def previous_counted(assessment: Assessment) -> Assessment | None:
    """The organisation's latest validated or published assessment before this one (same bank code)."""
    return (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id,
            framework__code=assessment.framework.code,
            status__in=Assessment.COUNTED,
            period_end__lt=assessment.period_end,
        )
        .select_related("framework", "organisation")
        .order_by("-period_end", "-pk")
        .first()
    )


# Comparison ------------------------------------------------------------------------------------------------


@dataclass
class CompareRow:
    question: Question
    before: Decimal | None
    after: Decimal | None
    before_codes: list[str] = field(default_factory=list)

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Comparison:
    earlier: Assessment
    later: Assessment
    rows: list[CompareRow]
    sections: list[tuple[str, Section, Decimal | None, Decimal | None]]


def _mapped_sources(earlier: Framework, later: Framework) -> dict[int, list[tuple[int, str, Decimal]]]:
    """Later question id -> [(earlier question id, its code, factor)], walking the revisions between them."""
    if earlier.pk == later.pk:
        return {q.pk: [(q.pk, q.code, Decimal(1))] for q in Question.objects.filter(section__framework=later)}
    chain = [later]
    while chain[-1].previous_id and chain[-1].pk != earlier.pk and len(chain) < 50:
        chain.append(Framework.objects.get(pk=chain[-1].previous_id))
    if chain[-1].pk != earlier.pk:
        # Not a revision of one another: pair questions by code.
        old = {q.code: q.pk for q in Question.objects.filter(section__framework=earlier)}
        return {
            q.pk: [(old[q.code], q.code, Decimal(1))]
            for q in Question.objects.filter(section__framework=later)
            if q.code in old
        }
    links = defaultdict(list)
    for mapping in QuestionMapping.objects.filter(target__section__framework__in=chain).select_related("source"):
        links[mapping.target_id].append((mapping.source_id, mapping.source.code, mapping.factor))
    current = {q.pk: [(q.pk, q.code, Decimal(1))] for q in Question.objects.filter(section__framework=later)}
    for _step in chain[:-1]:
        stepped = {}
        for target, sources in current.items():
            stepped[target] = [
                (source, code, factor * link_factor)
                for pk, _code, factor in sources
                for source, code, link_factor in links.get(pk, [])
            ]
        current = stepped
    return current


def comparison(earlier: Assessment, later: Assessment) -> Comparison:
    """Question by question, across versions: each question of the later assessment with the value of its
    counterpart(s) in the earlier one (the mean when a question was split from, or merged from, several)."""
    sources = _mapped_sources(earlier.framework, later.framework)
    values = dict(
        Answer.objects.filter(assessment=earlier, option__isnull=False).values_list("question_id", "option__value")
    )
    later_values = dict(
        Answer.objects.filter(assessment=later, option__isnull=False).values_list("question_id", "option__value")
    )
    rows = []
    for section in framework_sections(later.framework):
        for question in section.questions.all():
            found = [
                min(Decimal(1), values[pk] * factor)
                for pk, _code, factor in sources.get(question.pk, [])
                if pk in values
            ]
            before = (sum(found, ZERO) / len(found)).quantize(Decimal("0.001")) if found else None
            rows.append(
                CompareRow(
                    question=question,
                    before=before,
                    after=later_values.get(question.pk),
                    before_codes=[code for _pk, code, _f in sources.get(question.pk, [])],
                )
            )
    scored = scores_many([earlier, later])
    old, new = scored[earlier.pk].by_code(), scored[later.pk].by_code()
    sections = [
        (
            code,
            row.section,
            old[code].score if code in old and old[code].ranked else None,
            row.score if row.ranked else None,
        )
        for code, row in new.items()
    ]
    return Comparison(earlier=earlier, later=later, rows=rows, sections=sections)


# Portfolio ---------------------------------------------------------------------------------------------------


@dataclass
class Portfolio:
    framework: Framework | None
    sections: list[Section]
    rows: list[tuple[Assessment, scoring.Scores]]

    def table(self) -> list[tuple[Assessment, list[scoring.SectionScore | None], scoring.Scores]]:
        """Each row's section scores under the newest bank's columns, matched by code (an assessment on an
        earlier version may lack a section, or have one the newest bank dropped)."""
        return [
            (assessment, [scores.by_code().get(section.code) for section in self.sections], scores)
            for assessment, scores in self.rows
        ]


def portfolio(user, *, code: str = "gsp") -> Portfolio:
    """Each organisation's latest validated or published assessment on the newest version of the bank it
    used, scored by section (sections matched by code across versions)."""
    latest_framework = Framework.objects.filter(code=code).order_by("-version").first()
    if latest_framework is None:
        return Portfolio(None, [], [])
    counted = list(
        access.assessments_visible(user)
        .filter(framework__code=code, status__in=Assessment.COUNTED)
        .select_related("organisation__country", "framework")
        .order_by("organisation_id", "-period_end", "-pk")
    )
    latest: dict[int, Assessment] = {}
    for assessment in counted:
        latest.setdefault(assessment.organisation_id, assessment)
    chosen = sorted(latest.values(), key=lambda a: (a.organisation.acronym or str(a.organisation)).lower())
    scored = scores_many(chosen)
    return Portfolio(latest_framework, framework_sections(latest_framework), [(a, scored[a.pk]) for a in chosen])


def _latest_published(code: str) -> dict[int, Assessment]:
    """Each organisation's latest published assessment on a bank of this code, by organisation id."""
    latest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(framework__code=code, status=Assessment.Status.PUBLISHED)
        .select_related("framework", "organisation")
        .order_by("organisation_id", "-period_end", "-pk")
    ):
        latest.setdefault(assessment.organisation_id, assessment)
    return latest


def _section_means(
    framework: Framework, scored: dict[int, scoring.Scores]
) -> list[tuple[Section, int, Decimal | None]]:
    rows = []
    for section in framework_sections(framework):
        values: list[Decimal] = []
        for scores in scored.values():
            row = scores.by_code().get(section.code)
            if row is not None and row.ranked and row.score is not None:
                values.append(row.score)
        mean = (sum(values, ZERO) / len(values)).quantize(Decimal("0.001")) if values else None
        rows.append((section, len(values), mean))
    return rows


def published_aggregates(*, code: str = "gsp") -> list[tuple[Section, int, Decimal | None]]:
    """What the public sees: for each section of the newest bank, how many published assessments rank it and
    their mean score. Never one organisation's answers or scores: a mean over fewer assessments than the
    small-group threshold is not given (None), since a mean of one or two is close to an organisation's own."""
    framework = Framework.objects.filter(code=code).order_by("-version").first()
    if framework is None:
        return []
    means = _section_means(framework, scores_many(list(_latest_published(code).values())))
    return [(section, n, None if is_small(n) else mean) for section, n, mean in means]


@dataclass
class PublishedSummary:
    framework: Framework | None
    organisations: int
    # (band code, its label, how many organisations' latest published overall score falls in it), in the
    # newest bank's order of bands; then (None, None, n) for those without an overall score (incomplete).
    bands: list[tuple[str | None, dict | None, int]]
    sections: list[tuple[Section, int, Decimal | None]]


def published_summary(*, code: str = "gsp") -> PublishedSummary:
    """The published aggregates (as published_aggregates) with how many organisations' latest published
    assessment falls in each maturity band of its overall score: a report's section on assessments. Published
    assessments only; never one organisation's answers or scores."""
    framework = Framework.objects.filter(code=code).order_by("-version").first()
    if framework is None:
        return PublishedSummary(None, 0, [], [])
    scored = scores_many(list(_latest_published(code).values()))
    counts: dict[str | None, int] = {}
    labels: dict[str, dict] = {}
    for scores in scored.values():
        band = scores.band["code"] if scores.band else None
        if scores.band:
            labels.setdefault(scores.band["code"], scores.band.get("label") or {})
        counts[band] = counts.get(band, 0) + 1
    ordered = sorted(framework.bands, key=lambda b: Decimal(str(b["min"])))
    bands: list[tuple[str | None, dict | None, int]] = [
        (band["code"], band.get("label") or {}, counts.pop(band["code"], 0)) for band in ordered
    ]
    # A band of an earlier version that the newest bank dropped is still a band: kept under its code.
    bands += [(key, labels[key], n) for key, n in sorted(counts.items(), key=lambda item: str(item[0])) if key]
    if counts.get(None):
        bands.append((None, None, counts[None]))
    return PublishedSummary(framework, len(scored), bands, _section_means(framework, scored))


# Improvement plans -----------------------------------------------------------------------------------------


@dataclass
class AreaState:
    area: ImprovementArea
    baseline: Decimal | None
    later: Decimal | None
    actions_done: bool
    applied: bool


def areas_state(areas: list[ImprovementArea], *, as_of: datetime.date | None = None) -> list[AreaState]:
    """Whether each area is applied: every action done (dropped ones aside, at least one done) and a later
    validated or published assessment of the organisation shows the section's score (ranked) higher than
    the assessment the area was chosen on. `as_of`: only assessments validated by that day count."""
    if not areas:
        return []
    assessments = {area.assessment_id: area.assessment for area in areas}
    organisations = {a.organisation_id for a in assessments.values()}
    codes = {a.framework.code for a in assessments.values()}
    later_qs = Assessment.objects.filter(
        organisation_id__in=organisations, framework__code__in=codes, status__in=Assessment.COUNTED
    ).select_related("framework", "organisation")
    if as_of is not None:
        later_qs = later_qs.filter(validated_at__date__lte=as_of)
    later = list(later_qs)
    everything = {a.pk: a for a in [*assessments.values(), *later]}
    scored = scores_many(list(everything.values()))
    actions = defaultdict(list)
    for action in ImprovementAction.objects.filter(area__in=areas):
        actions[action.area_id].append(action.status)
    states = []
    for area in areas:
        base = area.assessment
        base_row = scored[base.pk].by_code().get(area.section.code)
        baseline = base_row.score if base_row and base_row.ranked else None
        statuses = [s for s in actions.get(area.pk, []) if s != ImprovementAction.Status.DROPPED]
        done = bool(statuses) and all(s == ImprovementAction.Status.DONE for s in statuses)
        best = None
        for other in later:
            if other.organisation_id != base.organisation_id or other.period_end <= base.period_end:
                continue
            row = scored[other.pk].by_code().get(area.section.code)
            if row and row.ranked and (best is None or other.period_end > best[0]):
                best = (other.period_end, row.score)
        later_score = best[1] if best else None
        applied = done and baseline is not None and later_score is not None and later_score > baseline
        states.append(AreaState(area=area, baseline=baseline, later=later_score, actions_done=done, applied=applied))
    return states


# What an action's link points to, when it is a page of jalon: the plan names it (the twinning and knowledge
# apps sit on this app's layer, so the link is read by its address rather than held as a foreign key).
LINK_KINDS = {
    "twinning:arrangement_detail": _("twinning arrangement"),
    "knowledge:resource_detail": _("resource"),
    "knowledge:expert_detail": _("expert"),
}


def link_kind(link: str) -> str:
    """The kind of jalon page an action's link opens ("twinning arrangement", "resource", "expert"), or ""."""
    if not link:
        return ""
    path = urlsplit(link).path
    # Pages are under a language prefix, which resolves only in that language (a link copied in French is
    # read on an English page).
    prefix = path.split("/")[1] if path.count("/") > 1 else ""
    language = prefix if prefix in dict(settings.LANGUAGES) else translation.get_language()
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return ""
    return str(LINK_KINDS.get(match.view_name, ""))


def assessment_plan(assessment: Assessment) -> list[tuple[AreaState, list[tuple[ImprovementAction, str]]]]:
    """Each area's state and its actions, each with what its link opens (link_kind)."""
    areas = list(
        ImprovementArea.objects.filter(assessment=assessment)
        .select_related("section", "assessment__framework", "assessment__organisation")
        .order_by("priority", "pk")
    )
    actions = defaultdict(list)
    for action in (
        ImprovementAction.objects.filter(area__in=areas).select_related("owner", "activity").order_by("due_date", "pk")
    ):
        actions[action.area_id].append((action, link_kind(action.link)))
    return [(state, actions.get(state.area.pk, [])) for state in areas_state(areas)]


# Financial sustainability ----------------------------------------------------------------------------------


def profile_list(user) -> QuerySet[FinancialProfile]:
    return access.finance_visible(
        user, FinancialProfile.objects.select_related("organisation", "currency").order_by("organisation_id", "-year")
    )


def profile_sustainability(profile: FinancialProfile, programme=None) -> sustainability.Sustainability:
    """The ratios and band with the programme's thresholds, and the participation estimate with its unit
    costs (the ratio uses it when the profile gives no cost of its P-memberships)."""
    found = participation.profile_estimates([profile], participation.settings_for(programme))
    return sustainability.assess(profile, sustainability.thresholds_for(programme), found.get(profile.pk))


def profile_history(profile: FinancialProfile, programme=None) -> list[sustainability.Sustainability]:
    """Every profile of the organisation, oldest first, each with its band (to see the band move)."""
    thresholds = sustainability.thresholds_for(programme)
    profiles = list(
        FinancialProfile.objects.filter(organisation_id=profile.organisation_id)
        .select_related("currency")
        .order_by("year")
    )
    found = participation.profile_estimates(profiles, participation.settings_for(programme))
    return [sustainability.assess(p, thresholds, found.get(p.pk)) for p in profiles]


@dataclass
class ThresholdRow:
    ratio: str
    label: str
    medium: Decimal
    high: Decimal
    version: int | None  # None: the default, not set by the programme
    higher_is_worse: bool


def programme_thresholds(programme) -> list[ThresholdRow]:
    """Each ratio's thresholds for the programme: its own where set, else the defaults."""
    own = {row.ratio: row for row in RatioThreshold.objects.filter(programme=programme)}
    rows = []
    for ratio, label in RatioThreshold.Ratio.choices:
        found = own.get(ratio)
        medium, high = (found.medium, found.high) if found else sustainability.DEFAULTS[ratio]
        rows.append(
            ThresholdRow(
                ratio,
                str(label),
                medium,
                high,
                found.version if found else None,
                ratio in sustainability.HIGHER_IS_WORSE,
            )  # fmt: skip
        )
    return rows


def participation_costs(programme) -> QuerySet[ParticipationCost]:
    return ParticipationCost.objects.filter(programme=programme).select_related("currency").order_by("currency__code")


def cost_programmes(user, currency_id: int) -> QuerySet[Programme]:
    """Programmes the user sees that set participation costs in this currency (to estimate a profile's)."""
    return programmes_visible(user).filter(participation_costs__currency_id=currency_id).order_by("code")


def risks_of(user, organisation) -> QuerySet[Risk]:
    return access.finance_visible(user, Risk.objects.filter(organisation=organisation)).order_by("-pk")


# National priorities and strategies ------------------------------------------------------------------------


def strategy_list(user) -> QuerySet[NationalStrategy]:
    return access.strategies_visible(
        user,
        NationalStrategy.objects.select_related("organisation__country").order_by("organisation_id", "-period_end"),
    )


def strategy_current(organisation) -> NationalStrategy | None:
    """The organisation's strategy that counts: the latest adopted one, else the latest of any status."""
    strategies = NationalStrategy.objects.filter(organisation=organisation).order_by("-period_end", "-pk")
    return strategies.filter(status=NationalStrategy.Status.ADOPTED).first() or strategies.first()


def strategy_sectors(strategy: NationalStrategy) -> list[PrioritySector]:
    """Sectors ranked by priority score (highest first), committees prefetched."""
    sectors = list(strategy.sectors.select_related("strategy").prefetch_related("committees"))
    return sorted(sectors, key=lambda sector: (-sector.priority_score, sector.pk))


def priority_sectors_by_member(member_ids: Iterable[int], *, viewer: Any) -> dict[int, list[PrioritySectorRef]]:
    """The sectors of each organisation's latest adopted strategy, keyed by the organisations whose strategies
    `viewer` may see (access.strategy_owners_visible; PLATFORM: all), with an empty list for those without an
    adopted strategy; three queries. Registered with the committees app's priorities registry: the twinning app
    weighs committees by them and links an arrangement's objectives to one of them.

    Only an adopted strategy counts, even for those who may see the drafts: a draft (or a strategy under review)
    is its organisation's working document, not yet its priorities, and an arrangement's objectives are not
    linked to a sector that may still change or go (strategy_current, for the organisation's own pages, falls
    back on the latest draft)."""
    ids = set(member_ids)
    strategies = NationalStrategy.objects.filter(status=NationalStrategy.Status.ADOPTED)
    if viewer is not PLATFORM:
        ids = access.strategy_owners_visible(viewer, ids)
        strategies = access.strategies_visible(viewer, strategies)
    found: dict[int, list[PrioritySectorRef]] = {member_id: [] for member_id in ids}
    current: dict[int, NationalStrategy] = {}
    for strategy in strategies.filter(organisation_id__in=list(ids)).order_by("organisation_id", "-period_end", "-pk"):
        current.setdefault(strategy.organisation_id, strategy)
    if not current:
        return found
    sectors = PrioritySector.objects.filter(strategy__in=list(current.values())).select_related("strategy")
    for sector in sectors.prefetch_related("committees").order_by("pk"):
        strategy = sector.strategy
        found.setdefault(strategy.organisation_id, []).append(
            PrioritySectorRef(
                pk=sector.pk,
                member_id=strategy.organisation_id,
                name=sector.name,
                ics_codes=tuple(sector.ics_codes or ()),
                weight=(sector.priority_score / Decimal(5)).quantize(Decimal("0.001")),
                committee_ids=tuple(committee.pk for committee in sector.committees.all()),
                strategy_pk=strategy.pk,
                strategy_title=strategy.title,
            )
        )
    return found


@dataclass
class Coverage:
    committees: list
    p_member: set[int]

    @property
    def share(self) -> Decimal | None:
        if not self.committees:
            return None
        return (Decimal(len(self.p_member)) / Decimal(len(self.committees))).quantize(Decimal("0.001"))


def priority_coverage(strategy: NationalStrategy, *, on: datetime.date) -> Coverage:
    """The priority committees of a strategy and those where the organisation is a P-member on `on` (read from
    the committees module)."""
    committees = {c.pk: c for sector in strategy_sectors(strategy) for c in sector.committees.all()}
    p_member = set(
        CommitteeMembership.objects.filter(
            membership_in_force(on),
            member_id=strategy.organisation_id,
            committee_id__in=list(committees),
            status=CommitteeMembership.Status.P,
        ).values_list("committee_id", flat=True)
    )
    ordered = sorted(committees.values(), key=lambda c: c.reference)
    return Coverage(committees=ordered, p_member=p_member)


def assessments_of_country(country, *, on: datetime.date) -> list[tuple[Assessment, scoring.Scores]]:
    """The validated or published assessments of the country's organisations whose period ended by `on`, the
    latest first, each with its scores (a country profile's section; three queries)."""
    assessments = list(
        Assessment.objects.filter(
            organisation__country=country,
            status__in=(Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED),
            period_end__lte=on,
        )
        .select_related("organisation", "framework")
        .order_by("-period_end", "organisation_id", "pk")
    )
    scores = scores_many(assessments)
    return [(assessment, scores[assessment.pk]) for assessment in assessments]
