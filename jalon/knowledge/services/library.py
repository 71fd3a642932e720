"""Writes to the resource library: a resource's Dublin Core record, its language versions (one file per
language, its size, format and checksum read when stored), publishing it, and counting a download per country and
day without recording who downloaded."""

import hashlib
import os
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save, versioned_update
from jalon.knowledge import search
from jalon.knowledge.access import library as access
from jalon.knowledge.models import DownloadCount, Resource, ResourceFile
from jalon.results.computations import computed_schedule_refresh
from jalon.web.files import TYPES, upload_validate

RESOURCE_FIELDS = (
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "date",
    "type",
    "identifier",
    "relation",
    "coverage",
    "rights",
    "licence",
    "standards",
    "ics_codes",
    "organisation",
)
RESOURCE_RELATIONS = ("committees", "results", "activities")
# An ICS code: field (2 digits), group (3), sub-group (2), e.g. 03.120.10.
ICS_CODE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")
MAX_ITEMS = 30


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _words(value, *, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("A list of %(what)s is expected.") % {"what": what})
    items = sorted({item.strip()[:100] for item in value if item.strip()})
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("At most %(count)s items.") % {"count": MAX_ITEMS})
    return items


def _check(resource: Resource) -> None:
    errors: dict[str, ValidationError | str] = {}
    try:
        resource.standards = _words(resource.standards, what=_("standards"))
    except ValidationError as exc:
        errors["standards"] = exc
    try:
        codes = _words(resource.ics_codes, what=_("ICS codes"))
    except ValidationError as exc:
        errors["ics_codes"] = exc
    else:
        wrong = [code for code in codes if not ICS_CODE.match(code)]
        if wrong:
            errors["ics_codes"] = _("Not an ICS code (e.g. 03.120.10): %(codes)s.") % {"codes": ", ".join(wrong)}
        resource.ics_codes = codes
    if errors:
        raise ValidationError(errors)
    resource.full_clean(exclude=["created_by"])


def _relations(fields: dict) -> dict:
    return {name: list(fields.pop(name)) for name in RESOURCE_RELATIONS if name in fields}


@transaction.atomic
def resource_create(*, actor, is_demo: bool = False, **fields) -> Resource:
    relations = _relations(fields)
    unknown_fields(fields, RESOURCE_FIELDS, "resource")
    resource = Resource(**fields, is_demo=is_demo, created_by=_author(actor))
    if actor is not None and not access.resource_can_add_for(actor, resource.organisation):
        raise ValidationError({"organisation": _("You add resources for your own organisation only.")})
    _check(resource)
    resource.save()
    for name, values in relations.items():
        getattr(resource, name).set(values)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=resource)
    search.index("resource", resource)
    return resource


@transaction.atomic
def resource_update(*, actor, resource: Resource, version: int | None = None, **fields) -> Resource:
    current = locked(resource, version)
    if not access.resource_can_edit(actor, current):
        raise PermissionDenied
    relations = _relations(fields)
    if "organisation" in fields and not access.resource_can_add_for(actor, fields["organisation"]):
        raise ValidationError({"organisation": _("You add resources for your own organisation only.")})
    saved, _changed = versioned_update(
        current,
        actor=actor,
        version=None,
        fields=fields,
        allowed=RESOURCE_FIELDS,
        clean=_check,
        relations=relations,
        current=current,
    )
    search.index("resource", saved)
    return saved


@transaction.atomic
def resource_publish(*, actor, resource: Resource, version: int | None = None) -> Resource:
    """Published: anyone reads and downloads it. A resource is published with at least one file."""
    current = locked(resource, version)
    if not access.resource_can_publish(actor, current):
        raise PermissionDenied
    if current.status == Resource.Status.PUBLISHED:
        raise ValidationError(_("This resource is already published."))
    if not current.files.exists():
        raise ValidationError(_("Add the file of at least one language before publishing."))
    before = snapshot(current)
    current.status = Resource.Status.PUBLISHED
    saved = versioned_save(current, actor=actor, before=before)
    search.index("resource", saved)
    computed_schedule_refresh(source="knowledge")
    return saved


def _digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def resource_file_store(*, actor, resource: Resource, language, file) -> ResourceFile:
    """The file of one language version: added, or replacing the one that language had."""
    current = locked(resource, None)
    if not access.resource_can_edit(actor, current):
        raise PermissionDenied
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    # Size, kind and no web page in disguise, whichever way the file came (page or API).
    try:
        upload_validate(file)
    except ValidationError as refused:
        raise ValidationError({"file": refused.messages}) from refused
    extension = os.path.splitext(file.name or "")[1].lower()
    stored = ResourceFile.objects.select_for_update().filter(resource=current, language=language).first()
    before = snapshot(stored) if stored is not None else None
    if stored is None:
        stored = ResourceFile(resource=current, language=language)
    else:
        stored.file.delete(save=False)
    stored.size = file.size or 0
    stored.format = TYPES.get(extension, "application/octet-stream")
    stored.sha256 = _digest(file)
    stored.file.save(os.path.basename(file.name), file, save=False)
    stored.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        instance=stored,
        before=before,
    )
    return stored


def download_count(*, file: ResourceFile, country) -> None:
    """One more download of `file` today from `country` (None: unknown). A counter only: nothing about who."""
    day = timezone.localdate()
    match = {"file": file, "country": country, "day": day}
    with transaction.atomic():
        if DownloadCount.objects.filter(**match).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                DownloadCount.objects.create(**match, count=1)
        except IntegrityError:
            # Another request created today's row between the two statements: count on it.
            DownloadCount.objects.filter(**match).update(count=F("count") + 1)
    computed_schedule_refresh(source="knowledge")
