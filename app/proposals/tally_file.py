"""The public export format of a vote, and its recomputation. Anyone holding the exported
JSON can recount the result with `flask tally compute FILE.json` and get the same figures.

Kinds: "owners" (units with areas and owner keys), "council" (member keys), "consultation"
(voter keys). A choose-one ballot lists its "choices" (opt1, opt2, ..., abstain); otherwise
yes/no/abstain. A secret ballot has no voter→choice link: it lists the "participants" and,
separately, the anonymous "votes" (receipt, choice and, for owners, the voter's frozen area)."""
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


def secret_electorate(voters: dict[str, int], participants, votes) -> tuple[dict, dict]:
    """Replace the participants of a secret ballot by their anonymous votes, each carrying its
    frozen weight: same totals, same splits, and no voter tied to a choice.
    `voters`: key → area in hundredths; `votes`: [(receipt, area, choice)]."""
    owners = {k: Owner(k, a, ()) for k, a in voters.items() if k not in participants}
    ballots = {}
    for receipt, area, choice in votes:
        key = f"vote-{receipt}"
        owners[key] = Owner(key, area, ())
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


def _secret_votes(doc: dict, voters: dict[str, int], choices, with_area: bool):
    """Check the participants and the anonymous votes of a secret ballot against each other."""
    participants, votes = doc.get("participants"), doc.get("votes")
    if not isinstance(participants, list) or not isinstance(votes, list):
        raise TallyError("a secret ballot needs 'participants' and 'votes' lists")
    seen: set[str] = set()
    for key in map(str, participants):
        if key not in voters:
            raise TallyError(f"participant {key!r} is not in the electorate")
        if key in seen:
            raise TallyError(f"participant {key!r} is listed twice")
        seen.add(key)
    rows, receipts = [], set()
    for n, vote in enumerate(votes, start=1):
        if not isinstance(vote, dict) or not {"receipt", "choice"} <= vote.keys() or (
                with_area and "area" not in vote):
            raise TallyError(f"vote #{n} needs 'receipt', 'choice'"
                             + (" and 'area'" if with_area else ""))
        receipt, choice = str(vote["receipt"]), vote["choice"]
        if receipt in receipts:
            raise TallyError(f"vote #{n}: receipt {receipt!r} is listed twice")
        receipts.add(receipt)
        if choice not in choices:
            raise TallyError(f"vote #{n}: unknown choice {choice!r} ({', '.join(choices)})")
        rows.append((receipt, parse_area(vote["area"]) if with_area else 0, choice))
    if len(rows) != len(seen):
        raise TallyError(f"{len(rows)} votes for {len(seen)} participants")
    if with_area and sorted(a for _, a, _ in rows) != sorted(voters[k] for k in seen):
        raise TallyError("the areas of the votes do not match the areas of the participants")
    return secret_electorate(voters, seen, rows)


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
