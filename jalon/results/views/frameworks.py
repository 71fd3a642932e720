"""Pages where programme managers build and edit a framework: the programme itself, its levels, periods,
disaggregations, result tree, indicators and their milestones. Server-rendered, no JavaScript needed.
Every write goes through jalon.results.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.results import access, selectors, services
from jalon.results.forms import (
    DimensionForm,
    DisaggregatedTargetsForm,
    IndicatorForm,
    LevelForm,
    MilestoneForm,
    PeriodForm,
    PeriodGenerateForm,
    ProgrammeForm,
    ResultForm,
    programme_languages,
)
from jalon.results.models import Dimension, Indicator, Level, Period, Programme, Result
from jalon.web.forms import DEFAULT_LANGUAGES, form_errors_from, language_name, plain
from jalon.web.pages import delete_page, form_page

FORM = "results/framework_form.html"


def structure_url(programme: Programme) -> str:
    return reverse("results:framework_structure", kwargs={"code": programme.code})


def _context(programme: Programme, title: str) -> dict:
    return {"programme": programme, "title": title, "cancel_url": structure_url(programme)}


# Programme --------------------------------------------------------------------------------------------

PROGRAMME_FIELDS = services.PROGRAMME_FIELDS  # what the programme form edits: every field of the service


@login_required
def programme_create(request):
    if not access.programme_can_create(request.user):
        raise PermissionDenied
    form = ProgrammeForm(
        request.POST or None,
        languages=DEFAULT_LANGUAGES,
        initial={
            "languages": list(DEFAULT_LANGUAGES),
            "on_track_min": Programme._meta.get_field("on_track_min").default,
            "at_risk_min": Programme._meta.get_field("at_risk_min").default,
            "descending_tolerance": Programme._meta.get_field("descending_tolerance").default,
        },
    )
    del form.fields["version"]
    return form_page(
        request,
        form=form,
        save=lambda f: services.programme_create(actor=request.user, **f.data_for_service(*PROGRAMME_FIELDS)),
        done=structure_url,
        template=FORM,
        context={"title": _("New programme"), "cancel_url": reverse("results:programme_list")},
    )


@login_required
def programme_edit(request, code: str):
    programme = access.access_programme(request.user, code, manage=True)
    initial = {name: getattr(programme, name) for name in PROGRAMME_FIELDS}
    form = ProgrammeForm(
        request.POST or None,
        languages=programme_languages(programme),
        initial={**initial, "version": programme.version},
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.programme_update(
            actor=request.user,
            programme=programme,
            version=f.cleaned_data.get("version"),
            **f.data_for_service(*PROGRAMME_FIELDS),
        ),
        done=lambda saved: saved.get_absolute_url(),
        template=FORM,
        context={
            "programme": programme,
            "title": _("Edit the programme"),
            "cancel_url": programme.get_absolute_url(),
        },
    )


@login_required
def framework_structure(request, code: str):
    programme = access.access_programme(request.user, code, manage=True)
    structure = selectors.framework_structure(programme)
    return render(
        request,
        "results/framework_structure.html",
        {
            "programme": programme,
            "levels": structure.levels,
            "periods": structure.periods,
            "dimensions": structure.dimensions,
            "rows": structure.rows,
        },
    )


# Levels, periods, disaggregations ---------------------------------------------------------------------


@login_required
def level_edit(request, code: str, pk: int | None = None):
    if pk is None:
        level, programme = None, access.access_programme(request.user, code, manage=True)
    else:
        level = access.access_framework_part(request.user, code, Level, pk)
        programme = level.programme
    form = LevelForm(
        request.POST or None,
        languages=programme_languages(programme),
        initial={"key": level.key, "name": level.name, "iati_result_type": level.iati_result_type, "order": level.order}
        if level
        else None,
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.level_save(
            actor=request.user,
            programme=programme,
            level=level,
            **f.data_for_service("key", "name", "iati_result_type", "order"),
        ),
        done=lambda saved: structure_url(programme),
        template=FORM,
        context=_context(programme, _("Edit the level") if level else _("New level")),
    )


@login_required
def level_delete(request, code: str, pk: int):
    level = access.access_framework_part(request.user, code, Level, pk)
    return delete_page(
        request,
        obj=level,
        delete=lambda: services.level_delete(actor=request.user, level=level),
        done_url=structure_url(level.programme),
        cancel_url=structure_url(level.programme),
        message=_("Level deleted."),
        context={"programme": level.programme},
    )


@login_required
def period_edit(request, code: str, pk: int | None = None):
    if pk is None:
        period, programme = None, access.access_programme(request.user, code, manage=True)
    else:
        period = access.access_framework_part(request.user, code, Period, pk)
        programme = period.programme
    form = PeriodForm(
        request.POST or None,
        languages=programme_languages(programme),
        initial={"code": period.code, "name": period.name, "start": period.start, "end": period.end}
        if period
        else None,
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.period_save(
            actor=request.user, programme=programme, period=period, **f.data_for_service("code", "name", "start", "end")
        ),
        done=lambda saved: structure_url(programme),
        template=FORM,
        context=_context(programme, _("Edit the period") if period else _("New period")),
    )


@login_required
def periods_generate(request, code: str):
    """Create the programme's periods (years, bienniums, semesters or quarters between its dates) at once,
    leaving out those that would overlap a period it has."""
    programme = access.access_programme(request.user, code, manage=True)
    form = PeriodGenerateForm(request.POST or None)

    def save(f):
        generated = services.periods_generate(
            actor=request.user, programme=programme, frequency=f.cleaned_data["frequency"]
        )
        if generated.skipped:
            messages.info(
                request,
                _("Left out, as periods of the programme already cover them: %(codes)s.")
                % {"codes": ", ".join(generated.skipped)},
            )
        return generated

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda generated: structure_url(programme),
        template=FORM,
        message=_("Periods created."),
        context=_context(programme, _("Generate the periods")),
    )


@login_required
def period_delete(request, code: str, pk: int):
    period = access.access_framework_part(request.user, code, Period, pk)
    return delete_page(
        request,
        obj=period,
        delete=lambda: services.period_delete(actor=request.user, period=period),
        done_url=structure_url(period.programme),
        cancel_url=structure_url(period.programme),
        message=_("Period deleted."),
        context={"programme": period.programme},
    )


@login_required
def dimension_edit(request, code: str, pk: int | None = None):
    if pk is None:
        dimension, programme = None, access.access_programme(request.user, code, manage=True)
    else:
        dimension = access.access_framework_part(request.user, code, Dimension, pk)
        programme = dimension.programme
    form = DimensionForm(
        request.POST or None,
        languages=programme_languages(programme),
        initial={"kind": dimension.kind, "code": dimension.code, "name": dimension.name} if dimension else None,
        dimension=dimension,
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.dimension_save(
            actor=request.user,
            programme=programme,
            dimension=dimension,
            **f.data_for_service("kind", "code", "name", "values"),
        ),
        done=lambda saved: structure_url(programme),
        template=FORM,
        context=_context(programme, _("Edit the disaggregation") if dimension else _("New disaggregation")),
    )


@login_required
def dimension_delete(request, code: str, pk: int):
    dimension = access.access_framework_part(request.user, code, Dimension, pk)
    return delete_page(
        request,
        obj=dimension,
        delete=lambda: services.dimension_delete(actor=request.user, dimension=dimension),
        done_url=structure_url(dimension.programme),
        cancel_url=structure_url(dimension.programme),
        message=_("Disaggregation deleted."),
        context={"programme": dimension.programme},
    )


# Results ----------------------------------------------------------------------------------------------


@login_required
def result_edit(request, code: str, pk: int | None = None):
    if pk is None:
        result, programme = None, access.access_programme(request.user, code, manage=True)
        # "Add a sub-result" links pass the parent; a value that is not one of the choices selects nothing.
        initial = {"parent": request.GET.get("parent", "")[:20]}
    else:
        result = access.access_framework_part(request.user, code, Result, pk)
        programme = result.programme
        initial = {
            "parent": result.parent_id,
            "level": result.level_id,
            "code": result.code,
            "title": result.title,
            "description": result.description,
            "assumptions": result.assumptions,
            "order": result.order,
        }
    form = ResultForm(
        request.POST or None,
        languages=programme_languages(programme),
        initial=initial,
        programme=programme,
        result=result,
    )
    fields = ("parent", "level", "code", "title", "description", "assumptions") + (("order",) if result else ())
    return form_page(
        request,
        form=form,
        save=lambda f: services.result_save(
            actor=request.user, programme=programme, result=result, **f.data_for_service(*fields)
        ),
        done=lambda saved: structure_url(programme),
        template=FORM,
        context=_context(programme, _("Edit the result") if result else _("New result")),
    )


@login_required
def result_delete(request, code: str, pk: int):
    result = access.access_framework_part(request.user, code, Result, pk)
    return delete_page(
        request,
        obj=result,
        delete=lambda: services.result_delete(actor=request.user, result=result),
        done_url=structure_url(result.programme),
        cancel_url=structure_url(result.programme),
        message=_("Result deleted, with its sub-results and indicators."),
        context={"programme": result.programme},
    )


# Indicators -------------------------------------------------------------------------------------------


def _indicator_page(request, programme: Programme, *, result: Result, indicator: Indicator | None):
    """The indicator form with one row of milestone inputs per period: saved together by one service call,
    or shown again with every error (the form's and each row's) at once."""
    languages = programme_languages(programme)
    targets = selectors.indicator_targets(programme=programme, indicator=indicator)
    data = request.POST if request.method == "POST" else None
    if indicator:
        initial = {name: getattr(indicator, name) for name in IndicatorForm.service_fields}
        for name in ("baseline_value", "target_value", "target_relative_percent"):
            initial[name] = plain(initial[name])
        initial.update(result=indicator.result_id, dimensions=targets.dimension_ids)
    else:
        initial = {}
    form = IndicatorForm(data, languages=languages, initial=initial, programme=programme, indicator=indicator)
    rows = []
    for period, milestone in targets.milestones:
        rows.append(
            MilestoneForm(
                data,
                prefix=f"p{period.pk}",
                period=period,
                languages=languages,
                initial={
                    "value": plain(milestone.value),
                    "relative_percent": plain(milestone.relative_percent),
                    "note": milestone.note,
                }
                if milestone
                else None,
            )
        )
    if request.method == "POST":
        rows_valid = [row.is_valid() for row in rows]  # every row, to show all their errors at once
        if form.is_valid() and all(rows_valid):
            try:
                saved = services.indicator_save(
                    actor=request.user,
                    result=form.cleaned_data.get("result") or result,
                    indicator=indicator,
                    dimensions=form.cleaned_data["dimensions"],
                    milestones={row.period: row.target() for row in rows},
                    **form.data_for_service(*IndicatorForm.service_fields),
                )
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(saved.get_absolute_url())
    return render(
        request,
        "results/indicator_form.html",
        {
            "programme": programme,
            "result": result,
            "indicator": indicator,
            "form": form,
            "milestones": rows,
            "languages": [(code, language_name(code)) for code in languages],
            "title": _("Edit the indicator") if indicator else _("New indicator"),
            "cancel_url": indicator.get_absolute_url() if indicator else structure_url(programme),
        },
    )


@login_required
def indicator_create(request, code: str, pk: int):
    result = access.access_framework_part(request.user, code, Result, pk)
    return _indicator_page(request, result.programme, result=result, indicator=None)


@login_required
def indicator_edit(request, code: str, pk: int):
    indicator = access.access_indicator(request.user, code, pk, manage=True)
    return _indicator_page(request, indicator.result.programme, result=indicator.result, indicator=indicator)


@login_required
def indicator_delete(request, code: str, pk: int):
    indicator = access.access_indicator(request.user, code, pk, manage=True)
    programme = indicator.result.programme
    return delete_page(
        request,
        obj=indicator,
        delete=lambda: services.indicator_delete(actor=request.user, indicator=indicator),
        done_url=structure_url(programme),
        cancel_url=indicator.get_absolute_url(),
        message=_("Indicator deleted."),
        context={"programme": programme},
    )


@login_required
def disaggregated_targets(request, code: str, pk: int):
    """The indicator's targets by disaggregation value and period (optional, beside the milestones)."""
    indicator = access.access_indicator(request.user, code, pk, manage=True)
    programme = indicator.result.programme
    periods = list(programme.periods.all())
    values = list(selectors.dimension_values_of(programme).filter(dimension__indicators=indicator))
    form = DisaggregatedTargetsForm(
        request.POST or None,
        periods=periods,
        values=values,
        current=selectors.disaggregated_targets_of(indicator),
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.disaggregated_targets_save(
            actor=request.user, indicator=indicator, targets=f.targets()
        ),
        done=lambda changed: indicator.get_absolute_url(),
        template="results/disaggregated_targets.html",
        field_for=lambda name: None,
        context={
            "programme": programme,
            "indicator": indicator,
            "periods": periods,
            "values": values,
            "title": _("Targets by disaggregation"),
            "cancel_url": indicator.get_absolute_url(),
        },
    )
