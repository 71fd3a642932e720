from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry, Role, RoleAssignment, User


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

    def save_formset(self, request, form, formset, change):
        """Inline rows (a user's roles, an organisation's memberships) are audited one by one too."""
        model = formset.model
        # The forms have already written the posted values onto their instances: read "before" afresh.
        changed = [f.instance.pk for f in formset.forms if f.instance.pk and f.has_changed()]
        before = {obj.pk: snapshot(obj) for obj in model.objects.filter(pk__in=changed)}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditEntry.Action.DELETE, instance=obj, before=snapshot(obj))
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                instance=obj,
                before=None if created else before.get(obj.pk),
            )
        formset.save_m2m()


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JalonUserAdmin(UserAdmin, AuditedAdmin):
    inlines = [RoleInline]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("jalon", {"fields": ("preferred_language",)}))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        # A platform administrator role given here must open the Django admin, as role_assign makes it do.
        if user.roles.filter(role=Role.PLATFORM_ADMIN).exists() and not (user.is_staff and user.is_superuser):
            before = snapshot(user)
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            audit_record(actor=request.user, action=AuditEntry.Action.UPDATE, instance=user, before=before)


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
