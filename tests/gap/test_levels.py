"""More than two levels (indicator -> sub-pillar -> pillar -> index) worked by hand; the benchmark group chosen
by the specification, recorded in the run and refused when empty or too thin; committee-based indicators read
for the body they name (a country's ISO P-share is over ISO's committees only)."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jalon.committees.models import Committee, CommitteeMembership
from jalon.gap import engine, selectors, services
from jalon.gap.computed import BODIES, COMPUTED, Window
from jalon.gap.method import MethodRefused
from jalon.organisations.models import Organisation
from jalon.reference.models import Classification, Country, Vintage
from jalon.results.models import Programme
from tests.gap.conftest import AS_OF, DEFINITION, member

NAN = np.nan


def levels(**changes) -> engine.Method:
    """a, b in sub-pillar iso (weights 1, 3); c in sub-pillar itu (weight 1); d straight into participation
    (weight 1); e alone in human resources. Sub-pillar weights: iso 1, itu 2. Goalposts 0-100, so that the
    normalised values are the data."""
    fields = {
        "codes": ["a", "b", "c", "d", "e"],
        "pillars": ["participation"] * 4 + ["human_resources"],
        "weights": np.array([1.0, 3.0, 1.0, 1.0, 1.0]),
        "directions": np.ones(5),
        "goalposts": np.array([[0.0, 100.0]] * 5),
        "pillar_order": ["human_resources", "participation"],
        "pillar_weights": np.array([1.0, 1.0]),
        "screen_threshold": 0.5,
        "subs": ["iso", "iso", "itu", "", ""],
        "sub_order": ["iso", "itu"],
        "sub_pillars": ["participation", "participation"],
        "sub_weights": np.array([1.0, 2.0]),
        "sub_aggregations": [None, None],
    }
    return engine.Method(**(fields | changes))


def test_sub_pillars_then_pillars_then_the_index_worked_by_hand():
    data = np.array([[40.0, 80.0, 60.0, 20.0, 50.0], [100.0, 100.0, 100.0, 100.0, 100.0]])
    result = engine.nominal(data, None, levels())
    # iso = (1·40 + 3·80)/4 = 70; itu = 60; participation = (1·70 + 2·60 + 1·20)/4 = 52.5; index = (50 + 52.5)/2.
    assert result.subs[0].tolist() == [70.0, 60.0]
    assert result.pillars[0].tolist() == [50.0, 52.5]
    assert result.index[0] == pytest.approx(51.25)
    assert result.index[1] == pytest.approx(100.0)


def test_a_sub_pillar_keeps_its_own_aggregation():
    data = np.array([[40.0, 80.0, 60.0, 20.0, 50.0]])
    result = engine.nominal(data, None, levels(sub_aggregations=["geometric", None]))
    iso = 40**0.25 * 80**0.75  # exp((1·ln 40 + 3·ln 80)/4)
    assert result.subs[0, 0] == pytest.approx(iso)
    assert result.pillars[0, 1] == pytest.approx((iso + 2 * 60 + 20) / 4)


def test_a_sub_pillar_with_too_little_weight_present_drops_out_of_its_pillar():
    # b missing: iso holds 1/4 of its weight, under the pillar threshold of 0.5, so it has no score and the
    # participation pillar is (2·60 + 1·20)/3 over what is present.
    data = np.array([[40.0, NAN, 60.0, 20.0, 50.0], [10.0, 10.0, 10.0, 10.0, 10.0]])
    result = engine.nominal(data, None, levels(pillar_threshold=0.5))
    assert np.isnan(result.subs[0, 0])
    assert result.pillars[0, 1] == pytest.approx((2 * 60 + 20) / 3)


def test_the_uncertainty_varies_the_sub_pillar_weights_and_stays_reproducible():
    rng = np.random.default_rng(0)
    data = rng.uniform(1, 100, size=(30, 5))
    m = levels(weight_noise=0.5, alternatives={"aggregation": ["arithmetic", "geometric"]})
    first = engine.uncertainty(data, None, m, runs=60, rng=np.random.default_rng(4))
    again = engine.uncertainty(data, None, m, runs=60, rng=np.random.default_rng(4))
    assert np.array_equal(first["rank_median"], again["rank_median"])
    assert (first["rank_q05"] <= first["rank_q95"]).all()
    calls = []
    engine.uncertainty(data, None, m, runs=60, rng=np.random.default_rng(4), progress=lambda d, t: calls.append(d))
    assert calls == [50, 60]


def test_sub_pillars_and_the_benchmark_group_are_checked_field_by_field(gap):
    definition = DEFINITION | {
        "indicators": [
            {"code": "p-share", "sub_pillar": "iso"},
            {"code": "leadership", "sub_pillar": "nowhere"},
            {"code": "trained", "sub_pillar": "iso"},
        ],
        "sub_pillars": [{"code": "iso", "pillar": "participation"}, {"code": "empty", "pillar": "participation"}],
        "benchmark_group": {"kind": "countries", "countries": ["FRA", "XXX"]},
        "benchmark_min": 0,
    }
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.spec_validate(definition)
    errors = refused.value.message_dict
    assert set(errors) == {"sub_pillars", "benchmark_group", "benchmark_min"}
    text = " ".join(errors["sub_pillars"])
    assert "unknown sub-pillar “nowhere”" in text and "trained belongs to another disparity" in text
    assert "“empty” has no indicator" in text
    assert errors["benchmark_group"] == ["Unknown countries: XXX."]
    for group in ({"kind": "region", "region": "999"}, {"kind": "income", "groups": ["RICH"]}, {"kind": "best"}):
        with pytest.raises(ValidationError) as refused:
            services.spec_validate(DEFINITION | {"benchmark_group": group})
        assert set(refused.value.message_dict) == {"benchmark_group"}


def spec_with(gap, **changes):
    return services.spec_create(
        actor=None, programme=gap["programme"], title={"en": "Group"}, definition=DEFINITION | changes
    )


def scored(run):
    return {row["iso3"]: row for row in run.outputs["countries"] if row["scored"]}


def test_a_named_list_of_countries_is_the_benchmark_and_is_recorded(gap):
    group = {"kind": "countries", "countries": ["FRA", "DEU", "SEN"]}
    run = services.run_record(actor=None, spec=spec_with(gap, benchmark_group=group), as_of=AS_OF, seed=1, runs=10)
    bench = run.outputs["benchmark"]
    assert bench["group"] == group and bench["members"] == ["DEU", "FRA", "SEN"] and bench["countries"] == 3
    rows = scored(run)
    assert bench["index"] == pytest.approx(float(np.median([rows[c]["index"] for c in ("DEU", "FRA", "SEN")])))
    assert rows["KEN"]["gap"] == pytest.approx(bench["index"] - rows["KEN"]["index"], abs=1e-5)
    default = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=10)
    assert default.outputs["benchmark"]["group"] == {"kind": "non_developing", "rule": "dac-eligible"}
    assert "SEN" not in default.outputs["benchmark"]["members"] and "FRA" in default.outputs["benchmark"]["members"]
    assert default.input_hash != run.input_hash


def test_a_region_an_income_group_or_every_country(gap):
    europe = services.run_record(
        actor=None,
        spec=spec_with(gap, benchmark_group={"kind": "region", "region": "150"}),
        as_of=AS_OF,
        seed=1,
        runs=10,
    )
    assert {"FRA", "DEU"} <= set(europe.outputs["benchmark"]["members"])
    assert not {"SEN", "KEN", "JPN"} & set(europe.outputs["benchmark"]["members"])
    # The income groups as of the run (loaded here: the test reference data hold the DAC list only).
    vintage = Vintage.objects.first()
    for iso3, income in (("FRA", "HIC"), ("DEU", "HIC"), ("SEN", "LMC")):
        Classification.objects.create(
            country=Country.objects.get(iso3=iso3),
            scheme="income",
            value=income,
            valid_from=datetime.date(2020, 1, 1),
            vintage=vintage,
        )
    rich = services.run_record(
        actor=None,
        spec=spec_with(gap, benchmark_group={"kind": "income", "groups": ["HIC"]}, benchmark_min=2),
        as_of=AS_OF,
        seed=1,
        runs=10,
    )
    assert {"FRA", "DEU"} <= set(rich.outputs["benchmark"]["members"]) and "SEN" not in rich.outputs["benchmark"][
        "members"
    ]
    everyone = services.run_record(
        actor=None, spec=spec_with(gap, benchmark_group={"kind": "all"}), as_of=AS_OF, seed=1, runs=10
    )
    assert everyone.outputs["benchmark"]["countries"] == len(scored(everyone))


def test_an_empty_or_thin_benchmark_group_refuses_the_run_in_the_users_language(gap):
    empty = spec_with(gap, benchmark_group={"kind": "countries", "countries": ["ATA"]})
    with translation.override("fr"), pytest.raises(MethodRefused) as refused:
        services.run_record(actor=None, spec=empty, as_of=AS_OF, seed=1, runs=10)
    assert "groupe de référence" in refused.value.message and "ATA" in refused.value.message
    thin = spec_with(gap, benchmark_group={"kind": "countries", "countries": ["FRA", "DEU"]}, benchmark_min=3)
    with translation.override("en"), pytest.raises(MethodRefused) as refused:
        services.run_record(actor=None, spec=thin, as_of=AS_OF, seed=1, runs=10)
    assert "too little data: 2 countries with a score for the index, at least 3" in refused.value.message
    assert not services.IndexRun.objects.exists()


def test_the_p_share_counts_the_committees_of_the_body_it_names(gap):
    # Two ISO committees (fixture) and one ITU-T study group where KEBS (Kenya) is a P-member.
    group = Committee.objects.create(body="itu_t", kind="study_group", reference="ITU-T SG99", title={"en": "SG99"})
    CommitteeMembership.objects.create(committee=group, member=member("KEBS"), status="p")
    window = Window.ending(AS_OF, 365)
    kenya, france = member("KEBS").country_id, member("AFNOR").country_id
    iso = COMPUTED["p_share"].values(window, BODIES["iso"])
    itu = COMPUTED["p_share"].values(window, BODIES["itu_t"])
    # France: P in both ISO committees: 2/2, not 2/3 of every committee known.
    assert iso[france] == 100.0 and kenya not in iso
    assert itu == {kenya: 100.0}
    assert COMPUTED["p_share"].values(window, None)[france] == pytest.approx(200 / 3)
    # The programme (owned by ISO) reads ISO's committees for "p-share"; "p-share-itu" reads ITU-T's.
    spec = spec_with(gap, indicators=[*DEFINITION["indicators"], {"code": "p-share-itu"}])
    run = services.run_record(actor=None, spec=spec, as_of=AS_OF, seed=1, runs=10)
    rows = scored(run)
    assert rows["FRA"]["values"]["p-share"] == 100 and rows["KEN"]["values"]["p-share"] == 0
    assert rows["KEN"]["values"]["p-share-itu"] == 100 and rows["FRA"]["values"]["p-share-itu"] == 0
    profile = selectors.country_profile(run, "KEN", user=None)
    records = {line.indicator.code: line.records for line in profile.lines["participation"]}
    assert [str(r.committee.reference) for r in records["p-share-itu"]] == ["ITU-T SG99"]
    assert records["p-share"] == []


def test_an_indicator_of_the_owners_body_is_refused_for_an_owner_that_is_no_body(gap, users):
    other = Programme.objects.create(
        code="gap-other",
        owner=Organisation.objects.get(acronym="AFNOR"),
        title={"en": "Other"},
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )
    spec = services.spec_create(actor=None, programme=other, title={"en": "Other"}, definition=DEFINITION)
    with translation.override("en"), pytest.raises(MethodRefused) as refused:
        services.run_record(actor=None, spec=spec, as_of=AS_OF, seed=1, runs=10)
    assert "p-share counts the committees of the programme owner's body" in refused.value.message
    with pytest.raises(ValidationError) as invalid:
        services.indicator_save(
            actor=None, code="p-any", source="computed", computation="p_share", name={"en": "P any"}, body=""
        )
    assert set(invalid.value.message_dict) == {"body"}


def test_the_pages_show_sub_pillars_and_the_benchmark_group(client_as, gap):
    definition = DEFINITION | {
        "indicators": [
            {"code": "p-share", "weight": 2, "sub_pillar": "iso"},
            {"code": "leadership", "sub_pillar": "iso"},
            {"code": "meetings"},
            {"code": "trained"},
            {"code": "sponsored"},
            {"code": "fellowships"},
        ],
        "sub_pillars": [
            {"code": "iso", "pillar": "participation", "weight": 2, "name": {"en": "In ISO", "fr": "À l’ISO"}}
        ],
        "benchmark_group": {"kind": "region", "region": "150"},
    }
    spec = services.spec_create(actor=None, programme=gap["programme"], title={"en": "Sub"}, definition=definition)
    run = services.run_record(actor=None, spec=spec, as_of=AS_OF, seed=1, runs=10)
    france = scored(run)["FRA"]
    assert set(france["sub_pillars"]) == {"iso"}
    client = client_as(None)
    html = client.get(reverse("gap:country", kwargs={"code": "gap-test", "pk": run.pk, "iso3": "FRA"})).content.decode()
    assert "À l’ISO" in html and "Europe" in html
    spec_page = client.get(reverse("gap:spec_detail", kwargs={"code": "gap-test", "version": spec.version}))
    assert "À l’ISO" in spec_page.content.decode() and "Europe" in spec_page.content.decode()
