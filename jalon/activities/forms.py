"""The forms of the activities pages: list and reach filters, the organisers' forms (activity, session,
material), registration and evaluation, the join of duplicate people, the certificate check and the
participant import's upload. They validate what a person typed; the services decide what may be saved."""

from collections.abc import Callable
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.choices import CallableChoiceIterator
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.activities import access, selectors, services
from jalon.activities.models import (
    Activity,
    ActivityLevel,
    ActivitySession,
    ActivityType,
    FollowUp,
    Material,
    Registration,
)
from jalon.activities.reach import ReachFilters
from jalon.interop import spreadsheets
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in, text_in_database
from jalon.organisations import access as organisations_access
from jalon.organisations.forms import PersonSearchField
from jalon.organisations.models import Organisation, Person
from jalon.reference.forms import region_choices
from jalon.reference.models import Country, Currency, Language, Region
from jalon.results import access as results_access
from jalon.results.models import Level
from jalon.web.files import upload_validate
from jalon.web.forms import ChoicesOfModel, MultilingualField, MultilingualFormMixin, date_field
from jalon.web.listing import valid_filters

ANY = ("", gettext_lazy("Any"))
# The languages offered for an activity or a material before any activity uses another: the UN's and
# Portuguese (Lusophone Africa).
COMMON_LANGUAGES = ["ar", "en", "es", "fr", "ru", "zh", "pt"]


# Filters (list, calendar, reach) ---------------------------------------------------------------------------


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False, choices=[ANY, *Activity.Type.choices])
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False, choices=[ANY, *Activity.Level.choices])
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[ANY, *Activity.Status.choices])
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    programme = forms.ChoiceField(label=gettext_lazy("Programme"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, dates=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [ANY] + [
            (iso3, name)
            for iso3, name in Country.objects.annotate(shown=text_in_database("name"))
            .order_by("shown")
            .values_list("iso3", "shown")
        ]
        self.fields["region"].choices = region_choices()
        # Only the languages some activity is given in: the full ISO 639 list would weigh on every visit.
        languages = Language.objects.filter(pk__in=Activity.languages.through.objects.values("language_id"))
        self.fields["language"].choices = [ANY] + [(lang.code, str(lang.name)) for lang in languages]
        self.fields["programme"].choices = [ANY] + [
            (programme.code, str(programme)) for programme in results_access.programmes_visible(user).order_by("code")
        ]
        if not dates:
            del self.fields["date_from"], self.fields["date_to"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data


class _ReadOnce(CallableChoiceIterator):
    """Choices read from the database when first iterated, then kept (rendering a select iterates twice)."""

    def __init__(self, func: Callable[[], list[tuple[str, str]]]) -> None:
        super().__init__(func)
        self.read: list | None = None

    def __iter__(self):
        if self.read is None:
            self.read = list(super().__iter__())
        yield from self.read


class ReachFilterForm(forms.Form):
    programme = forms.ChoiceField(label=gettext_lazy("Programme"), required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1900, max_value=2200)
    date_from = date_field(gettext_lazy("From"), required=False)
    date_to = date_field(gettext_lazy("To"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("Activity type"), required=False, choices=[ANY, *ActivityType.choices])
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False, choices=[ANY, *ActivityLevel.choices])
    region = forms.ChoiceField(label=gettext_lazy("Participants' region"), required=False)

    def __init__(self, *args, user, with_region: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = results_access.programmes_visible(user).order_by("code").only("pk", "code", "title")
        self.programmes = {programme.code: programme for programme in programmes}
        cast(forms.ChoiceField, self.fields["programme"]).choices = [ANY] + [
            # Long titles would stretch the filter bar past the screen.
            (programme.code, Truncator(text_in(programme.title) or programme.code).chars(60))
            for programme in self.programmes.values()
        ]
        if with_region:
            # Read when the field is rendered or a region is asked for: a reach page whose filter form is
            # cached (views/reach.py) then reads no region at all.
            cast(forms.ChoiceField, self.fields["region"]).choices = _ReadOnce(region_choices)
        else:
            del self.fields["region"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
            data.pop("date_to", None)
        return data

    def filters(self) -> ReachFilters:
        data = valid_filters(self)
        programme = self.programmes.get(data.get("programme"))
        return ReachFilters(
            programme_id=programme.pk if programme else None,
            year=data.get("year"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            type=data.get("type", ""),
            level=data.get("level", ""),
            region=data.get("region", ""),
        )


# Organisers' forms ------------------------------------------------------------------------------------------


class ActivityForm(MultilingualFormMixin, forms.ModelForm):
    # Not required here: the service names a missing title beside the other mistakes, all at once.
    title = MultilingualField(label=gettext_lazy("Title"), max_length=300)
    description = MultilingualField(label=gettext_lazy("Description"), multiline=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [
            "code",
            "title",
            "description",
            "type",
            "modality",
            "level",
            "region",
            "countries",
            "languages",
            "start_date",
            "end_date",
            "venue",
            "venue_country",
            "capacity",
            "registration_deadline",
            "organiser",
            "partners",
            "donors",
            "status",
            "planned_budget",
            "planned_budget_currency",
            "actual_cost",
            "actual_cost_currency",
            "outputs",
            "published",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        # Ids checked before the database sees them: a huge one failed on SQLite (OverflowError, a 500).
        field_classes = dict.fromkeys(("countries", "languages", "partners", "donors", "outputs"), ChoicesOfModel)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = Country.objects.order_by(TextOrder(text_in_database("name")))
        self.fields["venue_country"].queryset = Country.objects.order_by(TextOrder(text_in_database("name")))
        self.fields["region"].queryset = Region.objects.exclude(kind=Region.Kind.WORLD).order_by(
            TextOrder(text_in_database("name"))
        )
        self.fields["languages"].queryset = (
            Language.objects.filter(Q(code__in=COMMON_LANGUAGES) | Q(activities__isnull=False))
            .distinct()
            .order_by(TextOrder(text_in_database("name")))
        )
        organisations = access.activity_organisers_for(user).order_by(TextOrder(text_in_database("name")))
        self.fields["organiser"].queryset = organisations
        if not self.instance.pk and not self.is_bound:
            only = list(organisations[:2])
            if len(only) == 1:  # a focal point records activities for their own body: say it for them
                self.initial["organiser"] = only[0].pk
        self.fields["partners"].queryset = Organisation.objects.order_by(TextOrder(text_in_database("name")))
        self.fields["donors"].queryset = Organisation.objects.order_by(TextOrder(text_in_database("name")))
        currencies = Currency.objects.order_by("code")
        self.fields["planned_budget_currency"].queryset = currencies
        self.fields["actual_cost_currency"].queryset = currencies
        self.fields["outputs"].queryset = (
            access.activity_outputs_for(user)
            .filter(level__iati_result_type__in=[Level.IatiType.OUTPUT, Level.IatiType.OTHER])
            .select_related("programme")
            .order_by("programme__code", "order")
        )
        self.fields["outputs"].label_from_instance = lambda result: f"{result.programme.code} · {result}"
        for name in ("countries", "languages", "partners", "donors", "outputs"):
            self.fields[name].widget.attrs["size"] = 6
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return self.data_for_service(*self.Meta.fields)

    def _post_clean(self):
        # The service validates and saves: the model's own clean would complain about the title first.
        pass


class SessionForm(forms.ModelForm):
    class Meta:
        model = ActivitySession
        fields = list(services.SESSION_FIELDS)
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def _post_clean(self):
        pass  # the service validates (dates inside the activity's, times in order)


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = list(services.MATERIAL_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].queryset = Language.objects.filter(code__in=COMMON_LANGUAGES).order_by(
            text_in_database("name")
        )
        self.fields["file"].validators.append(upload_validate)

    def service_fields(self, material: Material | None) -> dict:
        fields = dict(self.cleaned_data)
        if fields.get("file") is False:  # "clear" ticked: no file any more
            fields["file"] = ""
        elif fields.get("file") is None:
            fields["file"] = material.file if material else ""
        return fields

    def _post_clean(self):
        pass


# Participants ------------------------------------------------------------------------------------------------


class RegistrationForm(forms.Form):
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=100)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=254)
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"),
        required=False,
        choices=[("", gettext_lazy("Not given")), *Person.Sex.choices],
        help_text=gettext_lazy("Optional. Used only for statistics by sex."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Other or none"),
    )
    country = forms.ModelChoiceField(label=gettext_lazy("Country"), queryset=Country.objects.none())
    function = forms.ChoiceField(
        label=gettext_lazy("Function"), choices=[("", gettext_lazy("Choose…")), *Person.Function.choices]
    )

    def __init__(self, *args, user, organiser: bool, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_access.organisations_visible(user).order_by(TextOrder(text_in_database("name")))
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(forms.ModelChoiceField, self.fields["country"]).queryset = Country.objects.order_by(
            text_in_database("name")
        )
        if organiser:
            # An organiser may record someone whose address they do not have.
            self.fields["email"].required = False
            self.fields["function"].required = False
            self.fields["country"].required = False

    def person_details(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class EvaluationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    completed = forms.BooleanField(
        label=gettext_lazy("Completed the activity"),
        required=False,
        help_text=gettext_lazy("Completing issues the certificate and its verification code."),
    )
    pre_test_score = forms.DecimalField(
        label=gettext_lazy("Knowledge test before (0-100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    post_test_score = forms.DecimalField(
        label=gettext_lazy("Knowledge test after (0-100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("Satisfaction (1 = very dissatisfied, 5 = very satisfied)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Not answered")), *[(n, str(n)) for n in range(1, 6)]],
    )
    satisfaction_comment = forms.CharField(
        label=gettext_lazy("Satisfaction comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    followup_applied = forms.ChoiceField(
        label=gettext_lazy("Follow-up: have you applied what you learned?"),
        required=False,
        choices=[("", gettext_lazy("Not answered")), *FollowUp.choices],
    )
    followup_comment = forms.CharField(
        label=gettext_lazy("Follow-up comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    followup_date = date_field(
        gettext_lazy("Follow-up date"),
        required=False,
        help_text=gettext_lazy("Left empty, the day the answer is recorded."),
    )

    def evaluation(self) -> dict:
        fields = {name: self.cleaned_data.get(name) for name in services.EVALUATION_FIELDS}
        if fields["followup_date"] is None:
            fields.pop("followup_date")  # the service dates an answer recorded without one
        return fields


# People --------------------------------------------------------------------------------------------------------


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(label=gettext_lazy("Record to keep"), queryset=Person.objects.none())
    duplicates = ChoicesOfModel(label=gettext_lazy("Records to join into it"), queryset=Person.objects.none())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = people
        self.fields["duplicates"].queryset = people

    def clean(self):
        data = super().clean()
        keep, duplicates = data.get("keep"), data.get("duplicates")
        if keep is not None and duplicates is not None:
            duplicates = [person for person in duplicates if person.pk != keep.pk]
            if not duplicates:
                raise ValidationError(_("Choose at least one other record to join into the one kept."))
            data["duplicates"] = duplicates
        return data


# Certificates and imports ------------------------------------------------------------------------------------


class CertificateCheckForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=selectors.CERTIFICATE_CODE_MAX_LENGTH,
        help_text=gettext_lazy("As printed on the certificate, e.g. ABCD-EFGH-IJKL-MNOP."),
    )

    def clean_code(self):
        code = services.certificate_code_normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the code printed on the certificate."))
        return code


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file (comma or semicolon separated), one row per person."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The cheap checks now, on the form (type, size, a readable workbook); the rows in the background.
        try:
            spreadsheets.sheet_read(upload, name=upload.name, probe=True)
        except spreadsheets.FileRejected as rejected:
            raise forms.ValidationError(rejected.message) from rejected
        finally:
            upload.seek(0)
        return upload


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Registration.Status.choices],
    )
    progress = forms.ChoiceField(
        label=gettext_lazy("Progress"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            ("completed", gettext_lazy("Completed")),
            ("not_completed", gettext_lazy("Not completed")),
            ("certificate", gettext_lazy("Certificate issued")),
            ("no_satisfaction", gettext_lazy("Satisfaction survey not answered")),
            ("no_followup", gettext_lazy("Follow-up survey not answered")),
        ],
    )


BULK_CHOICES = [
    ("present", gettext_lazy("Mark present at a session")),
    ("complete", gettext_lazy("Mark completed (issues the certificates)")),
    ("certificates", gettext_lazy("Send the certificate by e-mail (completing those not yet)")),
    ("survey_satisfaction", gettext_lazy("Send the satisfaction survey link")),
    ("survey_followup", gettext_lazy("Send the follow-up survey link")),
]


class SatisfactionSurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the activity? (1: not at all, 5: very)"),
        choices=[(str(value), str(value)) for value in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, widget=forms.Textarea, max_length=4000)


class FollowUpSurveyForm(forms.Form):
    followup_applied = forms.ChoiceField(
        label=gettext_lazy("Have you applied what you learned?"), choices=FollowUp.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("How? (an example)"), required=False, widget=forms.Textarea, max_length=4000
    )


class TrainerForm(forms.Form):
    person = PersonSearchField(label=gettext_lazy("Person who trained"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, PersonSearchField)
        person.queryset = organisations_access.people_visible(user)
