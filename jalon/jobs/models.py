"""A job: one piece of background work a person started (an import, a batch of certificates, a report),
as its owner follows it: kind, status, progress, message, result, and a cancel request.

The task queue (django-tasks: the database, Redis, or at once in tests) only carries the job's id; the
job's state lives here, whatever the backend, so that any web server and any worker read the same.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed: nothing was saved")
        CANCELLED = "cancelled", _("Cancelled: nothing was saved")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    # A registered kind (jalon.jobs.kinds), which says what runs, who may see it and where its page is.
    kind = models.CharField(_("kind"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The record the job works on, as its kind reads it (an activity for a participant import).
    subject_id = models.BigIntegerField(_("record"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The language its messages and report are written in: the owner's when they started it.
    language = models.CharField(_("language"), max_length=8, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # What the job is doing now, in the owner's language ("Reading and checking the rows").
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("to do"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # What the owner gets: a summary (counts), or the row-level problems of a refused file.
    result = models.JSONField(_("result"), default=dict, blank=True)
    # A file the job made (certificates, a report), served only through the job's access-checked page.
    result_file = models.FileField(_("file"), upload_to="jobs/results/%Y/%m/", blank=True)
    result_name = models.CharField(_("file name"), max_length=250, blank=True)
    # An uploaded file the job reads. It may hold personal data: removed when the job ends, whatever the end.
    upload = models.FileField(_("uploaded file"), upload_to="jobs/uploads/%Y/%m/", blank=True)
    upload_name = models.CharField(_("uploaded file name"), max_length=250, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    # The task queue's id for the job, once enqueued (empty: not yet, the worker re-enqueues it).
    task_id = models.CharField(max_length=64, blank=True)
    # The process running it ("host:pid"): a job whose process died is seen to have failed.
    worker = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("started by its owner"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Moved at each progress point: a running job silent for too long is taken as interrupted.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["kind", "subject_id", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
