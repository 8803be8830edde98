"""Read side of the notice pages, each in a fixed number of statements whatever the number of
notices: the list, the pinned "running now" block of the compound's home page, revisions."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import joinedload

from app.audit.canonical import canonical_json, sha256_hex
from app.compounds.models import Compound, Residency
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import Notice, NoticeRead, NoticeRevision

PAGE_SIZE = 20
RUNNING_LIMIT = 5


def phase(notice: Notice, now: datetime | None = None) -> str:
    """draft / scheduled / running / archived / withdrawn, from the status and the clock."""
    if notice.status != "published":
        return notice.status
    now = now or utcnow()
    if now < notice.starts_at:
        return "scheduled"
    return "running" if now < notice.ends_at else "archived"


def _running(compound_id: int, now: datetime):
    return and_(Notice.compound_id == compound_id, Notice.status == "published",
                Notice.starts_at <= now, Notice.ends_at > now)


@dataclass
class Listing:
    current: list[Notice]  # running (pinned first), then scheduled, then drafts
    past: list[Notice]  # archived and withdrawn, newest first
    past_total: int


# The list's statements, built once (bind parameters compound_id, now, offset).
_LIVE = and_(Notice.status == "published", Notice.ends_at > bindparam("now"))
_CURRENT = {drafts: select(Notice).where(
    Notice.compound_id == bindparam("compound_id"),
    or_(_LIVE, Notice.status == "draft") if drafts else _LIVE).order_by(Notice.id.desc())
    for drafts in (False, True)}
_GONE = and_(Notice.compound_id == bindparam("compound_id"), or_(
    Notice.status == "withdrawn",
    and_(Notice.status == "published", Notice.ends_at <= bindparam("now"))))
_PAST_TOTAL = select(func.count(Notice.id)).where(_GONE)
_PAST = (select(Notice).where(_GONE).order_by(
    func.coalesce(Notice.withdrawn_at, Notice.ends_at).desc(), Notice.id.desc())
    .limit(PAGE_SIZE).offset(bindparam("offset", type_=Integer)))


def list_notices(compound: Compound, *, drafts: bool, page: int = 1,
                 now: datetime | None = None) -> Listing:
    """Three statements. Drafts only for those who publish."""
    now = now or utcnow()
    values = {"compound_id": compound.id, "now": now, "offset": (page - 1) * PAGE_SIZE}
    current = list(db.session.scalars(_CURRENT[bool(drafts)], values))
    order = {"running": 0, "scheduled": 1, "draft": 2}
    current.sort(key=lambda n: (order[phase(n, now)], -(n.starts_at or n.created_at)
                                .timestamp()))
    total = db.session.scalar(_PAST_TOTAL, values) or 0
    past = list(db.session.scalars(_PAST, values))
    return Listing(current, past, total)


@dataclass(frozen=True)
class RunningNotice:
    notice: Notice
    is_read: bool  # the viewer's household has opened it


_units = select(Residency.unit_id).where(
    Residency.user_id == bindparam("user_id"), Residency.compound_id == bindparam("compound_id"),
    Residency.revoked_at.is_(None))
_read = exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.unit_id.in_(_units))
# Built once: the compound's home runs it on every request.
_RUNNING = (select(Notice, _read).where(_running(bindparam("compound_id"), bindparam("now")))
            .order_by(Notice.starts_at.desc(), Notice.id.desc())
            .limit(bindparam("limit", type_=Integer)))


def running_notices(compound: Compound, user=None, *, limit: int = RUNNING_LIMIT,
                    now: datetime | None = None) -> list[RunningNotice]:
    """The notices running now, newest first, and whether the viewer's household has read
    each: one statement, whatever the number of notices (for the compound's home page)."""
    now = now or utcnow()
    rows = db.session.execute(_RUNNING, {"user_id": getattr(user, "id", None) or 0,
                                         "compound_id": compound.id, "now": now,
                                         "limit": limit})
    return [RunningNotice(notice, bool(is_read)) for notice, is_read in rows]


def revisions(notice: Notice) -> list[NoticeRevision]:
    return list(db.session.scalars(select(NoticeRevision).where(
        NoticeRevision.notice_id == notice.id).options(joinedload(NoticeRevision.author))
        .order_by(NoticeRevision.number)))


def printed_revision(notice: Notice) -> NoticeRevision | None:
    """The text a print made now carries; None while the notice has never been published."""
    if notice.status == "draft" or not notice.revision_count:
        return None
    return db.session.scalar(select(NoticeRevision).where(
        NoticeRevision.notice_id == notice.id, NoticeRevision.number == notice.revision_count))


def revision_digest(revision: NoticeRevision) -> str:
    """The content digest printed on the paper and shown behind its QR code."""
    return sha256_hex(canonical_json({"title": revision.title, "body": revision.body_source}))


def load(compound: Compound, notice_id: int) -> Notice | None:
    return db.session.scalar(select(Notice).where(
        Notice.id == notice_id, Notice.compound_id == compound.id)
        .options(joinedload(Notice.published_by), joinedload(Notice.proposal)))
