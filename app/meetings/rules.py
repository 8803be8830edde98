"""Who belongs to which body, who convenes it, and the notice-ahead rule (DESIGN §4)."""
import math
from datetime import datetime, time, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import bindparam, select

from app.compounds.access import has_role
from app.compounds.models import Compound, RoleGrant
from app.core.i18n import lazy_gettext as _l
from app.core.time import CHINA
from app.extensions import db
from app.meetings.models import MeetingRules

BODY_LABELS = {"council": _l("议事会会议"), "committee": _l("业委会会议"),
               "residents": _l("居民会议")}
# The role whose holders are the members of the body (and make its quorum). A residents'
# meeting has no fixed membership here: attendance is recorded as people come.
MEMBER_ROLE = {"council": "council", "committee": "committee"}
# Who may convene: the party cell convenes the council (DESIGN §1), the council may call its
# own; the owners' committee convenes itself; the party cell or community staff call a
# residents' meeting (居民会议 is convened by the 居委会).
CONVENERS = {"council": ("party_cell", "council"), "committee": ("committee",),
             "residents": ("party_cell", "staff")}
DEFAULT_NOTICE_DAYS = {"council": 3, "committee": 7, "residents": 7}
DEFAULT_CONFIRM_DAYS = 3
DEMAND_DAYS = 7
# Decisions are made public within 3 days of the meeting (DESIGN §4): shown as a reminder.
PUBLISH_DAYS = 3


def rules_of(compound: Compound) -> MeetingRules | None:
    return db.session.scalar(select(MeetingRules).where(MeetingRules.compound_id == compound.id))


def notice_days(compound: Compound, body: str, row: MeetingRules | None = None) -> int:
    """The notice period of a body's meetings; `row`: the compound's rules, when already
    read (None: read them here)."""
    row = row or rules_of(compound)
    if row is None:
        return DEFAULT_NOTICE_DAYS[body]
    return getattr(row, f"{body}_notice_days")


def confirm_days(compound: Compound) -> int:
    row = rules_of(compound)
    return row.confirm_days if row is not None else DEFAULT_CONFIRM_DAYS


def earliest_start(notice_at: datetime, days: int) -> datetime:
    """The first moment a meeting may begin when its notice goes out at `notice_at`.

    "提前 N 日通知" is read as calendar days in China Standard Time: the day of the notice is
    not counted (民法典 第二百零一条), so the meeting may be held from the start (00:00) of
    the N-th day after it: a notice on Monday allows a council meeting (3 days) from Thursday.
    Rest days are not skipped: meetings are commonly held at weekends."""
    if days <= 0:
        return notice_at
    day = notice_at.astimezone(CHINA).date() + timedelta(days=days)
    return datetime.combine(day, time.min, tzinfo=CHINA)


def notice_period(notice_at: datetime, starts_at: datetime) -> str:
    """The notice the meeting really had, from the notice to the start, in days and hours
    (minutes when under a day): "提前 2 天 5 小时通知"."""
    total = max(0, int((starts_at - notice_at).total_seconds()) // 60)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days and hours:
        return gettext("提前 %(d)s 天 %(h)s 小时通知", d=days, h=hours)
    if days:
        return ngettext("提前 %(d)s 天通知", "提前 %(d)s 天通知", days, d=days)
    if hours and minutes:
        return gettext("提前 %(h)s 小时 %(m)s 分钟通知", h=hours, m=minutes)
    if hours:
        return ngettext("提前 %(h)s 小时通知", "提前 %(h)s 小时通知", hours, h=hours)
    return ngettext("提前 %(m)s 分钟通知", "提前 %(m)s 分钟通知", minutes, m=minutes)


def is_short_notice(meeting) -> bool:
    """Shorter notice than the compound's rule asked for when it was given."""
    return meeting.starts_at < earliest_start(meeting.notice_published_at, meeting.notice_days)


def notice_note(meeting) -> str:
    """What a notification or a page says of the notice: the real period, and for a meeting
    at shorter notice than the rule, that it is urgent and why."""
    text = notice_period(meeting.notice_published_at, meeting.starts_at)
    if meeting.is_urgent or is_short_notice(meeting):
        return gettext("（%(period)s；紧急会议，不足 %(days)s 日通知期，理由：%(reason)s）",
                       period=text, days=meeting.notice_days, reason=meeting.urgent_reason)
    return gettext("（%(period)s）", period=text)


def may_convene(user, compound: Compound, body: str) -> bool:
    return has_role(user, compound, *CONVENERS[body])


def convenable_bodies(user, compound: Compound) -> list[str]:
    return [b for b in CONVENERS if may_convene(user, compound, b)]


def member_ids(compound: Compound, body: str) -> list[int]:
    """The current members of a body: the active holders of its role."""
    role = MEMBER_ROLE.get(body)
    if role is None:
        return []
    return list(db.session.scalars(_MEMBER_IDS, {"compound_id": compound.id, "role": role}))


_MEMBER_IDS = (select(RoleGrant.user_id).where(RoleGrant.compound_id == bindparam("compound_id"),
                                                RoleGrant.role == bindparam("role"),
                                                RoleGrant.revoked_at.is_(None))
               .order_by(RoleGrant.user_id).distinct())  # built once


def demand_threshold(members: int) -> int:
    """One third of the members, rounded up (⌈n/3⌉)."""
    return max(1, math.ceil(members / 3))


def has_quorum(present_members: int, members: int) -> bool:
    """More than half of all members present ("过半数", the boundary excluded)."""
    return members > 0 and present_members * 2 > members
