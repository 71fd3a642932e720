"""The committee list and a committee's page: members by status, leadership, history and meetings."""

import datetime

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from jalon.committees import access, selectors
from jalon.committees.forms import CommitteeFilterForm
from jalon.committees.models import ATTRIBUTION, ATTRIBUTION_URL, ITU_ATTRIBUTION, Committee, CommitteeMembership
from jalon.committees.profiles import committees_filtered, developing_ids, developing_rule, members_with_mark
from jalon.web.listing import paginate, query_without, sort_queryset

STATUS_LABELS = {
    CommitteeMembership.Status.P: _("P-members"),
    CommitteeMembership.Status.O: _("O-members"),
    CommitteeMembership.Status.LIAISON: _("Liaisons"),
}


def committee_list(request):
    form = CommitteeFilterForm(request.GET or None, user=request.user)
    filters, rule, on = form.filters_and_rule()
    queryset = committees_filtered(
        developing=developing_ids(rule, on),
        search=filters.get("q", ""),
        body=filters.get("body", ""),
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        developing_secretariat=bool(filters.get("developing_secretariat")),
        min_developing_p=filters.get("min_developing_p"),
        member=filters.get("member", ""),
        country=filters.get("country", ""),
        sector=filters["sector"].code if filters.get("sector") else "",
    )
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={"reference": "sort_key", "p": "p_count", "o": "o_count", "developing_p": "developing_p_count"},
        default="reference",
    )
    return render(
        request,
        "committees/committee_list.html",
        {
            "form": form,
            "page": paginate(request, queryset),
            "sort": sort,
            "rule": rule,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "can_manage": access.committee_can_manage(request.user),
            "can_import": access.iso_import_can_start(request.user),
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
            "itu_attribution": ITU_ATTRIBUTION,
        },
    )


def committee_detail(request, pk: int):
    committee = access.access_committee(request.user, pk)
    rule, on = developing_rule()
    developing = developing_ids(rule, on)
    today = datetime.date.today()
    members = list(members_with_mark(committee=committee, developing=developing, on=today))
    roles = selectors.committee_roles(committee)
    current_roles = [
        role
        for role in roles
        if (role.start_date is None or role.start_date <= today) and (role.end_date is None or role.end_date >= today)
    ]
    can_see_delegates = access.meeting_delegates_can_list(request.user)
    delegates = access.meeting_delegates_visible(request.user) if can_see_delegates else None
    history = paginate(request, selectors.committee_history(committee=committee))
    secretariat = committee.secretariat
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "children": selectors.committee_children(committee, on=today),
            "by_status": [
                (status, label, [m for m in members if m.status == status]) for status, label in STATUS_LABELS.items()
            ],
            "current_roles": current_roles,
            "past_roles": [role for role in roles if role not in current_roles],
            # Names of people are personal data: shown only to those who may see that person's record.
            "visible_people": selectors.people_named(request.user, roles),
            "meetings": selectors.committee_meetings(committee, delegates=delegates),
            "can_see_delegates": can_see_delegates,
            "history": history,
            "page": history,
            "query": query_without(request, "page"),
            "rule": rule,
            "secretariat_developing": secretariat is not None
            and selectors.country_is_developing(secretariat.country_id, developing),
            "can_manage": access.committee_can_manage(request.user),
            "can_register": access.delegate_can_register(request.user, None),
            # Credit the source the committee's data came from (committees added by hand have none).
            "attribution": ATTRIBUTION if committee.body in (Committee.Body.ISO, Committee.Body.IEC_ISO) else "",
            "attribution_url": ATTRIBUTION_URL,
            "itu_attribution": ITU_ATTRIBUTION if committee.body == Committee.Body.ITU_T else "",
        },
    )
