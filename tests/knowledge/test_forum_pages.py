"""The forum's pages: lists and threads in a constant number of queries, hostile Markdown harmless on the
page, members' threads kept from visitors, moderation, the expert's inbox, attachments behind access."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.knowledge import forum_services
from jalon.knowledge.models import Flag, Thread


class Elements(HTMLParser):
    """The elements, attributes and script contents a browser would build from the page."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


HOSTILE = (
    "Voir <script>alert('x')</script> et [ceci](javascript:alert(1)) "
    '<img src=x onerror="alert(2)"> <a href="https://x.example" onclick="alert(3)">lien</a>'
)


def ask(users, **changes):
    fields = {"language": "fr", "title": "Question sur X.509", "body": "Comment faire ?", "tags": [("itu_t", "X.509")]}
    return forum_services.thread_ask(actor=users["focal"], **(fields | changes))


def test_hostile_markdown_is_harmless_on_the_thread_page(users, roster, client):
    thread = ask(users, body=HOSTILE)
    forum_services.answer_post(actor=roster.awa.user, thread=thread, language="fr", body=HOSTILE)
    content = client.get(f"/fr/knowledge/questions/{thread.pk}/").content.decode()
    page = Elements(content)
    assert not [attrs for _tag, attrs in page.found if any("alert" in (value or "") for value in attrs.values())]
    assert not [text for text in page.scripts if "alert" in text]
    # What was typed is shown as text, not dropped.
    assert "&lt;script&gt;" in content


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_and_a_thread_cost_a_fixed_number_of_queries(
    users, roster, client_as, count, django_assert_num_queries
):
    threads = [ask(users, title=f"Question {n}") for n in range(count)]
    for thread in threads:
        answer = forum_services.answer_post(actor=roster.awa.user, thread=thread, language="fr", body="Réponse.")
        forum_services.comment_post(actor=users["plain"], thread=thread, body="Merci", answer=answer)
        forum_services.vote_cast(actor=users["plain"], thread=thread, value=1, answer=answer)
    client = client_as("plain")
    with django_assert_num_queries(QUERIES_LIST):
        assert client.get("/fr/knowledge/questions/").status_code == 200
    with django_assert_num_queries(QUERIES_THREAD):
        assert client.get(f"/fr/knowledge/questions/{threads[0].pk}/").status_code == 200


QUERIES_LIST = 7
QUERIES_THREAD = 17


def test_members_threads_stay_hidden_from_visitors_and_moderators_close_and_hide(users, roster, client_as):
    thread = ask(users, visibility="members")
    assert client_as(None).get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 404
    # Signed in is not enough: a member acts for an organisation that is a member of a standards body (ASN, of
    # ISO); `plain` acts for none.
    assert client_as("plain").get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 404
    assert client_as("contributor").get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 200
    flag = forum_services.flag_raise(actor=users["contributor"], thread=thread, reason="abuse")
    forum_services.flag_handle(actor=users["manager"], flag=flag, uphold=True)
    thread.refresh_from_db()
    assert thread.hidden and Flag.objects.get(pk=flag.pk).status == "upheld"
    assert client_as("contributor").get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 404
    assert client_as("manager").get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 200


def test_close_as_duplicate_needs_the_other_question(users, roster):
    first, second = ask(users), ask(users, title="La même")
    with pytest.raises(Exception) as refused:
        forum_services.thread_close(actor=users["manager"], thread=second, reason="duplicate")
    assert "duplicate_of" in refused.value.message_dict
    closed = forum_services.thread_close(actor=users["manager"], thread=second, reason="duplicate", duplicate_of=first)
    assert closed.state == Thread.State.CLOSED and closed.duplicate_of == first
    assert forum_services.thread_reopen(actor=users["manager"], thread=closed).state == Thread.State.OPEN


def test_the_inbox_page_lists_routed_questions_and_opening_marks_them_read(users, roster, client_as):
    thread = ask(users)
    client = client_as(None)
    client.force_login(roster.jean.user)
    content = client.get("/en/knowledge/inbox/").content.decode()
    assert "Question sur X.509" in content and "1 question not yet opened." in content
    client.get(f"/en/knowledge/questions/{thread.pk}/")
    assert "0 questions not yet opened." in client.get("/en/knowledge/inbox/").content.decode()


def test_attachments_follow_the_thread_access(users, roster, client_as):
    thread = ask(users, visibility="members")
    attachment = forum_services.attachment_add(
        actor=users["focal"], thread=thread, upload=SimpleUploadedFile("n.pdf", b"%PDF-1.4 n")
    )
    path = f"/fr/knowledge/questions/{thread.pk}/attachments/{attachment.pk}/"
    assert client_as(None).get(path).status_code == 404
    assert client_as("plain").get(path).status_code == 404  # signed in, of no member organisation
    response = client_as("contributor").get(path)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_a_bad_post_is_refused_with_a_message_not_a_500(users, roster, client_as):
    thread = ask(users)
    client = client_as("plain")
    for path, data in (
        (f"/fr/knowledge/questions/{thread.pk}/vote/", {"value": "7"}),
        (f"/fr/knowledge/questions/{thread.pk}/answers/", {"language": "de", "body": ""}),
        (f"/fr/knowledge/questions/{thread.pk}/answers/99999/accept/", {}),
        (f"/fr/knowledge/questions/{thread.pk}/flags/", {"reason": "abuse", "answer": "99999"}),
        (f"/fr/knowledge/questions/{thread.pk}/comments/", {"body": "x" * 3000}),
    ):
        assert client.post(path, data).status_code in (302, 403, 404), path


def test_the_home_page_inbox_tells_an_expert_of_routed_questions(users, roster, client_as):
    ask(users)
    client = client_as(None)
    client.force_login(roster.awa.user)
    content = client.get("/en/").content.decode()
    assert "/en/knowledge/inbox/" in content and "questions for you as an expert" in content
    assert "questions for you as an expert" not in client_as("plain").get("/en/").content.decode()
