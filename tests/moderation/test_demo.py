"""The demo's moderation goes through the services: a report, then the party cell's hide."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.extensions import db
from app.issues.demo import seed_issues
from app.issues.models import Comment
from app.moderation.models import ModerationAction, Report
from app.moderation.queries import queue


def test_demo_hidden_comment_was_reported_then_hidden(app):
    with app.test_request_context():
        result = seed_demo()
        seed_issues(result.compound)
        db.session.commit()
        hidden = db.session.scalars(select(Comment).where(Comment.is_hidden.is_(True))).one()
        action = db.session.scalars(select(ModerationAction)).one()
        assert (action.action, action.target_id, action.actor_role, action.reason) == (
            "hide", hidden.id, "party_cell", "人身攻击")
        report = db.session.scalars(select(Report).where(Report.target_id == hidden.id)).one()
        assert (report.status, report.resolution) == ("resolved", "hidden")
        assert report.created_at <= action.created_at
        actions = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("moderation.%")).order_by(AuditEntry.seq)))
        assert actions == ["moderation.report", "moderation.hide", "moderation.report"]
        waiting = queue(result.compound)
        assert len(waiting) == 1 and len(waiting[0].reports) == 1
        assert verify().ok
