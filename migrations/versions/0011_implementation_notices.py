"""notices: an implementation report's 公示 (kind 'implementation')

Revision ID: 0011_implementation_notices
Revises: 0008_meeting_records
Create Date: 2026-12-05 14:40:00

"""
from alembic import op


revision = '0011_implementation_notices'
down_revision = '0008_meeting_records'
branch_labels = None
depends_on = None

OLD = "kind IN ('meeting', 'vote_result', 'accounts', 'general')"
NEW = "kind IN ('meeting', 'vote_result', 'accounts', 'general', 'implementation')"


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.create_check_constraint('kind_known', NEW)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.create_check_constraint('kind_known', OLD)
