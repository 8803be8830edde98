"""The levels above a compound (DESIGN §1: 街道 > 社区 > 小区) and the people assigned to
them: an admin creates and renames subdistricts, communities and compounds, assigns community
staff to communities and subdistrict staff to subdistricts, and revokes assignments. Nothing is
deleted: a level is renamed, an assignment revoked (the row stays, with who and when).
Services take the admin, flush and never commit; every change is audited."""
from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all, update
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.accounts.services import find_by_mobile
from app.audit.services import record
from app.compounds.access import forget_roles
from app.compounds.models import (
    Community,
    Compound,
    StaffAssignment,
    Subdistrict,
    SubdistrictAssignment,
)
from app.compounds.services import assign_staff
from app.core.db import get_scoped, refused_if_taken
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import mask_mobile
from app.core.time import utcnow
from app.extensions import db

NAME_MAX = 80
REASON_MAX = 500
SUBDISTRICT_TAKEN = _l("已经有同名的街道。")
COMMUNITY_TAKEN = _l("这个街道已经有同名的社区。")
COMPOUND_TAKEN = _l("这个社区已经有同名的小区。")


def _admin_only(actor: User) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("只有系统管理员可以管理街道、社区和小区。"))


def _name(name: str | None) -> str:
    text = (name or "").strip()
    if not text:
        raise ServiceError(_l("请填写名称。"), field="name")
    if len(text) > NAME_MAX:
        raise ServiceError(_l("名称请不超过 80 个字。"), field="name")
    return text


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ServiceError(_l("请写明理由。"), field="reason")
    if len(text) > REASON_MAX:
        raise ServiceError(_l("理由请不超过 500 个字。"), field="reason")
    return text


# --- subdistricts, communities, compounds ---------------------------------------------------

def create_subdistrict(admin: User, name: str) -> Subdistrict:
    _admin_only(admin)
    row = Subdistrict(name=_name(name))
    with refused_if_taken(SUBDISTRICT_TAKEN, field="name"):
        db.session.add(row)
    record(admin, None, "subdistrict.created", row, {"name": row.name}, actor_role="admin")
    return row


def _rename(admin: User, row, name: str, taken, action: str, compound=None):
    """Rename a level; its unique constraint refuses a name taken at the same level. The same
    name again changes nothing and records nothing."""
    _admin_only(admin)
    if _name(name) == row.name:
        return row
    old = row.name
    with refused_if_taken(taken, field="name"):
        row.name = _name(name)
    record(admin, compound, action, row, {"from": old, "to": row.name}, actor_role="admin")
    return row


def rename_subdistrict(admin: User, subdistrict: Subdistrict, name: str) -> Subdistrict:
    return _rename(admin, subdistrict, name, SUBDISTRICT_TAKEN, "subdistrict.renamed")


def create_community(admin: User, subdistrict: Subdistrict, name: str) -> Community:
    _admin_only(admin)
    row = Community(subdistrict_id=subdistrict.id, name=_name(name))
    with refused_if_taken(COMMUNITY_TAKEN, field="name"):
        db.session.add(row)
    record(admin, None, "community.created", row,
           {"name": row.name, "subdistrict_id": subdistrict.id}, actor_role="admin")
    return row


def rename_community(admin: User, community: Community, name: str) -> Community:
    return _rename(admin, community, name, COMMUNITY_TAKEN, "community.renamed")


def create_compound(admin: User, community: Community, name: str) -> Compound:
    """A new compound with the default voting rules; its roster is uploaded by its staff."""
    _admin_only(admin)
    row = Compound(community_id=community.id, name=_name(name))
    with refused_if_taken(COMPOUND_TAKEN, field="name"):
        db.session.add(row)
    record(admin, row, "compound.created", row,
           {"compound": row.name, "community_id": community.id}, actor_role="admin")
    return row


def rename_compound(admin: User, compound: Compound, name: str) -> Compound:
    return _rename(admin, compound, name, COMPOUND_TAKEN, "compound.renamed", compound)


# --- assignments ------------------------------------------------------------------------------

def account_by_mobile(mobile: str | None) -> User:
    """The registered account an assignment is for."""
    user = find_by_mobile(mobile or "")
    if user is None:
        raise ServiceError(_l("这个手机号还没有注册账户，请本人先注册。"), field="mobile")
    return user


def assign_community_staff(admin: User, community: Community, user: User) -> StaffAssignment:
    _admin_only(admin)
    row = assign_staff(admin, community, user)
    forget_roles()
    return row


def assign_subdistrict_staff(admin: User, subdistrict: Subdistrict,
                             user: User) -> SubdistrictAssignment:
    """Make `user` subdistrict staff (街道工作人员): they read every compound of the
    subdistrict and act in none (DESIGN §1; 个人信息保护法 第六条, least privilege)."""
    _admin_only(admin)
    row = SubdistrictAssignment(subdistrict_id=subdistrict.id, user_id=user.id,
                                granted_by_id=admin.id, granted_at=utcnow())
    with refused_if_taken(_l("这个人已经是该街道的工作人员。"), field="mobile"):
        db.session.add(row)
    record(admin, None, "subdistrict_staff.assigned", row,
           {"subdistrict_id": subdistrict.id, "user_id": user.id,
            "mobile": mask_mobile(user.mobile)}, actor_role="admin")
    forget_roles()
    return row


def _revoke(admin: User, model, row, reason: str, action: str, data: dict):
    _admin_only(admin)
    reason = _reason(reason)
    with db.session.begin_nested():
        result = db.session.execute(
            update(model).where(model.id == row.id, model.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_by_id=admin.id)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict(_l("这项任命已经撤销过了。"))
        db.session.refresh(row)
        record(admin, None, action, row, {**data, "user_id": row.user_id, "reason": reason},
               actor_role="admin")
    forget_roles()
    return row


def revoke_community_staff(admin: User, row: StaffAssignment, reason: str) -> StaffAssignment:
    """End a community staff assignment; the row stays with who revoked it and when."""
    return _revoke(admin, StaffAssignment, row, reason, "staff.revoked",
                   {"community_id": row.community_id})


def revoke_subdistrict_staff(admin: User, row: SubdistrictAssignment,
                             reason: str) -> SubdistrictAssignment:
    return _revoke(admin, SubdistrictAssignment, row, reason, "subdistrict_staff.revoked",
                   {"subdistrict_id": row.subdistrict_id})


# --- reads ------------------------------------------------------------------------------------

def get_subdistrict(subdistrict_id: int) -> Subdistrict:
    row = db.session.get(Subdistrict, subdistrict_id)
    if row is None:
        raise NotFound(_l("找不到这个街道。"))
    return row


def get_community(community_id: int, subdistrict: Subdistrict | None = None) -> Community:
    scope = {"subdistrict_id": subdistrict.id} if subdistrict is not None else {}
    return get_scoped(Community, community_id, _l("找不到这个社区。"),
                      options=[selectinload(Community.subdistrict)], **scope)


def get_compound(community: Community, compound_id: int) -> Compound:
    return get_scoped(Compound, compound_id, _l("找不到这个小区。"), community_id=community.id)


def get_staff_assignment(community: Community, assignment_id: int) -> StaffAssignment:
    return get_scoped(StaffAssignment, assignment_id, _l("找不到这项任命。"),
                      community_id=community.id)


def get_subdistrict_assignment(subdistrict: Subdistrict,
                               assignment_id: int) -> SubdistrictAssignment:
    return get_scoped(SubdistrictAssignment, assignment_id, _l("找不到这项任命。"),
                      subdistrict_id=subdistrict.id)


@dataclass(frozen=True)
class Level:
    id: int
    name: str
    count: int  # communities of a subdistrict, compounds of a community


def subdistricts_with_counts() -> list[Level]:
    rows = db.session.execute(
        select(Subdistrict.id, Subdistrict.name, func.count(Community.id))
        .outerjoin(Community, Community.subdistrict_id == Subdistrict.id)
        .group_by(Subdistrict.id, Subdistrict.name).order_by(Subdistrict.name))
    return [Level(*row) for row in rows]


def communities_with_counts(subdistrict: Subdistrict) -> list[Level]:
    rows = db.session.execute(
        select(Community.id, Community.name, func.count(Compound.id))
        .outerjoin(Compound, Compound.community_id == Community.id)
        .where(Community.subdistrict_id == subdistrict.id)
        .group_by(Community.id, Community.name).order_by(Community.name))
    return [Level(*row) for row in rows]


def compounds_of(community: Community) -> list[Compound]:
    return list(db.session.scalars(select(Compound).where(
        Compound.community_id == community.id).order_by(Compound.name)))


def compounds_by_community(subdistrict: Subdistrict) -> list[tuple[Community, list[Compound]]]:
    """The subdistrict's communities, each with its compounds, in one statement."""
    rows = db.session.execute(
        select(Community, Compound).outerjoin(Compound, Compound.community_id == Community.id)
        .where(Community.subdistrict_id == subdistrict.id)
        .order_by(Community.name, Compound.name)).all()
    grouped: dict[int, tuple[Community, list[Compound]]] = {}
    for community, compound in rows:
        entry = grouped.setdefault(community.id, (community, []))
        if compound is not None:
            entry[1].append(compound)
    return list(grouped.values())


def active_staff(community: Community) -> list[StaffAssignment]:
    return list(db.session.scalars(
        select(StaffAssignment).where(StaffAssignment.community_id == community.id,
                                      StaffAssignment.revoked_at.is_(None))
        .options(selectinload(StaffAssignment.user)).order_by(StaffAssignment.granted_at)))


def active_subdistrict_staff(subdistrict: Subdistrict) -> list[SubdistrictAssignment]:
    return list(db.session.scalars(
        select(SubdistrictAssignment).where(
            SubdistrictAssignment.subdistrict_id == subdistrict.id,
            SubdistrictAssignment.revoked_at.is_(None))
        .options(selectinload(SubdistrictAssignment.user))
        .order_by(SubdistrictAssignment.granted_at)))


# A person's desks: the subdistricts and communities they are assigned to (one statement).
def levels_of(user) -> list[tuple[str, int, str]]:
    """[(kind "subdistrict"/"community", id, name)] of the person's live assignments."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    stmt = union_all(
        select(literal("subdistrict").label("kind"), Subdistrict.id, Subdistrict.name)
        .join(SubdistrictAssignment, SubdistrictAssignment.subdistrict_id == Subdistrict.id)
        .where(SubdistrictAssignment.user_id == user.id,
               SubdistrictAssignment.revoked_at.is_(None)),
        select(literal("community"), Community.id, Community.name)
        .join(StaffAssignment, StaffAssignment.community_id == Community.id)
        .where(StaffAssignment.user_id == user.id, StaffAssignment.revoked_at.is_(None)))
    return [tuple(row) for row in db.session.execute(stmt)]


def may_see_subdistrict(user, subdistrict_id: int) -> bool:
    if getattr(user, "is_admin", False):
        return True
    return db.session.scalar(select(SubdistrictAssignment.id).where(
        SubdistrictAssignment.user_id == user.id,
        SubdistrictAssignment.subdistrict_id == subdistrict_id,
        SubdistrictAssignment.revoked_at.is_(None)).limit(1)) is not None


def may_see_community(user, community: Community) -> bool:
    """Admins, the community's staff and the staff of its subdistrict."""
    if getattr(user, "is_admin", False):
        return True
    stmt = union_all(
        select(StaffAssignment.id).where(
            StaffAssignment.user_id == user.id, StaffAssignment.community_id == community.id,
            StaffAssignment.revoked_at.is_(None)),
        select(SubdistrictAssignment.id).where(
            SubdistrictAssignment.user_id == user.id,
            SubdistrictAssignment.subdistrict_id == community.subdistrict_id,
            SubdistrictAssignment.revoked_at.is_(None))).limit(1)
    return db.session.execute(stmt).first() is not None
