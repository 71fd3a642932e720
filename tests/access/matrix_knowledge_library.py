"""Access table rows for knowledge's lessons, library and products (see matrix.py): pages first, then the API.

Anyone reads what is published (lessons, resources and their files, claims in force and their evidence, the
technologies); the programme team (manager, admin) validates and publishes lessons and resources, checks and
publishes claims, records technologies; focal points submit lessons, resources, products, laboratories and claims
for their organisation (`nsb`) and withdraw its claims; focal points and contributors read nsb's records in every
state, and every validated lesson; viewers read everything. A record someone may not see is a 404."""

import datetime
import re

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.activities.models import Activity
from jalon.finance import services as finance_services
from jalon.knowledge.models import (
    ConformityClaim,
    Lesson,
    LessonCitation,
    Product,
    Resource,
    ResourceFile,
    Technology,
    TestLaboratory,
)
from jalon.knowledge.services import lessons, library, products
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, Language
from tests.access.matrix import EVERYONE, TEAM, Case, Redirect, api, page, url

SUBMITTERS = TEAM | {"focal"}
NSB_READERS = TEAM | {"viewer", "focal", "contributor"}
NOT_FOUND = {None: (404,), "plain": (404,)}
HIDDEN = {"plain": (404,)}
TODAY = datetime.date.today()


def count_of(model):
    return lambda ctx: model.objects.count()


def pk_of(record):
    return lambda ctx: {"pk": record(ctx).pk}


def status_of(record):
    return lambda ctx: type(record(ctx)).objects.values_list("status", flat=True).get(pk=record(ctx).pk)


def version_of(record):
    return lambda ctx: type(record(ctx)).objects.values_list("version", flat=True).get(pk=record(ctx).pk)


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4 matrix", name=name)


# Records --------------------------------------------------------------------------------------------------


def lesson(state: str, *, evidence: bool = False):
    """A lesson of nsb in `state`, submitted by the focal point."""

    def build(ctx):
        record = lessons.lesson_create(
            actor=ctx.users["focal"],
            title={"en": f"Matrix lesson {state}"},
            description={"en": "Learned"},
            source="evaluation",
            source_reference="EVAL",
            organisation=ctx.nsb,
            **({"evidence_file": _pdf("evidence.pdf")} if evidence else {}),
        )
        if state in ("validated", "published"):
            record = lessons.lesson_validate(actor=ctx.users["manager"], lesson=record)
        if state == "published":
            record = lessons.lesson_publish(actor=ctx.users["manager"], lesson=record)
        return record

    return lambda ctx: ctx.once(f"lesson-{state}-{evidence}", build)


draft_lesson, validated_lesson, published_lesson = lesson("draft"), lesson("validated"), lesson("published")
evidenced_lesson = lesson("published", evidence=True)


def _proposal(ctx):
    programme = ctx.framework.programme
    return finance_services.proposal_create(
        actor=ctx.users["manager"], programme=programme, title={"en": "Matrix proposal"}, amount=1000, currency="USD"
    )


def proposal(ctx):
    return ctx.once("knowledge-proposal", _proposal)


def _activity(ctx):
    return Activity.objects.create(
        code="knowledge-matrix",
        title={"en": "Matrix workshop"},
        type="workshop",
        modality="in_person",
        level="national",
        start_date=TODAY,
        end_date=TODAY,
        organiser=ctx.nsb,
    )


def activity(ctx):
    return ctx.once("knowledge-activity", _activity)


def resource(state: str, *, with_file: bool = True):
    def build(ctx):
        record = library.resource_create(
            actor=ctx.users["focal"],
            title={"en": f"Matrix guide {state}"},
            creator="ASN",
            type="Text",
            organisation=ctx.nsb,
        )
        if with_file:
            library.resource_file_store(
                actor=ctx.users["focal"],
                resource=record,
                language=Language.objects.get(code="en"),
                file=_pdf("guide.pdf"),
            )
        if state == "published":
            record = library.resource_publish(actor=ctx.users["manager"], resource=record)
        return record

    return lambda ctx: ctx.once(f"resource-{state}-{with_file}", build)


draft_resource, published_resource = resource("draft"), resource("published")


def _product(ctx):
    kenya = Country.objects.get(iso3="KEN")
    manufacturer = Organisation.objects.create(name={"en": "Matrix Devices"}, acronym="MXDEV", country=kenya)
    return products.product_create(
        actor=ctx.users["focal"],
        manufacturer=manufacturer,
        model="MX-1",
        category="Modem",
        country=kenya,
        organisation=ctx.nsb,
    )


def product(ctx):
    return ctx.once("knowledge-product", _product)


def claim(state: str):
    def build(ctx):
        record = products.claim_submit(
            actor=ctx.users["focal"],
            product=product(ctx),
            standard=f"ITU-T G.{state}",
            basis="declaration",
            issued_on=TODAY,
            valid_until=TODAY + datetime.timedelta(days=365),
            evidence=_pdf("report.pdf"),
        )
        if state in ("checked", "published"):
            record = products.claim_step(actor=ctx.users["manager"], claim=record, step="check")
        if state == "published":
            record = products.claim_step(actor=ctx.users["manager"], claim=record, step="publish")
        return record

    return lambda ctx: ctx.once(f"claim-{state}", build)


submitted_claim, checked_claim, published_claim = claim("submitted"), claim("checked"), claim("published")


# Bodies ---------------------------------------------------------------------------------------------------


def lesson_form(ctx) -> dict:
    return {
        "kind": "lesson",
        "title_en": "A new lesson",
        "description_en": "Learned",
        "source": "evaluation",
        "source_reference": "EVAL",
        "organisation": ctx.nsb.pk,
    }


def resource_form(ctx) -> dict:
    return {"title_en": "A new guide", "creator": "ASN", "type": "Text", "organisation": ctx.nsb.pk}


def product_form(ctx) -> dict:
    kenya = Country.objects.get(iso3="KEN")
    return {
        "manufacturer": ctx.nsb.pk,
        "model": "NEW-1",
        "category": "Modem",
        "country": kenya.pk,
        "organisation": ctx.nsb.pk,
    }


def claim_form(ctx) -> dict:
    return {
        "product": product(ctx).pk,
        "standard": "ITU-T G.9700",
        "basis": "declaration",
        "issued_on": TODAY.isoformat(),
    }


def laboratory_form(ctx) -> dict:
    return {"name": "Matrix lab", "country": Country.objects.get(iso3="SEN").pk}


def step_body(record):
    return lambda ctx: {"version": record(ctx).version}


def page_of(name: str, label: str):
    return Redirect(lambda ctx: re.escape(url(name)) + r"\d+/", label)


LESSON_PAGE = page_of("knowledge:lesson_list", "the lesson's page")
RESOURCE_PAGE = page_of("knowledge:resource_list", "the resource's page")


def claim_page(ctx) -> str:
    return re.escape(url("knowledge:product_list")) + r"claims/\d+/"


def same_page(name: str, record, label: str):
    return Redirect(lambda ctx: re.escape(url(name, pk=record(ctx).pk)), label)


PAGE_CASES: list = [
    # Lessons.
    page("knowledge: lessons", "knowledge:lesson_list", EVERYONE),
    page("knowledge: lesson form", "knowledge:lesson_create", SUBMITTERS),
    page(
        "knowledge: submit a lesson",
        "knowledge:lesson_create",
        SUBMITTERS,
        method="post",
        data=lesson_form,
        ok=LESSON_PAGE,
        effect=count_of(Lesson),
    ),
    page("knowledge: published lesson", "knowledge:lesson_detail", EVERYONE, kwargs=pk_of(published_lesson)),
    page(
        "knowledge: nsb's draft lesson",
        "knowledge:lesson_detail",
        NSB_READERS,
        kwargs=pk_of(draft_lesson),
        refused_as=NOT_FOUND,
    ),
    page(
        "knowledge: lesson edit form",
        "knowledge:lesson_edit",
        SUBMITTERS,
        kwargs=pk_of(draft_lesson),
        refused_as=HIDDEN,
    ),
    page("knowledge: lesson evidence", "knowledge:lesson_evidence", EVERYONE, kwargs=pk_of(evidenced_lesson)),
    page(
        "knowledge: validate a lesson",
        "knowledge:lesson_step",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"pk": draft_lesson(ctx).pk, "step": "validate"},
        data=step_body(draft_lesson),
        ok=same_page("knowledge:lesson_detail", draft_lesson, "the lesson's page"),
        refused_as=HIDDEN,
        effect=status_of(draft_lesson),
    ),
    page(
        "knowledge: cite a lesson on a proposal",
        "knowledge:cite_on_proposal",
        TEAM,
        method="post",
        kwargs=pk_of(proposal),
        data=lambda ctx: {"lesson": validated_lesson(ctx).pk, "how_applied": "In the design."},
        ok=Redirect(lambda ctx: re.escape(url("finance:proposal_detail", code="open", pk=proposal(ctx).pk)), "it"),
        refused_as={"plain": (404,), "focal": (404,), "contributor": (404,)},
        effect=count_of(LessonCitation),
    ),
    page(
        "knowledge: cite a lesson on an activity",
        "knowledge:cite_on_activity",
        TEAM | {"focal", "contributor"},
        method="post",
        kwargs=lambda ctx: {"code": activity(ctx).code},
        data=lambda ctx: {"lesson": validated_lesson(ctx).pk, "how_applied": "In the programme."},
        ok=Redirect(lambda ctx: re.escape(url("activities:activity_detail", code="knowledge-matrix")), "it"),
        effect=count_of(LessonCitation),
    ),
    # The library.
    page("knowledge: library", "knowledge:resource_list", EVERYONE),
    page("knowledge: resource form", "knowledge:resource_create", SUBMITTERS),
    page(
        "knowledge: add a resource",
        "knowledge:resource_create",
        SUBMITTERS,
        method="post",
        data=resource_form,
        ok=RESOURCE_PAGE,
        effect=count_of(Resource),
    ),
    page("knowledge: published resource", "knowledge:resource_detail", EVERYONE, kwargs=pk_of(published_resource)),
    page(
        "knowledge: nsb's draft resource",
        "knowledge:resource_detail",
        NSB_READERS,
        kwargs=pk_of(draft_resource),
        refused_as=NOT_FOUND,
    ),
    page(
        "knowledge: resource edit form",
        "knowledge:resource_edit",
        SUBMITTERS,
        kwargs=pk_of(draft_resource),
        refused_as=HIDDEN,
    ),
    page(
        "knowledge: language version form",
        "knowledge:resource_file",
        SUBMITTERS,
        kwargs=pk_of(draft_resource),
        refused_as=HIDDEN,
    ),
    page(
        "knowledge: add a language version",
        "knowledge:resource_file",
        SUBMITTERS,
        method="post",
        kwargs=pk_of(draft_resource),
        data=lambda ctx: {
            "language": "fr",
            "file": SimpleUploadedFile("guide-fr.pdf", b"%PDF-1.4 fr", content_type="application/pdf"),
        },
        ok=same_page("knowledge:resource_detail", draft_resource, "the resource's page"),
        refused_as=HIDDEN,
        effect=count_of(ResourceFile),
    ),
    page(
        "knowledge: publish a resource",
        "knowledge:resource_publish",
        TEAM,
        method="post",
        kwargs=pk_of(draft_resource),
        data=step_body(draft_resource),
        ok=same_page("knowledge:resource_detail", draft_resource, "the resource's page"),
        refused_as=HIDDEN,
        effect=status_of(draft_resource),
    ),
    page(
        "knowledge: download a published resource",
        "knowledge:resource_download",
        EVERYONE,
        kwargs=lambda ctx: {"pk": published_resource(ctx).pk, "language": "en"},
    ),
    page(
        "knowledge: download a draft resource",
        "knowledge:resource_download",
        NSB_READERS,
        kwargs=lambda ctx: {"pk": draft_resource(ctx).pk, "language": "en"},
        refused_as=NOT_FOUND,
    ),
    # Technologies and products.
    page("knowledge: conforming products", "knowledge:product_list", EVERYONE),
    page("knowledge: technologies", "knowledge:technology_list", EVERYONE),
    page("knowledge: technology form", "knowledge:technology_create", TEAM),
    page(
        "knowledge: record a technology",
        "knowledge:technology_create",
        TEAM,
        method="post",
        data=lambda ctx: {"name_en": "G.fast", "standards": "ITU-T G.9700, 2019"},
        ok=Redirect(lambda ctx: re.escape(url("knowledge:technology_list")), "the technologies"),
        effect=count_of(Technology),
    ),
    page("knowledge: product form", "knowledge:product_create", SUBMITTERS),
    page(
        "knowledge: add a product",
        "knowledge:product_create",
        SUBMITTERS,
        method="post",
        data=product_form,
        ok=Redirect(lambda ctx: re.escape(url("knowledge:claim_create")), "the claim form"),
        effect=count_of(Product),
    ),
    page("knowledge: laboratory form", "knowledge:laboratory_create", SUBMITTERS),
    page(
        "knowledge: add a laboratory",
        "knowledge:laboratory_create",
        SUBMITTERS,
        method="post",
        data=laboratory_form,
        ok=Redirect(lambda ctx: re.escape(url("knowledge:claim_create")), "the claim form"),
        effect=count_of(TestLaboratory),
    ),
    page("knowledge: claims to follow", "knowledge:claims_followed", SUBMITTERS),
    page("knowledge: claim form", "knowledge:claim_create", SUBMITTERS),
    page(
        "knowledge: submit a claim",
        "knowledge:claim_create",
        SUBMITTERS,
        method="post",
        data=claim_form,
        ok=Redirect(claim_page, "the claim's page"),
        effect=count_of(ConformityClaim),
    ),
    page("knowledge: published claim", "knowledge:claim_detail", EVERYONE, kwargs=pk_of(published_claim)),
    page(
        "knowledge: nsb's submitted claim",
        "knowledge:claim_detail",
        NSB_READERS,
        kwargs=pk_of(submitted_claim),
        refused_as=NOT_FOUND,
    ),
    page("knowledge: claim evidence", "knowledge:claim_evidence", EVERYONE, kwargs=pk_of(published_claim)),
    page(
        "knowledge: check a claim",
        "knowledge:claim_step",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"pk": submitted_claim(ctx).pk, "step": "check"},
        data=step_body(submitted_claim),
        ok=Redirect(claim_page, "the claim's page"),
        refused_as=HIDDEN,
        effect=status_of(submitted_claim),
    ),
    page(
        "knowledge: withdraw a claim",
        "knowledge:claim_step",
        SUBMITTERS,
        method="post",
        kwargs=lambda ctx: {"pk": checked_claim(ctx).pk, "step": "withdraw"},
        data=step_body(checked_claim),
        ok=Redirect(claim_page, "the claim's page"),
        refused_as=HIDDEN,
        effect=status_of(checked_claim),
    ),
]


def lesson_api_body(ctx) -> dict:
    return {
        "kind": "lesson",
        "title": {"en": "API lesson"},
        "description": {"en": "Learned"},
        "source": "evaluation",
        "source_reference": "EVAL",
        "organisation": ctx.nsb.pk,
    }


API_HIDDEN = {"plain": (404,)}

API_CASES: list = [
    api("API knowledge lessons", "api:knowledge-lesson-list", EVERYONE),
    api(
        "API knowledge submit a lesson",
        "api:knowledge-lesson-list",
        SUBMITTERS,
        method="post",
        data=lesson_api_body,
        ok=201,
        effect=count_of(Lesson),
    ),
    api("API knowledge published lesson", "api:knowledge-lesson-detail", EVERYONE, kwargs=pk_of(published_lesson)),
    api(
        "API knowledge put a lesson",
        "api:knowledge-lesson-detail",
        SUBMITTERS,
        method="put",
        kwargs=pk_of(draft_lesson),
        data=lambda ctx: {**lesson_api_body(ctx), "title": {"en": "Put"}},
        refused_as=API_HIDDEN,
        effect=version_of(draft_lesson),
    ),
    api(
        "API knowledge patch a lesson",
        "api:knowledge-lesson-detail",
        SUBMITTERS,
        method="patch",
        kwargs=pk_of(draft_lesson),
        data=lambda ctx: {"title": {"en": "Patched"}},
        refused_as=API_HIDDEN,
        effect=version_of(draft_lesson),
    ),
    api(
        "API knowledge validate a lesson",
        "api:knowledge-lesson-validate",
        TEAM,
        method="post",
        kwargs=pk_of(draft_lesson),
        data=step_body(draft_lesson),
        refused_as=API_HIDDEN,
        effect=status_of(draft_lesson),
    ),
    api(
        "API knowledge publish a lesson",
        "api:knowledge-lesson-publish",
        TEAM,
        method="post",
        kwargs=pk_of(validated_lesson),
        data=step_body(validated_lesson),
        refused_as=API_HIDDEN,
        effect=status_of(validated_lesson),
    ),
    api(
        "API knowledge cite a lesson",
        "api:knowledge-lesson-cite",
        TEAM,
        method="post",
        kwargs=pk_of(validated_lesson),
        data=lambda ctx: {"proposal": proposal(ctx).pk, "how_applied": "In the design."},
        ok=201,
        # Focal points and contributors do not see the proposal: the body names no proposal they know.
        refused_as={"plain": (404,), "focal": (400,), "contributor": (400,)},
        effect=count_of(LessonCitation),
    ),
    api("API knowledge resources", "api:knowledge-resource-list", EVERYONE),
    api(
        "API knowledge add a resource",
        "api:knowledge-resource-list",
        SUBMITTERS,
        method="post",
        data=lambda ctx: {"title": {"en": "API guide"}, "creator": "ASN", "type": "Text", "organisation": ctx.nsb.pk},
        ok=201,
        effect=count_of(Resource),
    ),
    api(
        "API knowledge published resource",
        "api:knowledge-resource-detail",
        EVERYONE,
        kwargs=pk_of(published_resource),
    ),
    api(
        "API knowledge put a resource",
        "api:knowledge-resource-detail",
        SUBMITTERS,
        method="put",
        kwargs=pk_of(draft_resource),
        data=lambda ctx: {"title": {"en": "Put"}, "creator": "ASN", "type": "Text", "organisation": ctx.nsb.pk},
        refused_as=API_HIDDEN,
        effect=version_of(draft_resource),
    ),
    api(
        "API knowledge patch a resource",
        "api:knowledge-resource-detail",
        SUBMITTERS,
        method="patch",
        kwargs=pk_of(draft_resource),
        data=lambda ctx: {"creator": "Patched"},
        refused_as=API_HIDDEN,
        effect=version_of(draft_resource),
    ),
    # Multipart, not JSON: a Case of its own (api() sends JSON), answering as the API does.
    Case(
        "API knowledge upload a resource file",
        "api:knowledge-resource-files",
        SUBMITTERS,
        method="post",
        kwargs=pk_of(draft_resource),
        data=lambda ctx: {
            "language": "fr",
            "file": SimpleUploadedFile("guide-fr.pdf", b"%PDF-1.4 fr", content_type="application/pdf"),
        },
        ok=201,
        refused_anonymous=(401, 403),
        refused_as=API_HIDDEN,
        effect=count_of(ResourceFile),
    ),
    api(
        "API knowledge publish a resource",
        "api:knowledge-resource-publish",
        TEAM,
        method="post",
        kwargs=pk_of(draft_resource),
        data=step_body(draft_resource),
        refused_as=API_HIDDEN,
        effect=status_of(draft_resource),
    ),
    api("API knowledge technologies", "api:knowledge-technology-list", EVERYONE),
    api(
        "API knowledge technology",
        "api:knowledge-technology-detail",
        EVERYONE,
        kwargs=lambda ctx: {
            "pk": ctx.once(
                "technology",
                lambda c: products.technology_record(
                    actor=c.users["manager"], name={"en": "G.fast"}, standards=[("ITU-T G.9700", "2019")]
                ),
            ).pk
        },
    ),
    api("API knowledge products", "api:knowledge-product-list", EVERYONE),
    api(
        "API knowledge add a product",
        "api:knowledge-product-list",
        SUBMITTERS,
        method="post",
        data=lambda ctx: {
            "manufacturer": ctx.nsb.pk,
            "model": "API-1",
            "category": "Modem",
            "country": "KEN",
            "organisation": ctx.nsb.pk,
        },
        ok=201,
        effect=count_of(Product),
    ),
    api(
        "API knowledge product with a claim in force",
        "api:knowledge-product-detail",
        EVERYONE,
        kwargs=lambda ctx: {"pk": published_claim(ctx).product_id},
    ),
    api("API knowledge claims", "api:knowledge-claim-list", EVERYONE),
    api(
        "API knowledge submit a claim",
        "api:knowledge-claim-list",
        SUBMITTERS,
        method="post",
        data=lambda ctx: {
            "product": product(ctx).pk,
            "standard": "ITU-T G.9700",
            "basis": "declaration",
            "issued_on": TODAY.isoformat(),
        },
        ok=201,
        effect=count_of(ConformityClaim),
    ),
    api("API knowledge published claim", "api:knowledge-claim-detail", EVERYONE, kwargs=pk_of(published_claim)),
    api(
        "API knowledge nsb's submitted claim",
        "api:knowledge-claim-detail",
        NSB_READERS,
        kwargs=pk_of(submitted_claim),
        refused_as={None: (404,), "plain": (404,)},
    ),
    api(
        "API knowledge check a claim",
        "api:knowledge-claim-check",
        TEAM,
        method="post",
        kwargs=pk_of(submitted_claim),
        data=step_body(submitted_claim),
        refused_as=API_HIDDEN,
        effect=status_of(submitted_claim),
    ),
    api(
        "API knowledge publish a claim",
        "api:knowledge-claim-publish",
        TEAM,
        method="post",
        kwargs=pk_of(checked_claim),
        data=step_body(checked_claim),
        refused_as=API_HIDDEN,
        effect=status_of(checked_claim),
    ),
    api(
        "API knowledge withdraw a claim",
        "api:knowledge-claim-withdraw",
        SUBMITTERS,
        method="post",
        kwargs=pk_of(submitted_claim),
        data=step_body(submitted_claim),
        refused_as=API_HIDDEN,
        effect=status_of(submitted_claim),
    ),
]

CASES = [*PAGE_CASES, *API_CASES]
