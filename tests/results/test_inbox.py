"""The M&E officer's inbox on the home page and the e-mail on a decision (issue 12, section 3)."""

from decimal import Decimal as D

import pytest
from django.core import mail

from jalon.results import services

pytestmark = pytest.mark.django_db


def report(demo, users, nsb, *, user="focal", submit=True, value="25"):
    return services.measurement_create(
        actor=users[user], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb,
        value=D(value), submit=submit,
    )  # fmt: skip


def test_the_inbox_counts_what_waits_for_each_person(demo, users, nsb, client_as, django_capture_on_commit_callbacks):
    users["focal"].email = "focal@example.org"
    users["focal"].save()
    returned = report(demo, users, nsb)
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_review(actor=users["manager"], measurement=returned, approve=False, note="Preuve ?")
    report(demo, users, nsb, value="26")  # waits for approval
    report(demo, users, nsb, submit=False, value="27")  # a draft

    focal = client_as("focal").get("/en/").context["inbox"]
    assert (focal.returned_count, focal.to_approve_count, focal.drafts_count) == (1, 0, 1)
    manager = client_as("manager").get("/en/")
    inbox = manager.context["inbox"]
    assert (inbox.returned_count, inbox.to_approve_count, inbox.drafts_count) == (0, 1, 0)
    assert "values waiting for your approval" in manager.content.decode()
    assert client_as(None).get("/en/").context["inbox"] is None

    (sent,) = mail.outbox
    assert sent.to == ["focal@example.org"] and "Preuve ?" in sent.body and "D1" in sent.subject


def test_an_approval_is_mailed_to_its_author_once_committed(demo, users, nsb, django_capture_on_commit_callbacks):
    users["focal"].email = "focal@example.org"
    users["focal"].save()
    value = report(demo, users, nsb)
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    assert [m.to for m in mail.outbox] == [["focal@example.org"]]


def test_the_approval_queue_shows_what_a_decision_needs_and_decides_several_at_once(demo, users, nsb, client_as):
    first = report(demo, users, nsb, value="25")
    approved = services.measurement_review(actor=users["manager"], measurement=first, approve=True)
    amendment = services.measurement_update(actor=users["manager"], measurement=approved, value=D(28))
    other = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb,
        value=D(26), comment="Rapport annuel, p. 4", submit=True,
    )  # fmt: skip
    manager = client_as("manager")
    page = manager.get("/en/programmes/approvals/")
    html = page.content.decode()
    assert "Rapport annuel, p. 4" in html and "(approved; this is an amendment)" in html
    rows = {m.pk: m for m in page.context["measurements"]}
    assert (rows[amendment.pk].amends.value, rows[amendment.pk].milestone_value) == (D(25), D(30))
    assert 'href="/en/programmes/approvals/"' in manager.get("/en/").content.decode()  # in the navigation

    response = manager.post(
        "/en/programmes/approvals/",
        {"decision": "approve", "selected": [f"{amendment.pk}:{amendment.version}", f"{other.pk}:{other.version}"]},
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    other.refresh_from_db()
    assert (amendment.status, other.status) == ("approved", "approved")
    focal = client_as("focal")  # the same client, signed in again
    assert 'href="/en/programmes/approvals/"' not in focal.get("/en/").content.decode()
    assert focal.post("/en/programmes/approvals/", {"decision": "approve"}).status_code == 403


def test_charts_are_svg_beside_their_table_and_assumptions_show_on_the_programme_page(demo, users, nsb, client_as):
    value = report(demo, users, nsb, value="25")
    services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    services.result_save(
        actor=users["manager"], programme=demo.programme, result=demo.result, level=demo.level, code="R1",
        title={"fr": "Résultat un"}, assumptions={"fr": "Les ONN restent financés\nLa paix dure"},
    )  # fmt: skip
    client = client_as(None)
    programme_page = client.get(f"/fr/programmes/{demo.programme.code}/").content.decode()
    assert '<svg class="spark"' in programme_page and "<polyline points=" in programme_page
    assert "Les ONN restent financés<br>La paix dure" in programme_page
    indicator_page = client.get(f"/fr/programmes/{demo.programme.code}/indicators/{demo.indicators['D1'].pk}/")
    html = indicator_page.content.decode()
    assert '<svg class="chart"' in html and 'class="milestone"' in html
    assert html.index('<svg class="chart"') < html.index("<table")  # the chart, then its table
