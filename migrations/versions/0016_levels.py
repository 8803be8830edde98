"""levels: subdistrict staff assignments; who revoked a community staff assignment

Revision ID: 0016_levels
Revises: 0015_dispatch
Create Date: 2026-12-05 20:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_levels'
down_revision = '0015_dispatch'
branch_labels = None
depends_on = None

ACTIVE = 'revoked_at IS NULL'


def upgrade():
    op.create_table('subdistrict_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subdistrict_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_subdistrict_assignments_granted_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_subdistrict_assignments_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['subdistrict_id'], ['subdistricts.id'], name=op.f('fk_subdistrict_assignments_subdistrict_id_subdistricts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subdistrict_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subdistrict_assignments'))
    )
    with op.batch_alter_table('subdistrict_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subdistrict_assignments_subdistrict_id'), ['subdistrict_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subdistrict_assignments_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_subdistrict_assignments_active', ['subdistrict_id', 'user_id'], unique=True, sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))

    with op.batch_alter_table('staff_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_staff_assignments_revoked_by_id_users'), 'users', ['revoked_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('staff_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_assignments_revoked_by_id_users'), type_='foreignkey')
        batch_op.drop_column('revoked_by_id')

    with op.batch_alter_table('subdistrict_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_subdistrict_assignments_active', sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
        batch_op.drop_index(batch_op.f('ix_subdistrict_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_subdistrict_assignments_subdistrict_id'))

    op.drop_table('subdistrict_assignments')
