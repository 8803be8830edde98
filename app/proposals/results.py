"""From frozen electorate and current ballots to a result, through the one pure tally."""
from sqlalchemy import Integer, bindparam, case, func, select, type_coerce

from app.extensions import db
from app.proposals import election_results, elections, sealing
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    ElectorateUnit,
    Proposal,
    SecretParticipation,
    SecretVote,
)
from app.proposals.tally import Owner, area_text, parse_area, tally_council
from app.proposals.tally_file import consultation_verdict, owners_verdict, secret_electorate


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


def _open_inputs(proposal: Proposal) -> tuple[dict[int, Owner], dict[int, str]]:
    """Every frozen voter with their weight, and the choices that count, keyed by member id:
    two single-table index scans, with no join for a planner to misjudge while the
    statistics still describe the freshly filled tables as empty."""
    owners = {member_id: Owner(member_id, area, ()) for member_id, area in db.session.execute(
        select(ElectorateMember.id, RAW_AREA).where(ElectorateMember.proposal_id == proposal.id))}
    return owners, current_choices(proposal)


def _turnout_statement(model):
    """Members and area in all and having voted, for the proposal `proposal_id`."""
    voted = select(model.member_id).where(model.proposal_id == bindparam("proposal_id"))
    if model is Ballot:
        voted = voted.where(Ballot.superseded_at.is_(None))
    voted_ids = voted.subquery()
    return select(
        func.count(ElectorateMember.id), func.coalesce(func.sum(RAW_AREA), 0),
        func.count(voted_ids.c.member_id),
        func.coalesce(func.sum(case((voted_ids.c.member_id.is_not(None), RAW_AREA))), 0),
    ).select_from(ElectorateMember).outerjoin(
        voted_ids, voted_ids.c.member_id == ElectorateMember.id).where(
        ElectorateMember.proposal_id == bindparam("proposal_id"))


# Built once (by is_secret): shown on every proposal page.
_TURNOUT = {True: _turnout_statement(SecretParticipation), False: _turnout_statement(Ballot)}


def turnout(proposal: Proposal) -> dict:
    """Running participation against the quorum; no split of the votes."""
    row = db.session.execute(_TURNOUT[bool(proposal.is_secret)],
                             {"proposal_id": proposal.id}).one()
    total, total_area, voted_count, voted_area = (int(x) for x in row)
    return {"total_voters": total, "voted": voted_count,
            "total_area": area_text(total_area), "voted_area": area_text(voted_area),
            "total_area_h": total_area, "voted_area_h": voted_area}


def running_split(proposal: Proposal) -> dict[str, dict]:
    """choice → ballots and area so far, for open ballots that show the split while open. A
    secret ballot has none to show: its votes stay sealed until close."""
    if proposal.is_secret:
        raise ValueError("a secret ballot has no running split")
    stmt = (select(Ballot.choice, func.count(Ballot.id), func.coalesce(func.sum(RAW_AREA), 0))
            .join(ElectorateMember, ElectorateMember.id == Ballot.member_id)
            .where(Ballot.proposal_id == proposal.id, Ballot.superseded_at.is_(None))
            .group_by(Ballot.choice))
    return {choice: {"count": n, "area": area_text(int(a)), "area_h": int(a)}
            for choice, n, a in db.session.execute(stmt)}


def _choice_labels(proposal: Proposal) -> tuple[str, ...]:
    from app.proposals.ballots import choices_of
    return choices_of(proposal)


def compute(proposal: Proposal) -> dict:
    """The result as a plain dict (stored, shown, exported)."""
    if elections.is_election(proposal):
        if proposal.is_secret:
            return election_results.compute_secret(proposal)
        return election_results.compute(proposal, *_open_inputs(proposal))
    choices = _choice_labels(proposal)
    if proposal.is_secret:
        owners, ballots = _secret_inputs(proposal, _member_weights(proposal))
    else:
        owners, ballots = _open_inputs(proposal)
    if proposal.kind == "owners":
        result = owners_verdict(owners, ballots, proposal.matter, choices=choices,
                                silent_majority=proposal.silent_majority)
        if proposal.scope_label:  # named as the export and `flask tally compute` name it
            result["scope"] = proposal.scope_label
        return result
    if proposal.kind == "council":
        return tally_council(owners.keys(), ballots,
                             two_thirds=proposal.council_two_thirds).as_dict()
    return consultation_verdict(len(owners), ballots, choices)


def _secret_inputs(proposal, weights: dict[str, int]):
    """Secret ballots have no voter→choice link and no per-vote weight: the participants are
    replaced by the totals per choice opened at close, which give the same tally."""
    voted = set(db.session.scalars(
        select(ElectorateMember.voter_key)
        .join(SecretParticipation, SecretParticipation.member_id == ElectorateMember.id)
        .where(SecretParticipation.proposal_id == proposal.id)))
    return secret_electorate(weights, voted, sealing.totals(proposal.id))


def _voter_keys(proposal: Proposal) -> dict[int, str]:
    return dict(db.session.execute(
        select(ElectorateMember.id, ElectorateMember.voter_key)
        .where(ElectorateMember.proposal_id == proposal.id).order_by(ElectorateMember.id)).all())


def _votes_part(proposal: Proposal, by_id: dict[int, str], voter: str, with_area: bool) -> dict:
    """The ballots of an open vote, or the participants and anonymous votes of a secret one."""
    if not proposal.is_secret:
        return {"ballots": [{voter: by_id[mid], "choice": c}
                            for mid, c in sorted(current_choices(proposal).items())]}
    participants = db.session.scalars(select(SecretParticipation.member_id).where(
        SecretParticipation.proposal_id == proposal.id)).all()
    receipts = db.session.execute(select(SecretVote.receipt, SecretVote.choice)
                                  .where(SecretVote.proposal_id == proposal.id)
                                  .order_by(SecretVote.receipt)).all()
    totals = sealing.totals(proposal.id)
    return {"secret": True,
            "participants": sorted(by_id[mid] for mid in participants),
            "totals": {c: {"votes": n, **({"area": area_text(a)} if with_area else {})}
                       for c, (n, a) in sorted(totals.items())},
            "votes": [{"receipt": r, "choice": c} for r, c in receipts],
            "not_recomputable": ANONYMOUS_LIMITS if with_area else ANONYMOUS_LIMITS_HEADS}


ANONYMOUS_LIMITS = (
    "Secret ballot: the votes list gives each receipt's choice but no weight, so that no vote "
    "can be lined up with a participant. The votes per choice, the participation count and "
    "area, and the check that the totals' areas add up to the participants' areas can be "
    "recomputed from this file; the split of the area between the choices cannot, and is "
    "taken from 'totals', sealed into the audit chain when the urn was opened at close.")
ANONYMOUS_LIMITS_HEADS = (
    "Secret ballot: the votes list gives each receipt's choice with no link to a participant; "
    "every figure of this count can be recomputed from this file.")


def _choices_part(proposal: Proposal) -> dict:
    from app.proposals.ballots import option_choice

    if not proposal.options:
        return {}
    return {"choices": list(_choice_labels(proposal)),
            "options": [{"choice": option_choice(o.position), "label": o.label}
                        for o in proposal.options]}


def export_document(proposal: Proposal) -> dict:
    """The public export: enough to recount the result with `flask tally compute`.
    Units and areas, voter keys (never names or phones), and the ballots — for a secret ballot
    the participants and the anonymous votes, in two lists with no link between them."""
    by_id = _voter_keys(proposal)
    if proposal.kind == "council":
        return {"kind": "council", "proposal": proposal.id,
                "threshold": "2/3" if proposal.council_two_thirds else "1/2",
                "members": list(by_id.values()),
                **_votes_part(proposal, by_id, "member", with_area=False)}
    if proposal.kind == "consultation":
        return {"kind": "consultation", "proposal": proposal.id,
                "voters": list(by_id.values()), **_choices_part(proposal),
                **_votes_part(proposal, by_id, "voter", with_area=False)}
    if elections.is_election(proposal):
        return {"proposal": proposal.id, "matter": proposal.matter,
                "units": _units_part(proposal),
                **election_results.export_part(proposal, by_id, current_choices(proposal))}
    # A scoped decision lists only the units in its scope; "scope" names it (descriptive).
    scoped = {"scope": proposal.scope_label} if proposal.scope_label else {}
    return {
        "kind": "owners", "proposal": proposal.id, "matter": proposal.matter, **scoped,
        "silent_majority": proposal.silent_majority, **_choices_part(proposal),
        "units": _units_part(proposal),
        **_votes_part(proposal, by_id, "owner", with_area=True),
    }


def _units_part(proposal: Proposal) -> list[dict]:
    rows = db.session.execute(
        select(ElectorateUnit.unit_number, ElectorateUnit.area, ElectorateMember.voter_key)
        .join(ElectorateMember, ElectorateMember.id == ElectorateUnit.member_id)
        .where(ElectorateUnit.proposal_id == proposal.id).order_by(ElectorateUnit.id)).all()
    return [{"unit": n, "area": format(a, "f"), "owner": k} for n, a, k in rows]
