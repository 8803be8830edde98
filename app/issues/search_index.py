"""The indexes behind Chinese search over issues and comments, as DDL strings that both
`db.create_all()` (through the listeners below) and the Alembic migration use.

SQLite: an FTS5 table per searched table with the trigram tokenizer (SQLite 3.34+), an
external-content index over `issues(title, body_source)` and `comments(body_source)` (the
comment's current text; earlier versions live in comment_revisions and are not searched), kept
in step by triggers on insert, update of the searched columns, and delete. Hides are not in the
index: the search filters `is_hidden` on the base tables at query time, so a hide or a restore
takes effect at once.

PostgreSQL: pg_trgm GIN indexes (gin_trgm_ops) on the same columns; ILIKE '%词%' uses them for
words of 3+ characters and stays correct (a full index scan) for 2-character words.

Migration: run SQLITE_CREATE or POSTGRES_CREATE in upgrade (SQLITE_CREATE ends by rebuilding
the FTS tables from the rows already there) and SQLITE_DROP or POSTGRES_DROP in downgrade. The
FTS tables (and their shadow tables issues_fts_*, comments_fts_*) and the *_trgm indexes are not
in the SQLAlchemy metadata, so autogenerate must ignore them.
"""
from sqlalchemy import DDL, event

from app.issues.models import Comment, Issue

ISSUES_FTS = "issues_fts"
COMMENTS_FTS = "comments_fts"

SQLITE_ISSUES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS issues_fts USING fts5(title, body_source, "
    "content='issues', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS issues_fts_insert AFTER INSERT ON issues BEGIN "
    "INSERT INTO issues_fts(rowid, title, body_source) "
    "VALUES (new.id, new.title, new.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS issues_fts_delete AFTER DELETE ON issues BEGIN "
    "INSERT INTO issues_fts(issues_fts, rowid, title, body_source) "
    "VALUES ('delete', old.id, old.title, old.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS issues_fts_update AFTER UPDATE OF title, body_source "
    "ON issues BEGIN "
    "INSERT INTO issues_fts(issues_fts, rowid, title, body_source) "
    "VALUES ('delete', old.id, old.title, old.body_source); "
    "INSERT INTO issues_fts(rowid, title, body_source) "
    "VALUES (new.id, new.title, new.body_source); END",
    # Indexes rows written before the index existed (a migration on a live database), and
    # repairs an index left over from a dropped table.
    "INSERT INTO issues_fts(issues_fts) VALUES ('rebuild')",
]
SQLITE_COMMENTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS comments_fts USING fts5(body_source, "
    "content='comments', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS comments_fts_insert AFTER INSERT ON comments BEGIN "
    "INSERT INTO comments_fts(rowid, body_source) VALUES (new.id, new.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS comments_fts_delete AFTER DELETE ON comments BEGIN "
    "INSERT INTO comments_fts(comments_fts, rowid, body_source) "
    "VALUES ('delete', old.id, old.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS comments_fts_update AFTER UPDATE OF body_source "
    "ON comments BEGIN "
    "INSERT INTO comments_fts(comments_fts, rowid, body_source) "
    "VALUES ('delete', old.id, old.body_source); "
    "INSERT INTO comments_fts(rowid, body_source) VALUES (new.id, new.body_source); END",
    "INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')",
]
SQLITE_CREATE = SQLITE_ISSUES + SQLITE_COMMENTS
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_fts_{when}"
      for table in ("issues", "comments") for when in ("insert", "update", "delete")),
    "DROP TABLE IF EXISTS issues_fts",
    "DROP TABLE IF EXISTS comments_fts",
]

POSTGRES_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
POSTGRES_ISSUES = [
    POSTGRES_EXTENSION,
    "CREATE INDEX IF NOT EXISTS ix_issues_title_trgm ON issues USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_issues_body_trgm ON issues "
    "USING gin (body_source gin_trgm_ops)",
]
POSTGRES_COMMENTS = [
    POSTGRES_EXTENSION,
    "CREATE INDEX IF NOT EXISTS ix_comments_body_trgm ON comments "
    "USING gin (body_source gin_trgm_ops)",
]
POSTGRES_CREATE = POSTGRES_ISSUES + POSTGRES_COMMENTS[1:]
# The extension stays: other objects may come to depend on it.
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ix_issues_title_trgm",
    "DROP INDEX IF EXISTS ix_issues_body_trgm",
    "DROP INDEX IF EXISTS ix_comments_body_trgm",
]

SEARCH_TABLES = ("issues_fts", "comments_fts")
SEARCH_INDEXES = ("ix_issues_title_trgm", "ix_issues_body_trgm", "ix_comments_body_trgm")


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's `include_name`: the search tables (with FTS5's shadow tables) and the
    trigram indexes live outside the metadata and are not drift."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLES):
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def _listen(table, statements: list[str], dialect: str) -> None:
    for sql in statements:
        event.listen(table, "after_create", DDL(sql).execute_if(dialect=dialect))


_listen(Issue.__table__, SQLITE_ISSUES, "sqlite")
_listen(Comment.__table__, SQLITE_COMMENTS, "sqlite")
_listen(Issue.__table__, POSTGRES_ISSUES, "postgresql")
_listen(Comment.__table__, POSTGRES_COMMENTS, "postgresql")
