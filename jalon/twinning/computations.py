"""Computed indicators over twinning, registered with jalon.results.computations (sources "twinning", whose
services refresh them, and "committees", whose imports bring the O-to-P moves and roles they read).

Each reads the programme's own arrangements. An arrangement "runs" in a period when it was started (it has a
start date and reached "active") on or before the period's last day and was not closed before its first day.
The outcome counts come from the committees module's history, never from typed values."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone, translation

from jalon.committees.models import LeadershipRole, ParticipationEvent
from jalon.organisations.models import Person
from jalon.reference.models import Country, IncomeGroup
from jalon.reference.selectors import countries_with_classifications
from jalon.results.computations import Computation, Part, register
from jalon.results.models import Dimension, Measure, Period, Programme
from jalon.twinning.models import LEADERSHIP_KINDS, Arrangement, Kind, Status, TwinningSettings
from jalon.twinning.selectors import _add_months

SOURCES = frozenset({"twinning", "committees"})
STARTED = (Status.ACTIVE, Status.IN_REVIEW, Status.COMPLETED, Status.TERMINATED)


def _labels(label) -> dict:
    result = {}
    for language in ("en", "fr"):
        with translation.override(language):
            result[language] = str(label)
    return result


def _last_day(period: Period) -> datetime.date:
    return min(period.end, timezone.localdate())


def _started(programme: Programme, on: datetime.date):
    return Arrangement.objects.filter(
        programme=programme, status__in=STARTED, start_date__isnull=False, start_date__lte=on
    ).select_related("twinned_member__country", "twinned_person")


def _running(programme: Programme, period: Period) -> list[Arrangement]:
    on = _last_day(period)
    return list(_started(programme, on).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)))


def _running_on(programme: Programme, on: datetime.date) -> list[Arrangement]:
    return list(_started(programme, on).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on)))


def _settings(programme: Programme) -> TwinningSettings:
    return TwinningSettings.objects.filter(programme=programme).first() or TwinningSettings(programme=programme)


def _regions(country_ids) -> dict[int, tuple[str, dict]]:
    found = {}
    for country in Country.objects.filter(pk__in=[pk for pk in country_ids if pk]).select_related("region"):
        if country.region is not None:
            found[country.pk] = (country.region.m49, dict(country.region.name))
    return found


def _incomes(country_ids, on: datetime.date) -> dict[int, str]:
    return dict(
        countries_with_classifications(on=on)
        .filter(pk__in=[pk for pk in country_ids if pk])
        .values_list("pk", "cls_income")  # type: ignore[misc]  # annotated in reference.selectors
    )


def _count_parts(items: list, *, region=True, income_on: datetime.date | None = None) -> list[Part]:
    """Total, then one part per region (and income group) of the twinned member, from arrangements or
    (arrangement, anything) pairs."""
    countries = [getattr(item, "twinned_member", item).country_id for item in items]
    parts = [Part(Decimal(len(items)))]
    if region:
        regions = _regions(countries)
        counts = Counter(regions[c][0] for c in countries if c in regions)
        names = dict(regions.values())
        parts += [Part(Decimal(counts[code]), Dimension.Kind.REGION, code, names[code]) for code in sorted(counts)]
    if income_on is not None:
        incomes = _incomes(countries, income_on)
        counts = Counter(incomes.get(c) or "" for c in countries if c)
        parts += [
            Part(Decimal(counts[code]), Dimension.Kind.INCOME, code, _labels(label))
            for code, label in IncomeGroup.choices
            if counts.get(code)
        ]
    return parts


def _share_parts(pairs: list[tuple[Arrangement, bool]], on: datetime.date) -> list[Part]:
    """A percentage with its numerator and denominator, in total and per region and income group."""

    def part(rows, dimension=None, code="", name=None) -> Part:
        denominator = Decimal(len(rows))
        numerator = Decimal(sum(1 for _a, hit in rows if hit))
        value = (numerator * 100 / denominator).quantize(Decimal("0.1")) if denominator else Decimal(0)
        return Part(value, dimension, code, name, numerator=numerator, denominator=denominator)

    if not pairs:
        return []
    countries = [a.twinned_member.country_id for a, _hit in pairs]
    regions, incomes = _regions(countries), _incomes(countries, on)
    parts = [part(pairs)]
    for code in sorted({regions[c][0] for c in countries if c in regions}):
        rows = [
            (a, hit)
            for a, hit in pairs
            if a.twinned_member.country_id in regions and regions[a.twinned_member.country_id][0] == code
        ]
        name = next(regions[c][1] for c in countries if c in regions and regions[c][0] == code)
        parts.append(part(rows, Dimension.Kind.REGION, code, name))
    for code, label in IncomeGroup.choices:
        rows = [(a, hit) for a, hit in pairs if incomes.get(a.twinned_member.country_id or 0) == code]
        if rows:
            parts.append(part(rows, Dimension.Kind.INCOME, code, _labels(label)))
    return parts


# 1. Arrangements running, by kind, region and income; by sex of the nominee for the leadership kinds -----------


def _running_by_kind(programme: Programme, period: Period) -> list[Part]:
    running = _running(programme, period)
    counts = Counter(a.kind for a in running)
    return [Part(Decimal(len(running)))] + [
        Part(Decimal(counts[code]), Dimension.Kind.CUSTOM, code, _labels(label))
        for code, label in Kind.choices
        if counts.get(code)
    ]


def _running_by_region(programme: Programme, period: Period) -> list[Part]:
    return _count_parts(_running(programme, period), income_on=_last_day(period))


def _leadership_by_sex(programme: Programme, period: Period) -> list[Part]:
    running = [a for a in _running(programme, period) if a.kind in LEADERSHIP_KINDS]
    counts = Counter(a.twinned_person.sex if a.twinned_person else "" for a in running)
    return [Part(Decimal(len(running)))] + [
        Part(Decimal(counts[code]), Dimension.Kind.SEX, code, _labels(label))
        for code, label in Person.Sex.choices
        if counts.get(code)
    ]


# 2. Twinned members that became P-members of the twinned committee within the follow-up window --------------


def became_p(arrangements: list[Arrangement], on: datetime.date, follow_up_months: int) -> dict[int, datetime.date]:
    """Arrangement id -> the date its twinned member moved from O to P (or joined as P) on its committee,
    between its start and the end of its follow-up window (no later than `on`), from the committee history."""
    if not arrangements:
        return {}
    events = ParticipationEvent.objects.filter(
        kind__in=(ParticipationEvent.Kind.MOVED_O_TO_P, ParticipationEvent.Kind.JOINED_P),
        organisation_id__in={a.twinned_member_id for a in arrangements},
        committee_id__in={a.committee_id for a in arrangements},
        date__lte=on,
    ).values_list("organisation_id", "committee_id", "date")
    by_pair: dict[tuple, list[datetime.date]] = {}
    for organisation_id, committee_id, date in events:
        by_pair.setdefault((organisation_id, committee_id), []).append(date)
    found = {}
    for a in arrangements:
        assert a.start_date is not None
        end = a.closed_on or a.end_date or on
        last = min(_add_months(end, follow_up_months), on)
        dates = sorted(d for d in by_pair.get((a.twinned_member_id, a.committee_id), []) if a.start_date <= d <= last)
        if dates:
            found[a.pk] = dates[0]
    return found


def _became_p_share(programme: Programme, period: Period) -> list[Part]:
    on = _last_day(period)
    arrangements = list(_started(programme, on))
    hits = became_p(arrangements, on, _settings(programme).follow_up_months)
    return _share_parts([(a, a.pk in hits) for a in arrangements], on)


# 3. Leadership roles gained by twinned members -------------------------------------------------------------


def _roles_gained(programme: Programme, period: Period) -> list[Part]:
    on = _last_day(period)
    follow_up = _settings(programme).follow_up_months
    arrangements = list(_started(programme, on))
    windows: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for a in arrangements:
        assert a.start_date is not None
        end = a.closed_on or a.end_date or on
        windows.setdefault(a.twinned_member_id, []).append((a.start_date, _add_months(end, follow_up)))
    roles = LeadershipRole.objects.filter(
        organisation_id__in=windows.keys(), start_date__gte=period.start, start_date__lte=on
    ).select_related("organisation", "person")
    gained = [
        role
        for role in roles
        if any(start <= role.start_date <= last for start, last in windows[role.organisation_id])  # type: ignore[operator]
    ]
    parts = [Part(Decimal(len(gained)))]
    sexes = Counter(role.person.sex if role.person else "" for role in gained)
    parts += [
        Part(Decimal(sexes[code]), Dimension.Kind.SEX, code, _labels(label))
        for code, label in Person.Sex.choices
        if sexes.get(code)
    ]
    # By region and income group of the member's country, as the other counts (an organisation has a country_id).
    return parts + _count_parts([role.organisation for role in gained], income_on=on)[1:]


# 4. Communication and reviews -----------------------------------------------------------------------------


def _meeting_share(programme: Programme, period: Period) -> list[Part]:
    on = _last_day(period)
    since = on - datetime.timedelta(days=_settings(programme).overdue_days)
    running = _running_on(programme, on)
    met = set(
        Arrangement.objects.filter(pk__in=[a.pk for a in running], meetings__date__gt=since, meetings__date__lte=on)
        .values_list("pk", flat=True)
        .distinct()
    )
    return _share_parts([(a, a.pk in met) for a in running], on)


def _review_share(programme: Programme, period: Period) -> list[Part]:
    on = _last_day(period)
    year_ago = on - datetime.timedelta(days=365)
    due = [a for a in _running_on(programme, on) if a.start_date and a.start_date <= year_ago]
    reviewed = set(
        Arrangement.objects.filter(pk__in=[a.pk for a in due], reviews__date__gt=year_ago, reviews__date__lte=on)
        .values_list("pk", flat=True)
        .distinct()
    )
    return _share_parts([(a, a.pk in reviewed) for a in due], on)


def _register(key: str, title_en: str, title_fr: str, method_en: str, method_fr: str, measure: str, compute) -> None:
    register(
        Computation(
            key=key,
            title={"en": title_en, "fr": title_fr},
            method={"en": method_en, "fr": method_fr},
            measure=measure,
            sources=SOURCES,
            compute=compute,
        )
    )


RUNS_EN = (
    "An arrangement runs in the period when it was started (reached 'active', with a start date) on or before the "
    "period's last day and was not closed before its first day."
)
RUNS_FR = (
    "Un jumelage est en cours dans la période s'il a démarré (passé à « actif », avec une date de début) au plus "
    "tard le dernier jour de la période et n'a pas été clos avant son premier jour."
)
_register(
    "twinning_running_by_kind",
    "Twinning arrangements running, by kind",
    "Jumelages en cours, par type",
    f"Counts the programme's twinning arrangements running in the period, by kind. {RUNS_EN}",
    f"Compte les jumelages du programme en cours dans la période, par type. {RUNS_FR}",
    Measure.COUNT,
    _running_by_kind,
)
_register(
    "twinning_running_by_region",
    "Twinning arrangements running, by region and income group of the twinned member",
    "Jumelages en cours, par région et groupe de revenu du membre jumelé",
    f"Counts the programme's twinning arrangements running in the period, by the UN M49 region and the World Bank "
    f"income group of the twinned member's country. {RUNS_EN}",
    f"Compte les jumelages du programme en cours dans la période, par région M49 de l'ONU et groupe de revenu de la "
    f"Banque mondiale du pays du membre jumelé. {RUNS_FR}",
    Measure.COUNT,
    _running_by_region,
)
_register(
    "twinning_leadership_by_sex",
    "Leadership twinnings running, by sex of the twinned member's nominee",
    "Jumelages de direction en cours, par sexe de la personne désignée par le membre jumelé",
    f"Counts the convenor, chair and secretariat twinnings running in the period, by the sex of the twinned "
    f"member's nominee. {RUNS_EN}",
    f"Compte les jumelages d'animateur, de président et de secrétariat en cours dans la période, par sexe de la "
    f"personne désignée par le membre jumelé. {RUNS_FR}",
    Measure.COUNT,
    _leadership_by_sex,
)
_register(
    "twinning_became_p_share",
    "Share of twinned members that became P-members of the twinned committee within the follow-up window",
    "Part des membres jumelés devenus membres P du comité jumelé dans la période de suivi",
    "Among the programme's arrangements started by the period's last day, the share whose twinned member moved from "
    "O to P (or joined as P) on the arrangement's committee between the start and the end of the follow-up window "
    "(the end of the arrangement plus the programme's follow-up months, 24 by default), as recorded by the committee "
    "imports; by region and income group.",
    "Parmi les jumelages du programme démarrés au dernier jour de la période, la part dont le membre jumelé est "
    "passé de membre O à membre P (ou a adhéré comme membre P) du comité du jumelage entre le début et la fin de la "
    "période de suivi (fin du jumelage plus les mois de suivi du programme, 24 par défaut), tel qu'enregistré par les "
    "imports de comités ; par région et groupe de revenu.",
    Measure.PERCENTAGE,
    _became_p_share,
)
_register(
    "twinning_roles_gained",
    "Leadership roles gained by twinned members",
    "Fonctions de direction obtenues par les membres jumelés",
    "Counts the leadership roles (chair, vice-chair, convenor, co-convenor, secretariat, co-secretariat) on any "
    "committee starting within the period and within an arrangement's window or follow-up window of the member "
    "twinned in it; by sex of the person holding the role, by region and by income group.",
    "Compte les fonctions de direction (président, vice-président, animateur, co-animateur, secrétariat, "
    "co-secrétariat) de tout comité commençant dans la période et dans la fenêtre d'un jumelage (ou sa période de "
    "suivi) du membre jumelé ; par sexe de la personne qui l'exerce, par région et par groupe de revenu.",
    Measure.COUNT,
    _roles_gained,
)
_register(
    "twinning_meeting_share",
    "Share of active twinning arrangements with a meeting in the last quarter",
    "Part des jumelages actifs ayant tenu une réunion au dernier trimestre",
    "Among the arrangements active on the period's last day (or today), the share with a recorded meeting within "
    "the programme's overdue delay (100 days by default) before that day; by region and income group.",
    "Parmi les jumelages actifs au dernier jour de la période (ou aujourd'hui), la part ayant une réunion "
    "enregistrée dans le délai de retard du programme (100 jours par défaut) avant ce jour ; par région et groupe "
    "de revenu.",
    Measure.PERCENTAGE,
    _meeting_share,
)
_register(
    "twinning_review_share",
    "Share of active twinning arrangements with an annual review done",
    "Part des jumelages actifs ayant fait leur revue annuelle",
    "Among the arrangements active on the period's last day (or today) that started at least a year before, the "
    "share with a review recorded in the year before that day; by region and income group.",
    "Parmi les jumelages actifs au dernier jour de la période (ou aujourd'hui) démarrés au moins un an plus tôt, la "
    "part ayant une revue enregistrée dans l'année précédant ce jour ; par région et groupe de revenu.",
    Measure.PERCENTAGE,
    _review_share,
)
