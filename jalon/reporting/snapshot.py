"""The snapshot a report run is rendered from: the programme's figures as the domains' selectors give them
at one moment, frozen as plain JSON (numbers as decimal strings, multilingual texts as their {language: text}
maps). Nothing here is computed anew: progress and statuses are the results engine's, reach and its
small-group suppression the activities app's, participation the committees app's, award costs the support
app's, Table 1 the finance app's. A rendering reads the snapshot alone, so that the French and the English
files of a run show the same figures, and the same snapshot gives the same bytes."""

import datetime
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal

from jalon.activities.selectors import reach_headline
from jalon.assessments.selectors import assessments_of_country, published_summary
from jalon.committees.profiles import developing_ids, developing_rule, participation_years
from jalon.committees.selectors import participation_of, participation_overview
from jalon.finance.selectors import contributor_statement, table_one
from jalon.gap.selectors import country_row, previous_run, ranking
from jalon.gap.selectors import runs_of as gap_runs_of
from jalon.lib import smallgroups
from jalon.reporting.models import SectionStatus
from jalon.reporting.selectors import narrative_period, section_rows
from jalon.results import small_groups
from jalon.results.models import Programme
from jalon.results.selectors import IndicatorProgress, programme_progress
from jalon.support.selectors import award_costs
from jalon.twinning.selectors import arrangements_of_country, programme_twinning

# Snapshot format version: a rendering refuses a snapshot of a format it does not know.
FORMAT = 1
# The years of committee participation a report shows (the latest ones).
PARTICIPATION_YEARS = 5


def _number(value) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)


def _cell(cell) -> dict:
    return {
        "period": cell.period.code,
        "target": _number(cell.target),
        "pending": cell.pending,
        "actual": _number(cell.actual),
        "progress": _number(cell.progress),
        "status": str(cell.status),
        "hidden": isinstance(cell, small_groups.HiddenCell),
    }


def _indicator(item: IndicatorProgress) -> dict:
    indicator = item.indicator
    return {
        "code": indicator.code,
        "title": indicator.title,
        "unit": indicator.unit,
        "measure": indicator.measure,
        "baseline": _number(item.baseline),
        "target": _number(item.target),
        "target_pending": item.target_pending,
        "actual": _number(item.actual),
        "overall_progress": _number(item.overall_progress),
        "overall_status": str(item.overall_status),
        "overall_hidden": isinstance(item, small_groups.HiddenOverall),
        "latest": _cell(item.latest) if item.latest else None,
        "cells": [_cell(cell) for cell in item.cells],
        "is_demo": indicator.is_demo,
    }


def _results(
    programme: Programme, today: datetime.date, approved_by: datetime.datetime | None = None
) -> tuple[list[dict], list[dict]]:
    # A report is handed on: people counts under the small-group rule, whoever runs it (as its reach section).
    report = small_groups.report_shown(programme_progress(programme=programme, today=today, approved_by=approved_by))
    depth: dict[int, int] = {}
    results = []
    for result in report.results:
        depth[result.pk] = depth.get(result.parent_id, -1) + 1 if result.parent_id else 0
        results.append(
            {
                "code": result.code,
                "title": result.title,
                "level": result.level.name,
                "depth": depth[result.pk],
                "indicators": [_indicator(item) for item in report.for_result(result)],
            }
        )
    periods = [
        {"code": p.code, "name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in report.periods
    ]
    return periods, results


def _reach(programme: Programme) -> list[dict]:
    """People trained per period, as published: a small group is not shown (its countries neither)."""
    rows = []
    for period in programme.periods.all():
        headline = reach_headline(programme=programme, period=period)
        shown = smallgroups.count_shown(headline.participants, exact=False)
        rows.append(
            {
                "period": period.code,
                "participants": shown,
                "countries": headline.countries if shown is not None else None,
            }
        )
    return rows


def _reach_by_country(programme: Programme) -> dict:
    """People trained per country in the latest period with anyone trained, as published: small groups
    hidden, and enough others that the total gives none away (smallgroups.suppress)."""
    from django.db.models import Count

    from jalon.activities.computations import trained_people
    from jalon.reference.models import Country

    for period in reversed(list(programme.periods.all())):
        counts = {
            row["reach_country"]: row["n"]
            for row in trained_people(programme, period)
            .filter(reach_country__isnull=False)
            .order_by()
            .values("reach_country")
            .annotate(n=Count("pk"))
        }
        if counts:
            break
    else:
        return {"period": None, "countries": []}
    hidden = smallgroups.suppress(counts, threshold=smallgroups.min_group_size())
    countries = Country.objects.filter(pk__in=counts).order_by("m49")
    return {
        "period": period.code,
        "countries": [
            {
                "m49": country.m49,
                "name": country.name,
                "people": None if country.pk in hidden else counts[country.pk],
                "latitude": _number(country.latitude),
                "longitude": _number(country.longitude),
            }
            for country in countries
        ],
    }


def _participation(programme: Programme, today: datetime.date) -> dict:
    rule, on = developing_rule(programme)
    years = participation_years(today=today)[-PARTICIPATION_YEARS:]
    rows = participation_overview(developing=developing_ids(rule, on), today=today, years=years)
    keys = ("committees", "developing_p", "developing_o", "developing_leadership", "developed_p", "developed_o")
    return {
        "rule": rule.name if rule is not None else None,
        "rows": [
            {"year": row["year"], **{key: row[key] for key in keys}, "share": _number(row["developing_p_share"])}
            for row in rows
        ],
    }


def _support(programme: Programme) -> list[dict]:
    """Awards and their costs by meeting year, scheme and currency (never added across currencies). Awards
    are people: a small group's count and amounts are not shown."""
    totals: dict[tuple, dict] = {}
    for row in award_costs(programme=programme):
        key = (row.year, row.scheme, row.currency)
        total = totals.setdefault(key, {"awards": 0, "estimated": Decimal(0), "actual": Decimal(0)})
        total["awards"] += row.awards
        total["estimated"] += row.estimated
        total["actual"] += row.actual
    rows = []
    for (year, scheme, currency), total in sorted(totals.items(), key=lambda item: (-item[0][0], item[0][1:])):
        shown = smallgroups.count_shown(total["awards"], exact=False) is not None
        rows.append(
            {
                "year": year,
                "scheme": scheme,
                "currency": currency,
                "awards": total["awards"] if shown else None,
                "estimated": _number(total["estimated"]) if shown else None,
                "actual": _number(total["actual"]) if shown else None,
            }
        )
    return rows


def _table_one(programme: Programme) -> list[dict]:
    """Table 1 for each period with resources in the ledger, in both languages (the titles and outputs are
    the framework's, in each language; the figures are the same)."""
    tables = []
    for period in programme.periods.all():
        by_language = {language: table_one(programme, period, language) for language in ("fr", "en")}
        rows = by_language["en"]["rows"]
        if not any(row["available"] for row in rows):
            continue
        tables.append(
            {
                "period": period.code,
                "currency": by_language["en"]["currency"],
                "rows": [
                    {
                        "code": row["code"],
                        "title": {language: table["rows"][index]["title"] for language, table in by_language.items()},
                        "outputs": {
                            language: table["rows"][index]["main_outputs"] for language, table in by_language.items()
                        },
                        "available": _number(row["available"]),
                        "share": _number(row["share"]),
                        "gap": _number(row["gap"]),
                    }
                    for index, row in enumerate(rows)
                ],
            }
        )
    return tables


def _assessments() -> dict:
    """The published GSP self-assessments, aggregated as the public sees them (assessments.selectors
    .published_summary): assessments belong to organisations, not to a programme, so every programme's report
    shows the same published figures. A band's count or a section's mean over fewer organisations than the
    publication threshold would point at one organisation's score: it is not shown (None), and a band's
    count is suppressed with enough others that the total gives none away (smallgroups.suppress)."""
    summary = published_summary()
    threshold = smallgroups.min_group_size()
    counts = {index: n for index, (_code, _label, n) in enumerate(summary.bands)}
    hidden = smallgroups.suppress(counts, threshold=threshold)
    return {
        "framework": (
            {"code": summary.framework.code, "version": summary.framework.version, "title": summary.framework.title}
            if summary.framework is not None
            else None
        ),
        "organisations": summary.organisations,
        "bands": [
            {"code": code, "label": label, "organisations": None if index in hidden else n}
            for index, (code, label, n) in enumerate(summary.bands)
        ],
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "assessments": smallgroups.count_shown(n, exact=False),
                "mean": _number(mean) if smallgroups.count_shown(n, exact=False) is not None else None,
            }
            for section, n, mean in summary.sections
        ],
    }


def _twinning(programme: Programme, today: datetime.date) -> dict:
    """The programme's twinning arrangements by status and kind, and their outcomes to the report's day from
    the committees' history (twinning.selectors.programme_twinning). Arrangements are between organisations:
    no small-group rule applies."""
    summary = programme_twinning(programme, today=today)
    keys = ("started", "o_to_p", "joined_p", "roles", "meetings", "contributions", "spill_over")
    return {
        "counts": [{"status": status, "kind": kind, "arrangements": n} for status, kind, n in summary.counts],
        "outcomes": {key: getattr(summary, key) for key in keys},
    }


def _rounded(value) -> str | None:
    return _number(Decimal(str(round(value, 2)))) if value is not None else None


def _gap(programme: Programme, today: datetime.date) -> dict | None:
    """The developing countries of the programme's latest gap index run dated by the report's day (the run's
    countries are the programme's; the developed ones are the benchmark's yardstick): index, rank, gap to the
    benchmark, places moved and the share of the gap closed since the previous run (gap.selectors.ranking).
    None when the programme has no run."""
    run = gap_runs_of(programme).filter(as_of__lte=today).first()
    if run is None:
        return None
    rows = ranking(run, previous_run(run))
    return {
        "as_of": run.as_of.isoformat(),
        "ranked": sum(1 for row in rows if row.get("scored")),
        "countries": [
            {
                "iso3": row["iso3"],
                "name": row["name"],
                "scored": bool(row.get("scored")),
                "rank": row.get("rank") if row.get("scored") else None,
                "index": _rounded(row.get("index")) if row.get("scored") else None,
                "gap": _rounded(row.get("gap")) if row.get("scored") else None,
                "moved": row.get("moved"),
                "closure": _number(Decimal(str(round(row["closure"], 3)))) if row.get("closure") is not None else None,
            }
            for row in rows
            if row.get("developing")
        ],
    }


def _narrative(programme: Programme, today: datetime.date, final: bool) -> dict:
    """The narrative sections of the period the report speaks for, by result code and language: in a final
    report the approved ones only (the run is refused while one is missing), in a draft all, with their
    status."""
    period = narrative_period(programme, today)
    if period is None:
        return {"period": None, "sections": {}}
    sections: dict[str, dict] = {}
    for row in section_rows(programme, period):
        for language, section in row.sections.items():
            if section is None or (final and section.status != SectionStatus.APPROVED):
                continue
            sections.setdefault(row.result.code, {})[language] = {
                "achieved": section.achieved,
                "reasons": section.reasons,
                "next_steps": section.next_steps,
                "status": section.status,
            }
    return {"period": period.code, "sections": sections}


def _donor(programme: Programme, organisation) -> dict:
    """One contributor's money in the programme, each amount in its own currency, and the result codes it
    served (earmarked for, or allocated to)."""
    rows = contributor_statement(programme, organisation)
    served: set[str] = set()
    contributions = []
    for row in rows:
        contribution = row["contribution"]
        served.update(result.code for result in row["results"])
        served.update(item["result"].code for item in row["allocations"] if item["result"] is not None)
        contributions.append(
            {
                "reference": contribution.reference,
                "fund": row["fund"].name,
                "currency": contribution.currency,
                "amount": _number(contribution.amount),
                "received": _number(row["received"]),
                "value_date": contribution.value_date.isoformat(),
                "status": contribution.status,
                "modality": contribution.modality,
                "earmarked_for": [result.code for result in row["results"]],
                "allocations": [
                    {
                        "result": item["result"].code if item["result"] else None,
                        "period": item["period"].code,
                        "amount": _number(item["allocation"].amount),
                        "spent": _number(item["spent"]),
                    }
                    for item in row["allocations"]
                ],
            }
        )
    return {"name": organisation.name, "contributions": contributions, "served": sorted(served)}


def _country(programme: Programme, country, today: datetime.date) -> dict:
    """A country in the programme: people trained from it by period (small groups hidden), its members'
    committee participation, their validated assessments, its row in the latest gap index run, and the
    twinning arrangements its members take part in."""
    from jalon.activities.computations import trained_people

    reach = []
    for period in programme.periods.all():
        if period.start > today:
            continue
        people = trained_people(programme, period).filter(reach_country=country.pk).count()
        reach.append({"period": period.code, "people": smallgroups.count_shown(people, exact=False)})
    measures = participation_of(country=country, on=today)
    assessments = [
        {
            "organisation": assessment.organisation.name,
            "framework": assessment.framework.title,
            "start": assessment.period_start.isoformat(),
            "end": assessment.period_end.isoformat(),
            "score": _number(scores.score),
            "coverage": _number(scores.coverage),
        }
        for assessment, scores in assessments_of_country(country, on=today)
    ]
    gap = None
    run = gap_runs_of(programme).filter(as_of__lte=today).first()
    if run is not None:
        row = country_row(run, country.iso3) or {}
        gap = {
            "as_of": run.as_of.isoformat(),
            "scored": bool(row.get("scored")),
            "index": _number(Decimal(str(round(row["index"], 2)))) if row.get("scored") else None,
            "rank": row.get("rank") if row.get("scored") else None,
            "ranked": sum(1 for r in run.outputs.get("countries", []) if r.get("scored")),
            "gap": _number(Decimal(str(round(row["gap"], 2)))) if row.get("scored") else None,
        }
    twinning = [
        {
            "kind": arrangement.kind,
            "committee": arrangement.committee.reference,
            "twinned": arrangement.twinned_member.name,
            "lead": arrangement.lead_member.name if arrangement.lead_member else None,
            "status": arrangement.status,
            "start": arrangement.start_date.isoformat() if arrangement.start_date else None,
        }
        for arrangement in arrangements_of_country(programme, country)
    ]
    return {
        "iso3": country.iso3,
        "name": country.name,
        "reach": reach,
        "participation": {
            "p": measures.p_count,
            "o": measures.o_count,
            "leadership": measures.leadership,
            "meetings": measures.meetings_attended,
            "contributions": measures.contributions,
            "committees": measures.committees,
            "p_share": _number(measures.p_share),
        },
        "assessments": assessments,
        "gap": gap,
        "twinning": twinning,
    }


def snapshot_build(
    *,
    programme: Programme,
    as_of: datetime.datetime,
    kind: str = "annual",
    final: bool = False,
    historical: bool = False,
    contributor=None,
    country=None,
    progress=None,
) -> dict:
    """Read everything a report of `kind` shows, as of `as_of`; `final`: only approved narrative sections;
    `historical`: the values that counted at `as_of` (results.selectors.counted_at), not those that count now;
    `contributor` (an organisation) for a donor report, `country` for a country profile. `progress`: a
    jobs.services.Progress (or None), told each stage."""
    today = as_of.date()
    results = ("results", lambda: _results(programme, today, as_of if historical else None))
    kinds: dict[str, list[tuple[str, Callable[[], object]]]] = {
        "annual": [
            ("narrative", lambda: _narrative(programme, today, final)),
            results,
            ("reach", lambda: _reach(programme)),
            ("reach_map", lambda: _reach_by_country(programme)),
            ("participation", lambda: _participation(programme, today)),
            ("support", lambda: _support(programme)),
            ("table_one", lambda: _table_one(programme)),
            ("assessments", _assessments),
            ("twinning", lambda: _twinning(programme, today)),
            ("gap", lambda: _gap(programme, today)),
        ],
        "iptt": [results],
        "table1": [("table_one", lambda: _table_one(programme))],
        "donor": [results, ("donor", lambda: _donor(programme, contributor))],
        "country": [("country", lambda: _country(programme, country, today))],
    }
    steps = kinds[kind]
    read: dict = {}
    for done, (name, step) in enumerate(steps):
        if progress is not None:
            progress.advance(done, len(steps))
        read[name] = step()
    periods = [
        {"code": p.code, "name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()}
        for p in programme.periods.all()
    ]
    if "results" in read:
        periods, read["results"] = read["results"]
    return {
        "format": FORMAT,
        "kind": kind,
        "as_of": as_of.isoformat(),
        "final": final,
        "historical": historical,
        "programme": {
            "code": programme.code,
            "title": programme.title,
            "owner": str(programme.owner),
            "start": programme.start_date.isoformat(),
            "end": programme.end_date.isoformat(),
            "source": programme.source,
            "is_demo": programme.is_demo,
        },
        "periods": periods,
        **read,
    }


def snapshot_checksum(snapshot: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON (keys sorted): two equal snapshots have the same checksum."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
