"""What awaits community staff in verification: homes to verify (app.core.todo)."""
from flask import url_for
from sqlalchemy import func, select

from app.compounds.models import UnitClaim
from app.core.i18n import lazy_ngettext
from app.core.todo import TodoItem, columns, ids


def queries(scopes) -> list:
    if "staff" not in scopes:
        return []
    return [select(*columns("compounds.claims", UnitClaim.compound_id, func.min(UnitClaim.id),
                            "", func.min(UnitClaim.created_at), func.count(UnitClaim.id)))
            .where(UnitClaim.compound_id.in_(ids("staff")), UnitClaim.status == "pending")
            .group_by(UnitClaim.compound_id)]


def item(row) -> TodoItem | None:
    text = lazy_ngettext("%(n)s 份房屋认证申请等您审核", "%(n)s 份房屋认证申请等您审核",
                         row["number"], n=row["number"])
    return TodoItem(row["kind"], text, "",
                    url_for("compounds.claims_queue", compound_id=row["compound_id"]),
                    row["compound_id"])
