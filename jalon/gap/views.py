"""Pages of the gap index: a programme's index (latest ranking with bands, specifications, history, starting
a run), a run's ranking, sensitivity and audit, a country's profile, a run's progress, the curated file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.gap import access, selectors, services
from jalon.gap.forms import RunStartForm, SpecForm, ValueRecordForm, ValuesImportForm
from jalon.gap.models import Pillar
from jalon.jobs.access import access_job, job_can_cancel
from jalon.jobs.services import job_check, job_start
from jalon.jobs.views import refresh_seconds
from jalon.results.access import programmes_visible
from jalon.web.charts import Band, band_chart
from jalon.web.forms import form_errors_from


def index_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_with_index(programmes_visible(request.user))
    return render(
        request, "gap/index_list.html", {"programmes": programmes, "can_curate": access.gap_can_curate(request.user)}
    )


def programme(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_gap_programme(request.user, code)
    specs = list(selectors.specs_of(programme))
    if not specs:
        raise Http404
    can_manage = access.gap_can_manage(request.user, programme)
    return render(
        request,
        "gap/programme.html",
        {
            "programme": programme,
            "specs": specs,
            "runs": selectors.runs_of(programme)[:50],
            "can_manage": can_manage,
            "form": RunStartForm(specs=specs) if can_manage else None,
        },
    )


def _run_context(request, code: str, pk: int) -> dict:
    programme = access.access_gap_programme(request.user, code)
    run = access.access_run(request.user, programme, pk)
    return {"programme": programme, "run": run, "pillar_labels": dict(Pillar.choices)}


def run_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    context = _run_context(request, code, pk)
    previous = selectors.previous_run(context["run"])
    rows = selectors.ranking(context["run"], previous)
    scored = [r for r in rows if r.get("scored")]
    chart = band_chart(
        [Band(r["iso3"], r["rank_median"], r["rank_q05"], r["rank_q95"]) for r in scored[:60]],
        title=_("Rank median and 5–95 % band"),
        ident="ranks",
        lowest=1,
        highest=max(len(scored), 2),
    )
    return render(
        request,
        "gap/run_detail.html",
        context
        | {
            "rows": rows,
            "chart": chart,
            "previous": previous,
            "benchmark_group": selectors.run_group_label(context["run"]),
        },
    )


def run_sensitivity(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    context = _run_context(request, code, pk)
    rows = selectors.sensitivity_rows(context["run"])
    chart = band_chart(
        [Band(r["factor"], r["total"], r["total_q05"], r["total_q95"]) for r in rows],
        title=_("Total sensitivity index with its 5–95 % bootstrap band"),
        ident="sensitivity",
        lowest=0,
        highest=max([1.0, *(r["total_q95"] for r in rows)]),
    )
    return render(request, "gap/run_sensitivity.html", context | {"rows": rows, "chart": chart})


def run_audit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    context = _run_context(request, code, pk)
    run = context["run"]
    coverage = sorted(run.outputs.get("countries", []), key=lambda row: (row.get("coverage", 0), row["iso3"]))
    return render(
        request, "gap/run_audit.html", context | {"audit": run.outputs.get("audit", {}), "coverage": coverage}
    )


def run_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    run = _run_context(request, code, pk)["run"]
    response = HttpResponse(services.run_output_file(run), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gap-{code}-{run.as_of}-{run.pk}.json"'
    return response


def country(request: HttpRequest, code: str, pk: int, iso3: str) -> HttpResponse:
    context = _run_context(request, code, pk)
    profile = selectors.country_profile(context["run"], iso3.upper(), user=request.user)
    if profile is None:
        raise Http404
    return render(
        request,
        "gap/country.html",
        context | {"profile": profile, "benchmark_group": selectors.run_group_label(context["run"])},
    )


def spec_detail(request: HttpRequest, code: str, version: int) -> HttpResponse:
    programme = access.access_gap_programme(request.user, code)
    spec = access.access_spec(request.user, programme, version)
    return render(
        request,
        "gap/spec_detail.html",
        {
            "programme": programme,
            "spec": spec,
            "specs": selectors.specs_of(programme),
            "indicators": selectors.spec_indicators(spec),
            "sub_pillars": spec.definition.get("sub_pillars") or [],
            "sub_of": {i["code"]: i["sub_pillar"] for i in spec.definition["indicators"] if i.get("sub_pillar")},
            "benchmark_group": selectors.spec_group_label(spec),
            "minimum": spec.definition.get("benchmark_min", services.BENCHMARK_MIN),
            "pillar_labels": dict(Pillar.choices),
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_gap_programme(request.user, code, manage=True)
    specs = list(selectors.specs_of(programme))
    form = RunStartForm(request.POST, specs=specs)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("gap:programme", code=code)
    spec = next(s for s in specs if s.version == form.cleaned_data["spec"])
    job = job_start(
        actor=request.user,
        kind="gap-run",
        subject_id=spec.pk,
        params={
            "as_of": form.cleaned_data["as_of"].isoformat(),
            "seed": form.cleaned_data["seed"],
            "runs": form.cleaned_data["runs"],
        },
    )
    return redirect("gap:run_progress", code=code, job=job.pk)


@login_required
def run_progress(request: HttpRequest, code: str, job: int) -> HttpResponse:
    programme = access.access_gap_programme(request.user, code)
    started = job_check(access_job(request.user, job, kind="gap-run"))
    run_url = (
        reverse("gap:run_detail", kwargs={"code": programme.code, "pk": started.result["run"]})
        if started.status == "succeeded" and started.result.get("run")
        else None
    )
    return render(
        request,
        "gap/run_progress.html",
        {
            "programme": programme,
            "job": started,
            "refresh": refresh_seconds(started),
            "can_cancel": job_can_cancel(request.user, started),
            "run_url": run_url,
        },
    )


@login_required
def values_import(request: HttpRequest) -> HttpResponse:
    """Upload a curated file: the import runs as a job (all or nothing), followed on its progress page."""
    if not access.gap_can_curate(request.user):
        raise PermissionDenied
    form = ValuesImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.values_import_start(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("gap:values_import_progress", job=job.pk)
    return render(request, "gap/values_import.html", {"form": form})


@login_required
def values_import_progress(request: HttpRequest, job: int) -> HttpResponse:
    """The import's job: its progress, then what it saved or each row's problem."""
    started = job_check(access_job(request.user, job, kind="gap-values-import"))
    return render(
        request,
        "gap/values_import_progress.html",
        {
            "job": started,
            "refresh": refresh_seconds(started),
            "can_cancel": job_can_cancel(request.user, started),
            "errors": (started.result or {}).get("errors", []) if started.status == "failed" else [],
        },
    )


@login_required
def values_template(request: HttpRequest) -> HttpResponse:
    if not access.gap_can_curate(request.user):
        raise PermissionDenied
    response = HttpResponse(services.values_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gap-values-template.csv"'
    return response


@login_required
def value_record(request: HttpRequest) -> HttpResponse:
    """A value of a manual indicator, entered with its evidence."""
    if not access.gap_can_curate(request.user):
        raise PermissionDenied
    form = ValueRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.value_record(actor=request.user, **form.cleaned_data)
        except ValidationError as refused:
            form_errors_from(refused, form)
        else:
            messages.success(request, _("The value was recorded."))
            return redirect("gap:value_record")
    return render(request, "gap/value_record.html", {"form": form})


@login_required
def spec_new(request: HttpRequest, code: str) -> HttpResponse:
    """A new version of the programme's index, starting from the latest one."""
    programme = access.access_gap_programme(request.user, code, manage=True)
    latest = selectors.specs_of(programme).first()
    initial = (
        {
            "title_en": latest.title.get("en", ""),
            "title_fr": latest.title.get("fr", ""),
            "definition": latest.definition,
        }
        if latest
        else {}
    )
    form = SpecForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        title = {"en": data["title_en"]} | ({"fr": data["title_fr"]} if data["title_fr"] else {})
        try:
            spec = services.spec_create(
                actor=request.user, programme=programme, title=title, definition=data["definition"], note=data["note"]
            )
        except ValidationError as refused:
            form_errors_from(refused, form, field_for=lambda field: "definition")
        else:
            messages.success(request, _("Version %(version)s of the index is saved.") % {"version": spec.version})
            return redirect("gap:spec_detail", code=code, version=spec.version)
    return render(request, "gap/spec_form.html", {"programme": programme, "form": form, "latest": latest})
