"""The twinning recommender on the real ISO data: a back-cast of its recall and the time to rank all pairs.

    .venv/bin/python -m bench.twinning [--hide 0.2] [--seeds 5] [--repeat 7]

Data, no database: the shipped ISO Open Data committee file (active committees: P- and O-members,
secretariats), the ISO members file (member -> country), the reference countries (UN M49 region and
sub-region; the OECD DAC list as the "developing country" rule), and the twinning app's CLDR languages and
regional groups. No leadership roles beyond secretariats are in the open data, so only the P-membership kind
is evaluated.

1. Back-cast: hide a random share (`--hide`) of the developing-country members' P-memberships (turn each into
   an O-membership, or remove it: both are reported), score every pair with jalon.twinning.recommend, rank each
   member's committees (committee_ranking: each suggested lead's score spread over its opportunity committees)
   and measure recall@10: the share of hidden (member, committee) pairs found in the member's top ten. Against:
   random (the expected recall of ten committees drawn at random among those the member is not P in, computed
   exactly), most-popular (the ten with most P-members) and, in the "to O" mode, observed-then-popular (the
   committees the member observes first, by popularity: what the O status alone tells). Mean and range over
   `--seeds` draws.
2. Real O-to-P moves (`history_backcast`), read from the database when it holds two ISO Open Data imports of
   different dates (`jalon import-iso-committees FILE --as-of DATE`, twice): the recommender ranks each
   developing member's committees from the participation in force at the first import's date, and recall@k
   is the share of the O-to-P moves (and, separately, of the moves plus joins as P) that the later imports
   recorded for those members, found in their top k; with the same baselines. With fewer than two imports it
   says so and reports nothing.
3. Time: the engine (every feature, both sides, harmonic mean, damping, filters, for all ordered pairs) plus
   the ranking of each member's leads, against a plain vectorised computation of the same features (the four
   feature matrices, no scaling, no combination, no filters). It checks the engine's raw features equal the
   plain ones.
"""

import argparse
import csv
import os
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
django.setup()

import numpy as np  # noqa: E402
from django.db import DatabaseError  # noqa: E402

from jalon.committees.models import ImportRun, ParticipationEvent  # noqa: E402
from jalon.results.models import Programme  # noqa: E402
from jalon.twinning import recommend  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "jalon"
COMMITTEES = ROOT / "reference" / "data" / "iso_technical_committees.csv"
MEMBERS = ROOT / "organisations" / "data" / "iso_members.csv"
COUNTRIES = ROOT / "reference" / "data" / "countries_master.csv"
LANGUAGES = ROOT / "twinning" / "data" / "cldr_official_languages.csv"
GROUPS = ROOT / "twinning" / "data" / "regional_groups.csv"


def _ids(value: str) -> list[int]:
    inner = value.strip()[1:-1] if value.strip().startswith("[") else value
    return [int(item) for item in inner.split(",") if item.strip()]


def load() -> tuple[recommend.Universe, list[str]]:
    with open(COUNTRIES, encoding="utf-8") as handle:
        countries = {row["iso2"]: row for row in csv.DictReader(handle)}
    with open(MEMBERS, encoding="utf-8") as handle:
        members = [row for row in csv.DictReader(handle) if row["country_iso2"] in countries]
    index = {int(row["iso_member_id"]): i for i, row in enumerate(members)}
    with open(COMMITTEES, encoding="utf-8-sig") as handle:
        committees = [row for row in csv.DictReader(handle) if row["status"].lower() == "active"]
    n, m = len(members), len(committees)
    p, o, sec = np.zeros((n, m), bool), np.zeros((n, m), bool), np.zeros((n, m), bool)
    for j, row in enumerate(committees):
        for member_id in _ids(row["pMembers.id"]):
            if member_id in index:
                p[index[member_id], j] = True
        for member_id in _ids(row["oMembers.id"]):
            if member_id in index:
                o[index[member_id], j] = True
        if row["secretariat.id"].strip().isdigit() and int(row["secretariat.id"]) in index:
            sec[index[int(row["secretariat.id"])], j] = True
    iso3 = [countries[row["country_iso2"]]["iso3"] for row in members]
    shares: dict[str, dict[str, float]] = {}
    with open(LANGUAGES, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by = shares.setdefault(row["iso3"], {})
            by[row["language"]] = max(by.get(row["language"], 0.0), min(float(row["population_percent"]) / 100, 1.0))
    codes = sorted({code for c in iso3 for code in shares.get(c, {})})
    languages = np.zeros((n, len(codes)))
    for i, c in enumerate(iso3):
        for code, share in shares.get(c, {}).items():
            languages[i, codes.index(code)] = share
    groups_of: dict[str, set[str]] = {}
    with open(GROUPS, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            groups_of.setdefault(row["iso3"], set()).add(row["group"])
    group_codes = sorted({g for c in iso3 for g in groups_of.get(c, ())})
    groups = np.array([[g in groups_of.get(c, ()) for g in group_codes] for c in iso3], dtype=bool).reshape(
        n, len(group_codes)
    )

    def code(row, name):
        return int(row[name]) if row[name].strip().isdigit() else -1

    universe = recommend.Universe(
        member_ids=np.array([int(row["iso_member_id"]) for row in members]),
        committee_ids=np.array([int(row["id"]) for row in committees]),
        p=p,
        o=o,
        secretariat=sec,
        chair=np.zeros((n, m), bool),
        convenor=np.zeros((n, m), bool),
        languages=languages,
        groups=groups,
        sub_region=np.array([code(countries[row["country_iso2"]], "sub_region_code") for row in members]),
        region=np.array([code(countries[row["country_iso2"]], "region_code") for row in members]),
        developing=np.array([countries[row["country_iso2"]]["oecd_dac_eligible"] == "True" for row in members]),
        load=np.zeros(n),
    )
    return universe, [row["acronym"] for row in members]


def hide(u: recommend.Universe, share: float, to_o: bool, rng) -> tuple[recommend.Universe, np.ndarray]:
    """A copy with `share` of the developing members' P-memberships hidden; the hidden (n, m) mask."""
    candidates = np.argwhere(u.p & u.developing[:, None])
    chosen = candidates[rng.uniform(size=len(candidates)) < share]
    hidden = np.zeros_like(u.p)
    hidden[chosen[:, 0], chosen[:, 1]] = True
    p = u.p & ~hidden
    o = (u.o | hidden) if to_o else u.o
    # A hidden secretariat stays: the secretariat is public and leads must hold it; hiding it too would change
    # the lead side, not the twinned member's revealed participation.
    return recommend.Universe(**{**u.__dict__, "p": p, "o": o}), hidden


def recall_at(scores: np.ndarray, eligible: np.ndarray, hidden: np.ndarray, k: int = 10) -> float:
    masked = np.where(eligible, scores, -np.inf)
    top = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    hits = np.take_along_axis(hidden, top, axis=1) & np.take_along_axis(eligible, top, axis=1)
    return float(hits.sum() / hidden.sum())


def random_recall(eligible: np.ndarray, hidden: np.ndarray, k: int = 10) -> float:
    """Expected recall of k committees drawn uniformly among the eligible ones: each hidden pair is drawn with
    probability min(k, eligible) / eligible."""
    counts = eligible.sum(axis=1)
    probability = np.where(counts > 0, np.minimum(k, counts) / np.maximum(counts, 1), 0.0)
    return float((hidden.sum(axis=1) * probability).sum() / hidden.sum())


def backcast(u: recommend.Universe, share: float, seeds: int) -> dict:
    out: dict[str, dict[str, list[float]]] = {}
    for mode in ("to_o", "absent"):
        rows = out.setdefault(mode, {})
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            hidden_u, hidden = hide(u, share, mode == "to_o", rng)
            s = recommend.score(hidden_u)
            ranking = recommend.committee_ranking(hidden_u, s)
            eligible = ~hidden_u.p & hidden_u.developing[:, None]
            popularity = np.broadcast_to(hidden_u.p_count.astype(float), hidden_u.p.shape)
            rows.setdefault("recommender", []).append(recall_at(ranking, eligible, hidden))
            rows.setdefault("random", []).append(random_recall(eligible, hidden))
            rows.setdefault("most popular", []).append(recall_at(popularity, eligible, hidden))
            if mode == "to_o":
                observed_first = popularity + hidden_u.o * 1e6
                rows.setdefault("observed, then popular", []).append(recall_at(observed_first, eligible, hidden))
            rows.setdefault("hidden pairs", []).append(float(hidden.sum()))
    return out


def history_backcast(k: int = 10) -> dict | None:
    """The back-cast on the real moves between the first and the last ISO Open Data import in the database;
    None when fewer than two import dates exist."""
    from jalon.twinning.selectors import recommender_universe

    dates = sorted(set(ImportRun.objects.filter(source=ImportRun.Source.ISO_OPEN_DATA).values_list("as_of", flat=True)))
    if len(dates) < 2:
        return None
    base, last = dates[0], dates[-1]
    # An unsaved programme: the default developing-country rule (the DAC list), no settings, default weights.
    loaded = recommender_universe(programme=Programme(), on=base)
    u = loaded.universe
    column = {int(pk): j for j, pk in enumerate(u.committee_ids)}
    moves = ParticipationEvent.objects.filter(
        kind__in=(ParticipationEvent.Kind.MOVED_O_TO_P, ParticipationEvent.Kind.JOINED_P),
        date__gt=base,
        date__lte=last,
        import_run__source=ImportRun.Source.ISO_OPEN_DATA,
    ).values_list("organisation_id", "committee_id", "kind")
    hidden = {kind: np.zeros_like(u.p) for kind in ("o_to_p", "any")}
    for organisation_id, committee_id, kind in moves:
        i, j = loaded.index.get(organisation_id), column.get(committee_id)
        if i is None or j is None or not u.developing[i] or u.p[i, j]:
            continue
        hidden["any"][i, j] = True
        if kind == ParticipationEvent.Kind.MOVED_O_TO_P:
            hidden["o_to_p"][i, j] = True
    s = recommend.score(u)
    ranking = recommend.committee_ranking(u, s)
    eligible = ~u.p & u.developing[:, None]
    popularity = np.broadcast_to(u.p_count.astype(float), u.p.shape)
    rows: dict[str, dict[str, float]] = {}
    for name, mask in hidden.items():
        if not mask.any():
            rows[name] = {"moves": 0.0}
            continue
        rows[name] = {
            "moves": float(mask.sum()),
            "recommender": recall_at(ranking, eligible, mask, k),
            "random": random_recall(eligible, mask, k),
            "most popular": recall_at(popularity, eligible, mask, k),
            "observed, then popular": recall_at(popularity + u.o * 1e6, eligible, mask, k),
        }
    runs = list(ImportRun.objects.filter(source=ImportRun.Source.ISO_OPEN_DATA).order_by("as_of", "pk"))
    return {"from": base, "to": last, "k": k, "runs": [(r.as_of, r.file_name, r.sha256[:12]) for r in runs], **rows}


def print_history_backcast() -> None:
    try:
        found = history_backcast()
    except DatabaseError as exc:
        print(f"\nReal O-to-P back-cast: no usable database ({exc.__class__.__name__}); run it after `jalon migrate`.")
        return
    if found is None:
        print("\nReal O-to-P back-cast: the database holds fewer than two ISO Open Data imports of different dates.")
        return
    print(f"\nReal moves between the imports of {found['from']} and {found['to']}: recall@{found['k']}")
    for as_of, name, sha in found["runs"]:
        print(f"  import {as_of} {name} sha256 {sha}")
    for name in ("o_to_p", "any"):
        rows = found[name]
        label = "O-to-P moves" if name == "o_to_p" else "O-to-P moves and joins as P"
        print(f"  {label} of developing members: {rows.pop('moves'):.0f}")
        for method, value in rows.items():
            print(f"    {method:<24} {value:.3f}")


def plain_features(u: recommend.Universe) -> tuple[np.ndarray, ...]:
    """The same four feature matrices, written out plainly."""
    need = (u.p | u.secretariat).astype(float)
    not_p = (~u.p).astype(float)
    interest = not_p * (1.0 + u.o)
    opportunity = need @ interest.T
    lead = (need * (1.0 + u.secretariat) / (1.0 + u.p.sum(0))) @ interest.T
    language = np.minimum(u.languages[:, None, :], u.languages[None, :, :]).max(axis=2)
    g = u.groups.astype(float)
    region = np.maximum.reduce(
        [
            ((g @ g.T) > 0) * 1.0,
            ((u.sub_region[:, None] == u.sub_region[None, :]) & (u.sub_region[:, None] >= 0)) * 0.5,
            ((u.region[:, None] == u.region[None, :]) & (u.region[:, None] >= 0)) * 0.25,
        ]
    )
    return opportunity, lead, language, region


def rank_all(u: recommend.Universe) -> np.ndarray:
    s = recommend.score(u)
    return np.argsort(-s.score, axis=0, kind="stable")  # each twinned member's leads, best first


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hide", type=float, default=0.2)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    u, _names = load()
    n, m = u.p.shape
    print(
        f"{n} ISO members ({int(u.developing.sum())} developing by the DAC list), {m} active committees, "
        f"{n * (n - 1)} ordered pairs; {int(u.p.sum())} P- and {int(u.o.sum())} O-memberships"
    )
    s = recommend.score(u)
    opportunity, _lead, language, region = plain_features(u)
    assert np.allclose(s.opportunity, opportunity) and np.allclose(s.language, language)
    assert np.allclose(s.region, region), "features differ"

    print(f"\nBack-cast, {args.hide:.0%} of developing members' P-memberships hidden, {args.seeds} draws: recall@10")
    for mode, rows in backcast(u, args.hide, args.seeds).items():
        hidden = statistics.mean(rows.pop("hidden pairs"))
        print(f"  hidden -> {'O-membership' if mode == 'to_o' else 'absent'} ({hidden:.0f} hidden pairs per draw)")
        for name, values in rows.items():
            print(f"    {name:<24} {statistics.mean(values):.3f}  [{min(values):.3f}-{max(values):.3f}]")

    print_history_backcast()

    engine = timed(lambda: rank_all(u), args.repeat)
    plain = timed(lambda: plain_features(u), args.repeat)
    print(
        f"\nRanking all pairs (engine + ranking): median {statistics.median(engine) * 1000:.1f} ms "
        f"(min {min(engine) * 1000:.1f}); plain features: median {statistics.median(plain) * 1000:.1f} ms "
        f"(min {min(plain) * 1000:.1f}); ratio {statistics.median(engine) / statistics.median(plain):.2f}"
    )


if __name__ == "__main__":
    main()
