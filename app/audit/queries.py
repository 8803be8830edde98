"""Read-only queries over the audit log for pages (no state changes here)."""
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db

PAGE_SIZE = 50


@dataclass
class TrailPage:
    entries: list  # rows with seq, created_at, action, actor_role, actor_name, object_*, hash
    next_before: int | None  # pass as ?before= to get the next (older) page


def compound_trail(compound_id: int, before: int | None = None,
                   limit: int = PAGE_SIZE) -> TrailPage:
    """One page of a compound's entries, newest first, keyset-paginated on seq. One statement
    whatever the page size: the actor's name comes from a join, and the JSON payloads, which
    the page doesn't show, are not loaded."""
    stmt = (
        select(AuditEntry.seq, AuditEntry.created_at, AuditEntry.action,
               AuditEntry.actor_id, AuditEntry.actor_role,
               User.display_name.label("actor_name"),
               AuditEntry.object_type, AuditEntry.object_id, AuditEntry.hash)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.compound_id == compound_id)
        .order_by(AuditEntry.seq.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(AuditEntry.seq < before)
    rows = db.session.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return TrailPage(entries=rows, next_before=rows[-1].seq if more else None)
