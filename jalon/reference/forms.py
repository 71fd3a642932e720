"""The filters of the country list, and the region choice every list filtered by place offers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jalon.reference.models import IncomeGroup
from jalon.reference.selectors import regions_in_tree_order

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def region_choices() -> list[tuple[str, str]]:
    """Regions, each followed by its sub-regions and their intermediate regions, indented."""
    return [("", str(_("Any")))] + [
        (region.m49, f"{'— ' * depth}{region.name}") for region, depth in regions_in_tree_order()
    ]


class CountryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    income = forms.ChoiceField(label=_("Income group"), required=False, choices=[("", _("Any")), *IncomeGroup.choices])
    ldc = forms.ChoiceField(label=_("Least developed"), required=False, choices=YES_NO)
    dac = forms.ChoiceField(label=_("ODA eligible (DAC)"), required=False, choices=YES_NO)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
