"""Satisfaction rates of a survey per unit (country programme or framework) and constituent group.

rate = answers in the scale's top two boxes / valid answers (a "don't know" is not a valid answer), over the
questions that count for satisfaction; with its Wilson score interval (95 %). A group with fewer valid
answers than the survey's minimum shows "insufficient data". A unit is satisfied only if every constituent
group the population has (government, employers and workers for a country programme) reaches the threshold:
one group cannot be outvoted by the others; a unit with a group short of data is undetermined, not counted."""

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jalon.assessments.models import SCALE_POINTS, ConstituentGroup, Scale, Survey, SurveyAnswer

Z95 = 1.959963984540054
PLACES = Decimal("0.001")
SATISFIED, NOT_SATISFIED, INSUFFICIENT = "satisfied", "not_satisfied", "insufficient"


def wilson(k: int, n: int, z: float = Z95) -> tuple[Decimal, Decimal]:
    """The Wilson score interval of a proportion k / n."""
    if n == 0:
        return Decimal(0), Decimal(1)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    return Decimal(str(low)).quantize(PLACES, ROUND_HALF_UP), Decimal(str(high)).quantize(PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class GroupResult:
    group: str
    n: int
    # None below the survey's minimum of answers, like the rate: with n, it would give the rate back (one
    # answer in a group: that person's answer).
    satisfied: int | None
    rate: Decimal | None
    low: Decimal | None
    high: Decimal | None
    status: str

    @property
    def label(self) -> str:
        return str(ConstituentGroup(self.group).label) if self.group in ConstituentGroup.values else self.group


@dataclass(frozen=True)
class UnitResult:
    code: str
    name: str
    groups: list[GroupResult]
    status: str

    @property
    def satisfied(self) -> bool:
        return self.status == SATISFIED


def _group(survey: Survey, group: str, n: int, k: int) -> GroupResult:
    if n < max(survey.minimum_n, 1):
        return GroupResult(group, n, None, None, None, None, INSUFFICIENT)
    rate = (Decimal(k) / Decimal(n)).quantize(PLACES, ROUND_HALF_UP)
    low, high = wilson(k, n)
    return GroupResult(group, n, k, rate, low, high, SATISFIED if rate >= survey.threshold else NOT_SATISFIED)


def survey_results(survey: Survey) -> list[UnitResult]:
    top = {scale: {points[-1][0], points[-2][0]} for scale, points in SCALE_POINTS.items()}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    names: dict[str, str] = {}
    rows = SurveyAnswer.objects.filter(
        response__survey=survey, question__counts=True, dont_know=False, value__isnull=False
    ).values_list("response__unit_code", "response__unit_name", "response__group", "value", "question__scale")
    for unit, name, group, value, scale in rows:
        counts[(unit, group)][0] += 1
        counts[(unit, group)][1] += value in top[Scale(scale)]
        names.setdefault(unit, name)
    required = survey.groups()
    results = []
    for unit in sorted({unit for unit, _group in counts}):
        groups = [_group(survey, group, *counts.get((unit, group), [0, 0])) for group in required]
        statuses = {g.status for g in groups}
        status = INSUFFICIENT if INSUFFICIENT in statuses else NOT_SATISFIED if NOT_SATISFIED in statuses else SATISFIED
        results.append(UnitResult(unit, names.get(unit, "") or unit, groups, status))
    return results
