"""Computed indicators over activities: exact values on a small, hand-checked set of records."""

import datetime
from decimal import Decimal

import pytest

from jalon.activities import computations as reach_computations
from jalon.activities import services
from jalon.activities.models import Activity
from jalon.organisations.models import Person
from jalon.reference.models import Region
from jalon.results.computations import REGISTRY, indicator_link_computation
from jalon.results.models import Dimension, Indicator, Measure, Measurement
from tests.activities.conftest import activity_build, country, register

pytestmark = pytest.mark.django_db

D = Decimal


def parts_of(key, programme, period) -> dict:
    """{None: total, (dimension, code): part} with (value, numerator, denominator)."""
    result = {}
    for part in REGISTRY[key].compute(programme, period):
        result[(part.dimension, part.code) if part.dimension else None] = (
            (part.value, part.numerator, part.denominator) if part.denominator is not None else part.value
        )
    return result


@pytest.fixture
def records(reach, asn, kebs, users):
    """2026: activity A (national workshop in Senegal, output OP1) and B (global webinar, OP2) of the
    programme; C serves another programme; E is cancelled. 2025: D (e-learning, OP1).
    Trained in 2026: Aminata (F, SEN; A and B), Moussa (M, ASN so SEN; A), Kofi (M, BRA; B), Zoé (sex not
    recorded, KEN; B). Not trained: Grace (registered in B only), Nour (cancelled), people of C and E."""
    actor = users["manager"]
    a = activity_build(actor=actor, code="a", outputs=[reach.output])
    b = activity_build(
        actor=actor,
        code="b",
        type=Activity.Type.WEBINAR,
        modality=Activity.Modality.VIRTUAL,
        level=Activity.Level.GLOBAL,
        countries=[],
        start_date=datetime.date(2026, 3, 10),
        end_date=datetime.date(2026, 3, 10),
        outputs=[reach.other_output],
    )
    c = activity_build(
        actor=actor,
        code="c",
        type=Activity.Type.TRAINING,
        level=Activity.Level.REGIONAL,
        countries=[],
        region=Region.objects.get(m49="002"),
        outputs=[reach.foreign_output],
    )
    d = activity_build(
        actor=actor,
        code="d",
        type=Activity.Type.E_LEARNING,
        modality=Activity.Modality.SELF_PACED,
        level=Activity.Level.GLOBAL,
        countries=[],
        start_date=datetime.date(2025, 5, 1),
        end_date=datetime.date(2025, 6, 30),
        outputs=[reach.output],
    )
    e = activity_build(actor=actor, code="e", outputs=[reach.output])
    s1 = services.session_create(actor=actor, activity=a, date=datetime.date(2026, 10, 5))
    s2 = services.session_create(actor=actor, activity=a, date=datetime.date(2026, 10, 6))
    s3 = services.session_create(actor=actor, activity=b, date=datetime.date(2026, 3, 10))

    aminata = {
        "given_name": "Aminata",
        "family_name": "Diallo",
        "sex": "female",
        "organisation": asn,
        "country": country("SEN"),
    }
    r = register(a, actor, **aminata)
    services.attendance_record(actor=actor, session=s1, present={r.pk: True})
    services.evaluation_record(
        actor=actor,
        registration=r,
        pre_test_score=D(40),
        post_test_score=D(70),
        satisfaction=5,
        followup_applied="yes",
    )
    services.registration_complete(actor=actor, registration=r)
    r = register(b, actor, **aminata)
    services.registration_complete(actor=actor, registration=r)

    r = register(a, actor, given_name="Moussa", family_name="Ndiaye", sex="male", organisation=asn)
    services.attendance_record(actor=actor, session=s1, present={r.pk: False})
    services.attendance_record(actor=actor, session=s2, present={r.pk: True})
    services.evaluation_record(
        actor=actor, registration=r, pre_test_score=D(50), post_test_score=D(60), satisfaction=3, followup_applied="no"
    )

    r = register(b, actor, given_name="Grace", family_name="Wanjiru", sex="female", organisation=kebs)
    services.evaluation_record(actor=actor, registration=r, satisfaction=4)

    r = register(b, actor, given_name="Kofi", family_name="Asante", sex="male", country=country("BRA"))
    services.attendance_record(actor=actor, session=s3, present={r.pk: True})
    services.evaluation_record(actor=actor, registration=r, followup_applied="partly")

    r = register(b, actor, given_name="Zoé", family_name="Otieno", organisation=kebs, country=country("KEN"))
    services.registration_complete(actor=actor, registration=r)

    r = register(a, actor, given_name="Nour", family_name="Haddad", sex="female", organisation=kebs)
    services.registration_complete(actor=actor, registration=r)
    services.registration_cancel(actor=actor, registration=r)

    r = register(c, actor, given_name="Awa", family_name="Sow", sex="female", organisation=asn)
    services.registration_complete(actor=actor, registration=r)
    r = register(e, actor, given_name="Omar", family_name="Benali", sex="male", organisation=kebs)
    services.registration_complete(actor=actor, registration=r)
    services.activity_update(actor=actor, activity=e, status=Activity.Status.CANCELLED)

    r = register(d, actor, given_name="Fatou", family_name="Traoré", sex="female", organisation=asn)
    services.registration_complete(actor=actor, registration=r)
    return reach


def test_every_activities_computation_is_registered_with_titles_and_methods_in_both_languages():
    keys = {key for key in REGISTRY if key.startswith("activities_")}
    assert keys == {
        "activities_participants_trained",
        "activities_countries_reached",
        "activities_nsbs_reached",
        "activities_women_share",
        "activities_knowledge_gain",
        "activities_satisfied_share",
        "activities_applied_share",
        "activities_by_type_and_level",
    }
    for key in keys:
        computation = REGISTRY[key]
        assert computation.title["en"] and computation.title["fr"] and computation.method["en"]
        assert computation.method["fr"] and "activities" in computation.sources


def test_participants_trained_counts_distinct_people_completed_or_present_with_every_disaggregation(records):
    parts = parts_of("activities_participants_trained", records.programme, records.p2026)
    assert parts == {
        None: D(4),
        ("sex", "female"): D(1),
        ("sex", "male"): D(2),
        ("sex", "unknown"): D(1),
        ("country", "BRA"): D(1),
        ("country", "KEN"): D(1),
        ("country", "SEN"): D(2),
        ("region", "002"): D(3),
        ("region", "019"): D(1),
        ("income", "LMC"): D(3),
        ("income", "UMC"): D(1),
        ("activity_type", "webinar"): D(3),
        ("activity_type", "workshop"): D(2),
        ("custom", "global"): D(3),
        ("custom", "national"): D(2),
    }


def test_participants_of_an_earlier_period_count_in_that_period_only(records):
    assert parts_of("activities_participants_trained", records.programme, records.p2025)[None] == D(1)
    assert parts_of("activities_by_type_and_level", records.programme, records.p2025) == {
        None: D(1),
        ("activity_type", "e_learning"): D(1),
        ("custom", "global"): D(1),
    }


def test_income_groups_are_read_as_of_the_end_of_the_period(records):
    # The shipped World Bank groups start in July 2026: in 2025 nobody's group is known yet.
    parts = parts_of("activities_participants_trained", records.programme, records.p2025)
    assert parts[("income", "unknown")] == D(1)


def test_countries_reached_counts_each_country_once(records):
    assert parts_of("activities_countries_reached", records.programme, records.p2026) == {
        None: D(3),
        ("region", "002"): D(2),
        ("region", "019"): D(1),
        ("income", "LMC"): D(2),
        ("income", "UMC"): D(1),
    }


def test_national_standards_bodies_reached_are_the_nsbs_of_people_trained(records):
    assert parts_of("activities_nsbs_reached", records.programme, records.p2026) == {
        None: D(2),
        ("region", "002"): D(2),
        ("income", "LMC"): D(2),
    }


def test_share_of_women_is_a_percentage_of_people_whose_sex_is_recorded_with_numerators(records):
    parts = parts_of("activities_women_share", records.programme, records.p2026)
    assert parts == {
        None: (D("33.33"), D(1), D(3)),
        ("region", "002"): (D("50.00"), D(1), D(2)),
        ("region", "019"): (D("0.00"), D(0), D(1)),
        ("activity_type", "webinar"): (D("50.00"), D(1), D(2)),
        ("activity_type", "workshop"): (D("50.00"), D(1), D(2)),
    }
    # Region parts add up to the total: the engine recomputes the percentage, never averages.
    regions = [value for key, value in parts.items() if key and key[0] == "region"]
    assert sum(n for _v, n, _d in regions) == D(1) and sum(d for _v, _n, d in regions) == D(3)


def test_average_knowledge_gain_is_post_minus_pre_in_points(records):
    assert parts_of("activities_knowledge_gain", records.programme, records.p2026) == {None: D("20.00")}
    assert parts_of("activities_knowledge_gain", records.programme, records.p2025) == {}


def test_share_of_satisfied_participants_counts_ratings_of_four_and_five(records):
    assert parts_of("activities_satisfied_share", records.programme, records.p2026) == {
        None: (D("66.67"), D(2), D(3)),
        ("activity_type", "webinar"): (D("100.00"), D(1), D(1)),
        ("activity_type", "workshop"): (D("50.00"), D(1), D(2)),
    }


def test_share_who_applied_what_they_learned_counts_yes_and_partly(records):
    assert parts_of("activities_applied_share", records.programme, records.p2026) == {
        None: (D("66.67"), D(2), D(3)),
        ("activity_type", "webinar"): (D("100.00"), D(1), D(1)),
        ("activity_type", "workshop"): (D("50.00"), D(1), D(2)),
    }


def test_activities_by_type_and_level_leave_out_cancelled_ones_and_other_programmes(records):
    assert parts_of("activities_by_type_and_level", records.programme, records.p2026) == {
        None: D(2),
        ("activity_type", "webinar"): D(1),
        ("activity_type", "workshop"): D(1),
        ("custom", "global"): D(1),
        ("custom", "national"): D(1),
    }


def test_a_programme_with_no_activity_gets_zero_participants_and_no_shares(reach):
    assert parts_of("activities_participants_trained", reach.programme, reach.p2026) == {None: D(0)}
    assert parts_of("activities_women_share", reach.programme, reach.p2026) == {}


def test_a_linked_indicator_fills_itself_and_moves_when_attendance_is_recorded(
    records, users, django_capture_on_commit_callbacks
):
    indicator = Indicator.objects.create(result=records.output, code="T1", title={"en": "Trained"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="activities_participants_trained")

    def total(period):
        return Measurement.objects.get(indicator=indicator, period=period, dimension_value__isnull=True).value

    assert total(records.p2026) == D(4)
    assert total(records.p2025) == D(1)
    female = Measurement.objects.get(
        indicator=indicator, period=records.p2026, dimension_value__dimension__kind=Dimension.Kind.SEX,
        dimension_value__code="female",
    )  # fmt: skip
    assert female.value == D(1) and female.status == Measurement.Status.APPROVED
    grace = records.programme and Person.objects.get(given_name="Grace")
    registration = grace.registrations.get()
    session = registration.activity.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(actor=users["manager"], session=session, present={registration.pk: True})
    assert total(records.p2026) == D(5)


def test_a_women_share_indicator_rolls_up_from_numerators(records, users):
    indicator = Indicator.objects.create(
        result=records.output, code="T2", title={"en": "Women"}, measure=Measure.PERCENTAGE
    )
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="activities_women_share")
    total = Measurement.objects.get(indicator=indicator, period=records.p2026, dimension_value__isnull=True)
    assert (total.value, total.numerator, total.denominator) == (D("33.33"), D(1), D(3))


def test_trained_people_helper_matches_the_count(records):
    people = reach_computations.trained_people(records.programme, records.p2026)
    assert sorted(people.values_list("given_name", flat=True)) == ["Aminata", "Kofi", "Moussa", "Zoé"]


def test_distinct_counts_over_the_whole_programme_come_from_the_records_not_a_sum_of_periods(records, users):
    """Aminata is trained in 2025 and in 2026: 2 + 4 people by period, 5 distinct people over the programme
    (the issue's 469 participants trained where 320 distinct people were). Countries: SEN in 2025; SEN, BRA,
    KEN in 2026: 3 countries reached, not 4."""
    from jalon.results.selectors import programme_progress

    d = Activity.objects.get(code="d")
    aminata = Person.objects.get(given_name="Aminata")
    registration = register(
        d,
        users["manager"],
        given_name="Aminata",
        family_name="Diallo",
        sex="female",
        organisation=aminata.organisation,
        country=aminata.country,
    )
    services.registration_complete(actor=users["manager"], registration=registration)
    people = Indicator.objects.create(result=records.output, code="T3", title={"en": "Trained"})
    indicator_link_computation(actor=users["manager"], indicator=people, key="activities_participants_trained")
    countries = Indicator.objects.create(
        result=records.output, code="T4", title={"en": "Countries"}, cumulation="cumulative"
    )
    indicator_link_computation(actor=users["manager"], indicator=countries, key="activities_countries_reached")

    report = programme_progress(programme=records.programme)
    trained = report.indicators[people.pk]
    assert [cell.actual for cell in trained.cells] == [D(2), D(4)]
    assert (trained.actual, trained.overall_from_records) == (D(5), True)
    reached = report.indicators[countries.pk]
    # Cumulative: each period's running figure is the distinct count since the start, not a running sum.
    assert [cell.actual for cell in reached.cells] == [D(1), D(3)]
    assert reached.actual == D(3)


def test_additive_computations_keep_adding_periods(records, users):
    delivered = Indicator.objects.create(result=records.output, code="T5", title={"en": "Activities"})
    indicator_link_computation(actor=users["manager"], indicator=delivered, key="activities_by_type_and_level")
    assert REGISTRY["activities_by_type_and_level"].additive
    assert not delivered.span_values.exists()


def test_a_write_queues_the_refresh_of_the_programmes_its_activity_serves_only(
    records, users, django_capture_on_commit_callbacks
):
    """Issue 21: an attendance save refreshes the programmes the activity serves, not every programme with
    computed activity indicators (their figures cannot move); moving an activity to another programme's
    output refreshes both."""
    from django_tasks.signals import task_enqueued

    mine = Indicator.objects.create(result=records.output, code="T1", title={"en": "Trained"})
    other = Indicator.objects.create(result=records.foreign_output, code="T2", title={"en": "Trained elsewhere"})
    for indicator in (mine, other):
        indicator_link_computation(actor=users["manager"], indicator=indicator, key="activities_participants_trained")
    queued: list[int] = []

    def receive(sender, task_result, **kwargs):
        if task_result.task.module_path == "jalon.results.tasks.computed_refresh":
            queued.append(task_result.args[0])

    task_enqueued.connect(receive, dispatch_uid="test-activities-refresh-scope")
    try:
        grace = Person.objects.get(given_name="Grace").registrations.get()
        session = grace.activity.sessions.get()
        with django_capture_on_commit_callbacks(execute=True):
            services.attendance_record(actor=users["manager"], session=session, present={grace.pk: True})
        assert queued == [records.programme.pk]
        with django_capture_on_commit_callbacks(execute=True):
            services.activity_update(actor=users["manager"], activity=grace.activity, outputs=[records.foreign_output])
        assert sorted(queued[1:]) == sorted([records.programme.pk, records.foreign_output.programme_id])
    finally:
        task_enqueued.disconnect(dispatch_uid="test-activities-refresh-scope")


def test_the_totals_alone_equal_the_total_parts_the_spans_read(records):
    """Issue 21: a span's refresh reads a computation's total alone (cheaper than every part); it must be
    the total part of the full computation, over a period and over the whole span."""
    from jalon.results.computations import Span

    spans = [records.p2025, records.p2026, Span(records.p2025.start, records.p2026.end)]
    keys = [key for key, computation in REGISTRY.items() if key.startswith("activities_") and not computation.additive]
    assert len(keys) == 4 and all(REGISTRY[key].total is not None for key in keys)
    for key in keys:
        for span in spans:
            full = next(
                (part for part in REGISTRY[key].compute(records.programme, span) if part.dimension is None), None
            )
            assert REGISTRY[key].whole(records.programme, span) == full, (key, span)


def test_an_attendance_save_marks_stale_only_its_activity_s_dates_in_the_programmes_it_serves(
    records, users, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Issue 21: the write marks the periods its activity's dates overlap (Grace's webinar: 10 March 2026), in
    the programme it serves only; the worker recomputes those (2025 is left as it was) and the spans ending
    after them, and a refresh with nothing marked does nothing. The values equal a full recomputation."""
    from jalon.results.computations import computed_refresh_all, programme_computed_refresh
    from jalon.results.models import ComputedStale, SpanValue

    indicators = []
    for code, key in (("T1", "activities_participants_trained"), ("T2", "activities_women_share")):
        indicator = Indicator.objects.create(result=records.output, code=code, title={"en": key})
        indicator_link_computation(actor=users["manager"], indicator=indicator, key=key)
        indicators.append(indicator)
    other = Indicator.objects.create(result=records.foreign_output, code="T9", title={"en": "Trained elsewhere"})
    indicator_link_computation(actor=users["manager"], indicator=other, key="activities_participants_trained")
    computed_refresh_all()
    assert not ComputedStale.objects.exists()
    # A wrong 2025 value, put there behind the engine's back: only a recomputation of 2025 would mend it.
    trained_2025 = Measurement.objects.filter(
        indicator=indicators[0], period=records.p2025, dimension_value__isnull=True
    )
    trained_2025.update(value=D(99))

    grace = Person.objects.get(given_name="Grace").registrations.get()
    session = grace.activity.sessions.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attendance_record(actor=users["manager"], session=session, present={grace.pk: True})
    marks = list(ComputedStale.objects.values_list("programme_id", "source", "start", "end"))
    day = datetime.date(2026, 3, 10)
    assert marks == [(records.programme.pk, "activities", day, day)]
    assert len(callbacks) == 1  # one refresh queued, for that programme

    assert programme_computed_refresh(programme_id=records.programme.pk) > 0
    assert not ComputedStale.objects.exists()
    assert trained_2025.get().value == D(99)  # 2025 not recomputed
    trained_2026 = Measurement.objects.get(indicator=indicators[0], period=records.p2026, dimension_value__isnull=True)
    assert trained_2026.value == D(5)

    with django_assert_num_queries(3):  # nothing marked: the flags set, the marks read, the flags cleared
        assert programme_computed_refresh(programme_id=records.programme.pk) == 0

    def stored():
        values = Measurement.objects.filter(indicator__in=indicators).exclude(period=records.p2025)
        spans = SpanValue.objects.filter(indicator__in=indicators)
        return (
            sorted(
                map(str, values.values_list("indicator_id", "period_id", "dimension_value_id", "value", "numerator"))
            ),
            sorted(map(str, spans.values_list("indicator_id", "start", "end", "value", "numerator", "denominator"))),
        )

    marked = stored()
    assert computed_refresh_all() == {records.programme.code: 1, records.foreign_output.programme.code: 0}
    assert stored() == marked  # the marked refresh left every value a full one computes; but the wrong 2025
    assert trained_2025.get().value == D(1)


def test_a_mark_over_a_period_not_started_is_kept_for_the_day_it_starts(records, users):
    """A period that has not started is not computed; the mark reaching it stays, due on its first day, for
    the worker's recovery to queue then."""
    from jalon.results.computations import computed_recover, programme_computed_refresh
    from jalon.results.models import ComputedStale, Period, Programme

    indicator = Indicator.objects.create(result=records.output, code="T1", title={"en": "Trained"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="activities_participants_trained")
    ComputedStale.objects.all().delete()
    start = datetime.date.today() + datetime.timedelta(days=30)
    Period.objects.create(
        programme=records.programme, code="next", name={"en": "Next"}, start=start, end=start + datetime.timedelta(400)
    )
    ComputedStale.objects.create(programme=records.programme, source="activities", start=records.p2026.start)
    programme_computed_refresh(programme_id=records.programme.pk)
    assert list(ComputedStale.objects.values_list("source", "start", "end", "due")) == [
        ("activities", start, None, start)
    ]
    assert computed_recover() == 0  # not due yet
    ComputedStale.objects.update(due=datetime.date.today())
    Programme.objects.filter(pk=records.programme.pk).update(computed_pending_since=None)
    assert computed_recover() == 1


def test_calendar_years_and_spans_from_the_start_read_the_reach_summary_with_the_rows_figures(
    records, users, django_assert_num_queries
):
    """Issue 21: with the reach summary built, a one-year period (and a span of whole years from the programme's
    first activity) reads its cells instead of the registrations; every part equals the one counted from the rows.
    An activity begun in one year and ending in the next is counted by the rows in both: that year, and any span
    starting after it began, are counted from the rows again."""
    from jalon.activities.models import ReachSummaryState
    from jalon.activities.reach_summary import reach_summary_rebuild
    from jalon.results.computations import Part, Span

    keys = [key for key, computation in REGISTRY.items() if key.startswith("activities_") and not computation.additive]
    programme = records.programme
    spans = [
        records.p2025,
        records.p2026,
        Span(records.p2025.start, records.p2026.end),
        Span(records.p2026.start, records.p2026.end),
        Span(datetime.date(2025, 3, 1), records.p2026.end),  # not whole years: rows
    ]

    def figures() -> list:
        return [
            (key, span, sorted(map(repr, REGISTRY[key].compute(programme, span))), REGISTRY[key].whole(programme, span))
            for key in keys
            for span in spans
        ]

    def from_rows() -> list:
        ReachSummaryState.objects.update(built_at=None)
        try:
            return figures()
        finally:
            ReachSummaryState.objects.update(built_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    reach_summary_rebuild()
    assert reach_computations._year_cells(programme, records.p2026) is not None
    assert reach_computations._firsts(programme, spans[2]) is not None
    assert reach_computations._firsts(programme, spans[2], "first_nsb") is not None
    assert figures() == from_rows()
    # The crossing check, whether anything waits for the summary, the cells, the countries' groups.
    with django_assert_num_queries(5):
        reach_computations.participants_trained(programme, records.p2026)
    # A write the worker has not taken yet: the computation brings the summary up to date first.
    crossing = activity_build(
        actor=users["manager"],
        code="x",
        start_date=datetime.date(2025, 12, 20),
        end_date=datetime.date(2026, 1, 10),
        outputs=[records.output],
    )
    registration = register(crossing, users["manager"], given_name="Ana", family_name="Lima", sex="female")
    services.registration_complete(actor=users["manager"], registration=registration)
    assert reach_computations._year_cells(programme, records.p2026) is None
    assert reach_computations._year_cells(programme, records.p2025) is not None
    assert figures() == from_rows()
    # Fatou, and Ana (in the cells of 2025, the year her activity began), read after the summary took her.
    assert reach_computations.participants_trained_total(programme, records.p2025) == Part(D(2))
