"""The tally: pure functions, exact arithmetic, no database. The web result page, the public
export and `flask tally compute` all call these, so there is one definition of a count.

Areas are integers in hundredths of m². Every comparison is between integers (cross-multiplied
fractions); no float ever enters a tally.

Law (DESIGN §3):
- 民法典 第二百七十八条: owners' joint decisions need participants holding ≥ 2/3 of the exclusive
  area AND being ≥ 2/3 of the owners; matters 6–8 pass with ≥ 3/4 of participating area AND
  owners agreeing, the others with > 1/2 of both.
- 民法典 第一千二百五十九条: "以上" includes the boundary, "过半数/超过" does not.
- 建筑物区分所有权司法解释 第八、九条: one unit one owner, but one person (or the same co-owners)
  holding several units counts once with the areas summed; all units the developer has not sold
  count together as one owner.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

DEVELOPER = "developer"
YES, NO, ABSTAIN = "yes", "no", "abstain"
SIMPLE_CHOICES = (YES, NO, ABSTAIN)
SPECIAL_MATTERS = frozenset({6, 7, 8})
QUORUM = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS = Fraction(3, 4)


class TallyError(ValueError):
    """Input that cannot be counted: the message says which record and why."""


def at_least(part: int, whole: int, ratio: Fraction) -> bool:
    """part/whole ≥ ratio ("以上": the boundary counts). Zero of zero is not a majority."""
    if whole == 0:
        return False
    return part * ratio.denominator >= whole * ratio.numerator


def more_than(part: int, whole: int, ratio: Fraction) -> bool:
    """part/whole > ratio ("过半数": the boundary does not count)."""
    if whole == 0:
        return False
    return part * ratio.denominator > whole * ratio.numerator


def area_text(hundredths: int) -> str:
    return format((Decimal(hundredths) / 100).quantize(Decimal("0.01")), "f")


def parse_area(value) -> int:
    """'89.50' → 8950. Only digits with at most two decimals; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TallyError(f"area must be a string or integer, not {type(value).__name__}: {value!r}")
    text = str(value).strip()
    whole, _, frac = text.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
        raise TallyError(f"malformed area: {value!r}")
    hundredths = int(whole) * 100 + int((frac + "00")[:2])
    if hundredths <= 0:
        raise TallyError(f"area must be positive: {value!r}")
    return hundredths


@dataclass(frozen=True)
class Owner:
    """One voter in an owners' decision: a person, a fixed set of co-owners, or the developer."""

    key: str
    area: int
    units: tuple[str, ...]


def owners_from_units(units: Iterable[tuple[str, int, str]]) -> dict[str, Owner]:
    """Group (unit label, area in hundredths, owner key) into owners; developer-held units
    (owner key DEVELOPER) become one owner. A unit listed twice is an error."""
    areas: dict[str, int] = {}
    labels: dict[str, list[str]] = {}
    seen: set[str] = set()
    for label, area, owner in units:
        if label in seen:
            raise TallyError(f"unit {label} is listed twice")
        seen.add(label)
        if not owner:
            raise TallyError(f"unit {label} has no owner")
        areas[owner] = areas.get(owner, 0) + area
        labels.setdefault(owner, []).append(label)
    return {k: Owner(k, areas[k], tuple(labels[k])) for k in areas}


@dataclass
class Side:
    area: int = 0
    owners: int = 0

    def add(self, owner: Owner) -> None:
        self.area += owner.area
        self.owners += 1


@dataclass
class OwnersTally:
    """Raw counts of an owners' joint decision and the verdict on them."""

    matter: int
    total_area: int
    total_owners: int
    participating: Side
    sides: dict[str, Side]
    quorum_met: bool
    passed: bool
    threshold: str
    deemed_choice: str | None = None  # set on the deemed tally when silence counts

    def as_dict(self) -> dict:
        result = {
            "kind": "owners",
            "matter": self.matter,
            "threshold": self.threshold,
            "quorum": "2/3",
            "quorum_met": self.quorum_met,
            "passed": self.passed,
            "total_area": area_text(self.total_area),
            "total_owners": self.total_owners,
            "participating_area": area_text(self.participating.area),
            "participating_owners": self.participating.owners,
        }
        for choice, side in self.sides.items():
            result[f"{choice}_area"] = area_text(side.area)
            result[f"{choice}_owners"] = side.owners
        return result


@dataclass
class OwnersResult:
    raw: OwnersTally
    deemed: OwnersTally | None = None  # only when the compound's rules let silence count
    rule: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        result = self.raw.as_dict()
        result["rule"] = self.rule
        if self.deemed is not None:
            result["silent_majority"] = True
            result["deemed"] = self.deemed.as_dict()
            result["deemed"]["deemed_choice"] = self.deemed.deemed_choice
        else:
            result["silent_majority"] = False
        return result


def threshold_for(matter: int) -> tuple[str, Fraction, bool]:
    """(label, ratio, inclusive) for a matter of 民法典 第二百七十八条."""
    if not 1 <= matter <= 9:
        raise TallyError(f"matter must be 1–9 (民法典 第二百七十八条), got {matter!r}")
    if matter in SPECIAL_MATTERS:
        return "3/4", THREE_QUARTERS, True
    return "1/2", HALF, False


def _verdict(matter, total_area, total_owners, participating, sides, agree_choice):
    label, ratio, inclusive = threshold_for(matter)
    quorum_met = (at_least(participating.area, total_area, QUORUM)
                  and at_least(participating.owners, total_owners, QUORUM))
    agree = sides[agree_choice]
    compare = at_least if inclusive else more_than
    agreed = (compare(agree.area, participating.area, ratio)
              and compare(agree.owners, participating.owners, ratio))
    return OwnersTally(matter, total_area, total_owners, participating, sides,
                       quorum_met, quorum_met and agreed, label)


def tally_owners(owners: Mapping[str, Owner], ballots: Mapping[str, str], matter: int, *,
                 choices: tuple[str, ...] = SIMPLE_CHOICES, agree_choice: str = YES,
                 silent_majority: bool = False) -> OwnersResult:
    """Count an owners' joint decision. `ballots` maps owner key → choice (one per owner:
    the caller has already resolved superseded ballots). Abstentions participate but do not
    agree; owners without a ballot do not participate."""
    label, _, _ = threshold_for(matter)
    total_area = sum(o.area for o in owners.values())
    sides = {c: Side() for c in choices}
    participating = Side()
    for key, choice in ballots.items():
        owner = owners.get(key)
        if owner is None:
            raise TallyError(f"ballot from {key!r}, who is not in the electorate")
        if choice not in sides:
            raise TallyError(f"unknown choice {choice!r} in the ballot of {key!r}")
        sides[choice].add(owner)
        participating.add(owner)
    raw = _verdict(matter, total_area, len(owners), participating, sides, agree_choice)
    rule = ("民法典 第二百七十八条：参与表决的业主专有部分面积和人数均达到三分之二以上；"
            + ("经参与表决专有部分面积四分之三以上且人数四分之三以上的业主同意"
               if label == "3/4" else
               "经参与表决专有部分面积过半数且人数过半数的业主同意"))
    result = OwnersResult(raw=raw, rule=rule)
    if silent_majority:
        result.deemed = _deemed(owners, ballots, matter, choices, agree_choice, raw)
    return result


def _deemed(owners, ballots, matter, choices, agree_choice, raw):
    """未投票视为同意多数: non-voters are deemed to side with whichever choice a majority of
    voters (by area AND by head count) took; with no such majority nobody is deemed."""
    majority = next((c for c in choices
                     if more_than(raw.sides[c].area, raw.participating.area, HALF)
                     and more_than(raw.sides[c].owners, raw.participating.owners, HALF)), None)
    sides = {c: Side(s.area, s.owners) for c, s in raw.sides.items()}
    participating = Side(raw.participating.area, raw.participating.owners)
    if majority is not None:
        for key, owner in owners.items():
            if key not in ballots:
                sides[majority].add(owner)
                participating.add(owner)
    tally = _verdict(matter, raw.total_area, raw.total_owners, participating, sides, agree_choice)
    tally.deemed_choice = majority
    return tally


@dataclass
class CouncilResult:
    total_members: int
    participating: int
    counts: dict[str, int]
    quorum_met: bool
    passed: bool
    threshold: str

    def as_dict(self) -> dict:
        result = {"kind": "council", "threshold": self.threshold, "quorum": "1/2",
                  "total_members": self.total_members, "participating": self.participating,
                  "quorum_met": self.quorum_met, "passed": self.passed}
        result.update({f"{c}_members": n for c, n in self.counts.items()})
        return result


def tally_council(members: Iterable[str], ballots: Mapping[str, str], *,
                  two_thirds: bool = False) -> CouncilResult:
    """Council / committee resolution: more than half of ALL members take part, and more than
    half of ALL members agree (全体委员半数以上), or two thirds of all when the compound says so.
    No proxies: one member, one ballot."""
    members = list(members)
    if len(set(members)) != len(members):
        raise TallyError("a member is listed twice")
    roster = set(members)
    counts = dict.fromkeys(SIMPLE_CHOICES, 0)
    for member, choice in ballots.items():
        if member not in roster:
            raise TallyError(f"ballot from {member!r}, who is not a member")
        if choice not in counts:
            raise TallyError(f"unknown choice {choice!r} in the ballot of {member!r}")
        counts[choice] += 1
    total = len(members)
    quorum_met = more_than(len(ballots), total, HALF)
    if two_thirds:
        agreed, label = at_least(counts[YES], total, Fraction(2, 3)), "2/3"
    else:
        agreed, label = more_than(counts[YES], total, HALF), "1/2"
    return CouncilResult(total, len(ballots), counts, quorum_met, quorum_met and agreed, label)


def tally_consultation(ballots: Mapping[str, str], choices: tuple[str, ...]) -> dict[str, int]:
    """Resident consultation: one person one vote, advisory; counts only."""
    counts = dict.fromkeys(choices, 0)
    for voter, choice in ballots.items():
        if choice not in counts:
            raise TallyError(f"unknown choice {choice!r} in the ballot of {voter!r}")
        counts[choice] += 1
    return counts
