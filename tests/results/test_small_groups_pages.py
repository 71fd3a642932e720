"""Issue 11 item 3, on the results side: the programme page, the indicator page and the progress API apply the
small-group rule (jalon/results/small_groups.py) to computed indicators that count people, as the tracking
table and the activity pages do. The programme's team sees every figure; an indicator that counts no people
is shown to all."""

import pytest
from django.urls import reverse

from jalon.results.models import Dimension, DimensionValue, Indicator
from tests.results.conftest import indicator_build
from tests.results.test_tracking_exports import _computed

READERS = (None, "viewer", "focal")


@pytest.fixture
def counted(demo):
    """P1: 3 people trained; P2: 12 trained, 9 women and 3 men; T1: 3 standards bodies reached."""
    sex = Dimension.objects.create(programme=demo.programme, kind=Dimension.Kind.SEX, code="sex", name={"en": "Sex"})
    women = DimensionValue.objects.create(dimension=sex, code="f", name={"en": "Women", "fr": "Femmes"})
    men = DimensionValue.objects.create(dimension=sex, code="m", name={"en": "Men", "fr": "Hommes"}, order=2)
    people = {"source": Indicator.Source.COMPUTED, "computation": "activities_participants_trained"}
    small = indicator_build(demo, "P1", milestones=(None, "10"), **people)
    _computed(demo, small, 3)
    large = indicator_build(demo, "P2", milestones=(None, "10"), **people)
    large.dimensions.add(sex)
    _computed(demo, large, 12)
    _computed(demo, large, 9, dimension_value=women)
    _computed(demo, large, 3, dimension_value=men)
    bodies = indicator_build(
        demo, "T1", milestones=(None, "10"), source=Indicator.Source.COMPUTED, computation="activities_nsbs_reached"
    )
    _computed(demo, bodies, 3)
    return demo


def _progress(client, code):
    rows = client.get("/api/v1/programmes/demo/progress/").json()
    return next(row for row in rows if row["indicator"] == code)


def test_the_progress_api_hides_small_counts_of_people_from_readers_outside_the_team(counted, client_as):
    for role in READERS:
        client = client_as(role)
        row = _progress(client, "P1")
        assert (row["actual"], row["overall_progress"], row["overall_hidden"]) == (None, None, True), role
        current = row["periods"][1]
        assert (current["actual"], current["progress"], current["hidden"]) == (None, None, True)
        assert (row["latest"]["actual"], row["latest"]["hidden"]) == (None, True)
        assert _progress(client, "P2")["actual"] == "12.0000" and not _progress(client, "P2")["overall_hidden"]
        assert _progress(client, "T1")["actual"] == "3.0000"

    team = _progress(client_as("manager"), "P1")
    assert (team["actual"], team["overall_hidden"], team["periods"][1]["hidden"]) == ("3.0000", False, False)


def test_the_programme_page_shows_not_shown_for_a_small_count(counted, client_as):
    url = reverse("results:programme_detail", kwargs={"code": "demo"})
    for role in READERS:
        page = client_as(role).get(url).content.decode()
        assert "non affiché" in page and "Les groupes de moins de 5 personnes" in page, role
    page = client_as("manager").get(url).content.decode()
    assert "non affiché" not in page


def test_the_indicator_page_hides_the_figure_its_breakdown_and_its_values(counted, client_as):
    small = counted.indicators["P1"]
    large = counted.indicators["P2"]
    small_url = reverse("results:indicator_detail", kwargs={"code": "demo", "pk": small.pk})
    large_url = reverse("results:indicator_detail", kwargs={"code": "demo", "pk": large.pk})
    for role in READERS:
        client = client_as(role)
        page = client.get(small_url).content.decode()
        assert "non affiché" in page and ">3<" not in page, role
        # 12 is shown, but not 3 men, nor 9 women (12 minus 9 gives the men away), in the breakdown or the values.
        page = client.get(large_url).content.decode()
        assert "12" in page and ">9<" not in page and ">3<" not in page
        # Two breakdown cells and the notice; the computed values themselves are listed for the team only.
        assert page.count("non affiché") == 3
    page = client_as("manager").get(large_url).content.decode()
    assert "non affiché" not in page and ">9" in page


def test_an_indicator_that_counts_no_people_is_shown_to_all(counted, client_as):
    url = reverse("results:indicator_detail", kwargs={"code": "demo", "pk": counted.indicators["T1"].pk})
    page = client_as(None).get(url).content.decode()
    assert "non affiché" not in page
    assert _progress(client_as(None), "T1")["periods"][1]["actual"] == "3.0000"


def test_a_report_hides_small_counts_of_people_whoever_runs_it(counted):
    """A report is handed on: its results section follows the rule as its reach section does."""
    import datetime

    from jalon.reporting.snapshot import snapshot_build

    snapshot = snapshot_build(programme=counted.programme, as_of=datetime.datetime.now(datetime.UTC))
    indicators = {item["code"]: item for result in snapshot["results"] for item in result["indicators"]}
    small = indicators["P1"]
    assert (small["actual"], small["overall_hidden"]) == (None, True)
    assert (small["cells"][1]["actual"], small["cells"][1]["hidden"]) == (None, True)
    assert (indicators["P2"]["actual"], indicators["P2"]["overall_hidden"]) == ("12", False)


def test_the_computed_values_of_people_counts_are_not_listed_outside_the_team(counted, client_as):
    """The measurements endpoint would give the small figures back: a people-counting indicator's computed
    values are listed for its programme team only; other computed values for everyone."""
    ids = {code: counted.indicators[code].pk for code in ("P1", "P2", "T1")}
    for role in READERS:
        listed = {row["indicator"] for row in client_as(role).get("/api/v1/measurements/").json()["results"]}
        assert ids["T1"] in listed and not listed & {ids["P1"], ids["P2"]}, role
    listed = {row["indicator"] for row in client_as("manager").get("/api/v1/measurements/").json()["results"]}
    assert {ids["P1"], ids["P2"], ids["T1"]} <= listed
