from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "jalon.organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from jalon.organisations.demo import demo_organisations_build
        from jalon.web.demo import register_step

        register_step(20, "ISO members", demo_organisations_build)

        from jalon.web.navigation import Link, register

        register(Link("web:organisation_list", _("Organisations"), 40))

        from jalon.organisations.views import country_organisations
        from jalon.reference.sections import CountrySection
        from jalon.reference.sections import register as register_country_section

        register_country_section(CountrySection("organisations", 10, country_organisations))
