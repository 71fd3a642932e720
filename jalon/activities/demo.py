"""Demo activities for the ISO Action Plan 2021-2025: e-learning, webinars, workshops, coaching,
advisory services... at global, regional and national level, in French and English, with a few hundred
participants from staff of national standards bodies in developing countries, their attendance, tests,
surveys and certificates; and demo indicators computed from them (labelled demo: the seed gives no such
indicator), so that the seed-001-style headline "N participants from M countries in YEAR" shows.
Deterministic: a fixed seed, fixed dates. Never loaded outside `jalon demo`."""

import csv
import datetime
import io
import random
import re
import unicodedata
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from jalon.activities import services
from jalon.activities.imports import participants_import_start, participants_import_work
from jalon.activities.models import Activity, ActivityLevel, ActivityType, FollowUp, Modality, Registration
from jalon.jobs.models import Job
from jalon.jobs.services import job_run
from jalon.organisations.models import Organisation, Person
from jalon.organisations.services import organisation_create
from jalon.reference.models import Currency, DevelopingCountryRule, Language, Region
from jalon.reference.selectors import developing_countries
from jalon.results.computations import indicator_link_computation
from jalon.results.demo import DEMO_NOTE
from jalon.results.models import Indicator, Measure, Programme, Result

PROGRAMME = "iso-ap-2021-2025"

GIVEN_FEMALE = (
    "Aminata", "Fatou", "Aïcha", "Mariam", "Awa", "Grace", "Esther", "Nadia", "Salma", "Leila", "Rosa",
    "Ana", "Lucía", "Mei", "Thi Lan", "Priya", "Chipo", "Wanjiru", "Zoé", "Hélène", "Nour", "Yasmin",
    "Beatriz", "Adjoa", "Ngozi", "Farida", "Oksana", "Sokha", "Malalai", "Tupou",
)  # fmt: skip
GIVEN_MALE = (
    "Moussa", "Ibrahima", "Oumar", "Kwame", "Jean-Baptiste", "Ahmed", "Youssef", "Carlos", "José", "Rahul",
    "Minh", "Tendai", "Samuel", "Emmanuel", "Karim", "Omar", "Luis", "Diego", "Kofi", "Amadou", "Bakary",
    "Hassan", "Rajesh", "Tariq", "Pedro", "Sione", "Arjun", "Olusegun", "Thabo", "Mamadou",
)  # fmt: skip
FAMILY = (
    "Diallo", "Ndiaye", "Traoré", "Mensah", "Okafor", "Kamau", "Mwangi", "Hassan", "Benali", "El Amrani",
    "Nguyen", "Tran", "Sharma", "Patel", "Fernández", "García", "Silva", "Santos", "Banda", "Phiri",
    "Moyo", "Dlamini", "Ouédraogo", "Koné", "Touré", "Cissé", "Rahman", "Hossain", "Mahmoud", "Haddad",
    "Mendoza", "Rojas", "Quispe", "Tembo", "Nkosi", "Asante", "Boateng", "Fofana", "Keïta", "Sow",
)  # fmt: skip
FUNCTIONS = (
    Person.Function.NSB_STAFF,
    Person.Function.NSB_STAFF,
    Person.Function.NSB_STAFF,
    Person.Function.COMMITTEE_MANAGER,
    Person.Function.SECRETARY,
    Person.Function.COMMITTEE_CHAIR,
    Person.Function.CONVENOR,
    Person.Function.REGULATOR,
    Person.Function.INDUSTRY,
    Person.Function.ACADEMIA,
)

# (code, type, modality, level, where, language, start, days, output codes, title fr, title en, places)
# `where`: a region's M49 code for regional activities, an NSB's acronym for national ones.
ACTIVITIES = (
    ("gsp-elearning-2021", ActivityType.E_LEARNING, Modality.SELF_PACED, ActivityLevel.GLOBAL, None, "fr",
     "2021-02-01", 120, ("IO2.1",), "Bonnes pratiques de normalisation : cours en ligne",
     "Good Standardization Practices: e-learning course", 60),
    ("webinar-benefits-2021", ActivityType.WEBINAR, Modality.VIRTUAL, ActivityLevel.GLOBAL, None, "en",
     "2021-04-20", 1, ("IO1.2",), "Webinaire : les avantages des normes ISO",
     "Webinar: the benefits of ISO standards", 60),
    ("africa-gsp-workshop-2021", ActivityType.WORKSHOP, Modality.VIRTUAL, ActivityLevel.REGIONAL, "002", "fr",
     "2021-06-14", 3, ("IO2.1", "IO2.2"), "Atelier régional africain sur les BPN",
     "African regional workshop on GSP", 40),
    ("sen-advisory-2021", ActivityType.ADVISORY, Modality.IN_PERSON, ActivityLevel.NATIONAL, "ASN", "fr",
     "2021-10-04", 5, ("IO2.2",), "Service de conseil : processus d'élaboration des normes à l'ASN",
     "Advisory service: standards development process at ASN", 15),
    ("digital-virtual-class-2022", ActivityType.VIRTUAL_CLASSROOM, Modality.VIRTUAL, ActivityLevel.GLOBAL, None, "en",
     "2022-03-07", 4, ("IO3.1",), "Classe virtuelle : stratégies numériques des membres",
     "Virtual classroom: members' digital strategies", 40),
    ("leadership-coaching-2022", ActivityType.REMOTE_COACHING, Modality.VIRTUAL, ActivityLevel.GLOBAL, None, "en",
     "2022-05-02", 90, ("IO4.1",), "Accompagnement à distance : leadership", "Remote coaching: leadership", 25),
    ("asia-seminar-2022", ActivityType.SEMINAR, Modality.IN_PERSON, ActivityLevel.REGIONAL, "142", "en",
     "2022-09-12", 2, ("IO1.1", "IO6.3"), "Séminaire régional Asie sur les priorités nationales",
     "Asia regional seminar on national priorities", 40),
    ("gsp-video-2022", ActivityType.MICRO_LEARNING, Modality.SELF_PACED, ActivityLevel.GLOBAL, None, "fr",
     "2022-10-01", 60, ("IO2.1",), "Micro-enseignement vidéo : le vote sur les projets de normes",
     "Video micro-learning: voting on draft standards", 60),
    ("tc-sponsorship-2023", ActivityType.SPONSORSHIP, Modality.IN_PERSON, ActivityLevel.GLOBAL, None, "en",
     "2023-03-20", 5, ("IO6.1", "IO6.2"), "Parrainage et formation préalable : réunion plénière du TC 207",
     "Sponsorship and pre-meeting training: ISO/TC 207 plenary", 20),
    ("lac-training-2023", ActivityType.TRAINING, Modality.BLENDED, ActivityLevel.REGIONAL, "019", "en",
     "2023-05-15", 5, ("IO6.2",), "Formation régionale Amériques : rédaction des normes",
     "Americas regional training course: drafting standards", 40),
    ("gender-webinar-2023", ActivityType.WEBINAR, Modality.VIRTUAL, ActivityLevel.GLOBAL, None, "fr",
     "2023-03-08", 1, ("IO5.1",), "Webinaire : normes tenant compte de la dimension de genre",
     "Webinar: gender-responsive standards", 60),
    ("peer-learning-2023", ActivityType.PEER_LEARNING, Modality.IN_PERSON, ActivityLevel.REGIONAL, "002", "fr",
     "2023-10-09", 3, ("IO6.4",), "Apprentissage par les pairs entre organismes africains",
     "Peer learning among African standards bodies", 25),
    ("ken-workshop-2023", ActivityType.WORKSHOP, Modality.IN_PERSON, ActivityLevel.NATIONAL, "KEBS", "en",
     "2023-11-20", 2, ("IO1.1",), "Atelier national : adoption des normes ISO au Kenya",
     "National workshop: adopting ISO standards in Kenya", 30),
    ("gsp-guide-2024", ActivityType.PUBLICATION, Modality.SELF_PACED, ActivityLevel.GLOBAL, None, "fr",
     "2024-01-15", 1, ("IO2.1",), "Guide : les bonnes pratiques de normalisation pas à pas",
     "Guide: Good Standardization Practices step by step", None),
    ("digital-elearning-2024", ActivityType.E_LEARNING, Modality.SELF_PACED, ActivityLevel.GLOBAL, None, "en",
     "2024-02-05", 90, ("IO3.1", "IO3.2"), "Cours en ligne : capacités numériques", "E-learning: digital capabilities",
     60),
    ("mena-workshop-2024", ActivityType.WORKSHOP, Modality.IN_PERSON, ActivityLevel.REGIONAL, "145", "en",
     "2024-04-22", 3, ("IO1.1", "IO1.3"), "Atelier Moyen-Orient et Afrique du Nord : normes et universités",
     "Middle East and North Africa workshop: standards and universities", 35),
    ("leadership-seminar-2024", ActivityType.SEMINAR, Modality.IN_PERSON, ActivityLevel.GLOBAL, None, "fr",
     "2024-09-16", 2, ("IO4.1", "IO4.2"), "Séminaire des dirigeants des organismes membres",
     "Seminar for member body leaders", 40),
    ("sen-internship-2024", ActivityType.INTERNSHIP, Modality.IN_PERSON, ActivityLevel.NATIONAL, "ASN", "fr",
     "2024-06-03", 30, ("IO6.4",), "Détachement d'experts de l'ASN au secrétariat d'un comité",
     "Secondment of ASN experts to a committee secretariat", 5),
    ("pacific-virtual-2025", ActivityType.VIRTUAL_CLASSROOM, Modality.VIRTUAL, ActivityLevel.REGIONAL, "009", "en",
     "2025-02-10", 3, ("IO6.2",), "Classe virtuelle Pacifique : participation aux comités",
     "Pacific virtual classroom: taking part in committees", 30),
    ("africa-gender-workshop-2025", ActivityType.WORKSHOP, Modality.BLENDED, ActivityLevel.REGIONAL, "002", "fr",
     "2025-03-10", 2, ("IO5.1",), "Atelier africain : politiques d'égalité des genres",
     "African workshop: gender equality policies", 40),
    ("gsp-webinar-2025", ActivityType.WEBINAR, Modality.VIRTUAL, ActivityLevel.GLOBAL, None, "en",
     "2025-06-17", 1, ("IO2.1",), "Webinaire : BPN et accord OTC de l'OMC", "Webinar: GSP and the WTO TBT Agreement",
     60),
    ("sen-coaching-2025", ActivityType.REMOTE_COACHING, Modality.VIRTUAL, ActivityLevel.NATIONAL, "ASN", "fr",
     "2025-09-01", 60, ("IO6.3",), "Accompagnement à distance : stratégie nationale de normalisation",
     "Remote coaching: national standardization strategy", 10),
)  # fmt: skip

# Types for which participants take a knowledge test before and after.
TESTED = {ActivityType.E_LEARNING, ActivityType.VIRTUAL_CLASSROOM, ActivityType.TRAINING, ActivityType.WORKSHOP}


def _donor(actor) -> Organisation:
    # The ISO Action Plan is funded by voluntary contributions, Sweden's Sida the largest.
    donor = Organisation.objects.filter(acronym="Sida", kind=Organisation.Kind.DONOR).first()
    return donor or organisation_create(
        actor=actor,
        name={
            "en": "Swedish International Development Cooperation Agency",
            "fr": "Agence suédoise de coopération internationale au développement",
        },
        acronym="Sida",
        kind=Organisation.Kind.DONOR,
    )


def _ascii(text: str) -> str:
    """Letters, digits, dots and hyphens only: an email part from a name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9.]+", "-", plain)).strip("-.")


def _pool(rng: random.Random, nsbs: list[Organisation]) -> list[dict]:
    """About 420 distinct people from the developing-country NSBs, with a few near-duplicates (the same
    person typed differently) so that the duplicate finder has something to show."""
    people: list[dict] = []
    seen: set = set()
    while len(people) < 420:
        female = rng.random() < 0.46
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        family = rng.choice(FAMILY)
        nsb = rng.choice(nsbs)
        key = (given, family, nsb.pk)
        if key in seen:
            continue
        seen.add(key)
        local = _ascii(f"{given}.{family}")
        people.append(
            {
                "given_name": given,
                "family_name": family,
                "email": f"{local}@{_ascii(nsb.acronym) or 'nsb'}.demo.jalon.test",
                "sex": Person.Sex.FEMALE if female else Person.Sex.MALE,
                "function": rng.choice(FUNCTIONS),
                "organisation": nsb,
                "country": nsb.country,
            }
        )
    return people


def _participants_import(*, actor, activity: Activity, rows: list[dict]) -> int:
    """The activity's participant list imported as its organiser would: a CSV file through the participant
    import (jalon.activities.imports), one job per activity. One transaction writes them all, with one audit
    entry and one refresh of the computed indicators, where registering each person through the services
    cost about 30 queries a row (20 s for the demo on PostgreSQL). Returns the registrations created."""
    if not rows:
        return 0
    headers = list(dict.fromkeys(header for row in rows for header in row))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=headers)
    writer.writeheader()
    writer.writerows(rows)
    upload = ContentFile(text.getvalue().encode(), name=f"{activity.code}.csv")
    job = participants_import_start(actor=actor, activity=activity, upload=upload, language="en", enqueue=False)
    job_run(job.pk, participants_import_work)
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"demo participants of {activity.code} refused: {job.message} {job.result}")
    return job.result["registrations_created"]


@transaction.atomic
def demo_activities_build(*, actor) -> int:
    """Build the demo activities and their participants; returns the number of registrations."""
    if Activity.objects.filter(is_demo=True).exists():
        return Registration.objects.filter(activity__is_demo=True).count()
    rng = random.Random(2016)  # noqa: S311 - deterministic demo data, not security
    programme = Programme.objects.get(code=PROGRAMME)
    iso = programme.owner
    outputs = {result.code: result for result in Result.objects.filter(programme=programme)}
    developing = developing_countries(
        rule=DevelopingCountryRule.objects.get(code="dac-eligible"), on=programme.end_date
    )
    nsbs = list(
        Organisation.objects.filter(kind=Organisation.Kind.NSB, country__in=developing.values("pk"))
        .select_related("country__region")
        .order_by("acronym")
    )
    by_region: dict[str, list] = {}
    for nsb in nsbs:
        region = nsb.country.region if nsb.country else None
        if region is not None:
            by_region.setdefault(region.m49, []).append(nsb)
    pool = _pool(rng, nsbs)
    people_by_nsb: dict[int, list] = {}
    for details in pool:
        people_by_nsb.setdefault(details["organisation"].pk, []).append(details)
    languages = {language.code: language for language in Language.objects.filter(code__in=("fr", "en"))}
    chf = Currency.objects.filter(code="CHF").first()
    donor = _donor(actor)
    registrations = 0
    for (
        code, kind, modality, level, where, language, start, days, output_codes, title_fr, title_en, places,
    ) in ACTIVITIES:  # fmt: skip
        start_date = datetime.date.fromisoformat(start)
        end_date = start_date + datetime.timedelta(days=days - 1)
        region = countries = None
        organiser = iso
        candidates = pool
        if level == ActivityLevel.REGIONAL:
            region = Region.objects.get(m49=where)
            candidates = [p for nsb in by_region.get(where or "", []) for p in people_by_nsb.get(nsb.pk, [])]
        elif level == ActivityLevel.NATIONAL:
            organiser = Organisation.objects.get(acronym=where, kind=Organisation.Kind.NSB)
            countries = [organiser.country]
            candidates = list(people_by_nsb.get(organiser.pk, []))
            # National activities also reach the host's partners: regulators, industry, academia.
            for index in range(12):
                candidates.append(
                    {
                        "given_name": rng.choice(GIVEN_FEMALE + GIVEN_MALE),
                        "family_name": FAMILY[(index * 7 + len(code)) % len(FAMILY)],
                        "sex": rng.choice((Person.Sex.FEMALE, Person.Sex.MALE)),
                        "function": rng.choice((Person.Function.REGULATOR, Person.Function.INDUSTRY)),
                        "country": organiser.country,
                    }
                )
        budget = Decimal(rng.randrange(5, 120) * 1000)
        activity = services.activity_create(
            actor=actor,
            code=code,
            title={"fr": title_fr, "en": title_en},
            description={
                "fr": f"Activité de démonstration au service des réalisations {', '.join(output_codes)}.",
                "en": f"Demo activity serving outputs {', '.join(output_codes)}.",
            },
            type=kind,
            modality=modality,
            level=level,
            region=region,
            countries=countries or [],
            languages=[languages[language]] if language in languages else [],
            start_date=start_date,
            end_date=end_date,
            venue="" if modality in (Modality.VIRTUAL, Modality.SELF_PACED) else "Genève / Geneva",
            capacity=None,
            organiser=organiser,
            partners=[iso] if organiser != iso else [],
            donors=[donor],
            status=Activity.Status.COMPLETED,
            planned_budget=budget if chf else None,
            planned_budget_currency=chf,
            actual_cost=(budget * Decimal(rng.choice(["0.85", "0.95", "1.02"]))).quantize(Decimal(1)) if chf else None,
            actual_cost_currency=chf,
            outputs=[outputs[c] for c in output_codes if c in outputs],
            published=True,
            is_demo=True,
        )
        if kind == ActivityType.PUBLICATION:
            services.material_create(
                actor=actor, activity=activity, title=title_en, url="https://www.iso.org/publications.html"
            )
            continue
        sessions = [
            services.session_create(
                actor=actor,
                activity=activity,
                date=start_date + datetime.timedelta(days=offset),
                title=f"Jour {offset + 1} / Day {offset + 1}",
            )
            for offset in range(min(days, 3))
        ]
        size = min(len(candidates), places or 30, rng.randrange(20, 60))
        rows = []
        for details in rng.sample(candidates, size):
            rng.randrange(3, 30)  # once the registration's day: kept so that the draws, and the demo, stay the same
            organisation = details.get("organisation")
            row = {
                "Given name": details["given_name"],
                "Family name": details["family_name"],
                "Email": details.get("email", ""),
                "Sex": details["sex"],
                "Organisation": organisation.acronym if organisation else "",
                "Country": details["country"].iso3 if details.get("country") else "",
                "Function": details["function"],
            }
            attended = rng.random() < 0.9
            for index in range(len(sessions)):
                row[f"Session {index + 1}"] = "yes" if attended and (index == 0 or rng.random() < 0.9) else "no"
            if kind in TESTED and attended:
                pre = rng.randrange(30, 70)
                row["Pre-test score"] = pre
                row["Post-test score"] = min(100, pre + rng.randrange(-5, 35))
            if attended and rng.random() < 0.8:
                row["Satisfaction (1-5)"] = rng.choices((2, 3, 4, 5), weights=(1, 3, 9, 8))[0]
                if rng.random() < 0.2:
                    row["Comments"] = rng.choice(
                        (
                            "Très utile pour notre comité miroir.",
                            "Very practical, more case studies please.",
                            "Le rythme était un peu rapide.",
                        )
                    )
            if attended and rng.random() < 0.6:
                row["Applied what was learned"] = rng.choices(
                    (FollowUp.YES, FollowUp.PARTLY, FollowUp.NO), weights=(5, 3, 2)
                )[0]
                row["Follow-up date"] = (end_date + datetime.timedelta(days=180)).isoformat()
            if attended and rng.random() < 0.88:
                row["Completed"] = "yes"
            rows.append(row)
        registrations += _participants_import(actor=actor, activity=activity, rows=rows)
    # An activity still open for registration, and a cancelled one: every status shows.
    for code, status, start in (("gsp-workshop-2026", Activity.Status.OPEN, "2026-12-07"),
                                ("standards-fair-2025", Activity.Status.CANCELLED, "2025-11-03")):  # fmt: skip
        start_date = datetime.date.fromisoformat(start)
        services.activity_create(
            actor=actor,
            code=code,
            title={
                "fr": "Atelier mondial sur les BPN" if status == Activity.Status.OPEN else "Salon des normes",
                "en": "Global GSP workshop" if status == Activity.Status.OPEN else "Standards fair",
            },
            type=ActivityType.WORKSHOP,
            modality=Modality.IN_PERSON,
            level=ActivityLevel.GLOBAL,
            start_date=start_date,
            end_date=start_date + datetime.timedelta(days=2),
            venue="Genève / Geneva",
            capacity=40,
            organiser=iso,
            status=status,
            outputs=[outputs["IO2.1"]] if "IO2.1" in outputs else [],
            languages=list(languages.values()),
            published=True,
            is_demo=True,
        )
    demo_indicators_link(actor=actor, programme=programme)
    return registrations


# (result code, indicator code, computation, measure, cumulation, titles)
DEMO_COMPUTED = (
    ("IO6.2", "DA1", "activities_participants_trained", Measure.COUNT, "non_cumulative",
     {"fr": "Participants formés (calculé à partir des activités)",
      "en": "Participants trained (computed from activities)"}),
    ("IO6.2", "DA2", "activities_countries_reached", Measure.COUNT, "latest",
     {"fr": "Pays dont des participants ont été formés (calculé)",
      "en": "Countries with participants trained (computed)"}),
    ("IO5.1", "DA3", "activities_women_share", Measure.PERCENTAGE, "latest",
     {"fr": "Part des femmes parmi les participants formés (calculé)",
      "en": "Share of women among participants trained (computed)"}),
    ("IO1.1", "DA4", "activities_satisfied_share", Measure.PERCENTAGE, "latest",
     {"fr": "Part des participants satisfaits (calculé)", "en": "Share of satisfied participants (computed)"}),
)  # fmt: skip


def demo_indicators_link(*, actor, programme: Programme) -> None:
    for result_code, code, key, measure, cumulation, title in DEMO_COMPUTED:
        indicator, _created = Indicator.objects.update_or_create(
            result=Result.objects.get(programme=programme, code=result_code),
            code=code,
            defaults={
                "title": title,
                "definition": DEMO_NOTE,
                "measure": measure,
                "cumulation": cumulation,
                "is_demo": True,
            },
        )
        if indicator.source != Indicator.Source.COMPUTED or indicator.computation != key:
            indicator_link_computation(actor=actor, indicator=indicator, key=key)
