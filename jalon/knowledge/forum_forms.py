"""Forms of the Q&A forum's pages. Tags are typed as comma-separated codes per kind."""

from django import forms
from django.utils.translation import gettext_lazy

from jalon.committees.models import Committee
from jalon.knowledge.models import FORUM_LANGUAGES, Flag, Tag, Thread
from jalon.web.files import upload_validate
from jalon.web.forms import ChoicesOfModel

ANY = ("", gettext_lazy("Any"))
TAG_FIELDS = (
    ("itu_t", Tag.Kind.ITU_T),
    ("iso", Tag.Kind.ISO),
    ("ics", Tag.Kind.ICS),
    ("topic", Tag.Kind.TOPIC),
)


class CommitteeChoices(ChoicesOfModel):
    def label_from_instance(self, obj) -> str:
        return obj.reference


class AskForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of the question"), choices=FORUM_LANGUAGES)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown: **bold**, *italic*, lists, links, `code`. No HTML."),
    )
    itu_t = forms.CharField(
        label=gettext_lazy("ITU-T Recommendations"), required=False, help_text=gettext_lazy("E.g. X.509, Y.3172.")
    )
    iso = forms.CharField(
        label=gettext_lazy("ISO deliverables"), required=False, help_text=gettext_lazy("E.g. ISO 9001.")
    )
    ics = forms.CharField(label=gettext_lazy("ICS codes"), required=False, help_text=gettext_lazy("E.g. 03.120.10."))
    topic = forms.CharField(
        label=gettext_lazy("Topics"), required=False, help_text=gettext_lazy("Separated by commas.")
    )
    committees = CommitteeChoices(
        label=gettext_lazy("Committees and study groups"),
        queryset=Committee.objects.filter(status=Committee.Status.ACTIVE).order_by("sort_key", "reference"),
        required=False,
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Thread.Visibility.choices,
        help_text=gettext_lazy(
            "Members only: the people of organisations that are members of a standards body (ISO, ITU, ILO...)."
        ),
    )

    def tags(self) -> list[tuple[str, str]]:
        return [
            (kind, code.strip())
            for name, kind in TAG_FIELDS
            for code in self.cleaned_data.get(name, "").split(",")
            if code.strip()
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "title": data["title"],
            "body": data["body"],
            "tags": self.tags(),
            "committees": list(data.get("committees") or []),
            "visibility": data["visibility"],
        }


class TranslateForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=FORUM_LANGUAGES)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Question"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class QuestionEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Question"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class AnswerForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of the answer"), choices=FORUM_LANGUAGES)
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown: **bold**, *italic*, lists, links, `code`. No HTML."),
    )


class AcceptForm(forms.Form):
    """Accepting an answer: the answer is in the address, nothing to type."""


class CommentForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=(("1", "+1"), ("-1", "-1")), coerce=int)
    answer = forms.IntegerField(required=False, min_value=1)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=Flag.Reason.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ModerateForm(forms.Form):
    ACTIONS = (
        ("close", gettext_lazy("Close")),
        ("reopen", gettext_lazy("Reopen")),
        ("hide", gettext_lazy("Hide")),
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=ACTIONS)
    reason = forms.ChoiceField(
        label=gettext_lazy("Closed as"), choices=[ANY, *Thread.CloseReason.choices], required=False
    )
    duplicate_of = forms.IntegerField(label=gettext_lazy("Duplicate of question no."), required=False, min_value=1)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class FlagHandleForm(forms.Form):
    uphold = forms.TypedChoiceField(choices=(("1", "1"), ("0", "0")), coerce=lambda v: v == "1")


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), validators=[upload_validate])
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ThreadFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=[ANY, *Thread.State.choices], required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=[ANY, *FORUM_LANGUAGES], required=False)
    tag = forms.CharField(label=gettext_lazy("Tag"), max_length=60, required=False)
    waiting = forms.BooleanField(label=gettext_lazy("Waiting for an expert"), required=False)
