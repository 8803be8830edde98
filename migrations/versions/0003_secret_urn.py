"""secret ballots: sealed urn while open, receipts and totals without weights after close

Revision ID: 0003_secret_urn
Revises: 0002_councils
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_secret_urn'
down_revision = '0002_councils'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    open_secret = bind.execute(sa.text(
        "SELECT count(*) FROM proposals p WHERE p.is_secret AND p.state = 'voting' "
        "AND EXISTS (SELECT 1 FROM secret_votes v WHERE v.proposal_id = p.id)")).scalar()
    if open_secret:
        raise RuntimeError("A secret vote is open with ballots stored the old way; let it close "
                           "(flask proposals close-due) before upgrading.")
    op.create_table('sealed_votes',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_sealed_votes_proposal_id_proposals')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_votes'))
    )
    with op.batch_alter_table('sealed_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_votes_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('secret_totals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('choice', sa.String(length=40), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('area', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_secret_totals_proposal_id_proposals')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_totals')),
        sa.UniqueConstraint('proposal_id', 'choice', name=op.f('uq_secret_totals_proposal_id_choice'))
    )
    with op.batch_alter_table('secret_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_totals_proposal_id'), ['proposal_id'], unique=False)

    # Closed secret votes keep their figures as totals; the per-vote weight goes.
    bind.execute(sa.text(
        "INSERT INTO secret_totals (proposal_id, choice, count, area) "
        "SELECT proposal_id, choice, count(*), coalesce(sum(area), 0) FROM secret_votes "
        "GROUP BY proposal_id, choice"))
    with op.batch_alter_table('secret_votes', schema=None) as batch_op:
        batch_op.drop_column('area')

    bind.execute(sa.text(
        "UPDATE proposals SET shows_split_while_open = false WHERE is_secret"))
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_proposals_secret_ballots_no_live_split'),
            'NOT (is_secret AND shows_split_while_open)')


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposals_secret_ballots_no_live_split'), type_='check')
    with op.batch_alter_table('secret_votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area', sa.Integer(), nullable=False, server_default='0'))
    op.drop_table('secret_totals')
    op.drop_table('sealed_votes')
