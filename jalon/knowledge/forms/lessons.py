"""Forms of the lessons pages: a lesson, the list's filters, and citing a lesson on a proposal or an activity.
Choices come from knowledge.access.lessons, as the API offers them."""

from django import forms
from django.utils.translation import gettext_lazy

from jalon.activities.models import Activity
from jalon.assessments.models import Assessment
from jalon.knowledge.access import lessons as access
from jalon.knowledge.models import Lesson
from jalon.knowledge.services.lessons import LESSON_FIELDS, LESSON_RELATIONS
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.models import Result
from jalon.twinning.models import Arrangement
from jalon.web.files import upload_validate
from jalon.web.forms import ChoiceOfModel, ChoicesOfModel, MultilingualField, MultilingualForm

ANY = ("", gettext_lazy("Any"))


class ResultChoices(ChoicesOfModel):
    def label_from_instance(self, obj) -> str:
        return f"{obj.programme.code} · {obj}"


class LessonForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Lesson.Kind.choices)
    title = MultilingualField(label=gettext_lazy("Title"), required=True, max_length=300)
    description = MultilingualField(label=gettext_lazy("Description"), required=True, multiline=True)
    preconditions = MultilingualField(label=gettext_lazy("Context and preconditions"), multiline=True)
    targeted_users = MultilingualField(label=gettext_lazy("Who should use it"), multiline=True)
    challenges = MultilingualField(label=gettext_lazy("Challenges and causal factors"), multiline=True)
    success_factors = MultilingualField(label=gettext_lazy("Success factors"), multiline=True)
    administrative_issues = MultilingualField(label=gettext_lazy("Administrative issues"), multiline=True)
    replication = MultilingualField(
        label=gettext_lazy("Conditions to replicate it"),
        multiline=True,
        help_text=gettext_lazy("Required for a good practice."),
    )
    themes = forms.CharField(
        label=gettext_lazy("Themes"), required=False, max_length=1000, help_text=gettext_lazy("Separated by ;")
    )
    countries = ChoicesOfModel(label=gettext_lazy("Countries"), queryset=Country.objects.none(), required=False)
    results = ResultChoices(
        label=gettext_lazy("Results"),
        queryset=Result.objects.none(),
        required=False,
        help_text=gettext_lazy("The outcomes it informs: it is offered to proposals and activities for them."),
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Lesson.Source.choices)
    source_activity = ChoiceOfModel(label=gettext_lazy("Activity"), queryset=Activity.objects.none(), required=False)
    source_arrangement = ChoiceOfModel(
        label=gettext_lazy("Twinning arrangement"), queryset=Arrangement.objects.none(), required=False
    )
    source_assessment = ChoiceOfModel(
        label=gettext_lazy("Assessment"), queryset=Assessment.objects.none(), required=False
    )
    source_reference = forms.CharField(label=gettext_lazy("Source reference"), required=False, max_length=300)
    evidence = forms.CharField(label=gettext_lazy("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(label=gettext_lazy("Evidence file"), required=False, validators=[upload_validate])
    organisation = ChoiceOfModel(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, user, lesson: Lesson | None = None, **kwargs):
        if lesson is not None and "initial" not in kwargs:
            initial = {name: getattr(lesson, name) for name in LESSON_FIELDS if name != "evidence_file"}
            for name in ("source_activity", "source_arrangement", "source_assessment", "organisation"):
                initial[name] = getattr(lesson, f"{name}_id")
            initial["themes"] = "; ".join(lesson.themes)
            for name in LESSON_RELATIONS:
                initial[name] = list(getattr(lesson, name).values_list("pk", flat=True))
            kwargs["initial"] = {**initial, "version": lesson.version}
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = Country.objects.order_by("iso3")  # type: ignore[attr-defined]
        links = access.lesson_links_visible(user)  # only the records the user may see are offered
        choices = {
            "results": links["results"].select_related("programme").order_by("programme__code", "order"),
            "source_activity": links["source_activity"].order_by("-start_date"),
            "source_arrangement": links["source_arrangement"].select_related(
                "committee", "twinned_member", "lead_member"
            ),
            "source_assessment": links["source_assessment"].select_related("organisation"),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = access.lesson_organisation_choices(user).order_by("acronym")  # type: ignore[attr-defined]
        if not access.knowledge_is_team(user):
            self.fields["organisation"].required = True

    def values(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in (*LESSON_FIELDS, *LESSON_RELATIONS)}
        data["themes"] = [theme.strip() for theme in (data["themes"] or "").split(";") if theme.strip()]
        data["source_reference"] = data["source_reference"] or ""
        data["evidence"] = data["evidence"] or ""
        if not data["evidence_file"]:
            data.pop("evidence_file")
        return data


class LessonFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=[ANY, *Lesson.Kind.choices], required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=[ANY, *Lesson.Status.choices], required=False)


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CiteForm(forms.Form):
    lesson = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    how_applied = forms.CharField(
        label=gettext_lazy("How it was applied"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
