"""A covenant in force that the person's household has not signed yet (app.core.todo)."""
from flask import url_for
from sqlalchemy import exists, select

from app.compounds.models import Residency
from app.core.i18n import lazy_gettext as _l
from app.core.todo import TodoItem, columns, where_held
from app.covenants.models import Covenant, CovenantSignature, CovenantVersion


def queries(user, roles, now) -> list:
    ids = where_held(roles, "resident", admin=False)
    if not ids:
        return []
    signed = exists().where(
        CovenantSignature.version_id == CovenantVersion.id,
        CovenantSignature.withdrawn_at.is_(None),
        CovenantSignature.unit_id.in_(select(Residency.unit_id).where(
            Residency.user_id == user.id, Residency.compound_id == Covenant.compound_id,
            Residency.revoked_at.is_(None))))
    return [select(*columns("covenants.sign", Covenant.compound_id, Covenant.id,
                            Covenant.title))
            .join(CovenantVersion, CovenantVersion.covenant_id == Covenant.id)
            .where(Covenant.compound_id.in_(ids), CovenantVersion.state == "published",
                   ~signed)]


def item(row) -> TodoItem | None:
    return TodoItem(row["kind"], _l("签署承诺遵守"), row["title"],
                    url_for("covenants.show", compound_id=row["compound_id"],
                            covenant_id=row["ref_id"]) + "#sign",
                    row["compound_id"])
