"""Writes of the gap index: indicators, values (entered or imported from a curated file, all or nothing),
specifications (a change is a new version) and runs (computed once, never changed)."""

import csv
import datetime
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.gap import engine, method
from jalon.gap.computed import COMPUTED
from jalon.gap.method import MethodRefused
from jalon.gap.models import GapIndicator, IndexRun, IndexSpec, IndicatorValue, Pillar
from jalon.gap.selectors import GROUP_KINDS, Inputs, baseline_for, group_label, run_inputs
from jalon.jobs.models import Job
from jalon.jobs.services import job_run, job_start
from jalon.reference.models import Country, IncomeGroup, Region
from jalon.results.computations import computed_schedule_refresh
from jalon.results.models import Programme

# Monte Carlo runs by default on the embedded worker.
DEFAULT_RUNS = 500
BENCHMARKS = ("median", "mean", "frontier")
# A benchmark group with fewer scores than this (index or any pillar) refuses the run, unless the
# specification sets its own "benchmark_min".
BENCHMARK_MIN = 3


class RunProgress(Protocol):
    """Where a run is, as jobs' Progress takes it: a stage, then its draws done (throttled by the job)."""

    def step(self, label: str, *, total: int | None = None, done: int = 0) -> None: ...

    def advance(self, done: int, total: int | None = None) -> None: ...


class _Silent:
    def step(self, label: str, *, total: int | None = None, done: int = 0) -> None:
        return None

    def advance(self, done: int, total: int | None = None) -> None:
        return None


# Indicators ------------------------------------------------------------------------------------------------


@transaction.atomic
def indicator_save(*, actor, code: str, source: str, name: dict, pillar: str = "", **fields) -> GapIndicator:
    """Create an indicator or update the one with this code."""
    if source == GapIndicator.Source.COMPUTED and fields.get("computation") not in COMPUTED:
        raise ValidationError({"computation": _("Choose one of the computations jalon offers.")})
    if source != GapIndicator.Source.COMPUTED and fields.get("computation"):
        raise ValidationError({"computation": _("Only a computed indicator has a computation.")})
    body = fields.get("body", "")
    computed = COMPUTED.get(fields.get("computation") or "")
    if body and (computed is None or not computed.per_body):
        raise ValidationError({"body": _("Only an indicator computed from committee records is read per body.")})
    if computed is not None and computed.body_required and not body:
        raise ValidationError(
            {"body": _("Say whose committees this indicator counts: ISO's, ITU-T's or the programme owner's.")}
        )
    low, high = fields.get("goal_low"), fields.get("goal_high")
    if low is not None and high is not None and low == high:
        raise ValidationError({"goal_high": _("The goalposts must differ.")})
    indicator = GapIndicator.objects.filter(code=code).first()
    created = indicator is None
    indicator = indicator or GapIndicator(code=code)
    indicator.source, indicator.name, indicator.pillar = source, name, pillar
    for key, value in fields.items():
        setattr(indicator, key, value)
    indicator.full_clean()
    indicator.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, instance=indicator
    )
    return indicator


@transaction.atomic
def value_record(
    *, actor, indicator: GapIndicator, country: Country, value: float, as_of: datetime.date, source: str, evidence: str
) -> IndicatorValue:
    """A value entered by hand: only for a manual indicator, and never without its evidence."""
    if indicator.source != GapIndicator.Source.MANUAL:
        raise ValidationError({"indicator": _("Values of this indicator are computed or imported, not entered.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say what the value rests on (a document, a link).")})
    record, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        country=country,
        as_of=as_of,
        defaults={"value": value, "source": source, "evidence": evidence, "batch": "", "created_by": actor},
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=record)
    return record


# Rows checked or saved between two progress points of an import.
IMPORT_BATCH = 200

# The curated file: one row per value. `evidence` is optional.
TEMPLATE_COLUMNS = ("indicator", "country", "value", "as_of", "source", "evidence")


def values_template() -> str:
    """The template of a curated file, with one example row per imported indicator."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for indicator in GapIndicator.objects.filter(source=GapIndicator.Source.IMPORTED).order_by("code"):
        writer.writerow([indicator.code, "KEN", "", datetime.date.today().isoformat(), "", ""])
    return out.getvalue()


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "errors": self.errors,
            "error_count": len(self.errors),
        }


class ImportRefused(Exception):
    def __init__(self, report: ImportReport):
        super().__init__(_("The file has %(count)s problems: nothing was imported.") % {"count": len(report.errors)})
        self.report = report


@transaction.atomic
def values_import(
    *, actor, content: bytes, file_name: str, is_demo: bool = False, progress: RunProgress | None = None
) -> ImportReport:
    """Import a curated file (CSV, UTF-8, the template's columns): every row is checked first, and one
    problem refuses the whole file (ImportRefused, with each row's problems); otherwise every value is saved,
    replacing the value of the same indicator, country and date. `progress` (a job's) hears the rows checked
    and saved; a cancel raised there rolls everything back."""
    progress = progress or _Silent()
    report = ImportReport()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append({"row": 0, "field": "", "message": _("The file is not UTF-8 text.")})
        raise ImportRefused(report) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in TEMPLATE_COLUMNS if c != "evidence" and c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(
            {"row": 1, "field": "", "message": _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}}
        )
        raise ImportRefused(report)
    indicators = {i.code: i for i in GapIndicator.objects.exclude(source=GapIndicator.Source.COMPUTED)}
    countries = {c.iso3: c for c in Country.objects.all()} | {c.iso2: c for c in Country.objects.all()}
    records = list(reader)
    progress.step(_("Checking the rows"), total=len(records))
    rows = []
    seen: set[tuple] = set()
    for number, row in enumerate(records, start=2):
        if number % IMPORT_BATCH == 0:
            progress.advance(number - 2)

        def problem(column: str, message: str, number=number) -> None:
            report.errors.append({"row": number, "field": column, "message": message})

        code = (row.get("indicator") or "").strip()
        indicator = indicators.get(code)
        if indicator is None:
            problem("indicator", _("No imported or hand-entered indicator has the code “%(code)s”.") % {"code": code})
        country = countries.get((row.get("country") or "").strip().upper())
        if country is None:
            problem(
                "country", _("Unknown country “%(code)s” (use the ISO alpha-3 code).") % {"code": row.get("country")}
            )
        try:
            value = float((row.get("value") or "").strip().replace(",", "."))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            problem("value", _("The value must be a number."))
            value = None
        try:
            as_of = datetime.date.fromisoformat((row.get("as_of") or "").strip())
        except ValueError:
            problem("as_of", _("The date must read YYYY-MM-DD."))
            as_of = None
        source = (row.get("source") or "").strip()
        if not source:
            problem("source", _("Every value needs its source."))
        key = (code, country.pk if country else None, as_of)
        if key in seen and None not in key:
            problem("", _("The same indicator, country and date appear twice in the file."))
        seen.add(key)
        rows.append((indicator, country, value, as_of, source, (row.get("evidence") or "").strip()))
    if report.errors:
        raise ImportRefused(report)
    batch = f"{file_name[:80]} {hashlib.sha256(content).hexdigest()[:16]}"
    progress.step(_("Saving the values"), total=len(rows))
    for done, (indicator, country, value, as_of, source, evidence) in enumerate(rows):
        if done and done % IMPORT_BATCH == 0:
            progress.advance(done)
        _record, created = IndicatorValue.objects.update_or_create(
            indicator=indicator,
            country=country,
            as_of=as_of,
            defaults={
                "value": value,
                "source": source,
                "evidence": evidence,
                "batch": batch,
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
                "is_demo": is_demo,
            },
        )
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report


def values_import_start(*, actor, upload) -> Job:
    """Queue the import of an uploaded curated file (kind "gap-values-import"); the upload is removed when
    the job ends."""
    return job_start(actor=actor, kind="gap-values-import", upload=upload)


def values_import_start_now(*, actor, upload) -> Job:
    """The import's job run at once, here (the command line): the same work and report as the page's."""
    from jalon.gap.tasks import gap_values_import_work

    job = job_start(actor=actor, kind="gap-values-import", upload=upload, enqueue=False)
    job_run(job.pk, gap_values_import_work)
    job.refresh_from_db()
    return job


# Specifications --------------------------------------------------------------------------------------------


def spec_validate(definition: dict) -> None:
    """Field-keyed refusal of a specification that could not run as written."""
    errors: dict[str, list[str]] = {}

    def refuse(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    items = definition.get("indicators") or []
    if not items:
        refuse("indicators", _("Choose at least one indicator."))
    codes = [item.get("code") for item in items]
    known = {i.code: i for i in GapIndicator.objects.filter(code__in=codes)}
    for item in items:
        indicator = known.get(item.get("code"))
        if indicator is None:
            refuse("indicators", _("Unknown indicator “%(code)s”.") % {"code": item.get("code")})
        elif not indicator.pillar:
            refuse(
                "indicators",
                _("%(code)s is a denominator, not an indicator of a disparity.") % {"code": indicator.code},
            )
        if not isinstance(item.get("weight", 1), (int, float)) or item.get("weight", 1) <= 0:
            refuse("indicators", _("Weights must be positive numbers."))
    if len(set(codes)) != len(codes):
        refuse("indicators", _("An indicator appears twice."))
    for key, options in (
        ("imputation", method.IMPUTATIONS),
        ("treatment", method.TREATMENTS),
        ("normalisation", method.NORMALISATIONS),
        ("aggregation", method.AGGREGATIONS),
    ):
        chosen = [definition.get(key, engine.Method.__dataclass_fields__[key].default)]
        chosen += list((definition.get("alternatives") or {}).get(key, []))
        for option in chosen:
            if option not in options:
                refuse(
                    key,
                    _("“%(option)s” is not one of: %(options)s.") % {"option": option, "options": ", ".join(options)},
                )
    for key in ("screen_threshold", "pillar_threshold"):
        value = definition.get(key, 0.5)
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            refuse(key, _("A share between 0 and 1."))
    noise = definition.get("weight_noise", 0)
    if not isinstance(noise, (int, float)) or not 0 <= noise < 1:
        refuse("weight_noise", _("A share between 0 and 1 (0.25: weights vary by up to 25 %)."))
    if definition.get("benchmark", "median") not in BENCHMARKS:
        refuse("benchmark", _("The benchmark is the median, the mean or the frontier (best) of the group."))
    for pillar, weight in (definition.get("pillar_weights") or {}).items():
        if pillar not in Pillar.values or not isinstance(weight, (int, float)) or weight <= 0:
            refuse("pillar_weights", _("Positive weights for the five disparities only."))
    _validate_sub_pillars(definition, known, refuse)
    _validate_benchmark_group(definition, refuse)
    if errors:
        raise ValidationError(errors)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _validate_sub_pillars(definition: dict, known: dict[str, GapIndicator], refuse) -> None:
    """Sub-pillars: [{"code", "pillar", "weight", "aggregation" (optional), "name" (optional)}], each holding
    the indicators that name it ("sub_pillar": code), all of its own pillar."""
    subs = definition.get("sub_pillars") or []
    if not isinstance(subs, list):
        refuse("sub_pillars", _("The sub-pillars are a list."))
        return
    declared: dict[str, str] = {}
    for sub in subs:
        code = sub.get("code") if isinstance(sub, dict) else None
        if not isinstance(code, str) or not code.strip():
            refuse("sub_pillars", _("Every sub-pillar needs a code."))
            continue
        if code in declared:
            refuse("sub_pillars", _("The sub-pillar “%(code)s” appears twice.") % {"code": code})
        if sub.get("pillar") not in Pillar.values:
            refuse(
                "sub_pillars",
                _("The sub-pillar “%(code)s” must belong to one of the five disparities.") % {"code": code},
            )
        if not _is_number(sub.get("weight", 1)) or sub.get("weight", 1) <= 0:
            refuse("sub_pillars", _("Weights must be positive numbers."))
        if sub.get("aggregation") not in (None, *method.AGGREGATIONS):
            refuse(
                "sub_pillars",
                _("“%(option)s” is not one of: %(options)s.")
                % {"option": sub.get("aggregation"), "options": ", ".join(method.AGGREGATIONS)},
            )
        declared[code] = sub.get("pillar")
    used = set()
    for item in definition.get("indicators") or []:
        sub = item.get("sub_pillar")
        if not sub:
            continue
        used.add(sub)
        indicator = known.get(item.get("code"))
        if sub not in declared:
            refuse(
                "sub_pillars",
                _("Indicator %(code)s names an unknown sub-pillar “%(sub)s”.")
                % {
                    "code": item.get("code"),
                    "sub": sub,
                },
            )
        elif indicator is not None and indicator.pillar != declared[sub]:
            refuse(
                "sub_pillars",
                _("Indicator %(code)s belongs to another disparity than its sub-pillar “%(sub)s”.")
                % {"code": indicator.code, "sub": sub},
            )
    for code in declared:
        if code not in used:
            refuse("sub_pillars", _("The sub-pillar “%(code)s” has no indicator.") % {"code": code})


def _validate_benchmark_group(definition: dict, refuse) -> None:
    group = definition.get("benchmark_group")
    minimum = definition.get("benchmark_min", BENCHMARK_MIN)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        refuse("benchmark_min", _("A whole number of countries, at least 1."))
    if group is None:
        return
    kind = group.get("kind") if isinstance(group, dict) else None
    if kind not in GROUP_KINDS:
        refuse(
            "benchmark_group",
            _(
                "The benchmark group is one of: non_developing (the complement of the programme's rule), "
                "countries (a list), region (a UN M49 code), income (World Bank groups), all."
            ),
        )
        return
    if kind == "countries":
        codes = group.get("countries")
        if not isinstance(codes, list) or not codes:
            refuse("benchmark_group", _("Name the countries of the benchmark group (ISO alpha-3 codes)."))
            return
        found = set(Country.objects.filter(iso3__in=[str(c).upper() for c in codes]).values_list("iso3", flat=True))
        unknown = [str(c) for c in codes if str(c).upper() not in found]
        if unknown:
            refuse("benchmark_group", _("Unknown countries: %(codes)s.") % {"codes": ", ".join(unknown)})
    elif kind == "region":
        if not Region.objects.filter(m49=str(group.get("region", ""))).exists():
            refuse("benchmark_group", _("No region has the M49 code “%(code)s”.") % {"code": group.get("region")})
    elif kind == "income":
        wanted = group.get("groups")
        if not isinstance(wanted, list) or not wanted or any(g not in IncomeGroup.values for g in wanted):
            refuse(
                "benchmark_group",
                _("Income groups among: %(groups)s.") % {"groups": ", ".join(IncomeGroup.values)},
            )


@transaction.atomic
def spec_create(
    *, actor, programme: Programme, title: dict, definition: dict, note: str = "", is_demo: bool = False
) -> IndexSpec:
    """A new version of the programme's index (versions are never changed)."""
    spec_validate(definition)
    last = IndexSpec.objects.select_for_update().filter(programme=programme).order_by("-version").first()
    spec = IndexSpec.objects.create(
        programme=programme,
        version=(last.version + 1) if last else 1,
        title=title,
        definition=definition,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_demo=is_demo,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=spec)
    return spec


# Runs ------------------------------------------------------------------------------------------------------


def method_of(spec: IndexSpec, indicators: list[GapIndicator]) -> engine.Method:
    definition = spec.definition
    weights = {item["code"]: float(item.get("weight", 1)) for item in definition["indicators"]}
    pillar_order = [p for p in Pillar.values if any(i.pillar == p for i in indicators)]
    pillar_weights = definition.get("pillar_weights") or {}
    subs_of = {item["code"]: item["sub_pillar"] for item in definition["indicators"] if item.get("sub_pillar")}
    # In pillar order, then as the specification lists them.
    sub_pillars = sorted(definition.get("sub_pillars") or [], key=lambda sub: Pillar.values.index(sub["pillar"]))
    return engine.Method(
        codes=[i.code for i in indicators],
        pillars=[i.pillar for i in indicators],
        weights=np.array([weights[i.code] for i in indicators]),
        directions=np.array([i.direction for i in indicators], dtype=float),
        goalposts=np.array(
            [
                [np.nan if i.goal_low is None else i.goal_low, np.nan if i.goal_high is None else i.goal_high]
                for i in indicators
            ]
        ),
        pillar_order=pillar_order,
        pillar_weights=np.array([float(pillar_weights.get(p, 1)) for p in pillar_order]),
        screen_threshold=float(definition.get("screen_threshold", method.SCREEN_THRESHOLD)),
        pillar_threshold=float(definition.get("pillar_threshold", 0.5)),
        imputation=definition.get("imputation", "none"),
        treatment=definition.get("treatment", "none"),
        normalisation=definition.get("normalisation", "goalposts"),
        aggregation=definition.get("aggregation", "arithmetic"),
        alternatives=definition.get("alternatives") or {},
        weight_noise=float(definition.get("weight_noise", 0)),
        subs=[subs_of.get(i.code, "") for i in indicators],
        sub_order=[sub["code"] for sub in sub_pillars],
        sub_pillars=[sub["pillar"] for sub in sub_pillars],
        sub_weights=np.array([float(sub.get("weight", 1)) for sub in sub_pillars]),
        sub_aggregations=[sub.get("aggregation") for sub in sub_pillars],
    )


def _plain(value):
    """JSON-ready, rounded to 6 decimal places so that the output file is stable: NaN is null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # + 0.0: no negative zero, which a PostgreSQL JSON column would give back as 0.
        return None if not math.isfinite(float(value)) else round(float(value), 6) + 0.0
    return value


def input_hash(spec: IndexSpec, as_of: datetime.date, inputs: Inputs) -> str:
    payload = {
        "definition": spec.definition,
        "as_of": as_of.isoformat(),
        "countries": [c.iso3 for c in inputs.countries],
        "codes": inputs.codes,
        "matrix": _plain(inputs.matrix),
        "developing": inputs.developing,
        "groups": inputs.groups,
        "benchmark": inputs.benchmark,
        "indicators": [
            [i.code, i.pillar, i.direction, i.goal_low, i.goal_high, i.source, i.computation, i.body, i.per]
            for i in inputs.indicators
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _benchmark(values: np.ndarray, statistic: str) -> float:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan")
    if statistic == "mean":
        return float(values.mean())
    if statistic == "frontier":
        return float(values.max())
    return float(np.median(values))


def _benchmark_check(group: dict, result: engine.Result, in_group: np.ndarray, m: engine.Method, minimum: int):
    """The benchmark group must hold at least `minimum` scores, for the index and for every pillar."""
    if not in_group.any():
        raise MethodRefused(
            _("The benchmark group (%(group)s) has no country among those scored.") % {"group": group_label(group)}
        )
    columns = [(_("the index"), result.index)] + [
        (str(Pillar(p).label), result.pillars[:, k]) for k, p in enumerate(m.pillar_order)
    ]
    for label, values in columns:
        count = int((~np.isnan(values[in_group])).sum())
        if count < minimum:
            raise MethodRefused(
                ngettext(
                    "The benchmark group (%(group)s) has too little data: %(count)s country with a score for "
                    "%(what)s, at least %(minimum)s are needed.",
                    "The benchmark group (%(group)s) has too little data: %(count)s countries with a score for "
                    "%(what)s, at least %(minimum)s are needed.",
                    count,
                )
                % {"group": group_label(group), "count": count, "what": label, "minimum": minimum}
            )


def run_compute(
    *,
    spec: IndexSpec,
    as_of: datetime.date,
    seed: int,
    runs: int,
    baseline: IndexRun | None = None,
    progress: RunProgress | None = None,
) -> tuple[dict, dict]:
    """Compute a run: (inputs, outputs) as JSON-ready dicts. Raises MethodRefused with a message in the
    current language when a choice cannot be applied to the data. `progress` hears each stage and, within
    the Monte Carlo and sensitivity stages, the draws done (a job's cancel raised there stops the run)."""
    progress = progress or _Silent()
    progress.step(_("Reading the records and values"))
    inputs = run_inputs(spec, as_of)
    indicators = inputs.indicators
    if len(indicators) != len(spec.definition["indicators"]):
        raise MethodRefused(_("An indicator of the specification no longer exists."))
    if not inputs.countries:
        raise MethodRefused(_("No country to score: the programme's owner has no members and no value is stored."))
    m = method_of(spec, indicators)
    data = np.array([[np.nan if v is None else v for v in row] for row in inputs.matrix], dtype=float).reshape(
        len(inputs.countries), len(indicators)
    )
    rng = np.random.default_rng(seed)
    progress.step(_("Checking every methodological choice"))
    result = engine.nominal(data, inputs.groups, m)
    kept = result.kept
    groups = [g for g, k in zip(inputs.groups, kept, strict=True) if k]
    engine.check_alternatives(data[kept], groups, m)
    in_group = np.array(inputs.benchmark, dtype=bool)[kept]
    minimum = int(spec.definition.get("benchmark_min", BENCHMARK_MIN))
    _benchmark_check(inputs.benchmark_group, result, in_group, m, minimum)
    progress.step(_("Monte Carlo uncertainty: draws"), total=runs)
    spread = engine.uncertainty(data[kept], groups, m, runs=runs, rng=rng, progress=progress.advance)
    progress.step(_("Sensitivity analysis: samples"), total=engine.sensitivity_evaluations(m, runs))
    sensitivity = engine.sensitivity(
        data[kept], groups, m, base=runs, nominal_ranks=result.ranks, rng=rng, progress=progress.advance
    )
    progress.step(_("Statistical audit"))
    audit = engine.audit(data[kept], result, m)

    statistic = spec.definition.get("benchmark", "median")
    bench_index = _benchmark(result.index[in_group], statistic)
    bench_pillars = [_benchmark(result.pillars[in_group, p], statistic) for p in range(len(m.pillar_order))]
    subs = result.subs if result.subs is not None else np.zeros((int(kept.sum()), 0))
    bench_subs = [_benchmark(subs[in_group, k], statistic) for k in range(len(m.sub_order))]
    previous = {row["iso3"]: row for row in (baseline.outputs.get("countries", []) if baseline else [])}
    rows = []
    position = {int(i): n for n, i in enumerate(np.flatnonzero(kept))}
    for i, country in enumerate(inputs.countries):
        row: dict = {
            "iso3": country.iso3,
            "name": dict(country.name),
            "developing": inputs.developing[i],
            "scored": bool(kept[i]),
            "coverage": float(np.mean(~np.isnan(data[i]))) if data.shape[1] else 0.0,
            "values": dict(zip(m.codes, data[i], strict=True)),
        }
        if kept[i]:
            n = position[i]
            gap = bench_index - result.index[n]
            row |= {
                "normalised": dict(zip(m.codes, result.normalised[n], strict=True)),
                "pillars": dict(zip(m.pillar_order, result.pillars[n], strict=True)),
                "index": result.index[n],
                "rank": result.ranks[n],
                "rank_median": spread["rank_median"][n],
                "rank_q05": spread["rank_q05"][n],
                "rank_q95": spread["rank_q95"][n],
                "score_q05": spread["score_q05"][n],
                "score_q95": spread["score_q95"][n],
                "gap": gap,
                "pillar_gaps": {p: bench_pillars[k] - result.pillars[n, k] for k, p in enumerate(m.pillar_order)},
            }
            if m.sub_order:
                row["sub_pillars"] = dict(zip(m.sub_order, subs[n], strict=True))
                row["sub_pillar_gaps"] = {code: bench_subs[k] - subs[n, k] for k, code in enumerate(m.sub_order)}
            before = previous.get(country.iso3)
            if before and before.get("gap") is not None and before["gap"] > 0 and math.isfinite(gap):
                row["closure"] = (before["gap"] - gap) / before["gap"]
        rows.append(row)
    outputs = {
        "programme": spec.programme.code,
        "spec_version": spec.version,
        "as_of": as_of.isoformat(),
        "seed": seed,
        "runs": runs,
        "choices": m.choices(),
        "alternatives": {name: m.options(name) for name in engine.FACTORS},
        "weight_noise": m.weight_noise,
        "treatment": result.treatment,
        "indicators": [
            {
                "code": i.code,
                "pillar": i.pillar,
                "source": i.source,
                "body": i.body,
                "name": dict(i.name),
                "unit": i.unit,
            }
            for i in indicators
        ],
        "pillars": m.pillar_order,
        "sub_pillars": [
            {
                "code": code,
                "pillar": pillar,
                "weight": weight,
                "aggregation": how or m.aggregation,
                "name": next((s.get("name") for s in spec.definition.get("sub_pillars", []) if s["code"] == code), None)
                or {},
            }
            for code, pillar, weight, how in zip(
                m.sub_order, m.sub_pillars, m.sub_weights, m.sub_aggregations, strict=True
            )
        ],
        "benchmark": {
            "rule": inputs.rule,
            "group": inputs.benchmark_group,
            "minimum": minimum,
            "statistic": statistic,
            "countries": int(in_group.sum()),
            "members": [c.iso3 for c, k, b in zip(inputs.countries, kept, inputs.benchmark, strict=True) if k and b],
            "index": bench_index,
            "pillars": dict(zip(m.pillar_order, bench_pillars, strict=True)),
            "sub_pillars": dict(zip(m.sub_order, bench_subs, strict=True)),
        },
        "baseline": {"as_of": baseline.as_of.isoformat(), "spec_version": baseline.spec.version} if baseline else None,
        "countries": rows,
        "uncertainty": {"runs": runs},
        "sensitivity": sensitivity,
        "audit": audit
        | {
            "coverage_unit": dict(
                zip(
                    [c.iso3 for c, k in zip(inputs.countries, kept, strict=True) if k],
                    audit["coverage_unit"],
                    strict=True,
                )
            )
        },
    }
    outputs["input_hash"] = input_hash(spec, as_of, inputs)
    stored_inputs = {
        "countries": [c.iso3 for c in inputs.countries],
        "codes": inputs.codes,
        "matrix": inputs.matrix,
        "developing": inputs.developing,
        "groups": inputs.groups,
        "benchmark": inputs.benchmark,
        "provenance": inputs.provenance,
    }
    progress.step(_("Saving"), total=1, done=1)
    return _plain(stored_inputs), _plain(outputs)


def run_output_file(run: IndexRun) -> str:
    """The run as a file: the same inputs and seed give the same bytes."""
    return json.dumps(run.outputs, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def run_record(
    *,
    actor,
    spec: IndexSpec,
    as_of: datetime.date,
    seed: int,
    runs: int = DEFAULT_RUNS,
    progress: RunProgress | None = None,
    is_demo: bool = False,
) -> IndexRun:
    """Compute and save a run. MethodRefused propagates: nothing is saved. The computation reads outside any
    transaction, so that a job's progress (written by `step`) is seen while it runs; the run is saved in one."""
    if runs < 10:
        raise ValidationError({"runs": _("At least 10 Monte Carlo runs.")})
    baseline = baseline_for(spec.programme, as_of)
    inputs, outputs = run_compute(spec=spec, as_of=as_of, seed=seed, runs=runs, baseline=baseline, progress=progress)
    with transaction.atomic():
        run = IndexRun.objects.create(
            spec=spec,
            as_of=as_of,
            seed=seed,
            runs=runs,
            input_hash=outputs["input_hash"],
            inputs=inputs,
            outputs=outputs,
            baseline=baseline,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            is_demo=is_demo,
        )
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=run)
        computed_schedule_refresh(source="gap")
    return run


def spec_for(programme: Programme, version: int | None = None) -> IndexSpec:
    specs = IndexSpec.objects.filter(programme=programme).select_related("programme", "programme__owner")
    spec = specs.filter(version=version).first() if version else specs.order_by("-version").first()
    if spec is None:
        raise ValidationError({"spec": _("This programme has no index specification of that version.")})
    return spec
