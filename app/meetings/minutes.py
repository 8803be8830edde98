"""会议纪要: the recorder drafts per agenda item; every save is a revision (author, time,
source, sanitised HTML, SHA-256); attendees present confirm or comment within a window; the
convener publishes, which freezes the text and stamps the audit head hash; a later correction
is a new revision with a mandatory reason (DESIGN §4, CONVENTIONS habit 6)."""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.anchors import anchor_compound
from app.audit.services import head_hash, record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core import workflow
from app.core.db import refused_if_taken
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.sanitize import clean_text, render_markdown
from app.core.time import cn_date, utcnow
from app.core.workflow import Transition
from app.extensions import db
from app.meetings import rules
from app.meetings.models import (
    Attendance,
    FollowUpTask,
    Meeting,
    Minutes,
    MinutesResponse,
    MinutesRevision,
)
from app.meetings.services import attendance_of, meeting_path, require_started
from app.meetings.web import MINUTES_LABELS, MINUTES_SECTIONS
from app.notifications.services import notify

TEXT_MAX = 10000
REASON_MAX = 500
# The minutes are a document of the compound: its headings are fixed text, not UI strings, so
# that the stored source (and its hash) do not depend on the reader's language. Pages render
# a revision from its items instead, with headings in the reader's language (readable_items).
H_DISCUSSION, H_DECISION, H_RESPONSIBLE, H_DUE = "讨论情况", "决定事项", "负责人", "完成期限"

# The recorder declares the draft final; the convener (or staff) publishes it. Confirming and
# commenting are responses, not moves of the minutes.
TRANSITIONS = {t.name: t for t in [
    Transition("submit", ("draft",), "confirming", ("recorder",),
               denied=_l("只有会议记录人可以提交纪要确认。"),
               refused=_l("纪要已经提交确认。")),
    Transition("publish", ("confirming",), "published", ("convener", "staff"),
               denied=_l("只有会议召集人可以公开纪要。"),
               refused=_l("纪要须先经出席人确认，才能公开。")),
]}


@dataclass
class ItemText:
    position: int
    title: str
    discussion: str = ""
    decision: str = ""
    responsible: str = ""
    due: date | None = None

    def as_dict(self) -> dict:
        return {"position": self.position, "title": self.title, "discussion": self.discussion,
                "decision": self.decision, "responsible": self.responsible,
                "due": self.due.isoformat() if self.due else None}


def compose(items: list[ItemText]) -> str:
    """The whole minutes as one Markdown text, one section per agenda item."""
    parts = []
    for item in items:
        block = [f"### {item.position}. {item.title}"]
        if item.discussion:
            block.append(f"**{H_DISCUSSION}：**\n\n{item.discussion}")
        if item.decision:
            block.append(f"**{H_DECISION}：**\n\n{item.decision}")
        facts = []
        if item.responsible:
            facts.append(f"- {H_RESPONSIBLE}：{item.responsible}")
        if item.due:
            facts.append(f"- {H_DUE}：{item.due.isoformat()}")
        if facts:
            block.append("\n".join(facts))
        parts.append("\n\n".join(block))
    return "\n\n".join(parts) + "\n"


def readable_items(revision: MinutesRevision) -> list[ItemText]:
    """A revision's items as pages show them, their headings added in the reader's language
    (templates/meetings/_macros.html minutes_text). Revisions saved before a field existed
    lack it: it reads as empty."""
    out = []
    for index, raw in enumerate(revision.items or [], start=1):
        raw = raw if isinstance(raw, dict) else {}
        try:
            due = date.fromisoformat(raw["due"]) if raw.get("due") else None
        except (TypeError, ValueError):
            due = None
        out.append(ItemText(raw.get("position") or index, str(raw.get("title") or ""),
                            str(raw.get("discussion") or ""), str(raw.get("decision") or ""),
                            str(raw.get("responsible") or ""), due))
    return out


def readable_text(revision: MinutesRevision) -> str:
    """The text a reader compares between two revisions: the items with the same headings as
    the pages, in the reader's language. A revision without items compares by its source."""
    items = readable_items(revision)
    if not items:
        return revision.source
    lines = []
    for item in items:
        lines.append(f"{item.position}. {item.title}")
        for key in ("discussion", "decision"):
            text = getattr(item, key)
            if text:
                lines += [str(MINUTES_SECTIONS[key]), *text.splitlines()]
        if item.responsible:
            lines.append(f"{MINUTES_SECTIONS['responsible']}{item.responsible}")
        if item.due:
            lines.append(f"{MINUTES_SECTIONS['due']}{cn_date(item.due)}")
    return "\n".join(line for line in lines if line.strip()) + "\n"


def minutes_of(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def revisions_of(minutes: Minutes) -> list[MinutesRevision]:
    return list(db.session.scalars(select(MinutesRevision).where(
        MinutesRevision.minutes_id == minutes.id).order_by(MinutesRevision.number)))


def current_revision(minutes: Minutes | None) -> MinutesRevision | None:
    if minutes is None or minutes.current_revision_id is None:
        return None
    return db.session.get(MinutesRevision, minutes.current_revision_id)


def may_draft(user, meeting: Meeting) -> bool:
    return user.id == meeting.recorder_id


def may_publish(user, meeting: Meeting, compound: Compound) -> bool:
    return user.id == meeting.convener_id or has_role(user, compound, "staff")


def _meeting(minutes: Minutes) -> Meeting:
    return db.session.get(Meeting, minutes.meeting_id, options=[selectinload(Meeting.agenda)],
                          populate_existing=True)


WORKFLOW = workflow.Workflow(
    domain="minutes", model=Minutes, state_attr="status", labels=MINUTES_LABELS,
    transitions=TRANSITIONS, compound_of=lambda m: db.session.get(Compound, m.compound_id),
    refused=_l("纪要当前处于“%(state)s”阶段，不能进行这项操作。"),
    people={"recorder": lambda m: _meeting(m).recorder_id,
            "convener": lambda m: _meeting(m).convener_id},
    audit_data=lambda m, step: {"meeting": m.meeting_id}, touches=None)


def _clean_items(meeting: Meeting, items: list[ItemText]) -> list[ItemText]:
    titles = {a.position: a.title for a in meeting.agenda}
    cleaned = []
    for item in items:
        if item.position not in titles:
            raise ServiceError(_l("议程项目有误。"))
        text = ItemText(item.position, titles[item.position],
                        (item.discussion or "").strip()[:TEXT_MAX],
                        (item.decision or "").strip()[:TEXT_MAX],
                        clean_text(item.responsible, 80), item.due)
        cleaned.append(text)
    if not any(i.discussion or i.decision for i in cleaned):
        raise ServiceError(_l("纪要还是空的：请至少填写一项议程的讨论情况或决定事项。"))
    return sorted(cleaned, key=lambda i: i.position)


def _add_revision(actor, minutes: Minutes, items: list[ItemText], now: datetime, *,
                  kind: str = "draft", reason: str = "",
                  stamp: str | None = None) -> MinutesRevision:
    source = compose(items)
    number = (db.session.scalar(select(func.max(MinutesRevision.number)).where(
        MinutesRevision.minutes_id == minutes.id)) or 0) + 1
    revision = MinutesRevision(
        minutes_id=minutes.id, number=number, kind=kind, reason=reason, author_id=actor.id,
        created_at=now, items=[i.as_dict() for i in items], source=source,
        html=str(render_markdown(source)),
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(), audit_head=stamp)
    with refused_if_taken(_l("纪要刚刚被别人保存过，请刷新后再改。")):
        db.session.add(revision)
    minutes.current_revision_id = revision.id
    db.session.flush()
    return revision


def save_draft(actor, compound: Compound, meeting: Meeting, items: list[ItemText],
               now: datetime | None = None) -> MinutesRevision:
    """The recorder saves the draft; each save is a new revision. Allowed until publishing;
    a save while attendees are confirming asks them to confirm the new text."""
    now = now or utcnow()
    if not may_draft(actor, meeting):
        raise PermissionDenied(_l("只有会议记录人可以起草纪要。"))
    require_started(meeting, now, "minutes")
    minutes = minutes_of(meeting)
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id, compound_id=compound.id, status="draft")
        db.session.add(minutes)
        db.session.flush()
    if minutes.status == "published":
        raise ServiceError(_l("纪要已经公开，只能以更正的方式修改，并写明理由。"), status=409)
    revision = _add_revision(actor, minutes, _clean_items(meeting, items), now)
    record(actor, compound, "minutes.save", revision,
           {"meeting": meeting.id, "number": revision.number, "sha256": revision.sha256},
           also=[minutes], actor_role=primary_role(actor, compound))
    if minutes.status == "confirming":
        _ask_to_confirm(compound, meeting, actor)
    return revision


def present_attendees(meeting: Meeting) -> list[Attendance]:
    return [a for a in attendance_of(meeting) if a.status == "present"]


def _ask_to_confirm(compound: Compound, meeting: Meeting, actor) -> None:
    notify([a.user_id for a in present_attendees(meeting)], compound.id, "minutes.confirm",
           gettext("请确认会议纪要：%(title)s", title=meeting.title),
           meeting_path(meeting) + "/minutes", skip=actor.id)


def submit_for_confirmation(actor, compound: Compound, meeting: Meeting,
                            now: datetime | None = None) -> Minutes:
    """The recorder declares the draft final: attendees present have the compound's window
    (3 days by default) to confirm (确认) or comment."""
    now = now or utcnow()
    minutes = minutes_of(meeting)
    if not may_draft(actor, meeting):
        raise PermissionDenied(TRANSITIONS["submit"].denied)
    require_started(meeting, now, "confirm")
    if minutes is None or minutes.current_revision_id is None:
        raise ServiceError(_l("请先起草纪要。"), status=409)
    workflow.check(WORKFLOW, minutes, "submit", actor, now=now)
    if not present_attendees(meeting):
        raise ServiceError(_l("请先登记出席情况：纪要由出席会议的人确认。"), status=409)
    ends = now + timedelta(days=rules.confirm_days(compound))
    workflow.apply(WORKFLOW, minutes, "submit", actor, now=now,
                   values={"confirm_ends_at": ends},
                   data={"revision": minutes.current_revision_id, "confirm_ends_at": ends})
    _ask_to_confirm(compound, meeting, actor)
    return minutes


def _respond(actor, compound: Compound, meeting: Meeting, kind: str, comment: str,
             now: datetime) -> MinutesResponse:
    require_started(meeting, now, "confirm")
    minutes = minutes_of(meeting)
    if minutes is None or minutes.status != "confirming":
        raise ServiceError(_l("纪要现在不在确认阶段。"), status=409)
    if actor.id not in {a.user_id for a in present_attendees(meeting)}:
        raise PermissionDenied(_l("只有出席会议的人可以确认纪要。"))
    if now > minutes.confirm_ends_at:
        raise ServiceError(_l("确认期已经结束。"), status=409)
    row = MinutesResponse(minutes_id=minutes.id, revision_id=minutes.current_revision_id,
                          user_id=actor.id, kind=kind, comment=comment, created_at=now)
    already = _l("您已经确认过这一稿。") if kind == "confirm" else _l("您已经对这一稿提过意见。")
    with refused_if_taken(already):
        db.session.add(row)
    record(actor, compound, f"minutes.{kind}", row,
           {"meeting": meeting.id, "revision": row.revision_id},
           actor_role=primary_role(actor, compound))
    return row


def confirm(actor, compound: Compound, meeting: Meeting,
            now: datetime | None = None) -> MinutesResponse:
    """确认/签字: only people recorded as present, on the current draft, within the window."""
    return _respond(actor, compound, meeting, "confirm", "", now or utcnow())


def comment(actor, compound: Compound, meeting: Meeting, text: str,
            now: datetime | None = None) -> MinutesResponse:
    text = (text or "").strip()[:2000]
    if not text:
        raise ServiceError(_l("请填写意见。"), field="comment")
    return _respond(actor, compound, meeting, "comment", text, now or utcnow())


def responses(minutes: Minutes) -> list[MinutesResponse]:
    return list(db.session.scalars(select(MinutesResponse).where(
        MinutesResponse.minutes_id == minutes.id).order_by(MinutesResponse.id)
        .options(joinedload(MinutesResponse.user))))


def pending_confirmations(meeting: Meeting, minutes: Minutes) -> list[Attendance]:
    confirmed = set(db.session.scalars(select(MinutesResponse.user_id).where(
        MinutesResponse.revision_id == minutes.current_revision_id,
        MinutesResponse.kind == "confirm")))
    return [a for a in present_attendees(meeting) if a.user_id not in confirmed]


def pending_among(present: list[Attendance], responses_here: list[MinutesResponse],
                  minutes: Minutes) -> list[Attendance]:
    """pending_confirmations() from rows the page has already read (the attendees present and
    every response to these minutes): no statement of its own."""
    confirmed = {r.user_id for r in responses_here
                 if r.revision_id == minutes.current_revision_id and r.kind == "confirm"}
    return [a for a in present if a.user_id not in confirmed]


def publish(actor, compound: Compound, meeting: Meeting,
            now: datetime | None = None) -> Minutes:
    """The convener publishes once everyone present confirmed the current draft, or once the
    window ended. The text is frozen; the audit head hash of this moment is stamped; each
    decision with a responsible party becomes a follow-up task."""
    now = now or utcnow()
    minutes = minutes_of(meeting)
    if not may_publish(actor, meeting, compound):
        raise PermissionDenied(TRANSITIONS["publish"].denied)
    require_started(meeting, now, "publish")
    if minutes is None:
        raise ServiceError(TRANSITIONS["publish"].refused, status=409)
    workflow.check(WORKFLOW, minutes, "publish", actor, now=now)
    waiting = pending_confirmations(meeting, minutes)
    if waiting and now <= minutes.confirm_ends_at:
        raise ServiceError(lazy_ngettext("还有 %(n)s 位出席人未确认，确认期结束前不能公开。",
                                         "还有 %(n)s 位出席人未确认，确认期结束前不能公开。",
                                         len(waiting), n=len(waiting)), status=409)
    revision = current_revision(minutes)
    stamp = head_hash(compound)
    # Conditional on the draft the confirmations were counted on: a save in between refuses.
    workflow.apply(
        WORKFLOW, minutes, "publish", actor, now=now,
        values={"published_at": now, "published_by_id": actor.id,
                "published_revision_id": revision.id, "audit_head": stamp},
        where=[Minutes.current_revision_id == revision.id],
        conflict=_l("纪要刚刚被别人保存过，请刷新后再改。"),
        also=[revision, *_spawn_tasks(compound, meeting, revision, now)],
        data={"revision": revision.id, "sha256": revision.sha256, "audit_head": stamp,
              "unconfirmed": [a.user_id for a in waiting]})
    anchor_compound(compound, "minutes_published", now)  # the head, publishing included
    notify([a.user_id for a in attendance_of(meeting)], compound.id, "minutes.published",
           gettext("会议纪要已公开：%(title)s", title=meeting.title),
           meeting_path(meeting) + "/minutes", skip=actor.id)
    return minutes


def advance(actor, compound: Compound, meeting: Meeting, name: str,
            now: datetime | None = None) -> Minutes:
    """The minutes' one entry point for a step of TRANSITIONS, with that stage's own rules."""
    if name not in TRANSITIONS:
        raise ValueError(name)
    move = submit_for_confirmation if name == "submit" else publish
    return move(actor, compound, meeting, now)


def _spawn_tasks(compound, meeting, revision, now) -> list[FollowUpTask]:
    tasks = []
    for item in revision.items:
        if item["decision"] and item["responsible"]:
            tasks.append(FollowUpTask(
                compound_id=compound.id, meeting_id=meeting.id, revision_id=revision.id,
                item_position=item["position"],
                title=clean_text(item["decision"].splitlines()[0], 200) or item["title"],
                responsible=item["responsible"],
                due_on=date.fromisoformat(item["due"]) if item["due"] else None,
                created_at=now, updated_at=now))
    return tasks  # added by the move that publishes the minutes


def correct(actor, compound: Compound, meeting: Meeting, items: list[ItemText], reason: str,
            now: datetime | None = None) -> MinutesRevision:
    """A correction of published minutes: a new revision with a mandatory reason; the earlier
    text stays, and anyone can compare the two."""
    now = now or utcnow()
    if not (may_draft(actor, meeting) or may_publish(actor, meeting, compound)):
        raise PermissionDenied(_l("只有会议记录人或召集人可以更正纪要。"))
    minutes = minutes_of(meeting)
    if minutes is None or minutes.status != "published":
        raise ServiceError(_l("纪要公开后才需要更正；草稿可以直接修改。"), status=409)
    reason = clean_text(reason, REASON_MAX)
    if not reason:
        raise ServiceError(_l("更正须写明理由。"), field="reason")
    revision = _add_revision(actor, minutes, _clean_items(meeting, items), now,
                             kind="correction", reason=reason, stamp=head_hash(compound))
    record(actor, compound, "minutes.correct", revision,
           {"meeting": meeting.id, "number": revision.number, "reason": reason,
            "sha256": revision.sha256}, also=[minutes], actor_role=primary_role(actor, compound))
    notify([a.user_id for a in attendance_of(meeting)], compound.id, "minutes.corrected",
           gettext("会议纪要已更正：%(title)s", title=meeting.title),
           meeting_path(meeting) + "/minutes", skip=actor.id)
    return revision


def items_for_form(meeting: Meeting, minutes: Minutes | None) -> list[ItemText]:
    """The current text per agenda item (blank for a first draft)."""
    saved = {}
    revision = current_revision(minutes)
    if revision is not None:
        saved = {i["position"]: i for i in revision.items}
    out = []
    for agenda in meeting.agenda:
        s = saved.get(agenda.position, {})
        out.append(ItemText(agenda.position, agenda.title, s.get("discussion", ""),
                            s.get("decision", ""), s.get("responsible", ""),
                            date.fromisoformat(s["due"]) if s.get("due") else None))
    return out
