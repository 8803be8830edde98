"""The printed form of a chain head ("链 c12 · 第 345 条 · 3f2a…"): which chain, which entry,
and the hash, for results, minutes and the trail page."""
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.chains import LEGACY, chain_name
from app.audit.models import GENESIS_HASH, AuditChain, AuditEntry
from app.extensions import db


@dataclass(frozen=True)
class Stamp:
    chain: str  # "c12"; "legacy" for the single chain kept from before per-compound chains
    seq: int    # 0: the chain had no entry yet
    hash: str

    @property
    def short(self) -> str:
        return self.hash[:8] + "…"


def stamp_of(head: str | None) -> Stamp | None:
    """The chain and position of a stamped head hash (hashes are unique): one statement, none
    for the genesis hash or no hash."""
    if not head:
        return None
    if head == GENESIS_HASH:
        return Stamp("", 0, head)
    row = db.session.execute(
        select(AuditEntry.seq, AuditChain.kind, AuditChain.scope_id)
        .outerjoin(AuditChain, AuditChain.id == AuditEntry.chain_id)
        .where(AuditEntry.hash == head)).first()
    if row is None:
        return Stamp("", 0, head)
    return Stamp(chain_name(row.kind, row.scope_id) if row.kind else LEGACY, row.seq, head)


def chain_stamp(kind: str, scope_id: int, head) -> Stamp:
    """The stamp of a head row read from audit_chains (None: the chain has no entry yet)."""
    if head is None:
        return Stamp(chain_name(kind, scope_id), 0, GENESIS_HASH)
    return Stamp(chain_name(kind, scope_id), head.head_seq, head.head_hash)
