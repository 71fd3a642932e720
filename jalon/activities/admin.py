from django.contrib import admin

from jalon.accounts.admin import AuditedAdmin
from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.activities.models import Activity, ActivitySession, Attendance, Material, Registration


class AuditedInlinesMixin:
    """Rows edited in an inline are audited one by one, like the parent record."""

    def save_formset(self, request, form, formset, change):
        # Snapshots from the database: the forms' instances already hold the submitted values.
        model = formset.model
        ids = [form.instance.pk for form in formset.forms if form.instance.pk]
        befores = {obj.pk: snapshot(obj) for obj in model.objects.filter(pk__in=ids)}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditEntry.Action.DELETE, instance=obj, before=befores.get(obj.pk))
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                instance=obj,
                before=None if created else befores.get(obj.pk),
            )
        formset.save_m2m()


class SessionInline(admin.TabularInline):
    model = ActivitySession
    extra = 0


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(Activity)
class ActivityAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ["code", "__str__", "type", "level", "start_date", "end_date", "organiser", "status", "published"]
    list_filter = ["type", "level", "modality", "status", "published", "is_demo"]
    search_fields = ["code", "title", "organiser__acronym", "organiser__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["organiser", "partners", "donors", "region", "countries"]
    filter_horizontal = ["languages", "outputs"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at"]
    inlines = [SessionInline, MaterialInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["session"]


@admin.register(Registration)
class RegistrationAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ["person", "activity", "status", "completed", "satisfaction", "followup_applied"]
    list_filter = ["status", "completed", "source", "followup_applied"]
    search_fields = ["person__family_name", "person__given_name", "person__email", "activity__code", "certificate_code"]
    autocomplete_fields = ["activity", "person"]
    readonly_fields = ["certificate_code", "certificate_issued_at", "version", "created_at", "updated_at"]
    inlines = [AttendanceInline]


@admin.register(ActivitySession)
class ActivitySessionAdmin(AuditedAdmin):
    list_display = ["activity", "date", "start_time", "end_time", "title"]
    search_fields = ["activity__code", "title"]
    autocomplete_fields = ["activity"]
