"""Forms of the library pages: a resource's Dublin Core record, a language version's file, the list's filters
and the country chosen on download."""

from django import forms
from django.utils.translation import gettext_lazy

from jalon.activities.models import Activity
from jalon.committees.models import Committee
from jalon.knowledge.access.lessons import knowledge_is_team, lesson_organisation_choices
from jalon.knowledge.forms.lessons import ANY, ResultChoices
from jalon.knowledge.models import Resource
from jalon.knowledge.services.library import RESOURCE_FIELDS, RESOURCE_RELATIONS
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, Language
from jalon.results.models import Result
from jalon.web.files import upload_validate
from jalon.web.forms import ChoiceOfModel, ChoicesOfModel, MultilingualField, MultilingualForm, date_field


def _words(text: str | None) -> list[str]:
    return [word.strip() for word in (text or "").split(";") if word.strip()]


class ResourceForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = MultilingualField(label=gettext_lazy("Title"), required=True, max_length=300)
    creator = forms.CharField(label=gettext_lazy("Creator"), max_length=300)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300, required=False)
    description = MultilingualField(label=gettext_lazy("Description"), multiline=True)
    publisher = forms.CharField(label=gettext_lazy("Publisher"), max_length=300, required=False)
    date = date_field(gettext_lazy("Date"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=Resource.Type.choices)
    identifier = forms.CharField(label=gettext_lazy("Identifier"), max_length=300, required=False)
    relation = forms.CharField(label=gettext_lazy("Relation"), max_length=300, required=False)
    coverage = forms.CharField(label=gettext_lazy("Coverage"), max_length=300, required=False)
    rights = forms.CharField(label=gettext_lazy("Rights"), max_length=300, required=False)
    licence = forms.CharField(label=gettext_lazy("Licence"), max_length=100, required=False)
    standards = forms.CharField(
        label=gettext_lazy("Standards"), max_length=2000, required=False, help_text=gettext_lazy("Separated by ;")
    )
    ics_codes = forms.CharField(
        label=gettext_lazy("ICS codes"),
        max_length=1000,
        required=False,
        help_text=gettext_lazy("Separated by ;, e.g. 03.120.10"),
    )
    committees = ChoicesOfModel(label=gettext_lazy("Committees"), queryset=Committee.objects.none(), required=False)
    results = ResultChoices(label=gettext_lazy("Results"), queryset=Result.objects.none(), required=False)
    activities = ChoicesOfModel(label=gettext_lazy("Activities"), queryset=Activity.objects.none(), required=False)
    organisation = ChoiceOfModel(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, user, resource: Resource | None = None, **kwargs):
        if resource is not None and "initial" not in kwargs:
            initial = {name: getattr(resource, name) for name in RESOURCE_FIELDS}
            initial["organisation"] = resource.organisation_id
            initial["standards"] = "; ".join(resource.standards)
            initial["ics_codes"] = "; ".join(resource.ics_codes)
            for name in RESOURCE_RELATIONS:
                initial[name] = list(getattr(resource, name).values_list("pk", flat=True))
            kwargs["initial"] = {**initial, "version": resource.version}
        super().__init__(*args, **kwargs)
        self.fields["committees"].queryset = Committee.objects.order_by("sort_key", "reference")  # type: ignore[attr-defined]
        self.fields["results"].queryset = Result.objects.select_related("programme").order_by(  # type: ignore[attr-defined]
            "programme__code", "order"
        )
        self.fields["activities"].queryset = Activity.objects.order_by("-start_date")  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = lesson_organisation_choices(user).order_by("acronym")  # type: ignore[attr-defined]
        if not knowledge_is_team(user):
            self.fields["organisation"].required = True

    def values(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in (*RESOURCE_FIELDS, *RESOURCE_RELATIONS)}
        data["standards"] = _words(data["standards"])
        data["ics_codes"] = _words(data["ics_codes"])
        for name in ("subject", "publisher", "identifier", "relation", "coverage", "rights", "licence"):
            data[name] = data[name] or ""
        return data


class ResourceFileForm(forms.Form):
    # Chosen by its code (en, fr...), not by an id.
    language = forms.ModelChoiceField(
        label=gettext_lazy("Language"), queryset=Language.objects.none(), to_field_name="code"
    )
    file = forms.FileField(label=gettext_lazy("File"), validators=[upload_validate])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].queryset = Language.objects.order_by("code")


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=[ANY, *Resource.Type.choices], required=False)
    language = forms.CharField(label=gettext_lazy("Language"), required=False, max_length=12)
    ics = forms.CharField(label=gettext_lazy("ICS code"), required=False, max_length=20)


class DownloadForm(forms.Form):
    """The country a download counts for, when the signed-in person's organisation does not say it."""

    country = ChoiceOfModel(
        label=gettext_lazy("Your country"),
        queryset=Country.objects.none(),
        required=False,
        help_text=gettext_lazy("Counted anonymously, to know where the library is used."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("iso3")
