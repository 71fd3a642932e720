"""The knowledge app's search index: one row per indexed object and language (jalon.knowledge.search keeps
it; each part registers what it indexes). The folded columns hold the text as the search compares it
(accents and case folded, punctuation as spaces), so both databases tokenise and match it the same way: an
FTS5 table over them on SQLite, a GIN full-text index on PostgreSQL (migration 0001_forum_roster)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.organisations.models import Organisation


class SearchEntry(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Anyone")
        MEMBERS = "members", _("Members of a standards body")
        ORGANISATION = "organisation", _("The organisation and the programme team")
        TEAM = "team", _("The programme team only")

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(_("language"), max_length=5, blank=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    url = models.CharField(_("address"), max_length=300)
    folded_title = models.TextField()
    folded_body = models.TextField()
    # Filter values as " name:value " tokens (tag:x.509, state:open, country:SN), matched by `contains` on
    # both databases without JSON operators.
    facets = models.TextField(blank=True)
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Who always sees the entry whatever its visibility (an expert their own profile).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "object_id", "language"]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="knowledge_search_entry_once")
        ]

    def __str__(self) -> str:
        return self.title
