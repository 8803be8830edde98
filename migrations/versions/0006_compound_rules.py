"""compound rules: a minimum consultation period, and the rules a proposal's stages use kept
on the proposal as they stood when it entered them

Revision ID: 0006_compound_rules
Revises: 0005_notification_kinds
Create Date: 2026-12-05 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_compound_rules'
down_revision = '0005_notification_kinds'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_consultation_days', sa.Integer(), nullable=False,
                                      server_default='7'))
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_opened_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('consultation_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('notice_period_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('objection_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('parking_counts_in_area', sa.Boolean(), nullable=True))
    # Proposals already past their notice keep the windows they were announced with: the
    # compound's objection days for owners' decisions, none for the others (as before).
    op.execute(
        "UPDATE proposals SET objection_days = CASE WHEN kind = 'owners' THEN "
        "(SELECT compounds.objection_days FROM compounds WHERE compounds.id = "
        "proposals.compound_id) ELSE 0 END WHERE notice_published_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('parking_counts_in_area')
        batch_op.drop_column('objection_days')
        batch_op.drop_column('notice_period_days')
        batch_op.drop_column('consultation_days')
        batch_op.drop_column('consultation_opened_at')
    with op.batch_alter_table('compounds', schema=None) as batch_op:
        batch_op.drop_column('min_consultation_days')
