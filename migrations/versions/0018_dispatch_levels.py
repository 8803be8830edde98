"""dispatch levels: a subdistrict's own organisations have unique names within it

Revision ID: 0018_dispatch_levels
Revises: 0016_levels
Create Date: 2026-12-05 20:50:00

"""
from alembic import op


revision = '0018_dispatch_levels'
down_revision = '0016_levels'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_subdistrict_id_name'),
                                          ['subdistrict_id', 'name'])


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisations_subdistrict_id_name'),
                                 type_='unique')
