"""Read side of the moderation pages: the queue of open reports grouped by what they are
about, what is hidden now, and the public log."""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.compounds.models import Compound
from app.extensions import db
from app.issues.models import Comment, Issue
from app.moderation.models import ModerationAction, Report
from app.moderation.services import Target
from app.proposals.models import Proposal

LOG_PAGE_SIZE = 30
HIDDEN_LIMIT = 50


@dataclass
class QueueItem:
    target: Target
    reports: list[Report] = field(default_factory=list)


def _targets(compound: Compound, keys: set[tuple[str, int]]) -> dict[tuple[str, int], Target]:
    issue_ids = {i for kind, i in keys if kind == "issue"}
    comment_ids = {i for kind, i in keys if kind == "comment"}
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(
        Comment.id.in_(comment_ids)).options(joinedload(Comment.author)))} if comment_ids else {}
    issue_ids |= {c.issue_id for c in comments.values() if c.issue_id is not None}
    proposal_ids = {c.proposal_id for c in comments.values() if c.proposal_id is not None}
    issues = {i.id: i for i in db.session.scalars(select(Issue).where(
        Issue.id.in_(issue_ids), Issue.compound_id == compound.id).options(
        joinedload(Issue.author)))} if issue_ids else {}
    proposals = {p.id: p for p in db.session.scalars(select(Proposal).where(
        Proposal.id.in_(proposal_ids), Proposal.compound_id == compound.id))} \
        if proposal_ids else {}
    found = {("issue", i): Target("issue", row, row) for i, row in issues.items()}
    found.update({("comment", c.id): Target("comment", c, issues[c.issue_id])
                  for c in comments.values() if c.issue_id in issues})
    found.update({("comment", c.id): Target("comment", c, None, proposals[c.proposal_id])
                  for c in comments.values() if c.proposal_id in proposals})
    return found


def queue(compound: Compound) -> list[QueueItem]:
    """Open reports, one item per reported issue or comment, oldest report first."""
    reports = list(db.session.scalars(select(Report).where(
        Report.compound_id == compound.id, Report.status == "open")
        .options(joinedload(Report.reporter)).order_by(Report.created_at, Report.id)))
    targets = _targets(compound, {(r.target_type, r.target_id) for r in reports})
    items: dict[tuple[str, int], QueueItem] = {}
    for r in reports:
        key = (r.target_type, r.target_id)
        if key in targets:
            items.setdefault(key, QueueItem(targets[key])).reports.append(r)
    return list(items.values())


def hidden_now(compound: Compound) -> list[Target]:
    """What is hidden at present, newest first, for restoring."""
    issues = db.session.scalars(select(Issue).where(
        Issue.compound_id == compound.id, Issue.is_hidden.is_(True))
        .order_by(Issue.id.desc()).limit(HIDDEN_LIMIT))
    comment_rows = db.session.execute(select(Comment, Issue).join(
        Issue, Issue.id == Comment.issue_id).where(
        Issue.compound_id == compound.id, Comment.is_hidden.is_(True))
        .order_by(Comment.id.desc()).limit(HIDDEN_LIMIT)).all()
    proposal_rows = db.session.execute(select(Comment, Proposal).join(
        Proposal, Proposal.id == Comment.proposal_id).where(
        Proposal.compound_id == compound.id, Comment.is_hidden.is_(True))
        .order_by(Comment.id.desc()).limit(HIDDEN_LIMIT)).all()
    return ([Target("issue", i, i) for i in issues]
            + [Target("comment", c, i) for c, i in comment_rows]
            + [Target("comment", c, None, p) for c, p in proposal_rows])


def log_page(compound: Compound, page: int = 1) -> tuple[list[ModerationAction], int]:
    where = [ModerationAction.compound_id == compound.id]
    total = db.session.scalar(select(func.count(ModerationAction.id)).where(*where)) or 0
    rows = list(db.session.scalars(select(ModerationAction).where(*where)
                                   .order_by(ModerationAction.created_at.desc(),
                                             ModerationAction.id.desc())
                                   .limit(LOG_PAGE_SIZE).offset((page - 1) * LOG_PAGE_SIZE)))
    return rows, total


def open_report_count(compound: Compound) -> int:
    return db.session.scalar(select(func.count(Report.id)).where(
        Report.compound_id == compound.id, Report.status == "open")) or 0
