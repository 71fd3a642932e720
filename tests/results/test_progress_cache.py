"""Cached progress (jalon/results/progress_cache.py): the programme page, the tracking table (and CSV) and the
progress endpoint are cached per programme, and every write that can change them replaces the programme's
progress stamp, so that the next request recomputes. The proof, per write path: what the cache serves after
the write is exactly what an empty cache computes."""

import datetime
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from jalon.reference.models import DevelopingCountryRule
from jalon.results import services
from jalon.results.computations import indicator_link_computation, indicator_refresh
from jalon.results.models import Dimension, Indicator, Level, Measurement, Period, Programme, Result
from jalon.results.progress_cache import progress_changed, progress_key
from tests.results.conftest import Demo, fr, indicator_build, programme_build


@dataclass
class World:
    demo: Demo
    users: dict
    nsb: object
    approved: Measurement
    submitted: Measurement
    draft: Measurement
    spare_level: Level
    spare_period: Period
    spare_result: Result
    spare_indicator: Indicator
    sex: Dimension
    computed: Indicator

    @property
    def programme(self) -> Programme:
        return self.demo.programme


@pytest.fixture
def world(demo, users, nsb) -> World:
    """The demo programme with an approved value (past), a submitted one (current), a draft, records that
    nothing depends on (to delete), a disaggregation and a computed indicator with a value missing."""
    d1 = demo.indicators["D1"]

    def report(user, period, value, submit):
        return services.measurement_create(
            actor=users[user], indicator=d1, period=period, submit=submit, organisation=nsb, value=D(value)
        )

    approved = report("focal", demo.past, "15", True)
    services.measurement_review(actor=users["manager"], measurement=approved, approve=True)
    submitted = report("focal", demo.current, "25", True)
    draft = report("contributor", demo.current, "26", False)
    manager = users["manager"]
    programme = demo.programme
    spare_level = services.level_save(
        actor=manager, programme=programme, key="spare", name={"fr": "Niveau libre"}, iati_result_type=9
    )
    # Room after the last period for a spare one (periods fall within the programme's dates).
    Programme.objects.filter(pk=programme.pk).update(end_date=demo.future.end + datetime.timedelta(days=365))
    programme.refresh_from_db()
    spare_period = services.period_save(
        actor=manager,
        programme=programme,
        code="later",
        name={"fr": "Plus tard"},
        start=demo.future.end + datetime.timedelta(days=1),
        end=demo.future.end + datetime.timedelta(days=365),
    )
    spare_result = services.result_save(
        actor=manager, programme=programme, level=demo.level, code="R9", title={"fr": "Résultat libre"}
    )
    spare_indicator = indicator_build(demo, "D2", baseline_value=D(0))
    sex = services.dimension_save(
        actor=manager,
        programme=programme,
        kind=Dimension.Kind.SEX,
        code="sex",
        name={"fr": "Sexe"},
        values=[{"code": "f", "name": {"fr": "Femmes"}}, {"code": "m", "name": {"fr": "Hommes"}}],
    )
    computed = indicator_build(demo, "C1", cumulation="latest")
    indicator_link_computation(actor=manager, indicator=computed, key="developing_members_by_region")
    # Written around the services (as a broken import would): the refresh below puts it back.
    Measurement.objects.filter(indicator=computed, period=demo.past).delete()
    return World(
        demo, users, nsb, approved, submitted, draft, spare_level, spare_period, spare_result, spare_indicator, sex,
        computed,
    )  # fmt: skip


def framework_spec(world: World) -> dict:
    demo = world.demo
    return {
        "code": demo.programme.code,
        "owner": {"acronym": demo.programme.owner.acronym, "name": {"en": demo.programme.owner.name}},
        "title": demo.programme.title,
        "start_date": demo.programme.start_date.isoformat(),
        "end_date": demo.programme.end_date.isoformat(),
        "levels": [{"key": "outcome", "name": {"fr": "Résultat", "en": "Outcome"}, "iati_result_type": 2}],
        "periods": [
            {"code": p.code, "name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in demo.periods
        ],
        "results": [{"code": "R1", "level": "outcome", "title": {"fr": "Résultat un, révisé", "en": "Outcome one"}}],
    }


# Each write path: (what it does, visible on the cached pages?). Writes that show nothing (a draft, a
# returned value) still replace the stamp: what they change could show on a page one day.
WRITES = {
    "measurement_create": (
        lambda w: services.measurement_create(
            actor=w.users["focal"], indicator=w.demo.indicators["D1"], period=w.demo.future, organisation=w.nsb,
            value=D(1),
        ),
        False,
    ),
    "measurement_update (an amendment of an approved value waits; the approved value stays counted)": (
        lambda w: services.measurement_update(actor=w.users["manager"], measurement=w.approved, value=D(16)),
        False,
    ),
    "measurement_submit": (
        lambda w: services.measurement_submit(actor=w.users["contributor"], measurement=w.draft),
        False,
    ),
    "measurement_review (approve)": (
        lambda w: services.measurement_review(actor=w.users["manager"], measurement=w.submitted, approve=True),
        True,
    ),
    "measurement_review (return)": (
        lambda w: services.measurement_review(
            actor=w.users["manager"], measurement=w.submitted, approve=False, note="Preuve ?"
        ),
        False,
    ),
    "programme_update (status thresholds)": (
        lambda w: services.programme_update(
            actor=w.users["manager"], programme=w.programme, on_track_min=D("0.5"), at_risk_min=D("0.4")
        ),
        True,
    ),
    "programme_update (developing-country rule)": (
        lambda w: services.programme_update(
            actor=w.users["manager"], programme=w.programme, developing_rule=DevelopingCountryRule.objects.first()
        ),
        False,
    ),
    "level_save": (
        lambda w: services.level_save(
            actor=w.users["manager"], programme=w.programme, level=w.demo.level, key="outcome",
            name={"fr": "Effet"}, iati_result_type=2,
        ),
        True,
    ),
    "level_delete": (lambda w: services.level_delete(actor=w.users["manager"], level=w.spare_level), False),
    "period_save": (
        lambda w: services.period_save(
            actor=w.users["manager"], programme=w.programme, period=w.demo.current, code="current",
            name={"fr": "Année courante"}, start=w.demo.current.start, end=w.demo.current.end,
        ),
        True,
    ),
    "period_delete": (lambda w: services.period_delete(actor=w.users["manager"], period=w.spare_period), True),
    "result_save": (
        lambda w: services.result_save(
            actor=w.users["manager"], programme=w.programme, level=w.demo.level, code="R10",
            title={"fr": "Nouveau résultat"},
        ),
        True,
    ),
    "result_delete": (lambda w: services.result_delete(actor=w.users["manager"], result=w.spare_result), True),
    "indicator_save": (
        lambda w: services.indicator_save(
            actor=w.users["manager"], result=w.demo.result, indicator=w.demo.indicators["D1"],
            title={"fr": "Indicateur renommé"},
        ),
        True,
    ),
    "indicator_delete": (
        lambda w: services.indicator_delete(actor=w.users["manager"], indicator=w.spare_indicator),
        True,
    ),
    "milestone_save": (
        lambda w: services.milestone_save(
            actor=w.users["manager"], indicator=w.demo.indicators["D1"], period=w.demo.current, value=D(33)
        ),
        True,
    ),
    "dimension_save": (
        lambda w: services.dimension_save(
            actor=w.users["manager"], programme=w.programme, dimension=w.sex, kind=Dimension.Kind.SEX, code="sex",
            name={"fr": "Sexe"}, values=[{"code": "f", "name": {"fr": "F"}}],
        ),
        False,
    ),
    "dimension_delete": (lambda w: services.dimension_delete(actor=w.users["manager"], dimension=w.sex), False),
    "indicator_link_computation (back to manual)": (
        lambda w: indicator_link_computation(actor=w.users["manager"], indicator=w.computed, key=""),
        True,
    ),
    "indicator_refresh": (lambda w: indicator_refresh(indicator=w.computed), True),
    "framework_load": (lambda w: services.framework_load(actor=w.users["manager"], spec=framework_spec(w)), True),
}  # fmt: skip


def cached_views(client, programme: Programme) -> dict:
    """The cached parts of each page (not the rest: CSRF tokens and messages change per request)."""
    page = client.get(f"/fr/programmes/{programme.code}/")
    tracking = client.get(f"/fr/programmes/{programme.code}/tracking/")
    return {
        "page": (page.context["periods"], str(page.context["tree"])),
        "tracking": str(tracking.context["table_html"]),
        "csv": client.get(f"/fr/programmes/{programme.code}/tracking.csv").content.decode(),
        "api": client.get(f"/api/v1/programmes/{programme.code}/progress/").json(),
    }


def stamp_of(programme: Programme):
    return Programme.objects.values_list("progress_stamp", flat=True).get(pk=programme.pk)


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_path_replaces_the_stamp_and_the_pages_show_the_new_state(world, client_as, name):
    write, visible = WRITES[name]
    client = client_as(None)
    before = cached_views(client, world.programme)
    assert cached_views(client, world.programme) == before  # served from the cache now
    stamp = stamp_of(world.programme)
    write(world)
    assert stamp_of(world.programme) != stamp
    after = cached_views(client, world.programme)
    cache.clear()
    assert cached_views(client, world.programme) == after
    if visible:
        assert after != before


def test_a_write_outside_the_services_is_not_seen_until_the_stamp_changes(world, client_as):
    """Why every write path must call progress_changed: the cache trusts the stamp."""
    client = client_as(None)
    before = cached_views(client, world.programme)
    Result.objects.filter(pk=world.demo.result.pk).update(title={"fr": "Écrit directement"})
    assert cached_views(client, world.programme) == before
    progress_changed(world.programme)
    assert "Écrit directement" in cached_views(client, world.programme)["page"][1]


def test_a_refresh_that_changes_nothing_keeps_the_cache(world):
    indicator_refresh(indicator=world.computed)
    stamp = stamp_of(world.programme)
    assert indicator_refresh(indicator=world.computed) == 0
    assert stamp_of(world.programme) == stamp


def test_an_approval_moves_the_cached_programme_page(world, client_as):
    client = client_as(None)
    url = f"/fr/programmes/{world.programme.code}/"
    assert "25 / 30 <small>(En cours)</small>" not in client.get(url).content.decode()
    assert "25 / 30 <small>(En cours)</small>" not in client.get(url).content.decode()  # a hit
    services.measurement_review(actor=world.users["manager"], measurement=world.submitted, approve=True)
    assert "25 / 30 <small>(En cours)</small>" in client.get(url).content.decode()


def test_a_new_day_is_a_new_cache_entry(world, monkeypatch):
    """Statuses depend on the day ("not started", the next milestone): keys carry it."""
    from jalon.results import progress_cache

    today = progress_key(world.programme, "page")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(progress_cache.timezone, "localdate", lambda: tomorrow)
    assert progress_key(world.programme, "page") != today


# Who sees what ---------------------------------------------------------------------------------------------


def test_each_language_has_its_own_cached_pages(world, client_as):
    client = client_as(None)
    code = world.programme.code
    assert "Résultat un" in client.get(f"/fr/programmes/{code}/").content.decode()
    english = client.get(f"/en/programmes/{code}/").content.decode()
    assert "Outcome one" in english and "Résultat un" not in english
    assert "\r\nR1,Outcome,D1," in client.get(f"/en/programmes/{code}/tracking.csv").content.decode()
    assert "\r\nR1,Résultat,D1," in client.get(f"/fr/programmes/{code}/tracking.csv").content.decode()
    api = f"/api/v1/programmes/{code}/progress/"
    for language, title in (("fr", "Indicateur D1"), ("en", "Indicator D1"), ("fr", "Indicateur D1")):
        titles = [row["title"] for row in client.get(api, HTTP_ACCEPT_LANGUAGE=language).json()]
        assert title in titles, language


def test_managers_and_other_users_are_cached_apart(world, client_as):
    code = world.programme.code
    structure = f"/fr/programmes/{code}/structure/"
    assert structure in client_as("manager").get(f"/fr/programmes/{code}/").content.decode()
    for role in (None, "viewer", "focal"):
        assert structure not in client_as(role).get(f"/fr/programmes/{code}/").content.decode(), role
    assert structure in client_as("manager").get(f"/fr/programmes/{code}/").content.decode()
    keys = {progress_key(world.programme, "page", "-", "-", audience) for audience in ("manage", "read")}
    assert len(keys) == 2


def test_an_unpublished_programme_cached_for_its_manager_stays_hidden_from_others(sdo, users, client_as):
    hidden = programme_build(code="hidden", owner=sdo, published=False)
    indicator_build(hidden, "H1", milestones=("1", "2", "3"))
    for url in ("/fr/programmes/hidden/", "/fr/programmes/hidden/tracking/", "/api/v1/programmes/hidden/progress/"):
        assert client_as("manager").get(url).status_code == 200
        assert client_as(None).get(url).status_code == 404, url
        assert client_as("focal").get(url).status_code == 404, url


# The Django admin ------------------------------------------------------------------------------------------


def test_an_admin_edit_replaces_the_stamp(world, client_as):
    client = client_as("admin")
    stamp = stamp_of(world.programme)
    response = client.post(
        "/fr/admin/results/dimension/add/",
        {
            "programme": world.programme.pk,
            "kind": "custom",
            "code": "zone",
            "name": '{"fr": "Zone"}',
            "values-TOTAL_FORMS": "1",
            "values-INITIAL_FORMS": "0",
            "values-MIN_NUM_FORMS": "0",
            "values-MAX_NUM_FORMS": "1000",
            "values-0-code": "n",
            "values-0-name": '{"fr": "Nord"}',
            "values-0-order": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dimension.objects.filter(programme=world.programme, code="zone", values__code="n").exists()
    assert stamp_of(world.programme) != stamp


def test_an_admin_deletion_replaces_the_stamp(world, client_as):
    client = client_as("admin")
    stamp = stamp_of(world.programme)
    response = client.post(f"/fr/admin/results/measurement/{world.approved.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Measurement.objects.filter(pk=world.approved.pk).exists()
    assert stamp_of(world.programme) != stamp
    stamp = stamp_of(world.programme)
    response = client.post(
        "/fr/admin/results/measurement/",
        {"action": "delete_selected", "_selected_action": [world.draft.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Measurement.objects.filter(pk=world.draft.pk).exists()
    assert stamp_of(world.programme) != stamp


def test_the_admin_lists_threads_narratives_and_targets_and_a_narratives_deletion_replaces_the_stamp(
    world, users, client_as
):
    narrative = services.narrative_save(
        actor=users["manager"], indicator=world.draft.indicator, period=world.draft.period, achieved={"en": "Done"}
    )
    services.measurement_comment_add(actor=users["manager"], measurement=world.draft, body="Which sheets?")
    client = client_as("admin")
    for model in ("measurementcomment", "narrative", "disaggregatedtarget"):
        assert client.get(f"/fr/admin/results/{model}/").status_code == 200, model
    stamp = stamp_of(world.programme)
    response = client.post(f"/fr/admin/results/narrative/{narrative.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert stamp_of(world.programme) != stamp  # the tracking table shows the narratives


# Who may report for which organisation: decided in the service ----------------------------------------------


def test_the_service_refuses_a_value_for_an_organisation_the_reporter_does_not_act_for(world, other_nsb):
    for reporter in ("focal", "contributor", "viewer", "plain"):
        with pytest.raises(ValidationError) as refused:
            services.measurement_create(
                actor=world.users[reporter],
                indicator=world.demo.indicators["D1"],
                period=world.demo.future,
                organisation=other_nsb,
                value=D(1),
            )
        assert refused.value.message_dict == {"organisation": [fr("Report for your own organisation.")]}
    with pytest.raises(ValidationError):
        services.measurement_create(
            actor=world.users["focal"], indicator=world.demo.indicators["D1"], period=world.demo.future, value=D(1)
        )
    managed = services.measurement_create(
        actor=world.users["manager"],
        indicator=world.demo.indicators["D1"],
        period=world.demo.future,
        organisation=other_nsb,
        value=D(1),
    )
    assert managed.organisation == other_nsb


def test_the_service_refuses_moving_a_value_to_an_organisation_the_editor_does_not_act_for(world, other_nsb):
    with pytest.raises(ValidationError) as refused:
        services.measurement_update(actor=world.users["contributor"], measurement=world.draft, organisation=other_nsb)
    assert list(refused.value.message_dict) == ["organisation"]
    assert Measurement.objects.get(pk=world.draft.pk).organisation == world.nsb
    # Editing without moving it is not checked again (the author's rights are the page's business).
    services.measurement_update(actor=world.users["contributor"], measurement=world.draft, value=D(27))


def test_the_tracking_filters_are_cached_with_their_choice_and_never_with_an_error(world, client_as):
    client = client_as(None)
    url = f"/fr/programmes/{world.programme.code}/tracking/"
    female = world.sex.values.get(code="f")
    for _twice in range(2):
        chosen = client.get(f"{url}?disaggregation={female.pk}").content.decode()
        assert f'<option value="{female.pk}" selected>' in chosen
        assert 'class="error"' not in chosen
    wrong = client.get(f"{url}?disaggregation=999999").content.decode()
    assert 'class="error"' in wrong and "selected>" not in wrong.split("<select", 2)[2].split("</select>")[0]
    assert 'class="error"' not in client.get(url).content.decode()
    # The other way round: a wrong filter first, then the same (valid) filters without the error.
    progress_changed(world.programme)
    assert 'class="error"' in client.get(f"{url}?disaggregation=999999").content.decode()
    assert 'class="error"' not in client.get(url).content.decode()


def test_a_refresh_that_renames_a_disaggregation_value_replaces_the_stamp(users):
    """Reference data reach the pages only through computed indicators: their values, and the names of
    the disaggregation values they write (e.g. a region renamed in the M49 data)."""
    from jalon.organisations.models import Organisation

    iso = programme_build(code="iso-cached", owner=Organisation.objects.get(acronym="ISO"))
    indicator = indicator_build(iso, "C1", cumulation="latest")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="developing_members_by_region")
    africa = indicator.dimensions.get().values.get(code="002")
    assert indicator_refresh(indicator=indicator) == 0
    stamp = stamp_of(iso.programme)
    type(africa).objects.filter(pk=africa.pk).update(name={"en": "Old name"})
    assert indicator_refresh(indicator=indicator) == 0  # no value changed...
    assert stamp_of(iso.programme) != stamp  # ...but a name the tracking table shows did
    africa.refresh_from_db()
    assert africa.name["en"] == "Africa"


def test_the_programme_page_filters_are_cached_with_their_choice_and_never_with_an_error(world, client_as):
    client = client_as(None)
    url = f"/fr/programmes/{world.programme.code}/"
    for _twice in range(2):
        chosen = client.get(f"{url}?level=outcome").content.decode()
        assert '<option value="outcome" selected>' in chosen
        assert 'class="error"' not in chosen
    assert 'class="error"' in client.get(f"{url}?level=junk").content.decode()
    assert 'class="error"' not in client.get(url).content.decode()
    progress_changed(world.programme)
    assert 'class="error"' in client.get(f"{url}?status=junk").content.decode()
    assert 'class="error"' not in client.get(url).content.decode()
    # A level renamed through the services shows in the filter at once.
    services.level_save(
        actor=world.users["manager"], programme=world.programme, level=world.demo.level, key="outcome",
        name={"fr": "Effet"}, iati_result_type=2,
    )  # fmt: skip
    assert '<option value="outcome">Effet</option>' in client.get(url).content.decode()


def test_the_demo_history_and_the_seed_frameworks_reach_the_cached_page(users, nsb, client_as):
    """`jalon load-frameworks` and `jalon demo` write through framework_load and the demo builder."""
    from jalon.results.demo import demo_history_build

    (programme,) = services.frameworks_load(actor=None, codes=["iso-ap-2021-2025"])
    client = client_as(None)
    before = cached_views(client, programme)
    stamp = stamp_of(programme)
    demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
    assert stamp_of(programme) != stamp
    after = cached_views(client, programme)
    assert after != before
    cache.clear()
    assert cached_views(client, programme) == after
    stamp = stamp_of(programme)
    services.frameworks_load(actor=None, codes=["iso-ap-2021-2025"])  # unchanged, still a new stamp
    assert stamp_of(programme) != stamp


# A shared cache (REDIS_URL) -------------------------------------------------------------------------------


def redis_url() -> str | None:
    """The local Redis of the development and CI machines, if it answers."""
    import redis

    url = os.environ.get("JALON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return None
    return url


def test_redis_url_selects_the_shared_cache():
    environment = {**os.environ, "REDIS_URL": "redis://cache.example:6379/2"}
    environment["DJANGO_SETTINGS_MODULE"] = "jalon.settings"
    script = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    output = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout
    assert "django.core.cache.backends.redis.RedisCache" in output and "redis://cache.example:6379/2" in output


def test_through_a_shared_redis_cache_an_approval_still_moves_the_page(world, client_as, settings):
    url = redis_url()
    if url is None:
        pytest.skip("no Redis answers on this machine")
    prefix = f"jalon-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,  # a worker's keys never meet another run's
        }
    }
    from django.core.cache import caches

    client = client_as(None)
    page = f"/fr/programmes/{world.programme.code}/"
    assert "25 / 30 <small>(En cours)</small>" not in client.get(page).content.decode()
    assert caches["default"]._cache.get_client().keys(f"{prefix}:*"), "the page went through Redis"
    services.measurement_review(actor=world.users["manager"], measurement=world.submitted, approve=True)
    assert "25 / 30 <small>(En cours)</small>" in client.get(page).content.decode()
    caches["default"].clear()
