"""Demo meetings for 锦华苑: a past council meeting whose minutes were drafted twice, confirmed
by everyone present, published and later corrected once; an upcoming council meeting with its
agenda; and the council meetings that deliberated each demo proposal before its vote, with their
published minutes. Everything goes through the services (and so into the audit chain)."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.compounds.demo import ACCOUNTS
from app.compounds.models import Compound
from app.core.time import CHINA, utcnow
from app.extensions import db
from app.issues.models import Issue
from app.meetings import decisions, minutes, services
from app.meetings.models import AgendaItem, Meeting
from app.meetings.queries import deciding_body
from app.proposals.models import Proposal


def _user(role_word: str) -> User:
    mobile = next(a.mobile for a in ACCOUNTS if role_word in a.role)
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _first_id(stmt):
    return db.session.scalar(stmt.limit(1))


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position)))


PLACE = "锦华苑党群服务站二楼会议室"


def hold_deliberation(compound: Compound, proposal: Proposal, convener: User,
                      noticed: datetime, recorder: User | None = None) -> Meeting:
    """议事会商议 of a demo proposal: the council (the committee for its own resolutions),
    convened six days before the voting notice, met the evening before it; every member came
    and the meeting decided to put the proposal to a vote."""
    day_before = (noticed.astimezone(CHINA) - timedelta(days=1)).date()
    starts = datetime.combine(day_before, time(19, 30), tzinfo=CHINA)
    meeting = services.convene(convener, compound, services.ConveneInput(
        body=deciding_body(proposal), title=f"议事会会议：商议“{proposal.title}”", place=PLACE,
        starts_at=starts, recorder_id=(recorder or convener).id,
        proposal_ids=[proposal.id]), now=noticed - timedelta(days=6))
    services.record_attendance(convener, compound, meeting, {
        row.id: "present" for row in services.attendance_of(meeting)},
        now=starts + timedelta(minutes=5))
    decisions.record_decision(convener, compound, meeting, _agenda(meeting)[0].id, "to_vote",
                              "与会成员一致同意提交表决", now=starts + timedelta(hours=1))
    _minutes_published(compound, meeting, convener, starts)
    return meeting


def _minutes_published(compound: Compound, meeting: Meeting, convener: User,
                       starts: datetime) -> None:
    """The deliberation's minutes, drafted that evening, confirmed by everyone present and
    published before the voting notice (decisions are made public within 3 days)."""
    item = _agenda(meeting)[0]
    recorder = db.session.get(User, meeting.recorder_id)
    minutes.save_draft(recorder, compound, meeting, [minutes.ItemText(
        item.position, item.title, "与会成员逐项讨论了方案、费用和表决方式。",
        "同意提交表决，表决公告按本次商议意见发布。")], now=starts + timedelta(hours=2))
    minutes.submit_for_confirmation(recorder, compound, meeting,
                                    now=starts + timedelta(hours=2, minutes=10))
    for row in minutes.present_attendees(meeting):
        minutes.confirm(db.session.get(User, row.user_id), compound, meeting,
                        now=starts + timedelta(hours=2, minutes=30))
    minutes.publish(convener, compound, meeting, now=starts + timedelta(hours=3))


def seed_meetings(compound: Compound) -> list[Meeting]:
    """Flushes; the caller commits. Expects the demo proposals and issues to exist."""
    now = utcnow().replace(second=0, microsecond=0)
    secretary, recorder = _user("party_cell"), _user("council")
    prop, committee = _user("property"), _user("committee")
    council_proposal = _first_id(select(Proposal.id).where(
        Proposal.compound_id == compound.id, Proposal.kind == "council"))
    agenda_issues = list(db.session.scalars(select(Issue.id).where(
        Issue.compound_id == compound.id, Issue.status == "on_agenda").order_by(Issue.id)))

    past = services.convene(secretary, compound, services.ConveneInput(
        body="council", title="2026年第三次议事会会议", place=PLACE,
        starts_at=now - timedelta(days=30), recorder_id=recorder.id,
        issue_ids=agenda_issues[:1],
        proposal_ids=[council_proposal] if council_proposal else [],
        free_items=["通报上次会议决定的落实情况"], invitee_ids=[prop.id]),
        now=now - timedelta(days=35))
    at = past.starts_at + timedelta(minutes=5)
    services.record_attendance(secretary, compound, past, {
        row.id: "present" for row in services.attendance_of(past)}, now=at)
    for item in _agenda(past):
        if item.kind == "proposal":
            decisions.record_decision(recorder, compound, past, item.id, "deferred",
                                      "同意选址；充电安全管理办法补充后再提交表决", now=at)
        elif item.kind == "issue":
            decisions.record_decision(recorder, compound, past, item.id, "decided",
                                      "物业两周内张贴通知并逐栋检查，逾期未清理的统一清运", now=at)
    items = minutes.items_for_form(past, None)
    first = items[0]
    first.discussion = ("与会成员认为楼道堆物是消防隐患，应先由物业张贴通知，限期自行清理。\n\n"
                        "- 王建国：建议逐栋检查\n- 物业李经理：可在两周内完成")
    first.decision = "物业于两周内张贴通知并逐栋检查，逾期未清理的由物业统一清运"
    first.responsible, first.due = "物业", (past.starts_at + timedelta(days=14)).date()
    for item in items[1:]:
        item.discussion = "与会成员听取了情况说明，无异议。"
    minutes.save_draft(recorder, compound, past, items, now=at + timedelta(hours=2))
    if len(items) > 1:
        items[1].decision = "同意按方案在南门停车区增设8个充电桩，提交业主表决前公示方案"
        items[1].responsible = "业委会"
        items[1].due = (past.starts_at + timedelta(days=60)).date()
    minutes.save_draft(recorder, compound, past, items, now=at + timedelta(days=1))
    minutes.submit_for_confirmation(recorder, compound, past, now=at + timedelta(days=1))
    for row in minutes.present_attendees(past):
        minutes.confirm(db.session.get(User, row.user_id), compound, past,
                        now=at + timedelta(days=2))
    minutes.publish(secretary, compound, past, now=at + timedelta(days=2, hours=1))
    items[0].decision = ("物业于两周内张贴通知并逐栋检查，逾期未清理的由物业会同网格员统一清运")
    minutes.correct(recorder, compound, past, items,
                    "补记：会上决定统一清运时由网格员到场，初稿漏记", now=at + timedelta(days=5))

    upcoming = services.convene(secretary, compound, services.ConveneInput(
        body="council", title="2026年第四次议事会会议", place=PLACE,
        starts_at=now + timedelta(days=6), recorder_id=recorder.id,
        issue_ids=agenda_issues[1:3],
        free_items=["讨论中心花园改造意见征集的结果", "听取物业第三季度服务情况汇报"],
        invitee_ids=[prop.id, committee.id]), now=now)
    return [past, upcoming]
