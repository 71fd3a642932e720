"""Writes to the expert roster. The programme team invites a person (the profile starts "invited"); the
expert keeps their own profile: consent and visibility, summary, countries, availability, day rate,
competencies and languages. Saving the profile moves its state: active with consent, at least one competency
and one language, incomplete otherwise. Twelve months without a saved profile make it stale and send one
reminder (`roster_stale_remind`, from the worker's periodic recoveries). A profile is never deleted: the
expert or the team makes it inactive, and the expert makes it active again by saving it.

Trainers of an activity are recorded in activities (`activities.services.trainer_record`)."""

import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save
from jalon.knowledge import search
from jalon.knowledge.access import roster as access
from jalon.knowledge.models import Competency, Expert, ExpertLanguage
from jalon.results.computations import computed_schedule_refresh

SOURCE = "knowledge_roster"
STALE_AFTER = datetime.timedelta(days=365)
PROFILE_FIELDS = (
    "visibility",
    "summary",
    "available_from",
    "available_until",
    "availability_note",
    "day_rate",
    "day_rate_currency",
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _settle(expert: Expert) -> None:
    """The state a saved profile has: active when complete, incomplete otherwise (inactive stays so)."""
    if expert.state == Expert.State.INACTIVE:
        return
    complete = expert.consent_at is not None and expert.competencies.exists() and expert.languages.exists()
    expert.state = Expert.State.ACTIVE if complete else Expert.State.INCOMPLETE


def _done(actor, expert: Expert, before: dict) -> Expert:
    saved = versioned_save(expert, actor=actor, before=before)
    search.index("expert", saved)
    computed_schedule_refresh(source=SOURCE)
    return saved


@transaction.atomic
def expert_invite(*, actor, person, user=None, is_demo: bool = False) -> Expert:
    _require(access.roster_can_manage(actor))
    if Expert.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already on the roster.")})
    if user is not None and Expert.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This account already has an expert profile.")})
    expert = Expert.objects.create(person=person, user=user, invited_by=actor, is_demo=is_demo)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=expert)
    search.index("expert", expert)
    return expert


@transaction.atomic
def expert_profile_save(
    *, actor, expert: Expert, consent: bool, countries=None, version: int | None = None, **fields
) -> Expert:
    """The expert saves their profile (only they may): consent given or withdrawn, what they declare."""
    unknown_fields(fields, PROFILE_FIELDS, "expert")
    current = locked(expert, version)
    _require(access.expert_can_edit(actor, current))
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    if current.available_from and current.available_until and current.available_from > current.available_until:
        raise ValidationError({"available_until": _("The end of the availability comes before its start.")})
    if (current.day_rate is None) != (current.day_rate_currency_id is None):
        raise ValidationError({"day_rate": _("Give the day rate with its currency, or neither.")})
    if consent and current.consent_at is None:
        current.consent_at = timezone.now()
    elif not consent:
        current.consent_at = None
    current.full_clean(exclude=["person", "user", "invited_by"])
    if countries is not None:
        current.countries.set(countries)
    current.profile_updated_at, current.reminded_at = timezone.now(), None
    _settle(current)
    return _done(actor, current, before)


def _own(actor, expert: Expert) -> Expert:
    current = locked(expert, None)
    _require(access.expert_can_edit(actor, current))
    return current


@transaction.atomic
def competency_add(*, actor, expert: Expert, level: str, evidence: str = "", tag=None, committee=None, gsp_area=None):
    current = _own(actor, expert)
    if sum(item is not None for item in (tag, committee, gsp_area)) != 1:
        raise ValidationError({"tag": _("Give one subject: a code or topic, a committee or a GSP area.")})
    competency = Competency(
        expert=current, tag=tag, committee=committee, gsp_area=gsp_area, level=level, evidence=evidence.strip()
    )
    competency.full_clean(exclude=["expert", "tag", "committee", "gsp_area"])
    competency.save()
    before = snapshot(current)
    current.profile_updated_at = timezone.now()
    _settle(current)
    _done(actor, current, before)
    return competency


@transaction.atomic
def competency_remove(*, actor, competency: Competency) -> None:
    current = _own(actor, competency.expert)
    competency.delete()
    before = snapshot(current)
    _settle(current)
    _done(actor, current, before)


@transaction.atomic
def language_set(*, actor, expert: Expert, language, level: str) -> ExpertLanguage:
    current = _own(actor, expert)
    item, _created = ExpertLanguage.objects.update_or_create(
        expert=current, language=language, defaults={"level": level}
    )
    item.full_clean(exclude=["expert", "language"])
    before = snapshot(current)
    current.profile_updated_at = timezone.now()
    _settle(current)
    _done(actor, current, before)
    return item


@transaction.atomic
def language_remove(*, actor, item: ExpertLanguage) -> None:
    current = _own(actor, item.expert)
    item.delete()
    before = snapshot(current)
    _settle(current)
    _done(actor, current, before)


@transaction.atomic
def expert_deactivate(*, actor, expert: Expert, version: int | None = None) -> Expert:
    current = locked(expert, version)
    _require(access.expert_can_edit(actor, current) or access.roster_can_manage(actor))
    before = snapshot(current)
    current.state = Expert.State.INACTIVE
    return _done(actor, current, before)


@transaction.atomic
def expert_reactivate(*, actor, expert: Expert, version: int | None = None) -> Expert:
    current = locked(expert, version)
    _require(access.expert_can_edit(actor, current))
    before = snapshot(current)
    current.state = Expert.State.INCOMPLETE
    current.profile_updated_at = timezone.now()
    _settle(current)
    return _done(actor, current, before)


def _remind(expert: Expert) -> bool:
    address = (expert.user.email if expert.user else "") or expert.person.email
    if not address:
        return False
    language = getattr(expert.user, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        url = urljoin(settings.SITE_URL, reverse("knowledge:expert_me"))
        subject = _("Your expert profile is a year old")
        body = "\n".join(
            [
                _("Hello %(name)s,") % {"name": expert.person},
                "",
                _(
                    "Your profile in the expert roster was last updated over twelve months ago. Please check it and "
                    "save it, so that questions and requests keep reaching you: %(url)s"
                )
                % {"url": url},
            ]
        )
    EmailMessage(subject=subject, body=body + "\n", to=[address]).send()
    return True


def roster_stale_remind(now: datetime.datetime | None = None) -> int:
    """Active profiles not saved for twelve months become stale and get one reminder; run by the worker every
    minute (jobs.queue recovery), idempotent: a stale profile already reminded is not reminded again."""
    now = now or timezone.now()
    sent = 0
    due = Expert.objects.filter(state=Expert.State.ACTIVE, profile_updated_at__lt=now - STALE_AFTER)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            expert = (
                Expert.objects.select_for_update(of=("self",)).select_related("user", "person").filter(pk=pk).first()
            )
            if expert is None or expert.state != Expert.State.ACTIVE:
                continue
            before = snapshot(expert)
            expert.state, expert.reminded_at = Expert.State.STALE, now
            versioned_save(expert, actor=None, before=before)
            search.index("expert", expert)
            sent += _remind(expert)
    return sent
