"""A report's narrative (in the "reporting" namespace): the sections of each result node by period and
language, their edit page (a new one drafted from the indicators' narratives) and their review steps, all
through jalon/reporting/access.py."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jalon.reporting import access, selectors, services
from jalon.reporting.forms import SectionForm, SectionMoveForm
from jalon.reporting.models import ReportLanguage, ReportSection
from jalon.web.pages import form_page


@login_required
def sections(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_reports_programme(request.user, code)
    periods = list(programme.periods.order_by("start"))
    chosen = request.GET.get("period")
    period = next((p for p in periods if p.code == chosen), None) or selectors.narrative_period(
        programme, datetime.date.today()
    )
    return render(
        request,
        "reporting/sections.html",
        {
            "programme": programme,
            "periods": periods,
            "period": period,
            "rows": selectors.section_rows(programme, period) if period else [],
            "can_write": access.sections_can_write(request.user, programme),
        },
    )


def _section_url(code: str, period: str, result: int, language: str) -> str:
    kwargs = {"code": code, "period": period, "result": result, "language": language}
    return reverse("reporting:section_edit", kwargs=kwargs)


@login_required
def section_edit(request: HttpRequest, code: str, period: str, result: int, language: str) -> HttpResponse:
    found_period, found_result, section = access.access_section_place(
        request.user, code, period, result, language, write=True
    )
    if section is not None:
        initial = {name: getattr(section, name) for name in ReportSection.TEXTS} | {"version": section.version}
    else:
        initial = selectors.section_draft(found_result, found_period, language)
    return form_page(
        request,
        form=SectionForm(request.POST or None, initial=initial),
        save=lambda form: services.report_section_save(
            actor=request.user,
            result=found_result,
            period=found_period,
            language=language,
            texts={name: form.cleaned_data[name] for name in ReportSection.TEXTS},
            version=form.cleaned_data["version"],
        ),
        done=lambda saved: _section_url(code, period, result, language),
        template="reporting/section_form.html",
        context={
            "programme": found_result.programme,
            "period": found_period,
            "result": found_result,
            "language": ReportLanguage(language),
            "section": section,
            "drafted": section is None and any(initial.values()),
            "can_review": access.sections_can_review(request.user, found_result.programme),
        },
    )


@login_required
@require_POST
def section_move(request: HttpRequest, code: str, period: str, result: int, language: str) -> HttpResponse:
    _period, _result, section = access.access_section_place(request.user, code, period, result, language, write=True)
    form = SectionMoveForm(request.POST)
    if section is None or not form.is_valid():
        messages.error(request, SectionMoveForm.invalid)
    else:
        try:
            services.report_section_move(
                actor=request.user,
                section=section,
                step=form.cleaned_data["step"],
                note=form.cleaned_data["review_note"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, SectionMoveForm.done[form.cleaned_data["step"]])
    return redirect(_section_url(code, period, result, language))
