"""From frozen electorate and current ballots to a result, through the one pure tally."""
from sqlalchemy import Integer, case, func, select, type_coerce

from app.extensions import db
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    ElectorateUnit,
    Proposal,
    SecretParticipation,
    SecretVote,
)
from app.proposals.tally import (
    Owner,
    area_text,
    parse_area,
    tally_consultation,
    tally_council,
    tally_owners,
)


def _hundredths(area) -> int:
    return parse_area(area) if area else 0


# The stored integer hundredths, read without converting through Decimal (tallies are hot).
RAW_AREA = type_coerce(ElectorateMember.area, Integer)


def _member_weights(proposal: Proposal) -> dict[str, int]:
    return dict(db.session.execute(select(ElectorateMember.voter_key, RAW_AREA).where(
        ElectorateMember.proposal_id == proposal.id)).all())


def current_choices(proposal: Proposal) -> dict[int, str]:
    """member id → choice of the ballot that counts (the last, if changes were allowed)."""
    return dict(db.session.execute(select(Ballot.member_id, Ballot.choice).where(
        Ballot.proposal_id == proposal.id, Ballot.superseded_at.is_(None))).all())


def _current_choices_by_key(proposal: Proposal) -> dict[str, str]:
    return dict(db.session.execute(
        select(ElectorateMember.voter_key, Ballot.choice)
        .join(ElectorateMember, ElectorateMember.id == Ballot.member_id)
        .where(Ballot.proposal_id == proposal.id, Ballot.superseded_at.is_(None))).all())


def turnout(proposal: Proposal) -> dict:
    """Running participation against the quorum; no split of the votes."""
    model = SecretParticipation if proposal.is_secret else Ballot
    voted = select(model.member_id).where(model.proposal_id == proposal.id)
    if model is Ballot:
        voted = voted.where(Ballot.superseded_at.is_(None))
    voted_ids = voted.subquery()
    row = db.session.execute(select(
        func.count(ElectorateMember.id), func.coalesce(func.sum(RAW_AREA), 0),
        func.count(voted_ids.c.member_id),
        func.coalesce(func.sum(case((voted_ids.c.member_id.is_not(None), RAW_AREA))), 0),
    ).select_from(ElectorateMember)
        .outerjoin(voted_ids, voted_ids.c.member_id == ElectorateMember.id)
        .where(ElectorateMember.proposal_id == proposal.id)).one()
    total, total_area, voted_count, voted_area = (int(x) for x in row)
    return {"total_voters": total, "voted": voted_count,
            "total_area": area_text(total_area), "voted_area": area_text(voted_area),
            "total_area_h": total_area, "voted_area_h": voted_area}


def _choice_labels(proposal: Proposal) -> tuple[str, ...]:
    from app.proposals.ballots import choices_of
    return choices_of(proposal)


def compute(proposal: Proposal) -> dict:
    """The result as a plain dict (stored, shown, exported)."""
    choices = _choice_labels(proposal)
    weights = _member_weights(proposal)
    if proposal.is_secret:
        owners, ballots = _secret_inputs(proposal, weights)
    else:
        owners = {key: Owner(key, area, ()) for key, area in weights.items()}
        ballots = _current_choices_by_key(proposal)
    if proposal.kind == "owners":
        agree = [c for c in choices if c != "abstain"] if proposal.options else ["yes"]
        results = {c: tally_owners(owners, ballots, proposal.matter, choices=choices,
                                   agree_choice=c, silent_majority=proposal.silent_majority)
                   for c in agree}
        main = results[agree[0]].as_dict()
        if proposal.options:
            main["options"] = {c: {"passed": r.raw.passed} for c, r in results.items()}
            main["passed"] = any(r.raw.passed for r in results.values())
        return main
    if proposal.kind == "council":
        return tally_council(owners.keys(), ballots,
                             two_thirds=proposal.council_two_thirds).as_dict()
    counts = tally_consultation(ballots, choices)
    return {"kind": "consultation", "total_voters": len(owners), "participating": len(ballots),
            "counts": counts, "passed": None}


def _secret_inputs(proposal, weights: dict[str, int]):
    """Secret ballots have no voter→choice link. Participants are replaced by their anonymous
    votes (each carrying its frozen weight), which gives the same totals and splits."""
    voted = set(db.session.scalars(
        select(ElectorateMember.voter_key)
        .join(SecretParticipation, SecretParticipation.member_id == ElectorateMember.id)
        .where(SecretParticipation.proposal_id == proposal.id)))
    owners = {key: Owner(key, area, ()) for key, area in weights.items() if key not in voted}
    ballots = {}
    for vote in db.session.scalars(select(SecretVote).where(
            SecretVote.proposal_id == proposal.id).order_by(SecretVote.receipt)):
        key = f"vote-{vote.receipt}"
        owners[key] = Owner(key, _hundredths(vote.area), ())
        ballots[key] = vote.choice
    return owners, ballots


def export_document(proposal: Proposal) -> dict:
    """The public export: enough to recount the result with `flask tally compute`.
    Units and areas, owner-party keys (never names or phones), and the ballots."""
    if proposal.kind == "council":
        members = db.session.scalars(select(ElectorateMember.voter_key).where(
            ElectorateMember.proposal_id == proposal.id).order_by(ElectorateMember.id)).all()
        by_id = dict(db.session.execute(select(ElectorateMember.id, ElectorateMember.voter_key)
                                        .where(ElectorateMember.proposal_id == proposal.id)).all())
        return {"kind": "council", "proposal": proposal.id,
                "threshold": "2/3" if proposal.council_two_thirds else "1/2",
                "members": list(members),
                "ballots": [{"member": by_id[mid], "choice": c}
                            for mid, c in sorted(current_choices(proposal).items())]}
    rows = db.session.execute(
        select(ElectorateUnit.unit_number, ElectorateUnit.area, ElectorateMember.voter_key)
        .join(ElectorateMember, ElectorateMember.id == ElectorateUnit.member_id)
        .where(ElectorateUnit.proposal_id == proposal.id).order_by(ElectorateUnit.id)).all()
    by_id = dict(db.session.execute(select(ElectorateMember.id, ElectorateMember.voter_key)
                                    .where(ElectorateMember.proposal_id == proposal.id)).all())
    return {
        "kind": "owners", "proposal": proposal.id, "matter": proposal.matter,
        "silent_majority": proposal.silent_majority,
        "units": [{"unit": n, "area": format(a, "f"), "owner": k} for n, a, k in rows],
        "ballots": [{"owner": by_id[mid], "choice": c}
                    for mid, c in sorted(current_choices(proposal).items())],
    }
