"""Contributors and the source types of funds, as a programme team records them: a new source type beside
Res. 44's list, an organisation recorded as a contributor with it, its source type changed; every change audited."""

from jalon.accounts.models import AuditEntry
from jalon.finance.models import Contributor, SourceType
from jalon.organisations.models import Organisation


def test_the_team_adds_a_source_type_records_a_contributor_and_changes_its_type(db, users, client_as):
    client = client_as("manager")
    assert "Contributions de partenariat" in client.get("/fr/finance/source-types/").content.decode()
    response = client.post(
        "/fr/finance/source-types/", {"code": "foundation", "name_en": "Foundations", "name_fr": "Fondations"}
    )
    assert response.status_code == 302
    foundation = SourceType.objects.get(code="foundation")
    assert foundation.order == SourceType.objects.order_by("-order").first().order  # placed last
    again = client.post("/en/finance/source-types/", {"code": "foundation", "name_en": "X", "name_fr": "X"})
    assert "A source type has this code already." in again.content.decode()

    donor = Organisation.objects.create(name={"en": "Gates-like foundation"}, kind=Organisation.Kind.DONOR)
    response = client.post("/fr/finance/contributors/new/", {"organisation": donor.pk, "source_type": foundation.pk})
    contributor = Contributor.objects.get(organisation=donor)
    assert response.status_code == 302 and response["Location"].endswith(f"/finance/contributors/{contributor.pk}/")
    page = client.get(f"/fr/finance/contributors/{contributor.pk}/").content.decode()
    assert "Fondations" in page and "Changer le type de source" in page

    other = SourceType.objects.get(code="private-sector")
    client.post(f"/fr/finance/contributors/{contributor.pk}/edit/", {"source_type": other.pk})
    contributor.refresh_from_db()
    assert contributor.source_type == other
    audited = AuditEntry.objects.filter(model__in=["finance.sourcetype", "finance.contributor"])
    assert sorted(audited.values_list("model", "action")) == [
        ("finance.contributor", AuditEntry.Action.CREATE),
        ("finance.contributor", AuditEntry.Action.UPDATE),
        ("finance.sourcetype", AuditEntry.Action.CREATE),
    ]
    # An organisation already recorded is no longer offered.
    assert f'value="{donor.pk}"' not in client.get("/fr/finance/contributors/new/").content.decode()
