"""Read-only queries over the audit log for pages (no state changes here)."""
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import ANONYMOUS_AS
from app.extensions import db
from app.issues.labels import anonymous_shown
from app.issues.models import Issue

PAGE_SIZE = 50


@dataclass(frozen=True)
class TrailEntry:
    id: int
    seq: int
    legacy: bool  # in the single chain kept from before per-compound chains
    created_at: datetime
    action: str
    actor_id: int | None
    actor_role: str | None
    actor_name: str | None
    object_type: str | None
    object_id: int | None
    hash: str
    # Set when the actor acted anonymously and this viewer may not see who: the page shows
    # this label, and the actor's role and name are not passed on at all.
    anonymous_as: str | None = None


@dataclass
class TrailPage:
    entries: list[TrailEntry]
    next_before: int | None  # an entry id: pass as ?before= to get the next (older) page


# Entries written before record() took `anonymous_as` carry no mark; for them the covered
# row tells: an anonymous issue acted on by its own author (raising it, confirming it).
_OWN_ANONYMOUS_ISSUE = and_(AuditEntry.object_type == Issue.__tablename__,
                            Issue.id == AuditEntry.object_id,
                            Issue.author_id == AuditEntry.actor_id,
                            Issue.show_as == "anonymous")


def compound_trail(compound_id: int, before: int | None = None, limit: int = PAGE_SIZE, *,
                   sees_anonymous: bool = False, viewer_id: int | None = None) -> TrailPage:
    """One page of a compound's entries, newest first, keyset-paginated on id: its chain's,
    then those it had in the legacy chain (ids grow with seq in each chain). One statement
    whatever the page size: the actor's name and the anonymous mark come from joins and one
    key of the JSON payload, which the page doesn't otherwise show. An anonymous actor is
    shown by name only to those who may see who (`sees_anonymous`: staff, the party cell)
    and to themselves (`viewer_id`)."""
    stmt = (
        select(AuditEntry.id, AuditEntry.seq, AuditEntry.chain_id, AuditEntry.created_at,
               AuditEntry.action, AuditEntry.actor_id, AuditEntry.actor_role,
               User.display_name.label("actor_name"),
               AuditEntry.object_type, AuditEntry.object_id, AuditEntry.hash,
               AuditEntry.data[ANONYMOUS_AS].as_string().label("marked_as"),
               Issue.id.label("anonymous_issue_id"), Issue.anonymous_label)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Issue, _OWN_ANONYMOUS_ISSUE)
        .where(AuditEntry.compound_id == compound_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    rows = db.session.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    entries = [_entry(row, sees_anonymous or row.actor_id == viewer_id) for row in rows]
    return TrailPage(entries=entries, next_before=rows[-1].id if more else None)


def _entry(row, sees_who: bool) -> TrailEntry:
    entry = TrailEntry(row.id, row.seq, row.chain_id is None, row.created_at, row.action,
                       row.actor_id, row.actor_role, row.actor_name, row.object_type,
                       row.object_id, row.hash)
    anonymous = row.marked_as is not None or row.anonymous_issue_id is not None
    if not anonymous or sees_who:
        return entry
    return replace(entry, actor_role=None, actor_name=None,
                   anonymous_as=anonymous_shown(row.marked_as or row.anonymous_label or ""))
