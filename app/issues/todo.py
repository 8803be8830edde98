"""Answers on issues the person follows (app.core.todo): the author is asked to confirm that
the answer settles it; other followers are told it was answered, until it is settled."""
from flask import url_for
from sqlalchemy import case, select

from app.core.i18n import lazy_gettext as _l
from app.core.todo import USER_ID, TodoItem, columns, ids
from app.issues.models import Issue
from app.notifications.models import Follow


def queries(scopes) -> list:
    if "member" not in scopes:
        return []
    followed = select(Follow.object_id).where(Follow.user_id == USER_ID,
                                              Follow.object_type == "issue")
    mine = case((Issue.author_id == USER_ID, 1), else_=0)
    return [select(*columns("issues.answered", Issue.compound_id, Issue.id, Issue.title,
                            None, mine))
            .where(Issue.compound_id.in_(ids("member")), Issue.status == "answered",
                   Issue.id.in_(followed))]


def item(row) -> TodoItem | None:
    action = _l("看答复，确认是否解决") if row["number"] else _l("您关注的议题有了答复")
    return TodoItem(row["kind"], action, row["title"],
                    url_for("issues.show", compound_id=row["compound_id"],
                            issue_id=row["ref_id"]) + "#discussion",
                    row["compound_id"])
