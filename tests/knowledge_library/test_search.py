"""Lessons, resources and conformity claims in the knowledge search: "qualite" finds "qualité" in each of them,
drafts stay with their organisation, and a claim past its end date leaves the public search."""

import datetime

from django.core.files.base import ContentFile

from jalon.knowledge import search
from jalon.knowledge.library_search import claims_expired_unindex
from jalon.knowledge.models import ConformityClaim, Lesson, Resource
from jalon.knowledge.services import lessons, library, products
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, Language

TODAY = datetime.date.today()


def _kinds(user, query: str) -> set[str]:
    return {hit.kind for hit in search.search_run(user=user, query=query).hits}


def _records(users, nsb):
    manager = users["manager"]
    lesson = lessons.lesson_create(
        actor=manager,
        title={"fr": "Leçon sur la qualité des votes", "en": "Lesson on the quality of votes"},
        description={"fr": "Des votes de qualité."},
        source=Lesson.Source.EVALUATION,
        source_reference="EVAL",
    )
    lessons.lesson_validate(actor=manager, lesson=lesson)
    lessons.lesson_publish(actor=manager, lesson=lesson)
    resource = library.resource_create(
        actor=manager, title={"fr": "Guide de l'infrastructure qualité"}, creator="ASN", type=Resource.Type.TEXT
    )
    library.resource_file_store(
        actor=manager,
        resource=resource,
        language=Language.objects.get(code="fr"),
        file=ContentFile(b"%PDF-1.4", name="guide.pdf"),
    )
    library.resource_publish(actor=manager, resource=resource)
    kenya = Country.objects.get(iso3="KEN")
    maker = Organisation.objects.create(name={"en": "Qualité Télécom"}, acronym="QTEL", country=kenya)
    product = products.product_create(actor=manager, manufacturer=maker, model="Q-1", category="Modem", country=kenya)
    claim = products.claim_submit(
        actor=manager,
        product=product,
        standard="ITU-T G.9701",
        basis=ConformityClaim.Basis.DECLARATION,
        issued_on=TODAY - datetime.timedelta(days=10),
        valid_until=TODAY + datetime.timedelta(days=30),
        evidence_url="https://example.org/sdoc.pdf",
    )
    products.claim_step(actor=manager, claim=claim, step="check")
    products.claim_step(actor=manager, claim=claim, step="publish")
    draft = lessons.lesson_create(
        actor=users["focal"],
        title={"fr": "Brouillon sur la qualité"},
        description={"fr": "Interne"},
        source=Lesson.Source.EVALUATION,
        source_reference="EVAL",
        organisation=nsb,
    )
    return claim, draft


def test_qualite_finds_qualite_in_lessons_resources_and_claims(users, nsb):
    _claim, draft = _records(users, nsb)
    assert _kinds(None, "qualite") == {"lesson", "resource", "claim"}
    assert _kinds(None, "QUALITÉ") == {"lesson", "resource", "claim"}
    assert search.search_run(user=None, query="brouillon").hits == []
    own = search.search_run(user=users["contributor"], query="brouillon").hits
    assert [hit.object_id for hit in own] == [draft.pk]
    assert search.search_run(user=users["focal"], query="qualite", kinds=["lesson"]).hits


def test_a_claim_past_its_end_date_leaves_the_public_search(users, nsb):
    claim, _draft = _records(users, nsb)
    assert "claim" in _kinds(None, "qualite")
    ConformityClaim.objects.filter(pk=claim.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    assert claims_expired_unindex() == 1
    assert "claim" not in _kinds(None, "qualite")
    assert "claim" in _kinds(users["manager"], "qualite")
    assert claims_expired_unindex() == 0


def test_one_search_for_qualite_finds_questions_lessons_resources_and_experts_at_once(users, nsb, client_as):
    """Issue 17's "Done when": typed without its accent, on the search page as a visitor uses it (run this file
    with DATABASE_URL set for PostgreSQL)."""
    from jalon.knowledge import forum_services
    from tests.knowledge.conftest import expert_make

    _records(users, nsb)
    forum_services.thread_ask(
        actor=users["focal"], language="fr", title="La qualité des certificats", body="Quel profil ?"
    )
    expert = expert_make(
        "qualiticienne",
        "Awa",
        "Qualité",
        organisation=nsb,
        country=None,
        sex="female",
        languages=[("fr", "native")],
        codes=[("topic", "Assurance qualité")],
    )
    search.index("expert", expert)
    assert _kinds(None, "qualite") == {"thread", "lesson", "resource", "claim", "expert"}
    page = client_as(None).get("/fr/knowledge/search/?q=qualite").content.decode()
    for title in ("La qualité des certificats", "Leçon sur la qualité des votes", "Guide de l'infrastructure qualité"):
        assert title.replace("'", "&#x27;") in page or title in page
    assert "Awa Qualité" in page
