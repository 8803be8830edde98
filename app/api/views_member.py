"""What a member reads with their personal token: their compounds and, in each compound they
may read on the site (app.compounds.access.may_read, the check every compound page makes),
its issues, proposals and meetings. Nothing here is public: 401 without a token, 403 in a
compound the person may not read."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api import public
from app.api.caller import current_caller, require_reader
from app.api.member_schemas import IssueSummary, MeetingSummary, MeSchema, ProposalSummary
from app.api.paging import envelope, paged
from app.api.schemas import PageArgs, page_of
from app.api.web import documented_errors
from app.api.web import member_bp as blp
from app.compounds.access import roles_by_compound
from app.compounds.models import Compound
from app.extensions import db
from app.issues.models import Issue
from app.issues.queries import author_name, sees_who
from app.meetings.models import Meeting, Minutes
from app.proposals.models import Proposal

SECURITY = [{"bearerToken": []}]
MEMBER = (304, 401, 403, 404, 422, 429)


def _readable(compound_id: int) -> tuple:
    if public.compound_row(compound_id) is None:
        abort(404)
    user = require_reader(compound_id)
    return db.session.get(Compound, compound_id), user


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.doc(security=SECURITY)
@documented_errors(blp, 304, 401, 429)
def me():
    """The token's person and the compounds they may read, with their roles there."""
    found = current_caller()
    if found is None:
        abort(401)
    user = found.user
    held = roles_by_compound(user)
    names = dict(db.session.execute(select(Compound.id, Compound.name).where(
        Compound.id.in_(list(held)))).all()) if held else {}
    return {"id": user.id, "display_name": user.display_name, "token_name": found.token_name,
            "compounds": [{"id": cid, "name": names.get(cid, ""), "roles": sorted(held[cid])}
                          for cid in sorted(held)]}


_ISSUES = (select(Issue).options(joinedload(Issue.author), joinedload(Issue.building))
           .order_by(Issue.created_at.desc(), Issue.id.desc()))


@blp.route("/compounds/<int:compound_id>/issues")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(IssueSummary, "IssuePage"))
@blp.doc(security=SECURITY)
@documented_errors(blp, *MEMBER)
def issues(compound_id: int, page: int, per_page: int):
    """The compound's issues (议题), newest first. Authors as residents read them (an
    anonymous author as 某业主 (3栋), except to staff and the party cell); an issue hidden by
    moderation shows only the reason."""
    compound, user = _readable(compound_id)
    sees = sees_who(user, compound)
    rows, total = paged(_ISSUES.where(Issue.compound_id == compound_id), page, per_page)
    items = []
    for (issue,) in rows:
        hidden = bool(issue.is_hidden)
        items.append({"id": issue.id, "title": None if hidden else issue.title,
                      "category": issue.category, "status": issue.status,
                      "building": issue.building.name if issue.building else None,
                      "author": "" if hidden else author_name(issue, user, sees),
                      "created_at": issue.created_at, "hidden": hidden,
                      "hidden_reason": issue.hidden_reason if hidden else ""})
    return envelope(items, page, per_page, total)


_PROPOSALS = (select(Proposal).where(Proposal.state != "draft")
              .order_by(Proposal.updated_at.desc(), Proposal.id.desc()))


@blp.route("/compounds/<int:compound_id>/proposals")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(ProposalSummary, "ProposalPage"))
@blp.doc(security=SECURITY)
@documented_errors(blp, *MEMBER)
def proposals(compound_id: int, page: int, per_page: int):
    """The compound's proposals past their draft (in consultation, review, voting, ...),
    latest activity first."""
    _readable(compound_id)
    rows, total = paged(_PROPOSALS.where(Proposal.compound_id == compound_id), page, per_page)
    return envelope([{"id": p.id, "title": p.title, "kind": p.kind, "matter": p.matter,
                      "state": p.state, "secret": bool(p.is_secret),
                      "voting_opens_at": p.voting_opens_at,
                      "voting_closes_at": p.voting_closes_at, "updated_at": p.updated_at}
                     for (p,) in rows], page, per_page, total)


_MEETINGS = (select(Meeting, Minutes.status).outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
             .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


@blp.route("/compounds/<int:compound_id>/meetings")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(MeetingSummary, "MeetingPage"))
@blp.doc(security=SECURITY)
@documented_errors(blp, *MEMBER)
def meetings(compound_id: int, page: int, per_page: int):
    """The compound's meetings, latest first, with the state of their minutes."""
    _readable(compound_id)
    rows, total = paged(_MEETINGS.where(Meeting.compound_id == compound_id), page, per_page)
    return envelope([{"id": m.id, "title": m.title, "body": m.body, "place": m.place,
                      "starts_at": m.starts_at, "status": m.status, "minutes": status}
                     for m, status in rows], page, per_page, total)
