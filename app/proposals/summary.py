"""征求意见情况: at the end of consultation the proposer writes what the residents said. The
counts by stance are computed from the comments (never typed), the official answers are
listed, the proposer adds their own text. The party cell reviews nothing without it
(submit_review refuses), and it is frozen once review starts."""
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import render_markdown
from app.core.time import utcnow
from app.extensions import db
from app.issues.models import STANCES, Comment
from app.proposals.lifecycle import PROPOSERS, proposal_compound
from app.proposals.models import Proposal
from app.proposals.models_summary import ConsultationSummary

BODY_MAX = 5000


_SUMMARY = select(ConsultationSummary).where(
    ConsultationSummary.proposal_id == bindparam("proposal_id")).options(
    joinedload(ConsultationSummary.author))  # built once: every proposal page reads it


def get_summary(proposal: Proposal) -> ConsultationSummary | None:
    return db.session.scalar(_SUMMARY, {"proposal_id": proposal.id})


def stance_counts(proposal: Proposal) -> dict[str, int]:
    """Visible top-level comments by stance ("none" for those without one) and in all
    ("total"), in one statement."""
    rows = db.session.execute(select(Comment.stance, func.count(Comment.id)).where(
        Comment.proposal_id == proposal.id, Comment.parent_id.is_(None),
        Comment.is_hidden.is_(False)).group_by(Comment.stance)).all()
    counts = dict.fromkeys((*STANCES, "none"), 0)
    for stance, n in rows:
        counts[stance or "none"] = int(n)
    counts["total"] = sum(counts.values())
    return counts


def official_answers(proposal: Proposal, until=None) -> list[Comment]:
    """The visible official replies on the proposal (those written by `until`, the time the
    summary was written), oldest first, in one statement."""
    where = [Comment.proposal_id == proposal.id, Comment.is_official.is_(True),
             Comment.is_hidden.is_(False)]
    if until is not None:
        where.append(Comment.created_at <= until)
    return list(db.session.scalars(select(Comment).where(*where).options(
        joinedload(Comment.author)).order_by(Comment.created_at, Comment.id)))


def may_write(user, compound, proposal: Proposal) -> bool:
    return proposal.state == "consultation" and has_role(user, compound, *PROPOSERS)


def write_summary(actor, proposal: Proposal, text: str) -> ConsultationSummary:
    """Write or rewrite the summary: a proposer (party cell, council, committee), while the
    proposal is in consultation only. The counts are taken from the comments now. The state
    is checked by a conditional UPDATE, so a summary never lands after review has begun."""
    compound = proposal_compound(proposal)
    if not has_role(actor, compound, *PROPOSERS):
        raise PermissionDenied(_l("只有党支部、议事会或业委会可以填写征求意见情况。"))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_l("请写明征求意见的情况和您的归纳。"), field="body")
    if len(text) > BODY_MAX:
        raise ServiceError(_l("内容请不超过 5000 字。"), field="body")
    now = utcnow()
    guard = db.session.execute(update(Proposal).where(
        Proposal.id == proposal.id, Proposal.state == "consultation").values(updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.refresh(proposal)
    if guard.rowcount != 1:
        raise ServiceError(_l("征求意见阶段已经结束，征求意见情况不能再修改。"), status=409)
    counts = stance_counts(proposal)
    row = get_summary(proposal)
    created = row is None
    if created:
        row = ConsultationSummary(proposal_id=proposal.id)
    row.author_id = actor.id
    row.body_source, row.body_html = text, str(render_markdown(text))
    row.support_count, row.oppose_count = counts["support"], counts["oppose"]
    row.suggest_count, row.other_count = counts["suggest"], counts["other"]
    row.comment_count = counts["total"]
    row.written_at = now
    if created:
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            raise Conflict(_l("其他人刚刚填写了征求意见情况，请刷新后再修改。")) from None
    record(actor, compound, "proposal.summary", row,
           {"proposal_id": proposal.id, "counts": counts, "created": created},
           also=[proposal], actor_role=primary_role(actor, compound))
    return row


def require_summary(proposal: Proposal) -> None:
    """提交党组织审议 needs the consultation summary first."""
    if get_summary(proposal) is None:
        raise ServiceError(_l("请先填写征求意见情况，再提交党组织审议。"), status=409)
