"""Following and notifying. Notifications are written in the same transaction as the change
they announce, and handed to the outside sender only once that transaction commits, so a
rolled-back change announces nothing, in the app or outside it."""
import logging
from collections.abc import Iterable
from functools import partial

from flask import g, has_app_context
from sqlalchemy import and_, bindparam, case, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.audit.services import record
from app.core.db import insert_unless_exists
from app.core.outbox import after_commit
from app.core.senders import load_sender
from app.core.time import china_date, utcnow
from app.extensions import db
from app.notifications.models import FOLDED, Follow, Notification

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


_IS_FOLLOWING = select(Follow.id).where(  # built once: every issue page asks
    Follow.user_id == bindparam("user_id"), Follow.object_type == bindparam("object_type"),
    Follow.object_id == bindparam("object_id"))


def is_following(user, object_type: str, object_id: int) -> bool:
    return db.session.scalar(_IS_FOLLOWING, {"user_id": user.id, "object_type": object_type,
                                             "object_id": object_id}) is not None


def followers(object_type: str, object_id: int) -> list[int]:
    return list(db.session.scalars(select(Follow.user_id).where(
        Follow.object_type == object_type, Follow.object_id == object_id)))


def notify(user_ids: Iterable[int], compound_id: int | None, kind: str, message: str,
           link: str = "", *, skip: int | None = None, important: bool = False,
           once_key: str | None = None) -> int:
    """One notification per person (the actor, `skip`, hears nothing of their own act).

    `important` ones stand alone and are counted apart. A routine one about an item (`link`,
    without its #fragment) joins the person's unread one about the same item from the same
    day: one line per item per day, its message and link the latest, `repeats` counting them.
    With `once_key` a person gets it at most once ever (a reminder); returns how many were
    written."""
    ids = sorted({uid for uid in user_ids if uid != skip})
    if not ids:
        return 0
    _forget_unread_counts()
    now = utcnow()
    folds = bool(link) and not important and once_key is None
    rows = [{"user_id": uid, "compound_id": compound_id, "kind": kind, "message": str(message),
             "link": link, "created_at": now, "is_important": important, "repeats": 1,
             "fold_key": link.split("#", 1)[0] if folds else None,
             "fold_day": china_date(now) if folds else None, "once_key": once_key}
            for uid in ids]
    if folds:
        db.session.execute(_folding_insert(), rows)
    elif once_key is not None:
        ids = [uid for uid, row in zip(ids, rows, strict=True)
               if insert_unless_exists(Notification, row, ["user_id", "once_key"],
                                       where=text("once_key IS NOT NULL")) is not None]
    else:
        db.session.execute(insert(Notification), rows)
    if not ids:
        return 0
    sender = load_sender("NOTIFICATION_SENDER", LoggingSender)
    after_commit(partial(_deliver, sender, ids, str(message), link))
    return len(ids)


def _folding_insert():
    """INSERT … ON CONFLICT on the unread fold of (person, item, day): the same statement on
    both databases, the unique index deciding, never a look-up first."""
    dialect = db.session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(Notification)
    return stmt.on_conflict_do_update(
        index_elements=["user_id", "fold_key", "fold_day"], index_where=text(FOLDED),
        set_={"message": stmt.excluded.message, "kind": stmt.excluded.kind,
              "link": stmt.excluded.link,
              "created_at": stmt.excluded.created_at,
              "repeats": Notification.__table__.c.repeats + 1})


def notify_followers(object_type: str, object_id: int, compound_id: int, kind: str,
                     message: str, link: str = "", *, actor=None, told=()) -> int:
    """Followers hear of it, except the actor and those `told` already of the same event in
    words of their own (the author of the comment replied to)."""
    told = set(told)
    return notify([uid for uid in followers(object_type, object_id) if uid not in told],
                  compound_id, kind, message, link, skip=getattr(actor, "id", None))


def unread_count_columns(user_id_column) -> tuple:
    """unread_counts() as two columns of another statement that has the person's id (the
    signed-in person's lookup, app.accounts.session), saving a round trip per page."""
    unread = and_(Notification.user_id == user_id_column, Notification.read_at.is_(None))
    return (
        select(func.count(Notification.id)).where(unread).scalar_subquery(),
        select(func.count(Notification.id)).where(
            unread, Notification.is_important.is_(True)).scalar_subquery())


def remember_unread_counts(user_id: int, unread: int, important: int) -> None:
    """Counts read with the person at the start of the request, for unread_counts(); any
    notification written or read later in the request forgets them."""
    g.unread_counts = (user_id, int(unread or 0), int(important or 0))


def _forget_unread_counts() -> None:
    if has_app_context():
        g.pop("unread_counts", None)


def unread_counts(user) -> tuple[int, int]:
    """(unread, of which important), in one statement: the header shows both."""
    known = g.get("unread_counts") if has_app_context() else None
    if known is not None and known[0] == user.id:
        return known[1], known[2]
    row = db.session.execute(select(
        func.count(Notification.id),
        func.count(Notification.id).filter(Notification.is_important.is_(True)))
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))).one()
    return int(row[0] or 0), int(row[1] or 0)



def recent(user, limit: int = 50) -> list[Notification]:
    """Unread important ones first, then everything newest first."""
    unread_important = and_(Notification.is_important.is_(True), Notification.read_at.is_(None))
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(
        case((unread_important, 0), else_=1), Notification.created_at.desc(),
        Notification.id.desc()).limit(limit)))


def mark_all_read(user) -> int:
    _forget_unread_counts()
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(
        read_at=utcnow()))
    return result.rowcount
