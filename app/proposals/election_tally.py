"""The tally of an election (业委会选举, 民法典 第二百七十八条 matter 3): pure, exact, no database.

Law (DESIGN §3, Elections):
- Each owner marks at most as many candidates as there are seats. A ballot marking nobody is
  valid: it participates and agrees to nobody. A paper ballot marking more than the seats is
  invalid for the election but its owner still took part.
- Quorum as for every owners' joint decision: participants hold ≥ 2/3 of the exclusive area AND
  are ≥ 2/3 of the owners ("以上" includes the boundary).
- A candidate passes the threshold with > 1/2 of the participating area AND > 1/2 of the
  participating owners ("过半数" excludes the boundary).
- Only when the quorum is met is anyone elected. More passing candidates than seats are ranked
  by agreeing owners, then agreeing area; candidates tied on both across the last seat are none
  of them elected, and a run-off between them is called. Seats not filled stay vacant.

Owners are counted exactly as in an owners' decision (app.proposals.tally): one person holding
several units counts once with the areas summed, the developer's unsold units count as one.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.proposals.tally import (
    HALF,
    QUORUM,
    Owner,
    Side,
    TallyError,
    area_text,
    at_least,
    more_than,
)

INVALID = "invalid"

RULE = ("民法典 第二百七十八条：参与表决的业主专有部分面积和人数均达到三分之二以上；"
        "候选人经参与表决专有部分面积过半数且人数过半数的业主同意方可当选；"
        "达到票数的候选人多于应选名额时，按同意人数、再按同意面积排序当选，"
        "末位票数相同的候选人均不当选，另行选举")


@dataclass(frozen=True)
class CandidateCount:
    candidate: str
    yes: Side
    passed_threshold: bool
    elected: bool


@dataclass(frozen=True)
class ElectionResult:
    """Raw counts of an election and the verdict on them."""

    seats: int
    total_area: int
    total_owners: int
    participating: Side
    invalid_ballots: int
    quorum_met: bool
    candidates: tuple[CandidateCount, ...]  # in the order the candidates were given
    elected: tuple[str, ...]  # in rank order
    runoff_candidates: tuple[str, ...]  # in the order the candidates were given
    rule: str = RULE

    @property
    def passed(self) -> bool:
        return bool(self.elected)

    @property
    def vacant_seats(self) -> int:
        return self.seats - len(self.elected)

    @property
    def runoff_needed(self) -> bool:
        return bool(self.runoff_candidates)

    def as_dict(self) -> dict:
        return {
            "kind": "election",
            "seats": self.seats,
            "threshold": "1/2",
            "quorum": "2/3",
            "quorum_met": self.quorum_met,
            "passed": self.passed,
            "total_area": area_text(self.total_area),
            "total_owners": self.total_owners,
            "participating_area": area_text(self.participating.area),
            "participating_owners": self.participating.owners,
            "invalid_ballots": self.invalid_ballots,
            "candidates": [{"candidate": c.candidate,
                            "yes_area": area_text(c.yes.area),
                            "yes_owners": c.yes.owners,
                            "passed_threshold": c.passed_threshold,
                            "elected": c.elected} for c in self.candidates],
            "elected": list(self.elected),
            "vacant_seats": self.vacant_seats,
            "runoff_needed": self.runoff_needed,
            "runoff_candidates": list(self.runoff_candidates),
            "rule": self.rule,
        }


def check_race(seats, candidates: Sequence[str]) -> None:
    """Seats a positive integer (it may exceed the candidates: the rest stay vacant), candidate
    keys non-empty and distinct."""
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise TallyError(f"seats must be a positive integer, got {seats!r}")
    seen: set[str] = set()
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate:
            raise TallyError(f"a candidate needs a non-empty name, got {candidate!r}")
        if candidate in seen:
            raise TallyError(f"candidate {candidate!r} is listed twice")
        seen.add(candidate)


def decide_election(*, seats: int, candidates: Sequence[str], total_area: int,
                    total_owners: int, participating: Side, yes: Mapping[str, Side],
                    invalid: int = 0) -> ElectionResult:
    """The verdict of an election from aggregated figures: the totals of the electorate, of the
    participants (invalid ballots included) and of each candidate's agreeing owners. A secret
    election has only these; `tally_election` computes them from ballots. A candidate missing
    from `yes` got no votes."""
    check_race(seats, candidates)
    if unknown := sorted(set(yes) - set(candidates)):
        raise TallyError(f"votes for {unknown[0]!r}, who is not a candidate")
    if not 0 <= participating.owners <= total_owners or not 0 <= participating.area <= total_area:
        raise TallyError("more participants than the electorate")
    if not 0 <= invalid <= participating.owners:
        raise TallyError(f"{invalid} invalid ballots for {participating.owners} participants")
    sides = {c: yes.get(c, Side()) for c in candidates}
    for candidate, side in sides.items():
        if not (0 <= side.owners <= participating.owners - invalid
                and 0 <= side.area <= participating.area):
            raise TallyError(f"candidate {candidate!r} has more votes than the participants")
    quorum_met = (at_least(participating.area, total_area, QUORUM)
                  and at_least(participating.owners, total_owners, QUORUM))
    passing = [c for c, side in sides.items()
               if more_than(side.area, participating.area, HALF)
               and more_than(side.owners, participating.owners, HALF)]
    elected: list[str] = []
    runoff: list[str] = []
    if quorum_met:
        elected, runoff = _rank(passing, sides, seats)
    chosen = set(elected)
    counts = tuple(CandidateCount(c, Side(s.area, s.owners), c in passing, c in chosen)
                   for c, s in sides.items())
    return ElectionResult(seats, total_area, total_owners,
                          Side(participating.area, participating.owners), invalid, quorum_met,
                          counts, tuple(elected), tuple(runoff))


def _rank(passing: list[str], sides: Mapping[str, Side],
          seats: int) -> tuple[list[str], list[str]]:
    """(elected in rank order, run-off candidates) among the candidates past the threshold."""
    def standing(c):
        return sides[c].owners, sides[c].area

    ranked = sorted(passing, key=lambda c: (-sides[c].owners, -sides[c].area))  # stable
    if len(ranked) <= seats:
        return ranked, []
    last_in, first_out = standing(ranked[seats - 1]), standing(ranked[seats])
    if last_in != first_out:
        return ranked[:seats], []
    elected = [c for c in ranked[:seats] if standing(c) != last_in]
    return elected, [c for c in passing if standing(c) == last_in]


def tally_election(owners: Mapping[str, Owner], ballots: Mapping[str, frozenset[str] | str],
                   candidates: Sequence[str], seats: int) -> ElectionResult:
    """Count an election. `ballots` maps owner key → the set of candidates marked (maybe empty)
    or INVALID (marked more than the seats on paper: takes part, agrees to nobody). One ballot
    per owner: the caller has already resolved superseded ballots."""
    check_race(seats, candidates)
    yes = {c: Side() for c in candidates}
    participating = Side()
    invalid = 0
    for key, marks in ballots.items():
        owner = owners.get(key)
        if owner is None:
            raise TallyError(f"ballot from {key!r}, who is not in the electorate")
        if marks == INVALID:
            invalid += 1
        elif isinstance(marks, (set, frozenset)):
            if unknown := sorted(set(marks) - yes.keys()):
                raise TallyError(f"the ballot of {key!r} marks {unknown[0]!r}, "
                                 "who is not a candidate")
            if len(marks) > seats:
                raise TallyError(f"the ballot of {key!r} marks {len(marks)} candidates "
                                 f"for {seats} seats")
            for candidate in marks:
                yes[candidate].add(owner)
        else:
            raise TallyError(f"the ballot of {key!r} is neither a set of candidates nor invalid")
        participating.add(owner)
    return decide_election(seats=seats, candidates=candidates,
                           total_area=sum(o.area for o in owners.values()),
                           total_owners=len(owners), participating=participating, yes=yes,
                           invalid=invalid)
