"""A compound with an issue and an abusive comment, built on the issues' test world."""
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.issues import comments
from app.moderation.models import ModerationAction, Mute, Report
from app.notifications.models import Notification
from tests.issues.helpers import IssueWorld

ABUSE = "你们这些跳舞的都是没素质的人"


class ModerationWorld(IssueWorld):
    def __init__(self):
        super().__init__()
        self.topic = self.issue(self.owners[0], title="广场舞音量太大", body="晚上九点后仍很吵。")
        self.rude = comments.post_comment(self.owners[1], self.topic, ABUSE)
        db.session.commit()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def snapshot() -> dict:
    """Everything moderation may write, to show a refusal changed nothing."""
    return {"reports": count(Report), "open": count(Report, Report.status == "open"),
            "actions": count(ModerationAction), "mutes": count(Mute),
            "audit": count(AuditEntry), "notes": count(Notification)}


def audit_actions(prefix="moderation.") -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.seq)))


def notes_of(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(
        Notification.user_id == user.id).order_by(Notification.id)))
