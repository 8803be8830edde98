"""moderation, Chinese search, meetings and minutes, covenants, notices

Revision ID: 0002_councils
Revises: 0001_foundation
Create Date: 2026-11-25 14:50:13.019724

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_councils'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

# Raw DDL as it stood when this revision was written (the models' after_create listeners
# run the same statements for create_all): search indexes, append-only triggers.
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS issues_fts USING fts5(title, body_source, content='issues', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER IF NOT EXISTS issues_fts_insert AFTER INSERT ON issues BEGIN INSERT INTO issues_fts(rowid, title, body_source) VALUES (new.id, new.title, new.body_source); END',
    "CREATE TRIGGER IF NOT EXISTS issues_fts_delete AFTER DELETE ON issues BEGIN INSERT INTO issues_fts(issues_fts, rowid, title, body_source) VALUES ('delete', old.id, old.title, old.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS issues_fts_update AFTER UPDATE OF title, body_source ON issues BEGIN INSERT INTO issues_fts(issues_fts, rowid, title, body_source) VALUES ('delete', old.id, old.title, old.body_source); INSERT INTO issues_fts(rowid, title, body_source) VALUES (new.id, new.title, new.body_source); END",
    "INSERT INTO issues_fts(issues_fts) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS comments_fts USING fts5(body_source, content='comments', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER IF NOT EXISTS comments_fts_insert AFTER INSERT ON comments BEGIN INSERT INTO comments_fts(rowid, body_source) VALUES (new.id, new.body_source); END',
    "CREATE TRIGGER IF NOT EXISTS comments_fts_delete AFTER DELETE ON comments BEGIN INSERT INTO comments_fts(comments_fts, rowid, body_source) VALUES ('delete', old.id, old.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS comments_fts_update AFTER UPDATE OF body_source ON comments BEGIN INSERT INTO comments_fts(comments_fts, rowid, body_source) VALUES ('delete', old.id, old.body_source); INSERT INTO comments_fts(rowid, body_source) VALUES (new.id, new.body_source); END",
    "INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')",
]
POSTGRES_SEARCH = [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    'CREATE INDEX IF NOT EXISTS ix_issues_title_trgm ON issues USING gin (title gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS ix_issues_body_trgm ON issues USING gin (body_source gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS ix_comments_body_trgm ON comments USING gin (body_source gin_trgm_ops)',
]
SQLITE_SEARCH_DROP = [
    'DROP TRIGGER IF EXISTS issues_fts_insert',
    'DROP TRIGGER IF EXISTS issues_fts_update',
    'DROP TRIGGER IF EXISTS issues_fts_delete',
    'DROP TRIGGER IF EXISTS comments_fts_insert',
    'DROP TRIGGER IF EXISTS comments_fts_update',
    'DROP TRIGGER IF EXISTS comments_fts_delete',
    'DROP TABLE IF EXISTS issues_fts',
    'DROP TABLE IF EXISTS comments_fts',
]
POSTGRES_SEARCH_DROP = [
    'DROP INDEX IF EXISTS ix_issues_title_trgm',
    'DROP INDEX IF EXISTS ix_issues_body_trgm',
    'DROP INDEX IF EXISTS ix_comments_body_trgm',
]
SQLITE_TRIGGERS = [
    "CREATE TRIGGER meeting_minutes_revisions_no_update BEFORE UPDATE ON meeting_minutes_revisions BEGIN SELECT RAISE(ABORT, 'minutes revisions are append-only'); END",
    "CREATE TRIGGER meeting_minutes_revisions_no_delete BEFORE DELETE ON meeting_minutes_revisions BEGIN SELECT RAISE(ABORT, 'minutes revisions are append-only'); END",
    "CREATE TRIGGER covenant_articles_frozen_update BEFORE UPDATE ON covenant_articles WHEN (SELECT state FROM covenant_versions WHERE id = OLD.version_id) IN ('adopted', 'published', 'superseded') BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
    "CREATE TRIGGER covenant_articles_frozen_delete BEFORE DELETE ON covenant_articles WHEN (SELECT state FROM covenant_versions WHERE id = OLD.version_id) IN ('adopted', 'published', 'superseded') BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
    "CREATE TRIGGER covenant_articles_frozen_insert BEFORE INSERT ON covenant_articles WHEN (SELECT state FROM covenant_versions WHERE id = NEW.version_id) IN ('adopted', 'published', 'superseded') BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
    "CREATE TRIGGER covenant_versions_stay_frozen BEFORE UPDATE ON covenant_versions WHEN OLD.state IN ('adopted', 'published', 'superseded') AND NEW.state NOT IN ('adopted', 'published', 'superseded') BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION meeting_minutes_revisions_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'minutes revisions are append-only'; END; $$ LANGUAGE plpgsql",
    'CREATE TRIGGER meeting_minutes_revisions_no_update BEFORE UPDATE OR DELETE ON meeting_minutes_revisions FOR EACH ROW EXECUTE FUNCTION meeting_minutes_revisions_refuse()',
    'CREATE TRIGGER meeting_minutes_revisions_no_truncate BEFORE TRUNCATE ON meeting_minutes_revisions FOR EACH STATEMENT EXECUTE FUNCTION meeting_minutes_revisions_refuse()',
    "CREATE OR REPLACE FUNCTION covenant_articles_refuse() RETURNS trigger AS $$ DECLARE v integer; BEGIN IF TG_OP = 'INSERT' THEN v := NEW.version_id; ELSE v := OLD.version_id; END IF; IF EXISTS (SELECT 1 FROM covenant_versions WHERE id = v AND state IN ('adopted', 'published', 'superseded')) THEN RAISE EXCEPTION 'adopted covenant text cannot be changed'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
    'CREATE TRIGGER covenant_articles_frozen BEFORE INSERT OR UPDATE OR DELETE ON covenant_articles FOR EACH ROW EXECUTE FUNCTION covenant_articles_refuse()',
    "CREATE OR REPLACE FUNCTION covenant_versions_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'adopted covenant text cannot be changed'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER covenant_versions_stay_frozen BEFORE UPDATE ON covenant_versions FOR EACH ROW WHEN (OLD.state IN ('adopted', 'published', 'superseded') AND NEW.state NOT IN ('adopted', 'published', 'superseded')) EXECUTE FUNCTION covenant_versions_refuse()",
]
POSTGRES_FUNCTIONS_DROP = [
    'DROP FUNCTION IF EXISTS meeting_minutes_revisions_refuse()',
    'DROP FUNCTION IF EXISTS covenant_articles_refuse()',
    'DROP FUNCTION IF EXISTS covenant_versions_refuse()',
]
CYCLIC_FKS = [
    ("fk_meeting_demands_meeting_id_meetings", "meeting_demands", "meetings", "meeting_id"),
    ("fk_meeting_minutes_current_revision_id_meeting_minutes_revisions", "meeting_minutes",
     "meeting_minutes_revisions", "current_revision_id"),
    ("fk_meeting_minutes_published_revision_id_meeting_minutes_revisions", "meeting_minutes",
     "meeting_minutes_revisions", "published_revision_id"),
]


def _run(statements):
    for sql in statements:
        op.execute(sql)


def _is_postgres():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('covenants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('residents', 'management')", name=op.f('ck_covenants_kind_known')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_covenants_compound_id_compounds')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_covenants_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covenants')),
    sa.UniqueConstraint('compound_id', 'kind', name=op.f('uq_covenants_compound_id_kind'))
    )
    with op.batch_alter_table('covenants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covenants_compound_id'), ['compound_id'], unique=False)

    op.create_table('meeting_demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('signature_count', sa.Integer(), nullable=False),
    sa.Column('reached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("body IN ('council', 'committee', 'residents')", name=op.f('ck_meeting_demands_body_known')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_meeting_demands_compound_id_compounds')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_demands_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_demands_meeting_id_meetings'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_demands'))
    )
    with op.batch_alter_table('meeting_demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_demands_compound_id'), ['compound_id'], unique=False)

    op.create_table('meeting_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('council_notice_days', sa.Integer(), nullable=False),
    sa.Column('committee_notice_days', sa.Integer(), nullable=False),
    sa.Column('residents_notice_days', sa.Integer(), nullable=False),
    sa.Column('confirm_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('confirm_days >= 1', name=op.f('ck_meeting_rules_confirm_days_positive')),
    sa.CheckConstraint('council_notice_days >= 0 AND committee_notice_days >= 0 AND residents_notice_days >= 0', name=op.f('ck_meeting_rules_notice_days_positive')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_meeting_rules_compound_id_compounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_rules')),
    sa.UniqueConstraint('compound_id', name=op.f('uq_meeting_rules_compound_id'))
    )
    op.create_table('moderation_mutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('until_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_moderation_mutes_by_id_users')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_moderation_mutes_compound_id_compounds')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_moderation_mutes_lifted_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_moderation_mutes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_mutes'))
    )
    with op.batch_alter_table('moderation_mutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_mutes_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_moderation_mutes_open', ['compound_id', 'user_id'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.create_table('covenant_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('covenant_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['covenant_id'], ['covenants.id'], name=op.f('fk_covenant_commitments_covenant_id_covenants')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_covenant_commitments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covenant_commitments')),
    sa.UniqueConstraint('covenant_id', 'user_id', name=op.f('uq_covenant_commitments_covenant_id_user_id'))
    )
    with op.batch_alter_table('covenant_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covenant_commitments_covenant_id'), ['covenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_covenant_commitments_user_id'), ['user_id'], unique=False)

    op.create_table('covenant_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('covenant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('filing_ref', sa.String(length=80), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('consultation', 'drafting', 'review', 'approved', 'voting', 'adopted', 'published', 'superseded')", name=op.f('ck_covenant_versions_state_known')),
    sa.ForeignKeyConstraint(['based_on_id'], ['covenant_versions.id'], name=op.f('fk_covenant_versions_based_on_id_covenant_versions')),
    sa.ForeignKeyConstraint(['covenant_id'], ['covenants.id'], name=op.f('fk_covenant_versions_covenant_id_covenants')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_covenant_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_covenant_versions_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_covenant_versions_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covenant_versions')),
    sa.UniqueConstraint('covenant_id', 'number', name=op.f('uq_covenant_versions_covenant_id_number'))
    )
    with op.batch_alter_table('covenant_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covenant_versions_covenant_id'), ['covenant_id'], unique=False)
        batch_op.create_index('uq_covenant_versions_in_force', ['covenant_id'], unique=True, sqlite_where=sa.text("state = 'published'"), postgresql_where=sa.text("state = 'published'"))
        batch_op.create_index('uq_covenant_versions_open', ['covenant_id'], unique=True, sqlite_where=sa.text("state IN ('consultation', 'drafting', 'review', 'approved', 'voting', 'adopted')"), postgresql_where=sa.text("state IN ('consultation', 'drafting', 'review', 'approved', 'voting', 'adopted')"))
        batch_op.create_index('uq_covenant_versions_proposal', ['proposal_id'], unique=True, sqlite_where=sa.text('proposal_id IS NOT NULL'), postgresql_where=sa.text('proposal_id IS NOT NULL'))

    op.create_table('meeting_demand_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['meeting_demands.id'], name=op.f('fk_meeting_demand_signatures_demand_id_meeting_demands')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_demand_signatures_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_demand_signatures')),
    sa.UniqueConstraint('demand_id', 'user_id', name=op.f('uq_meeting_demand_signatures_demand_id_user_id'))
    )
    with op.batch_alter_table('meeting_demand_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_demand_signatures_user_id'), ['user_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('convener_id', sa.Integer(), nullable=False),
    sa.Column('recorder_id', sa.Integer(), nullable=False),
    sa.Column('notice_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('is_urgent', sa.Boolean(), nullable=False),
    sa.Column('urgent_reason', sa.Text(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("NOT is_urgent OR urgent_reason <> ''", name=op.f('ck_meetings_urgent_has_reason')),
    sa.CheckConstraint("body IN ('council', 'committee', 'residents')", name=op.f('ck_meetings_body_known')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_meetings_compound_id_compounds')),
    sa.ForeignKeyConstraint(['convener_id'], ['users.id'], name=op.f('fk_meetings_convener_id_users')),
    sa.ForeignKeyConstraint(['demand_id'], ['meeting_demands.id'], name=op.f('fk_meetings_demand_id_meeting_demands')),
    sa.ForeignKeyConstraint(['recorder_id'], ['users.id'], name=op.f('fk_meetings_recorder_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_compound_starts', ['compound_id', 'starts_at'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('meeting', 'vote_result', 'accounts', 'general')", name=op.f('ck_notices_kind_known')),
    sa.CheckConstraint("status <> 'withdrawn' OR withdrawal_reason <> ''", name=op.f('ck_notices_withdrawal_has_reason')),
    sa.CheckConstraint("status = 'draft' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND published_at IS NOT NULL)", name=op.f('ck_notices_published_has_period')),
    sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name=op.f('ck_notices_status_known')),
    sa.CheckConstraint('revision_count >= 0', name=op.f('ck_notices_revision_count_positive')),
    sa.CheckConstraint('starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at', name=op.f('ck_notices_ends_after_start')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_notices_compound_id_compounds')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notices_created_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_notices_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_notices_published_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_notices_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_compound_id'), ['compound_id'], unique=False)
        batch_op.create_index('ix_notices_compound_period', ['compound_id', 'status', 'ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('covenant_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_covenant_articles_number_positive')),
    sa.ForeignKeyConstraint(['version_id'], ['covenant_versions.id'], name=op.f('fk_covenant_articles_version_id_covenant_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covenant_articles')),
    sa.UniqueConstraint('version_id', 'revision', 'number', name=op.f('uq_covenant_articles_version_id_revision_number'))
    )
    with op.batch_alter_table('covenant_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covenant_articles_version_id'), ['version_id'], unique=False)

    op.create_table('covenant_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('article_number', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('article_number >= 0', name=op.f('ck_covenant_comments_article_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_covenant_comments_author_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['covenant_versions.id'], name=op.f('fk_covenant_comments_version_id_covenant_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covenant_comments'))
    )
    with op.batch_alter_table('covenant_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covenant_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_covenant_comments_version_id'), ['version_id'], unique=False)

    op.create_table('covenant_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_covenant_signatures_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_covenant_signatures_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['covenant_versions.id'], name=op.f('fk_covenant_signatures_version_id_covenant_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covenant_signatures'))
    )
    with op.batch_alter_table('covenant_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covenant_signatures_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_covenant_signatures_version_id'), ['version_id'], unique=False)
        batch_op.create_index('uq_covenant_signatures_household', ['version_id', 'unit_id'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

    op.create_table('meeting_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('issue', 'proposal', 'free')", name=op.f('ck_meeting_agenda_items_kind_known')),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_meeting_agenda_items_issue_id_issues')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_meeting_agenda_items_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_meeting_agenda_items_meeting_id_position'))
    )
    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_member', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('unrecorded', 'present', 'absent', 'excused')", name=op.f('ck_meeting_attendance_status_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_meeting_attendance_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_attendance_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_meeting_attendance_meeting_id_user_id'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('published_revision_id', sa.Integer(), nullable=True),
    sa.Column('confirm_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('audit_head', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'confirming', 'published')", name=op.f('ck_meeting_minutes_status_known')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_meeting_minutes_compound_id_compounds')),
    sa.ForeignKeyConstraint(['current_revision_id'], ['meeting_minutes_revisions.id'], name=op.f('fk_meeting_minutes_current_revision_id_meeting_minutes_revisions'), use_alter=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_minutes_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_meeting_minutes_published_by_id_users')),
    sa.ForeignKeyConstraint(['published_revision_id'], ['meeting_minutes_revisions.id'], name=op.f('fk_meeting_minutes_published_revision_id_meeting_minutes_revisions'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_meeting_minutes_meeting_id'))
    )
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_minutes_compound_id'), ['compound_id'], unique=False)

    op.create_table('moderation_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('hide', 'restore', 'mute', 'unmute')", name=op.f('ck_moderation_actions_action_known')),
    sa.CheckConstraint("target_type IN ('issue', 'comment', 'reply', 'member')", name=op.f('ck_moderation_actions_target_type_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_moderation_actions_actor_id_users')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_moderation_actions_compound_id_compounds')),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_moderation_actions_issue_id_issues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_actions'))
    )
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_actions_compound_created', ['compound_id', 'created_at'], unique=False)

    op.create_table('moderation_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolution', sa.String(length=16), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("resolution IS NULL OR resolution IN ('hidden', 'dismissed')", name=op.f('ck_moderation_reports_resolution_known')),
    sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_moderation_reports_status_known')),
    sa.CheckConstraint("target_type IN ('issue', 'comment')", name=op.f('ck_moderation_reports_target_type_known')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_moderation_reports_compound_id_compounds')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_moderation_reports_handled_by_id_users')),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_moderation_reports_issue_id_issues')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_moderation_reports_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_reports'))
    )
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_reports_compound_id'), ['compound_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_reports_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index('ix_moderation_reports_queue', ['compound_id', 'status', 'target_type', 'target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index('uq_moderation_reports_open', ['reporter_id', 'target_type', 'target_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('notice_acks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_acks_notice_id_notices')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_notice_acks_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_acks_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_acks')),
    sa.UniqueConstraint('notice_id', 'unit_id', name=op.f('uq_notice_acks_notice_id_unit_id'))
    )
    with op.batch_alter_table('notice_acks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_acks_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_acks_user_id'), ['user_id'], unique=False)

    op.create_table('notice_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_reads_notice_id_notices')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_notice_reads_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_reads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_reads')),
    sa.UniqueConstraint('notice_id', 'unit_id', name=op.f('uq_notice_reads_notice_id_unit_id'))
    )
    with op.batch_alter_table('notice_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_reads_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_reads_user_id'), ['user_id'], unique=False)

    op.create_table('notice_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("number = 1 OR reason <> ''", name=op.f('ck_notice_revisions_correction_has_reason')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_notice_revisions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notice_revisions_author_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_revisions_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_revisions')),
    sa.UniqueConstraint('notice_id', 'number', name=op.f('uq_notice_revisions_notice_id_number'))
    )
    with op.batch_alter_table('notice_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_revisions_notice_id'), ['notice_id'], unique=False)

    op.create_table('meeting_minutes_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind <> 'correction' OR reason <> ''", name=op.f('ck_meeting_minutes_revisions_correction_has_reason')),
    sa.CheckConstraint("kind IN ('draft', 'correction')", name=op.f('ck_meeting_minutes_revisions_kind_known')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_meeting_minutes_revisions_author_id_users')),
    sa.ForeignKeyConstraint(['minutes_id'], ['meeting_minutes.id'], name=op.f('fk_meeting_minutes_revisions_minutes_id_meeting_minutes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_minutes_revisions')),
    sa.UniqueConstraint('minutes_id', 'number', name=op.f('uq_meeting_minutes_revisions_minutes_id_number'))
    )
    op.create_table('meeting_minutes_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('confirm', 'comment')", name=op.f('ck_meeting_minutes_responses_kind_known')),
    sa.ForeignKeyConstraint(['minutes_id'], ['meeting_minutes.id'], name=op.f('fk_meeting_minutes_responses_minutes_id_meeting_minutes')),
    sa.ForeignKeyConstraint(['revision_id'], ['meeting_minutes_revisions.id'], name=op.f('fk_meeting_minutes_responses_revision_id_meeting_minutes_revisions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_minutes_responses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_minutes_responses')),
    sa.UniqueConstraint('revision_id', 'user_id', 'kind', name=op.f('uq_meeting_minutes_responses_revision_id_user_id_kind'))
    )
    with op.batch_alter_table('meeting_minutes_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_minutes_responses_minutes_id'), ['minutes_id'], unique=False)

    op.create_table('meeting_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('item_position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('responsible', sa.String(length=80), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done')", name=op.f('ck_meeting_tasks_status_known')),
    sa.ForeignKeyConstraint(['compound_id'], ['compounds.id'], name=op.f('fk_meeting_tasks_compound_id_compounds')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_tasks_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['revision_id'], ['meeting_minutes_revisions.id'], name=op.f('fk_meeting_tasks_revision_id_meeting_minutes_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_tasks')),
    sa.UniqueConstraint('meeting_id', 'item_position', name=op.f('uq_meeting_tasks_meeting_id_item_position'))
    )
    with op.batch_alter_table('meeting_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_tasks_compound_status', ['compound_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_tasks_meeting_id'), ['meeting_id'], unique=False)

    # ### end Alembic commands ###
    if _is_postgres():
        # The cycles between meetings and demands, and minutes and their revisions, are
        # declared use_alter: PostgreSQL gets them once both tables exist (SQLite inline).
        for name, source, target, column in CYCLIC_FKS:
            op.create_foreign_key(op.f(name), source, target, [column], ["id"])
    _run(POSTGRES_SEARCH + POSTGRES_TRIGGERS if _is_postgres() else SQLITE_SEARCH + SQLITE_TRIGGERS)


def downgrade():
    _run(POSTGRES_SEARCH_DROP if _is_postgres() else SQLITE_SEARCH_DROP)
    if _is_postgres():
        for name, source, _target, _column in CYCLIC_FKS:
            op.drop_constraint(op.f(name), source, type_="foreignkey")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('meeting_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_tasks_meeting_id'))
        batch_op.drop_index('ix_meeting_tasks_compound_status')

    op.drop_table('meeting_tasks')
    with op.batch_alter_table('meeting_minutes_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_responses_minutes_id'))

    op.drop_table('meeting_minutes_responses')
    op.drop_table('meeting_minutes_revisions')
    with op.batch_alter_table('notice_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_revisions_notice_id'))

    op.drop_table('notice_revisions')
    with op.batch_alter_table('notice_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_reads_user_id'))
        batch_op.drop_index(batch_op.f('ix_notice_reads_unit_id'))

    op.drop_table('notice_reads')
    with op.batch_alter_table('notice_acks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_acks_user_id'))
        batch_op.drop_index(batch_op.f('ix_notice_acks_unit_id'))

    op.drop_table('notice_acks')
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.drop_index('uq_moderation_reports_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_moderation_reports_reporter_id'))
        batch_op.drop_index('ix_moderation_reports_queue')
        batch_op.drop_index(batch_op.f('ix_moderation_reports_issue_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_reports_compound_id'))

    op.drop_table('moderation_reports')
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_actions_compound_created')

    op.drop_table('moderation_actions')
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_compound_id'))

    op.drop_table('meeting_minutes')
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_user_id'))

    op.drop_table('meeting_attendance')
    op.drop_table('meeting_agenda_items')
    with op.batch_alter_table('covenant_signatures', schema=None) as batch_op:
        batch_op.drop_index('uq_covenant_signatures_household', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_covenant_signatures_version_id'))
        batch_op.drop_index(batch_op.f('ix_covenant_signatures_user_id'))

    op.drop_table('covenant_signatures')
    with op.batch_alter_table('covenant_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_covenant_comments_version_id'))
        batch_op.drop_index(batch_op.f('ix_covenant_comments_author_id'))

    op.drop_table('covenant_comments')
    with op.batch_alter_table('covenant_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_covenant_articles_version_id'))

    op.drop_table('covenant_articles')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_proposal_id'))
        batch_op.drop_index('ix_notices_compound_period')
        batch_op.drop_index(batch_op.f('ix_notices_compound_id'))

    op.drop_table('notices')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_compound_starts')

    op.drop_table('meetings')
    with op.batch_alter_table('meeting_demand_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_demand_signatures_user_id'))

    op.drop_table('meeting_demand_signatures')
    with op.batch_alter_table('covenant_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_covenant_versions_proposal', sqlite_where=sa.text('proposal_id IS NOT NULL'), postgresql_where=sa.text('proposal_id IS NOT NULL'))
        batch_op.drop_index('uq_covenant_versions_open', sqlite_where=sa.text("state IN ('consultation', 'drafting', 'review', 'approved', 'voting', 'adopted')"), postgresql_where=sa.text("state IN ('consultation', 'drafting', 'review', 'approved', 'voting', 'adopted')"))
        batch_op.drop_index('uq_covenant_versions_in_force', sqlite_where=sa.text("state = 'published'"), postgresql_where=sa.text("state = 'published'"))
        batch_op.drop_index(batch_op.f('ix_covenant_versions_covenant_id'))

    op.drop_table('covenant_versions')
    with op.batch_alter_table('covenant_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_covenant_commitments_user_id'))
        batch_op.drop_index(batch_op.f('ix_covenant_commitments_covenant_id'))

    op.drop_table('covenant_commitments')
    with op.batch_alter_table('moderation_mutes', schema=None) as batch_op:
        batch_op.drop_index('uq_moderation_mutes_open', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_moderation_mutes_user_id'))

    op.drop_table('moderation_mutes')
    op.drop_table('meeting_rules')
    with op.batch_alter_table('meeting_demands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_demands_compound_id'))

    op.drop_table('meeting_demands')
    with op.batch_alter_table('covenants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_covenants_compound_id'))

    op.drop_table('covenants')
    # ### end Alembic commands ###
    if _is_postgres():
        _run(POSTGRES_FUNCTIONS_DROP)
