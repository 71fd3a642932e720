from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jalon.activities.access import activities_visible
from jalon.assessments import access
from jalon.assessments.models import (
    COST_KINDS,
    REVENUE_STREAMS,
    Answer,
    Assessment,
    FinancialProfile,
    Finding,
    Framework,
    ImprovementAction,
    ImprovementArea,
    NationalStrategy,
    PrioritySector,
    Question,
    Risk,
    Scale,
    Section,
    StrategyItem,
    Survey,
    SurveyQuestion,
)
from jalon.committees.models import Committee
from jalon.lib.multilingual import text_in
from jalon.organisations.forms import PersonSearchField
from jalon.organisations.models import Person
from jalon.reference.models import Currency
from jalon.results.access import programmes_managed
from jalon.web.files import upload_validate
from jalon.web.forms import ChoiceOfModel, ChoicesOfModel, date_field, decimal_field

NOT_APPLICABLE = "na"


def _choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class AssessmentForm(forms.Form):
    organisation = ChoiceOfModel(label=_("Organisation"), queryset=None)
    framework = ChoiceOfModel(label=_("Question bank"), queryset=None)
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Assessment.Mode.choices, initial=Assessment.Mode.SELF)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "organisation").queryset = access.assessment_organisations(user).order_by("acronym")
        _choice(self, "framework").queryset = Framework.objects.filter(status=Framework.Status.PUBLISHED)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class SectionForm(forms.Form):
    """One section's questions: an answer (or "not applicable"), a comment, evidence (a file or a link) and
    the confidence in the answer, for each. Plain radio buttons and inputs: no JavaScript needed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, section: Section, answers: dict[int, Answer], assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.section, self.rows = section, []
        self.fields["version"].initial = assessment.version
        for question in section.questions.all():
            if not question.applies(assessment.organisation):
                continue
            answer = answers.get(question.pk)
            prefix = f"q{question.pk}"
            choices = [(str(o.pk), f"{text_in(o.label)}") for o in question.answer_set.options.all()]
            choices.append((NOT_APPLICABLE, str(_("Not applicable"))))
            initial = None
            if answer is not None:
                initial = (
                    NOT_APPLICABLE if answer.not_applicable else (str(answer.option_id) if answer.option_id else None)
                )
            self.fields[f"{prefix}-option"] = forms.ChoiceField(
                label=_("Answer"), choices=choices, required=False, widget=forms.RadioSelect, initial=initial
            )
            self.fields[f"{prefix}-comment"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
            )  # fmt: skip
            self.fields[f"{prefix}-evidence_link"] = forms.URLField(
                label=_("Evidence link"), required=False, max_length=500, initial=answer.evidence_link if answer else ""
            )
            self.fields[f"{prefix}-evidence_file"] = forms.FileField(
                label=_("Evidence file"), required=False, validators=[upload_validate]
            )
            if answer is not None and answer.evidence_file:
                self.fields[f"{prefix}-remove_file"] = forms.BooleanField(label=_("Remove the file"), required=False)
            self.fields[f"{prefix}-confidence"] = forms.ChoiceField(
                label=_("Confidence"), required=False, choices=[("", "—"), *Answer.Confidence.choices],
                initial=answer.confidence if answer else "",
            )  # fmt: skip
            self.rows.append((question, prefix, answer))

    def bound_rows(self):
        for question, prefix, answer in self.rows:
            yield {
                "question": question,
                "answer": answer,
                "fields": [
                    self[f"{prefix}-{name}"] for name in ("option", "comment", "evidence_link", "evidence_file")
                ],
                "remove": self[f"{prefix}-remove_file"] if f"{prefix}-remove_file" in self.fields else None,
                "confidence": self[f"{prefix}-confidence"],
                "option": self[f"{prefix}-option"],
            }

    def answers(self) -> dict:
        data = self.cleaned_data
        result = {}
        for question, prefix, _answer in self.rows:
            chosen = data.get(f"{prefix}-option") or ""
            option = None
            if chosen and chosen != NOT_APPLICABLE:
                option = next((o for o in question.answer_set.options.all() if str(o.pk) == chosen), None)
            result[question.pk] = {
                "option": option,
                "not_applicable": chosen == NOT_APPLICABLE,
                "comment": data.get(f"{prefix}-comment", ""),
                "evidence_link": data.get(f"{prefix}-evidence_link", ""),
                "evidence_file": data.get(f"{prefix}-evidence_file"),
                "remove_file": data.get(f"{prefix}-remove_file", False),
                "confidence": data.get(f"{prefix}-confidence", ""),
            }
        return result


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    question = ChoiceOfModel(label=_("Question"), queryset=None, required=False)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    corrective_action = forms.CharField(
        label=_("Corrective action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = date_field(_("Due date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Finding.Status.choices, initial=Finding.Status.OPEN)

    def __init__(self, *args, assessment: Assessment, instance: Finding | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields if name != "question"}
            kwargs["initial"]["question"] = instance.question_id
        super().__init__(*args, **kwargs)
        _choice(self, "question").queryset = Question.objects.filter(section__framework=assessment.framework)
        if instance is None:
            del self.fields["version"], self.fields["status"]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AreaForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    section = ChoiceOfModel(label=_("Section"), queryset=None)
    target_score = decimal_field(_("Target score (0 to 1)"), max_digits=4, decimal_places=3, required=True)
    priority = forms.IntegerField(label=_("Priority"), min_value=1, max_value=99, initial=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assessment: Assessment, instance: ImprovementArea | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "version": instance.version, "section": instance.section_id, "target_score": instance.target_score,
                "priority": instance.priority, "note": instance.note,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        _choice(self, "section").queryset = Section.objects.filter(framework=assessment.framework)
        if instance is None:
            del self.fields["version"]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


BAND_ROWS = 7


class BandsForm(forms.Form):
    """A question bank's maturity bands, one row each (lower bound, code, name in French and English); rows
    left empty are dropped, so a bank can have up to seven bands without JavaScript to add rows."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = framework.bands_version
        bands = list(framework.bands)
        for number in range(max(BAND_ROWS, len(bands))):
            band = bands[number] if number < len(bands) else {}
            label = band.get("label") or {}
            self.fields[f"band{number}-min"] = decimal_field(
                _("Band %(n)s: lower bound (0 to 1)") % {"n": number + 1}, max_digits=4, decimal_places=3
            )
            self.fields[f"band{number}-min"].initial = band.get("min")
            self.fields[f"band{number}-code"] = forms.CharField(
                label=_("Band %(n)s: code") % {"n": number + 1}, required=False, max_length=20,
                initial=band.get("code", ""),
            )  # fmt: skip
            self.fields[f"band{number}-fr"] = forms.CharField(
                label=_("Band %(n)s: name in French") % {"n": number + 1}, required=False, max_length=100,
                initial=label.get("fr", ""),
            )  # fmt: skip
            self.fields[f"band{number}-en"] = forms.CharField(
                label=_("Band %(n)s: name in English") % {"n": number + 1}, required=False, max_length=100,
                initial=label.get("en", ""),
            )  # fmt: skip
        self.rows = max(BAND_ROWS, len(bands))

    def bands(self) -> list[dict]:
        """The rows given, in the order shown (a row with only a bound, or only a name, is kept: the service
        says what it lacks)."""
        data, result = self.cleaned_data, []
        for number in range(self.rows):
            low, code = data.get(f"band{number}-min"), data.get(f"band{number}-code", "")
            fr, en = data.get(f"band{number}-fr", ""), data.get(f"band{number}-en", "")
            if low is None and not (code or fr or en):
                continue
            result.append({"min": low, "code": code, "label": {"fr": fr, "en": en}})
        return result


class SurveyQuestionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(label=_("Code"), max_length=40)
    text_fr = forms.CharField(label=_("Question (French)"), widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(label=_("Question (English)"), widget=forms.Textarea(attrs={"rows": 2}))
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices)
    dont_know = forms.BooleanField(label=_('Offer "Don\'t know"'), required=False, initial=True)
    counts = forms.BooleanField(label=_("Counts for the satisfaction rate"), required=False, initial=True)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args, instance: SurveyQuestion | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "version": instance.version, "code": instance.code, "text_fr": instance.text.get("fr", ""),
                "text_en": instance.text.get("en", ""), "scale": instance.scale, "dont_know": instance.dont_know,
                "counts": instance.counts, "order": instance.order,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["version"]

    def values(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        data["text"] = {"fr": data.pop("text_fr").strip(), "en": data.pop("text_en").strip()}
        return data


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = PersonSearchField(label=_("Owner"), required=False)
    owner_name = forms.CharField(label=_("Owner (name, if not in the directory)"), required=False, max_length=200)
    due_date = date_field(_("Due date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementAction.Status.choices)
    activity = ChoiceOfModel(label=_("Linked jalon activity"), queryset=None, required=False)
    link = forms.URLField(
        label=_("Other link (twinning arrangement, resource, expert)"), required=False, max_length=500
    )

    def __init__(self, *args, user, organisation, instance: ImprovementAction | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "version": instance.version, "description": instance.description, "owner": instance.owner_id,
                "owner_name": instance.owner_name, "due_date": instance.due_date, "status": instance.status,
                "activity": instance.activity_id, "link": instance.link,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, PersonSearchField)
        owner.queryset = Person.objects.filter(organisation=organisation)  # the assessed member's own people
        _choice(self, "activity").queryset = activities_visible(user).order_by("-start_date")

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organisation = ChoiceOfModel(label=_("Organisation"), queryset=None)
    year = forms.IntegerField(label=_("Fiscal year"), min_value=1950, max_value=2200)
    currency = forms.ModelChoiceField(
        label=_("Currency"), queryset=Currency.objects.order_by("code"), to_field_name="code"
    )

    def __init__(self, *args, user, instance: FinancialProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in [*REVENUE_STREAMS, *COST_KINDS, ("reserves", _("Reserves")),
                            ("participation_needed", _("Cost of the current P-memberships"))]:  # fmt: skip
            field = decimal_field(label, max_digits=14, decimal_places=2, required=True)
            field.initial = 0
            field.validators.append(MinValueValidator(0))
            self.fields[name] = field
        self.fields["note"] = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
        _choice(self, "organisation").queryset = access.assessment_organisations(user).order_by("acronym")
        if instance is not None:
            self.fields["organisation"].disabled = True
            for name in self.fields:
                if name == "currency":
                    self.initial[name] = instance.currency.code
                elif name == "organisation":
                    self.initial[name] = instance.organisation_id
                else:
                    self.initial[name] = getattr(instance, name)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "organisation")}


class RiskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Risk"), max_length=300)
    likelihood = forms.IntegerField(label=_("Likelihood (1-5)"), min_value=1, max_value=5)
    impact = forms.IntegerField(label=_("Impact (1-5)"), min_value=1, max_value=5)
    owner = forms.CharField(label=_("Owner"), required=False, max_length=200)
    mitigation = forms.CharField(label=_("Mitigation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=Risk.Status.choices)

    def __init__(self, *args, instance: Risk | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {name: getattr(instance, name) for name in (*self.base_fields,)}
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ThresholdForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    medium = decimal_field(_("Medium risk from"), max_digits=8, decimal_places=3, required=True)
    high = decimal_field(_("High risk from"), max_digits=8, decimal_places=3, required=True)


class ParticipationCostForm(forms.Form):
    """A programme's unit costs of international participation in one currency."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    currency = forms.ModelChoiceField(
        label=_("Currency"), queryset=Currency.objects.order_by("code"), to_field_name="code"
    )
    p_membership = decimal_field(_("Per P-membership and year"), max_digits=14, decimal_places=2, required=True)
    meeting_in_person = decimal_field(
        _("Per delegate at an in-person meeting (travel, subsistence)"), max_digits=14, decimal_places=2,
        required=True,
    )  # fmt: skip
    meeting_remote = decimal_field(
        _("Per delegate taking part remotely"), max_digits=14, decimal_places=2, required=True
    )
    secretariat = decimal_field(_("Per secretariat held, a year"), max_digits=14, decimal_places=2, required=True)
    chair = decimal_field(_("Per chair or convenor role held, a year"), max_digits=14, decimal_places=2, required=True)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields if name != "currency"}
            kwargs["initial"]["currency"] = instance.currency.code
        super().__init__(*args, **kwargs)
        for name in ("p_membership", "meeting_in_person", "meeting_remote", "secretariat", "chair"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].initial = self.fields[name].initial or 0
        if instance is None:
            del self.fields["version"]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class SurveyForm(forms.Form):
    programme = ChoiceOfModel(label=_("Programme"), queryset=None)
    code = forms.SlugField(label=_("Code"), max_length=40)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250)
    population = forms.ChoiceField(label=_("Population"), choices=Survey.Population.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    anonymous = forms.BooleanField(label=_("Anonymous answers"), required=False, initial=True)
    threshold = decimal_field(_("Satisfaction threshold (0 to 1)"), max_digits=4, decimal_places=3, required=True)
    minimum_n = forms.IntegerField(label=_("Minimum number of answers per group"), min_value=1, initial=5)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "programme").queryset = programmes_managed(user).order_by("code")
        self.fields["threshold"].initial = "0.7"

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["title"] = {"fr": data.pop("title_fr"), "en": data.pop("title_en")}
        return data


class InvitationsForm(forms.Form):
    lines = forms.CharField(
        label=_("Invitations, one a line: e-mail; unit code; unit name; group"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class AnswerSurveyForm(forms.Form):
    """The respondent's page: radio buttons per question, with "Don't know"."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.order_by("order", "pk"))
        for question in self.questions:
            choices = [
                (str(value), english if get_language() == "en" else french)
                for value, english, french in question.points
            ]
            if question.dont_know:
                choices.append(("dk", str(_("Don't know"))))
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=text_in(question.text), choices=choices, widget=forms.RadioSelect, required=False
            )

    def answers(self) -> dict:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}


class StrategyForm(forms.Form):
    organisation = ChoiceOfModel(label=_("Organisation"), queryset=None)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    period_start = forms.IntegerField(label=_("First year"), min_value=1990, max_value=2200)
    period_end = forms.IntegerField(label=_("Last year"), min_value=1990, max_value=2200)
    status = forms.ChoiceField(label=_("Status"), choices=NationalStrategy.Status.choices)
    weight_economic = decimal_field(_("Weight of the economic score"), max_digits=4, decimal_places=3)
    weight_social = decimal_field(_("Weight of the social score"), max_digits=4, decimal_places=3)
    weight_environmental = decimal_field(_("Weight of the environmental score"), max_digits=4, decimal_places=3)
    document = forms.FileField(label=_("Document"), required=False, validators=[upload_validate])

    WEIGHTS = ("weight_economic", "weight_social", "weight_environmental")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "organisation").queryset = access.assessment_organisations(user).order_by("acronym")
        for name in self.WEIGHTS:
            self.fields[name].help_text = _("Left empty: the current weight (0.4, 0.3 and 0.3 at first).")
            self.fields[name].validators.append(MinValueValidator(0))

    def values(self) -> dict:
        # A weight left empty keeps the stored one (the model's default for a new strategy).
        data = {k: v for k, v in self.cleaned_data.items() if k != "organisation"}
        for name in self.WEIGHTS:
            if data.get(name) is None:
                data.pop(name, None)
        data["title"] = {"fr": data.pop("title_fr"), "en": data.pop("title_en") or ""}
        data["title"] = {k: v for k, v in data["title"].items() if v}
        if not data.get("document"):
            data.pop("document", None)
        return data


class StrategyEditForm(StrategyForm):
    """A strategy's title, years, status and document; its organisation stays."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, strategy, **kwargs):
        initial = {
            "title_fr": strategy.title.get("fr", ""), "title_en": strategy.title.get("en", ""),
            "period_start": strategy.period_start, "period_end": strategy.period_end, "status": strategy.status,
            "version": strategy.version, "weight_economic": strategy.weight_economic,
            "weight_social": strategy.weight_social, "weight_environmental": strategy.weight_environmental,
        }  # fmt: skip
        super().__init__(*args, initial=initial, **kwargs)
        del self.fields["organisation"]

    def values(self) -> dict:
        data = super().values()
        data.pop("version", None)
        return data


class SectorForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name_fr = forms.CharField(label=_("Sector (French)"), max_length=200)
    name_en = forms.CharField(label=_("Sector (English)"), max_length=200, required=False)
    ics_codes = forms.CharField(label=_("ICS codes, separated by commas"), required=False, max_length=300)
    economic = forms.IntegerField(label=_("Economic score (0-5)"), min_value=0, max_value=5)
    social = forms.IntegerField(label=_("Social score (0-5)"), min_value=0, max_value=5)
    environmental = forms.IntegerField(label=_("Environmental score (0-5)"), min_value=0, max_value=5)
    evidence = forms.CharField(
        label=_("Evidence for the scores"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    committees = ChoicesOfModel(
        label=_("Priority committees"), queryset=Committee.objects.order_by("sort_key", "reference"), required=False
    )

    def __init__(self, *args, instance: PrioritySector | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "version": instance.version, "name_fr": instance.name.get("fr", ""),
                "name_en": instance.name.get("en", ""), "ics_codes": ", ".join(instance.ics_codes),
                "economic": instance.economic, "social": instance.social, "environmental": instance.environmental,
                "evidence": instance.evidence, "committees": [c.pk for c in instance.committees.all()],
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["version"]

    def values(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        data["name"] = {k: v for k, v in {"fr": data.pop("name_fr"), "en": data.pop("name_en")}.items() if v}
        data["ics_codes"] = [code.strip() for code in data["ics_codes"].split(",") if code.strip()]
        return data


class ItemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=StrategyItem.Kind.choices)
    reference = forms.CharField(label=_("Standard or subject"), required=False, max_length=300)
    committee = ChoiceOfModel(
        label=_("Committee"), queryset=Committee.objects.order_by("sort_key", "reference"), required=False
    )
    sector = ChoiceOfModel(label=_("Sector"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=StrategyItem.Status.choices)

    def __init__(self, *args, strategy: NationalStrategy, instance: StrategyItem | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "version": instance.version, "kind": instance.kind, "reference": instance.reference,
                "committee": instance.committee_id, "sector": instance.sector_id, "status": instance.status,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        _choice(self, "sector").queryset = strategy.sectors.all()
        if instance is None:
            del self.fields["version"]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
