"""Pages of a programme's money: overview (sources, earmarking, allocations and delivery by outcome, with a
chart and its table), Table 1 (screen, CSV, XLSX), the ledger (contributions, commitments and expenditure),
contributors, proposals and their appraisal, exchange rates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.finance import access, exports, selectors, services
from jalon.finance.forms import (
    AllocationEditForm,
    AllocationForm,
    AppraisalForm,
    BudgetForm,
    ContributionEditForm,
    ContributionForm,
    ContributorEditForm,
    ContributorForm,
    CriterionForm,
    FundingForm,
    ImportForm,
    PlannedDisbursementForm,
    ProposalForm,
    RateForm,
    ReceiptForm,
    RequirementForm,
    ReverseForm,
    SettingsForm,
    SourceTypeForm,
    SpendingForm,
)
from jalon.finance.models import (
    EARMARKING_CATEGORY,
    AppraisalCriterion,
    AppraisalRating,
    Contribution,
    Contributor,
    ExchangeRate,
    Proposal,
    SourceType,
    Spending,
)
from jalon.finance.sections import sections_for
from jalon.results.models import Period, Programme
from jalon.web.charts import Bar, bar_chart
from jalon.web.listing import paginate, query_without
from jalon.web.pages import form_page


def index(request: HttpRequest) -> HttpResponse:
    programmes = access.finance_programmes_readable(request.user).select_related("finance_settings").order_by("code")
    return render(
        request,
        "finance/index.html",
        {"programmes": programmes, "can_manage_reference": access.finance_can_manage_reference(request.user)},
    )


def _periods(programme):
    return list(Period.objects.filter(programme=programme).order_by("start"))


def programme(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_figures_programme(request.user, code)
    converter = selectors.converter_for(programme)
    listed = _periods(programme)
    by_fund = selectors.fund_figures(programme, listed, converter)
    periods = [
        (period, selectors.programme_figures(programme, period, converter), by_fund[period.pk]) for period in listed
    ]
    bars = [
        Bar(
            f"{row.outcome.code} · {period.code}",
            None if row.delivery_rate is None else int(row.delivery_rate),
            _("no allocation"),
        )
        for period, figures, _funds in periods
        for row in figures.outcomes
    ]
    chart = bar_chart(bars, title=_("Delivery rate by outcome and period (per cent)"), ident="delivery")
    return render(
        request,
        "finance/programme.html",
        {
            "programme": programme,
            "settings": services.settings_of(programme),
            "periods": periods,
            "chart": chart,
            "sources": selectors.sources_by_type(programme, converter),
            "profile": selectors.earmarking_profile(programme, None, converter),
            "categories": sorted(set(EARMARKING_CATEGORY.values())),
            "can_manage": access.finance_can_manage(request.user, programme),
            "can_see_ledger": access.finance_can_see_ledger(request.user, programme),
        },
    )


def table_one(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_figures_programme(request.user, code)
    periods = _periods(programme)
    if not periods:
        raise Http404
    wanted = request.GET.get("period")
    period = next((p for p in periods if p.code == wanted), periods[0])
    wanted_language = request.GET.get("lang")
    language = wanted_language if wanted_language in ("fr", "en") else translation.get_language() or "fr"
    table = selectors.table_one(programme, period, language)
    kind = request.GET.get("format")
    if kind == "csv":
        response = HttpResponse(exports.table_one_csv(table, language), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="table1-{code}-{period.code}-{language}.csv"'
        return response
    if kind == "xlsx":
        response = HttpResponse(
            exports.table_one_xlsx(table, language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="table1-{code}-{period.code}-{language}.xlsx"'
        return response
    return render(
        request,
        "finance/table_one.html",
        {"programme": programme, "table": table, "periods": periods, "period": period},
    )


@login_required
def contributions(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, ledger=True)
    converter = selectors.converter_for(programme)
    page = paginate(
        request,
        access.contributions_visible(
            request.user,
            Contribution.objects.filter(programme=programme).select_related(
                "contributor__organisation", "contributor__source_type", "fund"
            ),
        ).order_by("value_date", "pk"),
    )
    rows = [(c, converter.convert(c.amount, c.currency, c.value_date)) for c in page]
    return render(
        request,
        "finance/contributions.html",
        {
            "programme": programme,
            "rows": rows,
            "page": page,
            "can_manage": access.finance_can_manage(request.user, programme),
        },
    )


@login_required
def contribution_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, ledger=True)
    contribution = access.access_contribution(request.user, programme, pk)
    converter = selectors.converter_for(programme)
    return render(
        request,
        "finance/contribution_detail.html",
        {
            "programme": programme,
            "contribution": contribution,
            "converted": converter.convert(contribution.amount, contribution.currency, contribution.value_date),
            "receipts": contribution.receipts.order_by("date", "pk"),
            "allocations": contribution.allocations.select_related("result", "period").order_by("pk"),
            "results": contribution.results.order_by("order"),
            "can_manage": access.finance_can_manage(request.user, programme),
            "receipt_form": ReceiptForm(),
        },
    )


def _post_form(request, form_class, **kwargs):
    return form_class(request.POST or None, **kwargs)


@login_required
def contribution_new(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    form = _post_form(request, ContributionForm, programme=programme)

    def save(form):
        data = dict(form.cleaned_data)
        return services.contribution_create(actor=request.user, programme=programme, **data)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: reverse("finance:contribution_detail", kwargs={"code": code, "pk": saved.pk}),
        template="finance/form.html",
        context={"programme": programme, "title": _("New contribution")},
    )


@login_required
def contribution_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    contribution = access.access_contribution(request.user, programme, pk, manage=True)
    initial = {name: getattr(contribution, name) for name in services.CONTRIBUTION_FIELDS if name != "themes"}
    initial.update(results=list(contribution.results.all()), version=contribution.version)
    form = ContributionEditForm(request.POST or None, initial=initial, programme=programme)

    def save(form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.contribution_update(actor=request.user, contribution=contribution, version=version, **data)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: reverse("finance:contribution_detail", kwargs={"code": code, "pk": saved.pk}),
        template="finance/form.html",
        context={"programme": programme, "title": _("Edit the contribution")},
    )


@login_required
def allocation_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    allocation = access.access_allocation(request.user, programme, pk, manage=True)
    initial = {name: getattr(allocation, name) for name in AllocationEditForm.base_fields if name != "version"}
    initial["version"] = allocation.version
    form = AllocationEditForm(request.POST or None, initial=initial, programme=programme)

    def save(form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.allocation_update(actor=request.user, allocation=allocation, version=version, **data)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: reverse("finance:programme", kwargs={"code": code}),
        template="finance/form.html",
        context={"programme": programme, "title": _("Edit the allocation")},
        message=_("Allocation saved."),
    )


@login_required
def allocation_new(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    form = _post_form(request, AllocationForm, programme=programme)
    return form_page(
        request,
        form=form,
        save=lambda form: services.allocation_create(actor=request.user, programme=programme, **form.cleaned_data),
        done=lambda saved: reverse("finance:programme", kwargs={"code": code}),
        template="finance/form.html",
        context={"programme": programme, "title": _("New allocation")},
        message=_("Allocation recorded."),
    )


@login_required
def spendings(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, ledger=True)
    converter = selectors.converter_for(programme)
    page = paginate(
        request,
        access.spendings_visible(
            request.user,
            Spending.objects.filter(programme=programme).select_related("fund", "result", "payee", "reversed_by"),
        ).order_by("date", "pk"),
    )
    return render(
        request,
        "finance/spendings.html",
        {
            "programme": programme,
            "rows": [(s, converter.convert(s.amount, s.currency, s.value_date)) for s in page],
            "page": page,
            "can_manage": access.finance_can_manage(request.user, programme),
            "reverse_form": ReverseForm(),
        },
    )


@login_required
def spending_new(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    form = _post_form(request, SpendingForm, programme=programme)
    return form_page(
        request,
        form=form,
        save=lambda form: services.spending_post(actor=request.user, programme=programme, **form.cleaned_data),
        done=lambda saved: reverse("finance:spendings", kwargs={"code": code}),
        template="finance/form.html",
        context={"programme": programme, "title": _("New commitment or expenditure")},
        message=_("Entry posted."),
    )


@login_required
@require_POST
def spending_reverse(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    spending = access.access_spending(request.user, programme, pk, manage=True)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the reversal and why."))
    else:
        try:
            services.spending_reverse(actor=request.user, spending=spending, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The entry is reversed."))
    return redirect("finance:spendings", code=code)


@login_required
def contributor(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Contributor.objects.select_related("organisation", "source_type"), pk=pk)
    visible = access.contributions_visible(
        request.user,
        Contribution.objects.filter(contributor=found, programme__in=access.programmes_visible(request.user)),
    ).select_related("programme", "fund")
    page = paginate(request, visible.order_by("value_date", "pk"))
    if not page.object_list and not access.finance_can_manage_reference(request.user):
        raise Http404
    return render(
        request,
        "finance/contributor.html",
        {
            "contributor": found,
            "rows": page,
            "page": page,
            "can_edit": access.finance_can_manage_reference(request.user),
        },
    )


def _reference_manager(request) -> None:
    if not access.finance_can_manage_reference(request.user):
        raise PermissionDenied


@login_required
def contributor_new(request: HttpRequest) -> HttpResponse:
    _reference_manager(request)
    return form_page(
        request,
        form=ContributorForm(request.POST or None),
        save=lambda form: services.contributor_save(actor=request.user, **form.cleaned_data),
        done=lambda saved: reverse("finance:contributor", kwargs={"pk": saved.pk}),
        template="finance/form.html",
        context={"title": _("New contributor")},
        message=_("Contributor saved."),
    )


@login_required
def contributor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reference_manager(request)
    found = get_object_or_404(Contributor.objects.select_related("organisation"), pk=pk)
    return form_page(
        request,
        form=ContributorEditForm(request.POST or None, initial={"source_type": found.source_type_id}),
        save=lambda form: services.contributor_save(
            actor=request.user, organisation=found.organisation, source_type=form.cleaned_data["source_type"]
        ),
        done=lambda saved: reverse("finance:contributor", kwargs={"pk": saved.pk}),
        template="finance/form.html",
        context={"title": _("Source type of %(name)s") % {"name": found.organisation}},
        message=_("Contributor saved."),
    )


@login_required
def source_types(request: HttpRequest) -> HttpResponse:
    """The source types of funds, and a form to add one."""
    _reference_manager(request)
    form = SourceTypeForm(request.POST or None)
    response = form_page(
        request,
        form=form,
        save=lambda form: services.source_type_create(
            actor=request.user,
            code=form.cleaned_data["code"],
            name={"en": form.cleaned_data["name_en"], "fr": form.cleaned_data["name_fr"]},
        ),
        done=lambda saved: reverse("finance:source_types"),
        template="finance/source_types.html",
        context={"types": SourceType.objects.all()},
        message=_("Source type added."),
    )
    return response


@login_required
def proposals(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, ledger=True)
    page = paginate(
        request,
        access.proposals_visible(
            request.user, Proposal.objects.filter(programme=programme).select_related("donor")
        ).order_by("-created_at", "-pk"),
    )
    return render(
        request,
        "finance/proposals.html",
        {
            "programme": programme,
            "proposals": page,
            "page": page,
            "can_manage": access.finance_can_manage(request.user, programme),
        },
    )


@login_required
def proposal_new(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    form = _post_form(request, ProposalForm, programme=programme)

    def save(form):
        data = dict(form.cleaned_data)
        title = {"en": data.pop("title_en"), "fr": data.pop("title_fr") or ""}
        return services.proposal_create(actor=request.user, programme=programme, title=title, **data)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: reverse("finance:proposal_detail", kwargs={"code": code, "pk": saved.pk}),
        template="finance/form.html",
        context={"programme": programme, "title": _("New proposal")},
    )


@login_required
def proposal_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, ledger=True)
    proposal = access.access_proposal(request.user, programme, pk)
    can_manage = access.finance_can_manage(request.user, programme)
    criteria = list(AppraisalCriterion.objects.filter(programme=programme))
    ratings = {r.criterion_id: r for r in AppraisalRating.objects.filter(proposal=proposal)}
    form = None
    if can_manage and proposal.status == Proposal.Status.IN_APPRAISAL:
        if not criteria:
            criteria = services.criteria_ensure(actor=request.user, programme=programme)
        form = AppraisalForm(request.POST or None, criteria=criteria, ratings=ratings)
        if request.method == "POST" and form.is_valid():
            try:
                services.appraisal_record(actor=request.user, proposal=proposal, ratings=form.ratings())
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Appraisal saved."))
                return redirect("finance:proposal_detail", code=code, pk=pk)
    elif request.method == "POST":
        return redirect("finance:proposal_detail", code=code, pk=pk)
    rule = services.settings_of(programme).approval_rule
    return render(
        request,
        "finance/proposal_detail.html",
        {
            "programme": programme,
            "proposal": proposal,
            "rows": [(c, ratings.get(c.pk)) for c in criteria],
            "form": form,
            "can_manage": can_manage,
            "refusal": services.approval_refusal(proposal, rule)
            if proposal.status == Proposal.Status.IN_APPRAISAL
            else None,
            "moves": services.TRANSITIONS.get(proposal.status, ()) if can_manage else (),
            "sections": sections_for(request, proposal),
        },
    )


@login_required
@require_POST
def proposal_action(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = access.access_finance_programme(request.user, code, manage=True)
    proposal = access.access_proposal(request.user, programme, pk, manage=True)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.proposal_approve(actor=request.user, proposal=proposal)
        elif action in Proposal.Status.values:
            services.proposal_move(actor=request.user, proposal=proposal, status=action)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Proposal updated."))
    return redirect("finance:proposal_detail", code=code, pk=pk)


def rates(request: HttpRequest) -> HttpResponse:
    queryset = ExchangeRate.objects.order_by("-date", "base", "quote", "pk")
    base = (request.GET.get("currency") or "").upper()[:3]
    if base:
        queryset = queryset.filter(quote=base) | queryset.filter(base=base)
    return render(
        request,
        "finance/rates.html",
        {
            "rates": (page := paginate(request, queryset)),
            "page": page,
            "query": query_without(request, "page"),
            "currency": base,
            "can_enter": access.finance_can_manage_reference(request.user),
        },
    )


@login_required
def rate_new(request: HttpRequest) -> HttpResponse:
    _reference_manager(request)
    form = _post_form(request, RateForm)
    return form_page(
        request,
        form=form,
        save=lambda form: services.rate_create(actor=request.user, **form.cleaned_data),
        done=lambda saved: reverse("finance:rates"),
        template="finance/form.html",
        context={"title": _("New exchange rate")},
        message=_("Rate saved."),
    )


@login_required
def ledger_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a file of contributions or of expenditure; the import runs on the job queue."""
    from jalon.finance.imports import COLUMNS, ledger_import_start

    programme = access.access_finance_programme(request.user, code, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = ledger_import_start(
            actor=request.user,
            programme=programme,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            language=translation.get_language(),
        )
        return redirect("finance:job", pk=job.pk)
    language = translation.get_language() or "fr"
    columns = {kind: [c.header(language) for c in build(programme)] for kind, build in COLUMNS.items()}
    return render(
        request,
        "finance/import.html",
        {
            "programme": programme,
            "form": form,
            "contribution_columns": columns["finance-contributions"],
            "spending_columns": columns["finance-spending"],
        },
    )


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    from jalon.jobs.access import access_job
    from jalon.jobs.services import job_check

    found = access_job(request.user, pk)
    if found.kind not in ("finance-contributions", "finance-spending"):
        raise Http404
    found = job_check(found)
    programme = get_object_or_404(Programme, pk=found.subject_id)
    return render(
        request,
        "finance/import_job.html",
        {"job": found, "programme": programme, "errors": (found.result or {}).get("errors", [])[:200]},
    )


def _record_page(request, code: str, *, form_class, save, title: str, message: str):
    programme = access.access_finance_programme(request.user, code, manage=True)
    form = _post_form(request, form_class, programme=programme)
    return form_page(
        request,
        form=form,
        save=lambda form: save(programme, dict(form.cleaned_data)),
        done=lambda saved: reverse("finance:programme", kwargs={"code": code}),
        template="finance/form.html",
        context={"programme": programme, "title": title},
        message=message,
    )


@login_required
def requirement_new(request: HttpRequest, code: str) -> HttpResponse:
    """What a result needs in a period (saving again for the same result and period replaces the figure)."""
    return _record_page(
        request, code, form_class=RequirementForm,
        save=lambda programme, data: services.requirement_save(actor=request.user, **data),
        title=_("Resource requirement"), message=_("Requirement saved."),
    )  # fmt: skip


@login_required
def budget_new(request: HttpRequest, code: str) -> HttpResponse:
    return _record_page(
        request, code, form_class=BudgetForm,
        save=lambda programme, data: services.budget_create(actor=request.user, programme=programme, **data),
        title=_("New budget"), message=_("Budget saved."),
    )  # fmt: skip


@login_required
def planned_disbursement_new(request: HttpRequest, code: str) -> HttpResponse:
    return _record_page(
        request, code, form_class=PlannedDisbursementForm,
        save=lambda programme, data: services.planned_disbursement_create(
            actor=request.user, programme=programme, **data
        ),
        title=_("New planned disbursement"), message=_("Planned disbursement saved."),
    )  # fmt: skip


@login_required
@require_POST
def receipt_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An instalment received on a contribution (posted from the contribution's page)."""
    programme = access.access_finance_programme(request.user, code, manage=True)
    contribution = access.access_contribution(request.user, programme, pk, manage=True)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date and the amount received."))
    else:
        try:
            services.receipt_post(actor=request.user, contribution=contribution, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Receipt posted."))
    return redirect("finance:contribution_detail", code=code, pk=pk)


@login_required
@require_POST
def contribution_status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Sign a pledge, close a contribution, or reopen it."""
    programme = access.access_finance_programme(request.user, code, manage=True)
    contribution = access.access_contribution(request.user, programme, pk, manage=True)
    status = request.POST.get("status", "")
    try:
        if status not in Contribution.Status.values:
            raise ValidationError(_("Unknown action."))
        services.contribution_set_status(actor=request.user, contribution=contribution, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Contribution updated."))
    return redirect("finance:contribution_detail", code=code, pk=pk)


@login_required
def proposal_fund(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A funded proposal becomes a signed contribution earmarked for the outcomes it serves."""
    programme = access.access_finance_programme(request.user, code, manage=True)
    proposal = access.access_proposal(request.user, programme, pk, manage=True)
    form = _post_form(request, FundingForm, programme=programme)
    return form_page(
        request,
        form=form,
        save=lambda form: services.proposal_fund(actor=request.user, proposal=proposal, **form.cleaned_data),
        done=lambda saved: reverse("finance:contribution_detail", kwargs={"code": code, "pk": saved.pk}),
        template="finance/form.html",
        context={"programme": programme, "title": _("Funding of the proposal")},
        message=_("The proposal is funded: its contribution is recorded."),
    )


@login_required
def settings_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's currency, conversion policy, publication of its figures, approval rule, baseline."""
    programme = access.access_finance_programme(request.user, code, manage=True)
    current = services.settings_of(programme)
    initial = {
        "currency": current.currency,
        "conversion_policy": current.conversion_policy,
        "published": current.published,
        "approval_rule": current.approval_rule,
        "baseline_period": current.baseline_period_id,
        "twinning_fund": current.twinning_fund_id,
        "version": current.version if current.pk else None,
    }
    form = SettingsForm(request.POST or None, initial=initial, programme=programme)

    def save(form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.settings_save(actor=request.user, programme=programme, version=version, **data)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: reverse("finance:programme", kwargs={"code": code}),
        template="finance/form.html",
        context={"programme": programme, "title": _("Finance settings")},
    )


@login_required
def criteria(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's appraisal criteria (ILO's by default), and adding one."""
    programme = access.access_finance_programme(request.user, code, manage=True)
    form = CriterionForm(request.POST or None)

    def save(form):
        data = form.cleaned_data
        name = {"en": data["name_en"], "fr": data["name_fr"] or data["name_en"]}
        return services.criterion_create(actor=request.user, programme=programme, code=data["code"], name=name)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: reverse("finance:criteria", kwargs={"code": code}),
        template="finance/criteria.html",
        context={
            "programme": programme,
            "criteria": AppraisalCriterion.objects.filter(programme=programme).order_by("order", "code"),
        },
        message=_("Criterion added."),
    )
