import datetime
import re

import pypdf
import pytest
from django.db import transaction

from jalon.accounts.models import User
from jalon.activities.demo import demo_activities_build
from jalon.finance.demo import finance_demo_build
from jalon.organisations.models import Organisation
from jalon.results.demo import demo_history_build
from jalon.results.services import frameworks_load

ISO, ILO = "iso-ap-2021-2025", "ilo-tc-2010-2015"
AS_OF = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def demo(request, django_db_setup, django_db_blocker):
    """The seed frameworks with the ISO Action Plan's demo history, the ILO ledger and the demo activities
    (people trained, for reach), built once per module
    in a transaction rolled back at its end; each test runs in a savepoint inside it. A module whose tests read
    no reach figure says `DEMO_ACTIVITIES = False` (the activities are a few seconds of the build)."""
    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        users = {user.username: user for user in User.objects.filter(username__in=["manager", "focal"])}
        nsb = Organisation.objects.get(acronym="ASN")
        demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
        finance_demo_build(actor=users["manager"])
        if getattr(request.module, "DEMO_ACTIVITIES", True):
            demo_activities_build(actor=users["manager"])
        yield
        transaction.set_rollback(True)


def content_text(source) -> str:
    """A PDF's text outside its artifacts: the page numbers and the table headers repeated on a new page are
    marked as artifacts in a tagged PDF, so that what is left does not depend on where the pages break."""
    reader = pypdf.PdfReader(source)
    parts: list[str] = []
    for page in reader.pages:
        stack: list[bool] = []

        def before(operator, args, cm, tm, stack=stack):
            if operator in (b"BDC", b"BMC"):
                stack.append(args[0] == "/Artifact")
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack):
            if not any(stack):
                parts.append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        parts.append("\n")
    return "".join(parts)


def numbers_of(source, language: str) -> list[str]:
    """Every number of a report in reading order, written the same way whatever the language's format
    ("1 480 000,5" in French, "1,480,000.5" in English: 1480000.5)."""
    return numbers_in(content_text(source), language)


def numbers_in(text: str, language: str) -> list[str]:
    """The numbers of a text in reading order, as numbers_of writes them."""
    if language == "fr":
        text = re.sub(r"(?<=\d)[\u202f\u00a0](?=\d{3}\b)", "", text)
        text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    else:
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.findall(r"\d+(?:\.\d+)*", text)


def structure_tags(reader: pypdf.PdfReader) -> set[str]:
    """The structure types used in the document's structure tree."""
    found: set[str] = set()
    pending = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while pending:
        node = pending.pop()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                pending.extend(
                    kid.get_object() for kid in (kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids])
                )
    return found
