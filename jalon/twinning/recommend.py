"""The partner recommender's engine: two-sided, explained, vectorised with numpy, no database.

For every (lead L, twinned T) pair of members and one kind of twinning:
- the opportunity committees: those where L holds what the kind needs (P-membership or the secretariat for
  P-membership twinning; the secretariat, chair or convenor role for the leadership kinds) and T could gain
  (not already P for P-membership twinning; a member not already holding the role for the leadership kinds)
  and no arrangement of this kind is open for T there;
- T's interest f: the opportunity committees weighted by T's national priorities (optional, per committee;
  1 when unknown) with a bonus β for those T already observes (revealed interest), scaled so that T's best
  lead scores 1;
- L's interest g: the opportunity committees L sits on or runs (running counts double), each worth more where
  P-members are few (1 / (1 + P-members)) and where T already observes (the same bonus β: likelier to become
  P), scaled so that L's best twinned member scores 1;
- a shared language: max over languages of min(share in L, share in T) (CLDR official and de facto languages
  with their population shares);
- the region: 1 for a shared regional standards organisation or economic community, 0.5 for the same UN M49
  sub-region, 0.25 for the same region, 0 otherwise;
- optional trade links, when a bilateral trade file is loaded (twinning.trade): the goods the two countries
  trade, scaled on the twinned side by T's largest trade with any member (how much L matters to T) and on the
  lead side by L's largest (how much T matters to L);
- each side's score is the weighted mean of its features (weights are programme settings); the pair's score
  is their harmonic mean (both sides must gain), damped by the lead's load: 1 / (1 + open arrangements / κ).
Hard filters (never scored): T is a developing-country member, L ≠ T, at least one opportunity committee."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

P_MEMBER, CONVENOR, CHAIR, SECRETARIAT = "p_member", "convenor", "chair", "secretariat"
KINDS = (P_MEMBER, CONVENOR, CHAIR, SECRETARIAT)


@dataclass
class Universe:
    """Who sits where, as arrays: rows are members, columns committees (booleans unless said)."""

    member_ids: np.ndarray  # (n,) organisation ids
    committee_ids: np.ndarray  # (m,) committee ids
    p: np.ndarray  # (n, m) P-member
    o: np.ndarray  # (n, m) O-member
    secretariat: np.ndarray  # (n, m) holds the secretariat
    chair: np.ndarray  # (n, m) holds the chair
    convenor: np.ndarray  # (n, m) holds a convenor role
    languages: np.ndarray  # (n, k) population share (0-1) of official and de facto languages
    groups: np.ndarray  # (n, g) member of a regional group
    sub_region: np.ndarray  # (n,) M49 sub-region id, -1 unknown
    region: np.ndarray  # (n,) M49 region id, -1 unknown
    developing: np.ndarray  # (n,) developing country under the programme's rule
    load: np.ndarray  # (n,) open arrangements the member leads
    blocked: dict = field(default_factory=dict)  # kind -> (n, m): an arrangement of this kind is open for T on c
    language_codes: tuple = ()
    group_codes: tuple = ()

    @property
    def p_count(self) -> np.ndarray:
        return self.p.sum(axis=0)


@dataclass(frozen=True)
class Weights:
    twinned_committees: float = 1.0
    twinned_language: float = 1.0
    twinned_region: float = 1.0
    twinned_trade: float = 1.0
    lead_interest: float = 1.0
    lead_language: float = 1.0
    lead_region: float = 1.0
    lead_trade: float = 1.0
    observer_bonus: float = 1.0
    load_damping: float = 3.0


@dataclass
class Scores:
    """Matrices (leads x twinned) and what explains them."""

    kind: str
    need: np.ndarray  # (n, m) lead holds what the kind needs
    eligible: np.ndarray  # (n, m) twinned could gain on c
    interest: np.ndarray  # (n, m) T's weight for c (priority x observer bonus), zero where not eligible
    opportunity: np.ndarray  # (n, n) raw T-side sum over opportunity committees
    f: np.ndarray
    g: np.ndarray
    language: np.ndarray
    region: np.ndarray
    twinned_side: np.ndarray
    lead_side: np.ndarray
    reciprocal: np.ndarray
    capacity: np.ndarray  # (n,)
    score: np.ndarray  # final, zero where filtered out
    allowed: np.ndarray  # (n, n) the hard filters
    trade_used: bool = False
    trade_twinned: np.ndarray | None = None  # (n, n) trade scaled per twinned member, when trade is used


def lead_needs(u: Universe, kind: str) -> np.ndarray:
    if kind == P_MEMBER:
        return u.p | u.secretariat
    if kind == SECRETARIAT:
        return u.secretariat
    if kind == CHAIR:
        return u.chair
    if kind == CONVENOR:
        return u.convenor
    raise ValueError(kind)


def twinned_eligible(u: Universe, kind: str) -> np.ndarray:
    blocked = u.blocked.get(kind)
    eligible = ~u.p if kind == P_MEMBER else (u.p | u.o) & ~lead_needs(u, kind)
    if blocked is not None:
        eligible = eligible & ~blocked
    return eligible


def priority_matrix(u: Universe, priorities: Mapping[int, Mapping[int, float]] | None) -> np.ndarray:
    """T's weight per committee from its national priorities ({member id: {committee id: weight}}); 1 where
    a member has none. Weights from the assessments app (national standardization strategies) come here."""
    weights = np.ones(u.p.shape)
    if not priorities:
        return weights
    member_index = {int(pk): i for i, pk in enumerate(u.member_ids)}
    committee_index = {int(pk): j for j, pk in enumerate(u.committee_ids)}
    for member_id, by_committee in priorities.items():
        i = member_index.get(int(member_id))
        if i is None or not by_committee:
            continue
        # A member with a strategy: committees it does not name weigh nothing.
        weights[i, :] = 0.0
        for committee_id, weight in by_committee.items():
            j = committee_index.get(int(committee_id))
            if j is not None:
                weights[i, j] = max(float(weight), 0.0)
    return weights


def _scaled(matrix: np.ndarray, axis: int) -> np.ndarray:
    top = matrix.max(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top > 0, matrix / np.where(top > 0, top, 1.0), 0.0)


def language_matrix(languages: np.ndarray) -> np.ndarray:
    """max over languages of min(share in L, share in T), for every pair."""
    if languages.shape[1] == 0:
        return np.zeros((languages.shape[0], languages.shape[0]))
    return np.minimum(languages[:, None, :], languages[None, :, :]).max(axis=2)


def region_matrix(u: Universe) -> np.ndarray:
    groups = u.groups.astype(np.float64)
    shared_group = (groups @ groups.T) > 0
    same_sub = (u.sub_region[:, None] == u.sub_region[None, :]) & (u.sub_region[:, None] >= 0)
    same_region = (u.region[:, None] == u.region[None, :]) & (u.region[:, None] >= 0)
    return np.maximum.reduce([shared_group * 1.0, same_sub * 0.5, same_region * 0.25])


def _mean(parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    total = sum(weight for weight, _matrix in parts)
    if total <= 0:
        return np.zeros_like(parts[0][1])
    return np.asarray(sum(weight * matrix for weight, matrix in parts) / total)


def score(
    u: Universe,
    *,
    kind: str = P_MEMBER,
    weights: Weights | None = None,
    priorities: Mapping[int, Mapping[int, float]] | None = None,
    trade: np.ndarray | None = None,
) -> Scores:
    """Score every (lead, twinned) pair for one kind. `priorities`: optional per-member committee weights
    (national priorities); `trade`: an optional (n, n) matrix of the trade between each two members' countries
    (any unit, symmetric or not: row lead, column twinned), scaled here for each side."""
    w = weights or Weights()
    need = lead_needs(u, kind)
    eligible = twinned_eligible(u, kind)
    revealed = u.o if kind == P_MEMBER else u.p
    interest = eligible * priority_matrix(u, priorities) * (1.0 + w.observer_bonus * revealed)
    need_f = need.astype(np.float64)
    opportunity = need_f @ interest.T  # (L, T)
    f = _scaled(opportunity, axis=0)
    thin = 1.0 / (1.0 + u.p_count)
    lead_value = need_f * (1.0 + u.secretariat) * thin[None, :]
    g = _scaled(lead_value @ (eligible * (1.0 + w.observer_bonus * revealed)).T, axis=1)
    language = language_matrix(u.languages)
    region = region_matrix(u)
    t_parts = [(w.twinned_committees, f), (w.twinned_language, language), (w.twinned_region, region)]
    l_parts = [(w.lead_interest, g), (w.lead_language, language), (w.lead_region, region)]
    trade_used = trade is not None and (w.twinned_trade > 0 or w.lead_trade > 0)
    trade_twinned = None
    if trade is not None and trade_used:
        trade_twinned = _scaled(trade, axis=0)
        t_parts.append((w.twinned_trade, trade_twinned))
        l_parts.append((w.lead_trade, _scaled(trade, axis=1)))
    twinned_side, lead_side = _mean(t_parts), _mean(l_parts)
    total = twinned_side + lead_side
    with np.errstate(divide="ignore", invalid="ignore"):
        reciprocal = np.where(
            (twinned_side > 0) & (lead_side > 0), 2.0 * twinned_side * lead_side / np.where(total > 0, total, 1.0), 0.0
        )
    capacity = 1.0 / (1.0 + u.load / max(w.load_damping, 1e-9))
    n = len(u.member_ids)
    allowed = (opportunity > 0) & u.developing[None, :] & ~np.eye(n, dtype=bool)
    final = np.where(allowed, reciprocal * capacity[:, None], 0.0)
    return Scores(
        kind=kind,
        need=need,
        eligible=eligible,
        interest=interest,
        opportunity=opportunity,
        f=f,
        g=g,
        language=language,
        region=region,
        twinned_side=twinned_side,
        lead_side=lead_side,
        reciprocal=reciprocal,
        capacity=capacity,
        score=final,
        allowed=allowed,
        trade_used=trade_used,
        trade_twinned=trade_twinned,
    )


def best_committees(u: Universe, s: Scores, lead: int, twinned: int, top: int = 3) -> list[int]:
    """Column indices of the pair's best opportunity committees: T's interest first, then fewest P-members."""
    contribution = s.need[lead] * s.interest[twinned]
    candidates = np.flatnonzero(contribution > 0)
    order = np.lexsort((u.p_count[candidates], -contribution[candidates]))
    return [int(j) for j in candidates[order][:top]]


def committee_ranking(u: Universe, s: Scores) -> np.ndarray:
    """(n, m): for each twinned member, each committee's share of its suggested leads' scores (each lead's
    score spread over its opportunity committees by their weight). Used by the back-cast evaluation."""
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(s.opportunity > 0, s.score / np.where(s.opportunity > 0, s.opportunity, 1.0), 0.0)
    return s.interest * (per_unit.T @ s.need.astype(np.float64))
