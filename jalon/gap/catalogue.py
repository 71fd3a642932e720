"""The standard gap indicators over the five disparities of Res. 44, created by `indicators_ensure` (the
demo and the tests load them; a deployment loads them once and curates them from there)."""

from jalon.gap.models import GapIndicator, Pillar
from jalon.gap.services import indicator_save

COMPUTED = GapIndicator.Source.COMPUTED
IMPORTED = GapIndicator.Source.IMPORTED
MANUAL = GapIndicator.Source.MANUAL

# The committees a committee-based indicator counts (see GapIndicator.Body); the others count every body's.
BODIES = {
    "p-share": "owner",
    "p-share-iso": "iso",
    "p-share-itu": "itu_t",
    "leadership-iso": "iso",
    "meetings-itu": "itu_t",
}

# code, pillar, source, computation, unit, (lo, hi) goalposts, name en, name fr, definition en, definition fr
INDICATORS = [
    (
        "population",
        "",
        IMPORTED,
        "",
        "inhabitants",
        (None, None),
        "Population",
        "Population",
        "Inhabitants (a denominator).",
        "Nombre d’habitants (dénominateur).",
    ),
    (
        "p-share",
        Pillar.PARTICIPATION,
        COMPUTED,
        "p_share",
        "%",
        (0, 50),
        "P-memberships over the owner's active committees",
        "Participation P dans les comités actifs de l’organisation propriétaire",
        "Share of the active committees of the body that owns the programme (ISO or ITU-T), known to jalon, in "
        "which an organisation of the country is a P-member.",
        "Part des comités actifs de l’organisation propriétaire du programme (ISO ou UIT-T), connus de jalon, dont "
        "une organisation du pays est membre P.",
    ),
    (
        "p-share-iso",
        Pillar.PARTICIPATION,
        COMPUTED,
        "p_share",
        "%",
        (0, 50),
        "P-memberships over active ISO committees",
        "Participation P dans les comités actifs de l’ISO",
        "Share of the active ISO committees (with the joint IEC/ISO ones) known to jalon in which an organisation of "
        "the country is a P-member.",
        "Part des comités actifs de l’ISO (y compris les comités mixtes CEI/ISO) connus de jalon dont une "
        "organisation du pays est membre P.",
    ),
    (
        "p-share-itu",
        Pillar.PARTICIPATION,
        COMPUTED,
        "p_share",
        "%",
        (0, 50),
        "Membership of active ITU-T study groups",
        "Participation aux commissions d’études actives de l’UIT-T",
        "Share of the active ITU-T study groups known to jalon in which an organisation of the country is a "
        "participating member.",
        "Part des commissions d’études actives de l’UIT-T connues de jalon dont une organisation du pays est membre "
        "participant.",
    ),
    (
        "meetings-itu",
        Pillar.PARTICIPATION,
        COMPUTED,
        "meetings_attended",
        "meetings",
        (0, 10),
        "ITU-T meetings attended",
        "Réunions de l’UIT-T suivies",
        "Distinct ITU-T study group meetings with a delegate of the country present, in the window.",
        "Réunions distinctes de commissions d’études de l’UIT-T où un délégué du pays était présent, dans la période.",
    ),
    (
        "leadership",
        Pillar.PARTICIPATION,
        COMPUTED,
        "leadership",
        "positions",
        (0, 20),
        "Leadership positions held",
        "Postes de direction occupés",
        "Chairs, vice-chairs, convenors and secretariats held by the country's organisations on the date.",
        "Présidences, vice-présidences, animations et secrétariats tenus par les organisations du pays à la date.",
    ),
    (
        "leadership-iso",
        Pillar.PARTICIPATION,
        COMPUTED,
        "leadership",
        "positions",
        (0, 20),
        "Leadership positions held in ISO",
        "Postes de direction occupés à l’ISO",
        "Chairs, vice-chairs, convenors and secretariats of ISO committees (with the joint IEC/ISO ones) held by "
        "the country's organisations on the date.",
        "Présidences, vice-présidences, animations et secrétariats de comités de l’ISO (y compris les comités "
        "mixtes CEI/ISO) tenus par les organisations du pays à la date.",
    ),
    (
        "meetings",
        Pillar.PARTICIPATION,
        COMPUTED,
        "meetings_attended",
        "meetings",
        (0, 30),
        "Committee meetings attended",
        "Réunions de comités suivies",
        "Distinct committee meetings with a delegate of the country present, in the window.",
        "Réunions de comités distinctes où un délégué du pays était présent, dans la période.",
    ),
    (
        "contributions",
        Pillar.PARTICIPATION,
        COMPUTED,
        "contributions",
        "documents",
        (0, 50),
        "Contributions submitted",
        "Contributions soumises",
        "Written contributions submitted to committee meetings by the country's organisations, in the window.",
        "Contributions écrites soumises aux réunions de comités par les organisations du pays, dans la période.",
    ),
    (
        "trained",
        Pillar.HUMAN_RESOURCES,
        COMPUTED,
        "trained",
        "people per million inhabitants",
        # Two people a year per million inhabitants (36 for Senegal) is a programme's strong result.
        (0, 2),
        "People trained per million inhabitants",
        "Personnes formées par million d’habitants",
        "Distinct people who completed a capacity-building activity in the window, per million inhabitants.",
        "Personnes distinctes ayant achevé une activité de renforcement des capacités dans la période, "
        "par million d’habitants.",
    ),
    (
        "sponsored",
        Pillar.HUMAN_RESOURCES,
        COMPUTED,
        "sponsored_delegates",
        "delegates",
        (0, 10),
        "Sponsored delegates who attended",
        "Délégués parrainés présents",
        "Sponsored delegates present at a committee meeting in the window.",
        "Délégués parrainés présents à une réunion de comité dans la période.",
    ),
    (
        "fellowships",
        Pillar.HUMAN_RESOURCES,
        COMPUTED,
        "fellowships",
        "fellowships",
        (0, 10),
        "Fellowships awarded",
        "Bourses attribuées",
        "ITU fellowships awarded for meetings in the window.",
        "Bourses de l’UIT attribuées pour des réunions dans la période.",
    ),
    (
        "identical-adoptions",
        Pillar.VOLUNTARY_STANDARDS,
        IMPORTED,
        "",
        "%",
        (0, 100),
        "National standards identical to international ones",
        "Normes nationales identiques aux normes internationales",
        "Share of the national standards catalogue that are identical adoptions of international standards.",
        "Part du catalogue national constituée d’adoptions identiques de normes internationales.",
    ),
    (
        "tbt-enquiry-point",
        Pillar.TECHNICAL_REGULATIONS,
        IMPORTED,
        "",
        "yes = 1",
        (0, 1),
        "TBT enquiry point in place",
        "Point d’information OTC en place",
        "The country has notified a WTO TBT enquiry point (1) or not (0).",
        "Le pays a notifié un point d’information OTC de l’OMC (1) ou non (0).",
    ),
    (
        "tbt-notifications",
        Pillar.TECHNICAL_REGULATIONS,
        IMPORTED,
        "",
        "notifications",
        (0, 40),
        "TBT notifications",
        "Notifications OTC",
        "Notifications of draft technical regulations to the WTO TBT committee in the last year.",
        "Notifications de projets de règlements techniques au comité OTC de l’OMC dans l’année.",
    ),
    (
        "ilac-iaf",
        Pillar.CONFORMITY_ASSESSMENT,
        IMPORTED,
        "",
        "yes = 1",
        (0, 1),
        "Accreditation body signatory of ILAC/IAF",
        "Organisme d’accréditation signataire ILAC/IAF",
        "A national accreditation body is a signatory of the ILAC MRA or the IAF MLA (1) or not (0).",
        "Un organisme national d’accréditation est signataire de l’ILAC MRA ou de l’IAF MLA (1) ou non (0).",
    ),
    (
        "cmcs",
        Pillar.CONFORMITY_ASSESSMENT,
        IMPORTED,
        "",
        "CMCs",
        (0, 500),
        "Calibration and measurement capabilities",
        "Aptitudes en matière de mesures et d’étalonnages",
        "CMCs published in the BIPM key comparison database.",
        "CMC publiées dans la base de données des comparaisons clés du BIPM.",
    ),
    (
        "nss-adopted",
        Pillar.VOLUNTARY_STANDARDS,
        MANUAL,
        "",
        "yes = 1",
        (0, 1),
        "National standardization strategy adopted",
        "Stratégie nationale de normalisation adoptée",
        "The country has adopted a national standardization strategy (1) or not (0), with the document as evidence.",
        "Le pays a adopté une stratégie nationale de normalisation (1) ou non (0), avec le document pour justificatif.",
    ),
]


def indicators_ensure(*, actor=None, is_demo: bool = False) -> dict[str, GapIndicator]:
    """Create the standard indicators that do not exist yet (existing ones are left as curated)."""
    existing = {i.code: i for i in GapIndicator.objects.all()}
    for code, pillar, source, computation, unit, (low, high), name_en, name_fr, def_en, def_fr in INDICATORS:
        if code in existing:
            continue
        extra: dict = {"body": BODIES.get(code, "")}
        if code == "trained":
            extra |= {"denominator": existing["population"], "per": 1_000_000.0}
        existing[code] = indicator_save(
            actor=actor,
            code=code,
            source=source,
            pillar=pillar,
            name={"en": name_en, "fr": name_fr},
            definition={"en": def_en, "fr": def_fr},
            unit=unit,
            computation=computation,
            goal_low=low,
            goal_high=high,
            is_demo=is_demo,
            **extra,
        )
    return existing
