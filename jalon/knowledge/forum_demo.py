"""Demo Q&A forum and expert roster (`jalon demo` only), labelled demo: three fictional experts of the roster
(with accounts whose password is the demo's), two threads asked by the demo focal point, each in French and
English with an accepted expert answer, and one French question still waiting for an expert. Routing sends
the experts their e-mails (to the console in the demo) and fills their inboxes, as in use."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from jalon.accounts.services import user_create
from jalon.knowledge import forum_services, search
from jalon.knowledge.models import Competency, Expert, ExpertLanguage, Tag, Thread
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Language

PASSWORD = "jalon-demo"  # noqa: S105 - the demo's printed password, never a deployment's

EXPERTS = (
    # username, given, family, sex, organisation, languages, tags, summary
    ("expert-awa", "Awa", "Diallo", "female", "ASN", (("fr", "native"), ("en", "C1")),
     (("itu_t", "X"), ("topic", "qualité")), "Infrastructures à clés publiques et qualité des services numériques."),
    ("expert-jp", "Jean-Pierre", "Martin", "male", "AFNOR", (("fr", "native"), ("en", "B2")),
     (("iso", "ISO 9001"), ("ics", "03.120")), "Systèmes de management de la qualité, évaluation de la conformité."),
    ("expert-grace", "Grace", "Wanjiku", "female", "KEBS", (("en", "native"), ("fr", "B2")),
     (("itu_t", "X.509"), ("iso", "ISO/IEC 17025")), "Testing laboratories and digital certificates."),
)  # fmt: skip


def _expert(actor, username, given, family, sex, acronym, languages, tags, summary) -> Expert:
    user = get_user_model().objects.filter(username=username).first() or user_create(
        actor=None, username=username, password=PASSWORD, email=f"{username}@demo.jalon.test",
        first_name=given, last_name=family,
    )  # fmt: skip
    organisation = Organisation.objects.filter(acronym=acronym).first()
    person = Person.objects.create(
        given_name=given, family_name=family, sex=sex, organisation=organisation,
        country=organisation.country if organisation else None, email=user.email,
    )  # fmt: skip
    expert = Expert.objects.create(
        person=person, user=user, state=Expert.State.ACTIVE, visibility=Expert.Visibility.PUBLIC,
        consent_at=timezone.now(), profile_updated_at=timezone.now(), summary=summary, invited_by=actor, is_demo=True,
    )  # fmt: skip
    for code, level in languages:
        ExpertLanguage.objects.create(expert=expert, language=Language.objects.get(code=code), level=level)
    for kind, code in tags:
        tag = Tag.objects.filter(kind=kind, code__iexact=code).first() or Tag.objects.create(kind=kind, code=code)
        Competency.objects.create(expert=expert, tag=tag, level=Competency.Level.EXPERT)
    search.index("expert", expert)
    return expert


def _thread(asker, expert: Expert, first: tuple, second: tuple, tags, answer: tuple) -> Thread:
    language, title, body = first
    thread = forum_services.thread_ask(actor=asker, language=language, title=title, body=body, tags=tags, is_demo=True)
    forum_services.question_translate(actor=asker, thread=thread, language=second[0], title=second[1], body=second[2])
    posted = forum_services.answer_post(actor=expert.user, thread=thread, language=answer[0], body=answer[1])
    return forum_services.answer_accept(actor=asker, thread=thread, answer=posted)


def knowledge_forum_demo_build(*, focal, actor) -> None:
    if Thread.objects.filter(is_demo=True).exists():
        return
    awa, jean_pierre, _grace = (_expert(actor, *row) for row in EXPERTS)
    _thread(
        focal,
        awa,
        ("fr", "Comment utiliser la recommandation X.509 pour une infrastructure nationale à clés publiques ?",
         "Notre organisme prépare une **norme nationale** sur les certificats électroniques. Quels profils de "
         "certificat de la recommandation UIT-T X.509 retenir ? (question de démonstration)"),
        ("en", "How to use Recommendation X.509 for a national public key infrastructure?",
         "Our body prepares a **national standard** on electronic certificates. Which certificate profiles of "
         "ITU-T X.509 should we keep? (demo question)"),
        [("itu_t", "X.509")],
        ("fr", "Partez du profil de certificat de la clause 7 et de l'extension *basicConstraints* ; voir aussi "
               "[la page de l'UIT-T](https://www.itu.int/rec/T-REC-X.509). (réponse de démonstration)"),
    )  # fmt: skip
    _thread(
        focal,
        jean_pierre,
        ("en", "Which clauses of ISO 9001 apply to a small testing laboratory?",
         "We run a small laboratory and want a quality management system. (demo question)"),
        ("fr", "Quelles clauses de l'ISO 9001 s'appliquent à un petit laboratoire d'essais ?",
         "Nous gérons un petit laboratoire et voulons un système de management de la qualité. (question de "
         "démonstration)"),
        [("iso", "ISO 9001"), ("ics", "03.120.10")],
        ("en", "All of clauses 4 to 10 apply; for test results, ISO/IEC 17025 is the reference. (demo answer)"),
    )  # fmt: skip
    forum_services.thread_ask(
        actor=focal,
        language="fr",
        title="Qualité des données de métrologie : quelles normes pour un petit pays ?",
        body="Nous cherchons un point de départ. (question de démonstration)",
        tags=[("topic", "qualité"), ("ics", "17.020")],
        is_demo=True,
    )
