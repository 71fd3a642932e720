"""Demo lessons, library and products (`jalon demo` only), labelled demo, all fictional:
- lessons tied to the ILO framework (a lesson validated for outcome 2, offered on that outcome's proposals; a
  published good practice for outcome 3) and to the ISO Action Plan (a published lesson on outcome O2, from a
  twinning evaluation, for Kenya and Senegal);
- a guide in the library in English and French, one item with two files, published;
- a technology and its ITU-T Recommendations, a manufacturer in Kenya, an accredited test laboratory, a product
  with a published claim in force, and one whose claim has expired (it shows in no public list).
Built through the services; running it twice adds nothing."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from jalon.knowledge.models import ConformityClaim, Lesson, Resource, Technology
from jalon.knowledge.services import lessons, library, products
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, Language
from jalon.results.models import Result

DEMO = {"en": " (demo, fictional)", "fr": " (démonstration, fictif)"}


def _text(en: str, fr: str) -> dict:
    return {"en": en + DEMO["en"], "fr": fr + DEMO["fr"]}


def _result(programme: str, code: str) -> Result | None:
    return Result.objects.filter(programme__code=programme, code=code).first()


def _lessons(actor) -> None:
    if Lesson.objects.filter(is_demo=True).exists():
        return
    kenya, senegal = Country.objects.filter(iso3="KEN").first(), Country.objects.filter(iso3="SEN").first()
    countries = [country for country in (kenya, senegal) if country is not None]
    ilo_2, ilo_3, iso_o2 = (
        _result("ilo-tc-2010-2015", "2"),
        _result("ilo-tc-2010-2015", "3"),
        _result("iso-ap-2021-2025", "O2"),
    )
    if ilo_2 is not None:
        lesson = lessons.lesson_create(
            actor=actor,
            is_demo=True,
            kind=Lesson.Kind.LESSON,
            title=_text(
                "Agree the results framework with the constituents before the project starts",
                "Convenir du cadre de résultats avec les mandants avant le démarrage du projet",
            ),
            description=_text(
                "Projects whose indicators were agreed with the tripartite constituents at design reported on them; "
                "those designed by the office alone revised them twice.",
                "Les projets dont les indicateurs avaient été convenus avec les mandants tripartites en ont rendu "
                "compte ; ceux conçus par le bureau seul les ont révisés deux fois.",
            ),
            preconditions=_text(
                "Technical cooperation projects of two years or more.",
                "Projets de coopération technique de deux ans ou plus.",
            ),
            challenges=_text(
                "Design missions too short to meet the social partners.",
                "Missions de conception trop courtes pour rencontrer les partenaires sociaux.",
            ),
            themes=["Planning and programme design"],
            source=Lesson.Source.EVALUATION,
            source_reference="Demo evaluation 2014/07 (fictional)",
            evidence="Final evaluation, findings 3 and 5 (fictional).",
            countries=countries,
            results=[ilo_2],
        )
        lessons.lesson_validate(actor=actor, lesson=lesson)
    if ilo_3 is not None:
        practice = lessons.lesson_create(
            actor=actor,
            is_demo=True,
            kind=Lesson.Kind.GOOD_PRACTICE,
            title=_text(
                "Train trainers from the constituents' own institutes",
                "Former des formateurs issus des instituts des mandants",
            ),
            description=_text(
                "Training of trainers placed in the employers' and workers' training institutes kept the courses "
                "running after the project.",
                "La formation de formateurs placés dans les instituts de formation des employeurs et des travailleurs "
                "a maintenu les cours après le projet.",
            ),
            replication=_text(
                "An institute with a training budget of its own.",
                "Un institut disposant de son propre budget de formation.",
            ),
            success_factors=_text("Certification of the trainers.", "Certification des formateurs."),
            themes=["Capacity building", "Sustainability"],
            source=Lesson.Source.EVALUATION,
            source_reference="Demo evaluation 2013/02 (fictional)",
            results=[ilo_3],
        )
        lessons.lesson_validate(actor=actor, lesson=practice)
        lessons.lesson_publish(actor=actor, lesson=practice)
    if iso_o2 is not None:
        twinned = lessons.lesson_create(
            actor=actor,
            is_demo=True,
            kind=Lesson.Kind.LESSON,
            title=_text(
                "Name the national mirror committee before twinning on a technical committee",
                "Désigner le comité miroir national avant un jumelage sur un comité technique",
            ),
            description=_text(
                "Twinned members that had a mirror committee voted on every ballot in the first year; the others "
                "voted on half of them.",
                "Les membres jumelés dotés d'un comité miroir ont voté à chaque scrutin la première année ; les "
                "autres à la moitié.",
            ),
            themes=["Participation", "Qualité des votes"],
            source=Lesson.Source.EVALUATION,
            source_reference="Demo review of twinning 2023 (fictional)",
            countries=countries,
            results=[iso_o2],
        )
        lessons.lesson_validate(actor=actor, lesson=twinned)
        lessons.lesson_publish(actor=actor, lesson=twinned)


def _pdf(label: str) -> ContentFile:
    return ContentFile(f"%PDF-1.4\n% {label} (demo, fictional)\n".encode() + b"0" * 2048, name=f"{label}.pdf")


def _library(actor) -> None:
    if Resource.objects.filter(is_demo=True).exists():
        return
    o1 = _result("iso-ap-2021-2025", "O1")
    resource = library.resource_create(
        actor=actor,
        is_demo=True,
        title=_text(
            "Guide to the national adoption of international standards",
            "Guide de l'adoption nationale des normes internationales",
        ),
        creator="Demo author (fictional)",
        subject="adoption; national standards; qualité",
        description=_text(
            "How a national standards body adopts an ISO standard, step by step.",
            "Comment un organisme national de normalisation adopte une norme ISO, étape par étape.",
        ),
        publisher="jalon demo",
        date=datetime.date(2024, 3, 1),
        type=Resource.Type.TEXT,
        licence="CC BY 4.0",
        standards=["ISO/IEC Guide 21-1"],
        ics_codes=["01.120"],
        results=[o1] if o1 is not None else [],
    )
    for code in ("en", "fr"):
        language = Language.objects.filter(code=code).first()
        if language is not None:
            library.resource_file_store(actor=actor, resource=resource, language=language, file=_pdf(f"guide-{code}"))
    if resource.files.exists():
        library.resource_publish(actor=actor, resource=resource)


def _products(actor) -> None:
    if Technology.objects.filter(is_demo=True).exists():
        return
    kenya = Country.objects.filter(iso3="KEN").first()
    if kenya is None:
        return
    technology = products.technology_record(
        actor=actor,
        is_demo=True,
        name=_text("Broadband over telephone wires (G.fast)", "Haut débit sur fils téléphoniques (G.fast)"),
        standards=[("ITU-T G.9700", "2019-03"), ("ITU-T G.9701", "2019-03")],
    )
    manufacturer = Organisation.objects.filter(acronym="DEMOTEL").first() or Organisation.objects.create(
        name={"en": "Demo Telecom Equipment Ltd (fictional)"}, acronym="DEMOTEL", kind="other", country=kenya
    )
    laboratory = products.laboratory_record(
        actor=actor,
        is_demo=True,
        name="Demo Telecom Test Laboratory (fictional)",
        country=kenya,
        accreditation_body="KENAS",
        accreditation_number="DEMO-TL-001",
        accreditation_scope="ITU-T G.9700 and G.9701 physical layer tests",
        ilac_signatory=True,
        itu_recognised=False,
    )
    today = datetime.date.today()
    for model, issued, until in (
        ("DT-500 (demo)", today - datetime.timedelta(days=200), today + datetime.timedelta(days=500)),
        ("DT-300 (demo)", today - datetime.timedelta(days=900), today - datetime.timedelta(days=30)),
    ):
        product = products.product_create(
            actor=actor,
            is_demo=True,
            manufacturer=manufacturer,
            model=model,
            product_version="1.0",
            category="Access network equipment",
            country=kenya,
            technologies=[technology],
        )
        claim = products.claim_submit(
            actor=actor,
            is_demo=True,
            product=product,
            standard="ITU-T G.9701",
            edition="2019-03",
            profile="Profile 106a",
            basis=ConformityClaim.Basis.TEST_REPORT,
            laboratory=laboratory,
            report_number=f"DEMO-{model[:6]}",
            issued_on=issued,
            valid_until=until,
            evidence=_pdf(f"report-{model[:6]}"),
        )
        products.claim_step(actor=actor, claim=claim, step="check")
        if until >= today:
            products.claim_step(actor=actor, claim=claim, step="publish")
        else:
            # Published while it was in force, then past its date: it leaves the public list by itself.
            ConformityClaim.objects.filter(pk=claim.pk).update(
                status=ConformityClaim.Status.PUBLISHED, published_on=issued
            )


@transaction.atomic
def knowledge_library_demo_build(*, actor) -> None:
    _lessons(actor)
    _library(actor)
    _products(actor)
