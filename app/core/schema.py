"""Schema building blocks that read the same on SQLite and PostgreSQL."""
from sqlalchemy import Index, text


def sql_in(values) -> str:
    """A SQL value list for CHECK constraints: ('a', 'b')."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over only the rows matching `where` (e.g. the active ones), on both
    databases: how "one current row per …" is enforced without check-then-insert."""
    condition = text(where)
    return Index(name, *columns, unique=True, sqlite_where=condition,
                 postgresql_where=condition)
