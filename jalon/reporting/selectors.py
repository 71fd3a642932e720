"""Reads of the reporting pages."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from jalon.finance.selectors import programme_contributors
from jalon.reporting.access import programmes_reported_visible
from jalon.reporting.models import ReportRun, ReportSection, SectionStatus
from jalon.results.models import Narrative, Period, Programme, Result


def programmes_reported(user) -> QuerySet[Programme]:
    """The programmes whose reports the user reads, with their number of runs (one query)."""
    return programmes_reported_visible(user).annotate(run_count=Count("report_runs")).order_by("code")


def runs_of(programme: Programme) -> QuerySet[ReportRun]:
    """The programme's runs, newest first, with who started them, their job and their files (three queries)."""
    return (
        ReportRun.objects.filter(programme=programme)
        .select_related("created_by", "job")
        .prefetch_related("files")
        .defer("snapshot")
    )


def narrative_period(programme: Programme, on: datetime.date) -> Period | None:
    """The period a report's narrative speaks for: the latest one started by `on` (else the first)."""
    periods = list(programme.periods.order_by("start"))
    started = [period for period in periods if period.start <= on]
    return started[-1] if started else (periods[0] if periods else None)


@dataclass
class SectionRow:
    """A result node of the narrative page: its sections by language (None where not written)."""

    result: Result
    depth: int
    sections: dict[str, ReportSection | None]


def section_rows(programme: Programme, period: Period) -> list[SectionRow]:
    """Every result node of the programme in tree order with its French and English sections for the period
    (two queries)."""
    sections = {
        (s.result_id, s.language): s for s in ReportSection.objects.filter(period=period, result__programme=programme)
    }
    depth: dict[int, int] = {}
    rows = []
    for result in programme.results.select_related("level").order_by("order"):
        depth[result.pk] = depth.get(result.parent_id, -1) + 1 if result.parent_id else 0
        rows.append(
            SectionRow(
                result=result,
                depth=depth[result.pk],
                sections={language: sections.get((result.pk, language)) for language in ("fr", "en")},
            )
        )
    return rows


def sections_missing(programme: Programme, period: Period | None, languages: list[str]) -> list[tuple[str, str, str]]:
    """What keeps a final report from running: for each result node with a section in some language, every
    language of the report where it has none ("untranslated") or one not yet approved ("not approved"), as
    (result code, language, reason)."""
    if period is None:
        return []
    missing = []
    for row in section_rows(programme, period):
        if not any(row.sections.values()):
            continue
        for language in languages:
            section = row.sections[language]
            if section is None:
                missing.append((row.result.code, language, "untranslated"))
            elif section.status != SectionStatus.APPROVED:
                missing.append((row.result.code, language, "not approved"))
    return missing


def section_draft(result: Result, period: Period, language: str) -> dict[str, str]:
    """A first draft of a node's section, from its indicators' narratives of the period in that language
    (results app): each text gathers the indicators' ones, each line led by the indicator's code."""
    narratives = Narrative.objects.filter(indicator__result=result, period=period).select_related("indicator")
    draft: dict[str, list[str]] = {"achieved": [], "reasons": [], "next_steps": []}
    for narrative in sorted(narratives, key=lambda n: (n.indicator.order, n.indicator.code)):
        for name, source in (("achieved", "achieved"), ("reasons", "variance"), ("next_steps", "next_steps")):
            text = (getattr(narrative, source) or {}).get(language, "").strip()
            if text:
                draft[name].append(f"{narrative.indicator.code}: {text}")
    return {name: "\n\n".join(lines) for name, lines in draft.items()}


def contributor_gave(programme: Programme, organisation) -> bool:
    return programme_contributors(programme).filter(pk=organisation.pk).exists()
