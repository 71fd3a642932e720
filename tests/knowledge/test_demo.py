"""The knowledge demo: labelled threads in both languages with an accepted expert answer, experts, one
question waiting; a second run adds nothing."""

from jalon.knowledge import forum_selectors
from jalon.knowledge.forum_demo import knowledge_forum_demo_build
from jalon.knowledge.models import Expert, Routing, Thread


def test_the_demo_has_bilingual_threads_with_accepted_expert_answers(users):
    knowledge_forum_demo_build(focal=users["focal"], actor=users["manager"])
    knowledge_forum_demo_build(focal=users["focal"], actor=users["manager"])
    threads = list(Thread.objects.prefetch_related("questions"))
    assert len(threads) == 3 and all(thread.is_demo for thread in threads)
    resolved = [thread for thread in threads if thread.state == Thread.State.RESOLVED]
    assert len(resolved) == 2
    for thread in resolved:
        assert {q.language for q in thread.questions.all()} == {"fr", "en"}
        english = forum_selectors.thread_page(user=users["plain"], thread=thread, language="en")
        assert english.accepted is not None and english.accepted.expert is not None
    assert Expert.objects.filter(is_demo=True, state="active").count() == 3
    assert Routing.objects.exists()
