"""Muting a member for a set time (禁言), lifting it early, and the one check the posting
services call. Services take the actor, flush, never commit; every change is audited."""
from datetime import timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.compounds.access import has_role, is_member, primary_role
from app.compounds.models import Compound
from app.core.db import get_scoped
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_time, utcnow
from app.extensions import db
from app.moderation.models import ModerationAction, Mute
from app.notifications.services import notify

MODERATORS = ("party_cell", "staff")  # admin always counts (has_role)
MUTE_DAYS = (1, 3, 7, 30)
REASON_MAX = 500


def may_moderate(user, compound: Compound) -> bool:
    return has_role(user, compound, *MODERATORS)


def require_moderator(actor, compound: Compound) -> None:
    if not may_moderate(actor, compound):
        raise PermissionDenied(_l("只有小区党支部或社区工作人员可以处理举报和隐藏内容。"))


def written_reason(text: str | None, message=None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ServiceError(message or _l("请写明理由。"), field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_l("理由请不超过 500 个字。"), field="reason")
    return reason


def active_mute(user, compound: Compound, now=None) -> Mute | None:
    now = now or utcnow()
    return db.session.scalar(select(Mute).where(
        Mute.compound_id == compound.id, Mute.user_id == user.id, Mute.closed_at.is_(None),
        Mute.until_at > now))


def ensure_not_muted(user, compound: Compound, *, on_behalf: bool = False) -> None:
    """Called by every service that posts in the compound (issues, comments, replies);
    `on_behalf` when the muted person is the one a grid worker files for."""
    mute = active_mute(user, compound)
    if mute is None:
        return
    until = china_time(mute.until_at)
    if on_behalf:
        raise PermissionDenied(_l("这位居民已被党支部禁言至 %(until)s，期间不能代其发布议题。",
                                  until=until))
    raise PermissionDenied(_l(
        "您已被党支部禁言至 %(until)s，期间不能在本小区发布议题、评论或回复。", until=until))


def log_action(actor, compound, action: str, target_type: str, target_id: int, reason: str,
         issue_id=None) -> ModerationAction:
    row = ModerationAction(compound_id=compound.id, action=action, target_type=target_type,
                           target_id=target_id, issue_id=issue_id, reason=reason,
                           actor_id=actor.id, actor_role=primary_role(actor, compound),
                           created_at=utcnow())
    db.session.add(row)
    return row


def mute(actor, compound: Compound, member, days: int, reason: str) -> Mute:
    """Mute a member of the compound for 1, 3, 7 or 30 days, with a written reason. Moderators
    themselves cannot be muted; a member already muted is refused (lift it first)."""
    require_moderator(actor, compound)
    if days not in MUTE_DAYS:
        raise ServiceError(_l("请选择禁言时长。"), field="days")
    reason = written_reason(reason, _l("请写明禁言理由。"))
    if member is None or not is_member(member, compound):
        raise ServiceError(_l("只能禁言本小区的成员。"), status=404)
    if member.id == actor.id or may_moderate(member, compound):
        raise PermissionDenied(_l("不能禁言党支部成员、社区工作人员或自己。"))
    now = utcnow()
    # An expired mute still open is closed at its end now, so the open row is the current one.
    expired = list(db.session.scalars(select(Mute).where(
        Mute.compound_id == compound.id, Mute.user_id == member.id, Mute.closed_at.is_(None),
        Mute.until_at <= now)))
    for old in expired:
        old.closed_at = old.until_at
    row = Mute(compound_id=compound.id, user_id=member.id, until_at=now + timedelta(days=days),
               reason=reason, by_id=actor.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        current = active_mute(member, compound, now)
        raise Conflict(_l("该成员正在禁言中（至 %(until)s），如需调整请先解除。",
                          until=china_time(current.until_at) if current else "")) from None
    action = log_action(actor, compound, "mute", "member", member.id, reason)
    record(actor, compound, "moderation.mute", row,
           {"user_id": member.id, "days": days, "until": row.until_at.isoformat(),
            "reason": reason}, also=[action, *expired], actor_role=action.actor_role)
    notify([member.id], compound.id, "moderation.muted",
           ngettext("您在%(name)s已被党支部禁言 %(days)s 天（至 %(until)s），理由：%(reason)s",
                    "您在%(name)s已被党支部禁言 %(days)s 天（至 %(until)s），理由：%(reason)s",
                    days, name=compound.name, days=days, until=china_time(row.until_at),
                    reason=reason), f"/c/{compound.id}/moderation/log")
    return row


def get_mute(compound: Compound, mute_id: int) -> Mute:
    return get_scoped(Mute, mute_id, _l("找不到这条禁言记录。"), compound_id=compound.id)


def unmute(actor, compound: Compound, row: Mute, reason: str) -> Mute:
    """Lift a current mute before its end, with a written reason."""
    require_moderator(actor, compound)
    reason = written_reason(reason, _l("请写明解除禁言的理由。"))
    now = utcnow()
    result = db.session.execute(update(Mute).where(
        Mute.id == row.id, Mute.closed_at.is_(None), Mute.until_at > now).values(
        closed_at=now, lifted_by_id=actor.id, lift_reason=reason)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("这条禁言已经结束或已被解除。"))
    db.session.refresh(row)
    action = log_action(actor, compound, "unmute", "member", row.user_id, reason)
    record(actor, compound, "moderation.unmute", row, {"user_id": row.user_id, "reason": reason},
           also=[action], actor_role=action.actor_role)
    notify([row.user_id], compound.id, "moderation.unmuted",
           gettext("您在%(name)s的禁言已提前解除。", name=compound.name),
           f"/c/{compound.id}/moderation/log")
    return row


def current_mutes(compound: Compound) -> list[Mute]:
    return list(db.session.scalars(select(Mute).where(
        Mute.compound_id == compound.id, Mute.closed_at.is_(None), Mute.until_at > utcnow())
        .options(joinedload(Mute.user)).order_by(Mute.until_at)))
