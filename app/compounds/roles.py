"""Roles held per compound (DESIGN §1): staff grant and revoke them; a resident declares party
membership (党员亮身份), which the party cell confirms; badges shown next to names.
Services take the actor, flush and never commit; every change is audited."""
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.accounts.services import find_by_mobile
from app.audit.services import record
from app.compounds.access import forget_roles, has_role, is_staff, primary_role, roles_in
from app.compounds.models import GRANTED_ROLES, Compound, RoleGrant, RoleRequest
from app.core.db import get_scoped
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import mask_mobile
from app.core.time import utcnow
from app.extensions import db

PARTY = "party_member"
# party_member is never granted directly: it is declared by the person and confirmed.
GRANTABLE_ROLES = tuple(r for r in GRANTED_ROLES if r != PARTY)
REASON_MAX = 500

ROLE_LABELS = {
    "resident": _l("居民"),
    "owner": _l("业主"),
    "party_member": _l("党员"),
    "party_cell": _l("小区党支部"),
    "council": _l("议事会成员"),
    "committee": _l("业委会成员"),
    "property": _l("物业"),
    "grid": _l("网格员"),
    "staff": _l("社区工作者"),
    "subdistrict": _l("街道工作人员"),
    "admin": _l("系统管理员"),
}


class Badge(NamedTuple):
    role: str
    label: object
    css: str


# Official capacities are always shown; party membership only by the person's choice.
_BADGE_ORDER = ("party_cell", "committee", "council", "property", "grid", "staff")


def badges_from_roles(roles, shows_party_badge: bool) -> list[Badge]:
    badges = [Badge(r, ROLE_LABELS[r], "badge") for r in _BADGE_ORDER if r in roles]
    if PARTY in roles and shows_party_badge:
        badges.append(Badge(PARTY, ROLE_LABELS[PARTY], "badge badge-party"))
    return badges


def badges_for(user: User, compound: Compound) -> list[Badge]:
    """The role badges to show next to the person's name in this compound. The 党员 badge
    appears only when the membership is confirmed and the person chose to show it."""
    return badges_from_roles(roles_in(user, compound), bool(user.shows_party_badge))


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ServiceError(_l("请写明理由。"), field="reason")
    if len(text) > REASON_MAX:
        raise ServiceError(_l("理由请不超过 500 个字。"), field="reason")
    return text


def _insert_grant(grant: RoleGrant) -> RoleGrant:
    try:
        with db.session.begin_nested():
            db.session.add(grant)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("这个人已经拥有这个角色。"), field="role") from None
    return grant


def grant_role(actor: User, compound: Compound, user: User, role: str) -> RoleGrant:
    """Community staff give someone a role in this compound."""
    if not is_staff(actor, compound):
        raise PermissionDenied(_l("只有本社区的工作人员可以授予角色。"))
    if role not in GRANTABLE_ROLES:
        raise ServiceError(_l("请选择要授予的角色。党员身份由本人申报、党支部确认。"),
                           field="role")
    grant = _insert_grant(RoleGrant(compound_id=compound.id, user_id=user.id, role=role,
                                    granted_by_id=actor.id, granted_at=utcnow()))
    record(actor, compound, "role.granted", grant,
           {"role": role, "user_id": user.id, "mobile": mask_mobile(user.mobile)},
           actor_role=primary_role(actor, compound))
    forget_roles()
    return grant


def revoke_role(actor: User, compound: Compound, grant: RoleGrant, reason: str) -> RoleGrant:
    """Staff end a role; the row stays (history) with revoked_at set. The party cell may also
    end a party membership it confirmed."""
    may = is_staff(actor, compound) or (grant.role == PARTY and
                                        has_role(actor, compound, "party_cell"))
    if not may:
        raise PermissionDenied(_l("只有本社区的工作人员可以撤销角色。"))
    reason = _reason(reason)
    with db.session.begin_nested():
        result = db.session.execute(
            update(RoleGrant)
            .where(RoleGrant.id == grant.id, RoleGrant.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_by_id=actor.id)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict(_l("这个角色已经撤销过了。"))
        db.session.refresh(grant)
        record(actor, compound, "role.revoked", grant,
               {"role": grant.role, "user_id": grant.user_id, "reason": reason},
               actor_role=primary_role(actor, compound))
    forget_roles()
    return grant


def declare_party(user: User, compound: Compound) -> RoleRequest:
    """党员亮身份: a verified resident declares party membership, for the party cell to
    confirm. Nothing is shown until it is confirmed."""
    held = roles_in(user, compound)
    if "resident" not in held:
        raise PermissionDenied(_l("只有本小区已认证的居民可以亮明党员身份。"))
    if PARTY in held:
        raise Conflict(_l("您的党员身份已经确认。"))
    req = RoleRequest(compound_id=compound.id, user_id=user.id, role=PARTY,
                      created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(req)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("您已经申报过，请等待党支部确认。")) from None
    record(user, compound, "party.declared", req, {"role": PARTY},
           actor_role=primary_role(user, compound))
    return req


def _may_confirm(actor: User, compound: Compound, req: RoleRequest) -> None:
    if not has_role(actor, compound, "party_cell", "staff"):
        raise PermissionDenied(_l("只有小区党支部或社区工作人员可以确认党员身份。"))
    if req.user_id == actor.id:
        raise PermissionDenied(_l("不能确认自己的申报。"))


def _decide(actor: User, req: RoleRequest, status: str, reason: str) -> None:
    result = db.session.execute(
        update(RoleRequest)
        .where(RoleRequest.id == req.id, RoleRequest.status == "pending")
        .values(status=status, decision_reason=reason, decided_by_id=actor.id,
                decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("这份申报已经处理过了。"))
    db.session.refresh(req)


def confirm_party(actor: User, compound: Compound, req: RoleRequest) -> RoleGrant:
    """The party cell (or staff) confirm a declaration: the person now holds party_member."""
    _may_confirm(actor, compound, req)
    with db.session.begin_nested():
        _decide(actor, req, "confirmed", "")
        grant = _insert_grant(RoleGrant(compound_id=compound.id, user_id=req.user_id,
                                        role=PARTY, granted_by_id=actor.id,
                                        granted_at=utcnow()))
        record(actor, compound, "party.confirmed", grant,
               {"request_id": req.id, "user_id": req.user_id}, also=[req],
               actor_role=primary_role(actor, compound))
    forget_roles()
    return grant


def decline_party(actor: User, compound: Compound, req: RoleRequest,
                  reason: str) -> RoleRequest:
    """The party cell decline a declaration with a written reason the person will read."""
    _may_confirm(actor, compound, req)
    reason = _reason(reason)
    with db.session.begin_nested():
        _decide(actor, req, "declined", reason)
        record(actor, compound, "party.declined", req,
               {"user_id": req.user_id, "reason": reason},
               actor_role=primary_role(actor, compound))
    return req


def get_grant(compound: Compound, grant_id: int) -> RoleGrant:
    return get_scoped(RoleGrant, grant_id, _l("找不到这个角色记录。"), compound_id=compound.id)


def get_role_request(compound: Compound, request_id: int) -> RoleRequest:
    return get_scoped(RoleRequest, request_id, _l("找不到这份申报。"), compound_id=compound.id)


def active_grants(compound: Compound) -> list[RoleGrant]:
    return list(db.session.scalars(
        select(RoleGrant).where(RoleGrant.compound_id == compound.id,
                                RoleGrant.revoked_at.is_(None))
        .options(selectinload(RoleGrant.user))
        .order_by(RoleGrant.role, RoleGrant.granted_at)))


def pending_party_requests(compound: Compound) -> list[RoleRequest]:
    return list(db.session.scalars(
        select(RoleRequest).where(RoleRequest.compound_id == compound.id,
                                  RoleRequest.role == PARTY,
                                  RoleRequest.status == "pending")
        .options(selectinload(RoleRequest.user))
        .order_by(RoleRequest.created_at, RoleRequest.id)))


def party_request_of(user: User, compound: Compound) -> RoleRequest | None:
    """The person's latest party declaration here, whatever its state."""
    return db.session.scalar(
        select(RoleRequest).where(RoleRequest.compound_id == compound.id,
                                  RoleRequest.user_id == user.id, RoleRequest.role == PARTY)
        .order_by(RoleRequest.created_at.desc(), RoleRequest.id.desc()).limit(1))


def resolve_grantee(compound: Compound, member_id: int | None, mobile: str | None) -> User:
    """The person a role is for: a member picked from the list, or any account by mobile
    (a property manager need not live in the compound)."""
    if member_id:
        user = db.session.get(User, member_id)
        if user is None:
            raise NotFound(_l("找不到这个成员。"), field="member")
        return user
    if mobile:
        user = find_by_mobile(mobile)
        if user is None:
            raise ServiceError(_l("这个手机号还没有注册账户，可以先为其代办注册。"),
                               field="mobile")
        return user
    raise ServiceError(_l("请选择一位成员，或输入手机号。"), field="member")
