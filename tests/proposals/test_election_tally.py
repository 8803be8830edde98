"""The election tally against the law's boundaries, against a deliberately naive second count,
and through its file format and `flask tally compute`."""
import json
import random
from collections import defaultdict
from fractions import Fraction
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.proposals.election_tally import INVALID, decide_election, tally_election
from app.proposals.tally import DEVELOPER, Side, TallyError, owners_from_units, parse_area
from app.proposals.tally_file import compute_document

pytestmark = pytest.mark.both_databases


def owners(*specs):
    """specs: (owner, area-text) per unit."""
    return owners_from_units(
        (f"u{i}", parse_area(area), owner) for i, (owner, area) in enumerate(specs))


def equal_owners(n, area="100"):
    return owners(*[(f"p{i}", area) for i in range(n)])


def marks(**ballots):
    """p0="ab" → {"p0": frozenset({"a", "b"})}; p0="" is an empty ballot; p0=INVALID invalid."""
    return {k: v if v == INVALID else frozenset(v) for k, v in ballots.items()}


def row(result, candidate):
    return next(c for c in result.as_dict()["candidates"] if c["candidate"] == candidate)


# ---- the threshold: > 1/2 of participating area AND owners (过半数 excludes the boundary) ----

def test_exactly_half_of_participants_is_not_elected():
    r = tally_election(equal_owners(4), marks(p0="a", p1="a", p2="b", p3="b"), ["a", "b"], 1)
    assert r.quorum_met
    assert not row(r, "a")["passed_threshold"] and not row(r, "b")["passed_threshold"]
    assert r.as_dict()["elected"] == [] and r.as_dict()["vacant_seats"] == 1
    assert r.as_dict()["passed"] is False
    r = tally_election(equal_owners(4), marks(p0="a", p1="a", p2="a", p3="b"), ["a", "b"], 1)
    assert r.as_dict()["elected"] == ["a"]


def test_half_the_area_is_not_enough_even_with_most_owners():
    o = owners(("p0", "100"), ("p1", "100"), ("p2", "100"), ("p3", "300"))
    r = tally_election(o, marks(p0="a", p1="a", p2="a", p3=""), ["a"], 1)
    assert row(r, "a") == {"candidate": "a", "yes_area": "300.00", "yes_owners": 3,
                           "passed_threshold": False, "elected": False}


def test_half_the_owners_is_not_enough_even_with_most_area():
    o = owners(("p0", "100"), ("p1", "100"), ("p2", "100"), ("p3", "300"))
    r = tally_election(o, marks(p0="a", p1="", p2="", p3="a"), ["a"], 1)
    assert row(r, "a")["yes_area"] == "400.00" and not row(r, "a")["passed_threshold"]


# ---- ranking: agreeing owners first, then agreeing area ----

def test_more_passing_than_seats_ranked_by_owners_then_area():
    # p5 and p6 hold most of the area; each owner marks at most two of three.
    o = owners(*[(f"p{i}", "100") for i in range(5)], ("p5", "1000"), ("p6", "1000"))
    ballots = marks(p0="x", p1="xz", p2="xy", p3="xz", p4="yz", p5="xy", p6="yz")
    r = tally_election(o, ballots, ["z", "y", "x"], 2)
    out = r.as_dict()
    # x: 5 owners 1400; y: 4 owners 2200; z: 4 owners 1300. All pass (> 1250 and > 3.5).
    assert [(c["candidate"], c["yes_owners"], c["yes_area"], c["passed_threshold"])
            for c in out["candidates"]] == [("z", 4, "1300.00", True), ("y", 4, "2200.00", True),
                                            ("x", 5, "1400.00", True)]
    assert out["elected"] == ["x", "y"]  # owners beat area; area breaks the tie in owners
    assert not row(r, "z")["elected"] and out["vacant_seats"] == 0
    assert out["runoff_needed"] is False and out["runoff_candidates"] == []


def test_tie_at_the_last_seat_elects_neither_and_calls_a_runoff():
    ballots = marks(p0="ab", p1="ab", p2="ac", p3="ac", p4="a", p5="bc", p6="bc")
    out = tally_election(equal_owners(7), ballots, ["a", "b", "c"], 2).as_dict()
    assert [c["yes_owners"] for c in out["candidates"]] == [5, 4, 4]
    assert all(c["passed_threshold"] for c in out["candidates"])
    assert out["elected"] == ["a"] and out["vacant_seats"] == 1 and out["passed"] is True
    assert out["runoff_needed"] is True and out["runoff_candidates"] == ["b", "c"]
    assert [c["elected"] for c in out["candidates"]] == [True, False, False]


def test_tie_for_every_seat_elects_nobody():
    ballots = marks(p0="ab", p1="ab", p2="ac", p3="ac", p4="bc", p5="bc")
    out = tally_election(equal_owners(6), ballots, ["a", "b", "c"], 2).as_dict()
    assert out["elected"] == [] and out["vacant_seats"] == 2 and out["passed"] is False
    assert out["runoff_candidates"] == ["a", "b", "c"]


def test_tie_inside_the_seats_elects_both():
    ballots = marks(p0="ab", p1="ab", p2="ab", p3="c", p4="")
    out = tally_election(equal_owners(5), ballots, ["a", "b", "c"], 2).as_dict()
    assert out["elected"] == ["a", "b"] and out["runoff_needed"] is False


def test_equal_owners_but_different_area_is_no_tie():
    o = owners(("p0", "100"), ("p1", "100"), ("p2", "100"), ("p3", "100"), ("p4", "100.01"))
    ballots = marks(p0="ab", p1="ab", p2="ac", p3="ac", p4="bc")
    out = tally_election(o, ballots, ["a", "b", "c"], 2).as_dict()
    # a: 4 owners 400.00; b (p0, p1, p4) and c (p2, p3, p4): 3 owners and 300.01 each.
    assert out["runoff_candidates"] == ["b", "c"]
    o = owners(("p0", "100"), ("p1", "100.01"), ("p2", "100"), ("p3", "100"), ("p4", "100"))
    out = tally_election(o, ballots, ["a", "b", "c"], 2).as_dict()
    assert out["elected"] == ["a", "b"] and out["runoff_needed"] is False


def test_more_seats_than_candidates_leaves_seats_vacant():
    out = tally_election(equal_owners(3), marks(p0="a", p1="a", p2="a"), ["a"], 3).as_dict()
    assert out["elected"] == ["a"] and out["vacant_seats"] == 2


# ---- participation: empty and invalid ballots take part; exactly 2/3 meets the quorum ----

def test_an_empty_ballot_counts_toward_the_quorum():
    ballots = marks(p0="a", p1="a", p2="a", p3="")
    out = tally_election(equal_owners(6), ballots, ["a", "b"], 1).as_dict()
    assert out["participating_owners"] == 4 and out["quorum_met"] is True  # exactly 4 of 6
    assert out["elected"] == ["a"]
    del ballots["p3"]
    out = tally_election(equal_owners(6), ballots, ["a", "b"], 1).as_dict()
    assert out["quorum_met"] is False and out["elected"] == []


def test_an_invalid_ballot_takes_part_and_agrees_to_nobody():
    out = tally_election(equal_owners(4), marks(p0="a", p1="a", p2=INVALID), ["a"], 1).as_dict()
    assert out["participating_owners"] == 3 and out["invalid_ballots"] == 1
    assert out["quorum_met"] and out["elected"] == ["a"]
    out = tally_election(equal_owners(4), marks(p0="a", p1="a", p2=INVALID, p3=INVALID),
                         ["a"], 1).as_dict()
    assert out["elected"] == [] and out["invalid_ballots"] == 2


def test_exactly_two_thirds_participation_meets_the_quorum():
    o = owners(("p0", "100"), ("p1", "100"), ("p2", "100"))
    assert tally_election(o, marks(p0="a", p1="a"), ["a"], 1).quorum_met
    o = owners(("p0", "100"), ("p1", "100"), ("p2", "100.01"))  # area just under 2/3
    assert not tally_election(o, marks(p0="a", p1="a"), ["a"], 1).quorum_met


def test_failed_quorum_elects_nobody_but_reports_the_threshold():
    out = tally_election(equal_owners(3), marks(p0="ab"), ["a", "b"], 2).as_dict()
    assert out["quorum_met"] is False and out["passed"] is False
    assert [c["passed_threshold"] for c in out["candidates"]] == [True, True]
    assert [c["elected"] for c in out["candidates"]] == [False, False]
    assert out["elected"] == [] and out["vacant_seats"] == 2 and out["runoff_needed"] is False


def test_a_multi_unit_owner_and_the_developer_count_once():
    o = owners(("p0", "80"), ("p0", "90"), ("p0", "12.50"), ("p1", "100"),
               (DEVELOPER, "60"), (DEVELOPER, "70"))
    out = tally_election(o, marks(p0="a", developer=""), ["a"], 1).as_dict()
    assert out["total_owners"] == 3 and out["total_area"] == "412.50"
    assert out["participating_owners"] == 2 and out["participating_area"] == "312.50"
    assert row(tally_election(o, marks(p0="a", developer=""), ["a"], 1), "a")["yes_owners"] == 1


def test_as_dict_has_exactly_the_published_fields():
    out = tally_election(equal_owners(3), marks(p0="a", p1="a"), ["a"], 1).as_dict()
    assert set(out) == {"kind", "seats", "threshold", "quorum", "quorum_met", "passed",
                        "total_area", "total_owners", "participating_area",
                        "participating_owners", "invalid_ballots", "candidates", "elected",
                        "vacant_seats", "runoff_needed", "runoff_candidates", "rule"}
    assert (out["kind"], out["threshold"], out["quorum"]) == ("election", "1/2", "2/3")
    assert "民法典 第二百七十八条" in out["rule"]


# ---- refusals ----

@pytest.mark.parametrize(("ballots", "candidates", "seats", "message"), [
    ({"p9": frozenset("a")}, ["a"], 1, "not in the electorate"),
    ({"p0": frozenset("z")}, ["a"], 1, "not a candidate"),
    ({"p0": frozenset("ab")}, ["a", "b"], 1, "2 candidates for 1 seats"),
    ({"p0": "yes"}, ["a"], 1, "neither"),
    ({}, ["a", "a"], 1, "listed twice"),
    ({}, ["a"], 0, "positive integer"),
    ({}, ["a"], True, "positive integer"),
])
def test_tally_election_refuses(ballots, candidates, seats, message):
    with pytest.raises(TallyError, match=message):
        tally_election(equal_owners(2), ballots, candidates, seats)


def test_decide_election_refuses_inconsistent_figures():
    base = {"seats": 1, "candidates": ["a"], "total_area": 300, "total_owners": 3,
            "participating": Side(200, 2)}
    assert decide_election(**base, yes={"a": Side(200, 2)}).elected == ("a",)
    for yes, invalid in [({"b": Side(100, 1)}, 0), ({"a": Side(300, 2)}, 0),
                         ({"a": Side(200, 2)}, 1), ({}, 3)]:
        with pytest.raises(TallyError):
            decide_election(**base, yes=yes, invalid=invalid)


# ---- a deliberately naive second count, compared on random elections ----

def naive_area(value: Fraction) -> str:
    hundredths = value * 100
    assert hundredths.denominator == 1
    return f"{hundredths.numerator // 100}.{hundredths.numerator % 100:02d}"


def naive_election(units, ballots, candidates, seats):
    area = defaultdict(Fraction)
    for _, area_text, owner in units:
        area[owner] += Fraction(area_text)
    total_area, total_owners = sum(area.values()), len(area)
    p_area, p_n = sum(area[v] for v in ballots), len(ballots)
    quorum = (p_area / total_area >= Fraction(2, 3)
              and Fraction(p_n, total_owners) >= Fraction(2, 3))
    rows, passing = [], []
    for index, c in enumerate(candidates):
        backers = [v for v, b in ballots.items() if b != "invalid" and c in b]
        y_area, y_n = sum(area[v] for v in backers), len(backers)
        ok = p_n > 0 and y_area / p_area > Fraction(1, 2) and Fraction(y_n, p_n) > Fraction(1, 2)
        rows.append([c, y_area, y_n, ok])
        if ok:
            passing.append((y_n, y_area, -index, c))
    passing.sort(reverse=True)
    elected, runoff = [], []
    if quorum and len(passing) <= seats:
        elected = [p[3] for p in passing]
    elif quorum:
        cut = passing[seats - 1][:2]
        above = [p[3] for p in passing if p[:2] > cut]
        tied = [p for p in passing if p[:2] == cut]
        if len(above) + len(tied) <= seats:
            elected = above + [p[3] for p in tied]
        else:
            elected = above
            runoff = [p[3] for p in sorted(tied, key=lambda p: -p[2])]
    return {
        "kind": "election", "seats": seats, "threshold": "1/2", "quorum": "2/3",
        "quorum_met": quorum, "passed": len(elected) > 0,
        "total_area": naive_area(total_area), "total_owners": total_owners,
        "participating_area": naive_area(p_area), "participating_owners": p_n,
        "invalid_ballots": sum(1 for b in ballots.values() if b == "invalid"),
        "candidates": [{"candidate": c, "yes_area": naive_area(a), "yes_owners": n,
                        "passed_threshold": ok, "elected": c in elected}
                       for c, a, n, ok in rows],
        "elected": elected, "vacant_seats": seats - len(elected),
        "runoff_needed": len(runoff) > 0, "runoff_candidates": runoff,
    }


@st.composite
def elections(draw):
    n_owners = draw(st.integers(1, 10))
    keys = [f"p{i}" for i in range(n_owners)] + ([DEVELOPER] if draw(st.booleans()) else [])
    # Small area pools make exact boundary hits (2/3, 1/2) and ties frequent.
    area_pool = draw(st.lists(st.integers(1, 400), min_size=1, max_size=3))
    units = []
    for key in keys:
        for _ in range(draw(st.integers(1, 3))):
            hundredths = draw(st.sampled_from(area_pool)) * draw(st.sampled_from([1, 100]))
            units.append((f"u{len(units)}", f"{hundredths // 100}.{hundredths % 100:02d}", key))
    seats = draw(st.integers(1, 3))
    candidates = [f"c{i}" for i in range(max(1, seats + draw(st.sampled_from([-1, 0, 1, 1, 2]))))]
    # Most owners vote, most of them for one of a few slates, so that quorums and candidates
    # past the threshold come up often (crowded_elections below covers ranking and ties).
    voters = [k for k in keys if draw(st.integers(0, 5))]
    marked = st.lists(st.sampled_from(candidates), unique=True, max_size=seats)
    full = st.lists(st.sampled_from(candidates), unique=True,
                    min_size=min(seats, len(candidates)), max_size=seats)
    n_slates = min(draw(st.sampled_from([1, 2, 3, 4, 4])),
                   comb(len(candidates), min(seats, len(candidates))))
    slates = draw(st.lists(full, min_size=n_slates, max_size=n_slates, unique_by=frozenset))
    rng = draw(st.randoms(use_true_random=True))  # spreads the voters over the slates
    ballots = {}
    for voter in voters:
        how = rng.choice(["slate"] * 12 + ["invalid", "own"])
        ballots[voter] = ("invalid" if how == "invalid"
                          else rng.choice(slates) if how == "slate" else draw(marked))
    return units, ballots, candidates, seats


@st.composite
def crowded_elections(draw):
    """Everyone votes, each leaving out one of seats + 1 candidates in turn: all of them pass
    the threshold, more than the seats, and they are often tied at the last seat."""
    seats = draw(st.integers(2, 3))
    candidates = [f"c{i}" for i in range(seats + 1 + draw(st.integers(0, 1)))]
    field = candidates[:seats + 1]
    slates = [[c for c in field if c != out] for out in field]
    area_pool = draw(st.lists(st.integers(1, 400), min_size=1, max_size=2))
    units, ballots = [], {}
    for n in range(draw(st.integers(seats + 1, 3 * seats + 3))):
        key = f"p{n}"
        for _ in range(draw(st.integers(1, 2))):
            hundredths = draw(st.sampled_from(area_pool))
            units.append((f"u{len(units)}", f"{hundredths // 100}.{hundredths % 100:02d}", key))
        how = draw(st.sampled_from(["slate", "slate", "slate", "none", "invalid", "empty"]))
        if how != "none":
            ballots[key] = {"slate": slates[n % len(slates)], "invalid": "invalid",
                            "empty": []}[how]
    return units, ballots, candidates, seats


def election_document(units, ballots, candidates, seats):
    return {"kind": "election", "seats": seats, "candidates": candidates,
            "units": [{"unit": u, "area": a, "owner": o} for u, a, o in units],
            "ballots": [{"owner": k, "invalid": True} if b == "invalid"
                        else {"owner": k, "choices": b} for k, b in ballots.items()]}


def secret_document(units, ballots, candidates, seats, seed):
    """The same election as a secret ballot: participants, shuffled anonymous votes, totals."""
    area = defaultdict(int)
    for _, area_text, owner in units:
        area[owner] += parse_area(area_text)
    votes = [{"invalid": True} if b == "invalid" else {"choices": b} for b in ballots.values()]
    random.Random(seed).shuffle(votes)
    for n, vote in enumerate(votes):
        vote["receipt"] = f"R{n:04d}"
    totals = {}
    for c in candidates:
        backers = [v for v, b in ballots.items() if b != "invalid" and c in b]
        a = sum(area[v] for v in backers)
        totals[c] = {"votes": len(backers), "area": f"{a // 100}.{a % 100:02d}"}
    doc = election_document(units, {}, candidates, seats)
    del doc["ballots"]
    return {**doc, "secret": True, "participants": list(ballots), "votes": votes,
            "totals": totals}


@settings(max_examples=500, deadline=None)
@given(st.one_of(elections(), crowded_elections()), st.integers(0, 1000))
def test_election_agrees_with_naive_count(case, seed):
    units, ballots, candidates, seats = case
    want = naive_election(units, ballots, candidates, seats)
    electorate = owners_from_units((u, parse_area(a), o) for u, a, o in units)
    keyed = {k: INVALID if b == "invalid" else frozenset(b) for k, b in ballots.items()}
    got = tally_election(electorate, keyed, candidates, seats).as_dict()
    assert "民法典 第二百七十八条" in got.pop("rule")
    assert got == want
    developer_units = sum(1 for _, _, o in units if o == DEVELOPER)
    for doc in (election_document(*case), secret_document(*case, seed)):
        from_file = compute_document(doc)
        assert from_file.pop("developer_units") == developer_units
        from_file.pop("rule")
        assert from_file == want


# ---- the file and `flask tally compute` ----

UNITS = [{"unit": "1-1-101", "area": "89.50", "owner": "p1"},
         {"unit": "1-1-102", "area": "89.50", "owner": "p2"},
         {"unit": "1-1-201", "area": "120.00", "owner": "p3"},
         {"unit": "1-1-202", "area": "60.00", "owner": "p3"},
         {"unit": "1-1-301", "area": "100.00", "owner": "developer"}]
GOOD = {"kind": "election", "seats": 2, "candidates": ["c1", "c2", "c3"], "units": UNITS,
        "ballots": [{"owner": "p1", "choices": ["c1", "c3"]},
                    {"owner": "p2", "choices": []},
                    {"owner": "p3", "choices": ["c1"]},
                    {"owner": "developer", "invalid": True}]}
SECRET = {"kind": "election", "seats": 2, "candidates": ["c1", "c2", "c3"], "units": UNITS,
          "secret": True, "participants": ["p1", "p2", "p3", "developer"],
          "votes": [{"receipt": "A1", "choices": ["c1"]}, {"receipt": "B2", "invalid": True},
                    {"receipt": "C3", "choices": []}, {"receipt": "D4", "choices": ["c3", "c1"]}],
          "totals": {"c1": {"votes": 2, "area": "269.50"}, "c2": {"votes": 0, "area": "0"},
                     "c3": {"votes": 1, "area": "89.50"}}}


def run_cli(app, tmp_path, doc):
    path = tmp_path / "election.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["tally", "compute", str(path)])


def test_cli_prints_an_election(app, tmp_path):
    run = run_cli(app, tmp_path, GOOD)
    assert run.exit_code == 0, run.output
    out = json.loads(run.output)
    assert out["kind"] == "election" and out["total_owners"] == 4
    assert out["total_area"] == "459.00" and out["participating_area"] == "459.00"
    assert out["invalid_ballots"] == 1 and out["developer_units"] == 1
    assert out["candidates"][0] == {"candidate": "c1", "yes_area": "269.50", "yes_owners": 2,
                                    "passed_threshold": False, "elected": False}  # 2 of 4
    assert out["elected"] == [] and out["vacant_seats"] == 2 and out["passed"] is False

    doc = {**GOOD, "ballots": GOOD["ballots"][:3] + [{"owner": "developer",
                                                      "choices": ["c1"]}]}
    out = json.loads(run_cli(app, tmp_path, doc).output)
    assert out["elected"] == ["c1"] and out["vacant_seats"] == 1


def test_cli_seats_beyond_the_candidates_stay_vacant(app, tmp_path):
    doc = {**GOOD, "seats": 5, "ballots": [{"owner": k, "choices": ["c1", "c2", "c3"]}
                                           for k in ("p1", "p2", "p3")]}
    out = json.loads(run_cli(app, tmp_path, doc).output)
    assert out["elected"] == ["c1", "c2", "c3"] and out["vacant_seats"] == 2


def test_cli_secret_election_agrees_with_the_open_count(app, tmp_path):
    run = run_cli(app, tmp_path, SECRET)
    assert run.exit_code == 0, run.output
    assert json.loads(run.output) == json.loads(run_cli(app, tmp_path, GOOD).output)


def with_ballot(ballot):
    return {**GOOD, "ballots": GOOD["ballots"][:3] + [ballot]}


@pytest.mark.parametrize(("doc", "message"), [
    (with_ballot({"owner": "developer", "choices": ["c1", "c2", "c3"]}),
     "ballot #4 marks 3 candidates for 2 seats"),
    (with_ballot({"owner": "developer", "choices": ["c9"]}), "ballot #4: 'c9' is not a candidate"),
    (with_ballot({"owner": "developer", "choices": ["c1", "c1"]}), "ballot #4 marks 'c1' twice"),
    (with_ballot({"owner": "developer", "choices": ["c1"], "invalid": True}),
     "ballot #4 has both"),
    (with_ballot({"owner": "developer", "invalid": False}), "'invalid' can only be true"),
    (with_ballot({"owner": "developer"}), "ballot #4 needs 'choices'"),
    (with_ballot({"owner": "developer", "choices": "c1"}), "ballot #4 needs 'choices'"),
    (with_ballot({"owner": "p9", "choices": []}), "ballot #4: owner 'p9' is not in the electorate"),
    (with_ballot({"owner": "p1", "choices": []}), "ballot #4: owner 'p1' has already voted"),
    (with_ballot({"choices": []}), "ballot #4 needs 'owner'"),
    ({**GOOD, "seats": 0}, "seats must be a positive integer"),
    ({**GOOD, "seats": "2"}, "seats must be a positive integer"),
    ({**GOOD, "seats": True}, "seats must be a positive integer"),
    ({k: v for k, v in GOOD.items() if k != "seats"}, "seats must be a positive integer"),
    ({**GOOD, "candidates": ["c1", "c2", "c1"]}, "candidate 'c1' is listed twice"),
    ({**GOOD, "candidates": []}, "'candidates' must be a non-empty list"),
    ({**GOOD, "candidates": ["c1", ""]}, "non-empty name"),
    ({**GOOD, "matter": 4}, "matter 3"),
    ({**GOOD, "units": []}, "'units' must be a non-empty list"),
    ({**GOOD, "units": UNITS + [{"unit": "1-1-101", "area": "10", "owner": "p4"}]},
     "unit 1-1-101 is listed twice"),
    ({**GOOD, "units": [{**UNITS[0], "area": 89.5}] + UNITS[1:]}, "unit #1 (1-1-101)"),
    ({**GOOD, "units": [{"unit": "1-1-101", "area": "89.50"}] + UNITS[1:]}, "unit #1 needs"),
    ({**GOOD, "ballots": {}}, "'ballots' must be a list"),
])
def test_cli_refuses_a_bad_election(app, tmp_path, doc, message):
    run = run_cli(app, tmp_path, doc)
    assert run.exit_code == 2
    assert message in run.output


def with_votes(votes, **changes):
    return {**SECRET, "votes": votes, **changes}


@pytest.mark.parametrize(("doc", "message"), [
    (with_votes(SECRET["votes"][:3]), "3 votes for 4 participants"),
    ({**SECRET, "participants": ["p1", "p2", "p3"]}, "4 votes for 3 participants"),
    ({**SECRET, "participants": ["p1", "p2", "p3", "p9"]}, "participant 'p9' is not in"),
    ({**SECRET, "participants": ["p1", "p2", "p3", "p3"]}, "participant 'p3' is listed twice"),
    (with_votes(SECRET["votes"][:3] + [{"receipt": "A1", "choices": []}]),
     "vote #4: receipt 'A1' is listed twice"),
    (with_votes(SECRET["votes"][:3] + [{"receipt": "D4", "choices": ["c1", "c2", "c3"]}]),
     "vote #4 marks 3 candidates for 2 seats"),
    (with_votes(SECRET["votes"][:3] + [{"receipt": "D4", "choices": ["c9"]}]),
     "vote #4: 'c9' is not a candidate"),
    (with_votes(SECRET["votes"][:3] + [{"receipt": "D4", "choices": [], "invalid": True}]),
     "vote #4 has both"),
    (with_votes(SECRET["votes"][:3] + [{"choices": []}]), "vote #4 needs 'receipt'"),
    ({**SECRET, "totals": {**SECRET["totals"], "c2": {"votes": 1, "area": "89.50"}}},
     "totals of 'c2': 1 votes, but the votes list has 0"),
    ({**SECRET, "totals": {**SECRET["totals"], "c1": {"votes": 2, "area": "999.00"}}},
     "totals of 'c1': area 999.00 cannot be held by 2 of the participants"),
    ({**SECRET, "totals": {**SECRET["totals"], "c3": {"votes": 1, "area": "459.00"}}},
     "totals of 'c3': area 459.00 cannot be held by 1 of the participants"),
    ({**SECRET, "totals": {**SECRET["totals"], "c3": {"votes": 1, "area": "0"}}},
     "totals of 'c3': area 0.00 cannot be held"),
    ({**SECRET, "totals": {**SECRET["totals"], "c9": {"votes": 0, "area": "0"}}},
     "totals of 'c9': not a candidate"),
    ({**SECRET, "totals": {**SECRET["totals"], "c1": {"votes": "2", "area": "269.50"}}},
     "totals of 'c1': needs integer"),
    ({**SECRET, "totals": {**SECRET["totals"], "c1": {"votes": 2, "area": 269.5}}},
     "totals of 'c1': area must be a string or integer"),
    ({k: v for k, v in SECRET.items() if k != "totals"}, "needs 'totals'"),
    ({k: v for k, v in SECRET.items() if k != "votes"}, "needs a 'votes' list"),
])
def test_cli_refuses_an_inconsistent_secret_election(app, tmp_path, doc, message):
    run = run_cli(app, tmp_path, doc)
    assert run.exit_code == 2
    assert message in run.output
