"""Linking an indicator to a computation, and recomputing it on demand (programme managers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jalon.results import access
from jalon.results.computations import indicator_link_computation, indicator_refresh
from jalon.results.models import Indicator


@login_required
@require_POST
def indicator_computation(request, code: str, pk: int):
    indicator = access.access_indicator(request.user, code, pk, manage=True)
    key = request.POST.get("computation", "")
    try:  # the service refuses an unknown computation, and one over values typed by hand
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
    indicator = access.access_indicator(request.user, code, pk, manage=True)
    if indicator.source != Indicator.Source.COMPUTED:
        messages.error(request, _("This indicator is reported by hand: there is nothing to recompute."))
    else:
        changed = indicator_refresh(indicator=indicator, actor=request.user)
        messages.success(
            request,
            ngettext("Recomputed: %(n)d value changed.", "Recomputed: %(n)d values changed.", changed) % {"n": changed},
        )
    return redirect(indicator.get_absolute_url())
