"""The global anchor chain: each link takes one chain's head (seq and hash) at a moment.

Anchors are taken by `flask audit anchor` (cron: every chain whose head moved since its last
anchor), when a result or minutes are published (the compound's chain, in the publishing
transaction) and by the migration that split the single chain (its last head). Taking the
anchor chain's next number holds its row until commit, the one site-wide lock left: it is
taken only by these rare writes, never by record(). An anchor reads chain heads and never
locks a chain's row, so it cannot deadlock with writers."""
from datetime import datetime

from sqlalchemy import func, select

from app.audit.canonical import canonical_json, sha256_hex
from app.audit.chains import ANCHORS, COMPOUND, SET_HEAD_HASH, chain_name, read_head, take_next
from app.audit.models import ANCHOR_REASONS, AuditAnchor, AuditChain
from app.core.time import iso_utc, utcnow
from app.extensions import db


def anchor_content(anchor: AuditAnchor, name: str) -> dict:
    return {"seq": anchor.seq, "created_at": iso_utc(anchor.created_at), "chain": name,
            "chain_seq": anchor.chain_seq, "chain_hash": anchor.chain_hash,
            "reason": anchor.reason, "prev_hash": anchor.prev_hash}


def anchor_hash(anchor: AuditAnchor, name: str) -> str:
    return sha256_hex(canonical_json(anchor_content(anchor, name)))


def _append(chain_id: int, name: str, head_seq: int, head_hash: str, reason: str,
            now: datetime) -> AuditAnchor:
    if reason not in ANCHOR_REASONS:
        raise ValueError(reason)
    anchors_id, seq, prev = take_next(ANCHORS, 0)
    anchor = AuditAnchor(seq=seq, created_at=now, chain_id=chain_id, chain_seq=head_seq,
                         chain_hash=head_hash, reason=reason, prev_hash=prev)
    anchor.hash = anchor_hash(anchor, name)
    db.session.add(anchor)
    db.session.flush()
    db.session.connection().execute(SET_HEAD_HASH, {"chain": anchors_id,
                                                    "new_hash": anchor.hash})
    return anchor


def anchor_compound(compound, reason: str, now: datetime | None = None) -> AuditAnchor | None:
    """Anchor the compound chain's head as this transaction sees it (a publish calls it after
    recording itself, so the anchor covers the publishing entry). None if the chain is empty."""
    compound_id = getattr(compound, "id", compound)
    head = read_head(COMPOUND, compound_id)
    if head is None or head.head_seq == 0:
        return None
    return _append(head.id, chain_name(COMPOUND, compound_id), head.head_seq, head.head_hash,
                   reason, now or utcnow())


def anchor_moved(now: datetime | None = None) -> list[AuditAnchor]:
    """The periodic anchor: every chain whose head moved since its last anchor (one statement
    finds them), in chain order. Idempotent: run again at once, it anchors nothing."""
    now = now or utcnow()
    last = (select(AuditAnchor.chain_id, func.max(AuditAnchor.chain_seq).label("seq"))
            .group_by(AuditAnchor.chain_id).subquery())
    moved = db.session.execute(
        select(AuditChain.id, AuditChain.kind, AuditChain.scope_id, AuditChain.head_seq,
               AuditChain.head_hash)
        .outerjoin(last, last.c.chain_id == AuditChain.id)
        .where(AuditChain.kind != ANCHORS, AuditChain.head_seq > 0,
               (last.c.seq.is_(None)) | (last.c.seq < AuditChain.head_seq))
        .order_by(AuditChain.id)).all()
    return [_append(row.id, chain_name(row.kind, row.scope_id), row.head_seq, row.head_hash,
                    "periodic", now) for row in moved]
