"""Eligibility rules for sponsorships and fellowships: the rule kinds, and their evaluation.

A rule kind is code: what it checks, its parameters with their defaults, and the outcome of a failure by
default; each is registered in rule_kinds.KINDS (where the models read a kind's title and parameters).
Which kinds apply to a programme's applications, with which parameters and in which order, is data
(`EligibilityRule`, edited in the admin; shipped defaults come from a data migration).

Every rule gives its reason, whether it passes, fails or does not apply, so the application page can show
all of them. Results are stored as a message code and parameters rather than as rendered text: the page
renders them in the reader's language, whatever language the evaluation ran in.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from jalon.lib.multilingual import text_in
from jalon.support.models import (
    FELLOWSHIP_COUNTED,
    SPONSORSHIP_AWARDED,
    Application,
    EligibilityRule,
    Fellowship,
    FellowshipEligibility,
    Scheme,
    Sponsorship,
)
from jalon.support.rule_kinds import KINDS, Outcome, Param, kind, kind_title

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"
STATUS_LABELS = {PASSED: _("Passed"), FAILED: _("Failed"), NOT_APPLICABLE: _("Not applicable")}


# Results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What a rule kind's check returns: a status, a message code and the message's parameters."""

    status: str
    code: str
    params: dict = field(default_factory=dict)


# Parameters of a result that are dates (stored as ISO text in the JSON of the results).
DATE_PARAMS = {"day", "filed", "deadline", "start"}


def _display(key: str, value):
    """A stored parameter as the reader sees it: texts in their language, dates in their format."""
    if isinstance(value, dict):
        return text_in(value)
    if key in DATE_PARAMS and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class RuleResult:
    kind: str
    status: str
    outcome: str
    code: str
    params: dict

    @property
    def title(self) -> str:
        return kind_title(self.kind)

    @property
    def reason(self) -> str:
        """The reason in the active language; parameters given per language ({"en", "fr"}) follow it."""
        template = MESSAGES.get(self.code)
        if template is None:
            return self.code
        values = {key: _display(key, value) for key, value in self.params.items()}
        try:
            # `%` on the lazy text, so that a plural message picks its form from its "count".
            return str(template % values)
        except (KeyError, TypeError, ValueError):
            # A stored result from an older version of a message: show the bare message rather than fail.
            return str(template)

    @property
    def text(self) -> str:
        """The reason naming its rule, as refusals and API errors give it."""
        return gettext("%(rule)s: %(reason)s") % {"rule": self.title, "reason": self.reason}

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def refuses(self) -> bool:
        return self.status == FAILED and self.outcome == Outcome.REFUSE

    @property
    def flags(self) -> bool:
        return self.status == FAILED and self.outcome == Outcome.FLAG

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "status": self.status,
            "outcome": self.outcome,
            "code": self.code,
            **({"params": self.params} if self.params else {}),
        }


@dataclass(frozen=True)
class Evaluation:
    results: tuple

    @property
    def refusals(self) -> list[RuleResult]:
        return [result for result in self.results if result.refuses]

    @property
    def flags(self) -> list[RuleResult]:
        return [result for result in self.results if result.flags]

    @property
    def eligible(self) -> bool:
        return not self.refusals

    def as_json(self) -> list[dict]:
        return [result.as_json() for result in self.results]

    @classmethod
    def from_json(cls, data) -> "Evaluation":
        results = []
        for item in data or []:
            if isinstance(item, dict) and "kind" in item:
                results.append(
                    RuleResult(
                        kind=item["kind"],
                        status=item.get("status", FAILED),
                        outcome=item.get("outcome", Outcome.REFUSE),
                        code=item.get("code", ""),
                        params=item.get("params") or {},
                    )
                )
        return cls(tuple(results))

    def refusal_error(self) -> ValidationError:
        return ValidationError([result.text for result in self.refusals])


# Rule kinds ----------------------------------------------------------------------------------------------


def _names(obj) -> dict:
    return {"en": obj.name.in_language("en"), "fr": obj.name.in_language("fr")}


def _country(application):
    return application.country if isinstance(application, Fellowship) else application.organisation.country


def _meeting_day(application) -> datetime.date:
    return application.meeting.start_date


BOTH = frozenset({Scheme.ISO_SPONSORSHIP, Scheme.ITU_FELLOWSHIP})
ISO = frozenset({Scheme.ISO_SPONSORSHIP})
ITU = frozenset({Scheme.ITU_FELLOWSHIP})

MESSAGES = {
    "no_country": _("The applicant organisation has no country in the directory, so this cannot be checked."),
    "no_rule": _("The programme names no developing-country rule and the default rule is not loaded."),
    "no_classification": _(
        "No loaded classification says which countries were developing on %(day)s under “%(rule)s”."
    ),
    "developing": _("%(country)s is a developing country under the programme's rule “%(rule)s” (as of %(day)s)."),
    "not_developing": _(
        "%(country)s is not a developing country under the programme's rule “%(rule)s” (as of %(day)s)."
    ),
    "dac_yes": _("%(country)s is on the OECD DAC list of ODA recipients (as of %(day)s)."),
    "dac_no": _("%(country)s is not on the OECD DAC list of ODA recipients (as of %(day)s)."),
    "dac_unknown": _("No loaded OECD DAC list says whether %(country)s was eligible on %(day)s."),
    "p_member": _("%(member)s is a P-member of %(committee)s on the meeting date."),
    "o_member": _("%(member)s is only an O-member of %(committee)s on the meeting date: P-membership is required."),
    "not_member": _("%(member)s is not a member of %(committee)s on the meeting date."),
    "mirror_exists": _("A national mirror committee exists."),
    "mirror_planned": _("A national mirror committee is planned."),
    "mirror_planned_refused": _("A national mirror committee is only planned: this programme requires one to exist."),
    "mirror_none": _("There is no national mirror committee, existing or planned."),
    "role_ok": _("The candidate's role in the national mirror committee: %(role)s."),
    "role_missing": _("The candidate has no accepted role in the national mirror committee (declared: %(role)s)."),
    "role_mirror_planned": _("The mirror committee is only planned: the candidate cannot hold a role in it yet."),
    "role_no_mirror": _("There is no national mirror committee for the candidate to have a role in."),
    "quota_left": ngettext_lazy(
        "%(member)s has %(count)s of at most %(limit)s sponsorships awarded for meetings in %(year)s.",
        "%(member)s has %(count)s of at most %(limit)s sponsorships awarded for meetings in %(year)s.",
        "count",
    ),
    "quota_reached": ngettext_lazy(
        "%(member)s already has %(count)s sponsorship awarded for meetings in %(year)s: the limit is %(limit)s.",
        "%(member)s already has %(count)s sponsorships awarded for meetings in %(year)s: the limit is %(limit)s.",
        "count",
    ),
    "deadline_ok": _("Filed on %(filed)s, by the deadline of %(deadline)s (%(days)s days before the meeting)."),
    "deadline_missed": _(
        "Filed on %(filed)s, after the deadline of %(deadline)s (%(days)s days before the meeting): the "
        "travel may no longer be arranged in time."
    ),
    "deadline_after_meeting": _("Filed on %(filed)s, after the meeting began (%(start)s)."),
    "report_none_due": _("No earlier sponsorship of %(member)s is waiting for its report."),
    "report_missing": _(
        "The report on an earlier sponsored meeting (%(meetings)s) has not been submitted "
        "%(days)s days after the meeting."
    ),
    "report_first": _("This is the first sponsorship of %(member)s: no earlier report is due."),
    "itu_no_list": _("No list of Member States eligible for ITU fellowships is loaded for %(year)s."),
    "itu_eligible": _("%(country)s is on the list of Member States eligible for ITU fellowships in %(year)s."),
    "itu_eligible_demo": _(
        "%(country)s is on the demo list of eligible Member States for %(year)s (made up for the demo, "
        "not ITU's published list)."
    ),
    "itu_not_eligible": _("%(country)s is not on the list of Member States eligible for ITU fellowships in %(year)s."),
    "state_meeting_ok": _(
        "%(country)s has %(full)s full and %(partial)s partial fellowship requests for this meeting besides this one."
    ),
    "state_meeting_full_alone": ngettext_lazy(
        "%(country)s already has %(count)s other fellowship request for this meeting: a full fellowship "
        "must be the only one.",
        "%(country)s already has %(count)s other fellowship requests for this meeting: a full fellowship "
        "must be the only one.",
        "count",
    ),
    "state_meeting_full_taken": _("%(country)s already has a full fellowship for this meeting."),
    "state_meeting_third_partial": _(
        "%(country)s already has two partial fellowships for this meeting: a third is not possible."
    ),
    "ticket_full": _("A full fellowship covers both the ticket and the allowance."),
    "ticket_first_partial": _("This is the Member State's first partial fellowship for this meeting."),
    "ticket_ok": _("With the other partial fellowship for this meeting, one of the two is the air ticket."),
    "ticket_missing": _("Two partial fellowships for one meeting must include the air ticket: both are allowances."),
    "ticket_limit": _("The Member State has no room for another partial fellowship at this meeting."),
    "person_year_ok": _(
        "The candidate has %(full)s full and %(partial)s partial fellowships in financial year %(year)s "
        "besides this one."
    ),
    "person_year_full_alone": ngettext_lazy(
        "The candidate already has %(count)s other fellowship in financial year %(year)s: a full fellowship "
        "is allowed only as the one award of the year.",
        "The candidate already has %(count)s other fellowships in financial year %(year)s: a full fellowship "
        "is allowed only as the one award of the year.",
        "count",
    ),
    "person_year_full_taken": _("The candidate already has a full fellowship in financial year %(year)s."),
    "person_year_third_partial": _(
        "The candidate already has two partial fellowships in financial year %(year)s: a third is not possible."
    ),
}


@kind(
    key="developing_country_list",
    title=_("Developing country (programme's list)"),
    description=_("The applicant's country is developing under the programme's own “developing country” rule."),
    schemes=BOTH,
)
def _developing(application, params) -> Check:
    from jalon.reference.models import Classification, DevelopingCountryRule
    from jalon.reference.selectors import country_is_developing
    from jalon.results.computations import programme_rule

    country = _country(application)
    if country is None:
        return Check(FAILED, "no_country")
    programme = application.programme
    try:
        rule = programme_rule(programme)
    except DevelopingCountryRule.DoesNotExist:
        return Check(FAILED, "no_rule")
    day = programme.developing_rule_as_of or _meeting_day(application)
    values = {"country": _names(country), "rule": _names(rule), "day": day.isoformat()}
    schemes = {condition["scheme"] for condition in rule.conditions}
    if not Classification.objects.filter(scheme__in=schemes, valid_from__lte=day).exists():
        return Check(FAILED, "no_classification", values)
    if country_is_developing(country=country, rule=rule, on=day):
        return Check(PASSED, "developing", values)
    return Check(FAILED, "not_developing", values)


@kind(
    key="oecd_dac_list",
    title=_("On the OECD DAC list"),
    description=_("The applicant's country is on the OECD DAC list of ODA recipients on the meeting date."),
    schemes=BOTH,
)
def _dac(application, params) -> Check:
    from jalon.reference.models import YES
    from jalon.reference.models import Scheme as ReferenceScheme
    from jalon.reference.selectors import classification_value

    country = _country(application)
    if country is None:
        return Check(FAILED, "no_country")
    day = _meeting_day(application)
    values = {"country": _names(country), "day": day.isoformat()}
    value = classification_value(country=country, scheme=ReferenceScheme.DAC, on=day)
    if value is None:
        return Check(FAILED, "dac_unknown", values)
    return Check(PASSED, "dac_yes", values) if value == YES else Check(FAILED, "dac_no", values)


@kind(
    key="p_member_of_committee",
    title=_("P-member of the committee"),
    description=_("The applicant member is a participating (P) member of the meeting's committee on its date."),
    schemes=ISO,
)
def _p_member(application, params) -> Check:
    from django.db.models import Q

    from jalon.committees.models import CommitteeMembership

    day = _meeting_day(application)
    values = {
        "member": application.organisation.acronym or application.organisation.name,
        "committee": application.committee.reference,
    }
    statuses = set(
        CommitteeMembership.objects.filter(committee=application.committee, member=application.organisation)
        .filter(Q(since__isnull=True) | Q(since__lte=day), Q(until__isnull=True) | Q(until__gt=day))
        .values_list("status", flat=True)
    )
    if CommitteeMembership.Status.P in statuses:
        return Check(PASSED, "p_member", values)
    if CommitteeMembership.Status.O in statuses:
        return Check(FAILED, "o_member", values)
    return Check(FAILED, "not_member", values)


@kind(
    key="mirror_committee_exists_or_planned",
    title=_("National mirror committee"),
    description=_("A national mirror committee of the committee exists (or, if allowed, is planned)."),
    schemes=ISO,
    params=(Param("accept_planned", bool, True, _("A planned mirror committee is enough")),),
)
def _mirror(application, params) -> Check:
    if application.mirror_committee == Sponsorship.Mirror.EXISTS:
        return Check(PASSED, "mirror_exists")
    if application.mirror_committee == Sponsorship.Mirror.PLANNED:
        return Check(PASSED, "mirror_planned") if params["accept_planned"] else Check(FAILED, "mirror_planned_refused")
    return Check(FAILED, "mirror_none")


ROLE_CHOICES = (Sponsorship.MirrorRole.CHAIR, Sponsorship.MirrorRole.SECRETARY, Sponsorship.MirrorRole.EXPERT)


@kind(
    key="candidate_has_role_in_mirror_committee",
    title=_("Candidate's role in the mirror committee"),
    description=_(
        "The candidate holds one of the accepted roles in the national mirror committee. A failure flags the "
        "application by default: the role is declared by the NSB and the reviewer confirms it with them."
    ),
    schemes=ISO,
    outcome=Outcome.FLAG,
    params=(
        Param("roles", list, [str(role) for role in ROLE_CHOICES], _("Accepted roles"), choices=tuple(ROLE_CHOICES)),
    ),
)
def _mirror_role(application, params) -> Check:
    if application.mirror_committee == Sponsorship.Mirror.NONE:
        return Check(NOT_APPLICABLE, "role_no_mirror")
    if application.mirror_committee == Sponsorship.Mirror.PLANNED:
        return Check(NOT_APPLICABLE, "role_mirror_planned")
    role = {"role": {"en": _role_label(application, "en"), "fr": _role_label(application, "fr")}}
    if application.mirror_role in params["roles"]:
        return Check(PASSED, "role_ok", role)
    return Check(FAILED, "role_missing", role)


def _role_label(application, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(application.get_mirror_role_display())


@kind(
    key="max_per_member_per_year",
    title=_("A limit on sponsorships per member per year"),
    description=_("A member has at most a set number of sponsorships awarded for meetings in one calendar year."),
    schemes=ISO,
    params=(Param("n", int, 3, _("Most sponsorships per member per calendar year"), minimum=1),),
)
def _quota(application, params) -> Check:
    year = _meeting_day(application).year
    count = (
        Sponsorship.objects.filter(
            organisation=application.organisation, status__in=SPONSORSHIP_AWARDED, meeting__start_date__year=year
        )
        .exclude(pk=application.pk)
        .count()
    )
    values = {
        "member": application.organisation.acronym or application.organisation.name,
        "count": count,
        "limit": params["n"],
        "year": year,
    }
    return Check(FAILED, "quota_reached", values) if count >= params["n"] else Check(PASSED, "quota_left", values)


@kind(
    key="report_back_required",
    title=_("Report on the previous sponsorship"),
    description=_(
        "The member's earlier sponsored delegates have reported back within the grace period after their "
        "meeting. A failure flags the application by default: reports are often days late for good reasons "
        "the programme team knows, and the reviewer decides."
    ),
    schemes=ISO,
    outcome=Outcome.FLAG,
    params=(Param("grace_days", int, 30, _("Days after the meeting before the report is due")),),
)
def _report_back(application, params) -> Check:
    member = application.organisation.acronym or application.organisation.name
    earlier = Sponsorship.objects.filter(organisation=application.organisation, status__in=SPONSORSHIP_AWARDED).exclude(
        pk=application.pk
    )
    if not earlier.exists():
        return Check(NOT_APPLICABLE, "report_first", {"member": member})
    due_before = datetime.date.today() - datetime.timedelta(days=params["grace_days"])
    missing = list(
        earlier.filter(
            status__in=(Sponsorship.Status.TRAVEL_ARRANGED, Sponsorship.Status.ATTENDED),
            meeting__end_date__lt=due_before,
        )
        .select_related("meeting__committee")
        .order_by("meeting__start_date")
    )
    if missing:
        meetings = ", ".join(f"{m.meeting.committee.reference} {m.meeting.start_date:%Y-%m-%d}" for m in missing)
        return Check(FAILED, "report_missing", {"meetings": meetings, "days": params["grace_days"]})
    return Check(PASSED, "report_none_due", {"member": member})


@kind(
    key="application_deadline",
    title=_("Filed in time before the meeting"),
    description=_(
        "The application was filed (submitted, or today for a draft) at least the set number of days before the "
        "meeting, so that visas and travel can be arranged. A late one is flagged for the reviewer by default."
    ),
    schemes=BOTH,
    outcome=Outcome.FLAG,
    params=(Param("days", int, 42, _("Days before the meeting by which applications are due"), minimum=0),),
)
def _deadline(application, params) -> Check:
    filed = timezone.localdate(application.submitted_at) if application.submitted_at else timezone.localdate()
    start = _meeting_day(application)
    deadline = start - datetime.timedelta(days=params["days"])
    values = {
        "filed": filed.isoformat(),
        "deadline": deadline.isoformat(),
        "days": params["days"],
        "start": start.isoformat(),
    }
    if filed > start:
        return Check(FAILED, "deadline_after_meeting", values)
    if filed > deadline:
        return Check(FAILED, "deadline_missed", values)
    return Check(PASSED, "deadline_ok", values)


@kind(
    key="itu_eligible_member_state",
    title=_("Eligible Member State (yearly ITU list)"),
    description=_("The Member State is on the list of those eligible for ITU fellowships for the meeting's year."),
    schemes=ITU,
)
def _itu_eligible(application, params) -> Check:
    year = _meeting_day(application).year
    lists = FellowshipEligibility.objects.filter(year=year)
    if not lists.exists():
        return Check(FAILED, "itu_no_list", {"year": year})
    entry = lists.filter(country=application.country).first()
    values = {"country": _names(application.country), "year": year}
    if entry is None:
        return Check(FAILED, "itu_not_eligible", values)
    return Check(PASSED, "itu_eligible_demo" if entry.is_demo else "itu_eligible", values)


def _others(queryset, application) -> tuple[int, int, list[str]]:
    kinds = list(queryset.exclude(pk=application.pk).values_list("kind", "partial_part"))
    full = sum(1 for kind_, _part in kinds if kind_ == Fellowship.Kind.FULL)
    return full, len(kinds) - full, [part for kind_, part in kinds if kind_ == Fellowship.Kind.PARTIAL]


def _limit(application, full: int, partial: int, prefix: str, values: dict) -> Check:
    """One full, or up to two partial: the same limit per Member State and meeting, and per person and year."""
    if application.kind == Fellowship.Kind.FULL:
        if full + partial:
            return Check(FAILED, f"{prefix}_full_alone", {**values, "count": full + partial})
    elif full:
        return Check(FAILED, f"{prefix}_full_taken", values)
    elif partial >= 2:
        return Check(FAILED, f"{prefix}_third_partial", values)
    return Check(PASSED, f"{prefix}_ok", {**values, "full": full, "partial": partial})


@kind(
    key="itu_one_full_or_two_partial_per_state_per_meeting",
    title=_("One full or two partial fellowships per Member State per meeting"),
    description=_("Submitted and awarded requests of the same Member State for the same meeting count."),
    schemes=ITU,
)
def _state_meeting(application, params) -> Check:
    counted = Fellowship.objects.filter(
        country=application.country, meeting=application.meeting, status__in=FELLOWSHIP_COUNTED
    )
    full, partial, _parts = _others(counted, application)
    return _limit(application, full, partial, "state_meeting", {"country": _names(application.country)})


@kind(
    key="itu_partial_two_means_one_ticket",
    title=_("With two partial fellowships, one is the air ticket"),
    description=_("Of a Member State's two partial fellowships for one meeting, at least one covers the ticket."),
    schemes=ITU,
)
def _ticket(application, params) -> Check:
    if application.kind == Fellowship.Kind.FULL:
        return Check(NOT_APPLICABLE, "ticket_full")
    counted = Fellowship.objects.filter(
        country=application.country, meeting=application.meeting, status__in=FELLOWSHIP_COUNTED
    )
    full, _partial, parts = _others(counted, application)
    if full or len(parts) >= 2:
        return Check(NOT_APPLICABLE, "ticket_limit")
    if not parts:
        return Check(NOT_APPLICABLE, "ticket_first_partial")
    if Fellowship.Part.TICKET in (parts[0], application.partial_part):
        return Check(PASSED, "ticket_ok")
    return Check(FAILED, "ticket_missing")


@kind(
    key="itu_one_full_or_two_partial_per_person_per_financial_year",
    title=_("One full or two partial fellowships per person per financial year"),
    description=_("Submitted and awarded requests of the same person in the same financial year count."),
    schemes=ITU,
)
def _person_year(application, params) -> Check:
    counted = Fellowship.objects.filter(
        person=application.person, financial_year=application.financial_year, status__in=FELLOWSHIP_COUNTED
    )
    full, partial, _parts = _others(counted, application)
    return _limit(application, full, partial, "person_year", {"year": application.financial_year})


# Configuration and evaluation ------------------------------------------------------------------------------

# The shipped defaults (programme empty), in order; the data migration creates them.
DEFAULT_RULES = {
    Scheme.ISO_SPONSORSHIP: (
        "developing_country_list",
        "oecd_dac_list",
        "p_member_of_committee",
        "mirror_committee_exists_or_planned",
        "candidate_has_role_in_mirror_committee",
        "max_per_member_per_year",
        "report_back_required",
        "application_deadline",
    ),
    Scheme.ITU_FELLOWSHIP: (
        "itu_eligible_member_state",
        "itu_one_full_or_two_partial_per_state_per_meeting",
        "itu_partial_two_means_one_ticket",
        "itu_one_full_or_two_partial_per_person_per_financial_year",
        "application_deadline",
    ),
}


def rules_for(*, scheme: str, programme) -> list[EligibilityRule]:
    """The programme's own rules for the scheme if it has any (active or not), else the defaults."""
    rules = list(EligibilityRule.objects.filter(scheme=scheme, programme=programme).order_by("order", "pk"))
    if not rules:
        rules = list(EligibilityRule.objects.filter(scheme=scheme, programme__isnull=True).order_by("order", "pk"))
    return [rule for rule in rules if rule.active and rule.kind in KINDS]


def evaluate(application, *, rules: list[EligibilityRule] | None = None) -> Evaluation:
    """Every configured rule's result for the application, in the configured order."""
    if rules is None:
        rules = rules_for(scheme=application.scheme, programme=application.programme)
    results = []
    for rule in rules:
        rule_kind = KINDS[rule.kind]
        params = {**rule_kind.defaults(), **(rule.params or {})}
        check = rule_kind.check(application, params)
        results.append(
            RuleResult(kind=rule.kind, status=check.status, outcome=rule.outcome, code=check.code, params=check.params)
        )
    return Evaluation(tuple(results))


def stored_evaluation(application: Application) -> Evaluation:
    """What the rules said when the application was last evaluated (submitted, checked, decided)."""
    return Evaluation.from_json(application.rule_results)
