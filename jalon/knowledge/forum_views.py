"""Pages of the Q&A forum: the list, asking, a thread in one language (?lang=fr|en) with its answers, and the
small posts made from it (answer, accept, vote, comment, flag, moderate, attach), the expert's inbox, the
moderators' queue and the access-checked download of attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.knowledge import forum_selectors as selectors
from jalon.knowledge import forum_services as services
from jalon.knowledge.access import forum as access
from jalon.knowledge.forum_forms import (
    AcceptForm,
    AnswerForm,
    AskForm,
    AttachmentForm,
    CommentForm,
    FlagForm,
    FlagHandleForm,
    ModerateForm,
    QuestionEditForm,
    ThreadFilterForm,
    TranslateForm,
    VoteForm,
)
from jalon.lib.multilingual import active_content_language
from jalon.web.files import private_file
from jalon.web.listing import paginate, query_without, valid_filters
from jalon.web.pages import form_page


def thread_list(request):
    form = ThreadFilterForm(request.GET or None)
    filters = valid_filters(form)
    threads = selectors.threads_list(
        user=request.user,
        state=filters.get("state", ""),
        tag=filters.get("tag", ""),
        language=filters.get("language", ""),
        waiting=bool(filters.get("waiting")),
    )
    page = paginate(request, threads)
    language = active_content_language()
    for thread in page.object_list:
        thread.shown = selectors.question_in(thread, language)
        thread.waiting = selectors.is_waiting(thread)
    return render(
        request,
        "knowledge/thread_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without(request, "page"),
            "can_ask": access.forum_can_post(request.user),
        },
    )


@login_required
def thread_ask(request):
    access.require(access.forum_can_post(request.user))
    form = AskForm(request.POST or None, initial={"language": active_content_language()})
    return form_page(
        request,
        form=form,
        save=lambda f: services.thread_ask(actor=request.user, **f.values()),
        done=lambda thread: thread.get_absolute_url(),
        message=_("Your question is published; the matching experts have been told."),
        template="knowledge/thread_ask.html",
        field_for=lambda name: "itu_t" if name == "tags" else None,
    )


def _language(request) -> str:
    language = request.GET.get("lang", "")
    return language if language in ("fr", "en") else active_content_language()


def thread_detail(request, pk: int):
    thread = access.access_thread(request.user, pk)
    language = _language(request)
    page = selectors.thread_page(user=request.user, thread=thread, language=language)
    user = request.user
    if user.is_authenticated:
        services.routing_mark_read(actor=user, thread=thread)
    return render(
        request,
        "knowledge/thread_detail.html",
        {
            "page": page,
            "thread": page.thread,
            "can_answer": access.thread_can_answer(user, page.thread),
            "can_accept": access.thread_can_accept(user, page.thread) if user.is_authenticated else False,
            "can_edit": access.question_can_edit(user, page.question),
            "can_translate": page.missing_languages and access.thread_can_translate(user, page.thread),
            "can_moderate": access.forum_can_moderate(user),
            "answer_form": AnswerForm(initial={"language": page.question.language}),
            "flag_form": FlagForm(),
        },
    )


def _back(thread) -> str:
    return thread.get_absolute_url()


def _post(request, pk: int, form_class, act):
    """A small post from the thread page: validate, act, say what went wrong, go back to the thread."""
    thread = access.access_thread(request.user, pk)
    form = form_class(request.POST, request.FILES) if request.FILES else form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_back(thread))
    try:
        done = act(thread, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, done)
    return redirect(
        _back(thread) + (f"?lang={request.POST['lang']}" if request.POST.get("lang") in ("fr", "en") else "")
    )


def _answer(request, thread, pk):
    return access.access_answer(request.user, thread, pk) if pk else None


@login_required
@require_POST
def answer_create(request, pk: int):
    def act(thread, data):
        access.require(access.thread_can_answer(request.user, thread))
        services.answer_post(actor=request.user, thread=thread, language=data["language"], body=data["body"])
        return _("Your answer is published.")

    return _post(request, pk, AnswerForm, act)


@login_required
@require_POST
def answer_accept(request, pk: int, answer: int):
    def act(thread, data):
        access.require(access.thread_can_accept(request.user, thread))
        services.answer_accept(
            actor=request.user, thread=thread, answer=access.access_answer(request.user, thread, answer)
        )
        return _("Answer accepted: the question is resolved.")

    return _post(request, pk, AcceptForm, act)


@login_required
@require_POST
def vote(request, pk: int):
    def act(thread, data):
        services.vote_cast(
            actor=request.user, thread=thread, value=data["value"], answer=_answer(request, thread, data.get("answer"))
        )
        return None

    return _post(request, pk, VoteForm, act)


@login_required
@require_POST
def comment_create(request, pk: int):
    def act(thread, data):
        services.comment_post(
            actor=request.user, thread=thread, body=data["body"], answer=_answer(request, thread, data.get("answer"))
        )
        return _("Comment added.")

    return _post(request, pk, CommentForm, act)


@login_required
@require_POST
def flag_create(request, pk: int):
    def act(thread, data):
        services.flag_raise(
            actor=request.user,
            thread=thread,
            reason=data["reason"],
            note=data.get("note", ""),
            answer=_answer(request, thread, data.get("answer")),
        )
        return _("Thank you: the moderators will look at it.")

    return _post(request, pk, FlagForm, act)


@login_required
@require_POST
def moderate(request, pk: int):
    def act(thread, data):
        access.require(access.forum_can_moderate(request.user))
        action = data["action"]
        if action == "close":
            duplicate = access.access_thread(request.user, data["duplicate_of"]) if data.get("duplicate_of") else None
            services.thread_close(
                actor=request.user, thread=thread, reason=data.get("reason", ""), duplicate_of=duplicate
            )
            return _("Question closed.")
        if action == "reopen":
            services.thread_reopen(actor=request.user, thread=thread)
            return _("Question reopened.")
        comment = thread.comments.filter(pk=data["comment"]).first() if data.get("comment") else None
        if data.get("comment") and comment is None:
            raise Http404
        services.content_hide(
            actor=request.user, thread=thread, answer=_answer(request, thread, data.get("answer")), comment=comment
        )
        return _("Hidden.")

    return _post(request, pk, ModerateForm, act)


@login_required
@require_POST
def attachment_create(request, pk: int):
    def act(thread, data):
        services.attachment_add(
            actor=request.user, thread=thread, upload=data["file"], answer=_answer(request, thread, data.get("answer"))
        )
        return _("File attached.")

    return _post(request, pk, AttachmentForm, act)


def attachment_download(request, pk: int, attachment: int):
    found = access.access_attachment(request.user, pk, attachment)
    return private_file(found.file, name=found.name)


@login_required
def question_translate(request, pk: int):
    thread = access.access_thread(request.user, pk)
    access.require(access.thread_can_translate(request.user, thread))
    page = selectors.thread_page(user=request.user, thread=thread, language=_language(request))
    form = TranslateForm(request.POST or None, initial={"language": (page.missing_languages or ["en"])[0]})
    return form_page(
        request,
        form=form,
        save=lambda f: services.question_translate(actor=request.user, thread=thread, **f.cleaned_data),
        done=lambda question: f"{thread.get_absolute_url()}?lang={question.language}",
        message=_("The question is now also in this language; it shares its answers and votes."),
        template="knowledge/question_form.html",
        context={"thread": thread, "original": page.question},
    )


@login_required
def question_edit(request, pk: int):
    thread = access.access_thread(request.user, pk)
    question = selectors.question_in(thread, _language(request))
    access.require(access.question_can_edit(request.user, question))
    form = QuestionEditForm(
        request.POST or None, initial={"title": question.title, "body": question.body, "version": question.version}
    )
    return form_page(
        request,
        form=form,
        save=lambda f: services.question_edit(actor=request.user, question=question, **f.cleaned_data),
        done=lambda saved: f"{thread.get_absolute_url()}?lang={saved.language}",
        message=_("Question saved; the earlier text is kept as a revision."),
        template="knowledge/question_form.html",
        context={"thread": thread, "original": question},
    )


@login_required
def inbox(request):
    return render(request, "knowledge/inbox.html", {"inbox": selectors.expert_inbox(user=request.user)})


@login_required
def flag_list(request):
    access.require(access.forum_can_moderate(request.user))
    page = paginate(request, selectors.flags_open(user=request.user))
    return render(request, "knowledge/flag_list.html", {"page": page, "query": query_without(request, "page")})


@login_required
@require_POST
def flag_handle(request, flag: int):
    access.require(access.forum_can_moderate(request.user))
    found = selectors.flags_open(user=request.user).filter(pk=flag).first()
    if found is None:
        raise Http404
    form = FlagHandleForm(request.POST)
    if form.is_valid():
        try:
            services.flag_handle(actor=request.user, flag=found, uphold=form.cleaned_data["uphold"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Flag handled."))
    return redirect("knowledge:flag_list")
