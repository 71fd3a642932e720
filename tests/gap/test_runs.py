"""Runs of the gap index: reproducible to the byte, moved by the records, refused with a message when a
choice cannot be applied, recorded with their inputs; and the curated file's all-or-nothing import."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from jalon.committees.models import CommitteeMembership
from jalon.gap import services
from jalon.gap.method import MethodRefused
from jalon.gap.models import IndexRun, IndicatorValue
from jalon.jobs.models import Job
from jalon.jobs.services import JobCancelled, Progress, job_cancel, job_start
from tests.gap.conftest import AS_OF, DEFINITION, member


def row(run, iso3):
    return next(r for r in run.outputs["countries"] if r["iso3"] == iso3)


def test_the_same_seed_gives_a_byte_identical_file(gap, tmp_path):
    first, second, other = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    common = ["run", "--programme", "gap-test", "--runs", "40", "--as-of", AS_OF.isoformat()]
    call_command("gap_index", *common, "--seed", "7", "--output", str(first))
    call_command("gap_index", *common, "--seed", "7", "--output", str(second))
    call_command("gap_index", *common, "--seed", "8", "--output", str(other))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    out = json.loads(first.read_text())
    assert out["seed"] == 7 and out["spec_version"] == 1 and len(out["input_hash"]) == 64
    assert out["pillars"] == ["human_resources", "participation"]
    scored = [r for r in out["countries"] if r["scored"]]
    assert len(scored) > 100
    for r in scored:
        assert 0 <= r["index"] <= 100
        assert r["rank_q05"] <= r["rank_median"] <= r["rank_q95"]
    assert out["sensitivity"]["factors"] == ["imputation", "weights"]
    assert len(out["sensitivity"]["total"]) == 2
    assert IndexRun.objects.count() == 3


def test_a_p_membership_moves_the_participation_pillar_at_the_next_run(gap):
    before = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=20)
    CommitteeMembership.objects.create(committee=gap["committees"][1], member=member("KEBS"), status="p")
    after = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=20)
    assert row(after, "KEN")["values"]["p-share"] > row(before, "KEN")["values"]["p-share"]
    assert row(after, "KEN")["pillars"]["participation"] > row(before, "KEN")["pillars"]["participation"]
    assert row(after, "KEN")["pillars"]["human_resources"] == row(before, "KEN")["pillars"]["human_resources"]
    assert after.input_hash != before.input_hash
    # Worked by hand: 2 active committees known, AFNOR P in both: 100 %, clamped at the 50 % goalpost.
    assert row(after, "FRA")["values"]["p-share"] == 100
    assert row(after, "FRA")["normalised"]["p-share"] == 100
    assert row(after, "SEN")["values"]["p-share"] == 50


def test_the_gap_is_measured_to_the_benchmark_and_its_closure_since_the_baseline(gap):
    baseline = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=20)
    CommitteeMembership.objects.create(committee=gap["committees"][1], member=member("ASN"), status="p")
    later = services.run_record(
        actor=None, spec=gap["spec"], as_of=AS_OF + datetime.timedelta(days=365), seed=1, runs=20
    )
    assert later.baseline == baseline
    bench = later.outputs["benchmark"]
    assert bench["rule"] == "dac-eligible" and bench["countries"] > 10
    senegal = row(later, "SEN")
    assert senegal["gap"] == pytest.approx(bench["index"] - senegal["index"], abs=1e-5)
    if row(baseline, "SEN")["gap"] > 0:
        assert "closure" in senegal


def test_a_geometric_mean_over_zeros_fails_the_run_in_the_users_language(gap):
    definition = DEFINITION | {"aggregation": "geometric", "alternatives": {}}
    spec = services.spec_create(actor=None, programme=gap["programme"], title={"en": "Geo"}, definition=definition)
    assert spec.version == 2
    with translation.override("fr"), pytest.raises(MethodRefused) as refused:
        services.run_record(actor=None, spec=spec, as_of=AS_OF, seed=1, runs=20)
    assert "moyenne géométrique" in refused.value.message
    assert not IndexRun.objects.exists()


def test_an_impossible_alternative_fails_the_run_rather_than_being_skipped(gap):
    definition = DEFINITION | {"alternatives": {"aggregation": ["arithmetic", "geometric"]}}
    spec = services.spec_create(actor=None, programme=gap["programme"], title={"en": "Alt"}, definition=definition)
    with pytest.raises(MethodRefused):
        services.run_record(actor=None, spec=spec, as_of=AS_OF, seed=1, runs=20)


def test_the_run_job_records_a_run_or_fails_with_the_refusal(gap, users):
    job = job_start(
        actor=users["manager"],
        kind="gap-run",
        subject_id=gap["spec"].pk,
        params={"as_of": AS_OF.isoformat(), "seed": 3, "runs": 20},
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert IndexRun.objects.get(pk=job.result["run"]).seed == 3
    bad = services.spec_create(
        actor=None,
        programme=gap["programme"],
        title={"en": "Geo"},
        definition=DEFINITION | {"aggregation": "geometric"},
    )
    job = job_start(
        actor=users["manager"],
        kind="gap-run",
        subject_id=bad.pk,
        params={"as_of": AS_OF.isoformat(), "seed": 3, "runs": 20},
        language="en",
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "geometric mean is impossible" in job.message


def test_a_curated_file_is_imported_all_or_nothing_with_a_row_level_report(gap):
    count = IndicatorValue.objects.count()
    bad = (
        "indicator,country,value,as_of,source\n"
        "tbt-enquiry-point,SEN,1,2026-01-01,WTO ePing\n"
        "tbt-enquiry-point,XXX,1,2026-01-01,WTO ePing\n"
        "p-share,KEN,abc,2026-13-01,\n"
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.values_import(actor=None, content=bad.encode(), file_name="bad.csv")
    errors = refused.value.report.errors
    assert {(e["row"], e["field"]) for e in errors} == {
        (3, "country"),
        (4, "indicator"),
        (4, "value"),
        (4, "as_of"),
        (4, "source"),
    }
    assert IndicatorValue.objects.count() == count
    good = "indicator,country,value,as_of,source\ntbt-enquiry-point,SEN,1,2026-01-01,WTO ePing\n"
    assert services.values_import(actor=None, content=good.encode(), file_name="g.csv").created == 1
    assert services.values_import(actor=None, content=good.encode(), file_name="g.csv").updated == 1


def test_a_specification_is_refused_field_by_field(gap):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.spec_validate({"indicators": [{"code": "population"}], "aggregation": "median", "weight_noise": 2})
    assert set(refused.value.message_dict) == {"indicators", "aggregation", "weight_noise"}


def test_a_non_compensatory_run_ranks_by_pairwise_wins(gap):
    definition = DEFINITION | {"aggregation": "copeland", "normalisation": "reference", "alternatives": {}}
    spec = services.spec_create(actor=None, programme=gap["programme"], title={"en": "Copeland"}, definition=definition)
    run = services.run_record(actor=None, spec=spec, as_of=AS_OF, seed=1, runs=10)
    france, kenya = row(run, "FRA"), row(run, "KEN")
    assert france["index"] > kenya["index"] and france["rank"] < kenya["rank"]
    assert float(france["index"]).is_integer()
    assert run.outputs["choices"]["aggregation"] == "copeland"


class Recording(Progress):
    """A job's real progress, writing at every call (no throttle), which keeps what it was told and, once
    `cancel_at` Monte Carlo draws are done, records the owner's cancel as the cancel button does."""

    def __init__(self, job, cancel_at=None):
        super().__init__(job, interval=0)
        self.seen: list[tuple] = []
        self.cancel_at = cancel_at
        self.label = ""

    def step(self, label, *, total=None, done=0):
        self.label = str(label)
        self.seen.append((self.label, total, done))
        super().step(label, total=total, done=done)

    def advance(self, done, total=None):
        self.seen.append(("advance", self.label, done))
        if self.cancel_at is not None and "Monte Carlo" in self.label and done >= self.cancel_at:
            job_cancel(actor=self.job.owner, job=self.job)
        super().advance(done, total)


def test_a_run_job_reports_each_batch_of_draws_and_is_cancelled_between_draws(gap, users):
    from jalon.gap.engine import BATCH
    from jalon.gap.tasks import gap_run_work

    params = {"as_of": AS_OF.isoformat(), "seed": 3, "runs": 200}
    job = job_start(actor=users["manager"], kind="gap-run", subject_id=gap["spec"].pk, params=params, enqueue=False)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    progress = Recording(job)
    with translation.override("en"):
        gap_run_work(job, progress)
    draws = [done for kind, label, done in progress.seen if kind == "advance" and "Monte Carlo" in label]
    samples = [done for kind, label, done in progress.seen if kind == "advance" and "Sensitivity" in label]
    assert draws == list(range(BATCH, 201, BATCH))
    # Two factors varied (imputation, weights): N(d + 2) = 200 x 4 samples.
    assert samples == list(range(BATCH, 801, BATCH))
    assert ("Monte Carlo uncertainty: draws", 200, 0) in progress.seen
    assert ("Sensitivity analysis: samples", 800, 0) in progress.seen
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and IndexRun.objects.count() == 1

    cancelled = job_start(
        actor=users["manager"], kind="gap-run", subject_id=gap["spec"].pk, params=params, enqueue=False
    )
    Job.objects.filter(pk=cancelled.pk).update(status=Job.Status.RUNNING)
    progress = Recording(cancelled, cancel_at=BATCH)
    with translation.override("en"), pytest.raises(JobCancelled):
        gap_run_work(cancelled, progress)
    # Stopped at the first batch of draws: no further draw evaluated, no sensitivity, nothing saved.
    assert [done for kind, _label, done in progress.seen if kind == "advance"] == [BATCH]
    assert IndexRun.objects.count() == 1
    cancelled.refresh_from_db()
    assert (cancelled.done, cancelled.total) == (BATCH, 200)


def test_a_run_job_cancelled_before_it_starts_saves_nothing(gap, users):
    from jalon.gap.tasks import gap_run_work
    from jalon.jobs.services import job_run

    params = {"as_of": AS_OF.isoformat(), "seed": 3, "runs": 20}
    job = job_start(actor=users["manager"], kind="gap-run", subject_id=gap["spec"].pk, params=params, enqueue=False)
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    job_run(job.pk, gap_run_work)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and not IndexRun.objects.exists()
    done = job_start(actor=users["manager"], kind="gap-run", subject_id=gap["spec"].pk, params=params, enqueue=False)
    job_run(done.pk, gap_run_work)
    done.refresh_from_db()
    assert done.status == Job.Status.SUCCEEDED
    assert done.result["url"].endswith(f"/runs/{done.result['run']}/")


def test_the_import_command_runs_the_pages_job_all_or_nothing(gap, tmp_path):
    from io import StringIO

    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,country,value,as_of,source\ncmcs,SEN,1,2026-01-01,BIPM\ncmcs,XXX,x,2026-01-01,BIPM\n")
    count = IndicatorValue.objects.count()
    errors = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("gap_index", "import", str(bad), stderr=errors)
    assert "nothing was imported" in str(refused.value)
    assert "row 3 country" in errors.getvalue() and "row 3 value" in errors.getvalue()
    assert IndicatorValue.objects.count() == count
    job = Job.objects.get(kind="gap-values-import")
    assert job.status == Job.Status.FAILED and job.result["error_count"] == 2 and not job.upload
    good = tmp_path / "good.csv"
    good.write_text("indicator,country,value,as_of,source\ncmcs,SEN,1,2026-01-01,BIPM\n")
    out = StringIO()
    call_command("gap_index", "import", str(good), stdout=out)
    assert out.getvalue().startswith("1 values created, 0 updated")
    assert IndicatorValue.objects.count() == count + 1
