"""Scores of an assessment, computed from its answers (never stored).

- A question *applies* to the organisation (its kind is in `applies_to`, or the list is empty) and is not
  answered "not applicable"; N/A answers leave both numerator and denominator.
- section score = sum(weight x value) / sum(weight) over its applicable answered questions;
  coverage = answered / applicable. A section whose coverage is under the framework's threshold (80 %) is
  "incomplete": it shows its partial score but is not ranked and does not enter the overall score.
- overall = the weighted mean of the complete sections' scores, each weighted by the sum of its answered
  questions' weights (the same as pooling their answers); overall coverage = answered / applicable over the
  whole bank, and the overall score is incomplete under the threshold too.
- band: the highest band whose lower bound the score reaches (thresholds are the framework's)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jalon.assessments.models import Answer, Assessment, Framework, Question, Section

ZERO = Decimal("0")
PLACES = Decimal("0.001")


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass
class SectionScore:
    section: Section
    applicable: int = 0
    answered: int = 0
    weight: Decimal = ZERO
    weighted: Decimal = ZERO
    complete: bool = False
    score: Decimal | None = None
    coverage: Decimal = ZERO
    band: dict | None = None

    @property
    def code(self) -> str:
        return self.section.code

    @property
    def ranked(self) -> bool:
        return self.complete and self.score is not None


@dataclass
class Scores:
    sections: list[SectionScore] = field(default_factory=list)
    applicable: int = 0
    answered: int = 0
    coverage: Decimal = ZERO
    score: Decimal | None = None
    complete: bool = False
    band: dict | None = None

    def by_code(self) -> dict[str, SectionScore]:
        return {row.code: row for row in self.sections}


def band_for(framework: Framework, score: Decimal | None) -> dict | None:
    if score is None:
        return None
    found = None
    for band in sorted(framework.bands, key=lambda b: Decimal(str(b["min"]))):
        if score >= Decimal(str(band["min"])):
            found = band
    return found


def compute(assessment: Assessment, *, sections=None, answers=None) -> Scores:
    """The scores of one assessment. `sections` (with their questions prefetched) and `answers` (with their
    options) may be passed in by a caller that scores many assessments with a constant number of queries."""
    framework = assessment.framework
    if sections is None:
        sections = list(framework.sections.prefetch_related("questions").order_by("order", "pk"))
    if answers is None:
        answers = list(Answer.objects.filter(assessment=assessment).select_related("option"))
    by_question = {answer.question_id: answer for answer in answers}
    organisation = assessment.organisation
    threshold = framework.coverage_threshold
    result = Scores()
    pooled_weight, pooled = ZERO, ZERO
    for section in sections:
        row = SectionScore(section=section)
        questions: list[Question] = list(section.questions.all())
        for question in questions:
            if not question.applies(organisation):
                continue
            answer = by_question.get(question.pk)
            if answer is not None and answer.not_applicable:
                continue
            row.applicable += 1
            if answer is not None and answer.option_id is not None:
                row.answered += 1
                row.weight += question.weight
                row.weighted += question.weight * answer.option.value
        if row.applicable:
            row.coverage = _round(Decimal(row.answered) / Decimal(row.applicable))
            row.complete = Decimal(row.answered) / Decimal(row.applicable) >= threshold
        if row.weight:
            row.score = _round(row.weighted / row.weight)
            row.band = band_for(framework, row.score) if row.complete else None
        if row.complete and row.weight:
            pooled_weight += row.weight
            pooled += row.weighted
        result.applicable += row.applicable
        result.answered += row.answered
        result.sections.append(row)
    if result.applicable:
        result.coverage = _round(Decimal(result.answered) / Decimal(result.applicable))
        result.complete = Decimal(result.answered) / Decimal(result.applicable) >= threshold
    if pooled_weight:
        result.score = _round(pooled / pooled_weight)
        result.band = band_for(framework, result.score) if result.complete else None
    return result
