"""A covenant in force that the person's household has not signed yet (app.core.todo)."""
from flask import url_for
from sqlalchemy import exists, select

from app.compounds.models import Residency
from app.core.i18n import lazy_gettext as _l
from app.core.todo import USER_ID, TodoItem, columns, ids
from app.covenants.models import Covenant, CovenantSignature, CovenantVersion


def queries(scopes) -> list:
    if "home" not in scopes:
        return []
    signed = exists().where(
        CovenantSignature.version_id == CovenantVersion.id,
        CovenantSignature.withdrawn_at.is_(None),
        CovenantSignature.unit_id.in_(select(Residency.unit_id).where(
            Residency.user_id == USER_ID, Residency.compound_id == Covenant.compound_id,
            Residency.revoked_at.is_(None))))
    return [select(*columns("covenants.sign", Covenant.compound_id, Covenant.id,
                            Covenant.title))
            .join(CovenantVersion, CovenantVersion.covenant_id == Covenant.id)
            .where(Covenant.compound_id.in_(ids("home")), CovenantVersion.state == "published",
                   ~signed)]


def item(row) -> TodoItem | None:
    return TodoItem(row["kind"], _l("签署承诺遵守"), row["title"],
                    url_for("covenants.show", compound_id=row["compound_id"],
                            covenant_id=row["ref_id"]) + "#sign",
                    row["compound_id"])
