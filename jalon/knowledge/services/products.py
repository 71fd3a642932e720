"""Writes to the database of technologies and conforming products: technologies and their standards (the
secretariat), products, test laboratories and conformity claims (focal points for their organisation), and the
claim's workflow: submitted, checked by the secretariat, published (never without evidence), withdrawn; and
expired, stored by `claims_expire` (the worker's periodic recovery, every minute) for published claims past
their end date. Reads do not wait for it: between two runs the public list and the indicators leave out an
expired claim by its dates (access.products.claims_live)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save
from jalon.knowledge import search
from jalon.knowledge.access import products as access
from jalon.knowledge.models import ConformityClaim, Product, Technology, TechnologyStandard, TestLaboratory
from jalon.results.computations import computed_schedule_refresh

PRODUCT_FIELDS = ("manufacturer", "model", "product_version", "category", "country", "organisation")
LABORATORY_FIELDS = (
    "name",
    "country",
    "accreditation_body",
    "accreditation_number",
    "accreditation_scope",
    "ilac_signatory",
    "itu_recognised",
)
CLAIM_FIELDS = (
    "product",
    "standard",
    "edition",
    "profile",
    "basis",
    "laboratory",
    "report_number",
    "issued_on",
    "valid_until",
    "evidence",
    "evidence_url",
)
# A test report, a certificate and an interoperability event name the laboratory; a supplier's declaration
# (ISO/IEC 17050-1) is the supplier's own.
LABORATORY_BASES = (
    ConformityClaim.Basis.TEST_REPORT,
    ConformityClaim.Basis.CERTIFICATE,
    ConformityClaim.Basis.INTEROP_EVENT,
)
S = ConformityClaim.Status
STEPS = {
    "check": ((S.SUBMITTED,), S.CHECKED),
    "publish": ((S.CHECKED,), S.PUBLISHED),
    "withdraw": ((S.SUBMITTED, S.CHECKED, S.PUBLISHED, S.EXPIRED), S.WITHDRAWN),
}


def _refresh() -> None:
    computed_schedule_refresh(source="knowledge")


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def technology_record(*, actor, name: dict, description: dict | None = None, standards=(), is_demo=False) -> Technology:
    """A technology and the standards (reference, edition) implementing it."""
    if actor is not None and not access.technology_can_record(actor):
        raise PermissionDenied
    technology = Technology(name=name, description=description or {}, is_demo=is_demo)
    technology.full_clean()
    technology.save()
    pairs = sorted({(reference.strip()[:100], edition.strip()[:40]) for reference, edition in standards if reference})
    TechnologyStandard.objects.bulk_create(
        [
            TechnologyStandard(technology=technology, reference=reference, edition=edition)
            for reference, edition in pairs
        ]
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=technology)
    return technology


@transaction.atomic
def product_create(*, actor, technologies=(), is_demo: bool = False, **fields) -> Product:
    unknown_fields(fields, PRODUCT_FIELDS, "product")
    product = Product(**fields, is_demo=is_demo, created_by=_author(actor))
    if actor is not None and not access.product_can_submit_for(actor, product.organisation):
        raise ValidationError({"organisation": _("You submit products for your own organisation only.")})
    product.full_clean(exclude=["created_by"])
    product.save()
    product.technologies.set(technologies)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=product)
    _refresh()
    return product


@transaction.atomic
def laboratory_record(*, actor, is_demo: bool = False, **fields) -> TestLaboratory:
    unknown_fields(fields, LABORATORY_FIELDS, "laboratory")
    if actor is not None and not access.products_can_submit(actor):
        raise PermissionDenied
    laboratory = TestLaboratory(**fields, is_demo=is_demo)
    if laboratory.ilac_signatory and not (laboratory.accreditation_body and laboratory.accreditation_number):
        raise ValidationError(
            {"accreditation_number": _("Give the accreditation body and number of an accredited laboratory.")}
        )
    laboratory.full_clean()
    laboratory.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=laboratory)
    return laboratory


def _check_claim(claim: ConformityClaim) -> None:
    errors: dict[str, str] = {}
    if claim.basis in LABORATORY_BASES and claim.laboratory_id is None:
        errors["laboratory"] = _("A test report, a certificate or an interoperability event names its laboratory.")
    if claim.valid_until is not None and claim.issued_on is not None and claim.valid_until < claim.issued_on:
        errors["valid_until"] = _("The end of validity comes after the date of issue.")
    if errors:
        raise ValidationError(errors)
    claim.full_clean(exclude=["submitted_by", "evidence"])


@transaction.atomic
def claim_submit(*, actor, is_demo: bool = False, **fields) -> ConformityClaim:
    unknown_fields(fields, CLAIM_FIELDS, "claim")
    evidence = fields.pop("evidence", None)
    claim = ConformityClaim(**fields, is_demo=is_demo, submitted_by=_author(actor))
    if actor is not None and not access.claim_can_submit(actor, claim.product):
        raise ValidationError({"product": _("You submit claims for your own organisation's products only.")})
    _check_claim(claim)
    if evidence:
        claim.evidence.save(evidence.name, evidence, save=False)
    claim.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=claim)
    search.index("claim", claim)
    return claim


@transaction.atomic
def claim_step(*, actor, claim: ConformityClaim, step: str, version: int | None = None) -> ConformityClaim:
    """check, publish (the secretariat) or withdraw (the secretariat or the submitter). A claim is published only
    with evidence (a file or a link) and only while it is in force."""
    if step not in STEPS:
        raise ValidationError(_("Unknown action."))
    current = locked(claim, version, queryset=ConformityClaim.objects.select_related("product"))
    allowed = access.claim_can_withdraw(actor, current) if step == "withdraw" else access.claim_can_check(actor)
    if not allowed:
        raise PermissionDenied
    start, target = STEPS[step]
    if current.status not in start:
        raise ValidationError(_("This claim cannot move to that state from its current one."))
    today = timezone.localdate()
    if target == S.PUBLISHED:
        if not current.evidence and not current.evidence_url:
            raise ValidationError({"evidence": _("A claim cannot be published without evidence.")})
        if current.valid_until is not None and current.valid_until < today:
            raise ValidationError({"valid_until": _("This claim has expired: it cannot be published.")})
    before = snapshot(current)
    current.status = target
    if target == S.CHECKED:
        current.checked_on = today
    elif target == S.PUBLISHED:
        current.published_on = today
    saved = versioned_save(current, actor=actor, before=before)
    search.index("claim", saved)
    _refresh()
    return saved


def claims_expire(*, day=None) -> int:
    """Store "expired" on the published claims whose end date has passed (before `day`, today by default), each
    in its own transaction, versioned and audited as the system's change, and take them out of the public
    index; returns how many. Run again, it finds none: a claim expires once."""
    day = day or timezone.localdate()
    count = 0
    for pk in list(
        ConformityClaim.objects.filter(status=S.PUBLISHED, valid_until__lt=day).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            current = (
                ConformityClaim.objects.select_for_update()
                .filter(pk=pk, status=S.PUBLISHED, valid_until__lt=day)
                .first()
            )
            if current is None:  # withdrawn or extended meanwhile
                continue
            before = snapshot(current)
            current.status = S.EXPIRED
            search.index("claim", versioned_save(current, actor=None, before=before))
            count += 1
    if count:
        _refresh()
    return count
