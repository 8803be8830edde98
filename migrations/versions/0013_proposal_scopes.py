"""scoped owners' decisions (列支范围): proposal_scopes and the proposal's scope label

Revision ID: 0013_proposal_scopes
Revises: 0012_surveys
Create Date: 2026-12-05 19:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_proposal_scopes'
down_revision = '0012_surveys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'proposal_scopes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('(building_id IS NULL AND unit_id IS NOT NULL) OR '
                           '(building_id IS NOT NULL AND unit_id IS NULL)',
                           name=op.f('ck_proposal_scopes_scope_building_or_unit')),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'],
                                name=op.f('fk_proposal_scopes_building_id_buildings')),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name=op.f('fk_proposal_scopes_proposal_id_proposals')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_proposal_scopes_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_scopes')),
        sa.UniqueConstraint('proposal_id', 'building_id',
                            name=op.f('uq_proposal_scopes_proposal_id_building_id')),
        sa.UniqueConstraint('proposal_id', 'unit_id',
                            name=op.f('uq_proposal_scopes_proposal_id_unit_id')),
    )
    with op.batch_alter_table('proposal_scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_scopes_proposal_id'), ['proposal_id'],
                              unique=False)
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_label', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('scope_label')
    with op.batch_alter_table('proposal_scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_scopes_proposal_id'))
    op.drop_table('proposal_scopes')
