"""Computed indicators are refreshed off the request: a write marks the programmes whose computed indicators
read its data pending and queues one refresh per programme with its transaction, however many writes; the
refresh clears the mark as it starts; pages say "being recomputed" meanwhile; a failed or lost refresh is
queued again by the worker's recovery; `jalon refresh-computed` refreshes at once and clears the marks.

The suite's task backend runs a task at once: queued on commit, a refresh runs when the test executes the
transaction's on-commit callbacks. Which tasks were queued is read from django-tasks' own signal."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks.signals import task_enqueued

from jalon.jobs.services import jobs_recover
from jalon.organisations import services as organisation_services
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results import computations
from jalon.results.computations import (
    REGISTRY,
    Computation,
    Part,
    computed_recover,
    computed_schedule_refresh,
    indicator_link_computation,
)
from jalon.results.models import Measure, Measurement, Programme
from jalon.web.demo import STEPS
from tests.results.conftest import indicator_build, programme_build

pytestmark = pytest.mark.django_db

TEST_SOURCE = "test-refresh-source"


@pytest.fixture
def queued():
    """The refreshes queued while the test runs, as programme ids in their order."""
    seen: list[int] = []

    def receive(sender, task_result, **kwargs):
        if task_result.task.module_path == "jalon.results.tasks.computed_refresh":
            seen.append(task_result.args[0])

    task_enqueued.connect(receive, dispatch_uid="test-computed-refresh-queued")
    yield seen
    task_enqueued.disconnect(dispatch_uid="test-computed-refresh-queued")


@pytest.fixture
def counter():
    """A computation of the test's own (registered like any app's), reading TEST_SOURCE: its value is
    state["value"]; it fails while state["fail"]; it calls `during(programme)` if set, while it computes."""
    state: dict = {"value": 1, "fail": False, "during": None, "calls": 0}

    def compute(programme, period):
        state["calls"] += 1
        if state["during"] is not None:
            during, state["during"] = state["during"], None
            during(programme)
        if state["fail"]:
            raise RuntimeError("the records cannot be read")
        return [Part(Decimal(state["value"]))]

    computations.register(
        Computation(
            key="test_counter",
            title={"en": "Test counter", "fr": "Compteur de test"},
            method={"en": "Counts.", "fr": "Compte."},
            measure=Measure.COUNT,
            sources=frozenset({TEST_SOURCE}),
            compute=compute,
        )
    )
    yield state
    del REGISTRY["test_counter"]


def counted_programme(code: str, users):
    world = programme_build(code=code, owner=Organisation.objects.get(acronym="ISO"))
    indicator = indicator_build(world, "C1", cumulation="latest")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="test_counter")
    return world, indicator


def total(indicator, period) -> Decimal:
    return Measurement.objects.get(indicator=indicator, period=period, dimension_value__isnull=True).value


def pending(programme) -> bool:
    programme.refresh_from_db()
    return programme.computed_pending_since is not None


def test_many_writes_in_one_transaction_queue_one_refresh_per_programme_that_reads_them(
    users, queued, django_capture_on_commit_callbacks
):
    """Three new members of ISO, each a write that changes what the membership computations read: the
    two programmes computing them are refreshed once each, after the commit; the programme that computes
    nothing is not touched."""
    iso = Organisation.objects.get(acronym="ISO")
    first, second = programme_build(code="iso-a", owner=iso), programme_build(code="iso-b", owner=iso)
    computed = []
    for world, key in ((first, "developing_members_by_region"), (second, "developing_members_by_income")):
        indicator = indicator_build(world, "C1", cumulation="latest")
        indicator_link_computation(actor=users["manager"], indicator=indicator, key=key)
        computed.append(indicator)
    by_hand = programme_build(code="iso-manual", owner=iso)
    indicator_build(by_hand, "M1")
    before = [total(indicator, world.current) for indicator, world in zip(computed, (first, second), strict=True)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n, iso3 in enumerate(("SEN", "MLI", "NER")):
            newcomer = organisation_services.organisation_create(
                actor=users["manager"],
                name={"fr": f"Nouvel organisme {n}"},
                acronym=f"NEW{n}",
                kind=Organisation.Kind.NSB,
                country=Country.objects.get(iso3=iso3),
            )
            organisation_services.membership_create(
                actor=users["manager"], member=newcomer, body=iso, category="iso_correspondent"
            )
        # Within the transaction: marked, nothing recomputed, nothing queued yet.
        assert pending(first.programme) and pending(second.programme) and not pending(by_hand.programme)
        assert queued == []
        assert [total(computed[0], first.current), total(computed[1], second.current)] == before

    assert sorted(queued) == sorted([first.programme.pk, second.programme.pk])
    assert len(callbacks) == 2
    assert [total(computed[0], first.current), total(computed[1], second.current)] == [v + 3 for v in before]
    assert not pending(first.programme) and not pending(second.programme)


def test_writes_while_a_refresh_is_waiting_queue_no_other(users, counter, queued, django_capture_on_commit_callbacks):
    world, indicator = counted_programme("counted", users)
    with django_capture_on_commit_callbacks() as first:
        computed_schedule_refresh(source=TEST_SOURCE)
    with django_capture_on_commit_callbacks() as later:
        computed_schedule_refresh(source=TEST_SOURCE)
        computed_schedule_refresh(source=TEST_SOURCE)
    assert (len(first), len(later)) == (1, 0)
    counter["value"] = 7
    assert total(indicator, world.current) == 1 and pending(world.programme)
    first[0]()
    assert queued == [world.programme.pk]
    assert total(indicator, world.current) == 7 and not pending(world.programme)
    assert world.programme.computed_refreshing_since is None


def test_a_write_rolled_back_leaves_nothing_pending_and_queues_nothing(
    users, counter, queued, django_capture_on_commit_callbacks
):
    world, _indicator = counted_programme("counted", users)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        computed_schedule_refresh(source=TEST_SOURCE)
        assert pending(world.programme)
        raise RuntimeError("the write is refused")
    assert callbacks == [] and queued == [] and not pending(world.programme)


def test_the_database_queue_takes_the_refresh_inside_the_writes_transaction(users, counter, settings):
    """Its row commits or rolls back with the write (the worker's side: test_computed_worker.py)."""
    from django_tasks_db.models import DBTaskResult

    world, _indicator = counted_programme("counted", users)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    refreshes = DBTaskResult.objects.filter(task_path="jalon.results.tasks.computed_refresh", status="READY")
    with pytest.raises(RuntimeError), transaction.atomic():
        computed_schedule_refresh(source=TEST_SOURCE)
        assert refreshes.get().args_kwargs == {"args": [world.programme.pk], "kwargs": {}}
        raise RuntimeError("the write is refused")
    assert not refreshes.exists() and not pending(world.programme)
    with transaction.atomic():
        computed_schedule_refresh(source=TEST_SOURCE)
        computed_schedule_refresh(source=TEST_SOURCE)
    assert refreshes.count() == 1 and pending(world.programme)


def test_a_write_during_the_refresh_queues_another_and_nothing_is_missed(
    users, counter, queued, django_capture_on_commit_callbacks
):
    world, indicator = counted_programme("counted", users)
    with django_capture_on_commit_callbacks() as callbacks:
        computed_schedule_refresh(source=TEST_SOURCE)

    def write_meanwhile(programme):
        # The refresh cleared the mark as it started: this write sees it clear, marks it and queues.
        counter["value"] = 9
        computed_schedule_refresh(source=TEST_SOURCE)

    counter["value"], counter["during"] = 5, write_meanwhile
    with django_capture_on_commit_callbacks() as meanwhile:
        callbacks[0]()
    assert len(meanwhile) == 1 and pending(world.programme)
    assert total(indicator, world.current) in (Decimal(5), Decimal(9))
    meanwhile[0]()
    assert total(indicator, world.current) == 9 and not pending(world.programme)
    assert queued == [world.programme.pk, world.programme.pk]


def test_a_failed_refresh_leaves_the_programme_pending_and_the_recovery_runs_it_again(
    users, counter, queued, django_capture_on_commit_callbacks, caplog
):
    world, indicator = counted_programme("counted", users)
    counter["value"], counter["fail"] = 4, True
    with django_capture_on_commit_callbacks(execute=True):
        computed_schedule_refresh(source=TEST_SOURCE)
    assert queued == [world.programme.pk]
    assert total(indicator, world.current) == 1
    assert pending(world.programme) and world.programme.computed_refreshing_since is None
    assert "the refresh failed" in caplog.text
    # Already pending: another write queues nothing; the recovery leaves a recent mark to its task.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        computed_schedule_refresh(source=TEST_SOURCE)
    assert callbacks == [] and computed_recover() == 0
    counter["fail"] = False
    Programme.objects.filter(pk=world.programme.pk).update(
        computed_pending_since=timezone.now() - computations.RECOVER_PENDING_AFTER - datetime.timedelta(seconds=1)
    )
    assert jobs_recover()["computed_refreshes"] == 1  # the worker's recovery, every minute
    assert total(indicator, world.current) == 4 and not pending(world.programme)


def test_a_refresh_whose_worker_died_is_run_again_by_the_recovery(users, counter, settings):
    world, indicator = counted_programme("counted", users)
    counter["value"] = 6
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JALON_JOB_STALE_SECONDS + 1)
    Programme.objects.filter(pk=world.programme.pk).update(computed_refreshing_since=long_ago)
    world.programme.refresh_from_db()
    assert world.programme.computed_recomputing
    assert computed_recover() == 1
    world.programme.refresh_from_db()
    assert not world.programme.computed_recomputing
    assert total(indicator, world.current) == 6


def test_refresh_computed_refreshes_at_once_and_clears_the_marks(users, counter, django_capture_on_commit_callbacks):
    world, indicator = counted_programme("counted", users)
    with django_capture_on_commit_callbacks() as callbacks:  # queued, never run
        computed_schedule_refresh(source=TEST_SOURCE)
    assert len(callbacks) == 1
    counter["value"] = 3
    out = io.StringIO()
    call_command("refresh_computed", stdout=out)
    assert total(indicator, world.current) == 3 and not pending(world.programme)
    assert "counted: 2 value(s) changed" in out.getvalue()  # the past and the current period
    # And a programme marked pending whose computed indicators have gone is cleared too.
    Programme.objects.filter(pk=world.programme.pk).update(computed_pending_since=timezone.now())
    indicator.delete()
    call_command("refresh_computed", programme="counted", stdout=io.StringIO())
    assert not pending(world.programme)


def test_the_demo_ends_by_refreshing_every_computed_indicator(users, counter, django_capture_on_commit_callbacks):
    world, indicator = counted_programme("counted", users)
    with django_capture_on_commit_callbacks():  # the demo's writes queue refreshes: none has run yet
        computed_schedule_refresh(source=TEST_SOURCE)
    counter["value"] = 8
    last = STEPS[-1]
    assert last.name == "computed indicators"
    last.build(None)  # type: ignore[arg-type]  # the step reads no context
    assert total(indicator, world.current) == 8 and not pending(world.programme)


def notice(response) -> bool:
    text = response.content.decode().lower()
    return "being recomputed" in text or "en cours de recalcul" in text


def test_pages_say_the_computed_values_are_being_recomputed_while_a_refresh_is_pending(
    users, counter, client_as, django_capture_on_commit_callbacks
):
    world, indicator = counted_programme("counted", users)
    by_hand = indicator_build(world, "M1")
    code = world.programme.code
    pages = {
        "programme": f"/fr/programmes/{code}/",
        "computed indicator": f"/fr/programmes/{code}/indicators/{indicator.pk}/",
        "tracking table": f"/fr/programmes/{code}/tracking/",
    }
    client = client_as("viewer")
    assert not any(notice(client.get(url)) for url in pages.values())
    api = client.get(f"/api/v1/programmes/{code}/").json()
    assert api["computed_being_recomputed"] is False

    with django_capture_on_commit_callbacks() as callbacks:
        computed_schedule_refresh(source=TEST_SOURCE)
    for name, url in pages.items():
        assert notice(client.get(url)), name
    assert "en cours de recalcul" in client.get(pages["programme"]).content.decode()
    english = client.get(pages["computed indicator"].replace("/fr/", "/en/")).content.decode()
    assert "Being recomputed: these values may not show the latest changes yet." in english
    # A hand-reported indicator's values are not being recomputed.
    assert not notice(client.get(f"/fr/programmes/{code}/indicators/{by_hand.pk}/"))
    assert client.get(f"/api/v1/programmes/{code}/").json()["computed_being_recomputed"] is True
    rows = {row["code"]: row["being_recomputed"] for row in client.get(f"/api/v1/programmes/{code}/indicators/").json()}
    assert rows == {"C1": True, "M1": False}

    callbacks[0]()
    assert not any(notice(client.get(url)) for url in pages.values())
    rows = {row["code"]: row["being_recomputed"] for row in client.get(f"/api/v1/programmes/{code}/indicators/").json()}
    assert rows == {"C1": False, "M1": False}


def test_a_change_to_the_programme_or_its_periods_queues_the_refresh_of_a_programme_that_computes(
    users, counter, queued, django_capture_on_commit_callbacks
):
    """The developing-country rule, the dates and the periods are inputs of computed values too; a programme
    that computes nothing is not marked."""
    from jalon.results import services

    world, indicator = counted_programme("rule-change", users)
    by_hand = programme_build(code="rule-manual", owner=Organisation.objects.get(acronym="ISO"))
    indicator_build(by_hand, "M1")
    with django_capture_on_commit_callbacks(execute=False):
        services.programme_update(actor=users["manager"], programme=world.programme, on_track_min=Decimal("0.9"))
        assert pending(world.programme)
        services.programme_update(actor=users["manager"], programme=by_hand.programme, on_track_min=Decimal("0.9"))
        assert not pending(by_hand.programme)
    # A new period after the last one, within the programme's dates (extended for it).
    last_end = world.programme.periods.order_by("-end").values_list("end", flat=True).first()
    Programme.objects.filter(pk=world.programme.pk).update(
        computed_pending_since=None, end_date=last_end + datetime.timedelta(days=30)
    )
    world.programme.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.period_save(
            actor=users["manager"],
            programme=world.programme,
            code="next",
            name={"en": "Next"},
            start=last_end + datetime.timedelta(days=1),
            end=last_end + datetime.timedelta(days=30),
        )
    assert queued == [world.programme.pk]  # the first write's commit was not run; the period's was
    assert not pending(world.programme)
