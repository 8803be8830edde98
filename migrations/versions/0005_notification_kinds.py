"""notifications: important ones apart, routine ones folded per item per day, once-only reminders

Revision ID: 0005_notification_kinds
Revises: 0004_phone_codes
Create Date: 2026-12-05 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_notification_kinds'
down_revision = '0004_phone_codes'
branch_labels = None
depends_on = None

FOLDED = "read_at IS NULL AND fold_day IS NOT NULL"
ONCE = "once_key IS NOT NULL"


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_important', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('fold_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('fold_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('repeats', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('once_key', sa.String(length=64), nullable=True))
    op.create_index('uq_notifications_fold', 'notifications',
                    ['user_id', 'fold_key', 'fold_day'],
                    unique=True, sqlite_where=sa.text(FOLDED), postgresql_where=sa.text(FOLDED))
    op.create_index('uq_notifications_once', 'notifications', ['user_id', 'once_key'],
                    unique=True, sqlite_where=sa.text(ONCE), postgresql_where=sa.text(ONCE))


def downgrade():
    op.drop_index('uq_notifications_once', table_name='notifications')
    op.drop_index('uq_notifications_fold', table_name='notifications')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('once_key')
        batch_op.drop_column('repeats')
        batch_op.drop_column('fold_day')
        batch_op.drop_column('fold_key')
        batch_op.drop_column('is_important')
