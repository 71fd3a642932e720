from django.contrib import admin

from jalon.accounts.admin import AuditedAdmin
from jalon.lib.multilingual import content_languages
from jalon.reference.models import Classification, Country, Currency, DevelopingCountryRule, Language, Region, Vintage

# Admin search in a name in any language (a key of the JSON text; the whole JSON would miss accents on SQLite,
# which stores them escaped).
NAMES = [f"name__{code}" for code in content_languages()]


class ClassificationInline(admin.TabularInline):
    model = Classification
    extra = 0
    readonly_fields = ["vintage"]


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ["iso3", "iso2", "m49", "name", "region", "sub_region"]
    list_filter = ["region"]
    search_fields = ["iso2", "iso3", *NAMES]
    filter_horizontal = ["languages", "currencies"]
    inlines = [ClassificationInline]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["m49", "kind", "name", "parent"]
    list_filter = ["kind"]
    search_fields = ["m49", *NAMES]


@admin.register(Language)
class LanguageAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", *NAMES]


@admin.register(Currency)
class CurrencyAdmin(AuditedAdmin):
    list_display = ["code", "name", "minor_units"]
    search_fields = ["code", *NAMES]


@admin.register(Vintage)
class VintageAdmin(AuditedAdmin):
    list_display = ["key", "title", "as_of", "loaded_at"]


@admin.register(Classification)
class ClassificationAdmin(AuditedAdmin):
    list_display = ["country", "scheme", "value", "valid_from", "valid_to", "vintage"]
    list_filter = ["scheme", "value", "vintage"]
    search_fields = ["country__iso3", *(f"country__{name}" for name in NAMES)]


@admin.register(DevelopingCountryRule)
class DevelopingCountryRuleAdmin(AuditedAdmin):
    list_display = ["code", "name", "combine"]
