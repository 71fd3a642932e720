"""Pages where programme managers build and edit a framework: the programme itself, its levels, periods,
disaggregations, result tree, indicators and their milestones. Server-rendered, no JavaScript needed.

Multilingual texts get one input per language of the programme (`title_fr`, `title_en`...); the services
receive the {"fr": ..., "en": ...} dict. Every write goes through jalon.results.services."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.lib.multilingual import text_in_database
from jalon.organisations.models import Organisation
from jalon.reference.models import DevelopingCountryRule
from jalon.results import access, services
from jalon.results.models import (
    Cumulation,
    Dimension,
    Indicator,
    Level,
    Measure,
    Period,
    Programme,
    Result,
)
from jalon.web.form_errors import form_errors_from

DEFAULT_LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {
    "fr": gettext_lazy("French"),
    "en": gettext_lazy("English"),
    "es": gettext_lazy("Spanish"),
    "ar": gettext_lazy("Arabic"),
    "zh": gettext_lazy("Chinese"),
    "ru": gettext_lazy("Russian"),
}
# The order languages are offered and stored in: the programme's first language is its main one.
LANGUAGE_ORDER = ["fr", "en", *(code for code in settings.CONTENT_LANGUAGES if code not in ("fr", "en"))]


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def programme_languages(programme: Programme | None) -> list[str]:
    languages = [code for code in (programme.languages if programme else None) or [] if isinstance(code, str)]
    return languages or list(DEFAULT_LANGUAGES)


MAX_ID = 2**31 - 1


def _valid_id(value) -> bool:
    """A primary key the database can be asked about (a huge number would overflow its integer)."""
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class ChoiceOfModel(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _valid_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoicesOfModel(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not _valid_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def plain(value):
    """A stored decimal as typed: 20.0000 shows as 20, 1.5000 as 1.5 (never in exponent notation)."""
    if value is None:
        return None
    return value.quantize(1) if value == value.to_integral() else value.normalize()


def date_field(label, required=True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def decimal_field(label, *, max_digits=20, decimal_places=4, required=False, help_text="") -> forms.DecimalField:
    # localize: "1,5" is read as 1.5 in French, "1.5" still works.
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=decimal_places,
        localize=True,
        help_text=help_text,
    )


def year_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1900, max_value=2200)


class MultilingualForm(forms.Form):
    """A form whose `layout` mixes declared fields (names) and multilingual texts, given as
    (name, label, multiline, required): one input per language, `name_<language>`."""

    layout: tuple = ()

    def __init__(self, *args, languages, texts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        self.texts = texts or {}  # current values, kept for languages the form does not show
        order = []
        for item in self.layout:
            if isinstance(item, str):
                order.append(item)
                continue
            name, label, multiline, required = item
            for language in self.languages:
                field_name = f"{name}_{language}"
                self.fields[field_name] = forms.CharField(
                    label=_("%(field)s (%(language)s)") % {"field": label, "language": language_name(language)},
                    required=False,
                    max_length=10000 if multiline else 1000,
                    widget=forms.Textarea(attrs={"rows": 3, "lang": language})
                    if multiline
                    else forms.TextInput(attrs={"lang": language}),
                )
                self.initial.setdefault(field_name, (self.texts.get(name) or {}).get(language, ""))
                order.append(field_name)
        self.order_fields(order)

    def text_names(self) -> list[tuple[str, bool]]:
        return [(item[0], item[3]) for item in self.layout if not isinstance(item, str)]

    def clean(self):
        cleaned = super().clean()
        for name, required in self.text_names():
            if required and not any((cleaned.get(f"{name}_{language}") or "").strip() for language in self.languages):
                field_name = f"{name}_{self.languages[0]}"
                self.add_error(field_name, self.fields[field_name].error_messages["required"])
        return cleaned

    def text(self, name: str) -> dict:
        """The {"language": text} dict to store: the languages shown, over the ones already stored."""
        value = dict(self.texts.get(name) or {})
        for language in self.languages:
            typed = (self.cleaned_data.get(f"{name}_{language}") or "").strip()
            if typed:
                value[language] = typed
            else:
                value.pop(language, None)
        return value

    def data_for_service(self, *names: str) -> dict:
        """Declared fields by name, multilingual ones as dicts."""
        texts = {name for name, _required in self.text_names()}
        return {name: self.text(name) if name in texts else self.cleaned_data.get(name) for name in names}

    def errors_from(self, exc: ValidationError) -> None:
        """A service's refusal beside its inputs (a multilingual text: beside its first input)."""

        def first_language_input(field: str) -> str | None:
            name = f"{field}_{self.languages[0]}"
            return name if name in self.fields else None

        form_errors_from(exc, self, field_for=first_language_input)


# Forms ------------------------------------------------------------------------------------------------


class ProgrammeForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=60,
        help_text=gettext_lazy("Letters, digits and hyphens; it appears in the programme's web address."),
    )
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

    layout = (
        "version",
        "code",
        ("title", gettext_lazy("Title"), False, True),
        ("description", gettext_lazy("Description"), True, False),
        "owner",
        "source",
        "start_date",
        "end_date",
        "languages",
        "developing_rule",
        "developing_rule_as_of",
        "on_track_min",
        "at_risk_min",
        "published",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.order_by(text_in_database("name"))
        self.fields["developing_rule"].queryset = DevelopingCountryRule.objects.order_by("code")

    def clean_languages(self):
        chosen = self.cleaned_data["languages"]
        return [code for code in LANGUAGE_ORDER if code in chosen]


class LevelForm(MultilingualForm):
    key = forms.SlugField(
        label=gettext_lazy("Key"), max_length=40, help_text=gettext_lazy("A short identifier, e.g. outcome.")
    )
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
    layout = ("key", ("name", gettext_lazy("Name"), False, True), "iati_result_type", "order")


class PeriodForm(MultilingualForm):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=20, help_text=gettext_lazy("e.g. 2026, or 2026-2027 for a biennium.")
    )
    start = date_field(gettext_lazy("Start"))
    end = date_field(gettext_lazy("End"))
    layout = ("code", ("name", gettext_lazy("Name"), False, False), "start", "end")


class DimensionForm(MultilingualForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Dimension.Kind.choices)
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    values = forms.CharField(
        label=gettext_lazy("Values"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    layout = ("kind", "code", ("name", gettext_lazy("Name"), False, True), "values")

    def __init__(self, *args, dimension: Dimension | None = None, **kwargs):
        super().__init__(*args, **kwargs)
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


class ResultForm(MultilingualForm):
    parent = ChoiceOfModel(
        label=gettext_lazy("Under"),
        required=False,
        queryset=Result.objects.none(),
        empty_label=gettext_lazy("(top of the tree)"),
    )
    level = ChoiceOfModel(label=gettext_lazy("Level"), queryset=Level.objects.none())
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20, help_text=gettext_lazy("e.g. IO2"))
    order = forms.IntegerField(
        label=gettext_lazy("Position"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=gettext_lazy("Results are listed by this number among those under the same result."),
    )
    layout = (
        "parent",
        "level",
        "code",
        ("title", gettext_lazy("Title"), False, True),
        ("description", gettext_lazy("Description"), True, False),
        "order",
    )

    def __init__(self, *args, programme: Programme, result: Result | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = programme.results.order_by("order")
        self.fields["parent"].label_from_instance = lambda r: f"{r.code} · {r.t('title')}"
        self.fields["level"].queryset = programme.levels.all()
        if result is None:
            del self.fields["order"]


class IndicatorForm(MultilingualForm):
    result = ChoiceOfModel(label=gettext_lazy("Result"), queryset=Result.objects.none())
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=Measure.choices)
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
    target_value = decimal_field(gettext_lazy("Overall target"))
    target_relative_percent = decimal_field(
        gettext_lazy("Overall target: increase over the baseline (%)"),
        max_digits=10,
        help_text=gettext_lazy("Instead of a value: 50 means the baseline plus 50 %."),
    )
    dimensions = ChoicesOfModel(
        label=gettext_lazy("Disaggregations"),
        required=False,
        queryset=Dimension.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    is_demo = forms.BooleanField(label=gettext_lazy("Demo indicator"), required=False)
    layout = (
        "result",
        "code",
        ("title", gettext_lazy("Title"), False, True),
        ("definition", gettext_lazy("Definition"), True, False),
        "measure",
        ("unit", gettext_lazy("Unit"), False, False),
        "currency",
        "direction",
        "cumulation",
        "baseline_value",
        "baseline_year",
        "baseline_to_be_set_in",
        ("baseline_note", gettext_lazy("Baseline note"), False, False),
        "target_value",
        "target_relative_percent",
        ("target_note", gettext_lazy("Target note"), False, False),
        ("means_of_verification", gettext_lazy("Means of verification"), True, False),
        "dimensions",
        "is_demo",
    )
    # What the form edits of the service's fields: the data source has its own control on the indicator
    # page, and the order follows the position in the tree.
    service_fields = tuple(name for name in services.INDICATOR_FIELDS if name not in ("source", "computation", "order"))

    def __init__(self, *args, programme: Programme, indicator: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = programme.results.order_by("order")
        self.fields["result"].label_from_instance = lambda r: f"{r.code} · {r.t('title')}"
        self.fields["dimensions"].queryset = programme.dimensions.all()
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


class MilestoneForm(MultilingualForm):
    """One period's milestone, inside the indicator form (prefixed by the period)."""

    value = decimal_field(gettext_lazy("Milestone"))
    relative_percent = decimal_field(gettext_lazy("or increase over the baseline (%)"), max_digits=10)
    layout = ("value", "relative_percent", ("note", gettext_lazy("Note"), False, False))

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        for name, field in self.fields.items():
            # Inputs sit in a table with the period as row header: their label says both.
            field.widget.attrs["aria-label"] = f"{period}: {field.label}"
            field.widget.attrs.setdefault("size", 8 if name != "note" else 16)

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
            "note": self.text("note"),
        }


# Helpers ----------------------------------------------------------------------------------------------


def _managed(request, code: str) -> Programme:
    """The programme, if the user may see it (else 404) and manage it (else 403)."""
    programme = get_object_or_404(access.programmes_visible(request.user).select_related("owner"), code=code)
    if not access.programme_can_manage(request.user, programme):
        raise PermissionDenied
    return programme


def structure_url(programme: Programme) -> str:
    return reverse("results:framework_structure", kwargs={"code": programme.code})


def _form_page(request, *, form, save, done, context: dict, template="results/framework_form.html"):
    """Validate a form, hand it to `save`; a service refusal shows on the form, success redirects."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            form.errors_from(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(done(saved))
    return render(request, template, {"form": form, **context})


def _delete_page(request, *, programme: Programme, obj, delete, done_url: str, cancel_url: str, message: str):
    """A confirmation page; the POST deletes, or says why it cannot."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(cancel_url)
        messages.success(request, message)
        return redirect(done_url)
    return render(
        request,
        "web/confirm_delete.html",
        {"object": obj, "cancel_url": cancel_url, "programme": programme},
    )


# Programme --------------------------------------------------------------------------------------------

PROGRAMME_SERVICE_FIELDS = services.PROGRAMME_FIELDS
PROGRAMME_TEXTS = services.PROGRAMME_TEXT_FIELDS


@login_required
def programme_create(request):
    if not access.programme_can_create(request.user):
        raise PermissionDenied
    form = ProgrammeForm(
        request.POST or None,
        languages=DEFAULT_LANGUAGES,
        initial={
            "languages": list(DEFAULT_LANGUAGES),
            "on_track_min": Programme._meta.get_field("on_track_min").default,
            "at_risk_min": Programme._meta.get_field("at_risk_min").default,
        },
    )
    del form.fields["version"]
    return _form_page(
        request,
        form=form,
        save=lambda f: services.programme_create(actor=request.user, **f.data_for_service(*PROGRAMME_SERVICE_FIELDS)),
        done=structure_url,
        context={"title": _("New programme"), "cancel_url": reverse("results:programme_list")},
    )


@login_required
def programme_edit(request, code: str):
    programme = _managed(request, code)
    initial = {name: getattr(programme, name) for name in PROGRAMME_SERVICE_FIELDS if name not in PROGRAMME_TEXTS}
    initial["version"] = programme.version
    form = ProgrammeForm(
        request.POST or None,
        languages=programme_languages(programme),
        texts={"title": programme.title, "description": programme.description},
        initial=initial,
    )
    return _form_page(
        request,
        form=form,
        save=lambda f: services.programme_update(
            actor=request.user,
            programme=programme,
            version=f.cleaned_data.get("version"),
            **f.data_for_service(*PROGRAMME_SERVICE_FIELDS),
        ),
        done=lambda saved: saved.get_absolute_url(),
        context={
            "programme": programme,
            "title": _("Edit the programme"),
            "cancel_url": programme.get_absolute_url(),
        },
    )


@login_required
def framework_structure(request, code: str):
    programme = _managed(request, code)
    results = list(programme.results.select_related("level").prefetch_related("indicators").order_by("order", "pk"))
    depth: dict = {}
    for result in results:  # in depth-first order: a parent comes before its children
        depth[result.pk] = depth.get(result.parent_id, -1) + 1 if result.parent_id else 0
    return render(
        request,
        "results/framework_structure.html",
        {
            "programme": programme,
            "levels": programme.levels.all(),
            "periods": programme.periods.all(),
            "dimensions": programme.dimensions.prefetch_related("values"),
            "rows": [{"result": result, "depth": depth[result.pk]} for result in results],
        },
    )


# Levels, periods, disaggregations ---------------------------------------------------------------------


def _context(programme: Programme, title: str) -> dict:
    return {"programme": programme, "title": title, "cancel_url": structure_url(programme)}


@login_required
def level_edit(request, code: str, pk: int | None = None):
    programme = _managed(request, code)
    level = get_object_or_404(programme.levels, pk=pk) if pk is not None else None
    form = LevelForm(
        request.POST or None,
        languages=programme_languages(programme),
        texts={"name": level.name} if level else None,
        initial={"key": level.key, "iati_result_type": level.iati_result_type, "order": level.order} if level else None,
    )
    return _form_page(
        request,
        form=form,
        save=lambda f: services.level_save(
            actor=request.user,
            programme=programme,
            level=level,
            **f.data_for_service("key", "name", "iati_result_type", "order"),
        ),
        done=lambda saved: structure_url(programme),
        context=_context(programme, _("Edit the level") if level else _("New level")),
    )


@login_required
def level_delete(request, code: str, pk: int):
    programme = _managed(request, code)
    level = get_object_or_404(programme.levels, pk=pk)
    return _delete_page(
        request,
        programme=programme,
        obj=level,
        delete=lambda: services.level_delete(actor=request.user, level=level),
        done_url=structure_url(programme),
        cancel_url=structure_url(programme),
        message=_("Level deleted."),
    )


@login_required
def period_edit(request, code: str, pk: int | None = None):
    programme = _managed(request, code)
    period = get_object_or_404(programme.periods, pk=pk) if pk is not None else None
    form = PeriodForm(
        request.POST or None,
        languages=programme_languages(programme),
        texts={"name": period.name} if period else None,
        initial={"code": period.code, "start": period.start, "end": period.end} if period else None,
    )
    return _form_page(
        request,
        form=form,
        save=lambda f: services.period_save(
            actor=request.user, programme=programme, period=period, **f.data_for_service("code", "name", "start", "end")
        ),
        done=lambda saved: structure_url(programme),
        context=_context(programme, _("Edit the period") if period else _("New period")),
    )


@login_required
def period_delete(request, code: str, pk: int):
    programme = _managed(request, code)
    period = get_object_or_404(programme.periods, pk=pk)
    return _delete_page(
        request,
        programme=programme,
        obj=period,
        delete=lambda: services.period_delete(actor=request.user, period=period),
        done_url=structure_url(programme),
        cancel_url=structure_url(programme),
        message=_("Period deleted."),
    )


@login_required
def dimension_edit(request, code: str, pk: int | None = None):
    programme = _managed(request, code)
    dimension = get_object_or_404(programme.dimensions, pk=pk) if pk is not None else None
    form = DimensionForm(
        request.POST or None,
        languages=programme_languages(programme),
        texts={"name": dimension.name} if dimension else None,
        initial={"kind": dimension.kind, "code": dimension.code} if dimension else None,
        dimension=dimension,
    )
    return _form_page(
        request,
        form=form,
        save=lambda f: services.dimension_save(
            actor=request.user,
            programme=programme,
            dimension=dimension,
            **f.data_for_service("kind", "code", "name", "values"),
        ),
        done=lambda saved: structure_url(programme),
        context=_context(programme, _("Edit the disaggregation") if dimension else _("New disaggregation")),
    )


@login_required
def dimension_delete(request, code: str, pk: int):
    programme = _managed(request, code)
    dimension = get_object_or_404(programme.dimensions, pk=pk)
    return _delete_page(
        request,
        programme=programme,
        obj=dimension,
        delete=lambda: services.dimension_delete(actor=request.user, dimension=dimension),
        done_url=structure_url(programme),
        cancel_url=structure_url(programme),
        message=_("Disaggregation deleted."),
    )


# Results ----------------------------------------------------------------------------------------------


@login_required
def result_edit(request, code: str, pk: int | None = None):
    programme = _managed(request, code)
    result = get_object_or_404(programme.results, pk=pk) if pk is not None else None
    if result:
        initial = {"parent": result.parent_id, "level": result.level_id, "code": result.code, "order": result.order}
    else:
        # "Add a sub-result" links pass the parent; a value that is not one of the choices selects nothing.
        initial = {"parent": request.GET.get("parent", "")[:20]}
    form = ResultForm(
        request.POST or None,
        languages=programme_languages(programme),
        texts={"title": result.title, "description": result.description} if result else None,
        initial=initial,
        programme=programme,
        result=result,
    )
    fields = ("parent", "level", "code", "title", "description") + (("order",) if result else ())
    return _form_page(
        request,
        form=form,
        save=lambda f: services.result_save(
            actor=request.user, programme=programme, result=result, **f.data_for_service(*fields)
        ),
        done=lambda saved: structure_url(programme),
        context=_context(programme, _("Edit the result") if result else _("New result")),
    )


@login_required
def result_delete(request, code: str, pk: int):
    programme = _managed(request, code)
    result = get_object_or_404(programme.results, pk=pk)
    return _delete_page(
        request,
        programme=programme,
        obj=result,
        delete=lambda: services.result_delete(actor=request.user, result=result),
        done_url=structure_url(programme),
        cancel_url=structure_url(programme),
        message=_("Result deleted, with its sub-results and indicators."),
    )


# Indicators -------------------------------------------------------------------------------------------


def _indicator_page(request, programme: Programme, *, result: Result, indicator: Indicator | None):
    languages = programme_languages(programme)
    periods = list(programme.periods.all())
    milestones = {m.period_id: m for m in indicator.milestones.all()} if indicator else {}
    data = request.POST if request.method == "POST" else None
    if indicator:
        initial = {name: getattr(indicator, name) for name in IndicatorForm.service_fields}
        for name in ("baseline_value", "target_value", "target_relative_percent"):
            initial[name] = plain(initial[name])
        initial.update(result=indicator.result_id, dimensions=[d.pk for d in indicator.dimensions.all()])
        texts = {name: getattr(indicator, name) for name in services.INDICATOR_TEXT_FIELDS}
    else:
        initial, texts = {}, None
    form = IndicatorForm(
        data, languages=languages, texts=texts, initial=initial, programme=programme, indicator=indicator
    )
    rows = []
    for period in periods:
        milestone = milestones.get(period.pk)
        rows.append(
            MilestoneForm(
                data,
                prefix=f"p{period.pk}",
                period=period,
                languages=languages,
                texts={"note": milestone.note} if milestone else None,
                initial={"value": plain(milestone.value), "relative_percent": plain(milestone.relative_percent)}
                if milestone
                else None,
            )
        )
    if request.method == "POST":
        rows_valid = [row.is_valid() for row in rows]  # every row, to show all their errors at once
        if form.is_valid() and all(rows_valid):
            try:
                saved = services.indicator_save(
                    actor=request.user,
                    result=form.cleaned_data.get("result") or result,
                    indicator=indicator,
                    dimensions=form.cleaned_data["dimensions"],
                    milestones={row.period: row.target() for row in rows},
                    **form.data_for_service(*IndicatorForm.service_fields),
                )
            except ValidationError as exc:
                form.errors_from(exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(saved.get_absolute_url())
    return render(
        request,
        "results/indicator_form.html",
        {
            "programme": programme,
            "result": result,
            "indicator": indicator,
            "form": form,
            "milestones": rows,
            "languages": [(code, language_name(code)) for code in languages],
            "title": _("Edit the indicator") if indicator else _("New indicator"),
            "cancel_url": indicator.get_absolute_url() if indicator else structure_url(programme),
        },
    )


@login_required
def indicator_create(request, code: str, pk: int):
    programme = _managed(request, code)
    result = get_object_or_404(programme.results, pk=pk)
    return _indicator_page(request, programme, result=result, indicator=None)


@login_required
def indicator_edit(request, code: str, pk: int):
    programme = _managed(request, code)
    indicator = get_object_or_404(
        Indicator.objects.select_related("result").prefetch_related("milestones", "dimensions"),
        pk=pk,
        result__programme=programme,
    )
    return _indicator_page(request, programme, result=indicator.result, indicator=indicator)


@login_required
def indicator_delete(request, code: str, pk: int):
    programme = _managed(request, code)
    indicator = get_object_or_404(Indicator.objects.select_related("result"), pk=pk, result__programme=programme)
    return _delete_page(
        request,
        programme=programme,
        obj=indicator,
        delete=lambda: services.indicator_delete(actor=request.user, indicator=indicator),
        done_url=structure_url(programme),
        cancel_url=indicator.get_absolute_url(),
        message=_("Indicator deleted."),
    )
