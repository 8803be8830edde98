"""Read-only queries behind the proposal pages, each a fixed number of statements whatever the
number of ballots or events (every page, the proposal page and its discussion included, within 12:
tests/site/test_statement_budgets.py)."""
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.compounds.models import Compound
from app.extensions import db
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    Objection,
    Proposal,
    ProposalEvent,
    ProposalResult,
    ProxyAuthorisation,
    SecretParticipation,
    SecretVote,
)

PAGE_SIZE = 20
BALLOTS_PAGE_SIZE = 200


# Built once, as the statements below: the proposal pages run them on every request.
_PROPOSAL_IN = (select(Proposal, User.display_name).options(joinedload(Proposal.options))
                .join(User, User.id == Proposal.created_by_id)
                .where(Proposal.id == bindparam("proposal_id"),
                       Proposal.compound_id == bindparam("compound_id"))
                .execution_options(populate_existing=True))


def proposal_in(compound: Compound, proposal_id: int) -> Proposal | None:
    """The proposal with its options and its author's name (`creator_name`, a plain attribute
    for the timeline), if it belongs to `compound` — one query."""
    row = db.session.execute(_PROPOSAL_IN, {"proposal_id": proposal_id,
                                            "compound_id": compound.id}).unique().first()
    if row is None:
        return None
    proposal, proposal.creator_name = row
    return proposal


def list_for(compound: Compound, *, include_drafts: bool, page: int) -> tuple[list, int]:
    """A page of the compound's proposals, newest activity first; drafts only for proposers."""
    where = [Proposal.compound_id == compound.id]
    if not include_drafts:
        where.append(Proposal.state != "draft")
    total = db.session.scalar(select(func.count(Proposal.id)).where(*where))
    rows = db.session.scalars(select(Proposal).where(*where)
                              .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total


_TIMELINE = (select(ProposalEvent, User.display_name)
             .outerjoin(User, User.id == ProposalEvent.actor_id)
             .where(ProposalEvent.proposal_id == bindparam("proposal_id"))
             .order_by(ProposalEvent.id))  # the order they were recorded in


def timeline(proposal: Proposal) -> list[tuple[ProposalEvent, str | None]]:
    """Every event with the actor's display name (one query)."""
    return list(db.session.execute(_TIMELINE, {"proposal_id": proposal.id}).tuples())


def holds_live_proxy(compound_id: int, proposal_id: int, user) -> bool:
    """Does this person hold a live (unrevoked) written authorisation for this proposal of
    the compound? That, and only that, lets a proxy from outside the compound in: to this
    proposal's page and its voting pages, never to the compound's other pages."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(ProxyAuthorisation.id)
        .join(Proposal, Proposal.id == ProxyAuthorisation.proposal_id)
        .where(Proposal.id == proposal_id, Proposal.compound_id == compound_id,
               ProxyAuthorisation.proxy_user_id == user.id,
               ProxyAuthorisation.revoked_at.is_(None)).limit(1)) is not None


def stored_result(proposal: Proposal) -> ProposalResult | None:
    """The final result if published, else the preliminary one."""
    rows = db.session.scalars(select(ProposalResult).where(
        ProposalResult.proposal_id == proposal.id)).all()
    by_stage = {r.stage: r for r in rows}
    return by_stage.get("final") or by_stage.get("preliminary")


def objections(proposal: Proposal) -> list[tuple[Objection, str, str | None]]:
    author = User.__table__.alias("author")
    answerer = User.__table__.alias("answerer")
    return list(db.session.execute(
        select(Objection, author.c.display_name, answerer.c.display_name)
        .join(author, author.c.id == Objection.user_id)
        .outerjoin(answerer, answerer.c.id == Objection.answered_by_id)
        .where(Objection.proposal_id == proposal.id).order_by(Objection.id)).tuples())


def objection_in(proposal: Proposal, objection_id: int) -> Objection | None:
    return db.session.scalar(select(Objection).where(
        Objection.id == objection_id, Objection.proposal_id == proposal.id))


# ---- the public ballot list: receipts, units and areas, never names or phones ----

def _page(stmt, page: int, size: int):
    return db.session.execute(stmt.limit(size).offset((page - 1) * size)).all()


def open_ballots(proposal: Proposal, page: int, size: int = BALLOTS_PAGE_SIZE):
    """(receipt, units, area, channel, choice, superseded_at) of every ballot, changed ones
    included (a voter can still find an earlier receipt and see that it was replaced)."""
    return _page(
        select(Ballot.receipt, ElectorateMember.units_label, ElectorateMember.area,
               Ballot.channel, Ballot.choice, Ballot.superseded_at)
        .join(ElectorateMember, ElectorateMember.id == Ballot.member_id)
        .where(Ballot.proposal_id == proposal.id).order_by(Ballot.id), page, size)


def count_open_ballots(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count(Ballot.id)).where(
        Ballot.proposal_id == proposal.id))


def participations(proposal: Proposal, page: int, size: int = BALLOTS_PAGE_SIZE):
    """Who took part in a secret ballot: (units, area, channel), in electorate order so that
    the list can't be lined up with the order of the anonymous votes."""
    return _page(
        select(ElectorateMember.units_label, ElectorateMember.area, SecretParticipation.channel)
        .join(ElectorateMember, ElectorateMember.id == SecretParticipation.member_id)
        .where(SecretParticipation.proposal_id == proposal.id)
        .order_by(ElectorateMember.id), page, size)


def count_participations(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count(SecretParticipation.id)).where(
        SecretParticipation.proposal_id == proposal.id))


def secret_votes(proposal: Proposal, page: int, size: int = BALLOTS_PAGE_SIZE):
    """The anonymous votes (receipt, choice), ordered by receipt: no weight beside a vote."""
    return _page(
        select(SecretVote.receipt, SecretVote.choice)
        .where(SecretVote.proposal_id == proposal.id).order_by(SecretVote.receipt), page, size)


def find_receipt(proposal: Proposal, code: str):
    """The public row of a receipt: ("open", row) or ("secret", row) or None."""
    if proposal.is_secret:
        row = db.session.execute(select(SecretVote.receipt, SecretVote.choice)
                                 .where(SecretVote.proposal_id == proposal.id,
                                        SecretVote.receipt == code)).first()
        return ("secret", row) if row else None
    row = db.session.execute(
        select(Ballot.receipt, ElectorateMember.units_label, ElectorateMember.area,
               Ballot.channel, Ballot.choice, Ballot.superseded_at)
        .join(ElectorateMember, ElectorateMember.id == Ballot.member_id)
        .where(Ballot.proposal_id == proposal.id, Ballot.receipt == code)).first()
    return ("open", row) if row else None


def paper_ballots(proposal: Proposal, limit: int = 50):
    """The latest paper ballots entered (staff page): (paper ref, units, cast at, scan sha)."""
    model = SecretParticipation if proposal.is_secret else Ballot
    return db.session.execute(
        select(model.paper_ref, ElectorateMember.units_label, model.cast_at, model.scan_sha256)
        .join(ElectorateMember, ElectorateMember.id == model.member_id)
        .where(model.proposal_id == proposal.id, model.channel == "paper")
        .order_by(model.cast_at.desc()).limit(limit)).all()


def document_path(proposal: Proposal, sha: str) -> str | None:
    """The stored path of a scan or authorisation of this proposal, by its SHA-256."""
    for model, path_col, sha_col in (
            (Ballot, Ballot.scan_path, Ballot.scan_sha256),
            (SecretParticipation, SecretParticipation.scan_path,
             SecretParticipation.scan_sha256),
            (ProxyAuthorisation, ProxyAuthorisation.document_path,
             ProxyAuthorisation.document_sha256)):
        path = db.session.scalar(select(path_col).where(
            model.proposal_id == proposal.id, sha_col == sha).limit(1))
        if path:
            return path
    return None

