from django.conf import settings
from django.urls import translate_url

from jalon.web.navigation import links_for


def navigation(request):
    """The language switch (plain links, so it works without JavaScript) and the links this user sees."""
    path = request.get_full_path()
    switch = [{"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES]
    user = getattr(request, "user", None)
    return {"language_switch": switch, "navigation": links_for(user)}
