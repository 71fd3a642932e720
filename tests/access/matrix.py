"""The access table's machinery: roles, expected answers, rows (Case), and how one row is judged.

Rows live in test_role_matrix.py (foundation and results) and in one `matrix_<app>.py` per later module,
each a list named CASES built with `page()` and `api()`. A row's factories get a `Ctx`; what a module's rows
need beyond it is built on first use with `ctx.once(key, build)`.
"""

import datetime
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlparse

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.organisations.models import Organisation
from jalon.results.models import Indicator, Level, Measurement, Period, Programme, Result
from jalon.results.services import measurement_create
from tests.factories import OrganisationFactory

ANONYMOUS = None
ROLES = (ANONYMOUS, "plain", "viewer", "contributor", "focal", "manager", "admin")

EVERYONE = frozenset(ROLES)
NOBODY = frozenset()
SIGNED_IN = EVERYONE - {ANONYMOUS}  # every role with an account
ADMIN = frozenset({"admin"})
TEAM = frozenset({"manager", "admin"})  # the programme team
SEES_UNPUBLISHED = TEAM | {"viewer"}
NSB_EDITORS = TEAM | {"focal"}  # `nsb` is the focal point's own organisation
SEES_NSB_PEOPLE = NSB_EDITORS | {"contributor"}


def url(name: str, **kwargs) -> str:
    # A request with Accept-Language (or to /en/) leaves its language active: pin French for reverse().
    with translation.override("fr"):
        return reverse(name, kwargs=kwargs or None)


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location path matches `path(ctx)` (a regular expression)."""

    path: Callable
    label: str

    def matches(self, response, ctx) -> bool:
        if response.status_code != 302:
            return False
        return re.fullmatch(self.path(ctx), urlparse(response["Location"]).path) is not None

    def __repr__(self) -> str:
        return f"redirect to {self.label}"


LOGIN = Redirect(lambda ctx: re.escape(url("accounts:login")), "the login page")
ADMIN_LOGIN = Redirect(lambda ctx: re.escape(url("admin:login")), "the admin login page")
HOME = Redirect(lambda ctx: re.escape(url("web:home")), "the home page")
ORGANISATION_LIST = Redirect(lambda ctx: re.escape(url("web:organisation_list")), "the organisation list")
NEW_ORGANISATION = Redirect(
    lambda ctx: re.escape(url("web:organisation_list")) + r"\d+/", "the new organisation's page"
)
NSB_PAGE = Redirect(lambda ctx: re.escape(url("web:organisation_detail", pk=ctx.nsb.pk)), "nsb's page")
OTHER_NSB_PAGE = Redirect(
    lambda ctx: re.escape(url("web:organisation_detail", pk=ctx.other_nsb.pk)), "other_nsb's page"
)
RESET_SENT = Redirect(lambda ctx: re.escape(url("accounts:password_reset_done")), "the 'reset sent' page")


@dataclass
class Ctx:
    """What a row's factories build URLs and bodies from; made once per row, and what few rows need is built
    on first use, before any role's request (the test prepares the row once first). Each role's request then
    runs in a savepoint rolled back after it, so every role meets the same records in the same state."""

    users: dict
    nsb: Organisation
    other_nsb: Organisation
    hidden_org: Organisation

    def once(self, key: str, build: Callable):
        """Build a record a row needs on first use, then reuse it."""
        if key not in self.__dict__:
            self.__dict__[key] = build(self)
        return self.__dict__[key]

    @cached_property
    def victim(self) -> Organisation:
        """A fresh organisation that nothing refers to: deletable."""
        return OrganisationFactory(name="Deletable body")

    @cached_property
    def audit_entry(self) -> AuditEntry:
        return audit_record(actor=self.users["admin"], action=AuditEntry.Action.UPDATE, instance=self.nsb)

    @cached_property
    def framework(self) -> "Framework":
        return framework_build(users=self.users, nsb=self.nsb)


@dataclass
class Framework:
    """A published programme with one manual indicator, an unpublished one, and two values the focal point
    reported for `nsb` in the current period: one still a draft, one submitted for approval."""

    programme: Programme
    hidden_programme: Programme
    period: Period
    indicator: Indicator
    draft: Measurement
    submitted: Measurement


def programme_build(code: str, *, owner: Organisation, published: bool) -> tuple[Programme, Period, Indicator]:
    today = timezone.localdate()
    programme = Programme.objects.create(
        code=code,
        owner=owner,
        title={"en": f"Programme {code}", "fr": f"Programme {code}"},
        start_date=today - datetime.timedelta(days=365),
        # Years of room after the current period: the framework builder's cases add periods in 2030 and 2031
        # (periods fall within the programme and do not overlap).
        end_date=datetime.date(today.year + 8, 12, 31),
        languages=["fr", "en"],
        published=published,
    )
    period = Period.objects.create(
        programme=programme,
        code="current",
        name={"en": "Current"},
        start=programme.start_date,
        end=today + datetime.timedelta(days=365),
    )
    level = Level.objects.create(
        programme=programme, key="outcome", name={"en": "Outcome"}, iati_result_type=Level.IatiType.OUTCOME
    )
    result = Result.objects.create(programme=programme, level=level, code="R1", title={"en": "Outcome one"})
    indicator = Indicator.objects.create(
        result=result, code="I1", title={"en": "Indicator one"}, baseline_value=Decimal(0), target_value=Decimal(10)
    )
    return programme, period, indicator


def no_kwargs(ctx) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    label: str
    url: str  # a URL name, or a literal path starting with "/"
    allowed: frozenset
    method: str = "get"
    kwargs: Callable = no_kwargs
    data: Callable | None = None
    is_json: bool = False
    ok: object = 200  # a status code or a Redirect
    refused: tuple = (403,)  # what a signed-in role outside `allowed` gets
    refused_anonymous: tuple = (LOGIN,)
    refused_as: Mapping = field(default_factory=dict)  # per-role exceptions to the two above
    effect: Callable | None = None  # a reading an allowed write changes and a refused one must not

    def path(self, ctx) -> str:
        return self.url if self.url.startswith("/") else url(self.url, **self.kwargs(ctx))

    def expected_refusal(self, role) -> tuple:
        if role in self.refused_as:
            return self.refused_as[role]
        return self.refused_anonymous if role is ANONYMOUS else self.refused


def page(label, name, allowed, **options) -> Case:
    return Case(label, name, frozenset(allowed), **options)


def api(label, name, allowed, **options) -> Case:
    options.setdefault("refused_anonymous", (401, 403))
    return Case(label, name, frozenset(allowed), is_json=True, **options)


def matches(response, expectation, ctx) -> bool:
    if isinstance(expectation, Redirect):
        return expectation.matches(response, ctx)
    return response.status_code == expectation


def describe(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} to {response['Location']}"
    return str(response.status_code)


def prepared(case: Case, ctx: Ctx) -> tuple[str, dict]:
    """The request's path and client options (body), built before the first effect reading, since building
    them may create the records a row needs."""
    options = {}
    path = case.path(ctx)
    if case.data is not None:
        body = case.data(ctx)
        if case.is_json and case.method in ("put", "patch") and isinstance(body, dict) and "version" not in body:
            # A client changes what it read: it sends the version it saw (jalon/api/versions.py).
            body = {**body, "version": _current_version(path)}
        options = {"data": json.dumps(body), "content_type": "application/json"} if case.is_json else {"data": body}
    return path, options


def _current_version(path: str):
    """The version of the record an API detail path names, read from the database."""
    match = resolve(urlparse(path).path)
    view = getattr(match.func, "cls", None)
    serializer = getattr(view, "serializer_class", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    lookup = getattr(view, "lookup_field", "pk")
    value = match.kwargs.get(getattr(view, "lookup_url_kwarg", None) or lookup)
    if model is None or value is None or not hasattr(model, "version"):
        return None
    return model._base_manager.filter(**{lookup: value}).values_list("version", flat=True).first()


def framework_build(*, users, nsb) -> Framework:
    owner = Organisation.objects.get(acronym="ISO")
    programme, period, indicator = programme_build("open", owner=owner, published=True)
    hidden_programme, _period, _indicator = programme_build("closed", owner=owner, published=False)
    reported = {"indicator": indicator, "period": period, "organisation": nsb}
    return Framework(
        programme=programme,
        hidden_programme=hidden_programme,
        period=period,
        indicator=indicator,
        draft=measurement_create(actor=users["focal"], value=Decimal(3), submit=False, **reported),
        submitted=measurement_create(actor=users["focal"], value=Decimal(4), submit=True, **reported),
    )


def judge(case: Case, role, ctx: Ctx, client_as) -> str | None:
    """Request the row as `role`; None if the answer is the one the table expects, else what went wrong."""
    path, options = prepared(case, ctx)
    who, where = role or "anonymous", f"{case.method.upper()} {path}"
    before = case.effect(ctx) if case.effect else None
    response = getattr(client_as(role), case.method)(path, **options)
    after = case.effect(ctx) if case.effect else None
    if role in case.allowed:
        if not matches(response, case.ok, ctx):
            return f"{who}: {where} answered {describe(response)}, expected allowed ({case.ok!r})"
        if case.effect and after == before:
            return f"{who}: {where} was allowed but changed nothing ({before!r})"
        return None
    expected = case.expected_refusal(role)
    if not any(matches(response, refusal, ctx) for refusal in expected):
        return f"{who}: {where} answered {describe(response)}, expected refused ({expected!r})"
    if case.effect and after != before:
        return f"{who}: {where} was refused but changed {before!r} to {after!r}"
    return None


# The URL configuration walked (the table's completeness, the probes of every page) --------------------------


def url_patterns(patterns=None, namespace=""):
    """(full name or None, route, pattern) for every endpoint of the URLconf, recursively."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(part for part in (namespace, pattern.name) if part) if pattern.name else None
            yield name, str(pattern.pattern), pattern


def skipped(name, pattern: URLPattern) -> bool:
    if name == "admin:index":
        return False
    callback = pattern.callback
    module = getattr(callback, "__module__", "")
    if (name or "").startswith("admin:") or module.startswith("django.contrib.admin"):
        return True  # Django admin internals: its index is in the table and stands for them.
    if module == "django.views.static":
        return True  # media/static serving (DEBUG only)
    if "format" in pattern.pattern.regex.groupindex:
        return True  # DRF's format-suffix twin of a route already in the table
    # The admin's unnamed redirects (".../<object_id>/" -> ".../change/") are RedirectViews under admin/.
    return name is None and module == "django.views.generic.base"


def page_routes():
    """The path of every page without a URL parameter (lists, dashboards, forms), API left out."""
    for name, _route, pattern in url_patterns():
        if name is None or skipped(name, pattern) or pattern.pattern.regex.groupindex or name.startswith("api"):
            continue
        try:
            yield reverse(name)
        except NoReverseMatch:
            continue
