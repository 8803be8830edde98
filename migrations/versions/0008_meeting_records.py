"""meetings: cancelled or moved with a reason, and the meeting's decision on each agenda item

Revision ID: 0008_meeting_records
Revises: 0007_proposal_discussion
Create Date: 2026-12-05 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_meeting_records'
down_revision = '0007_proposal_discussion'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                      server_default='scheduled'))
        batch_op.create_check_constraint(
            op.f('ck_meetings_status_known'),
            "status IN ('scheduled', 'rescheduled', 'cancelled')")
    op.create_table('meeting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('old_starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('new_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('reschedule', 'cancel')", name=op.f('ck_meeting_changes_kind_known')),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_meeting_changes_has_reason')),
    sa.CheckConstraint("(kind = 'cancel') = (new_starts_at IS NULL)", name=op.f('ck_meeting_changes_new_time_if_moved')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_meeting_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_changes_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_changes'))
    )
    with op.batch_alter_table('meeting_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_changes_meeting_id'), ['meeting_id'], unique=False)
    op.create_table('meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('to_vote', 'deferred', 'revise', 'decided')", name=op.f('ck_meeting_decisions_outcome_known')),
    sa.CheckConstraint("proposal_id IS NULL OR outcome IN ('to_vote', 'deferred', 'revise')", name=op.f('ck_meeting_decisions_proposal_outcome')),
    sa.CheckConstraint("outcome <> 'decided' OR note <> ''", name=op.f('ck_meeting_decisions_decided_has_note')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['meeting_agenda_items.id'], name=op.f('fk_meeting_decisions_agenda_item_id_meeting_agenda_items')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_decisions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_meeting_decisions_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_meeting_decisions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decisions')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_meeting_decisions_agenda_item_id'))
    )
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decisions_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_meeting_id'))
    op.drop_table('meeting_decisions')
    with op.batch_alter_table('meeting_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_changes_meeting_id'))
    op.drop_table('meeting_changes')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meetings_status_known'), type_='check')
        batch_op.drop_column('status')
