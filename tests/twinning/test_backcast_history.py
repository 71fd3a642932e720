"""The bench's back-cast on real O-to-P moves, read from the committee history once two ISO Open Data imports
of different dates exist: two small snapshots cut from the shipped file, the later one with moves."""

import datetime

import numpy as np
import pytest

from bench import twinning as bench
from jalon.committees.demo import csv_with_changes
from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import Committee, ParticipationEvent
from jalon.organisations.models import Organisation
from jalon.results.models import Programme
from jalon.twinning import recommend
from jalon.twinning.selectors import recommender_universe
from tests.committees.conftest import read_rows, write_rows

pytestmark = pytest.mark.django_db

SMALL_DEVELOPED = ("ISL", "LUX", "MLT", "CYP", "IRL", "NZL", "PRT", "EST")
FIRST, LATER = datetime.date(2026, 5, 1), datetime.date(2026, 11, 1)


def _ids(value: str) -> set[str]:
    return {item.strip() for item in value.strip().strip("[]").split(",") if item.strip()}


@pytest.fixture
def snapshots(tmp_path, nsb):
    """Eight active committees where ASN (Senegal, developing) is an O-member; the later snapshot moves ASN
    from O to P on two of them and has a developed member join one as P."""
    asn = str(nsb.iso_member_id)
    rows = [
        row for row in read_rows(ISO_COMMITTEES_FILE) if row["status"] == "Active" and asn in _ids(row["oMembers.id"])
    ][:8]
    assert len(rows) == 8
    first = tmp_path / "first.csv"
    write_rows(first, rows)
    # A developed member absent from one of them (the big ones sit on all eight).
    developed, absent = next(
        (member, row["reference"])
        for member in Organisation.objects.filter(
            country__iso3__in=SMALL_DEVELOPED, iso_member_id__isnull=False
        ).order_by("acronym")
        for row in rows
        if str(member.iso_member_id) not in _ids(row["pMembers.id"]) | _ids(row["oMembers.id"])
    )
    moves = [(rows[n]["reference"], nsb.iso_member_id, nsb.acronym, "p") for n in (0, 5)]
    moves.append((absent, developed.iso_member_id, developed.acronym, "p"))  # it joins as P: not a developing country
    later = csv_with_changes(source=first, target=tmp_path / "later.csv", moves=moves)
    return first, later, rows


def test_with_one_import_the_real_back_cast_reports_nothing(snapshots):
    first, _later, _rows = snapshots
    iso_committees_import(path=first, as_of=FIRST)
    assert bench.history_backcast() is None


def test_two_imports_give_the_back_cast_on_the_developing_members_real_moves(snapshots, nsb):
    first, later, rows = snapshots
    iso_committees_import(path=first, as_of=FIRST)
    iso_committees_import(path=later, as_of=LATER)
    found = bench.history_backcast(k=3)
    assert (found["from"], found["to"], found["k"]) == (FIRST, LATER, 3)
    assert [(as_of, name) for as_of, name, _sha in found["runs"]] == [(FIRST, "first.csv"), (LATER, "later.csv")]
    # ASN's two moves count; the developed member's join does not (not developing by the DAC list).
    assert ParticipationEvent.objects.filter(kind="joined_p").exclude(organisation=nsb).count() == 1
    for kind in ("o_to_p", "any"):
        result = found[kind]
        assert result["moves"] == 2
        # ASN observed all eight committees and was P on none: the random baseline draws 3 of 8.
        assert result["random"] == pytest.approx(3 / 8)
        for method in ("recommender", "most popular", "observed, then popular"):
            assert result[method] in (0.0, 0.5, 1.0)


def test_the_recommender_figure_is_its_committee_ranking_at_the_first_date(snapshots, nsb):
    first, later, rows = snapshots
    iso_committees_import(path=first, as_of=FIRST)
    iso_committees_import(path=later, as_of=LATER)
    loaded = recommender_universe(programme=Programme(), on=FIRST)
    u = loaded.universe
    ranking = recommend.committee_ranking(u, recommend.score(u))
    i = loaded.index[nsb.pk]
    columns = {int(pk): j for j, pk in enumerate(u.committee_ids)}
    moved = {columns[Committee.objects.get(reference=rows[n]["reference"]).pk] for n in (0, 5)}
    top = set(np.argsort(-np.where(~u.p[i], ranking[i], -np.inf), kind="stable")[:3].tolist())
    assert bench.history_backcast(k=3)["o_to_p"]["recommender"] == pytest.approx(len(moved & top) / 2)
