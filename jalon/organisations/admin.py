from django.contrib import admin

from jalon.accounts.admin import AuditedAdmin
from jalon.organisations.models import Membership, Organisation, Person
from jalon.reference.admin import NAMES


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["body"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["acronym", "name", "kind", "country", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["acronym", *NAMES]
    autocomplete_fields = ["country"]
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["family_name", "given_name", "organisation", "email"]
    search_fields = ["family_name", "given_name", "email"]
    autocomplete_fields = ["organisation", "country"]
