"""surveys: questions on a consultation, named and sealed anonymous answers, moderated free
text, frozen figures; a proposal may cite a survey

Revision ID: 0012_surveys
Revises: 0011_implementation_notices
Create Date: 2026-12-05 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_surveys'
down_revision = '0011_implementation_notices'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'],
                                   name=op.f(f'fk_{table}_{column}_{target}'))


def _index(table, column='proposal_id', unique=False):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=unique)


def upgrade():
    op.create_table('survey_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('prompt', sa.String(length=300), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('is_required', sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('single', 'multiple', 'rating', 'text')",
                           name=op.f('ck_survey_questions_survey_kind_known')),
        _fk('survey_questions', 'proposal_id', 'proposals'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
        sa.UniqueConstraint('proposal_id', 'position',
                            name=op.f('uq_survey_questions_proposal_id_position')),
    )
    _index('survey_questions')

    op.create_table('survey_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('answered_at', TZ, nullable=False),
        _fk('survey_responses', 'member_id', 'electorate_members'),
        _fk('survey_responses', 'proposal_id', 'proposals'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
        sa.UniqueConstraint('proposal_id', 'member_id',
                            name=op.f('uq_survey_responses_proposal_id_member_id')),
    )
    _index('survey_responses')

    op.create_table('survey_participations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('answered_at', TZ, nullable=False),
        _fk('survey_participations', 'member_id', 'electorate_members'),
        _fk('survey_participations', 'proposal_id', 'proposals'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_participations')),
        sa.UniqueConstraint('proposal_id', 'member_id',
                            name=op.f('uq_survey_participations_proposal_id_member_id')),
    )
    _index('survey_participations')

    op.create_table('sealed_survey_answers',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        _fk('sealed_survey_answers', 'proposal_id', 'proposals'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_survey_answers')),
    )
    _index('sealed_survey_answers')

    op.create_table('survey_answer_sets',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        _fk('survey_answer_sets', 'proposal_id', 'proposals'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer_sets')),
    )
    _index('survey_answer_sets')

    op.create_table('survey_texts',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('moderated_by_id', sa.Integer(), nullable=True),
        sa.Column('moderated_at', TZ, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'published', 'hidden')",
                           name=op.f('ck_survey_texts_survey_text_status_known')),
        sa.CheckConstraint("status <> 'hidden' OR reason <> ''",
                           name=op.f('ck_survey_texts_survey_text_hidden_reason')),
        _fk('survey_texts', 'moderated_by_id', 'users'),
        _fk('survey_texts', 'proposal_id', 'proposals'),
        _fk('survey_texts', 'question_id', 'survey_questions'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_texts')),
    )
    _index('survey_texts')

    op.create_table('survey_results',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        _fk('survey_results', 'proposal_id', 'proposals'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_results')),
        sa.UniqueConstraint('proposal_id', name=op.f('uq_survey_results_proposal_id')),
    )

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cites_survey_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposals_cites_survey_id_proposals'),
                                    'proposals', ['cites_survey_id'], ['id'])


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_cites_survey_id_proposals'),
                                 type_='foreignkey')
        batch_op.drop_column('cites_survey_id')
    for table in ('survey_results', 'survey_texts', 'survey_answer_sets',
                  'sealed_survey_answers', 'survey_participations', 'survey_responses',
                  'survey_questions'):
        op.drop_table(table)
