"""The meeting's decision on each agenda item, recorded by its recorder or convener once the
meeting has started: for a proposal 提交表决 / 暂缓 / 退回修改 with a short note, for any other
item what was decided. A decision is made by a body with its quorum present; it can be put
right until the minutes are published, and is frozen with them."""
from datetime import datetime

from sqlalchemy import select

from app.audit.services import record
from app.compounds.access import primary_role
from app.compounds.models import Compound
from app.core.db import refused_if_taken
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import (
    PROPOSAL_OUTCOMES,
    AgendaDecision,
    AgendaItem,
    Meeting,
    Minutes,
)
from app.meetings.services import may_record, quorum, require_started
from app.proposals.models import Proposal

NOTE_MAX = 500
OUTCOME_LABELS = {"to_vote": _l("提交表决"), "deferred": _l("暂缓"), "revise": _l("退回修改"),
                  "decided": _l("决定")}


def decisions_of(meeting: Meeting) -> dict[int, AgendaDecision]:
    """The decisions of a meeting by agenda item id (one query)."""
    return {d.agenda_item_id: d for d in db.session.scalars(select(AgendaDecision).where(
        AgendaDecision.meeting_id == meeting.id))}


def record_decision(actor, compound: Compound, meeting: Meeting, item_id: int, outcome: str,
                    note: str = "", now: datetime | None = None) -> AgendaDecision:
    """Record (or put right, before the minutes are published) the meeting's decision on one
    agenda item. Refused before the meeting starts, for a cancelled meeting, and for a
    council or committee meeting without its quorum (> 1/2 of members present)."""
    now = now or utcnow()
    if not may_record(actor, meeting, compound):
        raise PermissionDenied(_l("只有会议记录人或召集人可以记录会议决定。"))
    require_started(meeting, now, "decision")
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_l("找不到这项议程。"))
    note = clean_text(note, NOTE_MAX)
    if item.kind == "proposal":
        if outcome not in PROPOSAL_OUTCOMES:
            raise ServiceError(_l("请选择对议案的决定：提交表决、暂缓或退回修改。"),
                               field="outcome")
    else:
        outcome = "decided"
        if not note:
            raise ServiceError(_l("请写明会议对这项议程的决定。"), field="note")
    q = quorum(meeting)
    if q["applies"] and not q["met"]:
        raise ServiceError(_l("出席成员未过半数（%(p)s / %(n)s 人），会议不能作出决定。"
                              "请先登记出席情况。", p=q["present"], n=q["members"]),
                           status=409)
    published = db.session.scalar(select(Minutes.id).where(
        Minutes.meeting_id == meeting.id, Minutes.status == "published"))
    if published:
        raise Conflict(_l("纪要已经公开，会议决定不能再改。"))
    row = db.session.scalar(select(AgendaDecision).where(
        AgendaDecision.agenda_item_id == item.id))
    previous = row.outcome if row is not None else None
    if previous == "to_vote" and outcome != "to_vote" and item.proposal_id is not None:
        state = db.session.scalar(select(Proposal.state).where(Proposal.id == item.proposal_id))
        if state != "deliberation":  # the voting notice was issued on the strength of it
            raise Conflict(_l("议案已依据这项决定进入后续程序，会议决定不能再改。"))
    if row is None:
        row = AgendaDecision(meeting_id=meeting.id, agenda_item_id=item.id,
                             proposal_id=item.proposal_id)
    row.outcome, row.note, row.recorded_by_id, row.recorded_at = outcome, note, actor.id, now
    with refused_if_taken(_l("这项议程的决定刚刚被别人记录，请刷新后再看。")):
        db.session.add(row)
    record(actor, compound, "meeting.decision", row,
           {"meeting": meeting.id, "item": item.position, "proposal": item.proposal_id,
            "outcome": outcome, "previous": previous, "note": note,
            "present_members": q["present"], "members": q["members"]},
           actor_role=primary_role(actor, compound))
    return row
