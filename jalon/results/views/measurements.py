"""Reporting a value on an indicator, changing it, and its review by the programme's managers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jalon.results import access, selectors, services
from jalon.results.forms import CommentForm, MeasurementForm, ReviewForm
from jalon.web.files import private_file
from jalon.web.forms import form_errors_from
from jalon.web.listing import paginate, query_without
from jalon.web.pages import form_page


@login_required
def measurement_create(request, code: str, pk: int):
    indicator = access.access_indicator(request.user, code, pk, report=True)
    form = MeasurementForm(request.POST or None, request.FILES or None, indicator=indicator, user=request.user)
    return form_page(
        request,
        form=form,
        save=lambda f: services.measurement_create(
            actor=request.user,
            indicator=indicator,
            period=f.cleaned_data["period"],
            submit=f.cleaned_data.get("submit_now", False),
            **f.for_service(),
        ),
        done=lambda saved: indicator.get_absolute_url(),
        message=_("Value recorded."),
        template="results/measurement_form.html",
        context={"indicator": indicator, "programme": indicator.result.programme},
    )


@login_required
def measurement_edit(request, pk: int):
    measurement = access.access_measurement(request.user, pk, edit=True, saving=request.method == "POST")
    indicator = measurement.indicator
    amending = measurement.status == measurement.Status.APPROVED
    form = MeasurementForm(
        request.POST or None, request.FILES or None, instance=measurement, indicator=indicator, user=request.user
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.measurement_update(
            actor=request.user,
            measurement=measurement,
            version=f.cleaned_data.get("version"),
            submit=f.cleaned_data.get("submit_now", False),
            **f.for_service(),
        ),
        done=lambda saved: indicator.get_absolute_url(),
        message=_(
            "Your change is waiting for approval as an amendment: the approved value counts until it is approved."
        )
        if amending
        else None,
        template="results/measurement_form.html",
        context={
            "indicator": indicator,
            "programme": indicator.result.programme,
            "measurement": measurement,
            "amending": amending,
        },
    )


@login_required
def measurement_review(request, pk: int):
    measurement = access.access_measurement(request.user, pk, review=True)
    if request.method != "POST":
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.measurement_review(
                actor=request.user,
                measurement=measurement,
                approve=approve,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Value approved.") if approve else _("Value returned to its author."))
    else:
        messages.error(request, _("Choose approve or return."))
    # Back to the page the decision was taken on, but never to another site (an open redirect).
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = measurement.indicator.get_absolute_url()
    return redirect(next_url)


def _approve_several(request) -> None:
    """Approve or return the ticked values at once ("<id>:<version>" each, the version shown): each goes
    through the service, which checks access and version; what it refuses is said, the rest is done."""
    form = ReviewForm({"decision": request.POST.get("decision"), "note": request.POST.get("note", ""), "version": 0})
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return
    approve = form.cleaned_data["decision"] == "approve"
    done, refused = 0, []
    for ticked in request.POST.getlist("selected"):
        pk, _sep, version = ticked.partition(":")
        if not (pk.isdigit() and version.isdigit()):
            continue
        try:
            measurement = access.access_measurement(request.user, int(pk), review=True)
            services.measurement_review(
                actor=request.user,
                measurement=measurement,
                approve=approve,
                note=form.cleaned_data["note"],
                version=int(version),
            )
        except (ValidationError, PermissionDenied, Http404) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("not yours to review")
            refused.append(f"#{pk}: {reason}")
        else:
            done += 1
    if done:
        if approve:
            said = ngettext("%(n)s value approved.", "%(n)s values approved.", done)
        else:
            said = ngettext("%(n)s value returned to its author.", "%(n)s values returned to their authors.", done)
        messages.success(request, said % {"n": done})
    for line in refused:
        messages.error(request, line)
    if not done and not refused:
        messages.error(request, _("Tick the values to approve or return."))


def measurement_evidence(request, pk: int):
    """The evidence file of a reported value, to whoever sees the value (404 otherwise, as for the value)."""
    measurement = access.access_measurement(request.user, pk)
    if not measurement.evidence:
        raise Http404
    return private_file(measurement.evidence)


@login_required
def approval_queue(request):
    """What waits for the user's approval, oldest first, in the programmes they manage."""
    if not access.approval_queue_can_open(request.user):
        raise PermissionDenied
    if request.method == "POST":
        _approve_several(request)
        return redirect(request.get_full_path())
    page = paginate(request, selectors.approval_queue(user=request.user))
    return render(
        request,
        "results/approval_queue.html",
        {"measurements": page.object_list, "page": page, "query": query_without(request, "page")},
    )


@login_required
def measurement_comments(request, pk: int):
    """A reported value and its comment thread, to those concerned by it (access.measurement_can_comment),
    who write in it; the others concerned are told by e-mail."""
    measurement = access.access_measurement(request.user, pk)
    if not access.measurement_can_comment(request.user, measurement):
        raise PermissionDenied
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_comment_add(
                actor=request.user, measurement=measurement, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Comment added."))
            return redirect(request.path)
    return render(
        request,
        "results/measurement_comments.html",
        {
            "measurement": measurement,
            "indicator": measurement.indicator,
            "programme": measurement.indicator.result.programme,
            "comments": selectors.measurement_thread(measurement),
            "form": form,
        },
    )
