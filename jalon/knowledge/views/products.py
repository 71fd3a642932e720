"""Pages of the database of technologies and conforming products: the public list of claims in force (with its
disclaimer: informative, voluntary, not a certification), the technologies, a claim, the claims followed by the
secretariat and the submitters, and the forms (technology, product, laboratory, claim) and the claim's steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.knowledge.access import products as access
from jalon.knowledge.forms.products import (
    ClaimFilterForm,
    ClaimForm,
    ClaimStepForm,
    LaboratoryForm,
    ProductForm,
    TechnologyForm,
)
from jalon.knowledge.models import ConformityClaim
from jalon.knowledge.selectors import products as selectors
from jalon.knowledge.services import products as services
from jalon.web.files import private_file
from jalon.web.listing import paginate, query_without, valid_filters
from jalon.web.pages import form_page


def product_list(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = selectors.public_claims(day=timezone.localdate(), query=filters.get("q", ""))
    return render(
        request,
        "knowledge/product_list.html",
        {
            "form": form,
            "page": paginate(request, queryset),
            "query": query_without(request, "page"),
            "can_submit": access.products_can_submit(request.user),
            "can_record": access.technology_can_record(request.user),
        },
    )


def technology_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/technology_list.html",
        {"technologies": list(selectors.technologies_list()), "can_record": access.technology_can_record(request.user)},
    )


@login_required
def claims_followed(request: HttpRequest) -> HttpResponse:
    """Every state of the claims a user follows: the secretariat's queue, a focal point's own claims."""
    if not (access.products_can_submit(request.user) or access.claim_can_check(request.user)):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in (*ConformityClaim.Status.values, ""):
        status = ""
    queryset = selectors.claims_followed(user=request.user, day=timezone.localdate(), status=status)
    return render(
        request,
        "knowledge/claims_followed.html",
        {
            "page": paginate(request, queryset),
            "query": query_without(request, "page"),
            "status": status,
            "statuses": ConformityClaim.Status.choices,
            "today": timezone.localdate(),
        },
    )


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    claim = access.access_claim(request.user, pk, day=today)
    can_check = access.claim_can_check(request.user, claim)
    steps = []
    for step, (start, _target) in services.STEPS.items():
        allowed = access.claim_can_withdraw(request.user, claim) if step == "withdraw" else can_check
        if allowed and claim.status in start:
            steps.append(step)
    return render(
        request,
        "knowledge/claim_detail.html",
        {
            "claim": claim,
            "expired": claim.expired_on(today),
            "steps": steps,
            "step_form": ClaimStepForm(initial={"version": claim.version}),
        },
    )


@login_required
@require_POST
def claim_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    claim = access.access_claim(request.user, pk, day=timezone.localdate())
    if step not in services.STEPS:
        raise Http404
    allowed = (
        access.claim_can_withdraw(request.user, claim) if step == "withdraw" else access.claim_can_check(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = ClaimStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect(claim)
    try:
        services.claim_step(actor=request.user, claim=claim, step=step, version=form.cleaned_data["version"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Claim updated."))
    return redirect(claim)


def claim_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    claim = access.access_claim(request.user, pk, day=timezone.localdate())
    if not claim.evidence:
        raise Http404
    return private_file(claim.evidence)


def _form(request, *, form, save, title: str, done, files: bool = False):
    return form_page(
        request,
        form=form,
        save=save,
        done=done,
        template="knowledge/form.html",
        context={"title": title, "cancel": reverse("knowledge:product_list"), "files": files},
    )


@login_required
def technology_create(request: HttpRequest) -> HttpResponse:
    if not access.technology_can_record(request.user):
        raise PermissionDenied
    form = TechnologyForm(request.POST or None)
    return _form(
        request,
        form=form,
        save=lambda f: services.technology_record(actor=request.user, **f.cleaned_data),
        title=_("Record a technology"),
        done=lambda saved: reverse("knowledge:technology_list"),
    )


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    if not access.products_can_submit(request.user):
        raise PermissionDenied
    form = ProductForm(request.POST or None, user=request.user)
    return _form(
        request,
        form=form,
        save=lambda f: services.product_create(actor=request.user, **f.values()),
        title=_("Add a product"),
        done=lambda saved: reverse("knowledge:claim_create") + f"?product={saved.pk}",
    )


@login_required
def laboratory_create(request: HttpRequest) -> HttpResponse:
    if not access.products_can_submit(request.user):
        raise PermissionDenied
    form = LaboratoryForm(request.POST or None)
    return _form(
        request,
        form=form,
        save=lambda f: services.laboratory_record(actor=request.user, **f.values()),
        title=_("Add a test laboratory"),
        done=lambda saved: reverse("knowledge:claim_create"),
    )


@login_required
def claim_create(request: HttpRequest) -> HttpResponse:
    if not access.products_can_submit(request.user):
        raise PermissionDenied
    initial = {"product": request.GET["product"]} if request.GET.get("product", "").isdigit() else {}
    form = ClaimForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    return _form(
        request,
        form=form,
        save=lambda f: services.claim_submit(actor=request.user, **f.values()),
        title=_("Submit a conformity claim"),
        done=lambda saved: saved.get_absolute_url(),
        files=True,
    )
