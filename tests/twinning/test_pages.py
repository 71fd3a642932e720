"""The pages and API end to end: a focal point of a developing-country member gets a ranked, explained list of
leads, proposes an arrangement from a suggestion, takes it to "active"; the overdue flag shows and clears with
a meeting. Query counts of the lists are pinned; bad input is a clear message, never a 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.twinning.models import Arrangement
from tests.twinning.conftest import days, make_active

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _step(client, arrangement, step, **fields):
    data = {f"{step}-version": Arrangement.objects.get(pk=arrangement.pk).version}
    data.update({f"{step}-{k}": v for k, v in fields.items()})
    return client.post(f"/en/twinning/{arrangement.pk}/{step}/", data)


def test_a_focal_point_finds_a_lead_proposes_from_the_suggestion_and_reaches_active(world, client_as):
    client = client_as("focal")
    page = client.get(f"/en/twinning/recommendations/?programme={world.programme.pk}&member={world.asn.pk}")
    content = page.content.decode()
    assert page.status_code == 200
    assert "AFNOR" in content and "DIN" in content and "ISO/TC 34 (2)" in content
    link = re.search(rf'href="(/en/twinning/new/\?[^"]+lead_member={world.afnor.pk})"', content)
    assert link, "a suggestion offers to propose an arrangement"
    form = client.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200 and f'value="{world.tc34.pk}" selected' in form.content.decode()
    response = client.post(
        "/en/twinning/new/",
        {
            "programme": world.programme.pk,
            "kind": "p_member",
            "committee": world.tc34.pk,
            "twinned_member": world.asn.pk,
            "lead_member": world.afnor.pk,
            "objectives_en": "Become a P-member of ISO/TC 34",
            "financial_support": "none",
        },
    )
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/twinning/{arrangement.pk}/"
    _step(client, arrangement, "identify")
    refused = _step(client, arrangement, "sign", manager_notified_on=days(0).isoformat())
    assert refused.status_code == 302
    assert Arrangement.objects.get(pk=arrangement.pk).status == "partner_identified"
    pdf = SimpleUploadedFile("agreement.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    client.post(
        f"/en/twinning/{arrangement.pk}/sign/",
        {
            "sign-version": Arrangement.objects.get(pk=arrangement.pk).version,
            "sign-agreement": pdf,
            "sign-signed_on": days(-120).isoformat(),
            "sign-manager_notified_on": days(-119).isoformat(),
        },
    )
    _step(client, arrangement, "activate", start_date=days(-110).isoformat())
    assert Arrangement.objects.get(pk=arrangement.pk).status == "active"
    detail = client.get(f"/en/twinning/{arrangement.pk}/").content.decode()
    assert "Communication overdue" in detail
    assert client.get(f"/en/twinning/{arrangement.pk}/agreement/").status_code == 200
    client.post(
        f"/en/twinning/{arrangement.pk}/meetings/new/",
        {"date": days(-1).isoformat(), "mode": "virtual", "minutes": "Work plan", "attendees": "Awa Diop"},
    )
    assert "Communication overdue" not in client.get(f"/en/twinning/{arrangement.pk}/").content.decode()
    assert list(arrangement.meetings.get().attendees.all()) == [world.nominee]


def test_a_step_not_open_in_this_status_is_refused(world, users, client_as):
    client = client_as("focal")
    arrangement = make_active(world, users["manager"])
    response = client.post(
        f"/en/twinning/{arrangement.pk}/activate/", {"activate-version": arrangement.version}, follow=True
    )
    assert response.status_code == 403  # not open in this status: no button, no step


def test_bad_input_is_a_message_not_a_500(world, client_as):
    client = client_as("manager")
    response = client.post("/en/twinning/new/", {"programme": "x", "committee": "99999999999999999999"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    api = client.get("/api/v1/twinning-recommendations/?programme=nope&member=abc&kind=zzz")
    assert api.status_code == 400 and set(api.json()) >= {"member", "kind"}
    duplicate = client.post(
        "/api/v1/twinning-arrangements/",
        {"programme": "nope", "committee": "ISO/TC 34"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400


def test_the_list_and_api_run_a_fixed_number_of_queries(world, users, client_as, django_assert_max_num_queries):
    for committee in (world.tc34, world.tc176):
        make_active(world, users["manager"], committee=committee)
    client = client_as("manager")
    with django_assert_max_num_queries(12):
        page = client.get("/en/twinning/")
    assert page.status_code == 200 and page.content.decode().count("communication overdue") == 0
    with django_assert_max_num_queries(10):
        api = client.get("/api/v1/twinning-arrangements/")
    assert api.status_code == 200 and len(api.json()["results"]) == 2


def test_api_outcomes_and_recommendations(world, users, client_as):
    arrangement = make_active(world, users["manager"])
    client = client_as("focal")
    outcome = client.get(f"/api/v1/twinning-arrangements/{arrangement.pk}/outcomes/").json()
    assert outcome["started"] and outcome["status_now"] == "o" and outcome["events"] == []
    found = client.get(
        f"/api/v1/twinning-recommendations/?programme={world.programme.code}&member={world.asn.pk}"
    ).json()
    # ISO/TC 34 is taken by the open arrangement (for every lead): AFNOR remains, for ISO/TC 176, with its load.
    assert [(row["lead"], row["load"]) for row in found] == [("AFNOR", 1)]
    assert [c["reference"] for c in found[0]["committees"]] == ["ISO/TC 176"]
    # A focal point may not ask for another member.
    assert (
        client.get(
            f"/api/v1/twinning-recommendations/?programme={world.programme.code}&member={world.kebs.pk}"
        ).status_code
        == 400
    )


def test_the_recommendations_page_runs_a_fixed_number_of_queries(
    world, users, client_as, django_assert_max_num_queries
):
    make_active(world, users["manager"], committee=world.tc176)
    client = client_as("manager")
    with django_assert_max_num_queries(25):
        page = client.get(f"/en/twinning/recommendations/?programme={world.programme.pk}&member={world.asn.pk}")
    assert page.status_code == 200 and "Twinning settings" in page.content.decode()
