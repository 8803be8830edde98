"""The public export format of a vote, and its recomputation. Anyone holding the exported
JSON can recount the result with `flask tally compute FILE.json` and get the same figures.

Kinds: "owners" (units with areas and owner keys), "council" (member keys), "consultation"
(voter keys), "election" (units as for owners, the "seats" and "candidates", and per ballot the
candidates it marks as "choices", or "invalid": true). An owners' decision scoped to some
buildings or units (列支范围) lists only the units in its scope and names it in a descriptive
"scope" text. A choose-one ballot lists its "choices" (opt1, opt2, ..., abstain); otherwise
yes/no/abstain. A secret ballot has no voter→choice link: it lists the "participants" and,
separately, the anonymous "votes" (receipt and choice, or for an election the candidates marked;
no weight) and the "totals" per choice or candidate (votes and, for owners, area), which the
votes and the participants are checked against."""
from app.proposals.election_tally import INVALID, check_race, decide_election, tally_election
from app.proposals.tally import (
    ABSTAIN,
    DEVELOPER,
    SIMPLE_CHOICES,
    Owner,
    Side,
    TallyError,
    area_text,
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


def _document_owners(doc: dict) -> dict[str, Owner]:
    """The electorate of an owners' decision or an election: its 'units' grouped into owners."""
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
    return owners_from_units(rows)


def _developer_units(owners: dict[str, Owner]) -> int:
    return len(owners[DEVELOPER].units) if DEVELOPER in owners else 0


def _owners_document(doc: dict) -> dict:
    matter = doc.get("matter")
    if isinstance(matter, bool) or not isinstance(matter, int):
        raise TallyError("'matter' must be an integer 1–9")
    owners = _document_owners(doc)
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
    out["developer_units"] = _developer_units(owners)
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


def _election_race(doc: dict) -> tuple[int, list[str]]:
    if doc.get("matter", 3) != 3:
        raise TallyError("an election is matter 3 of 民法典 第二百七十八条")
    candidates = doc.get("candidates")
    if not isinstance(candidates, list) or not candidates:
        raise TallyError("'candidates' must be a non-empty list")
    seats = doc.get("seats")
    check_race(seats, candidates)
    return seats, candidates


def _marks(record: dict, label: str, candidates: list[str], seats: int) -> frozenset[str] | str:
    """The candidates a ballot or vote marks, or INVALID (a paper ballot marking too many)."""
    if "choices" in record and "invalid" in record:
        raise TallyError(f"{label} has both 'choices' and 'invalid'")
    if "invalid" in record:
        if record["invalid"] is not True:
            raise TallyError(f"{label}: 'invalid' can only be true")
        return INVALID
    choices = record.get("choices")
    if not isinstance(choices, list):
        raise TallyError(f"{label} needs 'choices' (a list, maybe empty) or 'invalid': true")
    seen: set[str] = set()
    for choice in choices:
        if choice not in candidates:
            raise TallyError(f"{label}: {choice!r} is not a candidate")
        if choice in seen:
            raise TallyError(f"{label} marks {choice!r} twice")
        seen.add(choice)
    if len(seen) > seats:
        raise TallyError(f"{label} marks {len(seen)} candidates for {seats} seats")
    return frozenset(seen)


def _election_ballots(doc: dict, owners: dict[str, Owner], candidates: list[str],
                      seats: int) -> dict[str, frozenset[str] | str]:
    ballots = doc.get("ballots", [])
    if not isinstance(ballots, list):
        raise TallyError("'ballots' must be a list")
    result: dict[str, frozenset[str] | str] = {}
    for n, ballot in enumerate(ballots, start=1):
        if not isinstance(ballot, dict) or "owner" not in ballot:
            raise TallyError(f"ballot #{n} needs 'owner'")
        owner = str(ballot["owner"])
        if owner not in owners:
            raise TallyError(f"ballot #{n}: owner {owner!r} is not in the electorate")
        if owner in result:
            raise TallyError(f"ballot #{n}: owner {owner!r} has already voted")
        result[owner] = _marks(ballot, f"ballot #{n}", candidates, seats)
    return result


def _zero_or_area(value) -> int:
    if value is None or (type(value) is int and value == 0) or value in ("0", "0.0", "0.00"):
        return 0
    return parse_area(value)


def _secret_election(doc: dict, owners: dict[str, Owner], candidates: list[str],
                     seats: int) -> dict:
    """Check a secret election's participants, anonymous votes and per-candidate totals against
    each other (as many votes as participants; each candidate's votes as in the list; each
    candidate's area one that as many participants can hold together) and decide on the totals."""
    areas = {k: o.area for k, o in owners.items()}
    seen = _participants(doc, areas)
    votes = doc.get("votes")
    if not isinstance(votes, list):
        raise TallyError("a secret ballot needs a 'votes' list")
    counts, receipts, invalid = dict.fromkeys(candidates, 0), set(), 0
    for n, vote in enumerate(votes, start=1):
        if not isinstance(vote, dict) or "receipt" not in vote:
            raise TallyError(f"vote #{n} needs 'receipt'")
        receipt = str(vote["receipt"])
        if receipt in receipts:
            raise TallyError(f"vote #{n}: receipt {receipt!r} is listed twice")
        receipts.add(receipt)
        marks = _marks(vote, f"vote #{n}", candidates, seats)
        if marks == INVALID:
            invalid += 1
        else:
            for candidate in marks:
                counts[candidate] += 1
    if len(votes) != len(seen):
        raise TallyError(f"{len(votes)} votes for {len(seen)} participants")
    given = doc.get("totals")
    if not isinstance(given, dict):
        raise TallyError("a secret election needs 'totals': candidate → votes and area")
    held = sorted(areas[k] for k in seen)
    yes: dict[str, Side] = {}
    for candidate, row in given.items():
        if candidate not in candidates:
            raise TallyError(f"totals of {candidate!r}: not a candidate")
        votes_n = row.get("votes") if isinstance(row, dict) else None
        if isinstance(votes_n, bool) or not isinstance(votes_n, int) or votes_n < 0:
            raise TallyError(f"totals of {candidate!r}: needs integer 'votes' and 'area'")
        try:
            area = _zero_or_area(row.get("area"))
        except TallyError as exc:
            raise TallyError(f"totals of {candidate!r}: {exc}") from None
        yes[candidate] = Side(area, votes_n)
    for candidate, n in counts.items():
        side = yes.get(candidate, Side())
        if side.owners != n:
            raise TallyError(f"totals of {candidate!r}: {side.owners} votes, "
                             f"but the votes list has {n}")
        if not sum(held[:n]) <= side.area <= sum(held[len(held) - n:]):
            raise TallyError(f"totals of {candidate!r}: area {area_text(side.area)} cannot be "
                             f"held by {n} of the participants")
    return decide_election(seats=seats, candidates=candidates,
                           total_area=sum(areas.values()), total_owners=len(owners),
                           participating=Side(sum(held), len(held)), yes=yes,
                           invalid=invalid).as_dict()


def _election_document(doc: dict) -> dict:
    seats, candidates = _election_race(doc)
    owners = _document_owners(doc)
    if doc.get("secret") is True:
        out = _secret_election(doc, owners, candidates, seats)
    else:
        ballots = _election_ballots(doc, owners, candidates, seats)
        out = tally_election(owners, ballots, candidates, seats).as_dict()
    out["developer_units"] = _developer_units(owners)
    return out


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
    if kind == "election":
        return _election_document(doc)
    raise TallyError(f"unknown kind {kind!r} (owners, council, consultation or election)")
