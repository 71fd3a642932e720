"""Pages and endpoints over a programme cost a constant number of queries, whatever its size: a programme of
3 indicators x 3 periods and one of 30 indicators x 6 periods, both with reported values, cost the same."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jalon.results.models import (
    Dimension,
    DimensionValue,
    Indicator,
    Level,
    Measure,
    Measurement,
    Milestone,
    Period,
    Programme,
    Result,
)
from jalon.results.progress_cache import progress_changed


def programme_of_size(code: str, *, owner, results: int, per_result: int, periods: int, reporters) -> Programme:
    """`results` x `per_result` indicators over `periods` yearly periods ending next year; every indicator
    has a milestone and an approved value per period, and the first one a breakdown by sex and values
    waiting for approval, from each reporter (user, organisation)."""
    today = timezone.localdate()
    programme = Programme.objects.create(
        code=code,
        owner=owner,
        title={"fr": code, "en": code},
        start_date=today - datetime.timedelta(days=365 * periods),
        end_date=today + datetime.timedelta(days=365),
    )
    spans = Period.objects.bulk_create(
        [
            Period(
                programme=programme,
                code=str(year),
                name={"fr": str(year), "en": str(year)},
                start=datetime.date(year, 1, 1),
                end=datetime.date(year, 12, 31),
            )
            for year in range(today.year - periods + 2, today.year + 2)
        ]
    )
    outcome = Level.objects.create(
        programme=programme, key="outcome", name={"fr": "Résultat", "en": "Outcome"}, iati_result_type=2
    )
    output = Level.objects.create(
        programme=programme, key="output", name={"fr": "Réalisation", "en": "Output"}, iati_result_type=1, order=1
    )
    root = Result.objects.create(programme=programme, level=outcome, code="R", title={"fr": "Racine", "en": "Root"})
    nodes = Result.objects.bulk_create(
        [
            Result(
                programme=programme,
                level=output,
                parent=root,
                code=f"R{n}",
                title={"fr": f"R{n}", "en": f"R{n}"},
                order=n,
            )
            for n in range(1, results + 1)
        ]
    )
    measures = (Measure.COUNT, Measure.PERCENTAGE, Measure.COUNT)
    cumulations = ("non_cumulative", "cumulative", "latest")
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                result=node,
                code=f"{node.code}.{k}",
                title={"fr": f"{node.code}.{k}", "en": f"{node.code}.{k}"},
                measure=measures[k % 3],
                cumulation=cumulations[k % 3],
                baseline_value=D(k),
                target_value=D(100),
                order=k,
            )
            for node in nodes
            for k in range(per_result)
        ]
    )
    sex = Dimension.objects.create(programme=programme, kind="sex", code="sex", name={"fr": "Sexe", "en": "Sex"})
    women, men = DimensionValue.objects.bulk_create(
        [
            DimensionValue(dimension=sex, code="f", name={"fr": "Femmes", "en": "Women"}, order=1),
            DimensionValue(dimension=sex, code="m", name={"fr": "Hommes", "en": "Men"}, order=2),
        ]
    )
    first = indicators[0]
    first.dimensions.add(sex)
    Milestone.objects.bulk_create(
        [
            Milestone(indicator=indicator, period=span, value=D(10 * (n + 1)), note={"fr": "Étape", "en": "Step"})
            for indicator in indicators
            for n, span in enumerate(spans)
        ]
    )
    now = timezone.now()
    measurements = []
    for indicator in indicators:
        for n, span in enumerate(spans[:-1]):
            user, organisation = reporters[n % len(reporters)]
            numbers = {"numerator": D(n + 1), "denominator": D(4)} if indicator.measure == Measure.PERCENTAGE else {}
            measurements.append(
                Measurement(
                    indicator=indicator,
                    period=span,
                    organisation=organisation,
                    value=D(5 + n),
                    status="approved",
                    author=user,
                    reviewer=reporters[0][0],
                    submitted_at=now,
                    reviewed_at=now,
                    evidence_url="https://example.org/evidence",
                    **numbers,
                )
            )
    for n, span in enumerate(spans[:-1]):
        for user, organisation in reporters:
            measurements += [
                Measurement(
                    indicator=first,
                    period=span,
                    organisation=organisation,
                    value=D(2),
                    status="approved",
                    dimension_value=women,
                    author=user,
                    submitted_at=now,
                ),
                Measurement(
                    indicator=first,
                    period=span,
                    organisation=organisation,
                    value=D(3),
                    status="approved",
                    dimension_value=men,
                    author=user,
                    submitted_at=now,
                ),
                Measurement(
                    indicator=first,
                    period=span,
                    organisation=organisation,
                    value=D(9),
                    status="submitted",
                    author=user,
                    submitted_at=now,
                    comment=f"En attente {n}",
                ),
            ]
    Measurement.objects.bulk_create(measurements)
    return programme


@pytest.fixture
def programmes(db, sdo, users, nsb, other_nsb):
    reporters = [(users["focal"], nsb), (users["contributor"], nsb), (users["manager"], other_nsb)]
    small = programme_of_size("small", owner=sdo, results=3, per_result=1, periods=3, reporters=reporters[:1])
    large = programme_of_size("large", owner=sdo, results=10, per_result=3, periods=6, reporters=reporters)
    assert (
        Indicator.objects.filter(result__programme=small).count(),
        Indicator.objects.filter(result__programme=large).count(),
    ) == (3, 30)
    assert (
        Measurement.objects.filter(indicator__result__programme=small).count(),
        Measurement.objects.filter(indicator__result__programme=large).count(),
    ) == (3 * 2 + 2 * 3, 30 * 5 + 5 * 9)
    return small, large


def first_indicator(programme) -> Indicator:
    return Indicator.objects.filter(result__programme=programme).order_by("result__order", "order").first()


URLS = {
    "programme page": lambda p: f"/fr/programmes/{p.code}/",
    "indicator page": lambda p: f"/fr/programmes/{p.code}/indicators/{first_indicator(p).pk}/",
    "progress endpoint": lambda p: f"/api/v1/programmes/{p.code}/progress/",
    "tracking table": lambda p: f"/fr/programmes/{p.code}/tracking/",
    "tracking CSV": lambda p: f"/fr/programmes/{p.code}/tracking.csv",
}

# Queries of one request, (cache miss, cache hit), whatever the programme's size: a miss is the first
# request after a write (progress_cache), a hit any later one. The indicator page is not cached.
# Anonymous visitors; signed-in users add their session and user (2) and their roles (1).
# The progress costs two queries more than the sums: the rows of the "latest" indicators (the latest report
# of each organisation counts) and the values computed over whole spans (distinct counts).
QUERIES = {
    "programme page": (10, 1),  # hit: the programme
    "indicator page": (18, 18),  # with its narratives and its targets by disaggregation (one query each)
    "progress endpoint": (9, 1),  # hit: the programme
    # hit: the programme and its levels (the filter form's choices); miss: narratives, and the targets by
    # disaggregation value (one query: shown per period, and a filtered value's own target is compared with)
    "tracking table": (13, 2),
    "tracking CSV": (12, 2),
}
SIGNED_IN = 3


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", list(URLS))
@pytest.mark.parametrize("role", [None, "focal", "manager"])
@pytest.mark.parametrize("recomputing", [False, True], ids=["", "recomputing"])
def test_a_programme_costs_the_same_queries_whatever_its_size(programmes, client_as, page, role, recomputing):
    """And the same while its computed indicators are being recomputed: the pages say so from the programme
    they read anyway."""
    small, large = programmes
    if recomputing:
        Programme.objects.update(computed_pending_since=timezone.now())
        Indicator.objects.filter(pk__in=[first_indicator(small).pk, first_indicator(large).pk]).update(
            source=Indicator.Source.COMPUTED, computation="developing_members_by_region"
        )
    client = client_as(role)
    assert client.get(URLS[page](small)).status_code == 200  # warm up: sessions, content types, templates
    progress_changed(small, large)
    counts = {
        programme.code: (queries_of(client, URLS[page](programme)), queries_of(client, URLS[page](programme)))
        for programme in (small, large)
    }
    miss, hit = QUERIES[page]
    extra = SIGNED_IN if role else 0
    assert counts == {"small": (miss + extra, hit + extra), "large": (miss + extra, hit + extra)}
    if page in ("programme page", "indicator page", "tracking table"):
        said = "en cours de recalcul" in client.get(URLS[page](large)).content.decode().lower()
        assert said == recomputing


def test_the_large_programme_is_really_reported_on(programmes, client_as):
    _small, large = programmes
    rows = client_as("manager").get(URLS["progress endpoint"](large)).json()
    assert len(rows) == 30
    assert [cell["actual"] for cell in rows[0]["periods"]] == ["5.0000", "6.0000", "7.0000", "8.0000", "9.0000", None]
    page = client_as("manager").get(URLS["indicator page"](large))
    assert len(page.context["history"]) == 5 + 5 * 9
    assert [line["actuals"] for line in page.context["breakdown"][0]["lines"]] == [
        [D(6), D(6), D(6), D(6), D(6), None],
        [D(9), D(9), D(9), D(9), D(9), None],
    ]
