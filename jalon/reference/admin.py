from django.contrib import admin

from jalon.accounts.admin import AuditedAdmin
from jalon.reference.models import Classification, Country, Currency, DevelopingCountryRule, Language, Region, Vintage


class ClassificationInline(admin.TabularInline):
    model = Classification
    extra = 0
    readonly_fields = ["vintage"]


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ["iso3", "iso2", "m49", "name_en", "name_fr", "region", "sub_region"]
    list_filter = ["region"]
    search_fields = ["iso2", "iso3", "name_en", "name_fr"]
    filter_horizontal = ["languages", "currencies"]
    inlines = [ClassificationInline]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["m49", "kind", "name_en", "name_fr", "parent"]
    list_filter = ["kind"]
    search_fields = ["m49", "name_en", "name_fr"]


@admin.register(Language)
class LanguageAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en", "name_fr"]


@admin.register(Currency)
class CurrencyAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_fr", "minor_units"]
    search_fields = ["code", "name_en", "name_fr"]


@admin.register(Vintage)
class VintageAdmin(AuditedAdmin):
    list_display = ["key", "title", "as_of", "loaded_at"]


@admin.register(Classification)
class ClassificationAdmin(AuditedAdmin):
    list_display = ["country", "scheme", "value", "valid_from", "valid_to", "vintage"]
    list_filter = ["scheme", "value", "vintage"]
    search_fields = ["country__iso3", "country__name_en"]


@admin.register(DevelopingCountryRule)
class DevelopingCountryRuleAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_fr", "combine"]
