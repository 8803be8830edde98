"""elections of the owners' committee: candidates, joint nominations, seats; election
ballots list their marks, so the choice columns widen

Revision ID: 0014_elections
Revises: 0013_proposal_scopes
Create Date: 2026-12-05 19:32:14

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_elections'
down_revision = '0013_proposal_scopes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('election_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_label', sa.String(length=200), nullable=False),
    sa.Column('nominated_by', sa.String(length=20), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('shows_party_membership', sa.Boolean(), nullable=False),
    sa.Column('review_verdict', sa.String(length=16), nullable=True),
    sa.Column('review_opinion', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("nominated_by IN ('owners', 'preparatory_group')", name=op.f('ck_election_candidates_nominated_by_known')),
    sa.CheckConstraint("review_verdict IS NULL OR review_verdict IN ('approved', 'rejected')", name=op.f('ck_election_candidates_review_verdict_known')),
    sa.CheckConstraint('position IS NULL OR position BETWEEN 1 AND 30', name=op.f('ck_election_candidates_candidate_position_range')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_election_candidates_nominated_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_election_candidates_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_election_candidates_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_election_candidates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_candidates')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_election_candidates_proposal_id_user_id'))
    )
    with op.batch_alter_table('election_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_candidates_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_election_candidates_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_election_candidates_position', ['proposal_id', 'position'], unique=True, sqlite_where=sa.text('position IS NOT NULL'), postgresql_where=sa.text('position IS NOT NULL'))

    op.create_table('nomination_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['election_candidates.id'], name=op.f('fk_nomination_supports_candidate_id_election_candidates')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nomination_supports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_supports')),
    sa.UniqueConstraint('candidate_id', 'user_id', name=op.f('uq_nomination_supports_candidate_id_user_id'))
    )
    with op.batch_alter_table('nomination_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_supports_candidate_id'), ['candidate_id'], unique=False)

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.alter_column('choice',
               existing_type=sa.VARCHAR(length=40),
               type_=sa.String(length=120),
               existing_nullable=False)

    with op.batch_alter_table('compounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidate_nominators', sa.Integer(), nullable=False,
                                      server_default='1'))

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'elections_are_matter_three',
            "seats IS NULL OR (kind = 'owners' AND matter = 3 AND seats BETWEEN 1 AND 15)")

    with op.batch_alter_table('secret_votes', schema=None) as batch_op:
        batch_op.alter_column('choice',
               existing_type=sa.VARCHAR(length=40),
               type_=sa.String(length=120),
               existing_nullable=False)



def downgrade():
    with op.batch_alter_table('secret_votes', schema=None) as batch_op:
        batch_op.alter_column('choice',
               existing_type=sa.String(length=120),
               type_=sa.VARCHAR(length=40),
               existing_nullable=False)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint('elections_are_matter_three', type_='check')
        batch_op.drop_column('seats')

    with op.batch_alter_table('compounds', schema=None) as batch_op:
        batch_op.drop_column('candidate_nominators')

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.alter_column('choice',
               existing_type=sa.String(length=120),
               type_=sa.VARCHAR(length=40),
               existing_nullable=False)

    with op.batch_alter_table('nomination_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_supports_candidate_id'))

    op.drop_table('nomination_supports')
    with op.batch_alter_table('election_candidates', schema=None) as batch_op:
        batch_op.drop_index('uq_election_candidates_position', sqlite_where=sa.text('position IS NOT NULL'), postgresql_where=sa.text('position IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_election_candidates_user_id'))
        batch_op.drop_index(batch_op.f('ix_election_candidates_proposal_id'))

    op.drop_table('election_candidates')
