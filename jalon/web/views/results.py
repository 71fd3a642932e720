"""Pages of the results frameworks: programme, indicator, measurement entry and review."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.lib.multilingual import text_in_database
from jalon.organisations.models import Organisation
from jalon.reporting.tracking import tracking_csv, tracking_table, tracking_xlsx
from jalon.results import access, services
from jalon.results.computations import REGISTRY, computation_choices, programme_rule
from jalon.results.models import DimensionValue, Indicator, Measure, Measurement, Period
from jalon.results.progress import STATUS_LABELS
from jalon.results.progress_cache import progress_audience, progress_cached, progress_key
from jalon.results.selectors import indicator_breakdown, programme_progress
from jalon.web.form_errors import form_errors_from
from jalon.web.listing import paginate, query_without, valid_filters


def programme_list(request):
    programmes = access.programmes_visible(request.user).select_related("owner").order_by("code")
    return render(
        request,
        "results/programme_list.html",
        {"programmes": programmes, "can_create": access.programme_can_create(request.user)},
    )


class ProgrammeFilterForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("Any")), *STATUS_LABELS.items()]
    )

    def __init__(self, *args, levels=(), **kwargs):
        """`levels`: (key, name) pairs."""
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", gettext_lazy("Any")), *levels]


def _programme(request, code):
    return get_object_or_404(access.programmes_visible(request.user).select_related("owner"), code=code)


def _programme_tree(programme, *, level: str, status: str) -> dict:
    """The results tree of the programme page, rendered, with the periods' names: what the page computes
    from the framework and its approved values (cached, see progress_cache)."""
    report = programme_progress(programme=programme)
    rows = []
    for result in report.results:
        indicators = report.for_result(result)
        if status:
            indicators = [item for item in indicators if item.status == status]
            if not indicators:
                continue
        if level and result.level.key != level:
            continue
        depth = 0
        parent = result.parent
        while parent is not None:
            depth += 1
            parent = next((r for r in report.results if r.pk == parent.parent_id), None) if parent.parent_id else None
        rows.append({"result": result, "depth": depth, "indicators": indicators})
    tree = render_to_string("results/_programme_tree.html", {"rows": rows, "status_labels": STATUS_LABELS})
    return {"periods": [str(period) for period in report.periods], "tree": str(tree)}


def programme_detail(request, code: str):
    programme = _programme(request, code)
    # The levels (the filter's choices) are part of the framework: cached with it, under the same stamp.
    levels = progress_cached(
        progress_key(programme, "levels"), lambda: [(level.key, level.t("name")) for level in programme.levels.all()]
    )
    form = ProgrammeFilterForm(request.GET or None, levels=levels)
    filters = valid_filters(form)
    level, status = filters.get("level", ""), filters.get("status", "")
    audience = progress_audience(request.user, programme)

    def build():
        part = _programme_tree(programme, level=level, status=status)
        # The filter form as well, never with an error: the key holds the valid filters, not what was typed.
        part["filters"] = None if form.errors else str(render_to_string("web/_filters.html", {"form": form}))
        return part

    part = progress_cached(progress_key(programme, "page", level or "-", status or "-", audience), build)
    filters_html = None if form.errors else part["filters"]
    return render(
        request,
        "results/programme_detail.html",
        {
            "programme": programme,
            "periods": part["periods"],
            # Rendered (and escaped) by their templates, in _programme_tree and build().
            "tree": mark_safe(part["tree"]),  # noqa: S308
            "filters_html": mark_safe(filters_html) if filters_html else None,  # noqa: S308
            "form": form,
            "can_manage": audience == "manage",
        },
    )


def indicator_detail(request, code: str, pk: int):
    programme = _programme(request, code)
    indicator = get_object_or_404(
        Indicator.objects.select_related("result__level").prefetch_related("milestones"),
        pk=pk,
        result__programme=programme,
    )
    periods = list(programme.periods.all())
    report = programme_progress(programme=programme)
    history = access.measurements_visible(
        request.user,
        Measurement.objects.filter(indicator=indicator).select_related(
            "period", "dimension_value__dimension", "organisation", "author", "reviewer"
        ),
    ).order_by("period__start", "-updated_at")
    return render(
        request,
        "results/indicator_detail.html",
        {
            "programme": programme,
            "indicator": indicator,
            "progress": report.indicators[indicator.pk],
            "breakdown": indicator_breakdown(indicator=indicator, periods=periods),
            "periods": periods,
            "history": history,
            "status_labels": STATUS_LABELS,
            "can_report": access.measurement_can_report(request.user, programme)
            and indicator.source == Indicator.Source.MANUAL,
            "can_manage": access.programme_can_manage(request.user, programme),
            "computation": REGISTRY.get(indicator.computation),
            "computation_choices": computation_choices(),
            "rule": programme_rule(programme),
        },
    )


class MeasurementForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submit_now = forms.BooleanField(label=gettext_lazy("Submit for approval now"), required=False, initial=True)

    class Meta:
        model = Measurement
        fields = [
            "period",
            "dimension_value",
            "organisation",
            "value",
            "numerator",
            "denominator",
            "text",
            "comment",
            "evidence",
            "evidence_url",
        ]

    def __init__(self, *args, indicator: Indicator, user, **kwargs):
        super().__init__(*args, **kwargs)
        programme = indicator.result.programme
        self.fields["period"].queryset = Period.objects.filter(programme=programme)
        self.fields["dimension_value"].queryset = DimensionValue.objects.filter(dimension__indicators=indicator)
        self.fields["dimension_value"].required = False
        self.fields["dimension_value"].empty_label = gettext_lazy("Total (not disaggregated)")
        if access.programme_can_manage(user, programme):
            self.fields["organisation"].queryset = Organisation.objects.order_by(text_in_database("name"))
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=access.measurement_reporting_organisations(user)
            )
            self.fields["organisation"].required = True
        if indicator.measure == Measure.QUALITATIVE:
            for name in ("value", "numerator", "denominator"):
                del self.fields[name]
        else:
            del self.fields["text"]
            if indicator.measure != Measure.PERCENTAGE:
                del self.fields["numerator"], self.fields["denominator"]
        if not self.fields["dimension_value"].queryset.exists():
            del self.fields["dimension_value"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["period"].disabled = True


def _measurement_fields(form) -> dict:
    fields = {k: v for k, v in form.cleaned_data.items() if k in services.MEASUREMENT_FIELDS}
    if fields.get("evidence") is False:
        # "Clear" ticked on the file input: no file, as ModelForm.save() would store it (False would crash save()).
        fields["evidence"] = ""
    return fields


@login_required
def measurement_create(request, code: str, pk: int):
    programme = _programme(request, code)
    indicator = get_object_or_404(
        Indicator.objects.select_related("result__programme"), pk=pk, result__programme=programme
    )
    if not access.measurement_can_report(request.user, programme) or indicator.source != Indicator.Source.MANUAL:
        raise PermissionDenied
    form = MeasurementForm(request.POST or None, request.FILES or None, indicator=indicator, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_create(
                actor=request.user,
                indicator=indicator,
                period=form.cleaned_data["period"],
                submit=form.cleaned_data.get("submit_now", False),
                **_measurement_fields(form),
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Value recorded."))
            return redirect(indicator.get_absolute_url())
    return render(
        request, "results/measurement_form.html", {"form": form, "indicator": indicator, "programme": programme}
    )


def _measurement(request, pk):
    measurement = get_object_or_404(
        access.measurements_visible(
            request.user, Measurement.objects.select_related("indicator__result__programme", "period")
        ),
        pk=pk,
    )
    return measurement


@login_required
def measurement_edit(request, pk: int):
    measurement = _measurement(request, pk)
    if not access.measurement_can_edit(request.user, measurement):
        raise PermissionDenied
    indicator = measurement.indicator
    form = MeasurementForm(
        request.POST or None, request.FILES or None, instance=measurement, indicator=indicator, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_update(
                actor=request.user,
                measurement=measurement,
                version=form.cleaned_data.get("version"),
                submit=form.cleaned_data.get("submit_now", False),
                **_measurement_fields(form),
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(indicator.get_absolute_url())
    return render(
        request,
        "results/measurement_form.html",
        {"form": form, "indicator": indicator, "programme": indicator.result.programme, "measurement": measurement},
    )


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", gettext_lazy("Approve")), ("return", gettext_lazy("Return"))])
    note = forms.CharField(
        label=gettext_lazy("Note to the author"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
def measurement_review(request, pk: int):
    measurement = _measurement(request, pk)
    if request.method != "POST" or not access.programme_can_manage(
        request.user, measurement.indicator.result.programme
    ):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_review(
                actor=request.user,
                measurement=measurement,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Value approved.")
                if form.cleaned_data["decision"] == "approve"
                else _("Value returned to its author."),
            )
    else:
        messages.error(request, _("Choose approve or return."))
    # Back to the page the decision was taken on, but never to another site (an open redirect).
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = measurement.indicator.get_absolute_url()
    return redirect(next_url)


@login_required
def approval_queue(request):
    """What waits for the user's approval, oldest first, in the programmes they manage."""
    if not access.approval_queue_can_open(request.user):
        raise PermissionDenied
    queryset = (
        Measurement.objects.filter(
            status=Measurement.Status.SUBMITTED,
            indicator__result__programme__in=access.programmes_managed(request.user),
        )
        .select_related("indicator__result__programme", "period", "organisation", "author", "dimension_value")
        .order_by("submitted_at", "id")
    )
    page = paginate(request, queryset)
    return render(
        request,
        "results/approval_queue.html",
        {"measurements": page.object_list, "page": page, "query": query_without(request, "page")},
    )


class TrackingFilterForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    disaggregation = forms.ModelChoiceField(
        label=gettext_lazy("Disaggregation"),
        required=False,
        queryset=DimensionValue.objects.none(),
        empty_label=gettext_lazy("Total"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", gettext_lazy("Any"))] + [
            (level.key, level.t("name")) for level in programme.levels.all()
        ]
        self.fields["disaggregation"].queryset = DimensionValue.objects.filter(
            dimension__programme=programme
        ).select_related("dimension")


def tracking(request, code: str, fmt: str = "html"):
    """The indicator tracking table on screen, or as CSV or XLSX with the same filters. The table, in
    each format, is cached until the programme's progress changes (progress_cache)."""
    programme = _programme(request, code)
    form = TrackingFilterForm(request.GET or None, programme=programme)
    filters = valid_filters(form)
    level, dimension_value = filters.get("level", ""), filters.get("disaggregation")

    def table():
        return tracking_table(programme=programme, level=level, dimension_value=dimension_value)

    def html():
        context = {"table": table(), "status_labels": STATUS_LABELS}
        return {
            "table": str(render_to_string("results/_tracking_table.html", context)),
            # The filter form too: its list of every disaggregation value (e.g. 50 countries x 2 sexes)
            # costs more to render than the cached table. Never with an error: the key holds the valid
            # filters, not what was typed, and "?disaggregation=junk" shares the key of no filter.
            "filters": None if form.errors else str(render_to_string("web/_filters.html", {"form": form})),
        }

    build = {"csv": lambda: tracking_csv(table()), "xlsx": lambda: tracking_xlsx(table()), "html": html}[fmt]
    key = progress_key(
        programme,
        f"tracking-{fmt}",
        level or "-",
        dimension_value.pk if dimension_value else "-",
        progress_audience(request.user, programme),
    )
    content = progress_cached(key, build)
    if fmt == "csv":
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{programme.code}-tracking.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{programme.code}-tracking.xlsx"'
        return response
    filters_html = None if form.errors else content["filters"]
    return render(
        request,
        "results/tracking.html",
        {
            "programme": programme,
            # Rendered (and escaped) by their templates, in html() above.
            "table_html": mark_safe(content["table"]),  # noqa: S308
            "filters_html": mark_safe(filters_html) if filters_html else None,  # noqa: S308
            "form": form,
            "query": request.GET.urlencode(),
        },
    )
