"""The public export format of a vote, and its recomputation. Anyone holding the exported
JSON can recount the result with `flask tally compute FILE.json` and get the same figures.

Kinds: "owners" (units with areas and owner keys), "council" (member keys), "consultation"
(voter keys). An owners' decision scoped to some buildings or units (列支范围) lists only the
units in its scope and names it in a descriptive "scope" text. A choose-one ballot lists its
"choices" (opt1, opt2, ..., abstain); otherwise yes/no/abstain. A secret ballot has no
voter→choice link: it lists the "participants" and, separately, the anonymous "votes"
(receipt and choice, no weight) and the "totals" per choice (votes and, for owners, area),
which the votes and the participants are checked against."""
from app.proposals.tally import (
    ABSTAIN,
    DEVELOPER,
    SIMPLE_CHOICES,
    Owner,
    TallyError,
    owners_from_units,
    parse_area,
    tally_consultation,
    tally_council,
    tally_owners,
)


def owners_verdict(owners: dict[str, Owner], ballots: dict[str, str], matter: int, *,
                   choices: tuple[str, ...] = SIMPLE_CHOICES,
                   silent_majority: bool = False) -> dict:
    """The result of an owners' decision as a dict. A 同意/反对/弃权 ballot is the tally of
    "yes"; a choose-one ballot is tallied once per option (each against the same threshold),
    its first option's figures are the main ones, and it passes if an option passes.
    The web result (app.proposals.results) and `flask tally compute` both call this."""
    agree = ["yes"] if choices == SIMPLE_CHOICES else [c for c in choices if c != ABSTAIN]
    results = {c: tally_owners(owners, ballots, matter, choices=choices, agree_choice=c,
                               silent_majority=silent_majority) for c in agree}
    main = results[agree[0]].as_dict()
    if choices != SIMPLE_CHOICES:
        main["choices"] = list(choices)
        main["options"] = {c: {"passed": r.raw.passed} for c, r in results.items()}
        main["passed"] = any(r.raw.passed for r in results.values())
    return main


def secret_electorate(voters: dict[str, int], participants,
                      totals: dict[str, tuple[int, int]]) -> tuple[dict, dict]:
    """Replace the participants of a secret ballot by its totals per choice (votes, area in
    hundredths): a tally depends only on the sums of heads and areas per side, so each choice
    becomes that many anonymous voters, the first carrying the choice's whole area. Same
    figures, no voter tied to a choice. `voters`: key → area in hundredths."""
    owners = {k: Owner(k, a, ()) for k, a in voters.items() if k not in participants}
    ballots = {}
    for choice, (count, area) in sorted(totals.items()):
        for n in range(count):
            key = f"vote-{choice}-{n + 1}"
            owners[key] = Owner(key, area if n == 0 else 0, ())
            ballots[key] = choice
    return owners, ballots


def _choices(doc: dict, allowed=None) -> tuple[str, ...]:
    choices = doc.get("choices", list(SIMPLE_CHOICES))
    if (not isinstance(choices, list) or len(choices) < 2
            or not all(isinstance(c, str) and c for c in choices)
            or len(set(choices)) != len(choices)):
        raise TallyError("'choices' must be a list of at least two distinct names")
    if allowed is not None and tuple(choices) != allowed:
        raise TallyError(f"'choices' must be {list(allowed)} for this kind")
    return tuple(choices)


def _ballot_map(ballots, voter_key: str, choices: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(ballots, list):
        raise TallyError("'ballots' must be a list")
    result: dict[str, str] = {}
    for n, ballot in enumerate(ballots, start=1):
        if not isinstance(ballot, dict) or voter_key not in ballot or "choice" not in ballot:
            raise TallyError(f"ballot #{n} needs '{voter_key}' and 'choice'")
        voter, choice = str(ballot[voter_key]), ballot["choice"]
        if voter in result:
            raise TallyError(f"ballot #{n}: {voter_key} {voter!r} has already voted")
        if choice not in choices:
            raise TallyError(f"ballot #{n}: unknown choice {choice!r} ({', '.join(choices)})")
        result[voter] = choice
    return result


def _participants(doc: dict, voters: dict[str, int]) -> set[str]:
    participants = doc.get("participants")
    if not isinstance(participants, list):
        raise TallyError("a secret ballot needs a 'participants' list")
    seen: set[str] = set()
    for key in map(str, participants):
        if key not in voters:
            raise TallyError(f"participant {key!r} is not in the electorate")
        if key in seen:
            raise TallyError(f"participant {key!r} is listed twice")
        seen.add(key)
    return seen


def _vote_counts(doc: dict, choices) -> dict[str, int]:
    votes = doc.get("votes")
    if not isinstance(votes, list):
        raise TallyError("a secret ballot needs a 'votes' list")
    counts, receipts = dict.fromkeys(choices, 0), set()
    for n, vote in enumerate(votes, start=1):
        if not isinstance(vote, dict) or not {"receipt", "choice"} <= vote.keys():
            raise TallyError(f"vote #{n} needs 'receipt' and 'choice'")
        receipt, choice = str(vote["receipt"]), vote["choice"]
        if receipt in receipts:
            raise TallyError(f"vote #{n}: receipt {receipt!r} is listed twice")
        receipts.add(receipt)
        if choice not in choices:
            raise TallyError(f"vote #{n}: unknown choice {choice!r} ({', '.join(choices)})")
        counts[choice] += 1
    return counts


def _secret_votes(doc: dict, voters: dict[str, int], choices, with_area: bool):
    """Check a secret ballot's participants, anonymous votes and totals against each other:
    as many votes as participants, the votes per choice as in the totals, and (owners) the
    totals' areas adding up to the participants' frozen areas."""
    seen = _participants(doc, voters)
    counts = _vote_counts(doc, choices)
    if sum(counts.values()) != len(seen):
        raise TallyError(f"{sum(counts.values())} votes for {len(seen)} participants")
    given = doc.get("totals")
    if given is None and not with_area:
        given = {c: {"votes": n} for c, n in counts.items()}
    if not isinstance(given, dict):
        raise TallyError("a secret ballot needs 'totals': choice → votes" +
                         (" and area" if with_area else ""))
    totals: dict[str, tuple[int, int]] = {}
    for choice, row in given.items():
        if choice not in choices or not isinstance(row, dict) or not isinstance(
                row.get("votes"), int) or isinstance(row.get("votes"), bool):
            raise TallyError(f"totals of {choice!r}: needs a known choice and integer 'votes'")
        area = 0
        if with_area:
            area = parse_area(row["area"]) if row.get("area") not in (None, "0", "0.00") else 0
        totals[choice] = (row["votes"], area)
    for choice, n in counts.items():
        if totals.get(choice, (0, 0))[0] != n:
            raise TallyError(f"totals of {choice!r}: {totals.get(choice, (0, 0))[0]} votes, "
                             f"but the votes list has {n}")
    if with_area and sum(a for _, a in totals.values()) != sum(voters[k] for k in seen):
        raise TallyError("the areas of the totals do not add up to the participants' areas")
    return secret_electorate(voters, seen, totals)


def _owners_document(doc: dict) -> dict:
    matter = doc.get("matter")
    if isinstance(matter, bool) or not isinstance(matter, int):
        raise TallyError("'matter' must be an integer 1–9")
    units = doc.get("units")
    if not isinstance(units, list) or not units:
        raise TallyError("'units' must be a non-empty list")
    rows = []
    for n, unit in enumerate(units, start=1):
        if not isinstance(unit, dict) or not {"unit", "area", "owner"} <= unit.keys():
            raise TallyError(f"unit #{n} needs 'unit', 'area' and 'owner'")
        try:
            area = parse_area(unit["area"])
        except TallyError as exc:
            raise TallyError(f"unit #{n} ({unit['unit']}): {exc}") from None
        rows.append((str(unit["unit"]), area, str(unit["owner"])))
    owners = owners_from_units(rows)
    choices = _choices(doc)
    if doc.get("secret") is True:
        owners_in, ballots = _secret_votes(doc, {k: o.area for k, o in owners.items()}, choices,
                                           with_area=True)
    else:
        owners_in, ballots = owners, _ballot_map(doc.get("ballots", []), "owner", choices)
    silent = doc.get("silent_majority", False)
    if not isinstance(silent, bool):
        raise TallyError("'silent_majority' must be true or false")
    out = owners_verdict(owners_in, ballots, matter, choices=choices, silent_majority=silent)
    out["developer_units"] = len(owners[DEVELOPER].units) if DEVELOPER in owners else 0
    scope = doc.get("scope")
    if scope is not None:
        # Descriptive only (列支范围): the file's units are already those of the scope.
        if not isinstance(scope, str):
            raise TallyError("'scope' must be a text naming the buildings or units")
        out["scope"] = scope
    return out


def _voters(doc: dict, name: str) -> list[str]:
    voters = doc.get(name)
    if not isinstance(voters, list) or not voters:
        raise TallyError(f"'{name}' must be a non-empty list")
    return [str(m) for m in voters]


def _council_document(doc: dict) -> dict:
    members = _voters(doc, "members")
    choices = _choices(doc, allowed=SIMPLE_CHOICES)
    if doc.get("secret") is True:
        keyed, ballots = _secret_votes(doc, dict.fromkeys(members, 0), choices, with_area=False)
        members = list(keyed)
    else:
        ballots = _ballot_map(doc.get("ballots", []), "member", choices)
    two_thirds = doc.get("threshold") == "2/3"
    return tally_council(members, ballots, two_thirds=two_thirds).as_dict()


def _consultation_document(doc: dict) -> dict:
    voters = _voters(doc, "voters")
    choices = _choices(doc)
    if doc.get("secret") is True:
        _, ballots = _secret_votes(doc, dict.fromkeys(voters, 0), choices, with_area=False)
    else:
        ballots = _ballot_map(doc.get("ballots", []), "voter", choices)
        if unknown := sorted(set(ballots) - set(voters)):
            raise TallyError(f"ballot from {unknown[0]!r}, who is not a voter")
    return consultation_verdict(len(voters), ballots, choices)


def consultation_verdict(total_voters: int, ballots: dict[str, str], choices) -> dict:
    """Resident consultation: counts only, advisory (no quorum, no verdict)."""
    return {"kind": "consultation", "total_voters": total_voters,
            "participating": len(ballots), "counts": tally_consultation(ballots, choices),
            "passed": None}


def compute_document(doc) -> dict:
    """Recount a vote from its export. Raises TallyError naming the first bad record."""
    if not isinstance(doc, dict):
        raise TallyError("the file must hold a JSON object")
    kind = doc.get("kind")
    if kind == "owners":
        return _owners_document(doc)
    if kind == "council":
        return _council_document(doc)
    if kind == "consultation":
        return _consultation_document(doc)
    raise TallyError(f"unknown kind {kind!r} (owners, council or consultation)")
