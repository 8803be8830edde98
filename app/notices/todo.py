"""Notices running now that the person's household has not acknowledged (app.core.todo)."""
from flask import url_for
from sqlalchemy import exists, select

from app.compounds.models import Residency
from app.core.i18n import lazy_gettext as _l
from app.core.todo import NOW, USER_ID, TodoItem, columns, ids
from app.notices.models import Notice, NoticeAck


def queries(scopes) -> list:
    if "home" not in scopes:
        return []
    # Acknowledged by any of the person's verified homes in that compound (one per household).
    acked = exists().where(NoticeAck.notice_id == Notice.id, NoticeAck.unit_id.in_(
        select(Residency.unit_id).where(Residency.user_id == USER_ID,
                                        Residency.compound_id == Notice.compound_id,
                                        Residency.revoked_at.is_(None))))
    return [select(*columns("notices.ack", Notice.compound_id, Notice.id, Notice.title,
                            Notice.ends_at))
            .where(Notice.compound_id.in_(ids("home")), Notice.status == "published",
                   Notice.starts_at <= NOW, Notice.ends_at > NOW, ~acked)]


def item(row) -> TodoItem | None:
    return TodoItem(row["kind"], _l("看公告并确认知晓"), row["title"],
                    url_for("notices.show", compound_id=row["compound_id"],
                            notice_id=row["ref_id"]) + "#ack",
                    row["compound_id"], row["due_at"])
