"""Compound structure, membership lookups and staff assignment. Services flush; the caller
commits. Verification lives in app.compounds.claims, roles in app.compounds.roles."""
from sqlalchemy import bindparam, func, literal, select, union, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.audit.services import record
from app.compounds.models import (
    Building,
    Community,
    Compound,
    Residency,
    RoleGrant,
    StaffAssignment,
    Unit,
)
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.extensions import db

MEMBERS_PAGE_SIZE = 50


def compounds_for(user) -> list[Compound]:
    """Every compound the person can see: where they live or hold a role, plus, for community
    staff, every compound of their communities; admins see all."""
    if user.is_admin:
        return list(db.session.scalars(select(Compound).order_by(Compound.name)))
    ids = set(db.session.scalars(select(Residency.compound_id).where(
        Residency.user_id == user.id, Residency.revoked_at.is_(None))))
    ids |= set(db.session.scalars(select(RoleGrant.compound_id).where(
        RoleGrant.user_id == user.id, RoleGrant.revoked_at.is_(None))))
    community_ids = select(StaffAssignment.community_id).where(
        StaffAssignment.user_id == user.id, StaffAssignment.revoked_at.is_(None))
    ids |= set(db.session.scalars(
        select(Compound.id).where(Compound.community_id.in_(community_ids))))
    if not ids:
        return []
    return list(db.session.scalars(
        select(Compound).join(Community).where(Compound.id.in_(ids)).order_by(Compound.name)))


def assign_staff(admin: User, community: Community, user: User) -> StaffAssignment:
    """Make `user` community staff (社区工作者) of `community`: they then manage rosters,
    verification and roles of every compound there. Only an admin may do this (DESIGN §1)."""
    if not admin.is_admin:
        raise PermissionDenied(_l("只有系统管理员可以指派社区工作者。"))
    row = StaffAssignment(community_id=community.id, user_id=user.id, granted_by_id=admin.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("这个人已经是该社区的工作者。")) from None
    record(admin, None, "staff.assigned", row,
           {"community_id": community.id, "user_id": user.id}, actor_role="admin")
    return row


def search_compounds(query: str, limit: int = 20) -> list[Compound]:
    """Compounds whose name contains `query`, for people looking for their own."""
    text = (query or "").strip()
    if not text:
        return []
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(db.session.scalars(
        select(Compound).join(Community).options(contains_eager(Compound.community))
        .where(Compound.name.like(f"%{escaped}%", escape="\\"))
        .execution_options(populate_existing=True)
        .order_by(Compound.name).limit(limit)))


def buildings_of(compound: Compound) -> list[Building]:
    rows = db.session.scalars(select(Building).where(Building.compound_id == compound.id))
    # "2" before "10": people number buildings, they don't sort them as text.
    return sorted(rows, key=lambda b: (len(b.name), b.name))


def find_unit(compound: Compound, building_id, entrance: str, room: str) -> Unit:
    """The unit at 楼栋-单元-房号 in this compound, or a NotFound naming what to check."""
    unit = db.session.scalar(select(Unit).join(Building).options(contains_eager(Unit.building))
                             .execution_options(populate_existing=True).where(
        Unit.compound_id == compound.id, Building.id == building_id,
        Unit.entrance == (entrance or "").strip(), Unit.room == (room or "").strip()))
    if unit is None:
        raise NotFound(_l("找不到这个房屋，请核对楼栋、单元和房号。"), field="room")
    return unit


def residencies_of(user: User, compound: Compound) -> list[Residency]:
    """The person's verified units in this compound."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        select(Residency).join(Unit).where(
            Residency.user_id == user.id, Residency.compound_id == compound.id,
            Residency.revoked_at.is_(None)).order_by(Unit.building_id, Unit.entrance, Unit.room)))


def _member_ids(compound: Compound):
    return union(
        select(Residency.user_id).where(Residency.compound_id == compound.id,
                                        Residency.revoked_at.is_(None)),
        select(RoleGrant.user_id).where(RoleGrant.compound_id == compound.id,
                                        RoleGrant.revoked_at.is_(None)),
    ).subquery()


def count_members(compound: Compound) -> int:
    return db.session.scalar(select(func.count()).select_from(_member_ids(compound))) or 0


def members_of(compound: Compound, page: int = 1,
               page_size: int = MEMBERS_PAGE_SIZE) -> list[User]:
    """Verified residents and role holders of the compound, by name, one page at a time."""
    ids = _member_ids(compound)
    page = max(page, 1)
    return list(db.session.scalars(
        select(User).where(User.id.in_(select(ids.c.user_id)))
        .order_by(User.display_name, User.id)
        .limit(page_size).offset((page - 1) * page_size)))


_user_ids = bindparam("user_ids", expanding=True)
# Built once: every discussion page runs it.
_ROLES_BY_MEMBER = union_all(
    select(Residency.user_id, Residency.relation.label("role"), literal(True).label("lived"))
    .where(Residency.compound_id == bindparam("compound_id"), Residency.revoked_at.is_(None),
           Residency.user_id.in_(_user_ids)),
    select(RoleGrant.user_id, RoleGrant.role, literal(False))
    .where(RoleGrant.compound_id == bindparam("compound_id"), RoleGrant.revoked_at.is_(None),
           RoleGrant.user_id.in_(_user_ids)))


def roles_by_member(compound: Compound, user_ids) -> dict[int, set[str]]:
    """Compound roles of many people at once, in one statement (the per-person
    access.roles_in would cost a query per row of a list): a residency makes a resident (an
    owner's, an owner too), a grant its role."""
    user_ids = list(user_ids)
    roles: dict[int, set[str]] = {uid: set() for uid in user_ids}
    if not user_ids:
        return roles
    for uid, role, lived in db.session.execute(_ROLES_BY_MEMBER, {"compound_id": compound.id,
                                                                  "user_ids": user_ids}):
        if lived:
            roles[uid].add("resident")
            if role == "owner":
                roles[uid].add("owner")
        else:
            roles[uid].add(role)
    return roles
