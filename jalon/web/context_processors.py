from django.conf import settings
from django.urls import translate_url

from jalon.accounts import access as accounts_access
from jalon.support import access as support_access


def navigation(request):
    """The language switch (plain links, so it works without JavaScript) and the user's roles."""
    path = request.get_full_path()
    switch = [{"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES]
    user = getattr(request, "user", None)
    return {
        "language_switch": switch,
        "can_view_audit": accounts_access.audit_can_view(user) if user else False,
        "can_use_support": support_access.support_can_list(user) if user else False,
    }
