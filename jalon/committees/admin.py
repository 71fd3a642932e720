from django.contrib import admin

from jalon.accounts.admin import AuditedAdmin
from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    ImportRun,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)


class LeadershipRoleInline(admin.TabularInline):
    model = LeadershipRole
    extra = 0
    autocomplete_fields = ["organisation", "person"]


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ["reference", "body", "kind", "status", "secretariat", "study_period"]
    list_filter = ["body", "kind", "status", "study_period"]
    search_fields = ["reference", "sort_key"]
    autocomplete_fields = ["parent", "secretariat"]
    filter_horizontal = ["liaison_committees"]
    readonly_fields = ["iso_id", "last_import"]
    inlines = [LeadershipRoleInline]


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(AuditedAdmin):
    list_display = ["committee", "member", "liaison_name", "status", "since", "until"]
    list_filter = ["status", "committee__body"]
    search_fields = ["committee__reference", "member__acronym", "liaison_name"]
    autocomplete_fields = ["committee", "member"]
    list_select_related = ["committee", "member"]


@admin.register(ParticipationEvent)
class ParticipationEventAdmin(AuditedAdmin):
    list_display = ["date", "committee", "organisation", "kind", "import_run"]
    list_filter = ["kind", "committee__body"]
    search_fields = ["committee__reference", "organisation__acronym"]
    autocomplete_fields = ["committee", "organisation", "previous_organisation"]
    list_select_related = ["committee", "organisation", "import_run"]
    date_hierarchy = "date"


@admin.register(LeadershipRole)
class LeadershipRoleAdmin(AuditedAdmin):
    list_display = ["committee", "role", "organisation", "person", "start_date", "end_date"]
    list_filter = ["role", "committee__body"]
    search_fields = ["committee__reference", "organisation__acronym", "person__family_name"]
    autocomplete_fields = ["committee", "organisation", "person"]
    list_select_related = ["committee", "organisation", "person"]


class DelegateInline(admin.TabularInline):
    model = MeetingDelegate
    extra = 0
    autocomplete_fields = ["person", "organisation"]


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["committee", "start_date", "end_date", "mode", "city", "country"]
    list_filter = ["mode", "committee__body"]
    search_fields = ["committee__reference", "city"]
    autocomplete_fields = ["committee", "country", "host"]
    list_select_related = ["committee", "country"]
    date_hierarchy = "start_date"
    inlines = [DelegateInline, ContributionInline]


@admin.register(MeetingDelegate)
class MeetingDelegateAdmin(AuditedAdmin):
    list_display = ["meeting", "person", "organisation", "role", "present", "sponsored"]
    list_filter = ["present", "sponsored", "role"]
    search_fields = ["person__family_name", "organisation__acronym", "meeting__committee__reference"]
    autocomplete_fields = ["meeting", "person", "organisation"]
    list_select_related = ["meeting__committee", "person", "organisation"]


@admin.register(Contribution)
class ContributionAdmin(AuditedAdmin):
    list_display = ["document_reference", "title", "organisation", "meeting", "submitted_on"]
    search_fields = ["title", "document_reference", "organisation__acronym"]
    autocomplete_fields = ["meeting", "organisation"]
    list_select_related = ["meeting__committee", "organisation"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Imports are recorded by the import itself: read only here."""

    list_display = ["created_at", "source", "file_name", "as_of"]
    readonly_fields = ["source", "file_name", "sha256", "as_of", "summary", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
