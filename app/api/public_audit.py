"""The audit heads and anchors anyone may read: a compound's own chain, to check the stamp
printed on its results and minutes, and the whole global anchor chain, to re-walk it."""
from sqlalchemy import select

from app.audit.chains import ANCHORS, COMPOUND, chain_name, read_head
from app.audit.models import GENESIS_HASH, AuditAnchor, AuditChain
from app.extensions import db

LATEST_ANCHORS = 20
# The anchor chain in its order, with the name of each chain anchored.
ANCHORS_IN_ORDER = (select(AuditAnchor, AuditChain.kind, AuditChain.scope_id)
                    .join(AuditChain, AuditChain.id == AuditAnchor.chain_id)
                    .order_by(AuditAnchor.seq))


def _head(kind: str, scope_id: int) -> dict:
    head = read_head(kind, scope_id)
    return ({"seq": int(head.head_seq), "hash": head.head_hash} if head is not None
            else {"seq": 0, "hash": GENESIS_HASH})


def anchor_dict(anchor: AuditAnchor, kind: str, scope_id: int) -> dict:
    return {"seq": int(anchor.seq), "created_at": anchor.created_at,
            "chain": chain_name(kind, scope_id), "chain_seq": int(anchor.chain_seq),
            "chain_hash": anchor.chain_hash, "reason": anchor.reason,
            "prev_hash": anchor.prev_hash, "hash": anchor.hash}


def audit_dict(compound_id: int) -> dict:
    chain = read_head(COMPOUND, compound_id)
    anchors = [] if chain is None else db.session.execute(
        ANCHORS_IN_ORDER.where(AuditAnchor.chain_id == chain.id).order_by(None)
        .order_by(AuditAnchor.seq.desc()).limit(LATEST_ANCHORS)).all()
    return {"compound_id": compound_id, "chain": chain_name(COMPOUND, compound_id),
            "head": _head(COMPOUND, compound_id), "anchor_head": _head(ANCHORS, 0),
            "anchors": [anchor_dict(*row) for row in anchors]}
