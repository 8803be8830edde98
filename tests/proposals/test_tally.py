"""The tally against the law's boundaries, and against a deliberately naive second count."""
import json
from collections import defaultdict
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.proposals.tally import (
    DEVELOPER,
    TallyError,
    owners_from_units,
    parse_area,
    tally_council,
    tally_owners,
)
from app.proposals.tally_file import compute_document

pytestmark = pytest.mark.both_databases


def owners(*specs):
    """specs: (owner, area-text) per unit."""
    return owners_from_units(
        (f"u{i}", parse_area(area), owner) for i, (owner, area) in enumerate(specs))


def equal_owners(n, area="100"):
    return owners(*[(f"p{i}", area) for i in range(n)])


# ---- quorum: participants ≥ 2/3 of area AND of owners (以上 includes the boundary) ----

def test_exactly_two_thirds_participation_meets_quorum():
    o = equal_owners(3)
    r = tally_owners(o, {"p0": "yes", "p1": "yes"}, 1).raw
    assert r.quorum_met and r.passed


def test_just_under_two_thirds_area_misses_quorum():
    # 3 owners; the two voters hold 199.99 of 300.00 m², just under 2/3.
    o = owners(("p0", "100"), ("p1", "99.99"), ("p2", "100.01"))
    r = tally_owners(o, {"p0": "yes", "p1": "yes"}, 1).raw
    assert not r.quorum_met and not r.passed


def test_area_quorum_without_head_quorum_fails():
    o = owners(("big", "1000"), ("p1", "10"), ("p2", "10"), ("p3", "10"))
    r = tally_owners(o, {"big": "yes", "p1": "yes"}, 1).raw  # 1020/1030 area, 2/4 heads
    assert not r.quorum_met


# ---- ordinary matters: > 1/2 of participating area AND owners (过半数 excludes it) ----

def test_exactly_half_agreement_fails():
    o = equal_owners(4)
    r = tally_owners(o, {"p0": "yes", "p1": "yes", "p2": "no", "p3": "no"}, 4).raw
    assert r.quorum_met and not r.passed


def test_abstention_participates_but_does_not_agree():
    o = equal_owners(4)
    r = tally_owners(o, {"p0": "yes", "p1": "yes", "p2": "abstain", "p3": "abstain"}, 4).raw
    assert r.participating.owners == 4 and not r.passed
    r = tally_owners(o, {"p0": "yes", "p1": "yes", "p2": "yes", "p3": "abstain"}, 4).raw
    assert r.passed


def test_majority_of_heads_but_not_area_fails():
    o = owners(("big", "500"), ("p1", "50"), ("p2", "50"))
    r = tally_owners(o, {"big": "no", "p1": "yes", "p2": "yes"}, 1).raw
    assert r.quorum_met and not r.passed


# ---- special matters 6–8: ≥ 3/4 of both (以上 includes it) ----

@pytest.mark.parametrize("matter", [6, 7, 8])
def test_exactly_three_quarters_passes_special_matters(matter):
    o = equal_owners(4)
    r = tally_owners(o, {"p0": "yes", "p1": "yes", "p2": "yes", "p3": "no"}, matter).raw
    assert r.threshold == "3/4" and r.passed


@pytest.mark.parametrize("matter", [6, 7, 8])
def test_just_under_three_quarters_fails_special_matters(matter):
    o = owners(("p0", "100"), ("p1", "100"), ("p2", "99.99"), ("p3", "100.01"))
    r = tally_owners(o, {"p0": "yes", "p1": "yes", "p2": "yes", "p3": "no"}, matter).raw
    assert not r.passed  # 299.99 of 400.00 m² is under 3/4


@pytest.mark.parametrize("matter", [1, 2, 3, 4, 5, 9])
def test_other_matters_use_half(matter):
    assert tally_owners(equal_owners(3), {}, matter).raw.threshold == "1/2"


def test_matter_out_of_range_is_refused():
    with pytest.raises(TallyError):
        tally_owners(equal_owners(3), {}, 10)


# ---- who counts as one owner ----

def test_owner_of_several_units_counts_once_with_areas_summed():
    o = owners(("p1", "80"), ("p1", "90"), ("p1", "100.5"), ("p2", "70"))
    assert len(o) == 2 and o["p1"].area == 27050 and len(o["p1"].units) == 3
    r = tally_owners(o, {"p1": "yes"}, 1).raw
    assert r.total_owners == 2 and r.participating.owners == 1
    assert r.sides["yes"].area == 27050


def test_developer_held_units_count_as_one_owner():
    o = owners(("developer", "90"), ("developer", "95"), ("developer", "100"), ("p1", "80"))
    assert len(o) == 2 and o[DEVELOPER].area == 28500
    r = tally_owners(o, {DEVELOPER: "no", "p1": "yes"}, 1).raw
    assert r.total_owners == 2 and r.sides["no"].owners == 1


def test_ballot_from_outside_the_electorate_is_refused():
    with pytest.raises(TallyError, match="not in the electorate"):
        tally_owners(equal_owners(2), {"stranger": "yes"}, 1)


# ---- silence counts as the majority (off by default; raw and deemed side by side) ----

def test_silent_majority_shows_raw_and_deemed():
    o = equal_owners(6)
    ballots = {"p0": "yes", "p1": "yes", "p2": "no"}
    plain = tally_owners(o, ballots, 1)
    assert plain.deemed is None and not plain.raw.quorum_met
    deemed = tally_owners(o, ballots, 1, silent_majority=True)
    assert deemed.raw.as_dict() == plain.raw.as_dict()
    assert deemed.deemed.deemed_choice == "yes"
    assert deemed.deemed.quorum_met and deemed.deemed.passed
    assert deemed.deemed.sides["yes"].owners == 5


def test_silent_majority_without_a_majority_deems_nobody():
    o = equal_owners(6)
    r = tally_owners(o, {"p0": "yes", "p1": "no"}, 1, silent_majority=True)
    assert r.deemed.deemed_choice is None
    assert r.deemed.participating.owners == 2


# ---- councils: > 1/2 of ALL members take part and agree; compound may set 2/3 ----

def test_council_needs_half_of_all_members():
    members = [f"m{i}" for i in range(7)]
    r = tally_council(members, {"m0": "yes", "m1": "yes", "m2": "yes", "m3": "no"})
    assert r.quorum_met and not r.passed  # 3 of 7 agree: not more than half of all
    r = tally_council(members, {f"m{i}": "yes" for i in range(4)})
    assert r.passed


def test_council_exactly_half_of_all_is_not_enough():
    members = [f"m{i}" for i in range(6)]
    r = tally_council(members, {"m0": "yes", "m1": "yes", "m2": "yes"})
    assert not r.quorum_met and not r.passed


def test_council_two_thirds_setting_includes_boundary():
    members = [f"m{i}" for i in range(6)]
    ballots = {f"m{i}": "yes" for i in range(4)}
    assert tally_council(members, ballots, two_thirds=True).passed
    ballots["m3"] = "no"
    assert not tally_council(members, ballots, two_thirds=True).passed


# ---- a deliberately naive second implementation, compared on random electorates ----

def naive_owners_count(units, ballots, matter):
    area = defaultdict(Fraction)
    for _, area_text, owner in units:
        area[owner] += Fraction(area_text)
    total_area, total_owners = sum(area.values()), len(area)
    voters = list(ballots)
    p_area, p_n = sum(area[v] for v in voters), len(voters)
    yes = [v for v in voters if ballots[v] == "yes"]
    yes_area, yes_n = sum(area[v] for v in yes), len(yes)
    quorum = (total_area > 0 and p_area / total_area >= Fraction(2, 3)
              and Fraction(p_n, total_owners) >= Fraction(2, 3))
    if p_n == 0:
        agreed = False
    elif matter in (6, 7, 8):
        agreed = yes_area / p_area >= Fraction(3, 4) and Fraction(yes_n, p_n) >= Fraction(3, 4)
    else:
        agreed = yes_area / p_area > Fraction(1, 2) and Fraction(yes_n, p_n) > Fraction(1, 2)
    return {"quorum_met": quorum, "passed": quorum and agreed, "total_owners": total_owners,
            "participating_owners": p_n, "yes_owners": yes_n,
            "total_area": total_area, "participating_area": p_area, "yes_area": yes_area}


@st.composite
def electorates(draw):
    n_owners = draw(st.integers(1, 12))
    keys = [f"p{i}" for i in range(n_owners)] + ([DEVELOPER] if draw(st.booleans()) else [])
    # Small area pools make exact boundary hits (2/3, 1/2, 3/4) frequent.
    area_pool = draw(st.lists(st.integers(1, 400), min_size=1, max_size=4))
    units = []
    for key in keys:
        for _ in range(draw(st.integers(1, 3))):
            hundredths = draw(st.sampled_from(area_pool)) * draw(st.sampled_from([1, 25, 100]))
            units.append((f"u{len(units)}", f"{hundredths // 100}.{hundredths % 100:02d}", key))
    voters = draw(st.lists(st.sampled_from(keys), unique=True))
    ballots = {v: draw(st.sampled_from(["yes", "no", "abstain"])) for v in voters}
    return units, ballots, draw(st.integers(1, 9))


@settings(max_examples=400, deadline=None)
@given(electorates())
def test_tally_agrees_with_naive_count(case):
    units, ballots, matter = case
    doc = {"kind": "owners", "matter": matter, "silent_majority": False,
           "units": [{"unit": u, "area": a, "owner": o} for u, a, o in units],
           "ballots": [{"owner": k, "choice": c} for k, c in ballots.items()]}
    got = compute_document(doc)
    want = naive_owners_count(units, ballots, matter)
    assert got["quorum_met"] == want["quorum_met"]
    assert got["passed"] == want["passed"]
    for key in ("total_owners", "participating_owners", "yes_owners"):
        assert got[key] == want[key]
    for key in ("total_area", "participating_area", "yes_area"):
        assert Fraction(got[key]) == want[key]


# ---- the file format and `flask tally compute` ----

def test_compute_document_refuses_bad_input():
    base = {"kind": "owners", "matter": 1,
            "units": [{"unit": "1-1-101", "area": "89.50", "owner": "p1"}], "ballots": []}
    bad = [
        {**base, "ballots": [{"owner": "p9", "choice": "yes"}]},
        {**base, "ballots": [{"owner": "p1", "choice": "yes"}, {"owner": "p1", "choice": "no"}]},
        {**base, "ballots": [{"owner": "p1", "choice": "maybe"}]},
        {**base, "units": [{"unit": "1-1-101", "area": "89.505", "owner": "p1"}]},
        {**base, "units": [{"unit": "1-1-101", "area": 89.5, "owner": "p1"}]},
        {**base, "units": [{"unit": "1-1-101", "area": "-3", "owner": "p1"}]},
        {**base, "matter": 0},
    ]
    for doc in bad:
        with pytest.raises(TallyError):
            compute_document(doc)


def test_cli_prints_result_and_exits_2_on_bad_input(app, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "vote.json"
    good.write_text(json.dumps({
        "kind": "owners", "matter": 7,
        "units": [{"unit": "3-2-1201", "area": "89.50", "owner": "p17"},
                  {"unit": "3-2-1202", "area": "89.50", "owner": "p18"},
                  {"unit": "3-2-1203", "area": "120.00", "owner": "developer"},
                  {"unit": "3-2-1204", "area": "100.00", "owner": "developer"}],
        "ballots": [{"owner": "p17", "choice": "yes"}, {"owner": "p18", "choice": "yes"},
                    {"owner": "developer", "choice": "no"}]}), encoding="utf-8")
    result = runner.invoke(args=["tally", "compute", str(good)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["total_owners"] == 3 and out["total_area"] == "399.00"
    assert out["yes_area"] == "179.00" and out["no_area"] == "220.00"
    assert out["quorum_met"] is True and out["threshold"] == "3/4" and out["passed"] is False

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "council", "members": ["m1", "m2"],
                               "ballots": [{"member": "m3", "choice": "yes"}]}))
    result = runner.invoke(args=["tally", "compute", str(bad)])
    assert result.exit_code == 2
    assert "not a member" in result.output
