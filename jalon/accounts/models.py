from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    FOCAL_POINT = "focal_point", _("Organisation focal point")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


# Roles that act for one organisation, and so need one.
ORGANISATION_ROLES = {Role.FOCAL_POINT, Role.CONTRIBUTOR}


class RoleAssignment(models.Model):
    """A user's role, scoped to an organisation (focal point, contributor), to a programme (manager,
    viewer), or to the whole platform when neither is set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        "results.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("programme"),
        help_text=_("For programme managers and viewers: the programme. Empty: every programme."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "programme"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        scope = f" ({self.organisation or self.programme})" if self.organisation_id or self.programme_id else ""
        return f"{self.user} - {self.get_role_display()}{scope}"


class AuditEntry(models.Model):
    """Who created, changed or deleted which domain record, when, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        # Personal data handed out (the right of access): who took a copy of whose data, and when.
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (name at the time)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=250)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.model} {self.object_id}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before, after = self.before or {}, self.after or {}
        return [
            (key, before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]
