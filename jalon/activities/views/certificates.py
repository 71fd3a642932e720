"""Certificates: the PDF of a completed registration, all of an activity's as one ZIP (a background job),
and the public page that checks a code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from jalon.activities import access, selectors
from jalon.activities.certificates import certificate_pdf_bytes, certificates_batch_start
from jalon.activities.forms import CertificateCheckForm
from jalon.activities.services import certificate_code_normalise

LANGUAGES = ("fr", "en")
CODE_MAX_LENGTH = selectors.CERTIFICATE_CODE_MAX_LENGTH


def _verify_url(request: HttpRequest, code: str, language: str) -> str:
    with translation.override(language):
        return request.build_absolute_uri(reverse("activities:certificate_check_code", kwargs={"code": code}))


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    registration = access.access_certificate(request.user, selectors.certificate_lookup(code=code))
    # The stored form of the code (the address may have it typed otherwise): the one the certificate prints.
    code = registration.certificate_code or code
    language = request.GET.get("lang")
    if language not in LANGUAGES:
        language = translation.get_language() if translation.get_language() in LANGUAGES else "fr"
    content = certificate_pdf_bytes(registration, language=language, verify_url=_verify_url(request, code, language))
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"certificate-{registration.certificate_code}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificates_batch(request: HttpRequest, code: str) -> HttpResponse:
    """All the activity's certificates in one ZIP, made in the background: to the job's page."""
    activity = access.access_activity(request.user, code)
    if not access.certificates_can_batch(request.user, activity):
        raise PermissionDenied
    try:
        job = certificates_batch_start(
            actor=request.user, activity=activity, base_url=request.build_absolute_uri("/").rstrip("/")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("activities:activity_detail", kwargs={"code": activity.code}) + "#participants")
    return redirect(job.get_absolute_url())


def _check_page(request: HttpRequest, form, *, code: str | None = None, registration=None) -> HttpResponse:
    response = render(
        request,
        "reach/certificate_check.html",
        {"form": form, "code": code, "registration": registration, "checked": code is not None},
    )
    # A holder's name is on the page: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex"
    return response


def certificate_check(request: HttpRequest) -> HttpResponse:
    """The public form; a valid submission goes to the page of the code (a link one can share)."""
    form = CertificateCheckForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("activities:certificate_check_code", code=form.cleaned_data["code"])
    return _check_page(request, form)


def certificate_check_code(request: HttpRequest, code: str) -> HttpResponse:
    registration = selectors.certificate_lookup(code=code)
    form = CertificateCheckForm(initial={"code": certificate_code_normalise(code[:CODE_MAX_LENGTH])})
    return _check_page(request, form, code=code[:CODE_MAX_LENGTH], registration=registration)
