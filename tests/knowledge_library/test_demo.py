"""The demo's lessons, library and products: labelled demo, built twice without duplicating, and showing what the
issue asks (a lesson validated for ILO outcome 2, a guide in two languages, a claim in force and an expired one)."""

from jalon.knowledge.demo_library import knowledge_library_demo_build
from jalon.knowledge.models import ConformityClaim, Lesson, Resource, Technology


def _counts():
    return (
        Lesson.objects.count(),
        Resource.objects.count(),
        Technology.objects.count(),
        ConformityClaim.objects.count(),
    )


def test_the_demo_runs_twice_without_duplicating_and_is_labelled(frameworks, users, client_as):
    knowledge_library_demo_build(actor=users["manager"])
    first = _counts()
    knowledge_library_demo_build(actor=users["manager"])
    assert _counts() == first == (3, 1, 1, 2)
    assert all(lesson.is_demo for lesson in Lesson.objects.all())
    ilo_2 = Lesson.objects.get(results__programme__code="ilo-tc-2010-2015", results__code="2")
    assert ilo_2.status == Lesson.Status.VALIDATED
    iso = Lesson.objects.get(results__programme__code="iso-ap-2021-2025")
    assert iso.status == Lesson.Status.PUBLISHED
    guide = Resource.objects.get()
    assert sorted(guide.files.values_list("language__code", flat=True)) == ["en", "fr"]
    public = client_as(None).get("/fr/knowledge/products/").content.decode()
    assert "DT-500" in public and "DT-300" not in public
    lessons_page = client_as(None).get("/en/knowledge/lessons/").content.decode()
    assert "demo" in lessons_page and "Name the national mirror committee" in lessons_page
