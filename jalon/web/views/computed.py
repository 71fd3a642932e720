"""Linking an indicator to a computation, and recomputing it on demand (programme managers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jalon.results import access
from jalon.results.computations import REGISTRY, indicator_link_computation, indicator_refresh
from jalon.results.models import Indicator


def _managed_indicator(request, code: str, pk: int) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("result__programme"),
        pk=pk,
        result__programme__in=access.programmes_visible(request.user),
        result__programme__code=code,
    )
    if not access.programme_can_manage(request.user, indicator.result.programme):
        raise PermissionDenied
    return indicator


@login_required
@require_POST
def indicator_computation(request, code: str, pk: int):
    indicator = _managed_indicator(request, code, pk)
    key = request.POST.get("computation", "")
    if key and key not in REGISTRY:
        messages.error(request, _("Unknown computation."))
        return redirect(indicator.get_absolute_url())
    try:
        indicator_link_computation(actor=request.user, indicator=indicator, key=key)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The indicator is now computed.") if key else _("The indicator is now reported by hand.")
        )
    return redirect(indicator.get_absolute_url())


@login_required
@require_POST
def indicator_recompute(request, code: str, pk: int):
    indicator = _managed_indicator(request, code, pk)
    if indicator.source != Indicator.Source.COMPUTED:
        messages.error(request, _("This indicator is reported by hand: there is nothing to recompute."))
    else:
        changed = indicator_refresh(indicator=indicator, actor=request.user)
        messages.success(
            request,
            ngettext("Recomputed: %(n)d value changed.", "Recomputed: %(n)d values changed.", changed) % {"n": changed},
        )
    return redirect(indicator.get_absolute_url())
