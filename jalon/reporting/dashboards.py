"""The dashboards' reads: a programme's statuses by level and over its periods, what changed since the
period before, and what is waiting for whom; and the portfolio of the programmes a user reads.

The statuses come from the results engine (programme_progress) and are kept in the progress cache until the
programme's progress changes (results/progress_cache.py), per programme: the portfolio asks the cache for
all its programmes at once. What waits for whom (values submitted, returned or in draft; narrative sections
in draft or in review) is counted live, in two grouped queries whatever the number of programmes: a
submission does not change progress, and the queue must be true at once."""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jalon.lib.multilingual import text_in
from jalon.reporting.models import ReportSection, SectionStatus
from jalon.results.models import Measurement, Period, Programme
from jalon.results.progress import STATUS_LABELS, Status
from jalon.results.progress_cache import TIMEOUT, progress_key
from jalon.results.selectors import programme_progress

# Better to worse: a change between two of these is an improvement or a setback; any other change (data
# arrived, a baseline was set) is neither.
RANKED = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
# The statuses in the order the charts and tables show them.
ORDER = tuple(STATUS_LABELS)


@dataclass
class StatusRow:
    """A bar of a status chart: its label and its indicators counted by status."""

    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Change:
    """An indicator whose status in the period differs from its status in the period before."""

    code: str
    title: str
    indicator_id: int
    before: str
    after: str

    @property
    def direction(self) -> str:
        if self.before in RANKED and self.after in RANKED:
            return "better" if RANKED.index(self.after) < RANKED.index(self.before) else "worse"
        return "other"


@dataclass
class Summary:
    """What the dashboards show of a programme's progress (cached): the statuses of its indicators by level
    (each indicator's headline status), by period (each period's status), and the changes of each period
    over the one before it (by period code)."""

    indicators: int
    by_level: list[StatusRow]
    by_period: list[StatusRow]
    period_codes: list[str]
    changes: dict[str, list[Change]] = field(default_factory=dict)

    @property
    def overall(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.by_level:
            for status, count in row.counts.items():
                counts[status] = counts.get(status, 0) + count
        return counts


def _started(periods: list[Period], today: datetime.date) -> list[Period]:
    return [period for period in periods if period.start <= today]


def summary_build(programme: Programme) -> Summary:
    """The summary, from the results engine (the programme page's figures)."""
    today = timezone.localdate()
    report = programme_progress(programme=programme, today=today)
    levels: dict[int, StatusRow] = {}
    for result in report.results:
        row = levels.setdefault(
            result.level_id, StatusRow(label=text_in(result.level.name) or result.level.key, counts={})
        )
        for item in report.for_result(result):
            row.counts[item.status] = row.counts.get(item.status, 0) + 1
    level_order = {result.level_id: (result.level.order, result.level_id) for result in report.results}
    by_level = [levels[key] for key in sorted(levels, key=lambda key: level_order[key])]
    started = _started(report.periods, today)
    index = {period.pk: position for position, period in enumerate(report.periods)}
    by_period: list[StatusRow] = []
    changes: dict[str, list[Change]] = {}
    for period in started:
        counts: dict[str, int] = {}
        for item in report.indicators.values():
            status = item.cells[index[period.pk]].status
            counts[status] = counts.get(status, 0) + 1
        by_period.append(StatusRow(label=text_in(period.name) or period.code, counts=counts))
        position = index[period.pk]
        if position == 0:
            changes[period.code] = []
            continue
        changes[period.code] = [
            Change(
                code=item.indicator.code,
                title=text_in(item.indicator.title),
                indicator_id=item.indicator.pk,
                before=item.cells[position - 1].status,
                after=item.cells[position].status,
            )
            for item in report.indicators.values()
            if item.cells[position - 1].status != item.cells[position].status
        ]
    return Summary(
        indicators=len(report.indicators),
        by_level=by_level,
        by_period=by_period,
        period_codes=[period.code for period in started],
        changes=changes,
    )


def summaries(programmes: list[Programme]) -> dict[int, Summary]:
    """Each programme's summary, from the cache in one round trip, built (and cached) where missing: a
    programme whose progress changed costs its own queries once."""
    keys = {programme.pk: progress_key(programme, "dashboard") for programme in programmes}
    found = cache.get_many(list(keys.values()))
    result, built = {}, {}
    for programme in programmes:
        key = keys[programme.pk]
        if key in found:
            result[programme.pk] = found[key]
        else:
            result[programme.pk] = built[key] = summary_build(programme)
    if built:
        cache.set_many(built, TIMEOUT)
    return result


@dataclass
class Waiting:
    """Something waiting for someone: how many, since when, and the page where it is done."""

    key: str  # "submitted", "returned", "draft" (values), "section-in_review", "section-draft"
    what: str
    whom: str
    count: int
    oldest: datetime.datetime | None
    url_name: str = ""


WAITING_VALUES = {
    Measurement.Status.SUBMITTED: (
        gettext_lazy("Values submitted, awaiting approval"),
        gettext_lazy("The programme's managers"),
        "results:approval_queue",
    ),
    Measurement.Status.RETURNED: (
        gettext_lazy("Values returned for correction"),
        gettext_lazy("Their reporters"),
        "",
    ),
    Measurement.Status.DRAFT: (gettext_lazy("Values in draft, not yet submitted"), gettext_lazy("Their authors"), ""),
}
WAITING_SECTIONS = {
    SectionStatus.IN_REVIEW: (
        gettext_lazy("Narrative sections awaiting review"),
        gettext_lazy("The programme's managers"),
        "reporting:sections",
    ),
    SectionStatus.DRAFT: (
        gettext_lazy("Narrative sections in draft"),
        gettext_lazy("Their writers"),
        "reporting:sections",
    ),
}


def waiting_by_programme(programme_ids: list[int]) -> dict[int, list[Waiting]]:
    """Per programme, what waits for whom (two queries, whatever the number of programmes); nothing listed
    where nothing waits."""
    values = (
        Measurement.objects.filter(indicator__result__programme_id__in=programme_ids, status__in=list(WAITING_VALUES))
        .values("indicator__result__programme_id", "status")
        .annotate(count=Count("*"), oldest=Min("updated_at"))
        .order_by()
    )
    sections = (
        ReportSection.objects.filter(result__programme_id__in=programme_ids, status__in=list(WAITING_SECTIONS))
        .values("result__programme_id", "status")
        .annotate(count=Count("*"), oldest=Min("updated_at"))
        .order_by()
    )
    found: dict[tuple[int, str], Waiting] = {}
    for row in values:
        what, whom, url = WAITING_VALUES[row["status"]]
        key = row["status"]
        found[(row["indicator__result__programme_id"], key)] = Waiting(
            key, str(what), str(whom), row["count"], row["oldest"], url
        )
    for row in sections:
        what, whom, url = WAITING_SECTIONS[row["status"]]
        key = "section-" + row["status"]
        found[(row["result__programme_id"], key)] = Waiting(key, str(what), str(whom), row["count"], row["oldest"], url)
    order = [*WAITING_VALUES, *("section-" + status for status in WAITING_SECTIONS)]
    return {pk: [found[(pk, status)] for status in order if (pk, status) in found] for pk in programme_ids}


@dataclass
class ProgrammeDashboard:
    programme: Programme
    summary: Summary
    period: str  # the period code whose changes are shown ("" when no period has started)
    previous: str
    changes: list[Change]
    waiting: list[Waiting]


def programme_dashboard(
    programme: Programme, *, period: str = "", summary: Summary | None = None
) -> ProgrammeDashboard:
    """The dashboard of a programme; `period`: the code of the period whose changes over the one before are
    shown (by default the latest started); `summary`: the programme's, when the caller has read it already."""
    summary = summary or summaries([programme])[programme.pk]
    codes = summary.period_codes
    chosen = period if period in codes else (codes[-1] if codes else "")
    previous = codes[codes.index(chosen) - 1] if chosen and codes.index(chosen) > 0 else ""
    changes = sorted(
        summary.changes.get(chosen, []),
        key=lambda change: ({"worse": 0, "better": 1, "other": 2}[change.direction], change.code),
    )
    return ProgrammeDashboard(
        programme=programme,
        summary=summary,
        period=chosen,
        previous=previous,
        changes=changes,
        waiting=waiting_by_programme([programme.pk])[programme.pk],
    )


@dataclass
class PortfolioRow:
    programme: Programme
    summary: Summary
    waiting: list[Waiting]

    @property
    def to_approve(self) -> int:
        return sum(item.count for item in self.waiting if item.key == Measurement.Status.SUBMITTED)

    @property
    def to_review(self) -> int:
        return sum(item.count for item in self.waiting if item.key == "section-" + SectionStatus.IN_REVIEW)


def portfolio(programmes: QuerySet[Programme]) -> list[PortfolioRow]:
    """The portfolio of these programmes (already access-filtered): each one's summary and what waits."""
    listed = list(programmes.select_related("owner").order_by("code"))
    found = summaries(listed)
    waiting = waiting_by_programme([programme.pk for programme in listed])
    return [PortfolioRow(programme, found[programme.pk], waiting[programme.pk]) for programme in listed]
