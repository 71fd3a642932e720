"""Financial sustainability of a national standards body: ratios of a yearly profile, each banded against
the programme's thresholds, and a risk band that is the *worst* of the ratio bands (non-compensatory: a
comfortable reserve does not make up for depending on one source of revenue).

- concentration = sum over revenue streams of (stream / total revenue)^2, the Herfindahl index (1: one
  source; 1/7: seven equal sources); higher is worse.
- reserves_months = reserves / (total costs / 12); lower is worse.
- cost_recovery = (sales of standards + membership fees) / standards development costs; lower is worse.
- participation_funding = international participation costs budgeted / cost of the current
  P-memberships; lower is worse. The cost of the P-memberships is the profile's own figure; when the NSB
  left it at zero, the estimate from the committees module and the programme's unit costs
  (participation.py), when there is one.
A ratio whose denominator is zero is "not computable" and takes no part in the band."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from jalon.assessments.models import COST_KINDS, REVENUE_STREAMS, FinancialProfile, RatioThreshold
from jalon.assessments.participation import ParticipationEstimate

R = RatioThreshold.Ratio
LOW, MEDIUM, HIGH = "low", "medium", "high"
BAND_LABELS = {LOW: _("Low risk"), MEDIUM: _("Medium risk"), HIGH: _("High risk")}
ORDER = {LOW: 0, MEDIUM: 1, HIGH: 2}
HIGHER_IS_WORSE = {R.CONCENTRATION}
# Defaults when a programme sets none: (medium from, high from).
DEFAULTS: dict[str, tuple[Decimal, Decimal]] = {
    R.CONCENTRATION: (Decimal("0.25"), Decimal("0.5")),
    R.RESERVES: (Decimal("6"), Decimal("3")),
    R.COST_RECOVERY: (Decimal("0.6"), Decimal("0.3")),
    R.PARTICIPATION: (Decimal("1"), Decimal("0.5")),
}
PLACES = Decimal("0.001")


@dataclass(frozen=True)
class RatioResult:
    ratio: str
    label: str
    value: Decimal | None
    band: str | None
    medium: Decimal
    high: Decimal


@dataclass(frozen=True)
class Sustainability:
    profile: FinancialProfile
    revenue: Decimal
    costs: Decimal
    ratios: list[RatioResult]
    band: str | None
    # The participation estimate, and whether the ratio used it (the profile gave no cost of its own).
    estimate: ParticipationEstimate | None = None
    estimated: bool = False

    @property
    def band_label(self):
        return BAND_LABELS.get(self.band or "", "—")


def thresholds_for(programme) -> dict[str, tuple[Decimal, Decimal]]:
    found = dict(DEFAULTS)
    if programme is not None:
        for threshold in RatioThreshold.objects.filter(programme=programme):
            found[threshold.ratio] = (threshold.medium, threshold.high)
    return found


def band_of(ratio: str, value: Decimal | None, medium: Decimal, high: Decimal) -> str | None:
    if value is None:
        return None
    if ratio in HIGHER_IS_WORSE:
        return HIGH if value > high else MEDIUM if value > medium else LOW
    return HIGH if value < high else MEDIUM if value < medium else LOW


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return (numerator / denominator).quantize(PLACES, rounding=ROUND_HALF_UP) if denominator else None


def worst(bands) -> str | None:
    present = [band for band in bands if band is not None]
    return max(present, key=ORDER.__getitem__) if present else None


def assess(
    profile: FinancialProfile, thresholds: dict | None = None, estimate: ParticipationEstimate | None = None
) -> Sustainability:
    thresholds = thresholds or dict(DEFAULTS)
    needed = profile.participation_needed
    estimated = not needed and estimate is not None
    if estimated:
        assert estimate is not None
        needed = estimate.total
    streams = [getattr(profile, name) for name, _label in REVENUE_STREAMS]
    revenue = sum(streams, Decimal(0))
    costs = sum((getattr(profile, name) for name, _label in COST_KINDS), Decimal(0))
    concentration = (
        sum(((stream / revenue) ** 2 for stream in streams), Decimal(0)).quantize(PLACES, rounding=ROUND_HALF_UP)
        if revenue
        else None
    )
    values: dict[str, Decimal | None] = {
        R.CONCENTRATION: concentration,
        R.RESERVES: _ratio(profile.reserves * 12, costs),
        R.COST_RECOVERY: _ratio(
            profile.revenue_standards_sales + profile.revenue_membership, profile.cost_standards_development
        ),
        R.PARTICIPATION: _ratio(profile.cost_international, needed),
    }
    results = []
    for ratio, label in R.choices:
        medium, high = thresholds[ratio]
        value = values[ratio]
        results.append(RatioResult(ratio, str(label), value, band_of(ratio, value, medium, high), medium, high))
    return Sustainability(
        profile=profile,
        revenue=revenue,
        costs=costs,
        ratios=results,
        band=worst(r.band for r in results),
        estimate=estimate,
        estimated=estimated,
    )
