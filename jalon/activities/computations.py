"""Computed indicators over activities: registered with jalon.results.computations (source "activities").

Every computation reads the activities that serve a result of the programme (`Activity.outputs`) and
whose dates overlap the period, cancelled ones left out. A participant is *trained* when their
registration (not cancelled) is marked completed, or when they were present at one session at least.
Counts are of distinct people (one person, one record: see people.py), so someone trained twice in a
year counts once. Disaggregations carry a "not recorded" part where data are missing, so that the
parts of one dimension add up to the total.

The people counted are read from the reach summary's cells instead of the rows where those are exactly the same
figures (`_year_cells`, `_firsts`: a calendar year, or the years from a programme's start, that no activity begun
before reaches into); otherwise, and for what the cells do not hold, from the rows.
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from jalon.activities.models import (
    Activity,
    ActivityLevel,
    ActivityType,
    Attendance,
    FollowUp,
    Registration,
    activity_ids_serving,
)
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import IncomeGroup
from jalon.reference.selectors import countries_with_classifications
from jalon.results.computations import Computation, Part, both_languages, register
from jalon.results.models import Dimension, Measure, Period, Programme

SOURCE = frozenset({"activities", "organisations", "reference"})
UNKNOWN = "unknown"
UNKNOWN_NAME = {"en": "Not recorded", "fr": "Non renseigné"}
HUNDRED = Decimal(100)
CENTI = Decimal("0.01")


def activities_in(programme: Programme, period: Period):
    """The activities a programme's computations read for one period."""
    serving = activity_ids_serving(programme=programme)
    return Activity.objects.filter(pk__in=serving, start_date__lte=period.end, end_date__gte=period.start).exclude(
        status=Activity.Status.CANCELLED
    )


def registrations_in(programme: Programme, period: Period):
    return Registration.objects.filter(
        activity__in=activities_in(programme, period).values("pk"), status=Registration.Status.REGISTERED
    )


def trained_in(programme: Programme, period: Period):
    """Registrations of trained participants: completed, or present at one session at least."""
    return registrations_in(programme, period).filter(trained_condition())


def trained_condition() -> Q:
    """Completed, or present at one session at least. EXISTS, not "id IN (attended ids)": inside an OR,
    PostgreSQL cannot turn the IN into a join, and once the attended ids no longer fit its working memory
    it probes the subquery's whole result for every registration (quadratic: issue 21)."""
    return Q(completed=True) | Q(Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True)))


def trained_people(programme: Programme, period: Period):
    """The distinct people trained, each with the country they count for: their own, else their
    organisation's."""
    return Person.objects.filter(pk__in=trained_in(programme, period).values("person_id")).annotate(
        reach_country=Coalesce("country_id", "organisation__country_id")
    )


# From the reach summary ------------------------------------------------------------------------------------
#
# The summary (reach_summary.py) counts every activity's trained people per programme and year the activities
# started, already grouped by sex, country, type and level, and per year of a person's first activity in a
# programme: a period reads one row per value there instead of every registration of the programme (issue 21).
# The rows count the activities whose dates overlap the period, the cells those that started in it: the same
# activities when the period runs from 1 January to 31 December and no activity begun before it lasts into it.


def _years(period) -> tuple[int, int] | None:
    """The first and last years of a period (or span) made of whole calendar years, else None."""
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) != (1, 1, 12, 31):
        return None
    return start.year, end.year


def _serving_since(programme: Programme, day):
    """The programme's activities, cancelled ones left out, started before `day`."""
    serving = activity_ids_serving(programme=programme)
    return Activity.objects.filter(pk__in=serving, start_date__lt=day).exclude(status=Activity.Status.CANCELLED)


def _year_cells(programme: Programme, period) -> tuple[int, dict[str, dict]] | None:
    """(people, {dimension: {key: people}}) of a one-year period from the summary, or None: count from the rows.
    Queries: 1 to 4."""
    from jalon.activities.reach_summary import summary_counts, summary_current

    years = _years(period)
    if years is None or years[0] != years[1]:
        return None
    if _serving_since(programme, period.start).filter(end_date__gte=period.start).exists() or not summary_current():
        return None
    head, counts = summary_counts(audience="all", programme_id=programme.pk, year=years[0], country_id=None)
    return head["participants"], counts


def _firsts(programme: Programme, period, dimension: str = "first") -> list[tuple[int, int, str, int]] | None:
    """For whole years from the start of a programme's activities (none of them began before the span): the
    summary's (participants' country or 0 for all, year of first activity, sex, people) of the people the span
    counts (`dimension` "first_nsb": their body instead of their sex); None: count from the rows. Queries: 1 to
    4."""
    from jalon.activities.reach_summary import summary_current, summary_firsts

    years = _years(period)
    if years is None or _serving_since(programme, period.start).exists() or not summary_current():
        return None
    return [row for row in summary_firsts(programme_id=programme.pk, dimension=dimension) if row[1] <= years[1]]


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENTI)


def _share(numerator: int, denominator: int, dimension=None, code="", name=None) -> Part:
    return Part(
        _percent(numerator, denominator),
        dimension,
        code,
        name,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
    )


def _choice_parts(counts: dict, choices, kind: str) -> list[Part]:
    """Parts in the order of the choices, then "not recorded"."""
    parts = []
    for code, label in choices:
        if counts.get(code):
            parts.append(Part(Decimal(counts[code]), kind, code, both_languages(label)))
    missing = sum(n for code, n in counts.items() if code not in dict(choices))
    if missing:
        parts.append(Part(Decimal(missing), kind, UNKNOWN, UNKNOWN_NAME))
    return parts


def _geography_parts(
    by_country: Counter, on, kinds=(Dimension.Kind.COUNTRY, Dimension.Kind.REGION, Dimension.Kind.INCOME)
) -> list[Part]:
    """Country, region and income-group parts from counts per country id (None: not recorded). Income
    groups are those in force on `on` (the period's last day)."""
    countries = {
        country.pk: country
        for country in countries_with_classifications(on=on)
        .filter(pk__in=[pk for pk in by_country if pk is not None])
        .select_related("region")
    }
    parts = []
    if Dimension.Kind.COUNTRY in kinds:
        for pk, count in sorted(by_country.items(), key=lambda item: countries[item[0]].iso3 if item[0] else "~"):
            if pk is None:
                parts.append(Part(Decimal(count), Dimension.Kind.COUNTRY, UNKNOWN, UNKNOWN_NAME))
            else:
                country = countries[pk]
                parts.append(
                    Part(
                        Decimal(count),
                        Dimension.Kind.COUNTRY,
                        country.iso3,
                        dict(country.name),
                    )
                )
    if Dimension.Kind.REGION in kinds:
        regions: Counter = Counter()
        names = {}
        for pk, count in by_country.items():
            region = countries[pk].region if pk is not None else None
            code = region.m49 if region is not None else UNKNOWN
            regions[code] += count
            names[code] = dict(region.name) if region is not None else UNKNOWN_NAME
        for code in sorted(regions, key=lambda c: (c == UNKNOWN, c)):
            parts.append(Part(Decimal(regions[code]), Dimension.Kind.REGION, code, names[code]))
    if Dimension.Kind.INCOME in kinds:
        incomes: Counter = Counter()
        for pk, count in by_country.items():
            # cls_income: annotated by countries_with_classifications, unknown to the model's type.
            income = getattr(countries[pk], "cls_income", None) if pk is not None else None
            incomes[income or UNKNOWN] += count
        parts.extend(_choice_parts(incomes, IncomeGroup.choices, Dimension.Kind.INCOME))
    return parts


def _level_parts(counts: dict) -> list[Part]:
    # Levels have no kind of their own among the engine's dimensions: they are a custom dimension.
    return _choice_parts(counts, ActivityLevel.choices, Dimension.Kind.CUSTOM)


# Participants trained -------------------------------------------------------------------------------------


def participants_trained(programme: Programme, period: Period) -> list[Part]:
    found = _year_cells(programme, period)
    if found is not None:
        total, counts = found
        by_sex, by_country = counts.get("sex", {}), Counter(counts.get("country", {}))
        by_type, by_level = counts.get("type", {}), counts.get("level", {})
    else:
        people = trained_people(programme, period)
        total = people.count()
        if total:
            by_sex = dict(people.order_by().values_list("sex").annotate(n=Count("pk")))
            by_country = Counter(dict(people.order_by().values_list("reach_country").annotate(n=Count("pk"))))
            trained = trained_in(programme, period).order_by()
            by_type = dict(trained.values_list("activity__type").annotate(n=Count("person_id", distinct=True)))
            by_level = dict(trained.values_list("activity__level").annotate(n=Count("person_id", distinct=True)))
    if not total:
        return [Part(Decimal(0))]
    parts = [Part(Decimal(total))]
    parts += _choice_parts({(code or UNKNOWN): n for code, n in by_sex.items()}, Person.Sex.choices, Dimension.Kind.SEX)
    parts += _geography_parts(by_country, period.end)
    parts += _choice_parts(by_type, ActivityType.choices, Dimension.Kind.ACTIVITY_TYPE)
    parts += _level_parts(by_level)
    return parts


def participants_trained_total(programme: Programme, period: Period) -> Part:
    found = _year_cells(programme, period)
    if found is not None:
        return Part(Decimal(found[0]))
    firsts = _firsts(programme, period)
    if firsts is not None:
        return Part(Decimal(sum(people for country, _year, _sex, people in firsts if country == 0)))
    return Part(Decimal(trained_people(programme, period).count()))


register(
    Computation(
        key="activities_participants_trained",
        title={"en": "Participants trained", "fr": "Participants formés"},
        method={
            "en": "Distinct people trained in the programme's activities whose dates overlap the period (activities "
            "linked to one of its results, cancelled ones left out). A person is trained when their registration is "
            "marked completed or when they were present at one session at least. Each person counts once, whatever "
            "the number of activities. Broken down by sex, country (the person's, else their organisation's), UN M49 "
            "region, World Bank income group on the last day of the period, activity type and level (custom "
            "dimension); a person trained in two types or levels counts in each of them.",
            "fr": "Personnes distinctes formées lors des activités du programme dont les dates recoupent la période "
            "(activités liées à l'un de ses résultats, hors activités annulées). Une personne est formée quand son "
            "inscription est marquée comme achevée ou qu'elle a été présente à une séance au moins. Chaque personne "
            "compte une fois, quel que soit le nombre d'activités. Ventilé par sexe, pays (celui de la personne, à "
            "défaut celui de son organisation), région M49 de l'ONU, groupe de revenu de la Banque mondiale au dernier "
            "jour de la période, type et niveau d'activité (dimension personnalisée) ; une personne formée dans deux "
            "types ou niveaux compte dans chacun.",
        },
        measure=Measure.COUNT,
        sources=SOURCE,
        compute=participants_trained,
        additive=False,
        total=participants_trained_total,
        counts_people=True,
    )
)


def _countries_of_trained(programme: Programme, period: Period) -> list[int]:
    found = _year_cells(programme, period)
    if found is not None:
        return [key for key in found[1].get("country", {}) if key is not None]
    firsts = _firsts(programme, period)
    if firsts is not None:
        return sorted({country for country, _year, _sex, _people in firsts if country != 0})
    return list(
        trained_people(programme, period)
        .filter(reach_country__isnull=False)
        .order_by()
        .values_list("reach_country", flat=True)
        .distinct()
    )


def countries_reached(programme: Programme, period: Period) -> list[Part]:
    countries = _countries_of_trained(programme, period)
    by_country = Counter(dict.fromkeys(countries, 1))
    parts = [Part(Decimal(len(by_country)))]
    if by_country:
        parts += _geography_parts(by_country, period.end, kinds=(Dimension.Kind.REGION, Dimension.Kind.INCOME))
    return parts


register(
    Computation(
        key="activities_countries_reached",
        title={"en": "Countries reached by activities", "fr": "Pays touchés par les activités"},
        method={
            "en": "Distinct countries of the people trained in the programme's activities during the period (the "
            "person's country, else their organisation's; trained: completed or present at one session at least). "
            "Broken down by UN M49 region and World Bank income group on the last day of the period.",
            "fr": "Pays distincts des personnes formées lors des activités du programme pendant la période (pays de la "
            "personne, à défaut celui de son organisation ; formée : activité achevée ou présence à une séance au "
            "moins). Ventilé par région M49 de l'ONU et groupe de revenu de la Banque mondiale au dernier jour de la "
            "période.",
        },
        measure=Measure.COUNT,
        sources=SOURCE,
        compute=countries_reached,
        additive=False,
        total=lambda programme, period: Part(Decimal(len(_countries_of_trained(programme, period)))),
    )
)


def _nsbs_of_trained(programme: Programme, period: Period):
    found = _year_cells(programme, period)
    if found is not None:  # the bodies (of kind NSB when the summary read their people) of the people trained
        return Organisation.objects.filter(
            kind=Organisation.Kind.NSB, pk__in=[key for key in found[1].get("nsb", {}) if key is not None]
        )
    firsts = _firsts(programme, period, "first_nsb")
    if firsts is not None:
        return Organisation.objects.filter(kind=Organisation.Kind.NSB, pk__in={int(nsb) for _c, _y, nsb, _n in firsts})
    return Organisation.objects.filter(
        kind=Organisation.Kind.NSB, pk__in=trained_people(programme, period).values("organisation_id")
    )


def nsbs_reached(programme: Programme, period: Period) -> list[Part]:
    nsbs = _nsbs_of_trained(programme, period)
    by_country = Counter(dict(nsbs.order_by().values_list("country_id").annotate(n=Count("pk"))))
    total = sum(by_country.values())
    parts = [Part(Decimal(total))]
    if total:
        parts += _geography_parts(by_country, period.end, kinds=(Dimension.Kind.REGION, Dimension.Kind.INCOME))
    return parts


register(
    Computation(
        key="activities_nsbs_reached",
        title={"en": "National standards bodies reached", "fr": "Organismes nationaux de normalisation touchés"},
        method={
            "en": "Distinct national standards bodies (organisations of kind NSB) with at least one staff member "
            "trained in the programme's activities during the period (completed or present at one session at "
            "least). Broken down by UN M49 region and World Bank income group on the last day of the period.",
            "fr": "Organismes nationaux de normalisation distincts (organisations de type ONN) dont au moins un membre "
            "du personnel a été formé lors des activités du programme pendant la période (activité achevée ou "
            "présence à une séance au moins). Ventilé par région M49 de l'ONU et groupe de revenu de la Banque "
            "mondiale au dernier jour de la période.",
        },
        measure=Measure.COUNT,
        sources=SOURCE,
        compute=nsbs_reached,
        additive=False,
        total=lambda programme, period: Part(Decimal(_nsbs_of_trained(programme, period).count())),
    )
)


# Shares ----------------------------------------------------------------------------------------------------

RECORDED_SEXES = (Person.Sex.FEMALE, Person.Sex.MALE, Person.Sex.OTHER)


def women_share_total(programme: Programme, period: Period) -> Part | None:
    found = _year_cells(programme, period)
    firsts = _firsts(programme, period) if found is None else None
    if found is not None:
        sexes = found[1].get("sex", {})
        totals = {"n": sum(sexes.get(sex, 0) for sex in RECORDED_SEXES), "women": sexes.get(Person.Sex.FEMALE, 0)}
    elif firsts is not None:
        everyone = [(sex, people) for country, _year, sex, people in firsts if country == 0]
        totals = {
            "n": sum(people for sex, people in everyone if sex in RECORDED_SEXES),
            "women": sum(people for sex, people in everyone if sex == Person.Sex.FEMALE),
        }
    else:
        totals = (
            trained_people(programme, period)
            .filter(sex__in=RECORDED_SEXES)
            .aggregate(n=Count("pk"), women=Count("pk", filter=Q(sex=Person.Sex.FEMALE)))
        )
    return _share(totals["women"], totals["n"]) if totals["n"] else None


def women_share(programme: Programme, period: Period) -> list[Part]:
    total = women_share_total(programme, period)
    if total is None:
        return []
    people = trained_people(programme, period).filter(sex__in=RECORDED_SEXES)
    women = Count("pk", filter=Q(sex=Person.Sex.FEMALE))
    parts = [total]
    by_country = people.order_by().values_list("reach_country").annotate(n=Count("pk"), women=women)
    on = period.end
    countries = {
        c.pk: c
        for c in countries_with_classifications(on=on)
        .filter(pk__in=[row[0] for row in by_country if row[0]])
        .select_related("region")
    }
    regions: dict = {}
    for pk, n, w in by_country:
        region = countries[pk].region if pk else None
        code = region.m49 if region else UNKNOWN
        name = dict(region.name) if region else UNKNOWN_NAME
        total_n, total_w, _name = regions.get(code, (0, 0, name))
        regions[code] = (total_n + n, total_w + w, name)
    for code in sorted(regions, key=lambda c: (c == UNKNOWN, c)):
        n, w, name = regions[code]
        parts.append(_share(w, n, Dimension.Kind.REGION, code, name))
    trained = trained_in(programme, period).filter(person__sex__in=RECORDED_SEXES).order_by()
    by_type = trained.values_list("activity__type").annotate(
        n=Count("person_id", distinct=True),
        women=Count("person_id", distinct=True, filter=Q(person__sex=Person.Sex.FEMALE)),
    )
    labels = dict(ActivityType.choices)
    for code, n, w in sorted(by_type, key=lambda row: list(labels).index(row[0])):
        parts.append(_share(w, n, Dimension.Kind.ACTIVITY_TYPE, code, both_languages(labels[code])))
    return parts


register(
    Computation(
        key="activities_women_share",
        title={
            "en": "Share of women among participants trained",
            "fr": "Part des femmes parmi les participants formés",
        },
        method={
            "en": "Women among the distinct people trained in the programme's activities during the period (completed "
            "or present at one session at least), as a percentage of those whose sex is recorded (female, male or "
            "other; blank and 'prefer not to say' left out). Broken down by UN M49 region and activity type, each "
            "with its numerator and denominator.",
            "fr": "Femmes parmi les personnes distinctes formées lors des activités du programme pendant la période "
            "(activité achevée ou présence à une séance au moins), en pourcentage de celles dont le sexe est renseigné "
            "(femme, homme ou autre ; non renseigné et « préfère ne pas répondre » exclus). Ventilé par région M49 de "
            "l'ONU et type d'activité, chacun avec son numérateur et son dénominateur.",
        },
        measure=Measure.PERCENTAGE,
        sources=SOURCE,
        compute=women_share,
        additive=False,
        total=women_share_total,
    )
)


def knowledge_gain(programme: Programme, period: Period) -> list[Part]:
    gain = ExpressionWrapper(
        F("post_test_score") - F("pre_test_score"), output_field=DecimalField(max_digits=6, decimal_places=2)
    )
    totals = (
        registrations_in(programme, period)
        .filter(pre_test_score__isnull=False, post_test_score__isnull=False)
        .aggregate(n=Count("pk"), total=Sum(gain))
    )
    if not totals["n"]:
        return []
    return [Part((Decimal(totals["total"]) / totals["n"]).quantize(CENTI))]


register(
    Computation(
        key="activities_knowledge_gain",
        title={"en": "Average knowledge gain (points)", "fr": "Gain moyen de connaissances (points)"},
        method={
            "en": "Average, over the registrations in the programme's activities during the period that have both "
            "scores, of the post-test score minus the pre-test score (scores out of 100), in points. An average does "
            "not add up across periods: link it to a non-summing indicator.",
            "fr": "Moyenne, sur les inscriptions aux activités du programme pendant la période qui ont les deux notes, "
            "de la note du test final moins celle du test initial (notes sur 100), en points. Une moyenne ne "
            "s'additionne pas d'une période à l'autre : liez-la à un indicateur non cumulatif (dernière valeur).",
        },
        measure=Measure.COUNT,
        sources=SOURCE,
        compute=knowledge_gain,
    )
)


def _response_shares(queryset, yes: Q) -> list[Part]:
    totals = queryset.aggregate(n=Count("pk"), yes=Count("pk", filter=yes))
    if not totals["n"]:
        return []
    parts = [_share(totals["yes"], totals["n"])]
    labels = dict(ActivityType.choices)
    by_type = queryset.order_by().values_list("activity__type").annotate(n=Count("pk"), yes=Count("pk", filter=yes))
    for code, n, y in sorted(by_type, key=lambda row: list(labels).index(row[0])):
        parts.append(_share(y, n, Dimension.Kind.ACTIVITY_TYPE, code, both_languages(labels[code])))
    return parts


def satisfied_share(programme: Programme, period: Period) -> list[Part]:
    answered = registrations_in(programme, period).filter(satisfaction__isnull=False)
    return _response_shares(answered, Q(satisfaction__gte=4))


register(
    Computation(
        key="activities_satisfied_share",
        title={"en": "Share of satisfied participants", "fr": "Part des participants satisfaits"},
        method={
            "en": "Among the satisfaction surveys answered for the programme's activities during the period (one per "
            "registration), the percentage rating 4 or 5 out of 5. Broken down by activity type.",
            "fr": "Parmi les enquêtes de satisfaction remplies pour les activités du programme pendant la période (une "
            "par inscription), le pourcentage de notes de 4 ou 5 sur 5. Ventilé par type d'activité.",
        },
        measure=Measure.PERCENTAGE,
        sources=SOURCE,
        compute=satisfied_share,
    )
)


def applied_share(programme: Programme, period: Period) -> list[Part]:
    answered = registrations_in(programme, period).filter(followup_applied__in=FollowUp.values)
    return _response_shares(answered, Q(followup_applied__in=(FollowUp.YES, FollowUp.PARTLY)))


register(
    Computation(
        key="activities_applied_share",
        title={
            "en": "Share of participants who applied what they learned",
            "fr": "Part des participants ayant appliqué ce qu'ils ont appris",
        },
        method={
            "en": "Among the follow-up surveys answered for the programme's activities during the period (one per "
            "registration; the period is the activity's, not the survey's), the percentage answering that they "
            "applied what they learned, fully ('yes') or in part ('partly'). Broken down by activity type.",
            "fr": "Parmi les enquêtes de suivi remplies pour les activités du programme pendant la période (une par "
            "inscription ; la période est celle de l'activité, non celle de l'enquête), le pourcentage de personnes "
            "déclarant avoir appliqué ce qu'elles ont appris, entièrement (« oui ») ou en partie (« en partie »). "
            "Ventilé par type d'activité.",
        },
        measure=Measure.PERCENTAGE,
        sources=SOURCE,
        compute=applied_share,
    )
)


# Activities ------------------------------------------------------------------------------------------------


def activities_delivered(programme: Programme, period: Period) -> list[Part]:
    activities = activities_in(programme, period).order_by()
    by_type = dict(activities.values_list("type").annotate(n=Count("pk")))
    total = sum(by_type.values())
    parts = [Part(Decimal(total))]
    if total:
        parts += _choice_parts(by_type, ActivityType.choices, Dimension.Kind.ACTIVITY_TYPE)
        parts += _level_parts(dict(activities.values_list("level").annotate(n=Count("pk"))))
    return parts


register(
    Computation(
        key="activities_by_type_and_level",
        title={"en": "Activities held, by type and level", "fr": "Activités menées, par type et par niveau"},
        method={
            "en": "Activities linked to one of the programme's results whose dates overlap the period, cancelled ones "
            "left out; broken down by activity type and by level (global, regional, national; custom dimension).",
            "fr": "Activités liées à l'un des résultats du programme dont les dates recoupent la période, hors "
            "activités annulées ; ventilé par type d'activité et par niveau (mondial, régional, national ; dimension "
            "personnalisée).",
        },
        measure=Measure.COUNT,
        sources=SOURCE,
        compute=activities_delivered,
    )
)
