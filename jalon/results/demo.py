"""Demo data for the results frameworks: indicators the ISO seed does not give (labelled demo) and a
deterministic synthetic history of measurements, so that every status shows. Never loaded outside
`jalon demo`."""

import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from jalon.organisations.models import Organisation
from jalon.results import services
from jalon.results.computations import indicator_link_computation
from jalon.results.models import (
    Dimension,
    DimensionValue,
    Indicator,
    Measure,
    Milestone,
    Programme,
    Result,
)
from jalon.results.progress_cache import progress_changed

DEMO_NOTE = {
    "fr": "Indicateur de démonstration : absent du plan d'action ISO.",
    "en": "Demo indicator: not in the ISO Action Plan.",
}

# (result code, indicator code, titles, measure, baseline, yearly milestones 2021-2025, direction)
ISO_DEMO_INDICATORS = (
    (
        "IO2.1",
        "D1",
        {
            "fr": "Participants formés aux bonnes pratiques de normalisation (BPN)",
            "en": "Participants trained in Good Standardization Practices (GSP)",
        },
        Measure.COUNT,
        0,
        (150, 300, 450, 600, 750),
        "ascending",
        "cumulative",
    ),
    (
        "IO6",
        "D2",
        {
            "fr": "Membres de pays en développement membres P d'au moins un comité",
            "en": "Developing-country members that are P-members of at least one committee",
        },
        Measure.PERCENTAGE,
        60,
        (62, 65, 68, 71, 75),
        "ascending",
        "latest",
    ),
    (
        "IO4.2",
        "D3",
        {
            "fr": "Délai moyen de réponse aux demandes d'appui (jours)",
            "en": "Average response time to support requests (days)",
        },
        Measure.COUNT,
        40,
        (36, 32, 28, 24, 20),
        "descending",
        "latest",
    ),
    (
        "IO5.1",
        "D4",
        {
            "fr": "Membres ayant adopté une politique d'égalité des genres",
            "en": "Members that adopted a gender equality policy",
        },
        Measure.COUNT,
        5,
        (10, 15, 20, 25, 30),
        "ascending",
        "latest",
    ),
)


# One demo indicator lags far behind, so that "off track" shows too.
LAGGING = {"D4": Decimal("0.4")}
# The narrative of a lagging demo indicator, as an M&E officer would write it.
DEMO_NARRATIVE = {
    "achieved": {
        "fr": "Deux des cinq ateliers prévus ont eu lieu.",
        "en": "Two of the five planned workshops took place.",
    },
    "variance": {
        "fr": "Trois ateliers reportés : les experts n'ont pas obtenu leur visa à temps.",
        "en": "Three workshops postponed: the experts did not get their visas in time.",
    },
    "next_steps": {
        "fr": "Ateliers en ligne au premier trimestre, visas demandés six mois à l'avance.",
        "en": "Online workshops in the first quarter; visas requested six months ahead.",
    },
}


@transaction.atomic
def demo_history_build(*, actor, reporter, organisation: Organisation) -> int:
    """Add the demo indicators and history; returns the number of measurements created."""
    rng = random.Random(2021)  # noqa: S311 - deterministic demo data, not security
    programme = Programme.objects.get(code="iso-ap-2021-2025")
    periods = list(programme.periods.all())
    sex, _created = Dimension.objects.get_or_create(
        programme=programme, code="sex", defaults={"kind": Dimension.Kind.SEX, "name": {"fr": "Sexe", "en": "Sex"}}
    )
    female, _created = DimensionValue.objects.get_or_create(
        dimension=sex, code="female", defaults={"name": {"fr": "Femmes", "en": "Women"}, "order": 1}
    )
    male, _created = DimensionValue.objects.get_or_create(
        dimension=sex, code="male", defaults={"name": {"fr": "Hommes", "en": "Men"}, "order": 2}
    )
    created = 0
    for result_code, code, title, measure, baseline, milestones, direction, cumulation in ISO_DEMO_INDICATORS:
        result = Result.objects.get(programme=programme, code=result_code)
        indicator, _created = Indicator.objects.update_or_create(
            result=result,
            code=code,
            defaults={
                "title": title,
                "definition": DEMO_NOTE,
                "measure": measure,
                "direction": direction,
                "cumulation": cumulation,
                "baseline_value": Decimal(baseline),
                "baseline_year": 2020,
                "target_value": Decimal(milestones[-1]),
                "is_demo": True,
            },
        )
        if measure == Measure.COUNT and cumulation == "cumulative":
            indicator.dimensions.add(sex)
        for period, value in zip(periods, milestones, strict=True):
            Milestone.objects.update_or_create(indicator=indicator, period=period, defaults={"value": Decimal(value)})
        if indicator.dimensions.exists():
            # Parity as the target by sex: half of each milestone for women, half for men.
            services.disaggregated_targets_save(
                actor=actor,
                indicator=indicator,
                targets={
                    (period.pk, value.pk): (Decimal(milestone) / 2).quantize(Decimal(1))
                    for period, milestone in zip(periods, milestones, strict=True)
                    for value in (female, male)
                },
            )
        if code in LAGGING:
            services.narrative_save(
                actor=reporter,
                indicator=indicator,
                period=periods[2],
                achieved=DEMO_NARRATIVE["achieved"],
                variance=DEMO_NARRATIVE["variance"],
                next_steps=DEMO_NARRATIVE["next_steps"],
            )
        if indicator.measurements.exists():
            continue
        # Four reported years: approved, approved, approved (one late), the last one waiting or returned.
        level = Decimal(baseline)
        for index, period in enumerate(periods[:4]):
            step = Decimal(milestones[index]) - (Decimal(milestones[index - 1]) if index else Decimal(baseline))
            achieved = step * Decimal(rng.choice(["0.5", "0.8", "0.95", "1.1"])) * LAGGING.get(code, Decimal(1))
            level = level + achieved
            kwargs: dict[str, Any] = {"organisation": organisation, "comment": "Demo"}
            if measure == Measure.PERCENTAGE:
                denominator = Decimal(120)
                kwargs |= {"numerator": (level * denominator / 100).quantize(Decimal(1)), "denominator": denominator}
            else:
                kwargs["value"] = (achieved if cumulation == "cumulative" else level).quantize(Decimal(1))
            measurement = services.measurement_create(
                actor=reporter, indicator=indicator, period=period, submit=True, **kwargs
            )
            created += 1
            if index < 3:
                services.measurement_review(actor=actor, measurement=measurement, approve=True)
            elif code == "D3":
                services.measurement_review(
                    actor=actor,
                    measurement=measurement,
                    approve=False,
                    note="Joindre le rapport du service d'assistance. / Attach the help desk report.",
                )
                services.measurement_comment_add(
                    actor=reporter,
                    measurement=measurement,
                    body="Le rapport est en cours de signature. / The report is being signed.",
                )
            if indicator.dimensions.exists() and index < 3:
                women = (kwargs["value"] * Decimal("0.45")).quantize(Decimal(1))
                for value, dimension_value in ((women, female), (kwargs["value"] - women, male)):
                    split = services.measurement_create(
                        actor=reporter,
                        indicator=indicator,
                        period=period,
                        submit=True,
                        organisation=organisation,
                        value=value,
                        dimension_value=dimension_value,
                    )
                    services.measurement_review(actor=actor, measurement=split, approve=True)
                    created += 1
    # A computed indicator: it fills itself from the ISO membership data, period by period.
    computed, _created = Indicator.objects.update_or_create(
        result=Result.objects.get(programme=programme, code="IO6"),
        code="D5",
        defaults={
            "title": {
                "fr": "Membres de l'ISO de pays en développement (calculé)",
                "en": "ISO members from developing countries (computed)",
            },
            "definition": DEMO_NOTE,
            "measure": Measure.COUNT,
            "cumulation": "latest",
            "baseline_value": Decimal(100),
            "baseline_year": 2023,
            "target_value": Decimal(110),
            "is_demo": True,
        },
    )
    for period in periods[3:]:
        Milestone.objects.update_or_create(
            indicator=computed, period=period, defaults={"value": Decimal(105 if period.code == "2024" else 110)}
        )
    if computed.source != Indicator.Source.COMPUTED:
        indicator_link_computation(actor=actor, indicator=computed, key="developing_members_by_region")
    # The demo indicators and milestones above are written directly, not through the services.
    progress_changed(programme)
    return created


def demo_results_build(context) -> None:
    """The demo's part of results: the seed frameworks, then a synthetic history of values for them."""
    services.frameworks_load()
    demo_history_build(
        actor=context.users["manager"], reporter=context.users["focal"], organisation=context.organisation
    )
