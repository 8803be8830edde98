"""The covenant's version flow (DESIGN §4): 征集民意 → 拟定草案 → 街道审核 → 提请表决 → 通过生效
→ 备案公布. Each step is a conditional UPDATE on the version's state, so two people pressing
the same button at once move it once; every step is audited in the caller's transaction."""
from sqlalchemy import update

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.covenants.models import Covenant, CovenantVersion
from app.extensions import db

# Who drafts a covenant and moves it along: the party cell, the council, the owners'
# committee and community staff (居委会 guidance). 街道审核 is recorded by community staff.
DRAFTERS = ("party_cell", "council", "committee", "staff")
REVIEWERS = ("staff",)
PUBLISHERS = ("staff",)
EDITABLE = ("consultation", "drafting")

KIND_LABELS = {"residents": _l("居民公约"), "management": _l("管理规约")}
STATE_LABELS = {
    "consultation": _l("征集民意"), "drafting": _l("拟定草案"), "review": _l("街道审核"),
    "approved": _l("审核通过，待表决"), "voting": _l("提请表决"),
    "adopted": _l("已通过，待备案公布"),
    "published": _l("现行有效"), "superseded": _l("已被新版本取代"),
}
STATE_CSS = {"published": "badge badge-ok", "superseded": "badge badge-muted"}


def compound_of(covenant: Covenant) -> Compound:
    return db.session.get(Compound, covenant.compound_id)


def covenant_of(version: CovenantVersion) -> Covenant:
    return db.session.get(Covenant, version.covenant_id)


def require(actor, compound: Compound, roles: tuple[str, ...], message) -> str | None:
    if actor is None or not has_role(actor, compound, *roles):
        raise PermissionDenied(message)
    return primary_role(actor, compound)


def move(actor, version: CovenantVersion, sources: tuple[str, ...], target: str, action: str, *,
         values: dict | None = None, data: dict | None = None, also=()) -> CovenantVersion:
    """Move `version` from one of `sources` to `target`, or refuse and change nothing."""
    covenant = covenant_of(version)
    compound = compound_of(covenant)
    result = db.session.execute(
        update(CovenantVersion)
        .where(CovenantVersion.id == version.id, CovenantVersion.state.in_(sources))
        .values(state=target, **(values or {}))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(version)
        raise ServiceError(_l("这一版本当前处于“%(state)s”阶段，不能进行这项操作。",
                              state=STATE_LABELS[version.state]), status=409)
    previous = version.state
    db.session.refresh(version)
    record(actor, compound, f"covenant.{action}", version,
           {"covenant_id": covenant.id, "number": version.number, "from": previous,
            "to": target, **(data or {})},
           also=list(also), actor_role=primary_role(actor, compound) if actor else "system")
    return version
