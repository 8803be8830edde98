"""`flask maintenance run` (daily from cron): keep personal data no longer than the privacy page
says. The periods are config RETENTION_DAYS, which the privacy page prints too.

- a roster upload staged and never confirmed: deleted after `roster_upload` days;
- one-time codes (SMS, password reset, unlock, staff reset codes; only their keyed hash is
  stored): deleted `one_time_code` days after they expired, whether used or not;
- a login still open `session` days after it began: ended (the person logs in again);
- an ended login (logout, password change, a newer login, account deletion, or ended here):
  deleted from the security log `ended_session` days after it ended;
- a stored file no record names: deleted once `orphan_upload` days old (app.core.upload_orphans).

Idempotent: a second run finds nothing more to do and records nothing. Every run that changed
a row records it in the audit log, in the same transaction: the rows the log vouched for and
that are deleted here are recorded as removed, so that `audit verify` still holds. Rows of a
compound (roster uploads) are recorded in an entry of that compound, with its count; the rest in
one entry with every count. Services flush; the caller commits."""
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.accounts.models import PhoneCode, UserSession
from app.audit.services import record, removal
from app.compounds.models import RosterUpload
from app.core.time import utcnow
from app.core.upload_orphans import clean_orphans
from app.extensions import db

KINDS = ("roster_upload", "one_time_code", "session", "ended_session", "orphan_upload")


@dataclass
class RetentionCounts:
    roster_uploads_deleted: int = 0
    one_time_codes_deleted: int = 0
    sessions_ended: int = 0
    ended_sessions_deleted: int = 0
    orphan_uploads_deleted: int = 0

    @property
    def changed(self) -> bool:
        return any(asdict(self).values())


def retention_days() -> dict[str, int]:
    """The configured periods; a missing or non-positive one is a configuration error."""
    days = current_app.config["RETENTION_DAYS"]
    bad = [kind for kind in KINDS if not isinstance(days.get(kind), int) or days[kind] < 1]
    if bad:
        raise ValueError(f"RETENTION_DAYS needs a whole number of days >= 1 for: {bad}")
    return {kind: days[kind] for kind in KINDS}


def _unconfirmed_roster_uploads(before) -> dict[int, list]:
    """Removal covers of the stale staged uploads, by compound; the rows are deleted."""
    by_compound: dict[int, list] = {}
    stale = db.session.scalars(select(RosterUpload).where(
        RosterUpload.applied_at.is_(None), RosterUpload.created_at < before)
        .order_by(RosterUpload.id)).all()
    for upload in stale:
        by_compound.setdefault(upload.compound_id, []).append(removal(upload))
        db.session.delete(upload)
    return by_compound


def _end_old_sessions(now, before) -> list[UserSession]:
    rows = db.session.scalars(select(UserSession).where(
        UserSession.revoked_at.is_(None), UserSession.created_at < before)
        .order_by(UserSession.id)).all()
    for row in rows:
        row.revoked_at = now
    return list(rows)


def _delete_ended_sessions(before) -> list[dict]:
    rows = db.session.scalars(select(UserSession).where(
        UserSession.revoked_at.is_not(None), UserSession.revoked_at < before)
        .order_by(UserSession.id)).all()
    covers = [removal(row) for row in rows]
    for row in rows:
        db.session.delete(row)
    return covers


def run_retention(*, dry_run: bool = False) -> RetentionCounts:
    """Apply every retention period once, as of now (utcnow: a test may move the clock)."""
    days = retention_days()
    now = utcnow()
    ago = {kind: now - timedelta(days=n) for kind, n in days.items()}
    counts = RetentionCounts()

    roster = _unconfirmed_roster_uploads(ago["roster_upload"])
    counts.roster_uploads_deleted = sum(len(c) for c in roster.values())
    ended_covers = _delete_ended_sessions(ago["ended_session"])
    counts.ended_sessions_deleted = len(ended_covers)
    ended_now = _end_old_sessions(now, ago["session"])
    counts.sessions_ended = len(ended_now)
    # Not covered by the log (short-lived secrets, see PhoneCode): a plain DELETE.
    counts.one_time_codes_deleted = db.session.execute(
        delete(PhoneCode).where(PhoneCode.expires_at < ago["one_time_code"])
        .execution_options(synchronize_session=False)).rowcount
    if dry_run:
        db.session.rollback()
        counts.orphan_uploads_deleted = len(_orphans(days, now, dry_run=True))
        return counts

    db.session.flush()
    for compound_id, covers in sorted(roster.items()):
        record(None, compound_id, "maintenance.roster_uploads_deleted", None,
               {"count": len(covers), "days": days["roster_upload"]}, removed=covers)
    # Files last, once the rows are settled: a file is removed only if no row names it.
    counts.orphan_uploads_deleted = len(_orphans(days, now))
    if counts.changed:
        record(None, None, "maintenance.retention_run", None,
               {**asdict(counts), "days": days}, also=ended_now, removed=ended_covers)
    return counts


def _orphans(days: dict, now, *, dry_run: bool = False) -> list[str]:
    return clean_orphans(days["orphan_upload"] * 86400, dry_run=dry_run, now=now.timestamp())
