"""What the page behind a printed paper shows: the item as printed, and whether it still is.

One loader per kind returns a Paper, or None when the item or that printed version does not
exist (the view answers 404, the same as for a wrong token)."""
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.compounds.models import Compound
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_time
from app.extensions import db
from app.meetings.minutes import current_revision, minutes_of, readable_items
from app.meetings.models import Meeting, MinutesRevision
from app.notices.models import Notice, NoticeRevision
from app.notices.queries import revision_digest
from app.proposals.exports import result_digest
from app.proposals.models import Proposal, ProposalResult

KIND_LABELS = {"notice": _l("公告"), "result": _l("表决结果公告"), "minutes": _l("会议纪要")}
STATUS_LABELS = {
    "current": _l("现行有效：与张贴的纸面一致"),
    "corrected": _l("已更正：张贴的纸面不是最新版本"),
    "superseded": _l("已被最终结果取代"),
    "withdrawn": _l("已撤回"),
}


@dataclass
class Paper:
    kind: str
    item_id: int
    version: int
    title: str
    compound: Compound
    status: str
    digest: str
    login_url: str
    status_note: str = ""
    dates: list[tuple[str, datetime]] = field(default_factory=list)
    body_html: str = ""  # sanitised when it was written
    context: dict = field(default_factory=dict)  # what the kind's own template part needs

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def load_notice(item_id: int, version: int) -> Paper | None:
    notice = db.session.get(Notice, item_id)
    if notice is None or notice.status == "draft":
        return None
    revision = db.session.scalar(select(NoticeRevision).where(
        NoticeRevision.notice_id == notice.id, NoticeRevision.number == version))
    if revision is None:
        return None
    if notice.status == "withdrawn":
        status = "withdrawn"
        note = _l("此公告已于 %(when)s 撤回：%(reason)s", when=_cst(notice.withdrawn_at),
                  reason=notice.withdrawal_reason)
    elif version < notice.revision_count:
        status, note = "corrected", _l("张贴的是第 %(printed)s 版，现行为第 %(current)s 版。",
                                       printed=version, current=notice.revision_count)
    else:
        status, note = "current", ""
    dates = [(str(_l("发布")), notice.published_at)]
    if notice.starts_at and notice.ends_at:
        dates += [(str(_l("公示开始")), notice.starts_at), (str(_l("公示结束")), notice.ends_at)]
    if revision.number > 1:
        dates.append((str(_l("本版更正于")), revision.created_at))
    return Paper("notice", notice.id, version, revision.title, _compound(notice.compound_id),
                 status, revision_digest(revision),
                 url_for("notices.show", compound_id=notice.compound_id, notice_id=notice.id),
                 str(note), dates, revision.body_html)


def load_result(item_id: int, version: int) -> Paper | None:
    """`item_id` is the proposal, `version` the stored result row that was printed."""
    stored = db.session.get(ProposalResult, version)
    if stored is None or stored.proposal_id != item_id:
        return None
    proposal = db.session.get(Proposal, item_id, options=[selectinload(Proposal.options)],
                              populate_existing=True)
    final = db.session.scalar(select(ProposalResult).where(
        ProposalResult.proposal_id == proposal.id, ProposalResult.stage == "final"))
    if stored.stage == "preliminary" and final is not None:
        status, note = "superseded", _l("最终结果已于 %(when)s 公布。", when=_cst(final.created_at))
    else:
        status, note = "current", ""
    dates = [(str(_l("投票开始")), proposal.voting_opens_at),
             (str(_l("投票截止")), proposal.voting_closes_at),
             (str(_l("结果生成")), stored.created_at)]
    if stored.stage == "preliminary" and proposal.objection_ends_at:
        dates.append((str(_l("异议期至")), proposal.objection_ends_at))
    return Paper("result", proposal.id, stored.id, proposal.title,
                 _compound(proposal.compound_id), status, result_digest(stored),
                 url_for("proposals.result", compound_id=proposal.compound_id,
                         proposal_id=proposal.id),
                 str(note), dates, context={"proposal": proposal, "stored": stored})


def load_minutes(item_id: int, version: int) -> Paper | None:
    meeting = db.session.get(Meeting, item_id)
    minutes = minutes_of(meeting) if meeting is not None else None
    if minutes is None or minutes.status != "published":
        return None
    revision = db.session.scalar(select(MinutesRevision).where(
        MinutesRevision.minutes_id == minutes.id, MinutesRevision.number == version))
    if revision is None or not (revision.id == minutes.published_revision_id
                                or revision.kind == "correction"):
        return None
    latest = current_revision(minutes)
    if latest is not None and latest.number > version:
        status, note = "corrected", _l("张贴的纪要此后已更正（%(when)s）：%(reason)s",
                                       when=_cst(latest.created_at), reason=latest.reason)
    else:
        status, note = "current", ""
    dates = [(str(_l("会议时间")), meeting.starts_at), (str(_l("纪要公开")), minutes.published_at)]
    if revision.kind == "correction":
        dates.append((str(_l("本版更正于")), revision.created_at))
    return Paper("minutes", meeting.id, version, meeting.title, _compound(meeting.compound_id),
                 status, revision.sha256,
                 url_for("meetings.minutes", compound_id=meeting.compound_id,
                         meeting_id=meeting.id),
                 str(note), dates, revision.html,
                 context={"items": readable_items(revision)})


LOADERS = {"notice": load_notice, "result": load_result, "minutes": load_minutes}


def _compound(compound_id: int) -> Compound:
    return db.session.get(Compound, compound_id)


def _cst(moment: datetime | None) -> str:
    return china_time(moment) if moment else ""
