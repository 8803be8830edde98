"""Who may do what in which compound. Every view of a compound's data goes through here."""
from flask import abort, g, has_app_context
from flask_login import current_user
from sqlalchemy import bindparam, literal, select, union_all

from app.compounds.models import (
    Community,
    Compound,
    Residency,
    RoleGrant,
    StaffAssignment,
    SubdistrictAssignment,
)
from app.extensions import db

# Roles that may act on a compound's rosters and verification (社区).
STAFF_ROLES = {"staff", "admin"}
# Roles that open a compound's pages and nothing more: subdistrict staff (街道) read the
# compounds of their subdistrict but take no part in them (least privilege, 个人信息保护法
# 第六条): no comment, report, objection, vote, and no staff page.
READ_ONLY_ROLES = frozenset({"subdistrict"})


def roles_in(user, compound: Compound | int) -> frozenset[str]:
    """Every role `user` holds in `compound` (the row or its id), cached for the request. A
    compound that does not exist has no roles in it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_roles_cache", {}) if has_app_context() else {}
    key = (user.id, getattr(compound, "id", compound))
    if key not in cache:
        cache[key] = _compute_roles(user, key[1])
    return cache[key]


# Staff assignment (to the compound's community or its subdistrict), residencies and role
# grants in one round trip; built once (every page of a compound asks), executed as Core.
_ROLE_ROWS = union_all(
    select(literal("staff").label("role")).where(
        StaffAssignment.user_id == bindparam("user_id"),
        StaffAssignment.community_id == select(Compound.community_id).where(
            Compound.id == bindparam("compound_id")).scalar_subquery(),
        StaffAssignment.revoked_at.is_(None)),
    select(literal("subdistrict").label("role")).where(
        SubdistrictAssignment.user_id == bindparam("user_id"),
        SubdistrictAssignment.subdistrict_id == select(Community.subdistrict_id).join(
            Compound, Compound.community_id == Community.id).where(
            Compound.id == bindparam("compound_id")).scalar_subquery(),
        SubdistrictAssignment.revoked_at.is_(None)),
    select(Residency.relation.label("role")).where(
        Residency.user_id == bindparam("user_id"),
        Residency.compound_id == bindparam("compound_id"),
        Residency.revoked_at.is_(None)),
    select(RoleGrant.role.label("role")).where(
        RoleGrant.user_id == bindparam("user_id"),
        RoleGrant.compound_id == bindparam("compound_id"),
        RoleGrant.revoked_at.is_(None)))


def _compute_roles(user, compound_id: int) -> frozenset[str]:
    rows = set(db.session.connection().execute(_ROLE_ROWS, {
        "user_id": user.id, "compound_id": compound_id}).scalars())
    return _roles_from(user, rows)


def _roles_from(user, rows: set) -> frozenset[str]:
    roles = {r for r in rows if r not in ("owner", "family", "tenant")}
    if rows & {"owner", "family", "tenant"}:
        roles.add("resident")
    if "owner" in rows:
        roles.add("owner")
    if user.is_admin:
        roles.add("admin")
    return frozenset(roles)


def forget_roles() -> None:
    """Call after a service changed someone's roles within this request."""
    if has_app_context():
        g.pop("_roles_cache", None)


def has_role(user, compound: Compound, *roles: str) -> bool:
    held = roles_in(user, compound)
    return bool(held & (set(roles) | {"admin"}))


def may_read(user, compound: Compound | int) -> bool:
    """Whether the person may open the compound's pages: any role there, read-only ones
    included."""
    return bool(roles_in(user, compound))


def is_member(user, compound: Compound | int) -> bool:
    """Whether the person takes part in the compound (comments, reports, objections...): a
    role other than a read-only one."""
    return bool(roles_in(user, compound) - READ_ONLY_ROLES)


def is_staff(user, compound: Compound) -> bool:
    return bool(roles_in(user, compound) & STAFF_ROLES)


def primary_role(user, compound: Compound) -> str | None:
    """The capacity in which someone acts, for the audit trail (most official first)."""
    order = ("admin", "staff", "party_cell", "committee", "council", "property", "grid",
             "owner", "party_member", "resident", "subdistrict")
    held = roles_in(user, compound)
    return next((r for r in order if r in held), None)


def get_compound_or_404(compound_id: int) -> Compound:
    compound = db.session.get(Compound, compound_id)
    if compound is None:
        abort(404)
    return compound


def get_community_or_404(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        abort(404)
    return community


def require_member(compound_id: int) -> Compound:
    """404 for a compound that doesn't exist, 403 for one the user may not read (subdistrict
    staff may read it: what they may do is checked by each action)."""
    compound = get_compound_or_404(compound_id)
    if not may_read(current_user, compound):
        abort(403)
    return compound


def require_participant(compound_id: int) -> Compound:
    """As require_member, but read-only roles get 403 too: pages that show the members
    themselves (names, badges) are for those who take part."""
    compound = get_compound_or_404(compound_id)
    if not is_member(current_user, compound):
        abort(403)
    return compound


def require_role(compound_id: int, *roles: str) -> Compound:
    compound = get_compound_or_404(compound_id)
    if not has_role(current_user, compound, *roles):
        abort(403)
    return compound


# Built once: the home page runs one of them on every request.
_EVERY_COMPOUND = select(Compound.id, literal("admin"))
_ROLES_BY_COMPOUND = union_all(
    select(Compound.id, literal("staff")).join(
        StaffAssignment, StaffAssignment.community_id == Compound.community_id)
    .where(StaffAssignment.user_id == bindparam("user_id"), StaffAssignment.revoked_at.is_(None)),
    select(Compound.id, literal("subdistrict")).join(
        Community, Community.id == Compound.community_id).join(
        SubdistrictAssignment, SubdistrictAssignment.subdistrict_id == Community.subdistrict_id)
    .where(SubdistrictAssignment.user_id == bindparam("user_id"),
           SubdistrictAssignment.revoked_at.is_(None)),
    select(Residency.compound_id, Residency.relation).where(
        Residency.user_id == bindparam("user_id"), Residency.revoked_at.is_(None)),
    select(RoleGrant.compound_id, RoleGrant.role).where(
        RoleGrant.user_id == bindparam("user_id"), RoleGrant.revoked_at.is_(None)))


def roles_by_compound(user) -> dict[int, frozenset[str]]:
    """{compound id: roles} for every compound the person can see (where they live or hold a
    role, every compound of a staff member's communities or subdistricts, all of them for an
    admin), in one
    statement; fills the request's roles_in() cache on the way."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(_EVERY_COMPOUND if user.is_admin else _ROLES_BY_COMPOUND,
                              {"user_id": user.id}).all()
    raw: dict[int, set] = {}
    for compound_id, role in rows:
        raw.setdefault(compound_id, set()).add(role)
    found = {cid: _roles_from(user, held) for cid, held in raw.items()}
    if has_app_context():
        cache = g.setdefault("_roles_cache", {})
        for cid, held in found.items():
            cache.setdefault((user.id, cid), held)
    return found
