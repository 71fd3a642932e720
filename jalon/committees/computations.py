"""Computed indicators over committees and participation, registered with jalon.results.computations
(source "committees": the committee services and imports refresh them).

Developing-country members are those whose country is developing under the programme's own rule
(`programme_rule`) on the period's last day, or on the rule's as-of date when the programme fixes one."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Q

from jalon.committees.models import LeadershipRole, MeetingDelegate, ParticipationEvent
from jalon.committees.selectors import role_in_force
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Classification, Country, IncomeGroup
from jalon.reference.selectors import countries_with_classifications, rule_condition
from jalon.results.computations import Computation, Part, both_languages, programme_rule, register
from jalon.results.models import Dimension, Measure, Period, Programme

SOURCES = frozenset({"committees", "organisations", "reference"})


def _developing(programme: Programme, period: Period) -> tuple[object | None, datetime.date]:
    """Developing country ids (a subquery) under the programme's rule, or None when no loaded
    classification says who was developing then (no value rather than a false zero)."""
    on = programme.developing_rule_as_of or period.end
    rule = programme_rule(programme)
    schemes = {condition["scheme"] for condition in rule.conditions}
    if not Classification.objects.filter(scheme__in=schemes, valid_from__lte=on).exists():
        return None, on
    return countries_with_classifications(on=on).filter(rule_condition(rule)).values("pk"), on


def _by_region(counts_by_country: Counter) -> list[Part]:
    """Total then one part per UN M49 region, from counts keyed by country id."""
    countries = {
        country.pk: country
        for country in Country.objects.filter(pk__in=[pk for pk in counts_by_country if pk]).select_related("region")
    }
    regions: Counter = Counter()
    names = {}
    for country_id, count in counts_by_country.items():
        region = countries[country_id].region if country_id in countries else None
        if region is not None:
            regions[region.m49] += count
            names[region.m49] = dict(region.name)
    parts = [Part(Decimal(sum(counts_by_country.values())))]
    for code in sorted(regions):
        parts.append(Part(Decimal(regions[code]), Dimension.Kind.REGION, code, names[code]))
    return parts


def _by_income(counts_by_country: Counter, on: datetime.date) -> list[Part]:
    incomes = dict(
        countries_with_classifications(on=on)
        .filter(pk__in=[pk for pk in counts_by_country if pk])
        .values_list("pk", "cls_income")  # type: ignore[misc]  # annotated in reference.selectors, unseen by the plugin
    )
    groups: Counter = Counter()
    for country_id, count in counts_by_country.items():
        groups[incomes.get(country_id)] += count
    parts = [Part(Decimal(sum(counts_by_country.values())))]
    for code, label in IncomeGroup.choices:
        if groups.get(code):
            parts.append(Part(Decimal(groups[code]), Dimension.Kind.INCOME, code, both_languages(label)))
    return parts


def _o_to_p_members(programme: Programme, period: Period) -> tuple[Counter | None, datetime.date]:
    developing, on = _developing(programme, period)
    if developing is None:
        return None, on
    members = (
        ParticipationEvent.objects.filter(
            kind=ParticipationEvent.Kind.MOVED_O_TO_P,
            date__gte=period.start,
            date__lte=period.end,
            organisation__country__in=developing,
        )
        .values_list("organisation_id", "organisation__country_id")
        # No model ordering here: its columns would enter the DISTINCT and count a member twice.
        .order_by()
        .distinct()
    )
    return Counter(country_id for _member, country_id in members), on


def _o_to_p_by_region(programme: Programme, period: Period) -> list[Part]:
    counts, _on = _o_to_p_members(programme, period)
    return [] if counts is None else _by_region(counts)


def _o_to_p_by_income(programme: Programme, period: Period) -> list[Part]:
    counts, on = _o_to_p_members(programme, period)
    return [] if counts is None else _by_income(counts, on)


def _leadership_developing(programme: Programme, period: Period) -> list[Part]:
    developing, _on = _developing(programme, period)
    if developing is None:
        return []
    held = Counter(
        LeadershipRole.objects.filter(role_in_force(period.end), organisation__country__in=developing).values_list(
            "organisation__country_id", flat=True
        )
    )
    return _by_region(held)


def _sponsored_attendance(programme: Programme, period: Period) -> list[Part]:
    attended = MeetingDelegate.objects.filter(
        sponsored=True, present=True, meeting__start_date__gte=period.start, meeting__start_date__lte=period.end
    )
    by_sex = Counter(attended.values_list("person__sex", flat=True))
    parts = [Part(Decimal(sum(by_sex.values())))]
    for code, label in Person.Sex.choices:
        if by_sex.get(code):
            parts.append(Part(Decimal(by_sex[code]), Dimension.Kind.SEX, code, both_languages(label)))
    return parts


def _nsbs_sponsored(programme: Programme, period: Period) -> list[Part]:
    organisations = (
        MeetingDelegate.objects.filter(
            sponsored=True, meeting__start_date__gte=period.start, meeting__start_date__lte=period.end
        )
        .filter(Q(organisation__kind=Organisation.Kind.NSB) | Q(organisation__iso_member_id__isnull=False))
        .values_list("organisation_id", "organisation__country_id")
        # No model ordering here: its columns would enter the DISTINCT and count a member twice.
        .order_by()
        .distinct()
    )
    return _by_region(Counter(country_id for _organisation, country_id in organisations))


register(
    Computation(
        key="committees_o_to_p_by_region",
        title={
            "en": "Developing-country members that moved from O- to P-membership of a committee, by region",
            "fr": "Membres de pays en développement passés du statut de membre O à celui de membre P d'un comité, "
            "par région",
        },
        method={
            "en": "Counts the distinct members (organisations) with at least one recorded move from O- to "
            "P-membership of a committee (ISO, IEC/ISO or other) dated within the period, whose country is a "
            "developing country under the programme's rule on the last day of the period; broken down by UN M49 "
            "region. Moves are recorded by the committee imports (comparing successive ISO Open Data files) and "
            "by hand.",
            "fr": "Compte les membres (organisations) distincts ayant au moins un passage enregistré du statut de "
            "membre O à celui de membre P d'un comité (ISO, IEC/ISO ou autre) daté dans la période, dont le pays "
            "est un pays en développement selon la règle du programme au dernier jour de la période ; ventilé par "
            "région M49 de l'ONU. Les passages sont enregistrés par les imports de comités (comparaison de "
            "fichiers ISO Open Data successifs) et à la main.",
        },
        measure=Measure.COUNT,
        sources=SOURCES,
        compute=_o_to_p_by_region,
        additive=False,
    )
)
register(
    Computation(
        key="committees_o_to_p_by_income",
        title={
            "en": "Developing-country members that moved from O- to P-membership of a committee, by income group",
            "fr": "Membres de pays en développement passés du statut de membre O à celui de membre P d'un comité, "
            "par groupe de revenu",
        },
        method={
            "en": "Same count as by region, broken down by the World Bank income group in force on the last day of "
            "the period.",
            "fr": "Même décompte que par région, ventilé par groupe de revenu de la Banque mondiale en vigueur au "
            "dernier jour de la période.",
        },
        measure=Measure.COUNT,
        sources=SOURCES,
        compute=_o_to_p_by_income,
        additive=False,
    )
)
register(
    Computation(
        key="committees_leadership_developing",
        title={
            "en": "Committee leadership positions held by developing-country members at the end of the period",
            "fr": "Postes de direction de comités détenus par des membres de pays en développement en fin de période",
        },
        method={
            "en": "Counts the leadership roles (chair, vice-chair, convenor, co-convenor, secretariat, "
            "co-secretariat) in force on the last day of the period whose member organisation's country is a "
            "developing country under the programme's rule on that day; broken down by UN M49 region. "
            "Secretariats of ISO committees come from the ISO Open Data file; other roles are recorded by hand.",
            "fr": "Compte les fonctions de direction (président, vice-président, animateur, co-animateur, "
            "secrétariat, co-secrétariat) en cours au dernier jour de la période dont l'organisation membre est "
            "d'un pays en développement selon la règle du programme à cette date ; ventilé par région M49 de "
            "l'ONU. Les secrétariats des comités ISO viennent du fichier ISO Open Data ; les autres fonctions sont "
            "saisies à la main.",
        },
        measure=Measure.COUNT,
        sources=SOURCES,
        compute=_leadership_developing,
        additive=False,
    )
)
register(
    Computation(
        key="committees_sponsored_attendance",
        title={
            "en": "Committee meetings attended by sponsored delegates",
            "fr": "Participations de délégués parrainés à des réunions de comités",
        },
        method={
            "en": "Counts the attendances (one per delegate and meeting) of delegates marked present at a committee "
            "meeting starting within the period whose participation was paid by a sponsorship or fellowship; "
            "broken down by sex where it is recorded.",
            "fr": "Compte les participations (une par délégué et par réunion) des délégués présents à une réunion de "
            "comité commençant dans la période et dont la participation a été financée par un parrainage ou une "
            "bourse ; ventilé par sexe lorsqu'il est renseigné.",
        },
        measure=Measure.COUNT,
        sources=frozenset({"committees", "support"}),
        compute=_sponsored_attendance,
        counts_people=True,
    )
)
register(
    Computation(
        key="committees_nsbs_sponsored",
        title={
            "en": "National standards bodies sponsored for committee meetings",
            "fr": "Organismes nationaux de normalisation parrainés pour des réunions de comités",
        },
        method={
            "en": "Counts the distinct national standards bodies (ISO members) with at least one sponsored delegate "
            "registered for a committee meeting starting within the period; broken down by UN M49 region.",
            "fr": "Compte les organismes nationaux de normalisation (membres de l'ISO) distincts ayant au moins un "
            "délégué parrainé inscrit à une réunion de comité commençant dans la période ; ventilé par région M49 "
            "de l'ONU.",
        },
        measure=Measure.COUNT,
        sources=frozenset({"committees", "support"}),
        compute=_nsbs_sponsored,
        additive=False,
    )
)
