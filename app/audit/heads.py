"""Every chain's head in one dict: what the backup manifest records and the API publishes."""
from sqlalchemy import select

from app.audit.chains import ANCHORS, chain_name
from app.audit.models import GENESIS_HASH, AuditChain
from app.extensions import db


def chain_heads() -> dict:
    """{chain name: {"seq": head seq, "hash": head hash}} for every chain ("c12", "cm3",
    "sd1", "site", "legacy"), plus "anchors", the global anchor chain's head. One statement."""
    rows = db.session.execute(select(AuditChain.kind, AuditChain.scope_id, AuditChain.head_seq,
                                     AuditChain.head_hash).order_by(AuditChain.id)).all()
    heads = {chain_name(r.kind, r.scope_id): {"seq": r.head_seq, "hash": r.head_hash}
             for r in rows}
    heads.setdefault(ANCHORS, {"seq": 0, "hash": GENESIS_HASH})
    return heads
