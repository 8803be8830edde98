"""proposal discussion: comments under proposals and their options, stances, anonymous
comments, the consultation summary; reports about comments with no issue

Revision ID: 0007_proposal_discussion
Revises: 0006_compound_rules
Create Date: 2026-12-05 14:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_proposal_discussion'
down_revision = '0006_compound_rules'
branch_labels = None
depends_on = None

# SQLite rebuilds the comments table below, which drops its search triggers: the same
# statements as in 0002 put them back and re-index the rows.
SQLITE_COMMENTS_SEARCH = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS comments_fts USING fts5(body_source, content='comments', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER IF NOT EXISTS comments_fts_insert AFTER INSERT ON comments BEGIN INSERT INTO comments_fts(rowid, body_source) VALUES (new.id, new.body_source); END',
    "CREATE TRIGGER IF NOT EXISTS comments_fts_delete AFTER DELETE ON comments BEGIN INSERT INTO comments_fts(comments_fts, rowid, body_source) VALUES ('delete', old.id, old.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS comments_fts_update AFTER UPDATE OF body_source ON comments BEGIN INSERT INTO comments_fts(comments_fts, rowid, body_source) VALUES ('delete', old.id, old.body_source); INSERT INTO comments_fts(rowid, body_source) VALUES (new.id, new.body_source); END",
    "INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')",
]
STANCE_CHECK = ("stance IS NULL OR (stance IN ('support', 'oppose', 'suggest', 'other') "
                "AND parent_id IS NULL AND proposal_id IS NOT NULL)")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _search_back() -> None:
    if _sqlite():
        for sql in SQLITE_COMMENTS_SEARCH:
            op.execute(sql)


def upgrade():
    op.create_table(
        'consultation_summaries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body_source', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('support_count', sa.Integer(), nullable=False),
        sa.Column('oppose_count', sa.Integer(), nullable=False),
        sa.Column('suggest_count', sa.Integer(), nullable=False),
        sa.Column('other_count', sa.Integer(), nullable=False),
        sa.Column('comment_count', sa.Integer(), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('support_count >= 0 AND oppose_count >= 0 AND suggest_count >= 0 '
                           'AND other_count >= 0 AND comment_count >= 0',
                           name=op.f('ck_consultation_summaries_counts_positive')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_consultation_summaries_author_id_users')),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name=op.f('fk_consultation_summaries_proposal_id_proposals')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_summaries')),
        sa.UniqueConstraint('proposal_id', name=op.f('uq_consultation_summaries_proposal_id')),
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('option_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stance', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('show_as', sa.String(length=16), nullable=False,
                                      server_default='name'))
        batch_op.add_column(sa.Column('anonymous_label', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.alter_column('issue_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_comments_proposal_id_proposals'),
                                    'proposals', ['proposal_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_comments_option_id_proposal_options'),
                                    'proposal_options', ['option_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_comments_proposal_top',
                              ['proposal_id', 'option_id', 'parent_id', 'is_official',
                               'created_at'], unique=False)
        batch_op.create_check_constraint('one_subject', '(issue_id IS NULL) <> (proposal_id IS NULL)')
        batch_op.create_check_constraint('option_of_proposal',
                                         'option_id IS NULL OR proposal_id IS NOT NULL')
        batch_op.create_check_constraint('stance_known', STANCE_CHECK)
        batch_op.create_check_constraint('show_as_known', "show_as IN ('name', 'anonymous')")
    _search_back()
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.alter_column('issue_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM moderation_reports WHERE issue_id IS NULL")
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.alter_column('issue_id', existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM comment_revisions WHERE comment_id IN "
               "(SELECT id FROM comments WHERE proposal_id IS NOT NULL)")
    op.execute("DELETE FROM comments WHERE proposal_id IS NOT NULL AND parent_id IS NOT NULL")
    op.execute("DELETE FROM comments WHERE proposal_id IS NOT NULL")
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint('show_as_known', type_='check')
        batch_op.drop_constraint('stance_known', type_='check')
        batch_op.drop_constraint('option_of_proposal', type_='check')
        batch_op.drop_constraint('one_subject', type_='check')
        batch_op.drop_index('ix_comments_proposal_top')
        batch_op.drop_constraint(batch_op.f('fk_comments_option_id_proposal_options'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comments_proposal_id_proposals'),
                                 type_='foreignkey')
        batch_op.alter_column('issue_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('anonymous_label')
        batch_op.drop_column('show_as')
        batch_op.drop_column('stance')
        batch_op.drop_column('option_id')
        batch_op.drop_column('proposal_id')
    _search_back()
    op.drop_table('consultation_summaries')
