"""Computed indicators of GSP assessments for the results engine (source "assessments": validating or
publishing an assessment and changing a plan refresh them). ISO intermediate outcome 2, "GSP are applied by
the ISO members of developing countries", and its outputs.

The eligible members are the programme owner's members in developing countries (the programme's rule, as
results.computations reads it). An assessment counts in a period when it was validated within it (a
published one was validated first)."""

from collections import Counter, defaultdict
from decimal import Decimal

from jalon.assessments import participation, satisfaction, selectors, sustainability
from jalon.assessments.models import Answer, Assessment, FinancialProfile, ImprovementArea, Survey
from jalon.results.computations import Computation, Part, developing_members, register
from jalon.results.models import Dimension, Measure, Period, Programme

SOURCES = frozenset({"assessments", "organisations", "reference"})
HUNDRED, CENTI = Decimal(100), Decimal("0.01")
CODE = "gsp"
# A TBT paragraph is complied with when the member's answers to the questions citing it average this much.
COMPLIANT = Decimal("0.75")


def _share(numerator: int, denominator: int, dimension=None, code="", name=None) -> Part:
    value = (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENTI)
    return Part(value, dimension, code, name, numerator=Decimal(numerator), denominator=Decimal(denominator))


def _validated_in(period: Period, members):
    return Assessment.objects.filter(
        framework__code=CODE,
        status__in=Assessment.COUNTED,
        validated_at__date__gte=period.start,
        validated_at__date__lte=period.end,
        organisation__in=members,
    )


def _by_region(members, chosen: set[int]) -> list[Part]:
    total = len(members)
    if not total:
        return []
    parts = [_share(len(chosen), total)]
    regions: dict = defaultdict(lambda: [0, 0, None])
    for member in members:
        region = member.country.region if member.country else None
        if region is None:
            continue
        regions[region.m49][1] += 1
        regions[region.m49][0] += member.pk in chosen
        regions[region.m49][2] = dict(region.name)
    for code in sorted(regions):
        numerator, denominator, name = regions[code]
        parts.append(_share(numerator, denominator, Dimension.Kind.REGION, code, name))
    return parts


def validated_share(programme: Programme, period: Period) -> list[Part]:
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    members = list(members)
    assessed = set(_validated_in(period, members).values_list("organisation_id", flat=True))
    return _by_region(members, assessed)


def two_areas_share(programme: Programme, period: Period) -> list[Part]:
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    members = list(members)
    counts = Counter(
        ImprovementArea.objects.filter(assessment__in=_validated_in(period, members)).values_list(
            "assessment__organisation_id", flat=True
        )
    )
    return _by_region(members, {organisation for organisation, n in counts.items() if n >= 2})


def areas_applied_share(programme: Programme, period: Period) -> list[Part]:
    """Areas chosen on assessments validated by the period's end, and of those, the applied ones (as the
    assessments validated by then show)."""
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    areas = list(
        ImprovementArea.objects.filter(
            assessment__organisation__in=list(members),
            assessment__framework__code=CODE,
            assessment__status__in=Assessment.COUNTED,
            assessment__validated_at__date__lte=period.end,
        ).select_related("assessment__framework", "assessment__organisation", "section")
    )
    if not areas:
        return []
    states = selectors.areas_state(areas, as_of=period.end)
    return [_share(sum(state.applied for state in states), len(states))]


def tbt_compliance(programme: Programme, period: Period) -> list[Part]:
    """Of the members assessed in the period (their latest assessment validated in it), the share complying
    with the TBT Code's paragraphs: total over every (member, paragraph) pair answered, and one part per
    paragraph A-Q."""
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    latest: dict[int, int] = {}
    for assessment_id, organisation_id in (
        _validated_in(period, list(members))
        .order_by("organisation_id", "-period_end", "-pk")
        .values_list("pk", "organisation_id")
    ):
        latest.setdefault(organisation_id, assessment_id)
    sums: dict[tuple[int, str], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    answers = Answer.objects.filter(assessment_id__in=latest.values(), option__isnull=False).values_list(
        "assessment_id", "question__tbt_paragraphs", "question__weight", "option__value"
    )
    for assessment_id, paragraphs, weight, value in answers:
        for letter in paragraphs or []:
            sums[(assessment_id, letter)].append((weight, value))
    if not sums:
        return []
    complying: Counter = Counter()
    answered: Counter = Counter()
    for (_assessment, letter), pairs in sums.items():
        weight = sum((w for w, _v in pairs), Decimal(0))
        mean = sum((w * v for w, v in pairs), Decimal(0)) / weight if weight else Decimal(0)
        answered[letter] += 1
        complying[letter] += mean >= COMPLIANT
    parts = [_share(sum(complying.values()), sum(answered.values()))]
    for letter in sorted(answered):
        name = {"en": f"TBT Annex 3 paragraph {letter}", "fr": f"Annexe 3 de l’Accord OTC, paragraphe {letter}"}
        parts.append(_share(complying[letter], answered[letter], Dimension.Kind.CUSTOM, f"tbt-{letter}", name))
    return parts


def risk_band_improved(programme: Programme, period: Period) -> list[Part]:
    """Developing-country members whose latest financial profile of a year in the period has a better risk
    band (the programme's thresholds) than their profile of the year before it."""
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    thresholds = sustainability.thresholds_for(programme)
    settings = participation.settings_for(programme)
    profiles = FinancialProfile.objects.filter(organisation__in=list(members), year__lte=period.end.year).order_by(
        "organisation_id", "year"
    )
    by_organisation: dict[int, list] = defaultdict(list)
    for profile in profiles:
        by_organisation[profile.organisation_id].append(profile)
    improved = 0
    for history in by_organisation.values():
        in_period = [p for p in history if period.start.year <= p.year <= period.end.year]
        if not in_period:
            continue
        latest = in_period[-1]
        earlier = [p for p in history if p.year < latest.year]
        if not earlier:
            continue
        # The participation ratio as the profile page shows it: estimated when the profile gives no cost.
        found = participation.profile_estimates([latest, earlier[-1]], settings)
        now, before = (
            sustainability.assess(latest, thresholds, found.get(latest.pk)).band,
            sustainability.assess(earlier[-1], thresholds, found.get(earlier[-1].pk)).band,
        )
        if now is not None and before is not None and sustainability.ORDER[now] < sustainability.ORDER[before]:
            improved += 1
    return [Part(Decimal(improved))]


def _satisfied_units(population: str):
    def compute(programme: Programme, period: Period) -> list[Part]:
        """Units (country programmes or frameworks) satisfied in the programme's closed surveys of a year in
        the period: every constituent group at or above the threshold, with enough answers."""
        surveys = Survey.objects.filter(
            programme=programme,
            population=population,
            status=Survey.Status.CLOSED,
            year__gte=period.start.year,
            year__lte=period.end.year,
        ).order_by("year", "pk")
        if not surveys.exists():
            return []
        satisfied: dict[str, str] = {}
        for survey in surveys:
            for unit in satisfaction.survey_results(survey):
                if unit.satisfied:
                    satisfied[unit.code] = unit.name
        parts = [Part(Decimal(len(satisfied)))]
        for code in sorted(satisfied):
            name = {"en": satisfied[code], "fr": satisfied[code]}
            parts.append(Part(Decimal(1), Dimension.Kind.CUSTOM, f"unit-{code}"[:40], name))
        return parts

    return compute


def priority_coverage(programme: Programme, period: Period) -> list[Part]:
    """Of the priority committees in developing-country members' current strategies, the share where the
    member is a P-member at the period's end."""
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    covered = total = 0
    for organisation in members:
        strategy = selectors.strategy_current(organisation)
        if strategy is None:
            continue
        coverage = selectors.priority_coverage(strategy, on=period.end)
        covered += len(coverage.p_member)
        total += len(coverage.committees)
    return [_share(covered, total)] if total else []


def register_all() -> None:
    register(
        Computation(
            key="assessments_gsp_validated_share",
            title={
                "en": "Share of eligible developing-country members with a validated GSP assessment",
                "fr": "Part des membres éligibles des pays en développement ayant une évaluation BPN validée",
            },
            method={
                "en": "Members of the programme owner in developing countries (the programme's rule) with a GSP "
                "self- or peer assessment validated during the period, as a percentage of those members; by UN M49 "
                "region.",
                "fr": "Membres du propriétaire du programme dans les pays en développement (règle du programme) "
                "ayant une autoévaluation ou une évaluation par les pairs des BPN validée pendant la période, en "
                "pourcentage de ces membres ; par région M49 de l’ONU.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=validated_share,
        )
    )
    register(
        Computation(
            key="assessments_gsp_two_areas_share",
            title={
                "en": "Share of eligible developing-country members with at least two GSP improvement areas",
                "fr": "Part des membres éligibles des pays en développement ayant au moins deux axes "
                "d’amélioration des BPN",
            },
            method={
                "en": "Members of the programme owner in developing countries that chose at least two improvement "
                "areas on a GSP assessment validated during the period, as a percentage of those members.",
                "fr": "Membres du propriétaire du programme dans les pays en développement ayant choisi au moins "
                "deux axes d’amélioration sur une évaluation BPN validée pendant la période, en pourcentage de ces "
                "membres.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=two_areas_share,
        )
    )
    register(
        Computation(
            key="assessments_gsp_areas_applied_share",
            title={
                "en": "Share of GSP improvement areas applied",
                "fr": "Part des axes d’amélioration des BPN appliqués",
            },
            method={
                "en": "Improvement areas chosen by developing-country members on GSP assessments validated by the "
                "end of the period; an area is applied when all its actions are done and a later validated "
                "assessment shows the section's score higher.",
                "fr": "Axes d’amélioration choisis par les membres des pays en développement sur des évaluations "
                "BPN validées à la fin de la période ; un axe est appliqué lorsque toutes ses actions sont réalisées "
                "et qu’une évaluation validée ultérieure montre un score plus élevé pour la section.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=areas_applied_share,
        )
    )
    register(
        Computation(
            key="assessments_tbt_compliance",
            title={
                "en": "Compliance with the TBT Code of Good Practice (Annex 3), by paragraph",
                "fr": "Conformité au Code de pratique de l’Accord OTC (Annexe 3), par paragraphe",
            },
            method={
                "en": "For each developing-country member's latest GSP assessment validated in the period and each "
                "TBT Annex 3 paragraph its answers cover: complying when the weighted mean of the answers to the "
                "questions citing the paragraph reaches 0.75. The percentage of complying pairs, and per paragraph.",
                "fr": "Pour la dernière évaluation BPN validée dans la période de chaque membre d’un pays en "
                "développement et chaque paragraphe de l’Annexe 3 de l’Accord OTC couvert par ses réponses : conforme "
                "lorsque la moyenne pondérée des réponses aux questions citant le paragraphe atteint 0,75. Le "
                "pourcentage de paires conformes, et par paragraphe.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=tbt_compliance,
        )
    )
    register(
        Computation(
            key="assessments_nsb_risk_band_improved",
            title={
                "en": "NSBs whose financial sustainability risk band improved",
                "fr": "ONN dont le niveau de risque de viabilité financière s’est amélioré",
            },
            method={
                "en": "Developing-country members whose latest financial profile of a year within the period has a "
                "lower risk band than their profile of the previous year on record. The band is the worst of the "
                "ratio bands (revenue concentration, months of reserves, cost recovery, participation funding), "
                "with the programme's thresholds; the cost of the P-memberships is estimated from the committees "
                "module with the programme's unit costs when a profile gives none.",
                "fr": "Membres des pays en développement dont le dernier profil financier d’une année de la période a "
                "un niveau de risque plus faible que leur profil de l’année précédente enregistrée. Le niveau est le "
                "plus défavorable des niveaux des ratios (concentration des recettes, mois de réserves, recouvrement "
                "des coûts, financement de la participation), avec les seuils du programme ; le coût des "
                "participations P est estimé d’après le module des comités et les coûts unitaires du programme "
                "lorsqu’un profil ne le donne pas.",
            },
            measure=Measure.COUNT,
            sources=SOURCES | {"committees"},
            compute=risk_band_improved,
        )
    )
    register(
        Computation(
            key="assessments_ilo_dwcp_satisfied",
            title={
                "en": "Decent Work Country Programmes in which constituents are satisfied with their participation",
                "fr": "Programmes par pays de promotion du travail décent dans lesquels les mandants sont satisfaits "
                "de leur participation",
            },
            method={
                "en": "Closed satisfaction surveys of DWCP constituents dated in the period: a country programme "
                "counts when each group (government, employers, workers) has at least the survey's minimum number "
                "of valid answers and a top-two-box rate at or above its threshold (ILO indicator 3.2).",
                "fr": "Enquêtes de satisfaction closes auprès des mandants des PPTD datées dans la période : un "
                "programme pays compte lorsque chaque groupe (gouvernement, employeurs, travailleurs) a au moins le "
                "nombre minimal de réponses valides de l’enquête et un taux des deux meilleures réponses au moins égal "
                "à son seuil (indicateur 3.2 de l’OIT).",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=_satisfied_units(Survey.Population.DWCP),
            # ILO sets the baseline of 3.2 and 3.3 "in 2010": the surveys of that year give it.
            settles_baseline=True,
        )
    )
    register(
        Computation(
            key="assessments_ilo_undaf_satisfied",
            title={
                "en": "UN development frameworks in which constituents are satisfied with their participation",
                "fr": "Cadres de développement des Nations Unies dans lesquels les mandants sont satisfaits de leur "
                "participation",
            },
            method={
                "en": "As for country programmes, over the closed surveys of constituents in UN development "
                "frameworks (UNDAF) dated in the period (ILO indicator 3.3).",
                "fr": "Comme pour les programmes pays, sur les enquêtes closes auprès des mandants dans les cadres de "
                "développement des Nations Unies (PNUAD) datées dans la période (indicateur 3.3 de l’OIT).",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=_satisfied_units(Survey.Population.UNDAF),
            # ILO sets the baseline of 3.2 and 3.3 "in 2010": the surveys of that year give it.
            settles_baseline=True,
        )
    )
    register(
        Computation(
            key="assessments_priority_committee_coverage",
            title={
                "en": "Coverage of national priority committees by P-memberships",
                "fr": "Couverture des comités prioritaires nationaux par des participations P",
            },
            method={
                "en": "For developing-country members with a national standardization strategy (the latest adopted, "
                "else the latest): the priority committees of its sectors, and the share of them where the member is "
                "a P-member at the end of the period (from the committees module).",
                "fr": "Pour les membres des pays en développement ayant une stratégie nationale de normalisation (la "
                "dernière adoptée, sinon la dernière) : les comités prioritaires de ses secteurs, et la part de ceux "
                "où le membre est membre P à la fin de la période (d’après le module des comités).",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES | {"committees"},
            compute=priority_coverage,
        )
    )
