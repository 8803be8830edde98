"""The public export format of a vote, and its recomputation. Anyone holding the exported
JSON can recount the result with `flask tally compute FILE.json` and get the same figures."""
from app.proposals.tally import (
    DEVELOPER,
    SIMPLE_CHOICES,
    TallyError,
    owners_from_units,
    parse_area,
    tally_council,
    tally_owners,
)


def _ballot_map(ballots, voter_key: str) -> dict[str, str]:
    if not isinstance(ballots, list):
        raise TallyError("'ballots' must be a list")
    result: dict[str, str] = {}
    for n, ballot in enumerate(ballots, start=1):
        if not isinstance(ballot, dict) or voter_key not in ballot or "choice" not in ballot:
            raise TallyError(f"ballot #{n} needs '{voter_key}' and 'choice'")
        voter, choice = str(ballot[voter_key]), ballot["choice"]
        if voter in result:
            raise TallyError(f"ballot #{n}: {voter_key} {voter!r} has already voted")
        if choice not in SIMPLE_CHOICES:
            raise TallyError(f"ballot #{n}: unknown choice {choice!r} (yes, no or abstain)")
        result[voter] = choice
    return result


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
    ballots = _ballot_map(doc.get("ballots", []), "owner")
    silent = doc.get("silent_majority", False)
    if not isinstance(silent, bool):
        raise TallyError("'silent_majority' must be true or false")
    result = tally_owners(owners, ballots, matter, silent_majority=silent)
    out = result.as_dict()
    out["developer_units"] = len(owners[DEVELOPER].units) if DEVELOPER in owners else 0
    return out


def _council_document(doc: dict) -> dict:
    members = doc.get("members")
    if not isinstance(members, list) or not members:
        raise TallyError("'members' must be a non-empty list")
    ballots = _ballot_map(doc.get("ballots", []), "member")
    two_thirds = doc.get("threshold") == "2/3"
    return tally_council([str(m) for m in members], ballots, two_thirds=two_thirds).as_dict()


def compute_document(doc) -> dict:
    """Recount a vote from its export. Raises TallyError naming the first bad record."""
    if not isinstance(doc, dict):
        raise TallyError("the file must hold a JSON object")
    kind = doc.get("kind")
    if kind == "owners":
        return _owners_document(doc)
    if kind == "council":
        return _council_document(doc)
    raise TallyError(f"unknown kind {kind!r} (owners or council)")
