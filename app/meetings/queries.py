"""What other domains ask of meetings. The council-meeting gate: 议事会商议 happens at a held
meeting of the council (the owners' committee for a committee resolution) whose record holds
the decision to put the proposal to a vote (DESIGN §2, §3)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_time, utcnow
from app.extensions import db
from app.meetings import rules
from app.meetings.decisions import OUTCOME_LABELS
from app.meetings.models import AgendaDecision, AgendaItem, Meeting
from app.meetings.services import quorum


@dataclass
class Deliberation:
    """The meeting that decided to put a proposal to a vote, or why there is none yet."""

    meeting: Meeting | None
    decision: AgendaDecision | None
    missing: str | None  # plain words; None: the proposal may go to a vote

    @property
    def ok(self) -> bool:
        return self.missing is None


def deciding_body(proposal) -> str:
    """The council deliberates every proposal; a resolution of the owners' committee is
    deliberated by the committee itself."""
    if proposal.kind == "council" and proposal.council_body == "committee":
        return "committee"
    return "council"


def _meetings_with(proposal) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.proposal_id == proposal.id,
               Meeting.compound_id == proposal.compound_id, Meeting.status != "cancelled")
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).distinct()))


def vote_decision_for(proposal, now: datetime | None = None) -> Deliberation:
    """The meeting of the right body that had the proposal on its agenda, has started,
    reached its quorum and recorded 提交表决 on it; otherwise what is missing, in plain
    words, about the latest such meeting."""
    now = now or utcnow()
    body = deciding_body(proposal)
    label = rules.BODY_LABELS[body]
    meetings = _meetings_with(proposal)
    right = [m for m in meetings if m.body == body]
    if not right:
        if meetings:
            return Deliberation(None, None, _l(
                "这个议案须由%(body)s商议并决定提交表决，其他会议的商议不能代替。", body=label))
        return Deliberation(None, None, _l(
            "这个议案还没有列入%(body)s的议程：请召集%(body)s，在会上商议并决定提交表决。",
            body=label))
    decisions = {d.meeting_id: d for d in db.session.scalars(select(AgendaDecision).where(
        AgendaDecision.proposal_id == proposal.id))}
    started = [m for m in right if m.starts_at <= now]
    for meeting in started:
        decision = decisions.get(meeting.id)
        if decision is not None and decision.outcome == "to_vote" and quorum(meeting)["met"]:
            return Deliberation(meeting, decision, None)
    if not started:
        soonest = right[-1]
        return Deliberation(soonest, None, _l(
            "%(body)s“%(title)s”定于 %(when)s（北京时间）召开：会议开始、出席成员过半数并决定"
            "提交表决后，才能发布表决公告。", body=label, title=soonest.title,
            when=china_time(soonest.starts_at)))
    meeting = started[0]
    decision = decisions.get(meeting.id)
    q = quorum(meeting)
    if not q["met"]:
        return Deliberation(meeting, decision, _l(
            "%(body)s“%(title)s”出席成员未过半数（%(p)s / %(n)s 人），不能作出决定。",
            body=label, title=meeting.title, p=q["present"], n=q["members"]))
    if decision is None:
        return Deliberation(meeting, None, _l(
            "%(body)s“%(title)s”还没有记录对这个议案的决定。", body=label,
            title=meeting.title))
    return Deliberation(meeting, decision, _l(
        "%(body)s“%(title)s”对这个议案的决定是“%(outcome)s”，没有决定提交表决。",
        body=label, title=meeting.title, outcome=OUTCOME_LABELS[decision.outcome]))


def require_vote_decision(proposal, now: datetime | None = None) -> None:
    """publish_notice's gate: refused, saying what is missing, unless a held meeting decided
    to put the proposal to a vote. Only a proposal in deliberation is judged here; any other
    state is refused by the lifecycle with its own message."""
    if proposal.state == "deliberation":
        result = vote_decision_for(proposal, now)
        if not result.ok:
            raise ServiceError(result.missing, status=409)
