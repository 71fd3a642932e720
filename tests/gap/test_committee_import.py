"""Done when (issue 16): a committee import that changes one country's P-memberships changes its
participation pillar at the next run, and the country page shows why."""

import datetime

import pytest
from django.urls import reverse

from jalon.committees.demo import csv_with_changes
from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.gap import services
from jalon.gap.catalogue import indicators_ensure
from jalon.organisations.models import Organisation
from jalon.results.models import Programme
from tests.committees.conftest import read_rows

FIRST = datetime.date(2026, 5, 1)
LATER = datetime.date(2026, 10, 1)
DEFINITION = {
    "indicators": [{"code": "p-share", "weight": 2}, {"code": "leadership"}, {"code": "meetings"}],
    "screen_threshold": 0.5,
}


@pytest.mark.django_db
def test_a_member_moving_from_o_to_p_in_an_import_raises_its_participation(client_as, tmp_path):
    indicators_ensure()
    programme = Programme.objects.create(
        code="gap-import",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "Gap import"},
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    spec = services.spec_create(actor=None, programme=programme, title={"en": "Import"}, definition=DEFINITION)
    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FIRST)
    rows = read_rows(ISO_COMMITTEES_FILE)
    tc176 = next(row for row in rows if row["reference"] == "ISO/TC 176")
    ids = tc176["oMembers.id"].strip("[]").split(", ")
    acronyms = tc176["oMembers.acronym"].strip("[]").split(", ")
    # The O-member of ISO/TC 176 with the fewest P-memberships: its share is far from the goalpost.
    p_counts = {a: sum(a in row["pMembers.acronym"].strip("[]").split(", ") for row in rows) for a in acronyms}
    member_id, acronym = min(
        (
            (int(i), a)
            for i, a in zip(ids, acronyms, strict=True)
            if Organisation.objects.filter(acronym=a, country__isnull=False).exists()
        ),
        key=lambda pair: (p_counts[pair[1]], pair[1]),
    )
    iso3 = Organisation.objects.get(acronym=acronym).country.iso3
    before = services.run_record(actor=None, spec=spec, as_of=FIRST, seed=1, runs=10)
    later = csv_with_changes(
        source=ISO_COMMITTEES_FILE, target=tmp_path / "later.csv", moves=[("ISO/TC 176", member_id, acronym, "p")]
    )
    iso_committees_import(path=later, as_of=LATER)
    after = services.run_record(actor=None, spec=spec, as_of=LATER, seed=1, runs=10)

    def country(run):
        return next(row for row in run.outputs["countries"] if row["iso3"] == iso3)

    assert country(after)["values"]["p-share"] > country(before)["values"]["p-share"]
    assert country(after)["pillars"]["participation"] > country(before)["pillars"]["participation"]
    html = client_as(None).get(reverse("gap:country", kwargs={"code": "gap-import", "pk": after.pk, "iso3": iso3}))
    page = html.content.decode()
    # Why: the P-membership behind the new share comes first, with the date it began (the import's as-of).
    # The first drill-down of the page is p-share's (the specification's first indicator).
    first = page.index("<li>", page.index("<details>"))
    assert page[first : page.index("</li>", first)].startswith("<li>ISO/TC 176 ")
    assert "depuis le 1 octobre 2026" in page
