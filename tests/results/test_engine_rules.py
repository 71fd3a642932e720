"""The results engine by its peers' rules (issue 12, section 1; DESIGN.md section 3), with the issue's numbers:
several reports in one period, bare percentages, the two figures, the "cannot be combined" status, the
programme's choices and disaggregations that do not add up."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jalon.results import services
from jalon.results.models import Measure, Measurement, Programme
from jalon.results.progress import Status
from jalon.results.selectors import indicator_breakdown, programme_progress
from tests.results.conftest import indicator_build

pytestmark = pytest.mark.django_db


def approved(demo, users, organisation, value=None, *, indicator, period=None, collected_on=None, **fields):
    """A value reported for `organisation` (the manager reports for any) and approved."""
    if value is not None:
        fields["value"] = D(value)
    measurement = services.measurement_create(
        actor=users["manager"],
        indicator=indicator,
        period=period or demo.current,
        organisation=organisation,
        submit=True,
        collected_on=collected_on,
        **fields,
    )
    return services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)


def figures(demo, indicator):
    return programme_progress(programme=demo.programme).indicators[indicator.pk]


def current_cell(demo, indicator):
    return figures(demo, indicator).cells[1]


def choose(demo, **choices) -> None:
    """Set the programme's choices of how progress is measured."""
    Programme.objects.filter(pk=demo.programme.pk).update(**choices)
    demo.programme.refresh_from_db()


def day(demo, n: int) -> datetime.date:
    return demo.current.start + datetime.timedelta(days=n)


# Several reports in one period -----------------------------------------------------------------------------


@pytest.fixture
def level(demo):
    """A level indicator ("latest" mode) with a milestone of 20 this period and no baseline: 15 is at risk
    (75 %), 50 on track."""
    return indicator_build(demo, "L1", milestones=(None, "20"), cumulation="latest")


def test_in_latest_mode_the_latest_report_of_an_organisation_counts_not_their_sum(demo, users, nsb, level):
    approved(demo, users, nsb, "35", indicator=level, collected_on=day(demo, 10))
    approved(demo, users, nsb, "15", indicator=level, collected_on=day(demo, 20))
    cell = current_cell(demo, level)
    assert (cell.actual, cell.status) == (D(15), Status.AT_RISK)  # 50 and "on track" before


def test_latest_is_by_collection_date_not_by_order_of_entry(demo, users, nsb, level):
    approved(demo, users, nsb, "15", indicator=level, collected_on=day(demo, 20))
    approved(demo, users, nsb, "35", indicator=level, collected_on=day(demo, 10))  # entered later, collected earlier
    assert current_cell(demo, level).actual == D(15)


def test_a_value_without_collection_date_is_collected_at_the_end_of_its_period(demo, users, nsb, level):
    measurement = approved(demo, users, nsb, "15", indicator=level)
    assert measurement.collected_on == demo.current.end
    approved(demo, users, nsb, "35", indicator=level, collected_on=day(demo, 10))
    assert current_cell(demo, level).actual == D(15)


def test_the_latest_of_each_organisation_is_summed_across_organisations(demo, users, nsb, other_nsb, level):
    approved(demo, users, nsb, "35", indicator=level, collected_on=day(demo, 10))
    approved(demo, users, nsb, "15", indicator=level, collected_on=day(demo, 20))
    approved(demo, users, other_nsb, "5", indicator=level, collected_on=day(demo, 5))
    assert current_cell(demo, level).actual == D(20)


def test_an_organisation_that_did_not_report_in_a_period_is_not_carried_forward(demo, users, nsb, other_nsb, level):
    """The documented decision (progress.py): a period's figure is what was reported in it."""
    approved(demo, users, nsb, "10", indicator=level, period=demo.past)
    approved(demo, users, other_nsb, "7", indicator=level, period=demo.past)
    approved(demo, users, nsb, "12", indicator=level)
    assert [cell.actual for cell in figures(demo, level).cells] == [D(17), D(12), None]


def test_summing_modes_add_the_reports_of_a_period(demo, users, nsb):
    flow = indicator_build(demo, "F1", milestones=(None, "40"), cumulation="non_cumulative")
    approved(demo, users, nsb, "35", indicator=flow, collected_on=day(demo, 10))
    approved(demo, users, nsb, "15", indicator=flow, collected_on=day(demo, 20))
    assert current_cell(demo, flow).actual == D(50)


def test_latest_within_each_disaggregation_value(demo, users, nsb, level):
    from jalon.results.models import Dimension, DimensionValue

    sex = Dimension.objects.create(programme=demo.programme, kind="sex", code="sex", name={"en": "Sex"})
    women = DimensionValue.objects.create(dimension=sex, code="f", name={"en": "Women"})
    men = DimensionValue.objects.create(dimension=sex, code="m", name={"en": "Men"})
    level.dimensions.add(sex)
    approved(demo, users, nsb, "9", indicator=level, dimension_value=women, collected_on=day(demo, 1))
    approved(demo, users, nsb, "8", indicator=level, dimension_value=women, collected_on=day(demo, 2))
    approved(demo, users, nsb, "4", indicator=level, dimension_value=men, collected_on=day(demo, 1))
    assert current_cell(demo, level).actual == D(12)  # only disaggregated: the breakdown gives the figure
    (table,) = indicator_breakdown(indicator=level, periods=demo.periods)
    assert [line["actuals"][1] for line in table["lines"]] == [D(8), D(4)]


# Percentages -----------------------------------------------------------------------------------------------


@pytest.fixture
def share(demo):
    return indicator_build(demo, "P1", milestones=(None, "60"), measure=Measure.PERCENTAGE, cumulation="latest")


def test_in_latest_mode_the_latest_bare_percentage_counts(demo, users, nsb, share):
    approved(demo, users, nsb, "40", indicator=share, collected_on=day(demo, 1))
    approved(demo, users, nsb, "55", indicator=share, collected_on=day(demo, 2))
    assert current_cell(demo, share).actual == D(55)


def test_bare_percentages_that_cannot_be_combined_are_labelled_so_not_no_target(demo, users, nsb, other_nsb):
    pooled = indicator_build(demo, "P2", milestones=(None, "60"), measure=Measure.PERCENTAGE)
    approved(demo, users, nsb, "40", indicator=pooled)
    approved(demo, users, other_nsb, "55", indicator=pooled)
    cell = current_cell(demo, pooled)
    assert (cell.actual, cell.status) == (None, Status.NOT_COMBINABLE)
    with translation.override("en"):
        assert (
            "cannot be combined" in programme_progress(programme=demo.programme).indicators[pooled.pk].cells[1].warning
        )


def test_a_bare_percentage_beside_numerators_and_denominators_is_refused(demo, users, nsb, other_nsb, share):
    approved(demo, users, nsb, indicator=share, numerator=D(84), denominator=D(120))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        approved(demo, users, other_nsb, "90", indicator=share)
    assert "numerator and denominator" in refused.value.message_dict["denominator"][0]


def test_a_bare_percentage_left_out_of_a_figure_is_said_on_the_page(demo, users, nsb, other_nsb, client_as):
    """Values approved before the mix was refused: the figure is rebuilt from the numerators and
    denominators, and the page says that the bare one is not counted (never dropped silently)."""
    pooled = indicator_build(demo, "P3", milestones=(None, "60"), measure=Measure.PERCENTAGE)
    approved(demo, users, nsb, indicator=pooled, numerator=D(84), denominator=D(120))
    Measurement.objects.create(
        indicator=pooled, period=demo.current, organisation=other_nsb, value=D(90), status="approved"
    )
    cell = current_cell(demo, pooled)
    assert cell.actual == D(70)
    page = client_as("manager").get(f"/en/programmes/{demo.programme.code}/indicators/{pooled.pk}/")
    assert "1 percentage reported without numerator and denominator is not counted" in page.content.decode()


def test_a_percentage_that_disagrees_with_its_numerator_and_denominator_is_refused(demo, users, nsb, share):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        approved(demo, users, nsb, "71", indicator=share, numerator=D(84), denominator=D(120))
    assert refused.value.message_dict["value"] == [
        "71 % disagrees with 84 / 120 = 70 %: correct the value, or leave it empty to have it computed."
    ]
    agreeing = approved(demo, users, nsb, "70", indicator=share, numerator=D(84), denominator=D(120))
    assert agreeing.value == D(70)


# Two figures, never mixed ----------------------------------------------------------------------------------


@pytest.fixture
def trained(demo):
    """Target 250 over the programme; milestones 180 last period, 20 this one; non-cumulative (flows)."""
    return indicator_build(
        demo, "T1", milestones=("180", "20"), baseline_value=D(0), target_value=D(250), cumulation="non_cumulative"
    )


def test_the_latest_period_and_the_whole_programme_are_two_figures(demo, users, nsb, trained, client_as):
    approved(demo, users, nsb, "180", indicator=trained, period=demo.past)
    approved(demo, users, nsb, "60", indicator=trained)
    item = figures(demo, trained)
    assert (item.latest.actual, item.latest.target, item.latest.progress) == (D(60), D(20), D(3))
    assert (item.actual, item.target, item.overall_progress) == (D(240), D(250), D("0.96"))
    assert item.overall_status == Status.ON_TRACK

    row = next(
        r
        for r in client_as(None).get(f"/api/v1/programmes/{demo.programme.code}/progress/").json()
        if r["indicator"] == "T1"
    )
    assert (row["target"], row["actual"], row["overall_progress"]) == ("250.0000", "240.0000", "0.9600")
    assert (row["latest"]["period"], row["latest"]["milestone"], row["latest"]["progress"]) == (
        "current",
        "20.0000",
        "3.0000",
    )
    assert row["headline"] == "latest"

    with translation.override("en"):
        csv = client_as(None).get(f"/en/programmes/{demo.programme.code}/tracking.csv").content.decode("utf-8-sig")
    header, line = csv.splitlines()[0].split(","), next(x for x in csv.splitlines() if ",T1," in x).split(",")
    by_name = dict(zip(header, line, strict=False))
    assert by_name["Overall target"] == "250"
    assert by_name["Progress against the overall target (%)"] == "96"
    assert by_name["Progress against the milestone (%)"] == "300"

    page = client_as(None).get(f"/en/programmes/{demo.programme.code}/").content.decode()
    assert "Progress against the overall target" in page and "Progress against the milestone" in page


def test_the_overall_target_can_be_derived_from_the_milestones(demo, users, nsb, trained):
    choose(demo, overall_target=Programme.OverallTarget.DERIVED)
    approved(demo, users, nsb, "180", indicator=trained, period=demo.past)
    item = figures(demo, trained)
    assert (item.target, item.target_derived) == (D(200), True)  # 180 + 20: non-cumulative milestones add up
    level = indicator_build(demo, "L2", milestones=("5", "8"), cumulation="latest")
    assert figures(demo, level).target == D(8)  # a level's last milestone


def test_progress_as_a_share_of_the_target_is_a_programme_choice(demo, users, nsb):
    indicator = indicator_build(demo, "S1", milestones=(None, "30"), baseline_value=D(10))
    approved(demo, users, nsb, "15", indicator=indicator)
    assert current_cell(demo, indicator).progress == D("0.25")  # OECD: (15 - 10) / (30 - 10)
    choose(demo, progress_method=Programme.ProgressMethod.SHARE_OF_TARGET)
    assert current_cell(demo, indicator).progress == D("0.5")  # 15 / 30


def test_a_falling_indicator_without_baseline_is_scored_by_the_programme_choice(demo, users, nsb):
    falling = indicator_build(demo, "R1", milestones=(None, "10"), direction="descending")
    approved(demo, users, nsb, "10.5", indicator=falling)
    assert current_cell(demo, falling).progress == D(0)  # reached or not: not reached
    choose(demo, descending_scoring=Programme.DescendingScoring.TOLERANCE, descending_tolerance=D(10))
    assert current_cell(demo, falling).progress == D(1)  # within 10 % above the target
    choose(demo, descending_tolerance=D(2))
    assert current_cell(demo, falling).progress == D(10) / D("10.5")


def test_the_choices_are_shown_where_the_figures_are(demo, client_as):
    for url in (f"/en/programmes/{demo.programme.code}/", f"/en/programmes/{demo.programme.code}/tracking/"):
        html = client_as(None).get(url).content.decode()
        assert "How progress is measured:" in html
        assert "Share of the way from the baseline to the target (OECD)" in html


# Disaggregations -------------------------------------------------------------------------------------------


def test_disaggregations_that_do_not_add_up_to_the_total_are_warned_about(demo, users, nsb, client_as):
    from jalon.results.models import Dimension, DimensionValue

    flow = indicator_build(demo, "F2", milestones=(None, "40"))
    sex = Dimension.objects.create(programme=demo.programme, kind="sex", code="sex", name={"en": "Sex"})
    women = DimensionValue.objects.create(dimension=sex, code="f", name={"en": "Women"})
    men = DimensionValue.objects.create(dimension=sex, code="m", name={"en": "Men"})
    flow.dimensions.add(sex)
    approved(demo, users, nsb, "35", indicator=flow)
    approved(demo, users, nsb, "20", indicator=flow, dimension_value=women)
    approved(demo, users, nsb, "10", indicator=flow, dimension_value=men)
    assert current_cell(demo, flow).actual == D(35)  # a warning, not a refusal: the total stands
    html = client_as(None).get(f"/en/programmes/{demo.programme.code}/indicators/{flow.pk}/").content.decode()
    assert "the values by Sex add up to 30, but the total reported is 35." in html


# Validation ------------------------------------------------------------------------------------------------


def test_a_negative_count_is_refused_unless_the_indicator_takes_corrections(demo, users, nsb):
    flow = indicator_build(demo, "F3")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        approved(demo, users, nsb, "-3", indicator=flow)
    assert refused.value.message_dict["value"] == [
        "A count cannot be negative (this indicator does not take corrections)."
    ]
    flow.allows_corrections = True
    flow.save()
    assert approved(demo, users, nsb, "-3", indicator=flow).value == D(-3)


def test_periods_that_overlap_or_fall_outside_the_programme_are_refused(demo, users):
    programme = demo.programme
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.period_save(
            actor=users["manager"],
            programme=programme,
            code="x",
            name={},
            start=demo.current.end,
            end=demo.future.start,
        )
    assert "overlaps the period current" in refused.value.message_dict["start"][0]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.period_save(
            actor=users["manager"],
            programme=programme,
            code="y",
            name={},
            start=programme.end_date + datetime.timedelta(days=1),
            end=programme.end_date + datetime.timedelta(days=30),
        )
    assert "falls within the programme's dates" in refused.value.message_dict["start"][0]
