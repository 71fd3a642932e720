"""What the forum puts in the knowledge search: a thread once per language it is asked in, its question and
the answers shown (so that a word of the accepted answer finds the thread), with its state, tags, language and
country as filters. A hidden thread is for the moderators only."""

from django.utils.translation import gettext_lazy as _

from jalon.knowledge import search
from jalon.knowledge.models import Thread

VISIBILITY = {Thread.Visibility.PUBLIC: search.Visibility.PUBLIC, Thread.Visibility.MEMBERS: search.Visibility.MEMBERS}


def thread_documents(thread: Thread) -> list[search.Document]:
    answers = " ".join(answer.body for answer in thread.answers.filter(hidden=False))
    tags = list(thread.tags.all())
    facets = [("state", thread.state), *(("tag", tag.code) for tag in tags)]
    if thread.country is not None:
        facets.append(("country", thread.country.iso3))
    visibility = search.Visibility.TEAM if thread.hidden else VISIBILITY[Thread.Visibility(thread.visibility)]
    return [
        search.Document(
            language=question.language,
            title=question.title,
            body=f"{question.body} {' '.join(tag.code for tag in tags)} {answers}",
            url=f"{thread.get_absolute_url()}?lang={question.language}",
            visibility=visibility,
            owner_id=None if thread.hidden else thread.asker_id,
            facets=(*facets, ("language", question.language)),
        )
        for question in thread.questions.all()
    ]


def threads_to_index():
    return Thread.objects.select_related("country").prefetch_related("questions", "tags")


KIND = search.Kind(key="thread", label=_("Questions"), documents=thread_documents, objects=threads_to_index)
