from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "jalon.web"
    verbose_name = _("Web pages")

    def ready(self):
        from jalon.web.demo import demo_users_build, register_step

        register_step(25, "users", demo_users_build)

        from jalon.accounts.access import audit_can_view
        from jalon.lib import collation, search
        from jalon.web.navigation import Link, register

        collation.connect()
        search.connect()
        register(Link("web:audit_list", _("Audit log"), 90, visible=audit_can_view))
