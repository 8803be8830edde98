"""Verification of a person for a unit (DESIGN §1): by the one-time code on the unit's letter,
by staff approval of a request, or registered by staff on the person's behalf (代办).
Services take the actor, flush and never commit; every change is audited."""
from datetime import timedelta

from sqlalchemy import and_, bindparam, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload, with_expression

from app.accounts.models import User
from app.accounts.recovery import is_proven
from app.accounts.services import find_by_mobile, register_user
from app.audit.services import record
from app.compounds.access import forget_roles, is_staff, primary_role
from app.compounds.letters import normalize_code
from app.compounds.models import (
    RELATIONS,
    Building,
    Compound,
    Holding,
    HoldingOwner,
    InviteCode,
    Residency,
    Unit,
    UnitClaim,
)
from app.core.db import get_scoped
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import mask_mobile
from app.core.time import utcnow
from app.extensions import db
from app.notifications.services import notify

REASON_MAX = 500
BAD_CODE = _l("认证码不正确，或已被使用、已作废。请核对邀请函上的认证码，"
              "或向社区工作人员申请人工审核。")
EXISTING_ACCOUNT = _l("这个手机号已经注册了账户。为防止冒用他人的号码，不能为已有账户代办认证："
                      "请居民本人登录后认证房屋；忘记密码的，可以为其发放一次性重置码。")


def _check_relation(relation: str) -> str:
    if relation not in RELATIONS:
        raise ServiceError(_l("请选择您与房屋的关系。"), field="relation")
    return relation


def _require_staff(actor: User, compound: Compound) -> None:
    if not is_staff(actor, compound):
        raise PermissionDenied(_l("只有本社区的工作人员可以办理房屋认证。"))


def on_roster(user: User, unit: Unit) -> bool:
    """Whether the person's account mobile is one of the unit's roster (co-)owners."""
    if unit.holding_id is None:
        return False
    return db.session.scalar(select(HoldingOwner.id).where(
        HoldingOwner.holding_id == unit.holding_id,
        HoldingOwner.mobile == user.mobile).limit(1)) is not None


def claim_on_roster(user: User, claim: UnitClaim) -> bool:
    """on_roster() for the claim's unit and `user`, the unit's holding read in the same
    statement."""
    holding = select(Unit.holding_id).where(Unit.id == claim.unit_id).scalar_subquery()
    return db.session.scalar(select(HoldingOwner.id).where(
        HoldingOwner.holding_id == holding,
        HoldingOwner.mobile == user.mobile).limit(1)) is not None


def with_roster_match():
    """Loader option filling UnitClaim.on_roster: claim_on_roster() for each claim of a list,
    inside the list's own statement. The list's query also needs populate_existing: a claim
    already in the session would otherwise keep on_roster unset."""
    matched = (select(HoldingOwner.id)
               .join(Unit, Unit.holding_id == HoldingOwner.holding_id)
               .join(User, User.mobile == HoldingOwner.mobile)
               .where(Unit.id == UnitClaim.unit_id, User.id == UnitClaim.user_id)
               .correlate(UnitClaim).exists())
    return with_expression(UnitClaim.on_roster, matched)


def number_of(unit: Unit) -> str:
    """Unit.number, reading the building's name when the unit came without it."""
    if "building" not in inspect(unit).unloaded:
        return unit.number
    name = db.session.scalar(select(Building.name).where(Building.id == unit.building_id))
    return f"{name}-{unit.entrance}-{unit.room}"


def unit_number(claim: UnitClaim) -> str:
    """楼栋-单元-房号 of the claim's unit (Unit.number), in one statement."""
    return "-".join(db.session.execute(
        select(Building.name, Unit.entrance, Unit.room)
        .join(Building, Building.id == Unit.building_id).where(Unit.id == claim.unit_id)).one())


def _add_residency(claim: UnitClaim, verified_by: User | None) -> Residency:
    residency = Residency(compound_id=claim.compound_id, unit_id=claim.unit_id,
                          user_id=claim.user_id, relation=claim.relation, claim_id=claim.id,
                          verified_at=utcnow(),
                          verified_by_id=verified_by.id if verified_by else None)
    try:
        with db.session.begin_nested():
            db.session.add(residency)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("已经认证过这个房屋了。")) from None
    return residency


def _add_claim(claim: UnitClaim) -> UnitClaim:
    try:
        with db.session.begin_nested():
            db.session.add(claim)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("这个房屋已经有一份您的申请在等待审核，请耐心等候。")) from None
    return claim


def claim_by_code(user: User, code: str, relation: str) -> UnitClaim:
    """Redeem a unit's one-time invite code. The code is consumed by one conditional UPDATE,
    so of any number of concurrent redemptions exactly one succeeds.

    Family members and tenants are verified at once. Holding the letter does not prove
    ownership (a tenant may hold it), so an owner is verified at once only when the account's
    mobile is one of the unit's roster owners AND the person has proven they hold that number
    (an SMS code typed back): anyone can register with the owner's number, only the owner
    receives its texts. Otherwise the claim waits for staff. Only owners cast the owner's
    ballot (民法典 第二百七十八条)."""
    relation = _check_relation(relation)
    normalized = normalize_code(code)
    if not normalized:
        raise ServiceError(_l("请输入认证码。"), field="code")
    with db.session.begin_nested():
        now = utcnow()
        result = db.session.execute(
            update(InviteCode)
            .where(InviteCode.code == normalized, InviteCode.used_at.is_(None),
                   InviteCode.revoked_at.is_(None))
            .values(used_at=now, used_by_id=user.id)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise ServiceError(BAD_CODE, field="code")
        invite = db.session.execute(
            select(InviteCode).where(InviteCode.code == normalized)
            .execution_options(populate_existing=True)).scalar_one()
        unit = db.session.get(Unit, invite.unit_id, options=[joinedload(Unit.building)],
                             populate_existing=True)
        compound = db.session.get(Compound, unit.compound_id)
        matched = relation == "owner" and on_roster(user, unit)
        proven = matched and is_proven(user)
        verified = relation != "owner" or proven
        claim = _add_claim(UnitClaim(
            compound_id=compound.id, unit_id=unit.id, user_id=user.id, relation=relation,
            method="code", status="approved" if verified else "pending",
            decided_at=now if verified else None))
        data = {"unit": unit.number, "relation": relation,
                "result": "verified" if verified else "pending"}
        if not verified:
            data["why"] = "number_unproven" if matched else "not_on_roster"
        if verified:
            residency = _add_residency(claim, None)
            record(user, compound, "claim.code_used", residency, data, also=[claim, invite],
                   actor_role=primary_role(user, compound))
        else:
            record(user, compound, "claim.code_used", claim, data, also=[invite],
                   actor_role=primary_role(user, compound))
    forget_roles()
    return claim


def request_claim(user: User, unit: Unit, relation: str, note: str = "") -> UnitClaim:
    """Ask staff to verify the person for a unit; staff approve or reject with a reason.
    One pending request per person and unit (a partial unique index enforces it)."""
    relation = _check_relation(relation)
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise ServiceError(_l("说明请不超过 500 个字。"), field="note")
    already = db.session.scalar(select(Residency.id).where(
        Residency.user_id == user.id, Residency.unit_id == unit.id,
        Residency.revoked_at.is_(None)))
    if already:
        raise Conflict(_l("您已经认证了这个房屋。"), field="room")
    compound = db.session.get(Compound, unit.compound_id)
    claim = _add_claim(UnitClaim(compound_id=compound.id, unit_id=unit.id, user_id=user.id,
                                 relation=relation, method="request", note=note))
    record(user, compound, "claim.submitted", claim,
           {"unit": number_of(unit), "relation": relation},
           actor_role=primary_role(user, compound))
    return claim


def _decide(actor: User, claim: UnitClaim, status: str, reason: str) -> None:
    """Move a pending claim to its decision; a second decision (two staff at once) loses."""
    result = db.session.execute(
        update(UnitClaim)
        .where(UnitClaim.id == claim.id, UnitClaim.status == "pending")
        .values(status=status, decision_reason=reason, decided_by_id=actor.id,
                decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("这份申请已经处理过了。"))
    db.session.refresh(claim)


def approve_claim(actor: User, claim: UnitClaim) -> Residency:
    """Staff of the compound's community verify a pending claim."""
    compound = db.session.get(Compound, claim.compound_id)
    _require_staff(actor, compound)
    if claim.user_id == actor.id:
        raise PermissionDenied(_l("不能审核自己的申请，请由其他工作人员办理。"))
    number = unit_number(claim)
    with db.session.begin_nested():
        _decide(actor, claim, "approved", "")
        residency = _add_residency(claim, actor)
        record(actor, compound, "claim.approved", residency,
               {"claim_id": claim.id, "unit": number, "relation": claim.relation},
               also=[claim], actor_role=primary_role(actor, compound))
    notify([claim.user_id], compound.id, "claim.approved",
           _l("您的房屋 %(unit)s 已通过认证，可以参加本小区的议事和表决了。",
              unit=number), f"/c/{compound.id}/", important=True)
    forget_roles()
    return residency


def reject_claim(actor: User, claim: UnitClaim, reason: str) -> UnitClaim:
    """Staff turn a claim down; the written reason is shown to the claimant."""
    compound = db.session.get(Compound, claim.compound_id)
    _require_staff(actor, compound)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("请写明驳回理由，申请人会看到它。"), field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_l("理由请不超过 500 个字。"), field="reason")
    number = unit_number(claim)
    with db.session.begin_nested():
        _decide(actor, claim, "rejected", reason)
        record(actor, compound, "claim.rejected", claim,
               {"unit": number, "reason": reason},
               actor_role=primary_role(actor, compound))
    notify([claim.user_id], compound.id, "claim.rejected",
           _l("您的房屋 %(unit)s 认证申请未通过：%(reason)s", unit=number,
              reason=reason), "/c/claim", important=True)
    return claim


def proxy_register(staff: User, compound: Compound, unit: Unit, *, mobile: str,
                   display_name: str, password: str, relation: str) -> Residency:
    """代办: staff register an (often elderly) resident in person and verify them for a unit.
    The new account records who registered it. A number that already has an account is
    refused: whoever registered it may not be the person in front of staff (anyone can
    register with someone else's number), so verifying it would hand them the home."""
    _require_staff(staff, compound)
    relation = _check_relation(relation)
    if unit.compound_id != compound.id:
        raise NotFound(_l("找不到这个房屋，请核对楼栋、单元和房号。"), field="room")
    role = primary_role(staff, compound)
    with db.session.begin_nested():
        if find_by_mobile(mobile) is not None:  # the message; the unique index decides below
            raise Conflict(EXISTING_ACCOUNT, field="mobile")
        if not password:
            raise ServiceError(_l("请为新账户设置初始密码。"), field="password")
        try:
            person = register_user(mobile, display_name, password, consented=True,
                                   registered_by=staff, compound=compound, actor_role=role)
        except Conflict:
            raise Conflict(EXISTING_ACCOUNT, field="mobile") from None
        now = utcnow()
        claim = _add_claim(UnitClaim(
            compound_id=compound.id, unit_id=unit.id, user_id=person.id, relation=relation,
            method="proxy", status="approved", decided_by_id=staff.id, decided_at=now))
        residency = _add_residency(claim, staff)
        record(staff, compound, "claim.proxy_verified", residency,
               {"unit": unit.number, "relation": relation, "on_behalf": True,
                "new_account": True, "mobile": mask_mobile(person.mobile)},
               also=[claim], actor_role=role)
    forget_roles()
    return residency


def get_claim(compound: Compound, claim_id: int) -> UnitClaim:
    return get_scoped(UnitClaim, claim_id, _l("找不到这份申请。"), compound_id=compound.id)


def pending_claims(compound: Compound) -> list[UnitClaim]:
    """The staff queue, oldest first, with each unit's roster owners loaded."""
    return list(db.session.scalars(
        select(UnitClaim)
        .where(UnitClaim.compound_id == compound.id, UnitClaim.status == "pending")
        .options(selectinload(UnitClaim.user),
                 selectinload(UnitClaim.unit).selectinload(Unit.building),
                 selectinload(UnitClaim.unit).selectinload(Unit.holding)
                 .selectinload(Holding.owners))
        .order_by(UnitClaim.created_at, UnitClaim.id)))


def claims_of(user: User) -> list[UnitClaim]:
    """The person's own claims, newest first (their 'my claims' page)."""
    return list(db.session.scalars(
        select(UnitClaim).where(UnitClaim.user_id == user.id)
        .options(selectinload(UnitClaim.unit).selectinload(Unit.building), with_roster_match())
        .order_by(UnitClaim.created_at.desc(), UnitClaim.id.desc())
        .execution_options(populate_existing=True)))


_OPEN_CLAIMS = (select(UnitClaim).where(  # built once: the home page runs it
    UnitClaim.user_id == bindparam("user_id"),
    or_(UnitClaim.status == "pending",
        and_(UnitClaim.status == "rejected", UnitClaim.decided_at >= bindparam("since"))))
    .options(selectinload(UnitClaim.unit).selectinload(Unit.building), with_roster_match())
    .order_by(UnitClaim.created_at.desc(), UnitClaim.id.desc())
    .execution_options(populate_existing=True))


def open_claims_of(user: User, days: int = 30) -> list[UnitClaim]:
    """What the home page tells a claimant: claims still waiting, and recent rejections with
    their reasons."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(_OPEN_CLAIMS, {"user_id": user.id,
                                                  "since": utcnow() - timedelta(days=days)}))
