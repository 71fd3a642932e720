"""The gap index's pages: a programme's runs, a run's ranking with bands, sensitivity and audit, a country's
profile with the records behind its computed indicators, a run started from the page as a job, the curated
file's import; and the demo."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.activities.models import Registration
from jalon.committees.models import CommitteeMembership
from jalon.gap import selectors, services
from jalon.gap.models import IndexRun, IndexSpec, IndicatorValue
from jalon.jobs.models import Job
from jalon.organisations.models import Person
from tests.activities.conftest import activity_build
from tests.gap.conftest import AS_OF, member


@pytest.fixture
def run(gap):
    return services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=5, runs=20)


def test_the_ranking_shows_ranks_with_their_bands_as_svg_and_table(client_as, run, django_assert_max_num_queries):
    url = reverse("gap:run_detail", kwargs={"code": "gap-test", "pk": run.pk})
    with django_assert_max_num_queries(12):
        html = client_as(None).get(url).content.decode()
    assert "<svg" in html and "<table>" in html
    assert reverse("gap:country", kwargs={"code": "gap-test", "pk": run.pk, "iso3": "SEN"}) in html
    assert run.input_hash in html


def test_sensitivity_audit_spec_and_file_pages(client_as, run):
    client = client_as("viewer")
    kwargs = {"code": "gap-test", "pk": run.pk}
    assert "imputation" in client.get(reverse("gap:run_sensitivity", kwargs=kwargs)).content.decode()
    audit = client.get(reverse("gap:run_audit", kwargs=kwargs)).content.decode()
    assert "Cronbach" in audit and "Sénégal" in audit
    spec = client.get(reverse("gap:spec_detail", kwargs={"code": "gap-test", "version": 1})).content.decode()
    assert "p-share" in spec
    body = client.get(reverse("gap:run_file", kwargs=kwargs)).content.decode()
    assert body == services.run_output_file(run)


def test_the_country_page_shows_the_records_behind_a_moved_participation(client_as, gap):
    services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF - datetime.timedelta(days=100), seed=1, runs=20)
    CommitteeMembership.objects.create(committee=gap["committees"][1], member=member("KEBS"), status="p")
    later = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=20)
    url = reverse("gap:country", kwargs={"code": "gap-test", "pk": later.pk, "iso3": "KEN"})
    html = client_as(None).get(url).content.decode()
    assert "ISO/TC 901" in html  # the P-membership behind the share
    profile = selectors.country_profile(later, "KEN", user=None)
    assert (profile.before["values"]["p-share"], profile.row["values"]["p-share"]) == (0, 50)
    moved = {row["iso3"]: row["moved"] for row in selectors.ranking(later, selectors.previous_run(later))}
    assert moved["KEN"] > 0
    assert client_as(None).get(url.replace("KEN", "XXX")).status_code == 404


def test_a_manager_starts_a_run_from_the_page_and_follows_it(client_as, gap):
    client = client_as("manager")
    page = client.get(reverse("gap:programme", kwargs={"code": "gap-test"})).content.decode()
    assert "Monte Carlo" in page or "Monte-Carlo" in page
    response = client.post(
        reverse("gap:run_start", kwargs={"code": "gap-test"}),
        {"spec": 1, "as_of": AS_OF.isoformat(), "seed": 9, "runs": 20},
    )
    job = Job.objects.get(kind="gap-run")
    assert response.url == reverse("gap:run_progress", kwargs={"code": "gap-test", "job": job.pk})
    assert job.status == Job.Status.SUCCEEDED
    run = IndexRun.objects.get(pk=job.result["run"])
    progress = client.get(response.url).content.decode()
    assert reverse("gap:run_detail", kwargs={"code": "gap-test", "pk": run.pk}) in progress


def test_the_curated_file_page_reports_each_problem(client_as, gap):
    client = client_as("manager")
    bad = SimpleUploadedFile("v.csv", b"indicator,country,value,as_of,source\ncmcs,XXX,1,2026-01-01,BIPM\n")
    response = client.post(reverse("gap:values_import"), {"file": bad})
    job = Job.objects.get(kind="gap-values-import")
    assert response.url == reverse("gap:values_import_progress", kwargs={"job": job.pk})
    assert job.status == Job.Status.FAILED and job.result["error_count"] == 1
    html = client.get(response.url).content.decode()
    assert "XXX" in html and "country" in html and "v.csv" in html
    good = SimpleUploadedFile("g.csv", b"indicator,country,value,as_of,source\ncmcs,SEN,12,2026-01-01,BIPM\n")
    response = client.post(reverse("gap:values_import"), {"file": good})
    job = Job.objects.filter(kind="gap-values-import").order_by("-pk").first()
    assert job.status == Job.Status.SUCCEEDED and job.result["created"] == 1
    assert job.done == job.total == 1
    assert IndicatorValue.objects.filter(indicator__code="cmcs", country__iso3="SEN").exists()
    assert "indicator,country" in client.get(reverse("gap:values_template")).content.decode()
    # Nobody else follows someone's import.
    assert client_as("viewer").get(response.url).status_code in (403, 404)


def test_the_demo_step_runs_twice_without_duplicating(db, users):
    from jalon.gap.demo import gap_demo_build
    from jalon.results.services import frameworks_load

    frameworks_load()
    gap_demo_build(actor=users["manager"])
    gap_demo_build(actor=users["manager"])
    spec = IndexSpec.objects.get(programme__code="itu-res44")
    runs = list(IndexRun.objects.filter(spec=spec).order_by("as_of"))
    assert spec.is_demo and len(runs) == 2 and runs[1].baseline == runs[0]
    assert (runs[1].as_of - runs[0].as_of).days == 365
    out = runs[1].outputs
    assert len(out["pillars"]) == 5
    scored = [row for row in out["countries"] if row["scored"]]
    assert len(scored) >= 30 and all(len(row["pillars"]) == 5 for row in scored)
    assert any("closure" in row for row in scored)


def test_a_manual_value_is_recorded_only_with_its_evidence(client_as, gap, english):
    from jalon.gap.models import GapIndicator, IndicatorValue

    client = client_as("manager")
    indicator = GapIndicator.objects.get(code="nss-adopted")
    data = {"indicator": indicator.pk, "country": "SEN", "value": "1", "as_of": "2026-03-01", "source": "MCI"}
    html = client.post(reverse("gap:value_record"), data | {"evidence": " "}).content.decode()
    assert "This field is required" in html or "Say what the value rests on" in html
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()
    response = client.post(reverse("gap:value_record"), data | {"evidence": "Decree 2026-12"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator, country__iso3="SEN").evidence == "Decree 2026-12"
    with pytest.raises(ValidationError):
        services.value_record(
            actor=None,
            indicator=GapIndicator.objects.get(code="cmcs"),
            country=IndicatorValue.objects.first().country,
            value=1,
            as_of=AS_OF,
            source="x",
            evidence="y",
        )


def test_a_manager_saves_a_new_version_of_the_index_from_the_page(client_as, gap, english):
    import json

    client = client_as("manager")
    url = reverse("gap:spec_new", kwargs={"code": "gap-test"})
    assert "&quot;p-share&quot;" in client.get(url).content.decode()
    bad = {"title_en": "V2", "definition": json.dumps({"indicators": [], "aggregation": "median"}), "note": ""}
    html = client.post(url, bad).content.decode()
    assert "Choose at least one indicator" in html and IndexSpec.objects.filter(programme=gap["programme"]).count() == 1
    good = bad | {"definition": json.dumps(gap["spec"].definition | {"weight_noise": 0.1}), "note": "Less noise"}
    response = client.post(url, good)
    assert response.url == reverse("gap:spec_detail", kwargs={"code": "gap-test", "version": 2})
    assert IndexSpec.objects.get(programme=gap["programme"], version=2).definition["weight_noise"] == 0.1
    assert IndexSpec.objects.get(programme=gap["programme"], version=1).definition["weight_noise"] == 0.25


def test_the_people_behind_a_countrys_trained_count_show_only_to_who_may_see_the_participants(client_as, users, gap):
    # KEBS's unpublished internal workshop: its participant list is its organiser's and the programme team's.
    kebs = member("KEBS")
    activity = activity_build(
        code="kebs-internal",
        title={"en": "KEBS internal"},
        countries=[kebs.country],
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 3, 2),
        organiser=kebs,
        published=False,
    )
    person = Person.objects.create(
        given_name="Wanjiru", family_name="Secretperson", organisation=kebs, country=kebs.country
    )
    Registration.objects.create(activity=activity, person=person, completed=True, completed_on=activity.end_date)
    run = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=20)
    url = reverse("gap:country", kwargs={"code": "gap-test", "pk": run.pk, "iso3": "KEN"})
    for role in (None, "viewer", "focal"):  # the focal point is ASN's
        html = client_as(role).get(url).content.decode()
        assert "Secretperson" not in html and "KEBS internal" not in html, role
    assert "Secretperson" in client_as("manager").get(url).content.decode()
    # The value is an aggregate (per million people), the same for everyone; the records are the viewer's.
    assert selectors.country_row(run, "KEN")["values"]["trained"] > 0
    for user, shown in ((None, 0), (users["manager"], 1)):
        lines = selectors.country_profile(run, "KEN", user=user).lines["human_resources"]
        assert [len(line.records) for line in lines if line.indicator.code == "trained"] == [shown]
