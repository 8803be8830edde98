"""Convening a meeting, taking attendance, demands for a meeting, the compound's meeting
rules. Services take the actor, flush and never commit; every change is audited."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.compounds.access import has_role, is_member, is_staff, primary_role, roles_in
from app.compounds.models import Compound
from app.core.db import refused_if_taken
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.sanitize import clean_text
from app.core.time import china_time, utcnow
from app.extensions import db
from app.issues.models import Issue
from app.meetings import rules
from app.meetings.models import (
    ATTENDANCE,
    AgendaItem,
    Attendance,
    DemandSignature,
    Meeting,
    MeetingDemand,
    MeetingRules,
)
from app.notifications.services import notify
from app.proposals.models import Proposal

REASON_MAX = 500
INVITED_CAPACITIES = ("party_cell", "property", "staff", "grid", "council", "committee")


@dataclass
class ConveneInput:
    body: str
    title: str
    place: str
    starts_at: datetime
    recorder_id: int | None = None
    issue_ids: list[int] = field(default_factory=list)
    proposal_ids: list[int] = field(default_factory=list)
    free_items: list[str] = field(default_factory=list)
    invitee_ids: list[int] = field(default_factory=list)
    is_urgent: bool = False
    urgent_reason: str = ""
    demand_id: int | None = None


def meeting_path(meeting: Meeting) -> str:
    return f"/c/{meeting.compound_id}/meetings/{meeting.id}"


def _capacity(user_id: int, compound: Compound) -> str:
    from app.accounts.models import User

    held = roles_in(db.session.get(User, user_id), compound)
    return next((r for r in INVITED_CAPACITIES if r in held), "resident")


def _agenda(compound: Compound, data: ConveneInput) -> list[AgendaItem]:
    items = []
    for issue_id in data.issue_ids:
        issue = db.session.get(Issue, issue_id)
        if issue is None or issue.compound_id != compound.id:
            raise NotFound(_l("找不到这个议题。"), field="issues")
        items.append(AgendaItem(kind="issue", issue_id=issue.id, title=issue.title))
    for proposal_id in data.proposal_ids:
        proposal = db.session.get(Proposal, proposal_id, options=[selectinload(Proposal.options)],
                                  populate_existing=True)
        if proposal is None or proposal.compound_id != compound.id:
            raise NotFound(_l("找不到这个议案。"), field="proposals")
        items.append(AgendaItem(kind="proposal", proposal_id=proposal.id, title=proposal.title))
    for text in data.free_items:
        title = clean_text(text, 200)
        if title:
            items.append(AgendaItem(kind="free", title=title))
    if not items:
        raise ServiceError(_l("请至少列出一项议程。"), field="free_items")
    for n, item in enumerate(items, start=1):
        item.position = n
    return items


def check_time(compound: Compound, body: str, starts_at: datetime, is_urgent: bool,
               urgent_reason: str, now: datetime) -> tuple[int, bool, str]:
    """(the rule's notice days, whether the notice is shorter than the rule, the reason).

    The notice must run the compound's period first; a meeting at shorter notice is an urgent
    one (紧急会议) and needs a written reason, printed on the notice. A meeting with notice
    enough is not marked urgent whatever the box said."""
    days = rules.notice_days(compound, body)
    reason = clean_text(urgent_reason, REASON_MAX)
    if starts_at <= now:
        raise ServiceError(_l("会议时间须晚于现在。"), field="starts_at")
    earliest = rules.earliest_start(now, days)
    short = starts_at < earliest
    if short and not is_urgent:
        raise ServiceError(
            lazy_ngettext("会议通知须提前 %(days)s 日发布：最早可定在 %(when)s（北京时间）。"
                          "确有紧急情况请勾选“紧急会议”并写明理由。",
                          "会议通知须提前 %(days)s 日发布：最早可定在 %(when)s（北京时间）。"
                          "确有紧急情况请勾选“紧急会议”并写明理由。",
                          days, days=days, when=china_time(earliest)),
            field="starts_at")
    if short and not reason:
        raise ServiceError(_l("紧急会议须写明理由。"), field="urgent_reason")
    return days, short, reason if short else ""


def _demand_for(compound: Compound, data: ConveneInput) -> MeetingDemand | None:
    if not data.demand_id:
        return None
    demand = db.session.get(MeetingDemand, data.demand_id)
    if demand is None or demand.compound_id != compound.id or demand.body != data.body:
        raise NotFound(_l("找不到这份联名提议。"))
    if demand.meeting_id is not None:
        raise Conflict(_l("这份联名提议已经安排了会议。"))
    return demand


def convene(actor, compound: Compound, data: ConveneInput,
            now: datetime | None = None) -> Meeting:
    """召集会议: publish the notice now, with time, place, convener, recorder and agenda.
    The notice must run the compound's period first (council 3 days, committee 7 by default)
    unless the meeting is marked urgent with a written reason. Members are frozen now."""
    now = now or utcnow()
    if data.body not in rules.CONVENERS:
        raise ServiceError(_l("请选择会议类型。"), field="body")
    if not rules.may_convene(actor, compound, data.body):
        raise PermissionDenied(_l("您不能召集这类会议。"))
    title, place = clean_text(data.title, 120), clean_text(data.place, 120)
    if not title:
        raise ServiceError(_l("请填写会议名称。"), field="title")
    if not place:
        raise ServiceError(_l("请填写会议地点。"), field="place")
    days, urgent, reason = check_time(compound, data.body, data.starts_at, data.is_urgent,
                                      data.urgent_reason, now)
    members = rules.member_ids(compound, data.body)
    if data.body in rules.MEMBER_ROLE and not members:
        raise ServiceError(_l("本小区还没有这个组织的成员，无法召集会议。"), field="body")
    recorder_id = data.recorder_id or actor.id
    demand = _demand_for(compound, data)
    meeting = Meeting(compound_id=compound.id, body=data.body, title=title, place=place,
                      starts_at=data.starts_at, convener_id=actor.id, recorder_id=recorder_id,
                      notice_published_at=now, notice_days=days, is_urgent=urgent,
                      urgent_reason=reason, demand_id=demand.id if demand else None,
                      created_at=now)
    meeting.agenda = _agenda(compound, data)
    db.session.add(meeting)
    db.session.flush()
    people = [Attendance(meeting_id=meeting.id, user_id=uid, is_member=True,
                         capacity=rules.MEMBER_ROLE[data.body]) for uid in members]
    for uid in dict.fromkeys(data.invitee_ids + [actor.id, recorder_id]):
        if uid not in members:
            people.append(Attendance(meeting_id=meeting.id, user_id=uid, is_member=False,
                                     capacity=_capacity(uid, compound)))
    db.session.add_all(people)
    also = [*meeting.agenda, *people]
    if demand is not None:
        demand.meeting_id = meeting.id
        also.append(demand)
    db.session.flush()
    record(actor, compound, "meeting.convene", meeting,
           {"body": data.body, "starts_at": data.starts_at, "notice_days": days,
            "urgent": urgent, "reason": reason, "demand": data.demand_id},
           also=also, actor_role=primary_role(actor, compound))
    notify([p.user_id for p in people], compound.id, "meeting.convened",
           gettext("%(body)s通知：%(title)s，%(when)s 在%(place)s召开",
                   body=rules.BODY_LABELS[data.body], title=title,
                   when=china_time(data.starts_at), place=place)
           + rules.notice_note(meeting), meeting_path(meeting), skip=actor.id)
    return meeting


# Each record of a meeting is refused before it starts, saying when it does.
NOT_YET = {
    "attendance": lambda when: _l("会议定于 %(when)s（北京时间）开始，开始后才能登记出席情况。",
                                  when=when),
    "minutes": lambda when: _l("会议定于 %(when)s（北京时间）开始，开始后才能起草纪要。",
                               when=when),
    "confirm": lambda when: _l("会议定于 %(when)s（北京时间）开始，开始后才能确认纪要。",
                               when=when),
    "publish": lambda when: _l("会议定于 %(when)s（北京时间）开始，开始后才能公开纪要。",
                               when=when),
    "decision": lambda when: _l("会议定于 %(when)s（北京时间）开始，开始后才能记录会议决定。",
                                when=when),
}


def lock_meeting(meeting: Meeting) -> Meeting:
    """Read the meeting row again, locked on PostgreSQL: a record taken now and a cancel or
    move of the meeting run one after the other, never across each other."""
    stmt = select(Meeting).where(Meeting.id == meeting.id).options(
        selectinload(Meeting.agenda)).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return db.session.execute(stmt).scalar_one()


def records_refusal(meeting: Meeting, now: datetime, record_kind: str):
    """Why a record of this kind cannot be taken now, or None: attendance, minutes, their
    confirmation and publication, and decisions are records of a meeting that took place."""
    if meeting.status == "cancelled":
        return _l("会议已取消，不能再登记或起草任何记录。")
    if now < meeting.starts_at:
        return NOT_YET[record_kind](china_time(meeting.starts_at))
    return None


def require_started(meeting: Meeting, now: datetime, record_kind: str) -> None:
    """Refuse a record before the meeting starts and for a cancelled meeting."""
    refusal = records_refusal(lock_meeting(meeting), now, record_kind)
    if refusal is not None:
        raise ServiceError(refusal, status=409)


def may_record(user, meeting: Meeting, compound: Compound) -> bool:
    return user.id in (meeting.recorder_id, meeting.convener_id) or is_staff(user, compound)


def record_attendance(actor, compound: Compound, meeting: Meeting, statuses: dict[int, str],
                      now: datetime | None = None) -> list[Attendance]:
    """The recorder marks each expected person present, absent or excused (签到)."""
    now = now or utcnow()
    if not may_record(actor, meeting, compound):
        raise PermissionDenied(_l("只有会议记录人或召集人可以登记出席情况。"))
    require_started(meeting, now, "attendance")
    rows = {a.id: a for a in attendance_of(meeting)}
    changed = []
    for row_id, status in statuses.items():
        row = rows.get(row_id)
        if row is None or status not in ATTENDANCE[1:]:
            raise ServiceError(_l("出席情况填写有误。"))
        if row.status != status:
            row.status, row.recorded_by_id, row.recorded_at = status, actor.id, now
            changed.append(row)
    if changed:
        db.session.flush()
        present = sum(1 for r in rows.values() if r.is_member and r.status == "present")
        members = sum(1 for r in rows.values() if r.is_member)
        record(actor, compound, "meeting.attendance", meeting,
               {"changed": {str(r.user_id): r.status for r in changed},
                "present_members": present, "members": members},
               also=changed, actor_role=primary_role(actor, compound))
    return changed


def add_attendee(actor, compound: Compound, meeting: Meeting, user,
                 now: datetime | None = None) -> Attendance:
    """An invited party (物业, 社区工作者…) or, at a residents' meeting, a resident who came."""
    now = now or utcnow()
    if not may_record(actor, meeting, compound):
        raise PermissionDenied(_l("只有会议记录人或召集人可以登记出席情况。"))
    require_started(meeting, now, "attendance")
    if not is_member(user, compound) and meeting.body == "residents":
        raise ServiceError(_l("这个人不是本小区的成员。"), field="mobile")
    row = Attendance(meeting_id=meeting.id, user_id=user.id, is_member=False,
                     capacity=_capacity(user.id, compound), status="present",
                     recorded_by_id=actor.id, recorded_at=now)
    with refused_if_taken(_l("这个人已经在出席名单上。"), field="mobile"):
        db.session.add(row)
    record(actor, compound, "meeting.attendee_added", meeting,
           {"user_id": user.id, "capacity": row.capacity}, also=[row],
           actor_role=primary_role(actor, compound))
    return row


def attendance_of(meeting: Meeting) -> list[Attendance]:
    return list(db.session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id)
        .order_by(Attendance.is_member.desc(), Attendance.id)))


def quorum(meeting: Meeting, rows: list[Attendance] | None = None) -> dict:
    rows = attendance_of(meeting) if rows is None else rows
    members = [r for r in rows if r.is_member]
    present = sum(1 for r in members if r.status == "present")
    applies = meeting.body in rules.MEMBER_ROLE
    return {"applies": applies, "members": len(members), "present": present,
            "needed": len(members) // 2 + 1,
            "met": rules.has_quorum(present, len(members)) if applies else None,
            "attendees": sum(1 for r in rows if r.status == "present"),
            "recorded": any(r.status != "unrecorded" for r in members)}


# ---- demands: one third of the members may require a meeting ----

def open_demand(actor, compound: Compound, body: str, subject: str,
                now: datetime | None = None) -> MeetingDemand:
    """A member starts a demand for a meeting and is its first signatory."""
    now = now or utcnow()
    if body not in rules.MEMBER_ROLE:
        raise ServiceError(_l("只有议事会、业委会成员可以联名提议召开会议。"), field="body")
    members = rules.member_ids(compound, body)
    if actor.id not in members:
        raise PermissionDenied(_l("只有这个组织的成员可以联名提议召开会议。"))
    subject = clean_text(subject, 200)
    if not subject:
        raise ServiceError(_l("请写明要商议的事项。"), field="subject")
    demand = MeetingDemand(compound_id=compound.id, body=body, subject=subject,
                           created_by_id=actor.id, member_count=len(members),
                           threshold=rules.demand_threshold(len(members)), created_at=now)
    db.session.add(demand)
    db.session.flush()
    record(actor, compound, "meeting.demand_open", demand, {"body": body},
           actor_role=primary_role(actor, compound))
    sign_demand(actor, compound, demand, now=now)
    return demand


def sign_demand(actor, compound: Compound, demand: MeetingDemand,
                now: datetime | None = None) -> DemandSignature:
    """Sign once. When signatures reach ⌈n/3⌉ the conveners are told, and the meeting must be
    scheduled within 7 days."""
    now = now or utcnow()
    if actor.id not in rules.member_ids(compound, demand.body):
        raise PermissionDenied(_l("只有这个组织的成员可以联名。"))
    if demand.meeting_id is not None:
        raise Conflict(_l("会议已经安排，无需再联名。"))
    signature = DemandSignature(demand_id=demand.id, user_id=actor.id, created_at=now)
    with refused_if_taken(_l("您已经联名过了。")):
        db.session.add(signature)
    db.session.execute(update(MeetingDemand).where(MeetingDemand.id == demand.id).values(
        signature_count=MeetingDemand.signature_count + 1)
        .execution_options(synchronize_session=False))
    db.session.refresh(demand)
    reached = demand.reached_at is None and demand.signature_count >= demand.threshold
    if reached:
        demand.reached_at, demand.due_at = now, now + timedelta(days=rules.DEMAND_DAYS)
        db.session.flush()
    record(actor, compound, "meeting.demand_sign", demand,
           {"signatures": demand.signature_count, "threshold": demand.threshold,
            "reached": reached}, also=[signature], actor_role=primary_role(actor, compound))
    if reached:
        notify(_conveners(compound, demand.body), compound.id, "meeting.demand_reached",
               gettext("已有三分之一以上成员联名提议召开%(body)s（%(subject)s），请于7日内安排。",
                       body=rules.BODY_LABELS[demand.body], subject=demand.subject),
               f"/c/{compound.id}/meetings/", skip=actor.id)
    return signature


def _conveners(compound: Compound, body: str) -> list[int]:
    from app.compounds.models import RoleGrant

    return list(db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.compound_id == compound.id, RoleGrant.revoked_at.is_(None),
        RoleGrant.role.in_(rules.CONVENERS[body]))))


def is_overdue(demand: MeetingDemand, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return demand.meeting_id is None and demand.due_at is not None and now > demand.due_at


def set_rules(actor, compound: Compound, *, council: int, committee: int, residents: int,
              confirm: int) -> MeetingRules:
    """Community staff set the compound's notice periods as its adopted 议事规则 says."""
    if not has_role(actor, compound, "staff"):
        raise PermissionDenied(_l("只有社区工作人员可以修改会议规则。"))
    for name, value, low in (("council", council, 0), ("committee", committee, 0),
                             ("residents", residents, 0), ("confirm", confirm, 1)):
        if value is None or not low <= value <= 60:
            raise ServiceError(_l("天数须在 %(low)s 到 60 之间。", low=low), field=name)
    row = rules.rules_of(compound) or MeetingRules(compound_id=compound.id)
    row.council_notice_days, row.committee_notice_days = council, committee
    row.residents_notice_days, row.confirm_days = residents, confirm
    db.session.add(row)
    db.session.flush()
    record(actor, compound, "meeting.rules", row,
           {"council": council, "committee": committee, "residents": residents,
            "confirm": confirm}, actor_role=primary_role(actor, compound))
    return row
