"""A reporting round through the API (issue 12, section 3): a value's comment thread, narratives per
indicator and period, targets by disaggregation value, each under the same rules as its page."""

from decimal import Decimal as D

import pytest

from jalon.results import services
from jalon.results.models import Dimension, DisaggregatedTarget, MeasurementComment, Narrative
from tests.results.conftest import indicator_build, programme_build
from tests.results.test_reporting_round import sex_dimension, submitted

pytestmark = pytest.mark.django_db

SIGNED_IN = ("plain", "viewer", "contributor", "focal", "manager", "admin")


def post(client, url, body):
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


# Comment threads -------------------------------------------------------------------------------------------


def test_a_threads_endpoint_answers_each_role_as_its_page_does(demo, users, nsb, client_as):
    draft = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(2)
    )
    approved = submitted(demo, users, nsb)
    services.measurement_review(actor=users["manager"], measurement=approved, approve=True)
    for value in (draft, approved):
        for role in SIGNED_IN:
            page = client_as(role).get(f"/en/programmes/measurements/{value.pk}/comments/").status_code
            api = client_as(role).get(f"/api/v1/measurements/{value.pk}/comments/").status_code
            assert page == api, (value.status, role, page, api)
    # Those concerned are let in, the public is not, and who does not see a draft does not learn of it.
    assert client_as("contributor").get(f"/api/v1/measurements/{draft.pk}/comments/").status_code == 200
    assert client_as("viewer").get(f"/api/v1/measurements/{approved.pk}/comments/").status_code == 403
    assert client_as("viewer").get(f"/api/v1/measurements/{draft.pk}/comments/").status_code == 404
    assert client_as(None).get(f"/api/v1/measurements/{approved.pk}/comments/").status_code in (401, 403)


def test_a_thread_is_read_and_written_through_the_api_and_the_page_shows_it(demo, users, nsb, client_as):
    value = submitted(demo, users, nsb)
    url = f"/api/v1/measurements/{value.pk}/comments/"
    manager = client_as("manager")
    created = post(manager, url, {"body": "Which attendance sheets?"})
    assert created.status_code == 201, created.content
    assert created.json()["body"] == "Which attendance sheets?"
    assert post(client_as("focal"), url, {"body": "The signed ones."}).status_code == 201
    thread = client_as("focal").get(url).json()
    assert [c["body"] for c in thread] == ["Which attendance sheets?", "The signed ones."]
    assert thread[0]["author"] == str(users["manager"])
    page = client_as("focal").get(f"/en/programmes/measurements/{value.pk}/comments/").content.decode()
    assert "Which attendance sheets?" in page and "The signed ones." in page
    # Refused with a message, never a server error: empty, too long, a NUL character, someone not concerned.
    for body in ({"body": "  "}, {"body": "x" * (services.COMMENT_MAX_LENGTH + 1)}, {"body": "a\x00b"}, {}):
        refused = post(manager, url, body)
        # A NUL character is refused before any view (jalon/web/nul_bytes.py), with its own message.
        assert refused.status_code == 400 and ("body" in refused.json() or "\x00" in body.get("body", "")), body
    assert post(client_as("viewer"), url, {"body": "Me too"}).status_code == 404
    assert MeasurementComment.objects.count() == 2


def test_a_thread_lists_in_the_same_queries_however_long(demo, users, nsb, client_as, django_assert_num_queries):
    value = submitted(demo, users, nsb)
    client = client_as("focal")
    url = f"/api/v1/measurements/{value.pk}/comments/"
    services.measurement_comment_add(actor=users["manager"], measurement=value, body="One")
    # Session and user, grants, the value, the thread with its authors: as many for four comments as for one.
    with django_assert_num_queries(5):
        assert len(client.get(url).json()) == 1
    for body in ("Two", "Three", "Four"):
        services.measurement_comment_add(actor=users["focal"], measurement=value, body=body)
    with django_assert_num_queries(5):
        assert len(client.get(url).json()) == 4


# Narratives ------------------------------------------------------------------------------------------------


def test_a_narrative_is_written_by_reporters_and_read_with_its_indicator_and_period(demo, users, client_as):
    indicator = demo.indicators["D1"]
    body = {"indicator": indicator.pk, "period": demo.current.code, "achieved": {"en": "Two workshops held."}}
    created = post(client_as("focal"), "/api/v1/narratives/", body)
    assert created.status_code == 201, created.content
    replaced = post(client_as("manager"), "/api/v1/narratives/", {**body, "next_steps": {"fr": "Un troisième."}})
    assert replaced.status_code == 200
    assert Narrative.objects.get().next_steps == {"fr": "Un troisième."}
    for role in ("viewer", "plain"):
        assert post(client_as(role), "/api/v1/narratives/", body).status_code == 403, role
    assert post(client_as(None), "/api/v1/narratives/", body).status_code in (401, 403)

    listed = client_as(None).get(f"/api/v1/narratives/?indicator={indicator.pk}").json()["results"]
    assert [(n["indicator_code"], n["period"], n["achieved"]) for n in listed] == [
        ("D1", demo.current.code, {"en": "Two workshops held."})
    ]
    page = client_as(None).get(f"/en/programmes/demo/indicators/{indicator.pk}/").content.decode()
    assert "Two workshops held." in page and "Un troisième." in page

    # Bad input is a 400 with the field, an unknown period of the programme a 404; every text empty removes it.
    for bad in ({**body, "achieved": "plain text"}, {**body, "achieved": {"en": "a\x00b"}}, {**body, "period": ""}):
        assert post(client_as("manager"), "/api/v1/narratives/", bad).status_code == 400, bad
    assert post(client_as("manager"), "/api/v1/narratives/", {**body, "period": "nope"}).status_code == 404
    emptied = {**body, "achieved": {}, "next_steps": {}}
    assert post(client_as("manager"), "/api/v1/narratives/", emptied).status_code == 204
    assert not Narrative.objects.exists()


def test_a_hidden_programmes_narratives_are_neither_listed_nor_written(sdo, users, client_as):
    hidden = programme_build(code="hidden", owner=sdo, published=False)
    indicator = indicator_build(hidden, "H1", milestones=("1", "2", "3"))
    services.narrative_save(
        actor=users["manager"], indicator=indicator, period=hidden.current, achieved={"en": "Quiet work."}
    )
    assert client_as("manager").get("/api/v1/narratives/").json()["count"] == 1
    assert client_as("focal").get("/api/v1/narratives/").json()["count"] == 0
    body = {"indicator": indicator.pk, "period": hidden.current.code, "achieved": {"en": "Seen?"}}
    assert post(client_as("focal"), "/api/v1/narratives/", body).status_code == 403
    assert Narrative.objects.get().achieved == {"en": "Quiet work."}


def test_narratives_list_in_the_same_queries_however_many(demo, users, client_as, django_assert_num_queries):
    indicator = demo.indicators["D1"]
    services.narrative_save(actor=users["manager"], indicator=indicator, period=demo.past, achieved={"en": "A"})
    client = client_as("viewer")
    # Session and user, grants, the count, the page of narratives with their indicators and periods.
    with django_assert_num_queries(5):
        assert client.get("/api/v1/narratives/").json()["count"] == 1
    for period in (demo.current, demo.future):
        services.narrative_save(actor=users["focal"], indicator=indicator, period=period, achieved={"en": "B"})
    with django_assert_num_queries(5):
        assert client.get("/api/v1/narratives/").json()["count"] == 3


# Targets by disaggregation value ---------------------------------------------------------------------------


def test_targets_by_disaggregation_are_set_by_managers_and_read_by_all(demo, users, client_as):
    indicator = demo.indicators["D1"]
    women, men = sex_dimension(demo).values.all()
    body = {"indicator": indicator.pk, "period": demo.current.code, "dimension_value": women.pk, "value": "12"}
    for role in ("focal", "contributor", "viewer", "plain"):
        assert post(client_as(role), "/api/v1/disaggregated-targets/", body).status_code == 403, role
    assert post(client_as(None), "/api/v1/disaggregated-targets/", body).status_code in (401, 403)
    manager = client_as("manager")
    assert post(manager, "/api/v1/disaggregated-targets/", body).status_code == 201
    assert post(manager, "/api/v1/disaggregated-targets/", {**body, "value": "15"}).status_code == 200
    listed = client_as(None).get(f"/api/v1/disaggregated-targets/?indicator={indicator.pk}").json()["results"]
    assert [(t["period"], t["dimension_value_code"], t["value"]) for t in listed] == [
        (demo.current.code, "f", "15.0000")
    ]
    # The indicator page's breakdown shows the target the API set.
    page = client_as(None).get(f"/en/programmes/demo/indicators/{indicator.pk}/")
    (table,) = page.context["breakdown"]
    assert {line["value"].code: line["cells"][1][1] for line in table["lines"]} == {"f": D(15), "m": None}

    # Refused with the field: a value of another disaggregation, a negative count, too many decimals.
    other = Dimension.objects.create(programme=demo.programme, kind="custom", code="zone", name={"en": "Zone"})
    stray = other.values.create(code="n", name={"en": "North"})
    for bad in ({"dimension_value": stray.pk}, {"value": "-3"}, {"value": "1.00001"}, {"value": "x"}):
        refused = post(client_as("manager"), "/api/v1/disaggregated-targets/", {**body, **bad})
        assert refused.status_code == 400, (bad, refused.content)
    assert post(client_as("manager"), "/api/v1/disaggregated-targets/", {**body, "value": None}).status_code == 204
    assert not DisaggregatedTarget.objects.filter(dimension_value=women).exists()
    assert men.targets.count() == 0


def test_targets_list_in_the_same_queries_however_many(demo, users, client_as, django_assert_num_queries):
    indicator = demo.indicators["D1"]
    women, men = sex_dimension(demo).values.all()
    save = services.disaggregated_targets_save
    save(actor=users["manager"], indicator=indicator, targets={(demo.past.pk, women.pk): D(1)})
    client = client_as(None)
    # Anonymous: no session; the count, the page of targets with their periods and values.
    with django_assert_num_queries(2):
        assert client.get("/api/v1/disaggregated-targets/").json()["count"] == 1
    targets = {(period.pk, value.pk): D(2) for period in demo.periods for value in (women, men)}
    save(actor=users["manager"], indicator=indicator, targets=targets)
    with django_assert_num_queries(2):
        assert client.get("/api/v1/disaggregated-targets/").json()["count"] == 6
