"""Writing an indicator's narrative for a period: what happened, why it differs from the milestone, what
comes next, in the programme's languages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from jalon.results import access, selectors, services
from jalon.results.forms import NarrativeForm, programme_languages
from jalon.results.models import Period
from jalon.web.pages import form_page

FIELDS = services.NARRATIVE_FIELDS


@login_required
def narrative_edit(request, code: str, pk: int, period: int):
    indicator = access.access_indicator(request.user, code, pk)
    programme = indicator.result.programme
    if not access.narrative_can_write(request.user, programme):
        raise PermissionDenied
    chosen = get_object_or_404(Period, pk=period, programme=programme)
    narrative = selectors.narrative_of(indicator, chosen)
    form = NarrativeForm(
        request.POST or None,
        languages=programme_languages(programme),
        initial={name: getattr(narrative, name) for name in FIELDS} if narrative else None,
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.narrative_save(
            actor=request.user, indicator=indicator, period=chosen, **f.data_for_service(*FIELDS)
        ),
        done=lambda saved: f"{indicator.get_absolute_url()}#p{chosen.pk}",
        template="results/narrative_form.html",
        context={
            "programme": programme,
            "title": _("Narrative of %(indicator)s, %(period)s") % {"indicator": indicator.code, "period": chosen},
            "cancel_url": indicator.get_absolute_url(),
        },
    )
