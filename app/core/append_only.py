"""Tables the database itself keeps append-only (the audit log, ledgers, published statements
and accounts): triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). One place makes
the DDL, for create_all (append_only()) and for migrations (the two statement lists)."""
from sqlalchemy import DDL, event


def _message(table: str, message: str | None) -> str:
    return message or f"{table} is append-only"


def sqlite_triggers(table: str, message: str | None = None) -> list[str]:
    said = _message(table, message)
    return [f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{said}'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{said}'); END"]


def postgres_triggers(table: str, message: str | None = None) -> list[str]:
    said = _message(table, message)
    return [f"CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{said}'; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse()"]


def append_only(model, message: str | None = None) -> None:
    """Create the model's table with its triggers (create_all, as the tests build databases)."""
    table = model.__tablename__
    for sql in sqlite_triggers(table, message):
        event.listen(model.__table__, "after_create", DDL(sql).execute_if(dialect="sqlite"))
    for sql in postgres_triggers(table, message):
        event.listen(model.__table__, "after_create", DDL(sql).execute_if(dialect="postgresql"))
