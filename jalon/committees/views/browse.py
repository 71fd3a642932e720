"""Pages of committees and participation: the committee list and page, a country's and a member's
participation over time, and developing versus developed members side by side. The forms are in
committee_forms.py."""

import datetime

from django import forms
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from jalon.committees import access
from jalon.committees.models import (
    ATTRIBUTION,
    ATTRIBUTION_URL,
    ITU_ATTRIBUTION,
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.committees.profiles import (
    committees_filtered,
    developing_ids,
    developing_rule,
    members_with_counts,
    members_with_mark,
    participation_years,
)
from jalon.committees.selectors import (
    committee_history,
    committees_with_counts,
    membership_in_force,
    participation_of,
    participation_series,
    share,
)
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results import access as results_access
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters
from jalon.web.views.committee_charts import grouped_bars

STATUS_LABELS = {
    CommitteeMembership.Status.P: _("P-members"),
    CommitteeMembership.Status.O: _("O-members"),
    CommitteeMembership.Status.LIAISON: _("Liaisons"),
}


class RuleForm(forms.Form):
    """The programme whose "developing country" rule a page applies (none: the OECD DAC list)."""

    programme = forms.ModelChoiceField(
        label=_("Developing countries by the rule of"),
        required=False,
        queryset=None,
        empty_label=_("OECD DAC list (default)"),
        to_field_name="code",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = results_access.programmes_visible(user).select_related("developing_rule")


class CommitteeFilterForm(RuleForm):
    q = forms.CharField(label=_("Reference or title"), required=False, max_length=100)
    body = forms.ChoiceField(label=_("Body"), required=False, choices=[("", _("Any")), *Committee.Body.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *Committee.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Committee.Status.choices])
    developing_secretariat = forms.BooleanField(label=_("Developing-country secretariat"), required=False)
    min_developing_p = forms.IntegerField(
        label=_("At least this many developing-country P-members"), required=False, min_value=0, max_value=1000
    )
    member = forms.CharField(label=_("Member (acronym)"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country of a member"), required=False)

    field_order = ["q", "body", "kind", "status", "member", "country", "developing_secretariat", "min_developing_p"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = (
            Country.objects.filter(organisations__committee_memberships__isnull=False)
            .distinct()
            .annotate(shown=text_in_database("name"))
        )
        self.fields["country"].choices = [("", _("Any"))] + list(
            countries.order_by("shown").values_list("iso3", "shown")
        )


def _rule(form):
    filters = valid_filters(form)
    rule, on = developing_rule(filters.get("programme"))
    return filters, rule, on


def committee_list(request):
    form = CommitteeFilterForm(request.GET or None, user=request.user)
    filters, rule, on = _rule(form)
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
    )
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={"reference": "sort_key", "p": "p_count", "o": "o_count", "developing_p": "developing_p_count"},
        default="reference",
    )
    page = paginate(request, queryset)
    return render(
        request,
        "committees/committee_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "rule": rule,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "can_manage": access.committee_can_manage(request.user),
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
            "itu_attribution": ITU_ATTRIBUTION,
        },
    )


def _committee(request, pk):
    return get_object_or_404(
        access.committee_data_visible(request.user, Committee.objects.all()).select_related(
            "parent", "secretariat__country"
        ),
        pk=pk,
    )


def committee_detail(request, pk: int):
    committee = _committee(request, pk)
    rule, on = developing_rule()
    developing = developing_ids(rule, on)
    today = datetime.date.today()
    members = list(members_with_mark(committee=committee, developing=developing, on=today))
    by_status = [(status, label, [m for m in members if m.status == status]) for status, label in STATUS_LABELS.items()]
    roles = list(
        LeadershipRole.objects.filter(committee=committee)
        .select_related("organisation__country", "person")
        .order_by("role", "-start_date", "pk")
    )
    # Names of people are personal data: shown only to those who may see that person's record.
    visible_people = set(
        organisations_access.people_visible(request.user)
        .filter(pk__in=[role.person_id for role in roles if role.person_id])
        .values_list("pk", flat=True)
    )
    current_roles = [
        role
        for role in roles
        if (role.start_date is None or role.start_date <= today) and (role.end_date is None or role.end_date >= today)
    ]
    past_roles = [role for role in roles if role not in current_roles]
    can_see_delegates = access.meeting_delegates_can_list(request.user)
    prefetches = [
        Prefetch("contributions", queryset=Contribution.objects.select_related("organisation").order_by("submitted_on"))
    ]
    if can_see_delegates:
        prefetches.append(
            Prefetch(
                "delegates",
                queryset=access.meeting_delegates_visible(
                    request.user, MeetingDelegate.objects.select_related("person", "organisation")
                ).order_by("organisation__acronym", "person__family_name"),
                to_attr="visible_delegates",
            )
        )
    meetings = (
        Meeting.objects.filter(committee=committee).select_related("country", "host").prefetch_related(*prefetches)
    )
    history = paginate(request, committee_history(committee=committee))
    secretariat_developing = bool(
        committee.secretariat
        and committee.secretariat.country_id
        and Country.objects.filter(pk=committee.secretariat.country_id, pk__in=developing).exists()
    )
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "children": committees_with_counts(committee.children.all(), on=today).order_by("sort_key"),
            "by_status": by_status,
            "current_roles": current_roles,
            "past_roles": past_roles,
            "visible_people": visible_people,
            "meetings": meetings,
            "can_see_delegates": can_see_delegates,
            "history": history,
            "page": history,
            "query": query_without(request, "page"),
            "rule": rule,
            "secretariat_developing": secretariat_developing,
            "can_manage": access.committee_can_manage(request.user),
            "can_register": access.delegate_can_register(request.user, None),
            # Credit the source the committee's data came from (committees added by hand have none).
            "attribution": ATTRIBUTION if committee.body in (Committee.Body.ISO, Committee.Body.IEC_ISO) else "",
            "attribution_url": ATTRIBUTION_URL,
            "itu_attribution": ITU_ATTRIBUTION if committee.body == Committee.Body.ITU_T else "",
        },
    )


SERIES_BARS = [("p_count", _("P-memberships")), ("o_count", _("O-memberships"))]


def _profile(request, *, organisations, template: str, context: dict, form, rule, on):
    """What a country's and a member's profile share: the yearly series with its chart, today's measures,
    leadership roles held, meetings attended, contributions and the events timeline."""
    today = datetime.date.today()
    years = participation_years(organisations=organisations, today=today)
    series = participation_series(years=years, organisations=organisations, today=today)
    roles = (
        LeadershipRole.objects.filter(organisation__in=organisations)
        .select_related("committee", "organisation")
        .order_by(F("end_date").desc(nulls_first=True), "committee__sort_key", "role")
    )
    attended = (
        MeetingDelegate.objects.filter(organisation__in=organisations, present=True)
        .values(
            "meeting_id",
            "meeting__start_date",
            "meeting__committee_id",
            "meeting__committee__reference",
            "meeting__title",
            "meeting__mode",
            "meeting__city",
        )
        .distinct()
        .order_by("-meeting__start_date", "meeting_id")[:200]
    )
    contributions = (
        Contribution.objects.filter(organisation__in=organisations)
        .select_related("meeting__committee", "organisation")
        .order_by("-submitted_on", "pk")[:200]
    )
    events = paginate(
        request,
        ParticipationEvent.objects.filter(
            Q(organisation__in=organisations) | Q(previous_organisation__in=organisations)
        )
        .select_related("committee", "organisation", "previous_organisation")
        .order_by("-date", "committee__sort_key", "pk"),
    )
    chart_label = context.pop("chart_label")
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "rule": rule,
            "rule_on": on,
            "series": series,
            "chart": grouped_bars(series, SERIES_BARS, label=chart_label),
            "roles": roles,
            "attended": attended,
            "contributions": contributions,
            "events": events,
            "page": events,
            "query": query_without(request, "page"),
            "today": today,
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
        },
    )


def country_profile(request, iso3: str):
    if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha()):
        raise Http404
    country = get_object_or_404(Country, iso3=iso3.upper())
    organisations = organisations_access.organisations_visible(request.user).filter(country=country)
    today = datetime.date.today()
    form = RuleForm(request.GET or None, user=request.user)
    _filters, rule, on = _rule(form)
    developing = rule is not None and Country.objects.filter(pk=country.pk, pk__in=developing_ids(rule, on)).exists()
    members = members_with_counts(organisations=organisations, on=today)
    return _profile(
        request,
        form=form,
        rule=rule,
        on=on,
        organisations=organisations,
        template="committees/country_profile.html",
        context={
            "country": country,
            "developing": developing,
            "measures": participation_of(country=country, on=today),
            "members": members,
            "chart_label": _("P- and O-memberships of %(country)s's members by year") % {"country": country.name},
        },
    )


def member_profile(request, pk: int):
    organisation = get_object_or_404(
        organisations_access.organisations_visible(request.user).select_related("country"), pk=pk
    )
    today = datetime.date.today()
    memberships = (
        CommitteeMembership.objects.filter(member=organisation)
        .filter(membership_in_force(today))
        .select_related("committee")
        .order_by("-status", "committee__sort_key")  # p, o, liaison
    )
    return _profile(
        request,
        form=None,
        rule=None,
        on=None,
        organisations=Organisation.objects.filter(pk=organisation.pk),
        template="committees/member_profile.html",
        context={
            "organisation": organisation,
            "measures": participation_of(organisation=organisation, on=today),
            "memberships": memberships,
            "chart_label": _("P- and O-memberships of %(member)s by year")
            % {"member": organisation.acronym or organisation.name},
        },
    )


OVERVIEW_BARS = [
    ("developing_p", _("P-memberships of developing-country members")),
    ("developed_p", _("P-memberships of other members")),
]


def participation_overview(request):
    today = datetime.date.today()
    form = RuleForm(request.GET or None, user=request.user)
    _filters, rule, on = _rule(form)
    developing = developing_ids(rule, on)
    groups = {
        "developing": Organisation.objects.filter(country__in=developing),
        "developed": Organisation.objects.filter(country__isnull=False).exclude(country__in=developing),
    }
    years = participation_years(today=today)
    parts = {name: participation_series(years=years, organisations=orgs, today=today) for name, orgs in groups.items()}
    rows = []
    for developing_row, developed_row in zip(parts["developing"], parts["developed"], strict=True):
        p_total = developing_row["p_count"] + developed_row["p_count"]
        rows.append(
            {
                "year": developing_row["year"],
                "as_of": developing_row["as_of"],
                "committees": developing_row["committees"],
                "developing_p": developing_row["p_count"],
                "developing_o": developing_row["o_count"],
                "developing_leadership": developing_row["leadership"],
                "developing_meetings": developing_row["meetings_attended"],
                "developing_contributions": developing_row["contributions"],
                "developed_p": developed_row["p_count"],
                "developed_o": developed_row["o_count"],
                "developed_leadership": developed_row["leadership"],
                "developed_meetings": developed_row["meetings_attended"],
                "developed_contributions": developed_row["contributions"],
                "developing_p_share": share(developing_row["p_count"], p_total),
            }
        )
    return render(
        request,
        "committees/participation_overview.html",
        {
            "form": form,
            "rule": rule,
            "rule_on": on,
            "rows": rows,
            "chart": grouped_bars(
                rows, OVERVIEW_BARS, label=_("P-memberships by year, developing versus other members")
            ),
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
        },
    )
