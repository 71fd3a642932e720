from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access, services
from jalon.organisations.models import Organisation, Person
from jalon.organisations.selectors import organisation_list, organisation_memberships
from jalon.reference.models import Country, Region
from jalon.web.forms import MultilingualField, MultilingualFormMixin, form_errors_from
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("Any")), *Organisation.Kind.choices]
    )
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(kind__in=[Region.Kind.REGION, Region.Kind.SUB_REGION]).order_by("m49")
        self.fields["region"].choices = [("", gettext_lazy("Any"))] + [
            (r.m49, str(r.name) if r.kind == Region.Kind.REGION else f"— {r.name}") for r in regions
        ]


class OrganisationForm(MultilingualFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = MultilingualField(label=gettext_lazy("Name"), required=True, max_length=250)
    description = MultilingualField(label=gettext_lazy("Description"), multiline=True)

    class Meta:
        model = Organisation
        fields = list(services.ORGANISATION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by(text_in_database("name"))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = list(services.PERSON_FIELDS)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = access.organisations_changeable(user).order_by(
            TextOrder(text_in_database("name"))
        )
        # A contact without an organisation would be visible to managers only: require one.
        self.fields["organisation"].required = True
        self.fields["country"].queryset = Country.objects.order_by(text_in_database("name"))


def organisation_list_view(request):
    form = OrganisationFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = organisation_list(
        user=request.user,
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        region=filters.get("region", ""),
    )
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={
            "name": TextOrder(text_in_database("name")),
            "acronym": TextOrder("acronym"),
            "country": TextOrder(text_in_database("country__name")),
            "kind": "kind",
        },
        default="name",
    )
    page = paginate(request, queryset)
    return render(
        request,
        "web/organisation_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "can_create": access.organisation_can_create(request.user),
        },
    )


def organisation_detail(request, pk: int):
    organisation = get_object_or_404(access.organisations_visible(request.user).select_related("country"), pk=pk)
    can_see_people = access.people_can_list(request.user, organisation)
    people = access.people_visible(request.user).filter(organisation=organisation) if can_see_people else []
    return render(
        request,
        "web/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation_memberships(organisation=organisation),
            "members": organisation.members.select_related("member__country").order_by("member__acronym")[:500],
            "people": people,
            "can_see_people": can_see_people,
            "can_change": access.organisation_can_change(request.user, organisation),
            "can_add_person": access.person_can_change(request.user, organisation),
        },
    )


@login_required
def organisation_create(request):
    if not access.organisation_can_create(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            organisation = services.organisation_create(actor=request.user, **data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("web:organisation_detail", pk=organisation.pk)
    return render(request, "web/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(access.organisations_visible(request.user), pk=pk)
    if not access.organisation_can_change(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.organisation_update(
                actor=request.user, organisation=organisation, version=form.cleaned_data.get("version"), **data
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:organisation_detail", pk=organisation.pk)
    return render(request, "web/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def organisation_delete(request, pk: int):
    organisation = get_object_or_404(access.organisations_visible(request.user), pk=pk)
    if not access.organisation_can_delete(request.user, organisation):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.organisation_delete(actor=request.user, organisation=organisation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("web:organisation_detail", pk=organisation.pk)
        messages.success(request, _("Organisation deleted."))
        return redirect("web:organisation_list")
    return render(
        request, "web/confirm_delete.html", {"object": organisation, "cancel_url": organisation.get_absolute_url()}
    )


@login_required
def person_create(request, pk: int):
    organisation = get_object_or_404(access.organisations_visible(request.user), pk=pk)
    if not access.person_can_change(request.user, organisation):
        raise PermissionDenied
    form = PersonForm(
        request.POST or None, user=request.user, initial={"organisation": organisation, "country": organisation.country}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Contact added."))
            return redirect("web:organisation_detail", pk=organisation.pk)
    return render(request, "web/person_form.html", {"form": form, "organisation": organisation})
