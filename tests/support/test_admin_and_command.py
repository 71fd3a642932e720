"""The rules are configured in the admin; the eligibility list loads from a file, all or nothing."""

import pytest
from django.core.management import CommandError, call_command

from jalon.support.models import EligibilityRule, FellowshipEligibility

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_edits_the_rules(client_as, world):
    client = client_as("admin")
    listing = client.get("/en/admin/support/eligibilityrule/")
    assert listing.status_code == 200
    assert "A limit on sponsorships per member per year" in listing.content.decode()
    response = client.post(
        "/en/admin/support/eligibilityrule/add/",
        {
            "scheme": "iso_sponsorship",
            "programme": world.iso_programme.pk,
            "kind": "max_per_member_per_year",
            "params": '{"n": 2}',
            "outcome": "refuse",
            "order": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert EligibilityRule.objects.get(programme=world.iso_programme).params == {"n": 2}
    response = client.post(
        "/en/admin/support/eligibilityrule/add/",
        {"scheme": "iso_sponsorship", "kind": "oecd_dac_list", "params": '{"x": 1}', "outcome": "refuse", "order": 1},
    )
    assert response.status_code == 200 and "Unknown parameter" in response.content.decode()


def test_the_eligibility_list_loads_from_a_csv_and_replaces_the_years_list(tmp_path, db):
    path = tmp_path / "eligible.csv"
    path.write_text("iso3,name\nSEN,Senegal\nKEN,Kenya\n", encoding="utf-8")
    call_command("load_fellowship_eligibility", "2031", str(path), "--source", "ITU TSB list 2031", verbosity=0)
    loaded = FellowshipEligibility.objects.filter(year=2031).values_list("country__iso3", flat=True)
    assert set(loaded) == {"SEN", "KEN"}
    path.write_text("SEN\n", encoding="utf-8")
    call_command("load_fellowship_eligibility", "2031", str(path), "--source", "ITU TSB list 2031 rev.")
    assert list(FellowshipEligibility.objects.filter(year=2031).values_list("country__iso3", flat=True)) == ["SEN"]


def test_a_bad_eligibility_file_loads_nothing_and_says_which_line(tmp_path, db):
    path = tmp_path / "eligible.csv"
    path.write_text("iso3\nSEN\nXXX\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: unknown country code “XXX”"):
        call_command("load_fellowship_eligibility", "2031", str(path), "--source", "x")
    assert not FellowshipEligibility.objects.filter(year=2031).exists()
    with pytest.raises(CommandError):
        call_command("load_fellowship_eligibility", "2031", str(tmp_path / "missing.csv"), "--source", "x")
    path.write_text("SEN\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_fellowship_eligibility", "1066", str(path), "--source", "x")
