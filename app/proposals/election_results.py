"""An election's result and public export, from the frozen electorate and the ballots, through
the one pure election tally (app.proposals.election_tally) that `flask tally compute` also runs.
A secret election has no voter→marks link: its verdict comes from the participants and the
per-candidate totals opened at close."""
from sqlalchemy import Integer, func, select, type_coerce

from app.accounts.models import User
from app.extensions import db
from app.proposals import sealing
from app.proposals.election_tally import INVALID, decide_election, tally_election
from app.proposals.elections import candidate_key, parse_choice
from app.proposals.models import ElectorateMember, Proposal, SecretParticipation, SecretVote
from app.proposals.models_election import ElectionCandidate
from app.proposals.tally import Owner, Side, area_text


def ballot_list(proposal: Proposal) -> list[tuple[str, str, str]]:
    """(candidate key, name, unit label) of every candidate on the ballot, in ballot order."""
    return [(candidate_key(position), name, units) for position, name, units in db.session.execute(
        select(ElectionCandidate.position, User.display_name, ElectionCandidate.unit_label)
        .join(User, User.id == ElectionCandidate.user_id)
        .where(ElectionCandidate.proposal_id == proposal.id,
               ElectionCandidate.position.is_not(None))
        .order_by(ElectionCandidate.position))]


def compute(proposal: Proposal, owners: dict[int, Owner], choices: dict[int, str]) -> dict:
    """The result of an open election from every frozen voter's weight and the current
    ballots (both keyed by member id)."""
    listed = ballot_list(proposal)
    ballots = {member_id: parse_choice(choice) for member_id, choice in choices.items()}
    result = tally_election(owners, ballots, [key for key, _, _ in listed],
                            proposal.seats).as_dict()
    return _named(result, listed)


def compute_secret(proposal: Proposal) -> dict:
    """The result of a secret election from the participants and the per-candidate totals."""
    listed = ballot_list(proposal)
    # The stored integer hundredths, as app.proposals.results reads them.
    weight = func.coalesce(func.sum(type_coerce(ElectorateMember.area, Integer)), 0)
    total_owners, total_area = db.session.execute(
        select(func.count(ElectorateMember.id), weight)
        .where(ElectorateMember.proposal_id == proposal.id)).one()
    voted, voted_area = db.session.execute(
        select(func.count(ElectorateMember.id), weight)
        .join(SecretParticipation, SecretParticipation.member_id == ElectorateMember.id)
        .where(SecretParticipation.proposal_id == proposal.id)).one()
    totals = sealing.totals(proposal.id)
    yes = {key: Side(*reversed(totals[key])) for key, _, _ in listed if key in totals}
    result = decide_election(
        seats=proposal.seats, candidates=[key for key, _, _ in listed],
        total_area=int(total_area), total_owners=total_owners,
        participating=Side(int(voted_area), voted), yes=yes,
        invalid=totals.get(INVALID, (0, 0))[0]).as_dict()
    return _named(result, listed)


def _named(result: dict, listed) -> dict:
    """The candidates' names go into the frozen result: the published list is public."""
    result["names"] = {key: name for key, name, _ in listed}
    return result


def _marks(choice: str) -> dict:
    marks = parse_choice(choice)
    return {"invalid": True} if marks == INVALID else {"choices": sorted(marks)}


def export_part(proposal: Proposal, by_id: dict[int, str], current: dict[int, str]) -> dict:
    """The election's own part of the public export: seats, candidates, and the ballots (open)
    or the participants, anonymous votes and per-candidate totals (secret)."""
    listed = ballot_list(proposal)
    part = {"kind": "election", "seats": proposal.seats,
            "candidates": [key for key, _, _ in listed],
            "candidate_names": {key: name for key, name, _ in listed}}
    if not proposal.is_secret:
        part["ballots"] = [{"owner": by_id[mid], **_marks(choice)}
                           for mid, choice in sorted(current.items())]
        return part
    participants = db.session.scalars(select(SecretParticipation.member_id).where(
        SecretParticipation.proposal_id == proposal.id)).all()
    votes = db.session.execute(select(SecretVote.receipt, SecretVote.choice)
                               .where(SecretVote.proposal_id == proposal.id)
                               .order_by(SecretVote.receipt)).all()
    totals = sealing.totals(proposal.id)
    part.update(
        secret=True, participants=sorted(by_id[mid] for mid in participants),
        votes=[{"receipt": receipt, **_marks(choice)} for receipt, choice in votes],
        totals={key: {"votes": totals.get(key, (0, 0))[0],
                      "area": area_text(totals.get(key, (0, 0))[1])}
                for key, _, _ in listed})
    return part
