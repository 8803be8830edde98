"""Following and notifying. Notifications are written in the same transaction as the change
they announce, and handed to the outside sender only once that transaction commits, so a
rolled-back change announces nothing, in the app or outside it."""
import logging
from collections.abc import Iterable
from functools import partial

from sqlalchemy import func, insert, select, update

from app.audit.services import record
from app.core.db import insert_unless_exists
from app.core.outbox import after_commit
from app.core.senders import load_sender
from app.core.time import utcnow
from app.extensions import db
from app.notifications.models import Follow, Notification

log = logging.getLogger("yishi.notifications")


class LoggingSender:
    """Default outside sender: writes what would be sent to the log. An SMS or e-mail sender
    with the same `send(user_id, message, link)` method can replace it (config
    NOTIFICATION_SENDER = "package.module:Class")."""

    def send(self, user_id: int, message: str, link: str) -> None:
        log.info("notify user=%s link=%s: %s", user_id, link, message)


def _deliver(sender, user_ids: list[int], message: str, link: str) -> None:
    for uid in user_ids:
        sender.send(uid, message, link)


def follow(user, compound_id: int, object_type: str, object_id: int, *,
           audited: bool = True) -> None:
    """Idempotent: following twice is one follow (the unique index decides, no look-up).
    `audited=False` when the follow is part of a change that is itself audited."""
    values = {"user_id": user.id, "compound_id": compound_id, "object_type": object_type,
              "object_id": object_id, "created_at": utcnow()}
    if insert_unless_exists(Follow, values) is not None and audited:
        record(user, compound_id, "follow.add", None,
               {"object_type": object_type, "object_id": object_id})


def unfollow(user, compound_id: int, object_type: str, object_id: int) -> None:
    deleted = db.session.execute(Follow.__table__.delete().where(
        Follow.user_id == user.id, Follow.object_type == object_type,
        Follow.object_id == object_id)).rowcount
    if deleted:
        record(user, compound_id, "follow.remove", None,
               {"object_type": object_type, "object_id": object_id})


def is_following(user, object_type: str, object_id: int) -> bool:
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.object_type == object_type,
        Follow.object_id == object_id)) is not None


def followers(object_type: str, object_id: int) -> list[int]:
    return list(db.session.scalars(select(Follow.user_id).where(
        Follow.object_type == object_type, Follow.object_id == object_id)))


def notify(user_ids: Iterable[int], compound_id: int | None, kind: str, message: str,
           link: str = "", *, skip: int | None = None) -> int:
    """One notification per person (the actor, `skip`, hears nothing of their own act)."""
    ids = sorted({uid for uid in user_ids if uid != skip})
    if not ids:
        return 0
    now = utcnow()
    db.session.execute(insert(Notification), [
        {"user_id": uid, "compound_id": compound_id, "kind": kind, "message": str(message),
         "link": link, "created_at": now} for uid in ids])
    sender = load_sender("NOTIFICATION_SENDER", LoggingSender)
    after_commit(partial(_deliver, sender, ids, str(message), link))
    return len(ids)


def notify_followers(object_type: str, object_id: int, compound_id: int, kind: str,
                     message: str, link: str = "", *, actor=None) -> int:
    return notify(followers(object_type, object_id), compound_id, kind, message, link,
                  skip=getattr(actor, "id", None))


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(
        read_at=utcnow()))
    return result.rowcount
