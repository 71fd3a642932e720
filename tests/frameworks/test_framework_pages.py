"""Programme managers build and edit a framework through the pages: programme, levels, periods, results,
indicators with their milestones, disaggregations; conflicts, confirmations, refusals and field errors."""

import datetime
from decimal import Decimal as D

import pytest

from jalon.accounts.models import AuditEntry, Role, RoleAssignment
from jalon.accounts.versioning import ConflictError
from jalon.organisations.models import Organisation
from jalon.results import services
from jalon.results.models import Dimension, Indicator, Level, Milestone, Programme, Result
from tests.conftest import make_user
from tests.results.conftest import fr, indicator_build, messages_of, programme_build

BASE = "/en/programmes"
CONFLICT = (
    "Someone else changed this record while you were editing it. Reload the page to see their changes, "
    "then apply yours again: nothing was saved."
)


def programme_form(owner: Organisation, **changes) -> dict:
    data = {
        "code": "capacity",
        "title_fr": "Renforcement des capacités",
        "title_en": "Capacity building",
        "description_en": "A small framework built through the pages.",
        "owner": owner.pk,
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "languages": ["fr", "en"],
        "on_track_min": "0.85",
        "at_risk_min": "0.60",
        "published": "on",
    }
    data.update(changes)
    return data


def indicator_form(periods, **changes) -> dict:
    data = {
        "code": "I1",
        "title_fr": "Normes adoptées",
        "title_en": "Standards adopted",
        "measure": "count",
        "direction": "ascending",
        "cumulation": "non_cumulative",
        "baseline_value": "10",
        "baseline_year": "2024",
    }
    for period in periods:
        data.update({f"p{period.pk}-value": "", f"p{period.pk}-relative_percent": ""})
    data.update(changes)
    return data


def post_ok(client, path, data, *, to=None):
    response = client.post(path, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    if to is not None:
        assert response["Location"] == to
    return response


def audited(model: str, action: str, actor=None) -> int:
    entries = AuditEntry.objects.filter(model=f"results.{model}", action=action)
    return entries.filter(actor=actor).count() if actor else entries.count()


@pytest.fixture
def iso(db):
    return Organisation.objects.get(acronym="ISO")


# Building from scratch -------------------------------------------------------------------------------------


def test_a_manager_builds_a_framework_from_scratch_and_it_shows_on_the_programme_page_and_in_the_api(
    client_as, users, iso
):
    client = client_as("manager")
    listing = client.get(f"{BASE}/")
    assert f'href="{BASE}/new/"' in listing.content.decode()
    assert client.get(f"{BASE}/new/").status_code == 200

    structure = f"{BASE}/capacity/structure/"
    post_ok(client, f"{BASE}/new/", programme_form(iso), to=structure)
    programme = Programme.objects.get(code="capacity")
    assert programme.title == {"fr": "Renforcement des capacités", "en": "Capacity building"}
    assert programme.description == {"en": "A small framework built through the pages."}
    assert (programme.owner, programme.languages, programme.version) == (iso, ["fr", "en"], 1)

    post_ok(
        client,
        f"{BASE}/capacity/levels/new/",
        {"key": "outcome", "name_fr": "Effet", "name_en": "Outcome", "iati_result_type": "2"},
        to=structure,
    )
    post_ok(
        client,
        f"{BASE}/capacity/levels/new/",
        {"key": "output", "name_fr": "Produit", "name_en": "Output", "iati_result_type": "1"},
    )
    outcome, output = programme.levels.all()
    assert (outcome.key, outcome.name, outcome.order, output.key, output.order) == (
        "outcome",
        {"fr": "Effet", "en": "Outcome"},
        1,
        "output",
        2,
    )
    for code, start, end in (("2025", "2025-01-01", "2025-12-31"), ("2026-2027", "2026-01-01", "2027-12-31")):
        post_ok(
            client,
            f"{BASE}/capacity/periods/new/",
            {"code": code, "name_en": f"Period {code}", "start": start, "end": end},
            to=structure,
        )
    periods = list(programme.periods.all())
    assert [p.code for p in periods] == ["2025", "2026-2027"]

    post_ok(
        client,
        f"{BASE}/capacity/results/new/",
        {"level": outcome.pk, "code": "O1", "title_fr": "Effet un", "title_en": "Outcome one"},
        to=structure,
    )
    parent = Result.objects.get(programme=programme, code="O1")
    # The "Add a sub-result" link preselects the parent.
    form_page = client.get(f"{BASE}/capacity/results/new/?parent={parent.pk}")
    assert form_page.context["form"]["parent"].value() == str(parent.pk)
    post_ok(
        client,
        f"{BASE}/capacity/results/new/",
        {"parent": parent.pk, "level": output.pk, "code": "O1.1", "title_en": "Output one"},
    )
    child = Result.objects.get(programme=programme, code="O1.1")
    assert (child.parent, child.level, child.title) == (parent, output, {"en": "Output one"})

    page = client.get(f"{BASE}/capacity/results/{child.pk}/indicators/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="p{periods[0].pk}-value"' in html and f'name="p{periods[1].pk}-relative_percent"' in html
    response = post_ok(
        client,
        f"{BASE}/capacity/results/{child.pk}/indicators/new/",
        indicator_form(
            periods,
            **{f"p{periods[0].pk}-value": "15", f"p{periods[1].pk}-relative_percent": "50", "target_value": "20"},
        ),
    )
    indicator = Indicator.objects.get(result=child, code="I1")
    assert response["Location"] == f"{BASE}/capacity/indicators/{indicator.pk}/"
    assert (indicator.baseline_value, indicator.baseline_year, indicator.target_value) == (D(10), 2024, D(20))
    assert [(m.period.code, m.value, m.relative_percent) for m in indicator.milestones.all()] == [
        ("2025", D(15), None),
        ("2026-2027", None, D(50)),
    ]

    # The programme page shows the tree, the indicator and its next milestone; managers get the edit links.
    page = client.get(f"{BASE}/capacity/")
    html = page.content.decode()
    assert [row.result.code for row in page.context["rows"]] == ["O1", "O1.1"]
    assert [row.depth for row in page.context["rows"]] == [0, 1]
    assert "Standards adopted" in html
    assert f'href="{structure}"' in html and f'href="{BASE}/capacity/edit/"' in html
    assert f'href="{structure}"' not in client_as("viewer").get(f"{BASE}/capacity/").content.decode()

    progress = client.get("/api/v1/programmes/capacity/progress/")
    assert progress.status_code == 200
    (row,) = progress.json()
    assert (row["indicator"], row["result"], row["baseline"], row["target"]) == ("I1", "O1.1", "10.0000", "20.0000")
    assert [(cell["period"], cell["target"], cell["target_pending"]) for cell in row["periods"]] == [
        ("2025", "15.0000", False),
        ("2026-2027", "15.0000", False),  # +50 % over the baseline of 10
    ]

    # Every step left its trace in the audit log, under the manager's name.
    manager = users["manager"]
    assert audited("programme", "create", manager) == 1
    assert audited("level", "create", manager) == 2
    assert audited("period", "create", manager) == 2
    assert audited("result", "create", manager) == 2
    assert audited("indicator", "create", manager) == 1
    assert audited("milestone", "create", manager) == 2


def test_the_structure_page_lists_levels_periods_disaggregations_and_the_tree(client_as, demo):
    dimension = services.dimension_save(
        actor=None,
        programme=demo.programme,
        kind="sex",
        code="sex",
        name={"en": "Sex"},
        values=[{"code": "f", "name": {"en": "Female"}}, {"code": "m", "name": {"en": "Male"}}],
    )
    page = client_as("manager").get(f"{BASE}/demo/structure/")
    assert page.status_code == 200
    html = page.content.decode()
    for path in (
        f"{BASE}/demo/levels/{demo.level.pk}/edit/",
        f"{BASE}/demo/levels/{demo.level.pk}/delete/",
        f"{BASE}/demo/periods/{demo.current.pk}/edit/",
        f"{BASE}/demo/periods/{demo.current.pk}/delete/",
        f"{BASE}/demo/dimensions/{dimension.pk}/edit/",
        f"{BASE}/demo/dimensions/{dimension.pk}/delete/",
        f"{BASE}/demo/results/{demo.result.pk}/edit/",
        f"{BASE}/demo/results/{demo.result.pk}/delete/",
        f"{BASE}/demo/results/new/?parent={demo.result.pk}",
        f"{BASE}/demo/results/{demo.result.pk}/indicators/new/",
        f"{BASE}/demo/indicators/{demo.indicators['D1'].pk}/edit/",
        f"{BASE}/demo/indicators/{demo.indicators['D1'].pk}/delete/",
    ):
        assert f'href="{path}"' in html, path
    assert "Female, Male" in html


def test_the_structure_page_costs_the_same_queries_whatever_the_size_of_the_tree(
    client_as, demo, django_assert_max_num_queries
):
    client = client_as("manager")
    client.get(f"{BASE}/demo/structure/")  # warm the session and grants
    for n in range(10):
        result = Result.objects.create(
            programme=demo.programme, level=demo.level, code=f"X{n}", title={"en": "x"}, parent=demo.result
        )
        indicator_build(demo, f"X{n}", result=result)
    with django_assert_max_num_queries(14):
        assert client.get(f"{BASE}/demo/structure/").status_code == 200


def test_new_results_go_after_their_siblings_in_the_order_the_programme_page_reads(demo, users):
    manager = users["manager"]
    programme, level = demo.programme, demo.level
    save = lambda code, parent=None: services.result_save(  # noqa: E731
        actor=manager, programme=programme, level=level, code=code, title={"en": code}, parent=parent
    )
    r2 = save("R2")
    r11 = save("R1.1", demo.result)
    r111 = save("R1.1.1", r11)
    r12 = save("R1.2", demo.result)
    order = list(programme.results.order_by("order").values_list("code", "order"))
    assert order == [("R1", 1), ("R1.1", 2), ("R1.1.1", 3), ("R1.2", 4), ("R2", 5)]
    # Moving a result moves its sub-results with it.
    services.result_save(
        actor=manager, programme=programme, result=r11, level=level, code="R1.1", title={"en": "R1.1"}, parent=r2
    )
    order = list(programme.results.order_by("order").values_list("code", flat=True))
    assert order == ["R1", "R1.2", "R2", "R1.1", "R1.1.1"]
    assert {r12.pk, r111.pk} <= set(programme.results.values_list("pk", flat=True))


# Editing ---------------------------------------------------------------------------------------------------


def test_editing_the_programme_with_a_stale_version_is_refused_with_the_conflict_message(client_as, demo, users):
    client = client_as("manager")
    page = client.get(f"{BASE}/demo/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(title_en="Renamed by me", published="on", languages=["fr", "en"])
    data.pop("developing_rule", None)
    assert data["version"] == 1
    # Someone else saves first.
    services.programme_update(actor=users["admin"], programme=demo.programme, version=1, title={"en": "Theirs"})

    response = client.post(f"{BASE}/demo/edit/", data)
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    demo.programme.refresh_from_db()
    assert (demo.programme.title, demo.programme.version) == ({"en": "Theirs"}, 2)

    data["version"] = 2
    post_ok(client, f"{BASE}/demo/edit/", data, to=f"{BASE}/demo/")
    demo.programme.refresh_from_db()
    assert demo.programme.title["en"] == "Renamed by me"
    assert demo.programme.version == 3
    assert audited("programme", "update", users["manager"]) == 1


def test_a_conflict_is_refused_by_the_service_itself(demo, users):
    services.programme_update(actor=None, programme=demo.programme, version=1, source="Plan 2026")
    with pytest.raises(ConflictError):
        services.programme_update(actor=None, programme=demo.programme, version=1, source="Plan 2027")


def test_editing_keeps_texts_in_languages_the_form_does_not_show(client_as, demo):
    programme = demo.programme
    programme.languages = ["en", "es"]
    programme.save()
    level = demo.level
    client = client_as("manager")
    page = client.get(f"{BASE}/demo/levels/{level.pk}/edit/")
    assert page.context["form"]["name"].field.languages == ["en", "es"]
    html = page.content.decode()
    assert 'name="name_en"' in html and 'name="name_es"' in html and 'name="name_fr"' not in html
    post_ok(
        client,
        f"{BASE}/demo/levels/{level.pk}/edit/",
        {"key": "outcome", "name_en": "Outcome", "name_es": "Efecto", "iati_result_type": "2", "order": "0"},
    )
    level.refresh_from_db()
    assert level.name == {"fr": "Résultat", "en": "Outcome", "es": "Efecto"}


def test_an_indicator_is_edited_with_its_milestones_in_the_same_form(client_as, demo, users):
    indicator = demo.indicators["D1"]
    client = client_as("manager")
    page = client.get(f"{BASE}/demo/indicators/{indicator.pk}/edit/")
    assert page.status_code == 200
    rows = page.context["milestones"]
    assert [row["value"].value() for row in rows] == [D(20), D(30), D(40)]
    assert f'name="p{demo.past.pk}-value" value="20"' in page.content.decode()
    data = indicator_form(
        demo.periods,
        code="D1",
        result=demo.result.pk,
        baseline_value="10",
        **{
            f"p{demo.past.pk}-value": "20",
            f"p{demo.current.pk}-relative_percent": "150",
            f"p{demo.future.pk}-value": "",  # removes the milestone
            f"p{demo.current.pk}-note_fr": "Triple de la référence",
        },
    )
    post_ok(client, f"{BASE}/demo/indicators/{indicator.pk}/edit/", data)
    milestones = {m.period.code: m for m in indicator.milestones.all()}
    assert set(milestones) == {"past", "current"}
    assert (milestones["current"].value, milestones["current"].relative_percent) == (None, D(150))
    assert milestones["current"].note == {"fr": "Triple de la référence"}
    manager = users["manager"]
    assert audited("milestone", "update", manager) == 1
    assert audited("milestone", "delete", manager) == 1


def test_each_milestone_note_has_a_cell_and_a_label_per_language_of_the_programme(client_as, demo):
    indicator = demo.indicators["D1"]
    html = client_as("manager").get(f"{BASE}/demo/indicators/{indicator.pk}/edit/").content.decode()
    period = demo.current
    assert '<th scope="col">Note (French)</th><th scope="col">Note (English)</th>' in html
    for language, name in (("fr", "French"), ("en", "English")):
        assert f'<td><input type="text" name="p{period.pk}-note_{language}" lang="{language}"' in html
        assert f'aria-label="{period}: Note ({name})"' in html


def test_the_indicator_page_links_managers_to_the_indicator_form(client_as, demo):
    path = f"{BASE}/demo/indicators/{demo.indicators['D1'].pk}/"
    edit = f'href="{path}edit/"'
    assert edit in client_as("manager").get(path).content.decode()
    assert edit not in client_as("focal").get(path).content.decode()


def test_disaggregations_are_built_with_their_values_one_a_line(client_as, demo, users):
    client = client_as("manager")
    post_ok(
        client,
        f"{BASE}/demo/dimensions/new/",
        {"kind": "sex", "code": "sex", "name_fr": "Sexe", "name_en": "Sex", "values": "f | Femmes | Women\nm | Hommes"},
    )
    dimension = Dimension.objects.get(programme=demo.programme, code="sex")
    assert [(v.code, v.name, v.order) for v in dimension.values.all()] == [
        ("f", {"fr": "Femmes", "en": "Women"}, 1),
        ("m", {"fr": "Hommes"}, 2),
    ]
    page = client.get(f"{BASE}/demo/dimensions/{dimension.pk}/edit/")
    assert page.context["form"]["values"].value() == "f | Femmes | Women\nm | Hommes | "
    post_ok(
        client,
        f"{BASE}/demo/dimensions/{dimension.pk}/edit/",
        {"kind": "sex", "code": "sex", "name_en": "Sex", "values": "f | Femmes | Women\nx | Autre | Other"},
    )
    assert list(dimension.values.values_list("code", flat=True)) == ["f", "x"]
    manager = users["manager"]
    assert audited("dimension", "create", manager) == 1
    assert audited("dimensionvalue", "create", manager) == 3
    assert audited("dimensionvalue", "delete", manager) == 1
    # The indicator form offers it.
    page = client.get(f"{BASE}/demo/indicators/{demo.indicators['D1'].pk}/edit/")
    assert list(page.context["form"].fields["dimensions"].queryset) == [dimension]


# Deleting --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["level", "period", "dimension", "result", "indicator"])
def test_deleting_asks_for_confirmation_then_deletes_and_audits(client_as, demo, users, what):
    programme = demo.programme
    if what == "level":
        target = Level.objects.create(programme=programme, key="spare", name={"en": "Spare"}, iati_result_type=9)
        path = f"{BASE}/demo/levels/{target.pk}/delete/"
    elif what == "period":
        target = demo.future
        path = f"{BASE}/demo/periods/{target.pk}/delete/"
    elif what == "dimension":
        target = services.dimension_save(
            actor=None, programme=programme, kind="custom", code="zone", name={"en": "Zone"}, values=[{"code": "a"}]
        )
        path = f"{BASE}/demo/dimensions/{target.pk}/delete/"
    elif what == "result":
        target = demo.result
        path = f"{BASE}/demo/results/{target.pk}/delete/"
    else:
        target = demo.indicators["D1"]
        path = f"{BASE}/demo/indicators/{target.pk}/delete/"
    client = client_as("manager")
    page = client.get(path)
    assert page.status_code == 200
    assert "Yes, delete" in page.content.decode()
    assert type(target).objects.filter(pk=target.pk).exists()

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == f"{BASE}/demo/structure/"
    assert not type(target).objects.filter(pk=target.pk).exists()
    assert audited(target._meta.model_name, "delete", users["manager"]) == 1
    if what in ("period", "result", "indicator"):
        # Cascaded milestones are in the log too.
        assert audited("milestone", "delete", users["manager"]) >= 1


def test_deleting_a_result_deletes_its_sub_results_and_their_indicators(demo, users):
    child = services.result_save(
        actor=None, programme=demo.programme, level=demo.level, code="R1.1", title={"en": "c"}, parent=demo.result
    )
    indicator_build(demo, "C1", result=child)
    services.result_delete(actor=users["manager"], result=demo.result)
    assert not Result.objects.filter(programme=demo.programme).exists()
    assert not Indicator.objects.filter(result__programme=demo.programme).exists()
    assert audited("result", "delete") == 2 and audited("indicator", "delete") == 2


def measured(demo, users, nsb):
    return services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(5)
    )


@pytest.mark.parametrize(
    ("what", "message"),
    [
        (
            "period",
            "Values have been reported for this period: it cannot be deleted. Change its dates or name instead.",
        ),
        ("indicator", "Values have been reported for this indicator: it cannot be deleted."),
        (
            "result",
            "Values have been reported for indicators of this result or of its sub-results: it cannot be deleted.",
        ),
        ("level", "Results are placed at this level: move them to another level or delete them first."),
    ],
)
def test_deleting_what_has_reported_values_is_refused_with_a_message(client_as, demo, users, nsb, what, message):
    measured(demo, users, nsb)
    if what == "period":
        target, path = demo.current, f"/fr/programmes/demo/periods/{demo.current.pk}/delete/"
    elif what == "indicator":
        target = demo.indicators["D1"]
        path = f"/fr/programmes/demo/indicators/{target.pk}/delete/"
    elif what == "result":
        target, path = demo.result, f"/fr/programmes/demo/results/{demo.result.pk}/delete/"
    else:
        target, path = demo.level, f"/fr/programmes/demo/levels/{demo.level.pk}/delete/"
    count = AuditEntry.objects.count()
    response = client_as("manager").post(path)
    assert response.status_code == 302
    assert messages_of(response) == [fr(message)]
    assert type(target).objects.filter(pk=target.pk).exists()
    assert AuditEntry.objects.count() == count


def test_a_disaggregation_value_with_reported_values_is_kept(demo, users, nsb):
    dimension = services.dimension_save(
        actor=None, programme=demo.programme, kind="sex", code="sex", name={"en": "Sex"}, values=[{"code": "f"}]
    )
    indicator = demo.indicators["D1"]
    indicator.dimensions.add(dimension)
    services.measurement_create(
        actor=users["focal"],
        indicator=indicator,
        period=demo.current,
        organisation=nsb,
        value=D(5),
        dimension_value=dimension.values.get(),
    )
    with pytest.raises(services.ValidationError) as caught:
        services.dimension_save(
            actor=None,
            programme=demo.programme,
            dimension=dimension,
            kind="sex",
            code="sex",
            name={"en": "Sex"},
            values=[{"code": "m"}],
        )
    assert caught.value.message_dict == {
        "values": [fr("Values have been reported for %(codes)s: keep them in the list.") % {"codes": "f"}]
    }
    with pytest.raises(services.ValidationError):
        services.dimension_delete(actor=None, dimension=dimension)


# Bad input: field errors, in French on /fr/, never a 500 ----------------------------------------------------


def test_bad_programme_input_gives_field_errors_in_french(client_as, iso):
    client = client_as("manager")
    response = client.post(
        "/fr/programmes/new/",
        programme_form(
            iso, code="new", title_fr="", title_en="", start_date="31/02/2025", end_date="", on_track_min="abc"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == [fr("Give this text in at least one language.")]
    assert errors["start_date"] == ["Saisissez une date valide."]
    assert errors["end_date"] == ["Ce champ est obligatoire."]
    assert errors["on_track_min"] == ["Saisissez un nombre."]
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html and "Saisissez une date valide." in html
    assert not Programme.objects.filter(code="new").exists()

    # What only the service knows is shown beside its input too.
    response = client.post(
        "/fr/programmes/new/",
        programme_form(iso, code="new", end_date="2024-01-01", at_risk_min="0,9", on_track_min="0,8"),
    )
    errors = response.context["form"].errors
    assert errors["code"] == [fr("“%(code)s” is the name of a page: choose another code.") % {"code": "new"}]
    assert errors["end_date"] == [fr("The end date cannot be before the start date.")]
    assert errors["at_risk_min"] == [fr("The “at risk” threshold cannot be above the “on track” one.")]
    assert not Programme.objects.exists() or not Programme.objects.filter(code="new").exists()


def test_french_decimals_are_read_with_a_comma(client_as, demo):
    indicator = demo.indicators["D1"]
    data = indicator_form(
        demo.periods, code="D1", result=demo.result.pk, baseline_value="10,5", **{f"p{demo.past.pk}-value": "12,25"}
    )
    post_ok(client_as("manager"), f"/fr/programmes/demo/indicators/{indicator.pk}/edit/", data)
    indicator.refresh_from_db()
    assert indicator.baseline_value == D("10.5")
    assert Milestone.objects.get(indicator=indicator, period=demo.past).value == D("12.25")


def test_bad_indicator_input_gives_errors_on_the_fields_and_milestone_rows(client_as, demo):
    result = demo.result
    data = indicator_form(
        demo.periods,
        code="D1",  # taken
        title_fr="",
        title_en="",
        measure="currency",  # without a currency
        baseline_year="99999",
        **{
            f"p{demo.past.pk}-value": "20",
            f"p{demo.past.pk}-relative_percent": "10",  # both
            f"p{demo.current.pk}-value": "beaucoup",
        },
    )
    response = client_as("manager").post(f"/fr/programmes/demo/results/{result.pk}/indicators/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == [fr("Give this text in at least one language.")]
    assert errors["baseline_year"] == ["Assurez-vous que cette valeur est inférieure ou égale à 2200."]
    past, current, _future = response.context["milestones"]
    assert past.errors["relative_percent"] == [
        fr("Give the milestone either as a value or as an increase over the baseline, not both.")
    ]
    assert current.errors["value"] == ["Saisissez un nombre."]
    html = response.content.decode()
    assert "Saisissez un nombre." in html
    assert Indicator.objects.filter(result=result).count() == 1

    # Once the form is clean, the service's checks show on their fields.
    data = indicator_form(demo.periods, code="D1", measure="currency", target_value="5", baseline_to_be_set_in="2026")
    response = client_as("manager").post(f"/fr/programmes/demo/results/{result.pk}/indicators/new/", data)
    errors = response.context["form"].errors
    assert errors["code"] == [fr("Another indicator of this programme already has this code.")]
    assert errors["currency"] == [fr("Give the ISO 4217 code of the currency, e.g. CHF.")]
    assert errors["baseline_to_be_set_in"] == [
        fr("The baseline is known: leave “to be set in” empty, or remove the baseline value.")
    ]


def test_a_result_cannot_be_placed_under_itself_or_its_sub_results(client_as, demo):
    child = services.result_save(
        actor=None, programme=demo.programme, level=demo.level, code="R1.1", title={"en": "c"}, parent=demo.result
    )
    client = client_as("manager")
    for parent in (demo.result, child):
        response = client.post(
            f"/fr/programmes/demo/results/{demo.result.pk}/edit/",
            {"parent": parent.pk, "level": demo.level.pk, "code": "R1", "title_en": "Outcome one"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["parent"] == [
            fr("A result cannot be placed under itself or under one of its own sub-results.")
        ]
    demo.result.refresh_from_db()
    assert demo.result.parent is None


def test_a_parent_or_level_from_another_programme_is_refused(client_as, demo, sdo):
    other = programme_build(code="other", owner=sdo)
    with pytest.raises(services.ValidationError) as caught:
        services.result_save(
            actor=None, programme=demo.programme, level=other.level, code="X", title={"en": "x"}, parent=other.result
        )
    assert set(caught.value.message_dict) == {"level", "parent"}
    # Through the page, a foreign parent is simply not one of the choices.
    response = client_as("manager").post(
        "/fr/programmes/demo/results/new/",
        {"parent": other.result.pk, "level": demo.level.pk, "code": "X", "title_en": "x"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Result.objects.filter(code="X").exists()


GARBAGE = ["", "\x00", "-1", "99999999999999999999999999", "1e999", "NaN", "Infinity", "<script>", "x" * 5000]


@pytest.mark.parametrize(
    "path",
    [
        "/fr/programmes/new/",
        "/fr/programmes/demo/edit/",
        "/fr/programmes/demo/levels/new/",
        "/fr/programmes/demo/periods/new/",
        "/fr/programmes/demo/dimensions/new/",
        "/fr/programmes/demo/results/new/",
        "RESULT/indicators/new/",
        "INDICATOR/edit/",
    ],
)
def test_no_input_gives_a_500(client_as, demo, path):
    path = path.replace("RESULT", f"/fr/programmes/demo/results/{demo.result.pk}").replace(
        "INDICATOR", f"/fr/programmes/demo/indicators/{demo.indicators['D1'].pk}"
    )
    client = client_as("manager")
    form = client.get(path).context["form"]
    names = list(form.fields) + [f"p{p.pk}-{name}" for p in demo.periods for name in ("value", "relative_percent")]
    for junk in GARBAGE:
        # A NUL character is refused before any view (jalon/web/nul_bytes.py): 400; the rest, a form's answer.
        expected = (400,) if "\x00" in junk else (200, 302)
        response = client.post(path, dict.fromkeys(names, junk))
        assert response.status_code in expected, (junk, response.status_code)
        response = client.post(path + f"?parent={junk}", {name: [junk, junk] for name in names})
        assert response.status_code in expected, (junk, response.status_code)


def test_unknown_or_foreign_objects_are_404(client_as, demo, sdo):
    other = programme_build(code="other", owner=sdo)
    client = client_as("manager")
    for path in (
        f"{BASE}/demo/levels/{other.level.pk}/edit/",
        f"{BASE}/demo/periods/{other.current.pk}/delete/",
        f"{BASE}/demo/results/{other.result.pk}/edit/",
        f"{BASE}/demo/results/{other.result.pk}/indicators/new/",
        f"{BASE}/demo/levels/99999999999999999999/edit/",
        f"{BASE}/nothing/structure/",
    ):
        assert client.get(path).status_code == 404, path


# Who may build ---------------------------------------------------------------------------------------------


def test_a_manager_of_one_programme_edits_it_but_not_another_nor_creates_programmes(client, demo, sdo):
    other = programme_build(code="other", owner=sdo)
    user = make_user("scoped-manager")
    RoleAssignment.objects.create(user=user, role=Role.PROGRAMME_MANAGER, programme=demo.programme)
    client.force_login(user)
    assert client.get(f"{BASE}/demo/structure/").status_code == 200
    assert client.get(f"{BASE}/demo/edit/").status_code == 200
    assert client.get(f"{BASE}/{other.programme.code}/structure/").status_code == 403
    assert client.get(f"{BASE}/new/").status_code == 403
    assert f'href="{BASE}/new/"' not in client.get(f"{BASE}/").content.decode()


# Services: every change is audited -------------------------------------------------------------------------


def test_every_framework_service_records_its_change_in_the_audit_log(users, sdo):
    actor = users["manager"]
    count = AuditEntry.objects.count

    def step(expected_model, expected_action, call):
        before = count()
        value = call()
        entry = AuditEntry.objects.order_by("-pk").first()
        assert count() > before, expected_model
        assert AuditEntry.objects.filter(
            pk__gt=0, model=f"results.{expected_model}", action=expected_action, actor=actor
        ).exists(), (expected_model, expected_action)
        assert entry.actor_name == "manager"
        return value

    programme = step(
        "programme",
        "create",
        lambda: services.programme_create(
            actor=actor,
            code="audited",
            owner=sdo,
            title={"en": "Audited"},
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        ),
    )
    step("programme", "update", lambda: services.programme_update(actor=actor, programme=programme, source="x"))
    level = step(
        "level",
        "create",
        lambda: services.level_save(
            actor=actor, programme=programme, key="out", name={"en": "Output"}, iati_result_type=1
        ),
    )
    step(
        "level",
        "update",
        lambda: services.level_save(
            actor=actor, programme=programme, level=level, key="out", name={"en": "Outputs"}, iati_result_type=1
        ),
    )
    period = step(
        "period",
        "create",
        lambda: services.period_save(
            actor=actor,
            programme=programme,
            code="2025",
            name={},
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2025, 12, 31),
        ),
    )
    step(
        "period",
        "update",
        lambda: services.period_save(
            actor=actor,
            programme=programme,
            period=period,
            code="Y2025",
            name={},
            start=period.start,
            end=period.end,
        ),
    )
    result = step(
        "result",
        "create",
        lambda: services.result_save(actor=actor, programme=programme, level=level, code="R", title={"en": "R"}),
    )
    step(
        "result",
        "update",
        lambda: services.result_save(
            actor=actor, programme=programme, result=result, level=level, code="R", title={"en": "R!"}
        ),
    )
    dimension = step(
        "dimension",
        "create",
        lambda: services.dimension_save(
            actor=actor, programme=programme, kind="sex", code="sex", name={"en": "Sex"}, values=[{"code": "f"}]
        ),
    )
    indicator = step(
        "indicator",
        "create",
        lambda: services.indicator_save(actor=actor, result=result, code="I", title={"en": "I"}, baseline_value=D(4)),
    )
    step(
        "indicator",
        "update",
        lambda: services.indicator_save(
            actor=actor, result=result, indicator=indicator, code="I", title={"en": "I"}, dimensions=[dimension]
        ),
    )
    step(
        "milestone",
        "create",
        lambda: services.milestone_save(actor=actor, indicator=indicator, period=period, relative_percent=D(25)),
    )
    step(
        "milestone",
        "update",
        lambda: services.milestone_save(actor=actor, indicator=indicator, period=period, value=D(6)),
    )
    step("milestone", "delete", lambda: services.milestone_save(actor=actor, indicator=indicator, period=period))
    step("indicator", "delete", lambda: services.indicator_delete(actor=actor, indicator=indicator))
    step("dimension", "delete", lambda: services.dimension_delete(actor=actor, dimension=dimension))
    step("result", "delete", lambda: services.result_delete(actor=actor, result=result))
    step("period", "delete", lambda: services.period_delete(actor=actor, period=period))
    step("level", "delete", lambda: services.level_delete(actor=actor, level=level))

    # Saving without a change records nothing.
    before = count()
    services.programme_update(actor=actor, programme=programme, source="x")
    assert count() == before


def test_a_milestone_is_absolute_or_relative_not_both(demo):
    with pytest.raises(services.ValidationError) as caught:
        services.milestone_save(
            actor=None, indicator=demo.indicators["D1"], period=demo.past, value=D(1), relative_percent=D(2)
        )
    assert set(caught.value.message_dict) == {"relative_percent"}
