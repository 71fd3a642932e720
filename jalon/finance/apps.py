from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "jalon.finance"
    verbose_name = _("Finance")

    def ready(self):
        from jalon.finance.computations import register_all
        from jalon.finance.demo import finance_demo_build
        from jalon.web.demo import register_step
        from jalon.web.navigation import Link
        from jalon.web.navigation import register as register_link

        register_all()
        register_step(75, "finance ledger", lambda context: finance_demo_build(actor=context.users["manager"]))
        register_link(Link("finance:index", _("Finance"), 62))
