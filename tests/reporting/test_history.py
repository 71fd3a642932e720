"""A report as of a past date, with --historical: its figures are the values that counted then (approved by
then, not yet replaced by an amendment approved by then), not the values approved since."""

import datetime
from decimal import Decimal

from jalon.accounts.services import role_assign
from jalon.organisations.models import Organisation
from jalon.reporting import services
from jalon.reporting.snapshot import snapshot_build
from jalon.results.models import Indicator, Level, Measurement, Period, Programme, Result
from jalon.results.services import measurement_create, measurement_review, measurement_update

UTC = datetime.UTC


def _approved(actor, measurement: Measurement, on: datetime.datetime) -> Measurement:
    measurement = measurement_review(actor=actor, measurement=measurement, approve=True)
    Measurement.objects.filter(pk=measurement.pk).update(reviewed_at=on)  # approved on that day
    return measurement


def _actual(snapshot: dict) -> str | None:
    [item] = [i for r in snapshot["results"] for i in r["indicators"] if i["code"] == "H1"]
    return item["cells"][0]["actual"]


def test_a_historical_snapshot_reads_the_values_that_counted_on_its_date(db, users):
    owner = Organisation.objects.get(acronym="ISO")
    programme = Programme.objects.create(
        code="history", owner=owner, title={"en": "History"}, start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31), languages=["en", "fr"],
    )  # fmt: skip
    period = Period.objects.create(
        programme=programme, code="2025", name={"en": "2025"}, start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )  # fmt: skip
    level = Level.objects.create(programme=programme, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=programme, level=level, code="R1", title={"en": "Outcome"})
    indicator = Indicator.objects.create(
        result=result, code="H1", title={"en": "Held"}, baseline_value=Decimal(0), target_value=Decimal(100)
    )
    manager = users["manager"]
    role_assign(actor=None, user=manager, role="programme_manager", programme=programme)
    first = measurement_create(actor=manager, indicator=indicator, period=period, value=Decimal(10), submit=True)
    first = _approved(manager, first, datetime.datetime(2026, 2, 1, tzinfo=UTC))
    amendment = measurement_update(actor=manager, measurement=first, value=Decimal(25), submit=True)
    _approved(manager, amendment, datetime.datetime(2026, 4, 1, tzinfo=UTC))

    def read(day: int, month: int, historical: bool) -> str | None:
        as_of = datetime.datetime(2026, month, day, 12, tzinfo=UTC)
        return _actual(snapshot_build(programme=programme, as_of=as_of, kind="iptt", historical=historical))

    assert read(15, 1, True) is None  # nothing approved yet
    assert read(15, 3, True) == "10"  # the first value, before its amendment was approved
    assert read(15, 5, True) == "25"  # the amendment, once approved
    assert read(15, 1, False) == "25"  # without --historical: the values approved now
    run = services.report_run_now(
        programme=programme, kind="iptt", language="en", historical=True,
        as_of=datetime.datetime(2026, 3, 15, 12, tzinfo=UTC),
    )  # fmt: skip
    assert run.historical and run.snapshot["historical"] and _actual(run.snapshot) == "10"
