"""My API tokens: the list (active and past), making one (its key shown once), revoking one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jalon.api import tokens
from jalon.lib.ids import valid_id


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses it, e.g. “Monthly export to the dashboard”."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Lasts"),
        coerce=int,
        initial=tokens.DEFAULT_LIFETIME,
        choices=[(days, gettext_lazy("%(days)s days") % {"days": days}) for days in tokens.LIFETIMES],
    )


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = tokens.token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "new_key": new_key, "tokens": tokens.tokens_of(request.user)},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.tokens_of(request.user).filter(pk=pk).first() if valid_id(pk) else None
    if token is None:
        raise Http404  # another person's token does not exist for this one
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("api_tokens:token_list")
