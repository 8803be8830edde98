"""What awaits the party cell and staff in moderation: reports to handle (app.core.todo)."""
from flask import url_for
from sqlalchemy import func, select

from app.core.i18n import lazy_ngettext
from app.core.todo import TodoItem, columns, ids
from app.moderation.models import Report


def queries(scopes) -> list:
    if "moderators" not in scopes:
        return []
    return [select(*columns("moderation.reports", Report.compound_id, func.min(Report.id), "",
                            None, func.count(Report.id)))
            .where(Report.compound_id.in_(ids("moderators")), Report.status == "open")
            .group_by(Report.compound_id)]


def item(row) -> TodoItem | None:
    text = lazy_ngettext("%(n)s 条举报等您处理", "%(n)s 条举报等您处理", row["number"],
                         n=row["number"])
    return TodoItem(row["kind"], text, "",
                    url_for("moderation.queue", compound_id=row["compound_id"]),
                    row["compound_id"])
