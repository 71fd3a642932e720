"""Forms of the products pages: a technology with its standards, a product, a test laboratory, a conformity
claim and its steps. Choices come from knowledge.access.products."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from jalon.knowledge.access import products as access
from jalon.knowledge.models import ConformityClaim, Product, Technology, TestLaboratory
from jalon.knowledge.services.products import CLAIM_FIELDS, LABORATORY_FIELDS, PRODUCT_FIELDS
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.web.files import upload_validate
from jalon.web.forms import ChoiceOfModel, ChoicesOfModel, MultilingualField, MultilingualForm, date_field

MAX_STANDARDS = 30


class TechnologyForm(MultilingualForm):
    name = MultilingualField(label=gettext_lazy("Name"), required=True, max_length=200)
    description = MultilingualField(label=gettext_lazy("Description"), multiline=True)
    standards = forms.CharField(
        label=gettext_lazy("Standards and editions"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: the reference, then the edition after a comma (ITU-T G.9960, 2018-11)."),
    )

    def clean_standards(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data["standards"].splitlines():
            if line.strip():
                reference, _comma, edition = line.partition(",")
                pairs.append((reference.strip(), edition.strip()))
        if not pairs:
            raise ValidationError(gettext_lazy("Name at least one standard."))
        if len(pairs) > MAX_STANDARDS:
            raise ValidationError(gettext_lazy("At most 30 standards."))
        return pairs


class ProductForm(forms.Form):
    manufacturer = ChoiceOfModel(label=gettext_lazy("Manufacturer"), queryset=Organisation.objects.none())
    model = forms.CharField(label=gettext_lazy("Model"), max_length=200)
    product_version = forms.CharField(label=gettext_lazy("Version"), max_length=60, required=False)
    category = forms.CharField(label=gettext_lazy("Category"), max_length=120)
    country = ChoiceOfModel(label=gettext_lazy("Country of manufacture"), queryset=Country.objects.none())
    technologies = ChoicesOfModel(
        label=gettext_lazy("Technologies"), queryset=Technology.objects.none(), required=False
    )
    organisation = ChoiceOfModel(
        label=gettext_lazy("Submitted by"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manufacturer"].queryset = Organisation.objects.order_by("acronym", "pk")
        self.fields["country"].queryset = Country.objects.order_by("iso3")
        self.fields["technologies"].queryset = Technology.objects.order_by("pk")
        self.fields["organisation"].queryset = access.product_organisation_choices(user).order_by("acronym")
        if not access.knowledge_is_team(user):
            self.fields["organisation"].required = True

    def values(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in PRODUCT_FIELDS}
        data["product_version"] = data["product_version"] or ""
        data["technologies"] = list(self.cleaned_data.get("technologies") or [])
        return data


class LaboratoryForm(forms.ModelForm):
    class Meta:
        model = TestLaboratory
        fields = list(LABORATORY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("iso3")

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in LABORATORY_FIELDS}


class ClaimForm(forms.Form):
    product = ChoiceOfModel(label=gettext_lazy("Product"), queryset=Product.objects.none())
    standard = forms.CharField(label=gettext_lazy("Standard"), max_length=100)
    edition = forms.CharField(label=gettext_lazy("Edition"), max_length=40, required=False)
    profile = forms.CharField(label=gettext_lazy("Profile or clauses"), max_length=200, required=False)
    basis = forms.ChoiceField(label=gettext_lazy("Basis"), choices=ConformityClaim.Basis.choices)
    laboratory = ChoiceOfModel(
        label=gettext_lazy("Test laboratory"), queryset=TestLaboratory.objects.none(), required=False
    )
    report_number = forms.CharField(label=gettext_lazy("Report or declaration number"), max_length=100, required=False)
    issued_on = date_field(gettext_lazy("Issued on"))
    valid_until = date_field(gettext_lazy("Valid until"), required=False)
    evidence = forms.FileField(label=gettext_lazy("Evidence"), required=False, validators=[upload_validate])
    evidence_url = forms.URLField(label=gettext_lazy("Evidence link"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = access.product_choices(user).order_by("model", "pk")
        self.fields["laboratory"].queryset = access.laboratory_choices().order_by("name", "pk")

    def values(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in CLAIM_FIELDS}
        for name in ("edition", "profile", "report_number", "evidence_url"):
            data[name] = data[name] or ""
        return data


class ClaimStepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
