"""Computed indicators of knowledge's lessons, library and products (source "knowledge": its writes refresh
them): the share of new proposals citing a validated lesson, downloads of resources from developing countries,
products from developing-country manufacturers with a claim in force, and accredited or recognised laboratories in
developing countries. "Developing" follows the programme's rule on the period's last day (the forum's and the
roster's indicators are registered by their own module)."""

from decimal import Decimal

from jalon.knowledge.selectors.lessons import proposals_citing_lessons
from jalon.knowledge.selectors.library import downloads_from
from jalon.knowledge.selectors.products import laboratories_accredited_or_recognised, products_with_live_claims
from jalon.reference.models import Classification
from jalon.reference.selectors import developing_countries
from jalon.results.computations import Computation, Part, programme_rule, register
from jalon.results.models import Measure, Programme

SOURCES = frozenset({"knowledge", "reference"})


def _developing(programme: Programme, period):
    """The developing countries under the programme's rule at the period's end, or None when no loaded vintage
    says (no value rather than a false zero)."""
    on = programme.developing_rule_as_of or period.end
    rule = programme_rule(programme)
    schemes = {condition["scheme"] for condition in rule.conditions}
    if not Classification.objects.filter(scheme__in=schemes, valid_from__lte=on).exists():
        return None
    return developing_countries(rule=rule, on=on)


def _uptake(programme: Programme, period) -> list[Part]:
    ratio = proposals_citing_lessons(programme=programme, start=period.start, end=period.end)
    if ratio.value is None:
        return []
    return [Part(ratio.value, numerator=ratio.numerator, denominator=ratio.denominator)]


def _downloads(programme: Programme, period) -> list[Part]:
    countries = _developing(programme, period)
    if countries is None:
        return []
    return [Part(Decimal(downloads_from(countries=countries, start=period.start, end=period.end)))]


def _products(programme: Programme, period) -> list[Part]:
    countries = _developing(programme, period)
    if countries is None:
        return []
    return [Part(Decimal(products_with_live_claims(day=period.end, countries=countries)))]


def _laboratories(programme: Programme, period) -> list[Part]:
    countries = _developing(programme, period)
    if countries is None:
        return []
    return [Part(Decimal(laboratories_accredited_or_recognised(countries=countries)))]


def register_all() -> None:
    register(
        Computation(
            key="knowledge_lesson_uptake",
            title={
                "en": "Share of new proposals citing a validated lesson",
                "fr": "Part des nouvelles propositions citant un enseignement validé",
            },
            method={
                "en": "Proposals of the programme created in the period that cite at least one validated or "
                "published lesson (recorded on the proposal's page with how it was applied), over all proposals "
                "of the programme created in the period.",
                "fr": "Propositions du programme créées dans la période qui citent au moins un enseignement validé "
                "ou publié (enregistré sur la page de la proposition avec la façon dont il a été appliqué), sur "
                "l'ensemble des propositions du programme créées dans la période.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=_uptake,
        )
    )
    register(
        Computation(
            key="knowledge_downloads_developing",
            title={
                "en": "Downloads of library resources from developing countries",
                "fr": "Téléchargements de ressources de la bibliothèque depuis des pays en développement",
            },
            method={
                "en": "Downloads of published resources of the library dated in the period whose country (the "
                "signed-in person's organisation's, or the one chosen on download) is a developing country under "
                "the programme's rule on the period's last day. Counted per country and day, anonymously.",
                "fr": "Téléchargements de ressources publiées de la bibliothèque datés dans la période dont le pays "
                "(celui de l'organisation de la personne connectée, ou celui choisi au téléchargement) est un pays "
                "en développement selon la règle du programme au dernier jour de la période. Comptés par pays et "
                "par jour, anonymement.",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=_downloads,
        )
    )
    register(
        Computation(
            key="knowledge_products_developing",
            title={
                "en": "Products from developing-country manufacturers with a published conformity claim",
                "fr": "Produits de fabricants de pays en développement ayant une déclaration de conformité publiée",
            },
            method={
                "en": "Products made in a developing country (the programme's rule on the period's last day) with at "
                "least one conformity claim published by then and still in force on that day: an expired or "
                "withdrawn claim does not count.",
                "fr": "Produits fabriqués dans un pays en développement (règle du programme au dernier jour de la "
                "période) ayant au moins une déclaration de conformité publiée à cette date et encore en vigueur ce "
                "jour-là : une déclaration expirée ou retirée ne compte pas.",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=_products,
            additive=False,
        )
    )
    register(
        Computation(
            key="knowledge_laboratories_developing",
            title={
                "en": "Accredited or recognised test laboratories in developing countries",
                "fr": "Laboratoires d'essai accrédités ou reconnus dans des pays en développement",
            },
            method={
                "en": "Test laboratories recorded in the database of conforming products, in a developing country "
                "(the programme's rule on the period's last day), accredited by a signatory of the ILAC "
                "arrangement (with an accreditation number) or recognised by ITU.",
                "fr": "Laboratoires d'essai enregistrés dans la base des produits conformes, dans un pays en "
                "développement (règle du programme au dernier jour de la période), accrédités par un signataire de "
                "l'arrangement de l'ILAC (avec un numéro d'accréditation) ou reconnus par l'UIT.",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=_laboratories,
            additive=False,
        )
    )
