"""The partner recommender: the engine on small arrays (exact scores, filters, damping, priorities), and the
explained suggestions read from the database."""

import numpy as np
import pytest

from jalon.twinning import recommend, selectors
from jalon.twinning.recommend import Universe, Weights
from tests.twinning.conftest import make_active

# Members: 0 = big lead (P on all, secretariat of c0), 1 = small lead (P on c1), 2 = developing twinned (O on c0),
# 3 = developed non-twinnable.
P = np.array(
    [
        [1, 1, 1],
        [0, 1, 0],
        [0, 0, 0],
        [1, 0, 0],
    ],
    dtype=bool,
)
O = np.array([[0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)  # noqa: E741


def universe(**changes) -> Universe:
    n, m = P.shape
    values = {
        "member_ids": np.arange(10, 10 + n),
        "committee_ids": np.arange(100, 100 + m),
        "p": P.copy(),
        "o": O.copy(),
        "secretariat": np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]], dtype=bool),
        "chair": np.zeros((n, m), bool),
        "convenor": np.zeros((n, m), bool),
        "languages": np.array([[1.0, 0.0], [0.0, 1.0], [0.3, 0.8], [1.0, 0.0]]),
        "groups": np.zeros((n, 0), bool),
        "sub_region": np.array([1, 2, 2, 1]),
        "region": np.array([1, 2, 2, 1]),
        "developing": np.array([False, False, True, False]),
        "load": np.zeros(n),
    }
    values.update(changes)
    return Universe(**values)


def test_only_developing_members_are_twinned_never_themselves_and_only_with_an_opportunity():
    s = recommend.score(universe())
    assert s.allowed[:, [0, 1, 3]].sum() == 0  # no developed member is twinned
    assert not s.allowed[2, 2]
    assert s.allowed[0, 2] and s.allowed[1, 2] and s.allowed[3, 2]
    # With every committee already P, the twinned member has nothing to gain: no suggestion.
    full = recommend.score(universe(p=P | np.array([[0, 0, 0]] * 2 + [[1, 1, 1]] + [[0, 0, 0]], dtype=bool)))
    assert full.score[:, 2].sum() == 0


def test_the_score_is_the_harmonic_mean_of_the_two_sides_with_exact_features():
    s = recommend.score(universe())
    # Twinned side for lead 0: f = (c0 observed: 1+β=2) + c1 + c2 = 4 -> scaled to 1 (the best lead);
    # lead 1: c1 only = 1 -> 0.25; lead 3: c0 = 2 -> 0.5.
    assert s.f[[0, 1, 3], 2] == pytest.approx([1.0, 0.25, 0.5])
    # Language: member 2 has 0.3 of language 0 (lead 0, 3) and 0.8 of language 1 (lead 1).
    assert s.language[[0, 1, 3], 2] == pytest.approx([0.3, 0.8, 0.3])
    # Region: lead 1 shares member 2's sub-region (0.5); leads 0 and 3 share nothing.
    assert s.region[[0, 1, 3], 2] == pytest.approx([0.0, 0.5, 0.0])
    t, lead = s.twinned_side[0, 2], s.lead_side[0, 2]
    assert t == pytest.approx((1.0 + 0.3 + 0.0) / 3)
    assert s.score[0, 2] == pytest.approx(2 * t * lead / (t + lead))


def test_a_lead_with_many_arrangements_is_damped_so_others_can_top_the_list():
    plain = recommend.score(universe())
    top = int(np.argmax(plain.score[:, 2]))
    load = np.zeros(4)
    load[top] = 9.0
    loaded = recommend.score(universe(load=load))
    assert loaded.score[top, 2] == pytest.approx(plain.score[top, 2] / (1 + 9 / 3))
    assert np.argmax(loaded.score[:, 2]) != top


def test_priorities_weight_the_twinned_side_and_an_unnamed_committee_weighs_nothing():
    # Member 12 (row 2) names only committee 101 (c1) as a priority.
    s = recommend.score(universe(), priorities={12: {101: 1.0}})
    assert s.f[[0, 1, 3], 2] == pytest.approx([1.0, 1.0, 0.0])
    assert not s.allowed[3, 2]  # lead 3's only opportunity (c0) is not a priority


def test_the_weights_are_settings_and_a_zero_weight_drops_a_feature():
    s = recommend.score(universe(), weights=Weights(twinned_language=0, lead_language=0))
    assert s.twinned_side[0, 2] == pytest.approx((1.0 + 0.0) / 2)


def test_the_kind_sets_what_the_lead_must_hold():
    s = recommend.score(universe(), kind=recommend.SECRETARIAT)
    # Only lead 0 holds a secretariat (c0), where member 2 is only an O-member (eligible for a leadership role).
    assert list(np.flatnonzero(s.score[:, 2])) == [0]
    assert recommend.best_committees(universe(), s, 0, 2) == [0]


def test_an_open_arrangement_blocks_its_committee():
    blocked = {recommend.P_MEMBER: np.array([[0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=bool)}
    s = recommend.score(universe(blocked=blocked))
    assert not s.allowed[1, 2]  # lead 1's only opportunity (c1) is taken


@pytest.mark.django_db
def test_suggestions_for_a_twinned_member_are_explained_from_the_database(world, users):
    suggestions, loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    leads = [s.lead.acronym for s in suggestions]
    assert set(leads) == {"AFNOR", "DIN"}
    din = suggestions[leads.index("DIN")]
    assert [(c.reference, c.p_members, c.twinned_status, c.lead_runs) for c in din.committees] == [
        ("ISO/TC 34", 2, "o", True)
    ]
    afnor = suggestions[leads.index("AFNOR")]
    assert afnor.language.lower().startswith("fr") and afnor.language_share == pytest.approx(0.26)
    assert [c.reference for c in afnor.committees] == ["ISO/TC 34", "ISO/TC 176"]
    # The other way round: the members AFNOR could help, ASN among them; never a developed member.
    helped, _loaded = selectors.recommendations(
        programme=world.programme, member=world.afnor, side="lead", limit=200, user=users["manager"]
    )
    by_member = {s.twinned.acronym: s for s in helped}
    # ASN observes a committee AFNOR sits on: AFNOR's side values it most; CEN members (North Macedonia...) share
    # AFNOR's regional organisation, which lifts them on both sides.
    assert scores_g(world, "ASN") == pytest.approx(1.0)
    assert by_member["ISRSM"].region == "CEN and CENELEC national members"
    developed = {"AFNOR", "DIN", "BSI", "ANSI", "SIS", "JISC"}
    assert not developed & {s.twinned.acronym for s in helped}
    # Once AFNOR carries an arrangement, its score is damped.
    make_active(world, users["manager"], committee=world.tc176)
    again, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    damped = next(s for s in again if s.lead.acronym == "AFNOR")
    assert damped.load == 1 and damped.score < afnor.score
    assert [c.reference for c in damped.committees] == ["ISO/TC 34"]  # TC 176 is taken now


def scores_g(world, acronym):
    loaded = selectors.recommender_universe(programme=world.programme)
    s = recommend.score(loaded.universe)
    lead = loaded.index[world.afnor.pk]
    member = next(i for i, m in enumerate(loaded.members) if m.acronym == acronym)
    return s.g[lead, member]


@pytest.mark.django_db
def test_the_twinned_members_national_priorities_change_the_ranking(world, users):
    from jalon.assessments.models import NationalStrategy, PrioritySector

    before, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert {s.lead.acronym for s in before} == {"AFNOR", "DIN"}
    # ASN's adopted strategy names quality management (ISO/TC 176) only: DIN, whose one opportunity is TC 34,
    # drops out, and AFNOR's reasons keep TC 176 alone.
    strategy = NationalStrategy.objects.create(
        organisation=world.asn, title={"en": "Strategy"}, period_start=2024, period_end=2028, status="adopted"
    )
    sector = PrioritySector.objects.create(strategy=strategy, name={"en": "Quality"}, economic=5, social=5)
    sector.committees.add(world.tc176)
    after, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert [s.lead.acronym for s in after] == ["AFNOR"]
    assert [c.reference for c in after[0].committees] == ["ISO/TC 176"]
    # A later draft strategy does not replace the adopted one.
    draft = NationalStrategy.objects.create(
        organisation=world.asn, title={"en": "Draft"}, period_start=2029, period_end=2033
    )
    PrioritySector.objects.create(strategy=draft, name={"en": "Food"}, economic=5).committees.add(world.tc34)
    again, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert [s.lead.acronym for s in again] == ["AFNOR"]
    # The lead's view weighs every twinned member by its own priorities: ASN is offered TC 176 only.
    helped, _loaded = selectors.recommendations(
        programme=world.programme, member=world.afnor, side="lead", limit=200, user=users["manager"]
    )
    asn = next(s for s in helped if s.twinned.acronym == "ASN")
    assert [c.reference for c in asn.committees] == ["ISO/TC 176"]
