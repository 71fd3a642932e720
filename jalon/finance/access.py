"""Who may see or change a programme's money.

- The programme team (its managers; platform administrators) writes the ledger, rates, proposals and appraisals.
- Viewers (donors, governance) read the figures and the ledger of the programmes they view (all programmes for a
  viewer with no programme named).
- Focal points and contributors of an organisation see the ledger lines that concern it: the contributions it
  made, the allocations and payments to it.
- The public sees a programme's aggregate figures (its money page, Table 1, the resources endpoint) once the
  programme is published and its figures are marked published; never a ledger line.
Exchange rates are public reference data; source types and contributors are shared by the programmes and entered by
any programme team; others see a contributor only through the contributions they see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.activities.access import activities_visible
from jalon.activities.models import Activity, activity_ids_serving
from jalon.finance.models import (
    Allocation,
    Budget,
    Contribution,
    Contributor,
    Fund,
    PlannedDisbursement,
    Proposal,
    Receipt,
    ResourceRequirement,
    Spending,
)
from jalon.lib.ids import valid_id
from jalon.results.access import access_programme, programme_can_manage, programmes_managed, programmes_visible
from jalon.results.models import Programme

TEAM_ROLES = (Role.PROGRAMME_MANAGER,)
READER_ROLES = (Role.PROGRAMME_MANAGER, Role.VIEWER)


def finance_can_manage(user, programme: Programme) -> bool:
    """Write the programme's ledger, settings, proposals and appraisals."""
    return programme_can_manage(user, programme)


def finance_can_read_all(user, programme: Programme) -> bool:
    """Every ledger line of the programme: its team and its viewers."""
    grants = grants_for(user)
    return grants.all_programmes(*READER_ROLES) or programme.pk in grants.programmes(*READER_ROLES)


def finance_own_organisations(user) -> set[int]:
    return grants_for(user).organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)


def finance_programmes_readable(user, queryset: QuerySet[Programme] | None = None) -> QuerySet[Programme]:
    """Programmes whose aggregate figures a user sees: those they read in full, and published programmes
    whose figures are published."""
    queryset = programmes_visible(user, queryset)
    grants = grants_for(user)
    if grants.all_programmes(*READER_ROLES):
        return queryset
    return queryset.filter(
        Q(pk__in=grants.programmes(*READER_ROLES)) | Q(published=True, finance_settings__published=True)
    )


def finance_can_see_figures(user, programme: Programme) -> bool:
    if finance_can_read_all(user, programme):
        return True
    settings = getattr(programme, "finance_settings", None)
    return bool(programme.published and settings is not None and settings.published)


def finance_can_see_ledger(user, programme: Programme) -> bool:
    """Whether the programme's ledger pages are offered: its readers, and the organisations' users (who see
    their own lines only)."""
    return finance_can_read_all(user, programme) or bool(finance_own_organisations(user))


def _ledger_condition(user, *, organisation_paths: tuple[str, ...], programme_path: str = "programme_id") -> Q:
    grants = grants_for(user)
    condition = Q(pk__in=[])
    readable = grants.programmes(*READER_ROLES)
    if readable:
        condition |= Q(**{f"{programme_path}__in": readable})
    own = finance_own_organisations(user)
    if own:
        for path in organisation_paths:
            condition |= Q(**{f"{path}__in": own})
    return condition


def contributions_visible(user, queryset: QuerySet[Contribution] | None = None) -> QuerySet[Contribution]:
    queryset = Contribution.objects.all() if queryset is None else queryset
    if grants_for(user).all_programmes(*READER_ROLES):
        return queryset
    return queryset.filter(_ledger_condition(user, organisation_paths=("contributor__organisation_id",)))


def receipts_visible(user, queryset: QuerySet[Receipt] | None = None) -> QuerySet[Receipt]:
    queryset = Receipt.objects.all() if queryset is None else queryset
    return queryset.filter(contribution__in=contributions_visible(user))


def allocations_visible(user, queryset: QuerySet[Allocation] | None = None) -> QuerySet[Allocation]:
    queryset = Allocation.objects.all() if queryset is None else queryset
    if grants_for(user).all_programmes(*READER_ROLES):
        return queryset
    return queryset.filter(_ledger_condition(user, organisation_paths=("organisation_id",)))


def spendings_visible(user, queryset: QuerySet[Spending] | None = None) -> QuerySet[Spending]:
    queryset = Spending.objects.all() if queryset is None else queryset
    if grants_for(user).all_programmes(*READER_ROLES):
        return queryset
    return queryset.filter(_ledger_condition(user, organisation_paths=("payee_id",)))


def plans_visible(user, queryset: QuerySet) -> QuerySet:
    """A programme's budgets, planned disbursements and resource requirements (a queryset of one of them):
    its team and viewers only; they concern no one organisation. Their totals reach the public through the
    published figures."""
    grants = grants_for(user)
    if grants.all_programmes(*READER_ROLES):
        return queryset
    path = "result__programme_id" if queryset.model is ResourceRequirement else "programme_id"
    return queryset.filter(**{f"{path}__in": grants.programmes(*READER_ROLES)})


def budgets_visible(user, queryset: QuerySet[Budget] | None = None) -> QuerySet[Budget]:
    return plans_visible(user, Budget.objects.all() if queryset is None else queryset)


def planned_disbursements_visible(
    user, queryset: QuerySet[PlannedDisbursement] | None = None
) -> QuerySet[PlannedDisbursement]:
    return plans_visible(user, PlannedDisbursement.objects.all() if queryset is None else queryset)


def requirements_visible(user, queryset: QuerySet[ResourceRequirement] | None = None) -> QuerySet[ResourceRequirement]:
    return plans_visible(user, ResourceRequirement.objects.all() if queryset is None else queryset)


def proposals_visible(user, queryset: QuerySet[Proposal] | None = None) -> QuerySet[Proposal]:
    """Proposals: the programme's team and viewers; the targeted donor's users see those sent to it."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    if grants_for(user).all_programmes(*READER_ROLES):
        return queryset
    condition = _ledger_condition(user, organisation_paths=())
    own = finance_own_organisations(user)
    if own:
        condition |= Q(donor_id__in=own, status__in=(Proposal.Status.SENT_TO_DONOR, Proposal.Status.FUNDED))
    return queryset.filter(condition)


def finance_can_manage_reference(user) -> bool:
    """Exchange rates, contributors and their source types: reference data the programmes share, entered by any
    programme team."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def funds_visible(user, queryset: QuerySet[Fund] | None = None) -> QuerySet[Fund]:
    """A programme's funds, with its figures: its team and viewers, and everyone once the figures are published."""
    queryset = Fund.objects.all() if queryset is None else queryset
    return queryset.filter(programme__in=finance_programmes_readable(user))


def contributors_visible(user, queryset: QuerySet[Contributor] | None = None) -> QuerySet[Contributor]:
    """Every contributor for programme teams (they enter them) and all-programme viewers; for others, only those
    whose contributions they see: that an organisation gives money to a programme is a ledger fact."""
    queryset = Contributor.objects.all() if queryset is None else queryset
    if finance_can_manage_reference(user) or grants_for(user).all_programmes(*READER_ROLES):
        return queryset
    return queryset.filter(pk__in=contributions_visible(user).values("contributor_id"))


def ledger_choices(user) -> dict[str, QuerySet]:
    """What a ledger line written by `user` may name, per field: the funds, the activities (serving the
    programme: activities.models.activity_ids_serving) and the sponsorships and fellowships of the programmes the
    user manages; activities also as activities.access lets the user see them. A record of another programme is
    then answered as one that does not exist; the services check that each is the line's own programme's."""
    managed = programmes_managed(user).values("pk")
    awards = {
        name: Spending._meta.get_field(name).related_model._default_manager.filter(programme__in=managed)  # type: ignore[union-attr]
        for name in ("sponsorship", "fellowship")
    }
    serving = Activity.objects.filter(pk__in=activity_ids_serving(programme__in=managed))
    return {"fund": Fund.objects.filter(programme__in=managed), "activity": activities_visible(user, serving), **awards}


def finance_jobs_visible(user, queryset: QuerySet) -> QuerySet:
    """A ledger import is followed by the managers of its programme (the job's subject)."""
    return queryset.filter(subject_id__in=programmes_managed(user).values("pk"))


# Fetchers ---------------------------------------------------------------------------------------------------


def access_finance_programme(user, code: str, *, manage: bool = False, ledger: bool = False) -> Programme:
    """The programme (404 if not seen); its figures must be visible to the user (404 otherwise: unpublished
    figures do not exist for the public); `manage`: the user writes its ledger (403); `ledger`: its ledger
    pages are offered to the user (403)."""
    programme = access_programme(user, code)
    if not finance_can_see_figures(user, programme) and not finance_can_see_ledger(user, programme):
        raise Http404
    if manage and not finance_can_manage(user, programme):
        raise PermissionDenied
    if ledger and not finance_can_see_ledger(user, programme):
        raise PermissionDenied
    return programme


def access_figures_programme(user, code: str) -> Programme:
    programme = access_programme(user, code)
    if not finance_can_see_figures(user, programme):
        if grants_for(user).authenticated and finance_can_see_ledger(user, programme):
            raise PermissionDenied
        raise Http404
    return programme


def _one(queryset, pk):
    if not valid_id(pk):
        raise Http404
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def access_contribution(user, programme: Programme, pk, *, manage: bool = False) -> Contribution:
    queryset = contributions_visible(
        user, Contribution.objects.filter(programme=programme).select_related("contributor__organisation", "fund")
    )
    contribution = _one(queryset, pk)
    if manage and not finance_can_manage(user, programme):
        raise PermissionDenied
    return contribution


def access_proposal(user, programme: Programme, pk, *, manage: bool = False) -> Proposal:
    proposal = _one(proposals_visible(user, Proposal.objects.filter(programme=programme).select_related("donor")), pk)
    if manage and not finance_can_manage(user, programme):
        raise PermissionDenied
    return proposal


def access_spending(user, programme: Programme, pk, *, manage: bool = False) -> Spending:
    spending = _one(spendings_visible(user, Spending.objects.filter(programme=programme)), pk)
    if manage and not finance_can_manage(user, programme):
        raise PermissionDenied
    return spending


def access_receipt(user, programme: Programme, pk, *, manage: bool = False) -> Receipt:
    receipt = _one(receipts_visible(user, Receipt.objects.filter(contribution__programme=programme)), pk)
    if manage and not finance_can_manage(user, programme):
        raise PermissionDenied
    return receipt


def access_allocation(user, programme: Programme, pk, *, manage: bool = False) -> Allocation:
    allocation = _one(allocations_visible(user, Allocation.objects.filter(programme=programme)), pk)
    if manage and not finance_can_manage(user, programme):
        raise PermissionDenied
    return allocation
