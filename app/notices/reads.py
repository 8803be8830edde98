"""Who has read and acknowledged a notice, counted per household (the unit, as seconds are
counted in app.issues): two people of one flat reading are one household.

Reads are not audited. Opening a page is not a decision: the read table is a counter of
reach for staff, written on GET by every resident's first visit, and an audit entry per
visit would flood the chain and serialise every page view on the chain's head. The unique
index (notice, unit) keeps it exact under concurrent visits. An acknowledgement (已知晓) is
the household's own act and is audited like every other state change."""
from dataclasses import dataclass

from sqlalchemy import exists, func, select

from app.audit.services import record
from app.compounds.access import primary_role, roles_in
from app.compounds.models import Compound, Residency, Unit, household_units
from app.core.db import insert_unless_exists
from app.core.errors import Conflict, PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import Notice, NoticeAck, NoticeRead


@dataclass(frozen=True)
class Household:
    unit_id: int | None  # None: the viewer is not a verified resident here
    has_read: bool = False
    has_acked: bool = False


@dataclass(frozen=True)
class Reach:
    reads: int
    acks: int
    households: int  # households of the compound (compounds.models.household_units)
    registered: int  # units with at least one verified resident

    def rate(self, part: int, whole: int) -> int | None:
        # Half up, as people round by hand (Python's round() would make 2.5% read 2%).
        return (100 * part * 2 + whole) // (2 * whole) if whole else None


def household_of(user, notice: Notice) -> Household:
    """The viewer's household (their first verified unit, as app.issues uses) and whether it
    has read and acknowledged the notice: one statement."""
    if "resident" not in roles_in(user, _compound(notice)):
        return Household(None)
    read = exists().where(NoticeRead.notice_id == notice.id,
                          NoticeRead.unit_id == Residency.unit_id)
    acked = exists().where(NoticeAck.notice_id == notice.id,
                           NoticeAck.unit_id == Residency.unit_id)
    row = db.session.execute(select(Residency.unit_id, read, acked).where(
        Residency.user_id == user.id, Residency.compound_id == notice.compound_id,
        Residency.revoked_at.is_(None)).order_by(Residency.id).limit(1)).first()
    return Household(*row) if row else Household(None)


def _compound(notice: Notice) -> Compound:
    return db.session.get(Compound, notice.compound_id)


# One read and one acknowledgement per household: the unique index these inserts defer to.
HOUSEHOLD = ["notice_id", "unit_id"]


def readable(notice: Notice) -> bool:
    return notice.status in ("published", "withdrawn")


def record_read(notice: Notice, user, unit_id: int) -> bool:
    """Count the household's visit; True when it is the household's first."""
    if not readable(notice):
        return False
    values = {"notice_id": notice.id, "unit_id": unit_id, "user_id": user.id,
              "created_at": utcnow()}
    return insert_unless_exists(NoticeRead, values, HOUSEHOLD) is not None


def acknowledge(actor, notice: Notice) -> NoticeAck:
    """已知晓: once per household, by a verified resident, on a published notice. It also
    counts as a read."""
    household = household_of(actor, notice)
    if household.unit_id is None:
        raise PermissionDenied(_l("只有本小区已认证的居民可以确认知晓。"))
    if notice.status != "published":
        raise Conflict(_l("这条公告现在不能确认知晓。"))
    now = utcnow()
    ack_id = insert_unless_exists(NoticeAck, {
        "notice_id": notice.id, "unit_id": household.unit_id, "user_id": actor.id,
        "revision": notice.revision_count, "created_at": now}, HOUSEHOLD)
    if ack_id is None:
        raise Conflict(_l("您家已经确认知晓过这条公告了。"))
    record_read(notice, actor, household.unit_id)
    ack = db.session.get(NoticeAck, ack_id)
    compound = _compound(notice)
    record(actor, compound, "notice.acknowledge", ack,
           {"notice_id": notice.id, "revision": notice.revision_count},
           actor_role=primary_role(actor, compound))
    return ack


def counts(notice_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{notice id: (households read, households acknowledged)} in one statement."""
    if not notice_ids:
        return {}
    reads = (select(func.count(NoticeRead.id)).where(NoticeRead.notice_id == Notice.id)
             .correlate(Notice).scalar_subquery())
    acks = (select(func.count(NoticeAck.id)).where(NoticeAck.notice_id == Notice.id)
            .correlate(Notice).scalar_subquery())
    rows = db.session.execute(select(Notice.id, reads, acks).where(Notice.id.in_(notice_ids)))
    return {row[0]: (row[1], row[2]) for row in rows}


def households(compound: Compound) -> tuple[int, int]:
    """(households of the compound, those with a verified resident) in one statement: the
    households the covenant page counts too."""
    registered = (select(func.count(func.distinct(Residency.unit_id))).where(
        Residency.compound_id == compound.id, Residency.revoked_at.is_(None))
        .scalar_subquery())
    row = db.session.execute(select(func.count(Unit.id), registered).where(
        household_units(compound.id))).one()
    return row[0], row[1]


def reach(notice: Notice) -> Reach:
    """The read rate staff see: households read over households in the compound."""
    read, acked = counts([notice.id]).get(notice.id, (0, 0))
    total, registered = households(_compound(notice))
    return Reach(read, acked, total, registered)
