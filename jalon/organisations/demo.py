"""The directory's part of the demo: the ISO members, and the national standards body the demo's focal point
and contributor act for."""

from jalon.organisations.models import Organisation
from jalon.organisations.services import iso_members_load

# Association Sénégalaise de Normalisation: a French-speaking NSB in an LDC.
DEMO_ORGANISATION = "ASN"


def demo_organisations_build(context) -> None:
    iso_members_load()
    context.organisation = Organisation.objects.get(acronym=DEMO_ORGANISATION, kind=Organisation.Kind.NSB)
