"""Which candidate projects a round funds (居民投票 → 结果): greedy by votes within the
remaining budget, as CONSUL's budget investments are chosen.

- Projects are considered by votes, most first; equal votes by earlier submission (then by
  id, which is the order of submission too).
- A project whose cost fits the budget still remaining is funded and its cost taken off.
- A project that does not fit is skipped, and the next one that fits is funded: a large
  project does not block smaller ones further down.
- A project no household voted for is not funded, whatever budget remains.

Exact integers (分) throughout: the sum funded never exceeds the cap by one 分. The result
says, per project, the budget remaining when it was considered and why it was or was not
funded, so the result page explains itself and anyone can redo it by hand."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

FUNDED = "funded"
OVER_BUDGET = "over_budget"  # costs more than the budget still remaining
NO_VOTES = "no_votes"


@dataclass(frozen=True)
class Candidate:
    id: int
    votes: int
    cost: int  # 分
    submitted_at: datetime


@dataclass(frozen=True)
class Considered:
    id: int
    rank: int  # 1-based order of consideration
    votes: int
    cost: int
    remaining_before: int  # the budget left when this project came up
    funded: bool
    reason: str  # FUNDED, OVER_BUDGET or NO_VOTES

    @property
    def remaining_after(self) -> int:
        return self.remaining_before - self.cost if self.funded else self.remaining_before


def ranking_key(candidate: Candidate):
    return (-candidate.votes, candidate.submitted_at, candidate.id)


def allocate(cap: int, candidates: Iterable[Candidate]) -> list[Considered]:
    """Every candidate in the order considered, each funded or not and why."""
    if not isinstance(cap, int) or cap < 0:
        raise ValueError("the cap is a non-negative whole number of 分")
    remaining = cap
    out = []
    for rank, c in enumerate(sorted(candidates, key=ranking_key), start=1):
        if not isinstance(c.cost, int) or c.cost < 0 or c.votes < 0:
            raise ValueError("costs and votes are non-negative whole numbers")
        if c.votes == 0:
            reason = NO_VOTES
        elif c.cost <= remaining:
            reason = FUNDED
        else:
            reason = OVER_BUDGET
        funded = reason == FUNDED
        out.append(Considered(c.id, rank, c.votes, c.cost, remaining, funded, reason))
        if funded:
            remaining -= c.cost
    return out


def total_funded(result: Iterable[Considered]) -> int:
    return sum(r.cost for r in result if r.funded)
