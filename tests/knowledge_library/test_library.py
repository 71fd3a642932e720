"""The resource library: one item in several languages (one file each), sizes shown before download, files served
only through the access-checked view, downloads counted per country and day with nothing about who, and the
downloads from developing countries as an indicator."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from jalon.knowledge.models import DownloadCount, Resource
from jalon.knowledge.selectors.library import downloads_from
from jalon.knowledge.services import library as services
from jalon.reference.models import Country, Language
from jalon.reference.selectors import developing_countries
from jalon.results.computations import programme_rule


def _resource(actor, **fields):
    values = {
        "title": {"en": "Guide to quality infrastructure", "fr": "Guide de l'infrastructure qualité"},
        "creator": "Demo author",
        "subject": "qualité; metrology",
        "type": Resource.Type.TEXT,
        "ics_codes": ["03.120.10"],
        "standards": ["ISO 9001"],
        **fields,
    }
    return services.resource_create(actor=actor, **values)


def _two_languages(actor, resource):
    for code, size in (("en", 3000), ("fr", 5000)):
        services.resource_file_store(
            actor=actor,
            resource=resource,
            language=Language.objects.get(code=code),
            file=ContentFile(b"%PDF-1.4\n" + b"0" * size, name=f"guide-{code}.pdf"),
        )


def test_one_resource_in_two_languages_shows_each_size_before_download(users, client_as):
    resource = _resource(users["manager"])
    _two_languages(users["manager"], resource)
    assert resource.files.count() == 2 and Resource.objects.count() == 1
    services.resource_publish(actor=users["manager"], resource=resource)
    english = client_as(None).get(f"/en/knowledge/library/{resource.pk}/").content.decode()
    assert "2.9\xa0KB" in english and "4.9\xa0KB" in english and "application/pdf" in english
    french = client_as(None).get(f"/fr/knowledge/library/{resource.pk}/").content.decode()
    assert "Guide de l’infrastructure qualité" in french or "Guide de l&#x27;infrastructure qualité" in french
    listing = client_as(None).get("/fr/knowledge/library/?q=qualite").content.decode()
    assert "infrastructure qualité" in listing


def test_a_download_counts_for_the_organisation_s_country_or_the_chosen_one_and_nobody(users, client_as):
    resource = _resource(users["manager"])
    _two_languages(users["manager"], resource)
    services.resource_publish(actor=users["manager"], resource=resource)
    # The focal point of ASN: counted for Senegal, whatever country the link names.
    kenya = Country.objects.get(iso3="KEN")
    response = client_as("focal").get(f"/en/knowledge/library/{resource.pk}/download/fr/?country={kenya.pk}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Anonymous: the country chosen on the page, twice; then one with no country.
    anonymous = client_as(None)
    for _ in range(2):
        assert anonymous.get(f"/en/knowledge/library/{resource.pk}/download/en/?country={kenya.pk}").status_code == 200
    assert anonymous.get(f"/en/knowledge/library/{resource.pk}/download/en/").status_code == 200
    counts = {
        (row.file.language.code, row.country.iso3 if row.country else None): row.count
        for row in DownloadCount.objects.select_related("file__language", "country")
    }
    assert counts == {("fr", "SEN"): 1, ("en", "KEN"): 2, ("en", None): 1}
    assert {field.name for field in DownloadCount._meta.concrete_fields} == {"id", "file", "country", "day", "count"}
    today = datetime.date.today()
    rule = programme_rule(type("P", (), {"developing_rule": None})())
    developing = developing_countries(rule=rule)
    assert downloads_from(countries=developing, start=today, end=today) == 3
    page = client_as(None).get(f"/en/knowledge/library/{resource.pk}/").content.decode()
    assert "4 downloads" in page


def test_a_draft_resource_and_its_files_are_hidden_from_the_public(users, client_as, nsb):
    resource = _resource(users["focal"], organisation=nsb)
    _two_languages(users["focal"], resource)
    anonymous = client_as(None)
    assert anonymous.get(f"/en/knowledge/library/{resource.pk}/").status_code == 404
    assert anonymous.get(f"/en/knowledge/library/{resource.pk}/download/en/").status_code == 404
    assert client_as("contributor").get(f"/en/knowledge/library/{resource.pk}/download/en/").status_code == 200
    assert client_as("focal").post(f"/en/knowledge/library/{resource.pk}/publish/", {"version": 1}).status_code == 403
    assert not DownloadCount.objects.filter(country=None).exists()


def test_a_resource_is_published_with_a_file_and_bad_ics_codes_are_named(users):
    with pytest.raises(ValidationError) as refused:
        _resource(users["manager"], ics_codes=["03.120.10", "quality"])
    assert "quality" in str(refused.value.message_dict["ics_codes"])
    resource = _resource(users["manager"])
    with pytest.raises(ValidationError):
        services.resource_publish(actor=users["manager"], resource=resource)


def test_a_focal_point_adds_resources_for_its_own_organisation(users, other_nsb, client_as, nsb):
    with pytest.raises(ValidationError) as refused:
        _resource(users["focal"], organisation=other_nsb)
    assert "organisation" in refused.value.message_dict
    response = client_as("focal").post(
        "/en/knowledge/library/new/",
        {"title_en": "A guide", "creator": "ASN", "type": "Text", "organisation": nsb.pk, "ics_codes": "nonsense"},
    )
    assert response.status_code == 200 and "Not an ICS code" in response.content.decode()


def test_the_library_list_keeps_a_constant_number_of_queries(users, client_as, django_assert_max_num_queries):
    for index in range(6):
        resource = _resource(users["manager"], title={"en": f"Guide {index}"})
        _two_languages(users["manager"], resource)
        services.resource_publish(actor=users["manager"], resource=resource)
    client = client_as(None)
    with django_assert_max_num_queries(12):
        assert client.get("/en/knowledge/library/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/knowledge-resources/").status_code == 200
