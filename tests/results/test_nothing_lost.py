"""Nothing lost, nothing overwritten (issue 12, section 2): a computed value is never typed over, a save
after the value moved on keeps the entry with the conflict message, an amendment waits while the approved
value counts."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jalon.accounts.versioning import CONFLICT_MESSAGE as CONFLICT
from jalon.results import services
from jalon.results.models import Indicator, Measurement
from jalon.results.selectors import programme_progress
from tests.results.conftest import fr, indicator_build

pytestmark = pytest.mark.django_db


def edit_url(measurement) -> str:
    return f"/fr/programmes/measurements/{measurement.pk}/edit/"


@pytest.fixture
def computed_value(demo):
    indicator = indicator_build(
        demo, "C1", milestones=(None, "5"), source=Indicator.Source.COMPUTED, computation="participants_trained"
    )
    measurement = services.measurement_create(
        actor=None, indicator=indicator, period=demo.current, computed=True, value=D(3)
    )
    Measurement.objects.filter(pk=measurement.pk).update(status=Measurement.Status.APPROVED)
    measurement.refresh_from_db()
    return measurement


def test_a_computed_value_cannot_be_changed_submitted_or_reviewed_by_hand(demo, users, computed_value):
    manager = users["manager"]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_update(actor=manager, measurement=computed_value, value=D(999))
    assert "computed from operational records" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.measurement_submit(actor=manager, measurement=computed_value)
    with pytest.raises(ValidationError):
        services.measurement_review(actor=manager, measurement=computed_value, approve=True)
    computed_value.refresh_from_db()
    assert (computed_value.value, computed_value.status) == (D(3), "approved")
    assert programme_progress(programme=demo.programme).indicators[computed_value.indicator_id].actual == D(3)


def test_pages_and_api_do_not_offer_to_type_over_a_computed_value(demo, users, computed_value, client_as):
    client = client_as("manager")
    page = client.get(f"/fr/programmes/{demo.programme.code}/indicators/{computed_value.indicator_id}/")
    assert edit_url(computed_value) not in page.content.decode()
    assert client.get(edit_url(computed_value)).status_code == 403
    assert client.post(edit_url(computed_value), {"value": "999", "version": 1}).status_code == 403
    api = client.patch(
        f"/api/v1/measurements/{computed_value.pk}/", {"value": "999", "version": 1}, content_type="application/json"
    )
    assert api.status_code == 403
    computed_value.refresh_from_db()
    assert computed_value.value == D(3)


def test_a_save_after_someone_else_submitted_the_value_keeps_the_entry_with_the_conflict_message(
    demo, users, nsb, client_as
):
    """The focal point has the draft open; the contributor submits it; the focal point saves: the conflict
    message, their entry on screen (not "access refused")."""
    draft = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(20)
    )
    focal = client_as("focal")
    assert focal.get(edit_url(draft)).status_code == 200
    services.measurement_submit(actor=users["contributor"], measurement=draft, version=1)
    late = focal.post(edit_url(draft), {"organisation": nsb.pk, "value": "27", "version": 1})
    assert late.status_code == 200
    assert late.context["form"].non_field_errors() == [fr(CONFLICT)]
    assert late.context["form"]["value"].value() == "27"
    draft.refresh_from_db()
    assert (draft.value, draft.status) == (D(20), "submitted")


def test_the_api_answers_a_late_change_with_409_not_403(demo, users, nsb, client_as):
    draft = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(20)
    )
    services.measurement_submit(actor=users["contributor"], measurement=draft, version=1)
    response = client_as("focal").patch(
        f"/api/v1/measurements/{draft.pk}/", {"value": "27", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 409


def test_amending_an_approved_value_on_the_page_says_it_waits_and_the_history_keeps_both(demo, users, nsb, client_as):
    value = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(25),
        submit=True,
    )  # fmt: skip
    value = services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    manager = client_as("manager")
    form = manager.get(edit_url(value))
    assert (
        fr(
            "This value is approved. Your change will be an amendment, sent for approval; the approved value "
            "keeps counting until the amendment is approved, and the history keeps both."
        )
        in form.content.decode()
    )
    saved = manager.post(
        edit_url(value), {"organisation": nsb.pk, "value": "29", "version": value.version}, follow=True
    )
    html = saved.content.decode()
    assert fr("An amendment is waiting for approval: this value counts until it is approved.") in html
    assert fr("Amendment of an approved value") in html
    assert programme_progress(programme=demo.programme).indicators[demo.indicators["D1"].pk].actual == D(25)
    assert list(
        Measurement.objects.filter(indicator=demo.indicators["D1"]).order_by("pk").values_list("value", "status")
    ) == [(D(25), "approved"), (D(29), "submitted")]
