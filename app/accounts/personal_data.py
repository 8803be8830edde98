"""A person's rights over their own data (个人信息保护法 第四十五条 copy, 第四十七条 deletion).
Services flush, never commit."""
import secrets
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import PhoneCode, PhoneVerification, User, UserSession
from app.accounts.passwords import verify_password
from app.accounts.phone_codes import forget_codes_of
from app.audit.models import AuditEntry
from app.audit.services import record
from app.compounds.access import forget_roles, primary_role
from app.compounds.models import (
    Compound,
    Residency,
    RoleGrant,
    RoleRequest,
    StaffAssignment,
    Unit,
    UnitClaim,
)
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import iso_utc, utcnow
from app.extensions import db

DELETED_NAME = "已注销用户"
WITHDRAWN_REASON = "申请人已注销账户"


def _compound_name(compound_id: int | None, cache: dict) -> str | None:
    if compound_id is None:
        return None
    if compound_id not in cache:
        compound = db.session.get(Compound, compound_id)
        cache[compound_id] = compound.name if compound else None
    return cache[compound_id]


def _rows(model, user: User, *options):
    return list(db.session.scalars(
        select(model).where(model.user_id == user.id).order_by(model.id).options(*options)))


def _with_unit(model):
    """The unit and its building, for the unit's number."""
    return joinedload(model.unit).joinedload(Unit.building)


def export_user_data(user: User) -> dict:
    """Everything we hold about `user`, as plain JSON-able data. The password hash is left
    out: it is not information about the person and would only help someone guess it."""
    names: dict = {}
    return {
        "account": {
            "id": user.id, "mobile": user.mobile, "display_name": user.display_name,
            "is_admin": user.is_admin, "is_active_account": user.is_active_account,
            "shows_party_badge": user.shows_party_badge,
            "privacy_consented_at": iso_utc(user.privacy_consented_at),
            "registered_on_behalf_by_staff": user.registered_by_id is not None,
            "created_at": iso_utc(user.created_at),
        },
        "sessions": [{"created_at": iso_utc(s.created_at), "revoked_at": iso_utc(s.revoked_at)}
                     for s in _rows(UserSession, user)],
        "phone_verifications": [{"mobile": p.mobile, "method": p.method,
                                 "verified_at": iso_utc(p.verified_at)}
                                for p in _rows(PhoneVerification, user)],
        # The codes themselves are not kept (only a keyed hash, left out like the password's).
        "one_time_codes": [{"purpose": c.purpose, "created_at": iso_utc(c.created_at),
                            "expires_at": iso_utc(c.expires_at), "used_at": iso_utc(c.used_at),
                            "attempts": c.attempts} for c in _rows(PhoneCode, user)],
        "residencies": [{
            "compound": _compound_name(r.compound_id, names), "unit": r.unit.number,
            "relation": r.relation, "verified_at": iso_utc(r.verified_at),
            "revoked_at": iso_utc(r.revoked_at)}
            for r in _rows(Residency, user, _with_unit(Residency))],
        "unit_claims": [{
            "compound": _compound_name(c.compound_id, names), "unit": c.unit.number,
            "relation": c.relation, "method": c.method, "status": c.status, "note": c.note,
            "decision_reason": c.decision_reason, "created_at": iso_utc(c.created_at),
            "decided_at": iso_utc(c.decided_at)}
            for c in _rows(UnitClaim, user, _with_unit(UnitClaim))],
        "roles": [{
            "compound": _compound_name(g.compound_id, names), "role": g.role,
            "granted_at": iso_utc(g.granted_at), "revoked_at": iso_utc(g.revoked_at)}
            for g in _rows(RoleGrant, user)],
        "role_requests": [{
            "compound": _compound_name(q.compound_id, names), "role": q.role,
            "status": q.status, "decision_reason": q.decision_reason,
            "created_at": iso_utc(q.created_at), "decided_at": iso_utc(q.decided_at)}
            for q in _rows(RoleRequest, user)],
        "staff_assignments": [{
            "community": a.community.name, "granted_at": iso_utc(a.granted_at),
            "revoked_at": iso_utc(a.revoked_at)}
            for a in _rows(StaffAssignment, user, joinedload(StaffAssignment.community))],
        "activity": [{
            "action": e.action, "compound": _compound_name(e.compound_id, names),
            "at": iso_utc(e.created_at)} for e in db.session.scalars(
                select(AuditEntry).where(AuditEntry.actor_id == user.id)
                .order_by(AuditEntry.id))],  # seq counts per chain
    }


def _withdraw_compound_ties(user: User, now) -> dict[int, list]:
    """Revoke residencies and roles, close pending requests; rows written, by compound."""
    changed: dict[int, list] = defaultdict(list)
    for row in db.session.scalars(select(Residency).where(
            Residency.user_id == user.id, Residency.revoked_at.is_(None))):
        row.revoked_at = now
        changed[row.compound_id].append(row)
    for row in db.session.scalars(select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.revoked_at.is_(None))):
        row.revoked_at, row.revoked_by_id = now, user.id
        changed[row.compound_id].append(row)
    for model in (UnitClaim, RoleRequest):
        for row in db.session.scalars(select(model).where(
                model.user_id == user.id, model.status == "pending")):
            row.status, row.decision_reason = "rejected", WITHDRAWN_REASON
            row.decided_by_id, row.decided_at = user.id, now
            changed[row.compound_id].append(row)
    return changed


def delete_account(user: User, password: str) -> User:
    """Delete an account by anonymising it in place (个人信息保护法 第四十七条): the row stays
    so that ballots and the audit chain stay intact, detached from the person. The mobile is
    replaced by a placeholder that can never be a phone number, which frees the real number
    for a new registration."""
    if not user.is_active_account:
        raise ServiceError(_l("这个账户已经注销。"), status=409)
    if not verify_password(user.password_hash, password or ""):
        raise ServiceError(_l("密码不正确。"), field="password")
    now = utcnow()
    compounds = {c_id: db.session.get(Compound, c_id) for c_id in db.session.scalars(
        select(Residency.compound_id).where(Residency.user_id == user.id)
        .union(select(RoleGrant.compound_id).where(RoleGrant.user_id == user.id)))}
    # The capacity each compound knew them in, read before the roles go.
    roles = {c_id: primary_role(user, c) for c_id, c in compounds.items() if c is not None}
    changed = _withdraw_compound_ties(user, now)
    for compound_id, rows in sorted(changed.items()):
        record(user, compound_id, "account.left_compound", None, {"rows": len(rows)},
               also=rows, actor_role=roles.get(compound_id))
    forget_roles()
    ended = list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))))
    staff = list(db.session.scalars(select(StaffAssignment).where(
        StaffAssignment.user_id == user.id, StaffAssignment.revoked_at.is_(None))))
    for row in ended + staff:
        row.revoked_at = now
    user.mobile = f"x{user.id:010d}"  # 'x': normalize_mobile() never accepts it
    # Proofs stay (the log covers them) but lose the number; codes are simply deleted.
    proofs = _rows(PhoneVerification, user)
    for proof in proofs:
        proof.mobile = user.mobile
    forget_codes_of(user)
    user.display_name = DELETED_NAME
    user.password_hash = "!" + secrets.token_hex(32)  # no "$": matches no password
    user.is_active_account = False
    user.is_admin = False
    user.shows_party_badge = False
    record(user, None, "account.deleted", user,
           {"sessions_ended": len(ended), "staff_assignments_ended": len(staff)},
           also=ended + staff + proofs)
    return user
