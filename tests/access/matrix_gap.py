"""Access table rows for the standardization gap index (see matrix.py).

A programme's index (specifications, runs, their pages, files and API) is seen by whoever sees the
programme: everyone for a published one, its team and viewers for an unpublished one (404 for others). The
programme team starts runs and follows them; the programme managers curate the imported values."""

import datetime
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.gap.catalogue import indicators_ensure
from jalon.gap.models import GapIndicator, IndexRun, IndexSpec, IndicatorValue
from jalon.jobs.models import Job
from jalon.organisations.models import Organisation
from jalon.results.models import Programme
from tests.access.matrix import EVERYONE, SEES_UNPUBLISHED, SIGNED_IN, TEAM, Redirect, api, page, url

HIDDEN = dict.fromkeys(EVERYONE - SEES_UNPUBLISHED, (404,))
JOB_HIDDEN = dict.fromkeys(SIGNED_IN - TEAM, (404,))

DEFINITION = {"indicators": [{"code": "p-share"}, {"code": "leadership"}], "screen_threshold": 0.5}


def _outputs(programme: Programme) -> dict:
    """A small run's outputs as the pages read them (no engine run for each role)."""
    row = {
        "iso3": "SEN", "name": {"en": "Senegal", "fr": "Sénégal"}, "developing": True, "scored": True, "coverage": 1.0,
        "values": {"p-share": 10.0, "leadership": 1.0}, "normalised": {"p-share": 20.0, "leadership": 5.0},
        "pillars": {"participation": 12.5}, "index": 12.5, "rank": 1, "rank_median": 1, "rank_q05": 1, "rank_q95": 1,
        "score_q05": 10.0, "score_q95": 15.0, "gap": 0.0, "pillar_gaps": {"participation": 0.0},
    }  # fmt: skip
    return {
        "programme": programme.code, "spec_version": 1, "as_of": "2026-06-30", "seed": 1, "runs": 10,
        "choices": {}, "alternatives": {}, "weight_noise": 0.0,
        "treatment": {"applied": "none", "winsorised": {"p-share": 0, "leadership": 0}, "log": []},
        "indicators": [], "pillars": ["participation"],
        "benchmark": {"rule": "dac-eligible", "statistic": "median", "countries": 0, "index": None, "pillars": {}},
        "baseline": None, "countries": [row], "uncertainty": {"runs": 10},
        "sensitivity": {"factors": [], "base": 10, "evaluations": 0},
        "audit": {"coverage_indicator": {"p-share": 1.0, "leadership": 1.0}, "correlations": [], "flags": [],
                  "indicator_pillar": [], "alpha": {"participation": None}, "coverage_unit": {"SEN": 1.0}},
        "input_hash": "0" * 64,
    }  # fmt: skip


def _base(ctx) -> dict:
    indicators_ensure()
    iso = Organisation.objects.get(acronym="ISO")
    built = {}
    for code, published in (("gap-matrix", True), ("gap-hidden", False)):
        programme = Programme.objects.create(
            code=code,
            owner=iso,
            title={"en": code},
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            published=published,
        )
        spec = IndexSpec.objects.create(programme=programme, version=1, title={"en": "Matrix"}, definition=DEFINITION)
        run = IndexRun.objects.create(
            spec=spec,
            as_of=datetime.date(2026, 6, 30),
            seed=1,
            runs=10,
            input_hash="0" * 64,
            inputs={"countries": ["SEN"], "codes": ["p-share", "leadership"]},
            outputs=_outputs(programme),
        )
        built[code] = {"programme": programme, "spec": spec, "run": run}
    built["job"] = Job.objects.create(
        kind="gap-run", owner=ctx.users["manager"], subject_id=built["gap-matrix"]["spec"].pk, status=Job.Status.RUNNING
    )
    # A curated file's import: followed by its owner (a manager) and the platform administrators only.
    built["import"] = Job.objects.create(
        kind="gap-values-import",
        owner=ctx.users["manager"],
        status=Job.Status.FAILED,
        upload_name="values.csv",
        result={"errors": [{"row": 2, "field": "country", "message": "Unknown"}], "error_count": 1},
    )
    return built


def base(ctx) -> dict:
    return ctx.once("gap-base", _base)


def run_kwargs(code: str, **extra):
    return lambda ctx: {"code": code, "pk": base(ctx)[code]["run"].pk, **extra}


def jobs_started(ctx) -> int:
    return Job.objects.filter(kind="gap-run", status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED]).count()


CASES = [
    page("gap: index list", "gap:index_list", EVERYONE),
    page(
        "gap: a programme's index", "gap:programme", EVERYONE, kwargs=lambda ctx: {"code": base(ctx) and "gap-matrix"}
    ),
    page(
        "gap: an unpublished programme's index",
        "gap:programme",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {"code": base(ctx) and "gap-hidden"},
        refused_as=HIDDEN,
    ),
    page("gap: a run's ranking", "gap:run_detail", EVERYONE, kwargs=run_kwargs("gap-matrix")),
    page(
        "gap: an unpublished programme's run",
        "gap:run_detail",
        SEES_UNPUBLISHED,
        kwargs=run_kwargs("gap-hidden"),
        refused_as=HIDDEN,
    ),
    page("gap: a run's sensitivity", "gap:run_sensitivity", EVERYONE, kwargs=run_kwargs("gap-matrix")),
    page("gap: a run's audit", "gap:run_audit", EVERYONE, kwargs=run_kwargs("gap-matrix")),
    page("gap: a run's file", "gap:run_file", EVERYONE, kwargs=run_kwargs("gap-matrix")),
    page("gap: a country's profile", "gap:country", EVERYONE, kwargs=run_kwargs("gap-matrix", iso3="SEN")),
    page(
        "gap: a specification",
        "gap:spec_detail",
        EVERYONE,
        kwargs=lambda ctx: {"code": base(ctx) and "gap-matrix", "version": 1},
    ),
    page(
        "gap: start a run",
        "gap:run_start",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": base(ctx) and "gap-matrix"},
        data=lambda ctx: {"spec": 1, "as_of": "2026-06-30", "seed": 1, "runs": 10},
        ok=Redirect(lambda ctx: url("gap:run_progress", code="gap-matrix", job=0)[:-2] + r"\d+/", "the run's progress"),
        effect=jobs_started,
    ),
    page(
        "gap: a run's progress",
        "gap:run_progress",
        TEAM,
        kwargs=lambda ctx: {"code": "gap-matrix", "job": base(ctx)["job"].pk},
        refused_as=JOB_HIDDEN,
    ),
    page(
        "gap: new version of the index", "gap:spec_new", TEAM, kwargs=lambda ctx: {"code": base(ctx) and "gap-matrix"}
    ),
    page(
        "gap: save a new version of the index",
        "gap:spec_new",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": base(ctx) and "gap-matrix"},
        data=lambda ctx: {"title_en": "V2", "definition": json.dumps(DEFINITION), "note": ""},
        ok=Redirect(lambda ctx: url("gap:spec_detail", code="gap-matrix", version=2), "the new version"),
        effect=lambda ctx: IndexSpec.objects.filter(programme__code="gap-matrix").count(),
    ),
    page("gap: import a curated file", "gap:values_import", TEAM),
    page(
        "gap: start a curated file's import",
        "gap:values_import",
        TEAM,
        method="post",
        data=lambda ctx: (
            base(ctx)
            and {
                "file": SimpleUploadedFile(
                    "v.csv", b"indicator,country,value,as_of,source\ncmcs,SEN,3,2026-01-01,BIPM\n"
                )
            }
        ),
        ok=Redirect(lambda ctx: url("gap:values_import_progress", job=0)[:-2] + r"\d+/", "the import's progress"),
        effect=lambda ctx: Job.objects.filter(kind="gap-values-import", status=Job.Status.SUCCEEDED).count(),
    ),
    page(
        "gap: a curated file import's progress",
        "gap:values_import_progress",
        TEAM,
        kwargs=lambda ctx: {"job": base(ctx)["import"].pk},
        refused_as=JOB_HIDDEN,
    ),
    page("gap: the curated file's template", "gap:values_template", TEAM),
    page("gap: enter a value with its evidence", "gap:value_record", TEAM),
    page(
        "gap: record a value",
        "gap:value_record",
        TEAM,
        method="post",
        data=lambda ctx: {
            "indicator": base(ctx) and GapIndicator.objects.get(code="nss-adopted").pk,
            "country": "SEN",
            "value": "1",
            "as_of": "2026-03-01",
            "source": "Ministry",
            "evidence": "Decree",
        },
        ok=Redirect(lambda ctx: url("gap:value_record"), "the entry page"),
        effect=lambda ctx: IndicatorValue.objects.filter(indicator__code="nss-adopted").count(),
    ),
    api("API gap indicators", "api:gap-indicator-list", EVERYONE),
    api(
        "API gap indicator",
        "api:gap-indicator-detail",
        EVERYONE,
        kwargs=lambda ctx: {"pk": base(ctx) and GapIndicator.objects.get(code="p-share").pk},
    ),
    api("API gap specifications", "api:gap-specification-list", EVERYONE),
    api(
        "API gap specification",
        "api:gap-specification-detail",
        EVERYONE,
        kwargs=lambda ctx: {"pk": base(ctx)["gap-matrix"]["spec"].pk},
    ),
    api(
        "API unpublished gap specification",
        "api:gap-specification-detail",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {"pk": base(ctx)["gap-hidden"]["spec"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api("API gap runs", "api:gap-run-list", EVERYONE),
    api("API gap run", "api:gap-run-detail", EVERYONE, kwargs=lambda ctx: {"pk": base(ctx)["gap-matrix"]["run"].pk}),
    api(
        "API unpublished gap run",
        "api:gap-run-detail",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {"pk": base(ctx)["gap-hidden"]["run"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),
]
