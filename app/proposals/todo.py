"""What awaits a person in proposals (app.core.todo): ballots still to cast (from
app.proposals.standing, so nobody is sent to a ballot already cast or not theirs) and, by
role, proposals at a stage waiting on them: review (of proposals and of committee
candidates) for the party cell, deliberation for the
council, objections to answer and results to publish for staff."""
from flask import url_for
from sqlalchemy import and_, bindparam, exists, func, select

from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.todo import NOW, USER_ID, TodoItem, columns, ids
from app.extensions import db
from app.proposals.elections import NOMINATING
from app.proposals.models import Objection, Proposal
from app.proposals.models_election import ElectionCandidate
from app.proposals.standing import standings


def queries(scopes) -> list:
    found = []
    if "party_cell" in scopes:
        found.append(select(*columns("proposals.review", Proposal.compound_id, Proposal.id,
                                     Proposal.title))
                     .where(Proposal.compound_id.in_(ids("party_cell")),
                            Proposal.state == "review",
                            # no one reviews a proposal they proposed
                            Proposal.created_by_id != USER_ID))
        # Committee candidates awaiting the party cell's review (not one's own candidacy).
        found.append(select(*columns("proposals.candidates", Proposal.compound_id, Proposal.id,
                                     Proposal.title, None, func.count(ElectionCandidate.id)))
                     .join(ElectionCandidate, ElectionCandidate.proposal_id == Proposal.id)
                     .where(Proposal.compound_id.in_(ids("party_cell")),
                            Proposal.state.in_(NOMINATING),
                            ElectionCandidate.review_verdict.is_(None),
                            ElectionCandidate.withdrawn_at.is_(None),
                            ElectionCandidate.user_id != USER_ID)
                     .group_by(Proposal.compound_id, Proposal.id, Proposal.title))
    if "council" in scopes:
        found.append(select(*columns("proposals.deliberation", Proposal.compound_id,
                                     Proposal.id, Proposal.title))
                     .where(Proposal.compound_id.in_(ids("council")),
                            Proposal.state == "deliberation"))
    if "staff" in scopes:
        found.append(select(*columns("proposals.objections", Proposal.compound_id, Proposal.id,
                                     Proposal.title, Proposal.objection_ends_at,
                                     func.count(Objection.id)))
                     .join(Objection, Objection.proposal_id == Proposal.id)
                     .where(Proposal.compound_id.in_(ids("staff")),
                            Proposal.state == "objection",
                            Objection.answered_at.is_(None))
                     .group_by(Proposal.compound_id, Proposal.id, Proposal.title,
                               Proposal.objection_ends_at))
        unanswered = exists().where(Objection.proposal_id == Proposal.id,
                                    Objection.answered_at.is_(None))
        found.append(select(*columns("proposals.publish", Proposal.compound_id, Proposal.id,
                                     Proposal.title, Proposal.objection_ends_at))
                     .where(and_(Proposal.compound_id.in_(ids("staff")),
                                 Proposal.state == "objection",
                                 Proposal.objection_ends_at <= NOW, ~unanswered)))
    return found


ACTIONS = {
    "proposals.review": _l("审议议案"),
    "proposals.deliberation": _l("商议议案"),
    "proposals.publish": _l("公布最终结果"),
}


def item(row) -> TodoItem | None:
    cid, pid = row["compound_id"], row["ref_id"]
    if row["kind"] == "proposals.candidates":
        text = lazy_ngettext("审议 %(n)s 名业委会委员候选人", "审议 %(n)s 名业委会委员候选人",
                             row["number"], n=row["number"])
        return TodoItem(row["kind"], text, row["title"],
                        url_for("proposals.candidates", compound_id=cid, proposal_id=pid),
                        cid, row["due_at"])
    if row["kind"] == "proposals.objections":
        text = lazy_ngettext("答复 %(n)s 条异议", "答复 %(n)s 条异议", row["number"],
                             n=row["number"])
        return TodoItem(row["kind"], text, row["title"],
                        url_for("proposals.result", compound_id=cid, proposal_id=pid)
                        + "#objections", cid, row["due_at"])
    url = url_for("proposals.result" if row["kind"] == "proposals.publish" else
                  "proposals.show", compound_id=cid, proposal_id=pid)
    return TodoItem(row["kind"], ACTIONS[row["kind"]], row["title"], url, cid, row["due_at"])


_OPEN_VOTES = select(Proposal).where(Proposal.compound_id.in_(bindparam("ids", expanding=True)),
                                     Proposal.state == "voting")


def more(user, roles, now) -> list[TodoItem]:
    """Ballots awaiting this person's vote, with the closing date: one statement for the open
    votes of all their compounds, then standings() (a fixed number more). Whether a ballot
    is still to cast does not depend on the roles standings() reads for its reasons."""
    if not roles:
        return []
    open_votes = list(db.session.scalars(_OPEN_VOTES, {"ids": sorted(roles)}))
    if not open_votes:
        return []
    found = standings(open_votes, user, open_votes[0].compound_id)
    return [TodoItem("proposals.vote", _l("投票"), p.title,
                     url_for("proposals.vote", compound_id=p.compound_id, proposal_id=p.id),
                     p.compound_id, found[p.id].deadline)
            for p in open_votes if p.id in found and found[p.id].kind == "to_vote"]
