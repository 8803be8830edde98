"""The audit log: one hash chain per compound (and per community, subdistrict and the site
for their own records), their heads, and the global anchor chain that takes each head's
digest. Entries and anchors are never updated or deleted (triggers refuse it)."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.append_only import append_only
from app.core.types import UTCDateTime
from app.extensions import db

GENESIS_HASH = "0" * 64


class AuditChain(db.Model):
    """One chain and its head. Appending takes the next number with a conditional UPDATE of
    this row, which is the chain's lock: writers of different chains never wait on each
    other. Kinds: compound, community, subdistrict (scope_id is theirs), site (accounts and
    the site admin's acts, scope 0), legacy (the single chain kept before 0022_audit_chains,
    frozen, scope 0), anchors (the global anchor chain's head, scope 0)."""

    __tablename__ = "audit_chains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[int] = mapped_column(Integer)
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("kind", "scope_id"),)


class AuditEntry(db.Model):
    """One entry of a chain; `seq` counts within its chain. chain_id NULL marks the legacy
    chain (entries written before per-chain logs, kept as they were: their hash covers no
    chain)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int | None] = mapped_column(ForeignKey("audit_chains.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict] = mapped_column(JSON)
    # [{"table": ..., "id": ..., "digest": ...}] for every row the change wrote.
    covers: Mapped[list] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    __table_args__ = (
        UniqueConstraint("chain_id", "seq"),
        # The legacy chain's numbers stay unique too (NULLs are distinct in the constraint).
        Index("uq_audit_entries_legacy_seq", "seq", unique=True,
              sqlite_where=text("chain_id IS NULL"), postgresql_where=text("chain_id IS NULL")),
        # A compound's trail page reads its entries (its chain and its legacy ones) newest
        # first by id.
        Index("ix_audit_entries_compound_id_id", "compound_id", "id"),
    )


class AuditAnchor(db.Model):
    """One link of the global anchor chain: a chain's head (seq and hash) at a moment, and
    why it was taken (ANCHOR_REASONS)."""

    __tablename__ = "audit_anchors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    chain_id: Mapped[int] = mapped_column(ForeignKey("audit_chains.id"), index=True)
    chain_seq: Mapped[int] = mapped_column(BigInteger)
    chain_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


ANCHOR_REASONS = ("periodic", "result_published", "minutes_published", "migration")
APPEND_ONLY = ("audit_entries", "audit_anchors")
AUDIT_REFUSAL = "audit log is append-only"  # what the triggers say (app.core.append_only)

for _model in (AuditEntry, AuditAnchor):
    append_only(_model, AUDIT_REFUSAL)
