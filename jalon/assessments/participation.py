"""The estimated yearly cost of an NSB's international participation, from the committees module, for the
"funding of international participation" ratio when the NSB's profile does not give the cost of its current
P-memberships (research note 2.4: "cost estimate from committees x meetings").

For a fiscal year Y and the programme's unit costs in the profile's currency (ParticipationCost):
- P-memberships: committee-years, each P-membership counted for the share of Y it was in force
  (days in force in Y / days in Y), x the cost per P-membership and year;
- delegates at in-person meetings starting in Y, x the cost per delegate (travel, subsistence);
- delegates taking part remotely (or in a virtual meeting), x the cost per remote participation;
- secretariats held (secretariat or co-secretariat), role-years as for memberships, x the cost per year;
- chair and convenor roles (chair, vice-chair, convenor, co-convenor), role-years, x the cost per year.
A delegate whose participation a sponsorship or fellowship paid (`sponsored`) costs the NSB nothing: counted
apart, not costed. Each line's amount is rounded to the cent; the estimate is their sum."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from jalon.assessments.models import FinancialProfile, ParticipationCost
from jalon.committees.models import LeadershipRole
from jalon.committees.selectors import ParticipationSpan, participation_span

CENT = Decimal("0.01")
SECRETARIAT_ROLES = {LeadershipRole.Role.SECRETARIAT, LeadershipRole.Role.CO_SECRETARIAT}
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class CostLine:
    label: str
    quantity: Decimal  # committee-years, role-years or delegates
    unit_cost: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ParticipationEstimate:
    year: int
    setting: ParticipationCost
    lines: list[CostLine]
    sponsored: int  # delegates paid by a sponsorship or fellowship: not costed

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def _days_in(year: int, start: datetime.date | None, stop: datetime.date | None) -> int:
    """Days of year `year` within [start, stop) (None: open on that side)."""
    first, after = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    low, high = max(start or first, first), min(stop or after, after)
    return max((high - low).days, 0)


def _line(label, days_or_count: Decimal, unit_cost: Decimal, per: Decimal = Decimal(1)) -> CostLine:
    """`days_or_count` / `per` units at `unit_cost` (per: the days of the year for a share of it)."""
    quantity = days_or_count / per
    amount = (days_or_count * unit_cost / per).quantize(CENT, rounding=ROUND_HALF_UP)
    return CostLine(str(label), quantity.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), unit_cost, amount)


def _estimate(span: ParticipationSpan, year: int, setting: ParticipationCost) -> ParticipationEstimate:
    year_days = Decimal((datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days)
    membership_days = sum(_days_in(year, since, until) for since, until in span.p_memberships)
    secretariat_days = chair_days = 0
    for role, start, end in span.roles:
        # A role's end date is its last day held.
        days = _days_in(year, start, end + DAY if end else None)
        if role in SECRETARIAT_ROLES:
            secretariat_days += days
        else:
            chair_days += days
    paid = [(remote, sponsored) for day, remote, sponsored in span.attendances if day.year == year]
    in_person = sum(1 for remote, sponsored in paid if not remote and not sponsored)
    remote = sum(1 for is_remote, sponsored in paid if is_remote and not sponsored)
    lines = [
        _line(_("P-memberships (committee-years)"), Decimal(membership_days), setting.p_membership, year_days),
        _line(_("Delegates at in-person meetings"), Decimal(in_person), setting.meeting_in_person),
        _line(_("Delegates taking part remotely"), Decimal(remote), setting.meeting_remote),
        _line(_("Secretariats held (role-years)"), Decimal(secretariat_days), setting.secretariat, year_days),
        _line(_("Chair and convenor roles (role-years)"), Decimal(chair_days), setting.chair, year_days),
    ]
    return ParticipationEstimate(
        year=year, setting=setting, lines=lines, sponsored=sum(1 for _r, sponsored in paid if sponsored)
    )


def estimates(*, organisation_id: int, years: dict[int, ParticipationCost]) -> dict[int, ParticipationEstimate]:
    """The estimates of several years of one organisation, each with its unit costs: three queries in all,
    through the committees selectors."""
    if not years:
        return {}
    span = participation_span(
        organisation_id=organisation_id,
        start=datetime.date(min(years), 1, 1),
        end=datetime.date(max(years), 12, 31),
    )
    return {year: _estimate(span, year, setting) for year, setting in years.items()}


def settings_for(programme) -> dict[int, ParticipationCost]:
    """The programme's unit costs by currency (id), empty without a programme."""
    if programme is None:
        return {}
    return {setting.currency_id: setting for setting in ParticipationCost.objects.filter(programme=programme)}


def profile_estimates(
    profiles: list[FinancialProfile], settings: dict[int, ParticipationCost]
) -> dict[int, ParticipationEstimate]:
    """Profile id -> the estimate for its year, with the programme's unit costs in its currency (a profile
    in a currency the programme has none for is left out). The profiles are one organisation's."""
    costed = [profile for profile in profiles if profile.currency_id in settings]
    if not costed:
        return {}
    found = estimates(
        organisation_id=costed[0].organisation_id,
        years={profile.year: settings[profile.currency_id] for profile in costed},
    )
    return {profile.pk: found[profile.year] for profile in costed}
