from rest_framework.permissions import SAFE_METHODS, BasePermission


class AccessPolicy(BasePermission):
    """Reads are filtered by each viewset's queryset (from accounts.access); writes ask the viewset's
    `can_create(user)` / `can_change(user, obj)` / `can_delete(user, obj)`, which call accounts.access too.
    A viewset without them is read-only."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if getattr(view, "action", None) == "create":
            return bool(getattr(view, "can_create", lambda user: False)(request.user))
        return hasattr(view, "can_change")

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return bool(getattr(view, "can_delete", lambda user, obj: False)(request.user, obj))
        return bool(view.can_change(request.user, obj))
