"""The programme dashboard and the portfolio: statuses by level and over the periods, what changed since
the period before, what waits for whom; role by role (a viewer of another programme sees nothing of it),
filters in the query string with bad ones explained, constant queries, French, and inside the weight
budget."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from jalon.accounts.models import User
from jalon.accounts.services import role_assign
from jalon.organisations.models import Organisation
from jalon.reporting.models import ReportSection, SectionStatus
from jalon.reporting.services import report_section_move, report_section_save
from jalon.results.models import Indicator, Measurement, Programme
from jalon.results.progress import STATUS_LABELS
from jalon.results.progress_cache import progress_changed
from jalon.results.services import frameworks_load, measurement_create
from tests.conftest import make_user
from tests.reporting.conftest import ILO, ISO
from tests.test_weight_budget import CACHED_PAGE_BUDGET, FIRST_VISIT_BUDGET, page_weight

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def boards(django_db_setup, django_db_blocker):
    """The seed frameworks with the ISO plan's demo history, a value submitted and a narrative section in
    review (ISO), built once for the module and rolled back at its end."""
    from jalon.results.demo import demo_history_build

    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        users = {user.username: user for user in User.objects.filter(username__in=["manager", "focal"])}
        nsb = Organisation.objects.get(acronym="ASN")
        demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
        iso = Programme.objects.get(code=ISO)
        indicator = Indicator.objects.filter(result__programme=iso, is_demo=True).order_by("code").first()
        period = iso.periods.order_by("start").last()
        measurement_create(
            actor=users["manager"], indicator=indicator, period=period, submit=True, value=3, organisation=nsb
        )
        result = iso.results.order_by("order").first()
        section = report_section_save(
            actor=users["manager"], result=result, period=period, language="en", texts={"achieved": "Done."}
        )
        report_section_move(actor=users["manager"], section=section, step="submit")
        yield
        transaction.set_rollback(True)


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"reporting:{name}", kwargs=kwargs)


def drawings(html: str) -> list[ET.Element]:
    return [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_a_manager_sees_statuses_by_level_and_period_changes_and_what_waits(boards, client, users):
    client.force_login(users["manager"])
    response = client.get(url("dashboard", code=ISO))
    assert response.status_code == 200
    html = response.content.decode()
    board = response.context["board"]
    iso = Programme.objects.get(code=ISO)
    indicators = Indicator.objects.filter(result__programme=iso).count()
    # Every indicator counted once by level, and once in each period started.
    assert board.summary.indicators == indicators
    assert sum(row.total for row in board.summary.by_level) == indicators
    assert board.summary.by_period and all(row.total == indicators for row in board.summary.by_period)
    titles = [drawing.find(f"{SVG}title").text for drawing in drawings(html)]
    assert titles == ["Indicators by level and status", "Indicators by period and status"]
    assert "Statuses by level" in html and "Progress over time" in html
    # The demo history moves statuses from one period to the next: the changes of the latest period.
    assert board.period == board.summary.period_codes[-1] and board.previous == board.summary.period_codes[-2]
    assert board.changes, "the demo history changes some status from one period to the next"
    for change in board.changes:
        assert change.before != change.after
        assert f'/indicators/{change.indicator_id}/">{change.code}</a>' in html
    # Setbacks first, then improvements, then the rest.
    order = [change.direction for change in board.changes]
    assert order == sorted(order, key=["worse", "better", "other"].index)
    # What waits: the value submitted, for the managers (a link to the approval queue), and the section in review.
    waiting = {item.key: item for item in board.waiting}
    assert (
        waiting[Measurement.Status.SUBMITTED].count
        == Measurement.objects.filter(indicator__result__programme=iso, status=Measurement.Status.SUBMITTED).count()
    )
    assert waiting["section-" + SectionStatus.IN_REVIEW].count == 1
    assert "Values submitted, awaiting approval" in html and "Narrative sections awaiting review" in html
    with translation.override("en"):
        assert reverse("results:approval_queue") in html


def test_the_dashboard_speaks_french(boards, client, users):
    client.force_login(users["manager"])
    html = client.get(url("dashboard", "fr", code=ISO)).content.decode()
    assert '<html lang="fr">' in html
    assert "Statuts par niveau" in html and "Ce qui attend qui" in html
    assert "Valeurs soumises, en attente d’approbation" in html


def test_the_period_is_a_filter_in_the_query_string_and_a_bad_one_is_explained(boards, client, users):
    client.force_login(users["manager"])
    first = client.get(url("dashboard", code=ISO)).context["board"].summary.period_codes
    response = client.get(url("dashboard", code=ISO) + f"?period={first[1]}")
    assert response.context["board"].period == first[1] and response.context["board"].previous == first[0]
    opening = client.get(url("dashboard", code=ISO) + f"?period={first[0]}").content.decode()
    assert "first period: there is no period before it to compare with" in opening
    bad = client.get(url("dashboard", code=ISO) + "?period=%3Cjunk%3E")
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()
    assert bad.context["board"].period == first[-1]  # the latest, as without the filter


def test_role_by_role_only_the_programme_s_managers_viewers_and_administrators_see_its_dashboard(boards, client, users):
    dashboard = url("dashboard", code=ISO)
    assert client.get(dashboard).status_code == 302  # signed out: to the login page
    assert client.get(url("portfolio")).status_code == 302
    for name, status in (("admin", 200), ("manager", 200), ("viewer", 200), ("focal", 404), ("plain", 404)):
        client.force_login(users[name])
        assert client.get(dashboard).status_code == status, name
    outsider = make_user("ilo-only-viewer")
    role_assign(actor=None, user=outsider, role="viewer", programme=Programme.objects.get(code=ILO))
    client.force_login(outsider)
    assert client.get(dashboard).status_code == 404
    assert client.get(url("dashboard", code=ILO)).status_code == 200
    portfolio = client.get(url("portfolio"))
    assert [row.programme.code for row in portfolio.context["rows"]] == [ILO]
    assert ISO not in portfolio.content.decode()
    client.force_login(users["plain"])
    assert "No programme whose dashboard you may read." in client.get(url("portfolio")).content.decode()


def test_the_portfolio_filters_by_owner_and_status_and_links_each_dashboard(boards, client, users):
    client.force_login(users["admin"])
    response = client.get(url("portfolio"))
    codes = [row.programme.code for row in response.context["rows"]]
    assert ISO in codes and ILO in codes
    html = response.content.decode()
    assert url("dashboard", code=ISO) in html
    assert drawings(html)[0].find(f"{SVG}title").text == "Indicators of each programme by status"
    iso = Programme.objects.get(code=ISO)
    owned = client.get(url("portfolio") + f"?owner={iso.owner_id}").context["rows"]
    assert {row.programme.owner_id for row in owned} == {iso.owner_id}
    off = client.get(url("portfolio") + "?status=off_track").context["rows"]
    assert off and all(row.summary.overall.get("off_track") for row in off)
    bad = client.get(url("portfolio") + "?status=%3Cnope%3E&owner=0")
    assert bad.status_code == 200 and "Select a valid choice." in bad.content.decode()
    assert len(bad.context["rows"]) == len(codes)
    # A status no programme has: the empty state, not an empty chart.
    absent = [
        status
        for status in STATUS_LABELS
        if not any(row.summary.overall.get(status) for row in response.context["rows"])
    ]
    assert absent
    none = client.get(url("portfolio") + f"?status={absent[0]}").content.decode()
    assert "No programme matches these filters." in none and "<svg" not in none.split("<main", 1)[-1]


def test_the_dashboards_cost_the_same_queries_whatever_the_programmes(boards, client, users, django_assert_num_queries):
    reader = make_user("two-programme-viewer")
    role_assign(actor=None, user=reader, role="viewer", programme=Programme.objects.get(code=ILO))
    client.force_login(reader)
    client.get(url("portfolio"))  # the summaries cached
    client.get(url("dashboard", code=ILO))
    # Session, user, grants; the programmes; the values and the sections waiting, grouped by programme.
    with django_assert_num_queries(6):
        client.get(url("portfolio"))
    role_assign(actor=None, user=reader, role="viewer", programme=Programme.objects.get(code=ISO))
    client.get(url("portfolio"))
    with django_assert_num_queries(6):
        assert len(client.get(url("portfolio")).context["rows"]) == 2
    # The programme (and its access), then the same waiting queries for it alone.
    with django_assert_num_queries(6):
        client.get(url("dashboard", code=ISO))
    # A programme whose progress changed costs the results engine's queries once (the programme page's), for
    # it alone: the other programme's summary still comes from the cache.
    progress_changed(Programme.objects.get(code=ISO))
    with django_assert_num_queries(6 + 8):
        client.get(url("portfolio"))
    with django_assert_num_queries(6):
        client.get(url("portfolio"))


def test_the_dashboards_fit_the_weight_budget(boards, client, users):
    client.force_login(users["manager"])
    for language in ("fr", "en"):
        for page in (url("dashboard", language, code=ISO), url("portfolio", language)):
            weight = page_weight(client, page)
            print(f"\n{page}: HTML {weight['html']} B, in all {weight['total']} B compressed")
            assert weight["html"] <= CACHED_PAGE_BUDGET, weight
            assert weight["total"] <= FIRST_VISIT_BUDGET, weight


def test_the_navigation_links_to_the_portfolio_for_readers_only(boards, client, users):
    client.force_login(users["viewer"])
    home = url("portfolio").replace("portfolio/", "").replace("reports/", "")
    assert url("portfolio") in client.get(home).content.decode()
    client.force_login(users["plain"])
    assert url("portfolio") not in client.get(home).content.decode()


def test_a_programme_without_sections_or_values_waiting_says_so(boards, client, users):
    client.force_login(users["manager"])
    ReportSection.objects.all().delete()
    Measurement.objects.exclude(status=Measurement.Status.APPROVED).delete()
    html = client.get(url("dashboard", code=ILO)).content.decode()
    assert "Nothing is waiting" in html


def test_a_change_between_ranked_statuses_is_better_or_worse_and_any_other_is_neither():
    from jalon.reporting.dashboards import Change

    def direction(before, after):
        return Change("X", "x", 1, before, after).direction

    assert direction("off_track", "on_track") == "better" and direction("at_risk", "on_track") == "better"
    assert direction("on_track", "at_risk") == "worse" and direction("at_risk", "off_track") == "worse"
    assert direction("no_data", "on_track") == "other" and direction("on_track", "not_started") == "other"
