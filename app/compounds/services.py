"""Compound structure, verification and roles. Services flush; the caller commits."""
from sqlalchemy import select

from app.compounds.models import Community, Compound, Residency, RoleGrant, StaffAssignment
from app.extensions import db


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
