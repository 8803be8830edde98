"""Notices running now that the person's household has not acknowledged (app.core.todo)."""
from flask import url_for
from sqlalchemy import exists, select

from app.compounds.models import Residency
from app.core.i18n import lazy_gettext as _l
from app.core.todo import TodoItem, columns, where_held
from app.notices.models import Notice, NoticeAck


def queries(user, roles, now) -> list:
    ids = where_held(roles, "resident", admin=False)
    if not ids:
        return []
    # Acknowledged by any of the person's verified homes in that compound (one per household).
    acked = exists().where(NoticeAck.notice_id == Notice.id, NoticeAck.unit_id.in_(
        select(Residency.unit_id).where(Residency.user_id == user.id,
                                        Residency.compound_id == Notice.compound_id,
                                        Residency.revoked_at.is_(None))))
    return [select(*columns("notices.ack", Notice.compound_id, Notice.id, Notice.title,
                            Notice.ends_at))
            .where(Notice.compound_id.in_(ids), Notice.status == "published",
                   Notice.starts_at <= now, Notice.ends_at > now, ~acked)]


def item(row) -> TodoItem | None:
    return TodoItem(row["kind"], _l("看公告并确认知晓"), row["title"],
                    url_for("notices.show", compound_id=row["compound_id"],
                            notice_id=row["ref_id"]) + "#ack",
                    row["compound_id"], row["due_at"])
