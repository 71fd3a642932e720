"""Forms of the results pages: the programme page's filters, reporting and reviewing a value, and the
framework builder (programme, levels, periods, disaggregations, results, indicators and their milestones).

Multilingual texts get one input per language of the programme (`title_fr`, `title_en`...), through the
shared `MultilingualField`; the services receive the {"fr": ..., "en": ...} dict, with the texts of the
languages the form does not show kept."""

from collections.abc import Iterable
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in, text_in_database
from jalon.organisations.models import Organisation
from jalon.reference.models import DevelopingCountryRule
from jalon.results import access, services
from jalon.results.models import (
    Cumulation,
    Dimension,
    DimensionValue,
    Indicator,
    Level,
    Measure,
    Measurement,
    Period,
    Programme,
    Result,
)
from jalon.results.progress import STATUS_LABELS
from jalon.web.files import upload_validate
from jalon.web.forms import (
    DEFAULT_LANGUAGES,
    LANGUAGE_NAMES,
    LANGUAGE_ORDER,
    ChoiceOfModel,
    ChoicesOfModel,
    MultilingualField,
    MultilingualForm,
    MultilingualWidget,
    date_field,
    decimal_field,
    language_name,
    plain,
    year_field,
)


def _offer(form: forms.BaseForm, name: str, queryset: QuerySet) -> None:
    """The records a declared model-choice field offers (forms.fields holds them as plain Fields)."""
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


def programme_languages(programme: Programme | None) -> list[str]:
    """The languages a programme's texts are written in (French and English for a new one)."""
    languages = [code for code in (programme.languages if programme else None) or [] if isinstance(code, str)]
    return languages or list(DEFAULT_LANGUAGES)


# The programme page ----------------------------------------------------------------------------------------


class ProgrammeFilterForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("Any")), *STATUS_LABELS.items()]
    )

    def __init__(self, *args, levels: Iterable[tuple[str, str]] = (), **kwargs):
        """`levels`: (key, name) pairs."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", gettext_lazy("Any")), *levels]


# Measurements ----------------------------------------------------------------------------------------------


class MeasurementForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submit_now = forms.BooleanField(label=gettext_lazy("Submit for approval now"), required=False, initial=True)

    class Meta:
        model = Measurement
        fields = [
            "period",
            "dimension_value",
            "organisation",
            "value",
            "numerator",
            "denominator",
            "text",
            "comment",
            "language",
            "evidence",
            "evidence_url",
            "collected_on",
        ]
        widgets = {"collected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "collected_on": gettext_lazy(
                "When the value was observed; the end of the period if left empty. Within a period, the latest "
                "value of each organisation counts for indicators reported as levels."
            )
        }

    def __init__(self, *args, indicator: Indicator, user, **kwargs):
        super().__init__(*args, **kwargs)
        programme = indicator.result.programme
        fields = self.fields
        _offer(self, "period", programme.periods.all())
        dimension_values = DimensionValue.objects.filter(dimension__indicators=indicator)
        _offer(self, "dimension_value", dimension_values)
        fields["dimension_value"].required = False
        cast(forms.ModelChoiceField, fields["dimension_value"]).empty_label = gettext_lazy("Total (not disaggregated)")
        # The organisations offered are those the service accepts (measurement_can_report_for).
        _offer(self, "organisation", access.measurement_organisations_offered(user, programme))
        fields["organisation"].required = not access.programme_can_manage(user, programme)
        if indicator.measure == Measure.QUALITATIVE:
            for name in ("value", "numerator", "denominator"):
                del fields[name]
        else:
            del fields["text"]
            if indicator.measure != Measure.PERCENTAGE:
                del fields["numerator"], fields["denominator"]
        if not dimension_values.exists():
            del fields["dimension_value"]
        # The language of the text and the comment: the programme's, the page's by default (the IATI export
        # labels them with it).
        languages = programme_languages(programme)
        fields["language"] = forms.ChoiceField(
            label=gettext_lazy("Language of the text and comment"),
            choices=[("", "—"), *((code, language_name(code)) for code in languages)],
            required=False,
        )
        if not self.instance.pk or not self.instance.language:
            current = get_language()
            fields["language"].initial = current if current in languages else ""
        fields["evidence"].validators.append(upload_validate)
        if self.instance.pk:
            fields["version"].initial = self.instance.version
            fields["period"].disabled = True

    def for_service(self) -> dict:
        """The cleaned values the measurement services take."""
        fields = {k: v for k, v in self.cleaned_data.items() if k in services.MEASUREMENT_FIELDS}
        if fields.get("evidence") is False:
            # "Clear" ticked on the file input: no file, as ModelForm.save() would store it (False would crash save()).
            fields["evidence"] = ""
        return fields


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", gettext_lazy("Approve")), ("return", gettext_lazy("Return"))])
    note = forms.CharField(
        label=gettext_lazy("Note to the author"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# The framework builder -------------------------------------------------------------------------------------


class ProgrammeForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=60,
        help_text=gettext_lazy("Letters, digits and hyphens; it appears in the programme's web address."),
    )
    title = MultilingualField(label=gettext_lazy("Title"), required=True)
    description = MultilingualField(label=gettext_lazy("Description"), multiline=True)
    owner = ChoiceOfModel(label=gettext_lazy("Owner"), queryset=Organisation.objects.none())
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("The document the framework comes from."),
    )
    start_date = date_field(gettext_lazy("Start date"))
    end_date = date_field(gettext_lazy("End date"))
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        choices=[(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGE_ORDER],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The framework's texts are written in these languages; the first is the main one."),
    )
    developing_rule = ChoiceOfModel(
        label=gettext_lazy("Developing-country rule"), required=False, queryset=DevelopingCountryRule.objects.none()
    )
    developing_rule_as_of = date_field(gettext_lazy("Rule applied as of"), required=False)
    on_track_min = decimal_field(
        gettext_lazy("On track from"),
        max_digits=4,
        decimal_places=2,
        required=True,
        help_text=gettext_lazy("Share of the way from baseline to milestone, e.g. 0.85."),
    )
    at_risk_min = decimal_field(
        gettext_lazy("At risk from"),
        max_digits=4,
        decimal_places=2,
        required=True,
        help_text=gettext_lazy("Below this share, an indicator is off track, e.g. 0.60."),
    )
    published = forms.BooleanField(
        label=gettext_lazy("Published"),
        required=False,
        help_text=gettext_lazy("Everyone can see a published programme; publish it when the framework is ready."),
    )
    progress_method = forms.ChoiceField(
        label=gettext_lazy("Progress measured as"),
        choices=Programme.ProgressMethod.choices,
        initial=Programme.ProgressMethod.FROM_BASELINE,
        required=False,
    )
    descending_scoring = forms.ChoiceField(
        label=gettext_lazy("A falling indicator without baseline is scored"),
        choices=Programme.DescendingScoring.choices,
        initial=Programme.DescendingScoring.REACHED,
        required=False,
    )
    descending_tolerance = decimal_field(
        gettext_lazy("Tolerance above the target (%)"),
        max_digits=6,
        decimal_places=2,
        help_text=gettext_lazy("For the tolerance band: an actual this far above the target still counts as reached."),
    )
    overall_target = forms.ChoiceField(
        label=gettext_lazy("Overall target"),
        choices=Programme.OverallTarget.choices,
        initial=Programme.OverallTarget.TYPED,
        required=False,
    )

    iati_sector = forms.CharField(
        label=gettext_lazy("IATI sector"),
        required=False,
        max_length=5,
        help_text=gettext_lazy(
            "The DAC 5-digit purpose code of the IATI export; empty: 32182 (industrial standards, quality "
            "management, metrology, testing, accreditation, certification)."
        ),
    )
    iati_recipient_region = forms.CharField(
        label=gettext_lazy("IATI recipient region"),
        required=False,
        max_length=3,
        help_text=gettext_lazy(
            "The IATI region code of the countries served; empty: 998 (developing countries, unspecified)."
        ),
    )

    iati_recipient_countries = forms.CharField(
        label=gettext_lazy("IATI recipient countries"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "The countries served, if known: ISO codes separated by commas, each with its share if you know it "
            "(KE 40, BD 60). When given, the IATI export names them instead of the region."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = self.initial.get("iati_recipient_countries")
        if isinstance(countries, list):
            self.initial["iati_recipient_countries"] = ", ".join(
                " ".join(filter(None, (item.get("code"), item.get("percentage")))) for item in countries
            )
        _offer(self, "owner", Organisation.objects.order_by(TextOrder(text_in_database("name"))))
        _offer(self, "developing_rule", DevelopingCountryRule.objects.order_by("code"))

    # The programme's choices of how progress is measured: left empty, the default (the OECD definition).
    CHOICES_WITH_DEFAULTS = (
        "progress_method",
        "descending_scoring",
        "descending_tolerance",
        "overall_target",
        "iati_sector",
        "iati_recipient_region",
    )

    def clean(self):
        cleaned = super().clean()
        for name in self.CHOICES_WITH_DEFAULTS:
            if cleaned.get(name) in (None, ""):
                cleaned[name] = Programme._meta.get_field(name).default
        return cleaned

    def clean_iati_recipient_countries(self) -> list[dict]:
        """ "KE 40, bd" -> [{"code": "KE", "percentage": "40"}, {"code": "BD", "percentage": None}]; the service
        checks the codes and shares."""
        countries = []
        for part in self.cleaned_data["iati_recipient_countries"].split(","):
            words = part.split()
            if not words:
                continue
            if len(words) > 2:
                raise ValidationError(_("Write each country as its code and, if known, its share: KE 40."))
            share = words[1].rstrip("%") if len(words) == 2 else None
            countries.append({"code": words[0].upper(), "percentage": share})
        return countries

    def clean_languages(self):
        chosen = self.cleaned_data["languages"]
        return [code for code in LANGUAGE_ORDER if code in chosen]


class LevelForm(MultilingualForm):
    key = forms.SlugField(
        label=gettext_lazy("Key"), max_length=40, help_text=gettext_lazy("A short identifier, e.g. outcome.")
    )
    name = MultilingualField(label=gettext_lazy("Name"), required=True)
    iati_result_type = forms.TypedChoiceField(
        label=gettext_lazy("IATI result type"), coerce=int, choices=Level.IatiType.choices
    )
    order = forms.IntegerField(
        label=gettext_lazy("Order"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=gettext_lazy("Levels are listed from the smallest number; empty: after the others."),
    )


class PeriodForm(MultilingualForm):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=20, help_text=gettext_lazy("e.g. 2026, or 2026-2027 for a biennium.")
    )
    name = MultilingualField(label=gettext_lazy("Name"))
    start = date_field(gettext_lazy("Start"))
    end = date_field(gettext_lazy("End"))


class DimensionForm(MultilingualForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Dimension.Kind.choices)
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = MultilingualField(label=gettext_lazy("Name"), required=True)
    values = forms.CharField(
        label=gettext_lazy("Values"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, languages: Iterable[str], dimension: Dimension | None = None, **kwargs):
        self.languages = list(languages)
        super().__init__(*args, languages=self.languages, **kwargs)
        self.fields["values"].help_text = _(
            "One value a line: its code, then its name in %(languages)s, separated by “|”. E.g. %(example)s"
        ) % {
            "languages": ", ".join(language_name(code) for code in self.languages),
            "example": " | ".join(["f", *(_("female") for _code in self.languages)]),
        }
        if dimension is not None:
            self.initial.setdefault(
                "values",
                "\n".join(
                    " | ".join([value.code, *((value.name or {}).get(code, "") for code in self.languages)])
                    for value in dimension.values.all()
                ),
            )

    def clean_values(self):
        parsed = []
        for number, line in enumerate(self.cleaned_data["values"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")]
            if len(cells) > 1 + len(self.languages):
                raise ValidationError(
                    _("Line %(line)s: a code and at most %(count)s names, separated by “|”.")
                    % {"line": number, "count": len(self.languages)}
                )
            if not cells[0]:
                raise ValidationError(_("Line %(line)s: give the value's code first.") % {"line": number})
            names = dict(zip(self.languages, cells[1:], strict=False))
            parsed.append({"code": cells[0], "name": {code: text for code, text in names.items() if text}})
        if not parsed:
            raise ValidationError(self.fields["values"].error_messages["required"])
        return parsed


class ResultChoice(ChoiceOfModel):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} · {text_in(obj.title)}"


class ResultForm(MultilingualForm):
    parent = ResultChoice(
        label=gettext_lazy("Under"),
        required=False,
        queryset=Result.objects.none(),
        empty_label=gettext_lazy("(top of the tree)"),
    )
    level = ChoiceOfModel(label=gettext_lazy("Level"), queryset=Level.objects.none())
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20, help_text=gettext_lazy("e.g. IO2"))
    title = MultilingualField(label=gettext_lazy("Title"), required=True)
    description = MultilingualField(label=gettext_lazy("Description"), multiline=True)
    assumptions = MultilingualField(
        label=gettext_lazy("Assumptions and risks"),
        multiline=True,
        help_text=gettext_lazy("What must hold, outside the programme's control, for this result to follow."),
    )
    order = forms.IntegerField(
        label=gettext_lazy("Position"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=gettext_lazy("Results are listed by this number among those under the same result."),
    )

    def __init__(self, *args, programme: Programme, result: Result | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self, "parent", programme.results.order_by("order"))
        _offer(self, "level", programme.levels.all())
        if result is None:
            del self.fields["order"]


class IndicatorForm(MultilingualForm):
    result = ResultChoice(label=gettext_lazy("Result"), queryset=Result.objects.none())
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    title = MultilingualField(label=gettext_lazy("Title"), required=True)
    definition = MultilingualField(label=gettext_lazy("Definition"), multiline=True)
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=Measure.choices)
    unit = MultilingualField(label=gettext_lazy("Unit"))
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        required=False,
        max_length=3,
        help_text=gettext_lazy("For an amount of money: its ISO 4217 code, e.g. CHF."),
    )
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Indicator.Direction.choices)
    cumulation = forms.ChoiceField(label=gettext_lazy("Cumulative mode"), choices=Cumulation.choices)
    baseline_value = decimal_field(gettext_lazy("Baseline"))
    baseline_year = year_field(gettext_lazy("Baseline year"))
    baseline_to_be_set_in = year_field(gettext_lazy("Baseline to be set in (year)"))
    baseline_note = MultilingualField(label=gettext_lazy("Baseline note"))
    target_value = decimal_field(gettext_lazy("Overall target"))
    target_relative_percent = decimal_field(
        gettext_lazy("Overall target: increase over the baseline (%)"),
        max_digits=10,
        help_text=gettext_lazy("Instead of a value: 50 means the baseline plus 50 %."),
    )
    target_note = MultilingualField(label=gettext_lazy("Target note"))
    allows_corrections = forms.BooleanField(
        label=gettext_lazy("Negative corrections allowed"),
        required=False,
        help_text=gettext_lazy("A count is never negative, unless a value may take back an earlier one."),
    )
    means_of_verification = MultilingualField(label=gettext_lazy("Means of verification"), multiline=True)
    dimensions = ChoicesOfModel(
        label=gettext_lazy("Disaggregations"),
        required=False,
        queryset=Dimension.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    is_demo = forms.BooleanField(label=gettext_lazy("Demo indicator"), required=False)

    # What the form edits of the service's fields: the data source has its own control on the indicator
    # page, and the order follows the position in the tree.
    service_fields = tuple(name for name in services.INDICATOR_FIELDS if name not in ("source", "computation", "order"))

    def __init__(self, *args, programme: Programme, indicator: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self, "result", programme.results.order_by("order"))
        _offer(self, "dimensions", programme.dimensions.all())
        if indicator is None:
            del self.fields["result"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target_value") is not None and cleaned.get("target_relative_percent") is not None:
            self.add_error(
                "target_relative_percent",
                _("Give the target either as a value or as an increase over the baseline, not both."),
            )
        return cleaned


class NoteCells(MultilingualWidget):
    """A milestone's note: one table cell per language, each input labelled with its period and language
    (the table's header names the language, its row header the period)."""

    template_name = "results/widgets/note_cells.html"

    def __init__(self, languages: Iterable[str], *, label, period: Period):
        super().__init__(languages, label=label)
        self.period = period

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            subwidget["attrs"]["aria-label"] = f"{self.period}: {subwidget['label']}"
        return context


class MilestoneForm(MultilingualForm):
    """One period's milestone, inside the indicator form (prefixed by the period)."""

    value = decimal_field(gettext_lazy("Milestone"))
    relative_percent = decimal_field(gettext_lazy("or increase over the baseline (%)"), max_digits=10)
    note = MultilingualField(label=gettext_lazy("Note"))

    def __init__(self, *args, period: Period, languages: Iterable[str], **kwargs):
        super().__init__(*args, languages=languages, **kwargs)
        self.period = period
        note = cast(MultilingualField, self.fields["note"])
        note.widget = NoteCells(note.languages, label=note.label, period=period)
        note.widget.attrs["size"] = 16
        for name in ("value", "relative_percent"):
            field = self.fields[name]
            # Inputs sit in a table with the period as row header: their label says both.
            field.widget.attrs["aria-label"] = f"{period}: {field.label}"
            field.widget.attrs.setdefault("size", 8)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value") is not None and cleaned.get("relative_percent") is not None:
            self.add_error(
                "relative_percent",
                _("Give the milestone either as a value or as an increase over the baseline, not both."),
            )
        return cleaned

    def target(self) -> dict:
        return {
            "value": self.cleaned_data.get("value"),
            "relative_percent": self.cleaned_data.get("relative_percent"),
            "note": self.cleaned_data.get("note") or {},
        }


# A reporting round: comments, narratives, generated periods, targets by disaggregation ---------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=services.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NarrativeForm(MultilingualForm):
    achieved = MultilingualField(label=gettext_lazy("What happened"), multiline=True, max_length=5000)
    variance = MultilingualField(
        label=gettext_lazy("Why it differs from the milestone"),
        multiline=True,
        max_length=5000,
        help_text=gettext_lazy("The reasons for the variance between the actual and the milestone."),
    )
    next_steps = MultilingualField(label=gettext_lazy("What comes next"), multiline=True, max_length=5000)


class PeriodGenerateForm(forms.Form):
    frequency = forms.ChoiceField(label=gettext_lazy("One period per"), choices=services.Frequency.choices)


class DisaggregatedTargetsForm(forms.Form):
    """One input per period x value of the indicator's disaggregations (`t_<period id>_<value id>`)."""

    def __init__(self, *args, periods: list[Period], values: list[DimensionValue], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[Period, DimensionValue, str]] = []
        for value in values:
            for period in periods:
                name = f"t_{period.pk}_{value.pk}"
                self.fields[name] = decimal_field(f"{value} · {period}")
                self.initial.setdefault(name, plain(current.get((period.pk, value.pk))))
                self.cells.append((period, value, name))

    def rows(self) -> list[tuple[DimensionValue, list]]:
        """Per disaggregation value, its inputs in period order (the page's grid)."""
        grid: dict[int, tuple[DimensionValue, list]] = {}
        for _period, value, name in self.cells:
            grid.setdefault(value.pk, (value, []))[1].append(self[name])
        return list(grid.values())

    def targets(self) -> dict:
        return {(period.pk, value.pk): self.cleaned_data.get(name) for period, value, name in self.cells}


class IatiUploadForm(forms.Form):
    """An IATI activity file to preview; its first bytes checked here (binary, DOCTYPE, not IATI), the whole
    file on the task queue."""

    file = forms.FileField(
        label=gettext_lazy("IATI activity file"),
        help_text=gettext_lazy("An XML file of iati-activities, versions 2.01 to 2.03."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_file(self):
        from django.conf import settings

        from jalon.interop.iati_read import SNIFF_BYTES, IatiFileRefused, head_check

        upload = self.cleaned_data["file"]
        try:
            head_check(upload.read(SNIFF_BYTES), size=upload.size or 0, max_bytes=settings.IATI_IMPORT_MAX_BYTES)
        except IatiFileRefused as refused:
            raise ValidationError(refused.message, code="refused") from refused
        finally:
            upload.seek(0)
        return upload


class IatiTrustForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    publishers = forms.CharField(
        label=gettext_lazy("Trusted publishers"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "IATI identifiers of the reporting organisations whose values enter approved, one per line "
            "(for example XM-DAC-41302). Values of any other publisher enter as submitted, to be reviewed."
        ),
    )

    def clean_publishers(self) -> list[str]:
        identifiers = []
        for line in self.cleaned_data["publishers"].splitlines():
            identifier = line.strip()
            if not identifier:
                continue
            if len(identifier) > 100 or any(character.isspace() for character in identifier):
                raise ValidationError(
                    _("“%(identifier)s” is not an IATI organisation identifier (no spaces, at most 100 characters).")
                    % {"identifier": identifier[:100]}
                )
            if identifier not in identifiers:
                identifiers.append(identifier)
        return identifiers


class IatiConfirmForm(forms.Form):
    """One choice per organisation the file names and the directory lacks: one of the directory's, or none
    (a reporting organisation is then added to the directory; a participating one is left unmatched)."""

    def __init__(self, *args, unmatched: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, str] = {}
        if not unmatched:
            return
        # The directory read once for all the choices (a file of many activities names many organisations).
        organisations = Organisation.objects.order_by(TextOrder(text_in_database("name")))
        choices = [("", _("Not in the directory")), *((str(o.pk), str(o)) for o in organisations)]
        for number, match in enumerate(unmatched):
            name = f"organisation_{number}"
            self.keys[name] = match["key"]
            self.fields[name] = forms.TypedChoiceField(
                label=match["name"] or match["ref"],
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=match["ref"],
            )

    def mapping(self) -> dict[str, int]:
        return {self.keys[name]: pk for name, pk in self.cleaned_data.items() if name in self.keys and pk is not None}
