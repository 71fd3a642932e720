from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry, RoleAssignment, User


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go to the audit log like any service write."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            instance=obj,
            before=before,
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=AuditEntry.Action.DELETE, instance=obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=AuditEntry.Action.DELETE, instance=obj, before=snapshot(obj))
        super().delete_queryset(request, queryset)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JalonUserAdmin(UserAdmin, AuditedAdmin):
    inlines = [RoleInline]
    fieldsets = (*UserAdmin.fieldsets, ("jalon", {"fields": ("preferred_language",)}))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "model", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name", "object_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
