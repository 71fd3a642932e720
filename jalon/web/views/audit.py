from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from jalon.accounts import access as accounts_access
from jalon.accounts.models import AuditEntry
from jalon.web.listing import paginate, query_without


class AuditFilterForm(forms.Form):
    model = forms.CharField(label=_("Record type"), required=False, max_length=100)
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any")), *AuditEntry.Action.choices])


@login_required
def audit_list(request):
    if not accounts_access.audit_can_view(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    queryset = accounts_access.audit_visible(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["model"]:
            queryset = queryset.filter(model__icontains=data["model"])
        if data["actor"]:
            queryset = queryset.filter(actor_name__icontains=data["actor"])
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
    page = paginate(request, queryset.order_by("-at", "-id"))
    return render(request, "web/audit_list.html", {"form": form, "page": page, "query": query_without(request, "page")})


@login_required
def audit_detail(request, pk: int):
    if not accounts_access.audit_can_view(request.user):
        raise PermissionDenied
    entry = get_object_or_404(accounts_access.audit_visible(request.user), pk=pk)
    return render(request, "web/audit_detail.html", {"entry": entry})
