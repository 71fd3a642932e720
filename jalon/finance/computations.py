"""The finance indicators for the results engine (source "finance": every ledger write refreshes them).

ILO seed 004: 1.1 share of the baseline's resource gaps filled, 1.2 share of voluntary contributions through the
aligned channels, 2.1 share of proposals approved through the quality appraisal, 2.2 delivery rate. Each is a
percentage computed in the programme's currency, with its numerator and denominator."""

from jalon.finance import selectors
from jalon.results.computations import Computation, Part, register
from jalon.results.models import Measure, Period, Programme

SOURCES = frozenset({"finance"})


def _parts(ratio) -> list[Part]:
    if ratio is None or ratio.value is None:
        return []
    return [Part(ratio.value, numerator=ratio.numerator, denominator=ratio.denominator)]


def _gaps(programme: Programme, period: Period) -> list[Part]:
    return _parts(selectors.gaps_filled(programme, period))


def _channels(programme: Programme, period: Period) -> list[Part]:
    return _parts(selectors.aligned_channels(programme, period))


def _appraised(programme: Programme, period: Period) -> list[Part]:
    return _parts(selectors.proposals_appraised(programme, period))


def _delivery(programme: Programme, period: Period) -> list[Part]:
    return _parts(selectors.delivery_rate(programme, period))


def register_all() -> None:
    register(
        Computation(
            key="finance_gaps_filled",
            title={
                "en": "Share of the resource gaps identified at the baseline that has been filled",
                "fr": "Part des déficits de ressources identifiés au départ qui a été comblée",
            },
            method={
                "en": "Per outcome, the baseline gap is the resource gap of the baseline period (required minus "
                "available: approved allocations plus signed, unallocated contributions earmarked for it). Filled: "
                "the signed contributions earmarked for the outcome dated after the baseline period and up to the "
                "end of the period, up to its gap. Value = sum filled / sum of the baseline gaps, in the "
                "programme's currency.",
                "fr": "Pour chaque résultat, le déficit de départ est le déficit de ressources de la période de "
                "référence (besoins moins ressources disponibles : allocations approuvées et contributions signées "
                "non allouées qui lui sont affectées). Comblé : les contributions signées affectées au résultat, "
                "datées après la période de référence et jusqu'à la fin de la période, dans la limite de son "
                "déficit. Valeur = somme comblée / somme des déficits de départ, dans la monnaie du programme.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=_gaps,
        )
    )
    register(
        Computation(
            key="finance_aligned_channels",
            title={
                "en": "Share of voluntary contributions mobilised through the aligned channels",
                "fr": "Part des contributions volontaires mobilisées par les canaux alignés",
            },
            method={
                "en": "Signed voluntary contributions dated in the period whose channel is the RBSA, a quality "
                "partnership agreement, a One UN fund or direct support to the results framework, over all signed "
                "voluntary contributions dated in the period, converted into the programme's currency.",
                "fr": "Contributions volontaires signées datées dans la période dont le canal est le CSBO, un accord "
                "de partenariat de qualité, un fonds « Unis dans l'action » ou un soutien direct au cadre de "
                "résultats, sur l'ensemble des contributions volontaires signées datées dans la période, converties "
                "dans la monnaie du programme.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=_channels,
        )
    )
    register(
        Computation(
            key="finance_proposals_appraised",
            title={
                "en": "Share of proposals approved through the quality appraisal",
                "fr": "Part des propositions approuvées au moyen de l'évaluation de la qualité",
            },
            method={
                "en": "Proposals approved in the period after an appraisal that met the programme's approval rule, "
                "over all proposals approved in the period.",
                "fr": "Propositions approuvées dans la période après une évaluation conforme à la règle "
                "d'approbation du programme, sur l'ensemble des propositions approuvées dans la période.",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=_appraised,
        )
    )
    register(
        Computation(
            key="finance_delivery_rate",
            title={
                "en": "Delivery rate (expenditure / allocations)",
                "fr": "Taux d'exécution (dépenses / allocations)",
            },
            method={
                "en": "Expenditure and disbursements dated in the period over the approved allocations of the "
                "period, extra-budgetary funds only (every fund but the regular budget), converted into the "
                "programme's currency (ILO GB.267/TC/1).",
                "fr": "Dépenses et décaissements datés dans la période sur les allocations approuvées de la période, "
                "fonds extrabudgétaires seulement (tous les fonds sauf le budget ordinaire), convertis dans la "
                "monnaie du programme (BIT GB.267/TC/1).",
            },
            measure=Measure.PERCENTAGE,
            sources=SOURCES,
            compute=_delivery,
        )
    )
