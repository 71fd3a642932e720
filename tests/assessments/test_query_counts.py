"""The assessment list, the portfolio and the API list cost the same number of queries whatever their
length (pinned)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.assessments import services
from jalon.organisations.models import Organisation
from tests.assessments.conftest import all_codes, answer

PINNED = {"assessments:list": 5, "assessments:portfolio": 12, "api:assessment-list": 5}


def grow(users, framework, organisations, start_year=2000):
    for number, organisation in enumerate(organisations):
        year = start_year + number
        assessment = services.assessment_create(
            actor=None,
            organisation=organisation,
            framework=framework,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        )
        answer(actor=None, assessment=assessment, codes=all_codes(framework, "partly"))
        services.assessment_step(actor=None, assessment=assessment, step="submit")
        services.assessment_step(actor=None, assessment=assessment, step="validate")


def counted(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_lists_cost_a_fixed_number_of_queries(client_as, users, banks):
    v1, _v2 = banks
    nsbs = list(Organisation.objects.filter(kind=Organisation.Kind.NSB, country__isnull=False).order_by("pk")[:12])
    grow(users, v1, nsbs[:2])
    client = client_as("manager")
    small = {name: counted(client, reverse(name)) for name in PINNED}
    grow(users, v1, nsbs[2:12], start_year=2030)
    large = {name: counted(client, reverse(name)) for name in PINNED}
    assert small == large
    assert large == PINNED
