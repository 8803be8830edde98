"""Writing notices: drafts, publication, corrections and withdrawal. Services take the actor,
flush, never commit; every change is audited.

Editing after publication: the published text is never changed in place. A correction
(更正) is a new revision with a written reason; every earlier text stays readable on the
notice page, as minutes and covenants keep theirs (CONVENTIONS habit 6)."""
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import exists, select, union, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound, Residency, RoleGrant
from app.core import workflow
from app.core.db import get_scoped
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.periods import period_after
from app.core.sanitize import clean_text, render_markdown
from app.core.time import iso_utc, utcnow
from app.core.workflow import Field, Transition
from app.extensions import db
from app.notices.labels import STATUS_LABELS
from app.notices.models import KINDS, Notice, NoticeRevision
from app.notifications.services import notify
from app.proposals.models import Proposal, ProposalResult

# 社区工作者, 小区党支部 and 业委会 publish (DESIGN §4); admin passes every has_role check.
PUBLISHERS = ("staff", "party_cell", "committee")
# Publicity period when none is given: 7 days counted as 民法典 201–203 count periods (the
# day of publication not counted, ending at 24:00 of a working day).
DEFAULT_DAYS = 7
MAX_DAYS = 400
# A start typed as "now" in a minute-precision field is a little in the past by the time
# the form arrives; up to this much earlier means "now".
START_GRACE = timedelta(minutes=10)
TITLE_MAX = 120
BODY_MAX = 20000
REASON_MAX = 1000


DENIED = _l("只有社区工作人员、小区党支部和业委会可以发布公告。")
TRANSITIONS = {t.name: t for t in [
    Transition("publish", ("draft",), "published", PUBLISHERS, denied=DENIED),
    # A correction keeps the notice published: a new revision, conditional on the one read.
    Transition("correct", ("published",), "published", PUBLISHERS, denied=DENIED,
               required=("reason",), fields=("reason",)),
    Transition("withdraw", ("published",), "withdrawn", PUBLISHERS, denied=DENIED,
               required=("reason",), fields=("reason",)),
]}
WORKFLOW = workflow.Workflow(
    domain="notice", model=Notice, state_attr="status", labels=STATUS_LABELS,
    transitions=TRANSITIONS, compound_of=lambda n: db.session.get(Compound, n.compound_id),
    refused=_l("公告当前状态为“%(state)s”，不能进行这项操作。"),
    fields={"reason": Field("reason", _l("请写明理由。"), max_length=REASON_MAX,
                            too_long=_l("理由请不超过 1000 字。"))})


def may_publish(user, compound: Compound) -> bool:
    return has_role(user, compound, *PUBLISHERS)


def _require_publisher(actor, compound: Compound) -> None:
    if not may_publish(actor, compound):
        raise PermissionDenied(_l("只有社区工作人员、小区党支部和业委会可以发布公告。"))


def get_notice(compound: Compound, notice_id: int) -> Notice:
    return get_scoped(Notice, notice_id, _l("找不到这条公告。"), compound_id=compound.id,
                      options=[joinedload(Notice.published_by), joinedload(Notice.proposal)])


def linkable_proposals(compound: Compound) -> list[Proposal]:
    """Votes of this compound that have a result page worth announcing."""
    has_result = exists().where(ProposalResult.proposal_id == Proposal.id)
    return list(db.session.scalars(select(Proposal).where(
        Proposal.compound_id == compound.id, has_result).order_by(Proposal.id.desc())))


def _proposal_id(compound: Compound, proposal_id: int | None) -> int | None:
    if not proposal_id:
        return None
    if proposal_id not in {p.id for p in linkable_proposals(compound)}:
        raise ServiceError(_l("请选择本小区已有表决结果的议案。"), field="proposal")
    return proposal_id


def _text(title: str, body: str) -> tuple[str, str]:
    title = clean_text(title, TITLE_MAX)
    if not title:
        raise ServiceError(_l("请填写标题。"), field="title")
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("请填写公告内容。"), field="body")
    if len(body) > BODY_MAX:
        raise ServiceError(_l("内容请不超过 20000 字。"), field="body")
    return title, body


def default_end(start: datetime) -> datetime:
    return period_after(start, DEFAULT_DAYS).ends_at


def check_period(starts_at: datetime | None, ends_at: datetime | None,
                 now: datetime) -> tuple[datetime | None, datetime | None]:
    """The start is now or later (no start: now); the end after the start and within
    MAX_DAYS of it. Returns the period as given, a start in the grace minutes moved to now."""
    if starts_at is not None:
        if starts_at < now - START_GRACE:
            raise ServiceError(_l("公示开始时间不能早于现在；留空则发布时立即开始。"),
                               field="starts_at")
        starts_at = max(starts_at, now)
    start = starts_at or now
    if ends_at is not None:
        if ends_at <= start:
            raise ServiceError(_l("公示结束时间须晚于开始时间。"), field="ends_at")
        if ends_at - start > timedelta(days=MAX_DAYS):
            raise ServiceError(_l("公示期请不超过 400 天。"), field="ends_at")
    return starts_at, ends_at


def _fields(compound, kind, title, body, proposal_id, starts_at, ends_at, now) -> dict:
    if kind not in KINDS:
        raise ServiceError(_l("请选择公告类型。"), field="kind")
    title, body = _text(title, body)
    starts_at, ends_at = check_period(starts_at, ends_at, now)
    return {"kind": kind, "title": title, "body_source": body,
            "body_html": str(render_markdown(body)),
            "proposal_id": _proposal_id(compound, proposal_id),
            "starts_at": starts_at, "ends_at": ends_at}


def _audit_fields(values: dict) -> dict:
    return {"kind": values["kind"], "title": values["title"],
            "proposal_id": values["proposal_id"], "starts_at": iso_utc(values["starts_at"]),
            "ends_at": iso_utc(values["ends_at"])}


def create_draft(actor: User, compound: Compound, *, kind: str, title: str, body: str,
                 proposal_id: int | None = None, starts_at: datetime | None = None,
                 ends_at: datetime | None = None) -> Notice:
    """A draft only publishers see; it may be edited freely until published."""
    _require_publisher(actor, compound)
    now = utcnow()
    values = _fields(compound, kind, title, body, proposal_id, starts_at, ends_at, now)
    notice = Notice(compound_id=compound.id, status="draft", created_by_id=actor.id,
                    created_at=now, updated_at=now, revision_count=0, withdrawal_reason="",
                    **values)
    db.session.add(notice)
    db.session.flush()
    record(actor, compound, "notice.create", notice, _audit_fields(values),
           actor_role=primary_role(actor, compound))
    return notice


def update_draft(actor: User, notice: Notice, *, kind: str, title: str, body: str,
                 proposal_id: int | None = None, starts_at: datetime | None = None,
                 ends_at: datetime | None = None) -> Notice:
    compound = db.session.get(Compound, notice.compound_id)
    _require_publisher(actor, compound)
    now = utcnow()
    values = _fields(compound, kind, title, body, proposal_id, starts_at, ends_at, now)
    changed = db.session.execute(
        update(Notice).where(Notice.id == notice.id, Notice.status == "draft")
        .values(updated_at=now, **values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict(_l("公告已经发布，只能以更正的方式修改。"))
    db.session.refresh(notice)
    record(actor, compound, "notice.update", notice, _audit_fields(values),
           actor_role=primary_role(actor, compound))
    return notice


def member_ids(compound: Compound) -> list[int]:
    """Everyone who belongs to the compound: verified residents and role holders."""
    residents = select(Residency.user_id).where(Residency.compound_id == compound.id,
                                                Residency.revoked_at.is_(None))
    holders = select(RoleGrant.user_id).where(RoleGrant.compound_id == compound.id,
                                              RoleGrant.revoked_at.is_(None))
    return list(db.session.scalars(union(residents, holders)))


def publish(actor: User, notice: Notice, *, now: datetime | None = None,
            announce: bool = True) -> Notice:
    """Fix the publicity period (start: as chosen, or now; end: as chosen, or DEFAULT_DAYS
    later), freeze the text as revision 1 and tell every member of the compound, in one
    bulk insert of notifications (one audit entry, not one per member)."""
    compound = db.session.get(Compound, notice.compound_id)
    now = now or utcnow()
    workflow.check(WORKFLOW, notice, "publish", actor, now=now)
    starts_at, ends_at = check_period(notice.starts_at, notice.ends_at, now)
    starts_at = starts_at or now
    ends_at = ends_at or default_end(starts_at)
    revision = NoticeRevision(notice_id=notice.id, number=1, title=notice.title,
                              body_source=notice.body_source, body_html=notice.body_html,
                              reason="", author_id=actor.id, created_at=now)
    workflow.apply(WORKFLOW, notice, "publish", actor, now=now, also=[revision],
                   values={"starts_at": starts_at, "ends_at": ends_at, "published_at": now,
                           "published_by_id": actor.id, "revision_count": 1},
                   data={"kind": notice.kind, "starts_at": iso_utc(starts_at),
                         "ends_at": iso_utc(ends_at)})
    if not announce:  # demo history: notices published long ago
        return notice
    notify(member_ids(compound), compound.id, "notice.published",
           gettext("新公告：%(title)s", title=notice.title),
           f"/c/{compound.id}/notices/{notice.id}", skip=actor.id)
    return notice


def correct(actor: User, notice: Notice, *, title: str, body: str, reason: str) -> Notice:
    """更正: a published notice's text changes only by a new revision with a reason; the
    earlier texts stay on the page."""
    cleaned = workflow.check(WORKFLOW, notice, "correct", actor, fields={"reason": reason})
    title, body = _text(title, body)
    if title == notice.title and body == notice.body_source:
        raise ServiceError(_l("内容没有变化，无需更正。"), field="body")
    now = utcnow()
    number = notice.revision_count + 1
    html = str(render_markdown(body))
    revision = NoticeRevision(notice_id=notice.id, number=number, title=title,
                              body_source=body, body_html=html, reason=cleaned["reason"],
                              author_id=actor.id, created_at=now)
    # Conditional on the revision we read: two corrections at once cannot both win.
    workflow.apply(WORKFLOW, notice, "correct", actor, fields={"reason": reason}, now=now,
                   values={"title": title, "body_source": body, "body_html": html,
                           "revision_count": number},
                   where=[Notice.revision_count == notice.revision_count],
                   conflict=_l("公告刚刚被别人更正或撤回了，请刷新后再试。"),
                   also=[revision], data={"revision": number})
    return notice


def withdraw(actor: User, notice: Notice, reason: str) -> Notice:
    """撤回: the notice stops running and stays listed as withdrawn, with the reason."""
    now = utcnow()
    cleaned = workflow.check(WORKFLOW, notice, "withdraw", actor, fields={"reason": reason})
    workflow.apply(WORKFLOW, notice, "withdraw", actor, fields={"reason": reason}, now=now,
                   values={"withdrawn_at": now, "withdrawn_by_id": actor.id,
                           "withdrawal_reason": cleaned["reason"]})
    return notice
