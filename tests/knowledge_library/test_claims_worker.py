"""The stored expiry through the real worker path: a `jalon worker` process on a database of its own (the rig of
tests/jobs) stores "expired" on a published claim past its end date when it starts (its recovery, run again
every minute), and leaves a claim in force alone."""

import pytest

pytestmark = pytest.mark.django_db

SETUP = """
import datetime
from jalon.knowledge.models import ConformityClaim, Product
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
kenya = Country.objects.create(iso2="KE", iso3="KEN", m49="404", name={"en": "Kenya"})
maker = Organisation.objects.create(name={"en": "Maker"}, country=kenya)
product = Product.objects.create(manufacturer=maker, model="M-1", category="Modem", country=kenya)
today = datetime.date.today()
common = dict(product=product, standard="ITU-T G.9701", basis="declaration", status="published",
              evidence_url="https://example.org/d.pdf", issued_on=today - datetime.timedelta(days=30))
past = ConformityClaim.objects.create(valid_until=today - datetime.timedelta(days=1), **common)
live = ConformityClaim.objects.create(valid_until=today + datetime.timedelta(days=30), **common)
print(past.pk, live.pk)
"""


def test_a_worker_stores_the_expiry_of_a_claim_past_its_end_date(rig_make):
    rig = rig_make("claims")
    try:
        past, live = (int(pk) for pk in rig.python(SETUP).strip().splitlines()[-1].split())
        status = "SELECT status FROM knowledge_conformityclaim WHERE id = %s"
        assert rig.query(status, (past,)) == [("published",)]
        rig.start("worker", "--batch").wait(timeout=300)
        assert rig.query(status, (past,)) == [("expired",)]
        assert rig.query(status, (live,)) == [("published",)]
    finally:
        rig.stop_all()
