"""The to-do list's shared shape and its one mechanism.

A domain says what awaits a person through a module `app/<domain>/todo.py` with:
- `queries(user, roles, now) -> list[Select]`: selects built with `columns()` (`kind`, which
  starts with the domain's name; `compound_id`, `ref_id`, `title`, `due_at`, `number`), for
  what plain SQL can say;
- `item(row) -> TodoItem | None`: one row of those selects (its `kind`) made into an item;
- optionally `more(user, roles, now) -> list[TodoItem]`, for what needs the domain's own logic.

`collect()` runs every domain's selects as one UNION ALL, so a page that shows the list runs a
bounded number of statements whatever the number of items and of domains. `roles` is
{compound id: roles held there} for the compounds the list covers."""
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from sqlalchemy import Integer, String, cast, literal, null, type_coerce, union_all

from app.core.types import UTCDateTime
from app.extensions import db


def where_held(roles: dict[int, frozenset], *wanted: str, admin: bool = True) -> list[int]:
    """The compounds where the person holds one of `wanted` (an admin holds every role, but
    not a home: household items pass admin=False)."""
    wanted_set = set(wanted) | ({"admin"} if admin else set())
    return sorted(cid for cid, held in roles.items() if held & wanted_set)


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting for the person: `action` says what to do in plain words, `title`
    what it is about, `url` the page (and anchor) where it is done, `due_at` by when."""

    kind: str
    action: object
    title: str
    url: str
    compound_id: int
    due_at: datetime | None = None
    overdue: bool = False


def columns(kind: str, compound_id, ref_id, title, due_at=None, number=None,
            detail=None) -> list:
    """The select list of one to-do query, typed alike so that the union lines up on both
    databases."""
    return [literal(kind, String).label("kind"),
            type_coerce(compound_id, Integer).label("compound_id"),
            type_coerce(ref_id, Integer).label("ref_id"),
            type_coerce(title, String).label("title"),
            _typed(due_at, UTCDateTime).label("due_at"),
            _typed(number, Integer).label("number"),
            _typed(detail, String).label("detail")]


def _typed(value, type_):
    # A bare NULL would be text to PostgreSQL, which then refuses to union it with integers.
    return cast(null(), type_) if value is None else type_coerce(value, type_)


def ordered(items) -> list[TodoItem]:
    """Overdue first, then the soonest deadline; undated ones last."""
    return sorted(items, key=lambda i: (not i.overdue, i.due_at is None,
                                        i.due_at or datetime.max, i.title))


def _domain(source: ModuleType) -> str:
    return source.__name__.split(".")[-2]  # app.<domain>.todo


@dataclass
class Gathered:
    items: list[TodoItem]  # soonest deadline first
    rows: list  # the rows of the `also` selects, as they came


def collect(sources: list[ModuleType], user, roles: dict[int, frozenset], now, *,
            also=()) -> Gathered:
    """Every source's items for `user`: one statement for all the sources' selects (and the
    `also` selects a page wants beside them, built with `columns()` too), plus what each
    source's `more()` runs."""
    own = [q for source in sources for q in source.queries(user, roles, now)] if roles else []
    selects = ([q.add_columns(literal(0).label("also")) for q in own]
               + [q.add_columns(literal(1).label("also")) for q in also])
    items: list[TodoItem] = []
    rows = []
    if selects:
        # A row's kind starts with its domain's name ("meetings.confirm"): that domain builds it.
        builders = {_domain(source): source.item for source in sources}
        stmt = union_all(*selects) if len(selects) > 1 else selects[0]
        for row in db.session.execute(stmt).mappings():
            if row["also"]:
                rows.append(row)
                continue
            made = builders[row["kind"].split(".", 1)[0]](row)
            if made is not None:
                items.append(made)
    for source in sources if roles else ():
        more = getattr(source, "more", None)
        if more is not None:
            items.extend(more(user, roles, now))
    return Gathered(ordered(items), rows)
