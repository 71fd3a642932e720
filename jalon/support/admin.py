from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jalon.reference.admin import NAMES
from jalon.support.models import EligibilityRule, Fellowship, FellowshipEligibility, Sponsorship, SupportBudget
from jalon.support.rule_kinds import KINDS


class EligibilityRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("rule"))

    class Meta:
        model = EligibilityRule
        fields = ["scheme", "programme", "kind", "params", "outcome", "order", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, f"{kind.title} ({key})") for key, kind in KINDS.items()]
        self.fields["params"].help_text = "; ".join(
            f"{key}: " + ", ".join(f"{p.name} ({p.label}, {p.default!r})" for p in kind.params)
            for key, kind in KINDS.items()
            if kind.params
        )


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    """Which rules a programme's applications must pass, in which order, with which parameters; the rules
    with no programme are the defaults for programmes that configure none."""

    form = EligibilityRuleForm
    list_display = ["__str__", "kind", "scheme", "programme", "outcome", "order", "active", "params"]
    list_editable = ["outcome", "order", "active"]
    list_filter = ["scheme", "programme", "outcome", "active"]


@admin.register(FellowshipEligibility)
class FellowshipEligibilityAdmin(admin.ModelAdmin):
    list_display = ["year", "country", "source", "is_demo"]
    list_filter = ["year", "is_demo"]
    search_fields = [*(f"country__{name}" for name in NAMES), "country__iso3"]
    autocomplete_fields = ["country"]


@admin.register(SupportBudget)
class SupportBudgetAdmin(admin.ModelAdmin):
    list_display = ["programme", "scheme", "year", "amount", "currency", "is_demo"]
    list_filter = ["scheme", "year", "programme"]


class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change through their workflow (pages, API), which audits every step."""

    list_select_related = ["programme", "organisation", "person", "meeting__committee"]
    list_filter = ["status", "programme"]
    search_fields = ["organisation__acronym", "person__family_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Sponsorship)
class SponsorshipAdmin(ApplicationAdmin):
    list_display = ["pk", "organisation", "person", "meeting", "status", "submitted_at"]


@admin.register(Fellowship)
class FellowshipAdmin(ApplicationAdmin):
    list_display = ["pk", "country", "person", "meeting", "kind", "partial_part", "status", "submitted_at"]
