"""The shape of every edit and delete page: validate, hand to a service, show its refusal or move on."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.web.forms import form_errors_from


def form_page(
    request,
    *,
    form,
    save: Callable,
    done: Callable,
    template: str,
    context: dict | None = None,
    message: str | None = None,
    field_for: Callable[[str], str | None] | None = None,
):
    """GET shows the form. A valid POST goes to `save(form)`; a service's refusal shows on the form, beside
    the inputs it is about (a version conflict at the top, the person's entry kept); success says so and
    redirects to `done(saved)`."""
    if request.method == "POST" and _version_missing(form):
        # An edit form always carries the version it showed: without it, the save could overwrite someone
        # else's (a forged or truncated post). Shown like a conflict, above the form.
        form.is_valid()
        form.add_error(None, VERSION_MISSING)
    elif request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            form_errors_from(exc, form, field_for=field_for)
        else:
            messages.success(request, message or _("Changes saved."))
            return redirect(done(saved))
    return render(request, template, {"form": form, **(context or {})})


VERSION_MISSING = gettext_lazy(
    "This form was sent without the version of the record it showed: reload the page, check the record and save again."
)


def _version_missing(form) -> bool:
    """An edit form (it shows a record's version) posted back without it."""
    field = form.fields.get("version")
    if field is None or field.disabled:
        return False
    shown = form.initial.get("version", field.initial)
    return shown not in (None, "") and not form.data.get(form.add_prefix("version"))


def delete_page(
    request,
    *,
    obj,
    delete: Callable[[], object],
    done_url: str,
    cancel_url: str,
    message: str,
    context: dict | None = None,
    template: str = "web/confirm_delete.html",
):
    """A confirmation page; the POST deletes, or says why it cannot and goes back."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(cancel_url)
        messages.success(request, message)
        return redirect(done_url)
    return render(request, template, {"object": obj, "cancel_url": cancel_url, **(context or {})})
