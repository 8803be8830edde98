"""audit chains: one hash chain per compound (community, subdistrict, site), a global anchor
chain, and the single chain kept readable as the "legacy" chain

The entries written so far keep their seq, prev_hash and hash untouched (the triggers refuse
UPDATE): they get chain_id NULL, which marks the legacy chain, and their numbers stay unique
among themselves (a partial unique index). The single head row becomes the legacy chain's row
in audit_chains, and its last head is the first anchor (reason "migration").

Revision ID: 0022_audit_chains
Revises: 0018_dispatch_levels
Create Date: 2026-12-08 10:00:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from app.audit.anchors import anchor_hash
from app.audit.models import AUDIT_REFUSAL, AuditAnchor
from app.core.append_only import postgres_triggers, sqlite_triggers
from app.core.types import UTCDateTime

revision = '0022_audit_chains'
down_revision = '0021_trust_books'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _refuse_edits(table: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in (postgres_triggers if postgres else sqlite_triggers)(table, AUDIT_REFUSAL):
        op.execute(statement)


def upgrade():
    op.create_table('audit_chains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('head_seq', sa.BigInteger(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chains')),
    sa.UniqueConstraint('kind', 'scope_id', name=op.f('uq_audit_chains_kind_scope_id'))
    )
    op.create_table('audit_anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('chain_seq', sa.BigInteger(), nullable=False),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['audit_chains.id'], name=op.f('fk_audit_anchors_chain_id_audit_chains')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchors')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_anchors_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_anchors_seq'))
    )
    with op.batch_alter_table('audit_anchors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_anchors_chain_id'), ['chain_id'], unique=False)
    _refuse_edits('audit_anchors')

    # On SQLite the batch rebuilds audit_entries (copying rows by INSERT; dropping a table
    # drops its triggers first, so none fires); its triggers are made again below.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_chain_id_audit_chains'), 'audit_chains', ['chain_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('uq_audit_entries_seq'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entries_chain_id_seq'), ['chain_id', 'seq'])
        batch_op.drop_index('ix_audit_entries_compound_seq')
        batch_op.create_index('ix_audit_entries_compound_id_id', ['compound_id', 'id'], unique=False)
        batch_op.create_index('uq_audit_entries_legacy_seq', ['seq'], unique=True, sqlite_where=sa.text('chain_id IS NULL'), postgresql_where=sa.text('chain_id IS NULL'))
    if op.get_bind().dialect.name == "sqlite":
        _refuse_edits('audit_entries')

    _keep_legacy_chain()
    op.drop_table('audit_head')


def _keep_legacy_chain() -> None:
    """The single chain's head becomes the legacy chain's row, and is anchored."""
    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    if head is None or head.seq == 0:
        return  # nothing was logged: there is no legacy chain
    chains = sa.table('audit_chains', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('scope_id', sa.Integer), sa.column('head_seq', sa.BigInteger),
                      sa.column('head_hash', sa.String))
    legacy_id = bind.execute(chains.insert().values(
        kind='legacy', scope_id=0, head_seq=head.seq, head_hash=head.hash)
        .returning(chains.c.id)).scalar_one()
    anchor = AuditAnchor(seq=1, created_at=datetime.now(timezone.utc), chain_id=legacy_id,
                         chain_seq=head.seq, chain_hash=head.hash, reason='migration',
                         prev_hash=GENESIS)
    anchor.hash = anchor_hash(anchor, 'legacy')
    bind.execute(chains.insert().values(kind='anchors', scope_id=0, head_seq=1,
                                        head_hash=anchor.hash))
    anchors = sa.table('audit_anchors', *(sa.column(name) for name in (
        'seq', 'chain_id', 'chain_seq', 'chain_hash', 'reason', 'prev_hash', 'hash')),
        sa.column('created_at', UTCDateTime))
    bind.execute(anchors.insert().values(
        seq=anchor.seq, created_at=anchor.created_at, chain_id=legacy_id,
        chain_seq=anchor.chain_seq, chain_hash=anchor.chain_hash, reason=anchor.reason,
        prev_hash=anchor.prev_hash, hash=anchor.hash))


def downgrade():
    """Back to the single head row: possible only while every entry is a legacy one."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM audit_entries WHERE chain_id IS NOT NULL")
                    ).scalar():
        raise RuntimeError("entries were written to per-compound chains; they cannot be put "
                           "back on the single chain")
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    legacy = bind.execute(sa.text("SELECT head_seq, head_hash FROM audit_chains "
                                  "WHERE kind = 'legacy'")).first()
    seq, head = (legacy.head_seq, legacy.head_hash) if legacy else (0, GENESIS)
    bind.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"),
                 {"seq": seq, "hash": head})
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_audit_entries_legacy_seq')
        batch_op.drop_index('ix_audit_entries_compound_id_id')
        batch_op.create_index('ix_audit_entries_compound_seq', ['compound_id', 'seq'], unique=False)
        batch_op.drop_constraint(batch_op.f('uq_audit_entries_chain_id_seq'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entries_seq'), ['seq'])
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_chain_id_audit_chains'), type_='foreignkey')
        batch_op.drop_column('chain_id')
    if bind.dialect.name == "sqlite":
        _refuse_edits('audit_entries')
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_anchors_no_update ON audit_anchors")
        op.execute("DROP TRIGGER IF EXISTS audit_anchors_no_truncate ON audit_anchors")
    with op.batch_alter_table('audit_anchors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_anchors_chain_id'))
    op.drop_table('audit_anchors')
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_anchors_refuse()")
    op.drop_table('audit_chains')
