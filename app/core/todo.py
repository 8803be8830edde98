"""The to-do list's shared shape and its one mechanism.

A domain says what awaits a person through a module `app/<domain>/todo.py` with:
- `queries(scopes) -> list[Select]`: selects built with `columns()` (`kind`, which starts with
  the domain's name; `compound_id`, `ref_id`, `title`, `due_at`, `number`), for what plain SQL
  can say, given the SCOPES where the person holds a role (a frozenset of their names). They
  hold no values: the person, the time and the compounds of each scope are the bind
  parameters `USER_ID`, `NOW` and `ids(scope)`, so that the statement of one set of scopes is
  built once and SQLAlchemy's compiled cache finds it without building its key again;
- optionally `params(now) -> dict`, values of the domain's own bind parameters;
- `item(row) -> TodoItem | None`: one row of those selects (its `kind`) made into an item;
- optionally `more(user, roles, now) -> list[TodoItem]`, for what needs the domain's own logic.

`collect()` runs every domain's selects as one UNION ALL, so a page that shows the list runs a
bounded number of statements whatever the number of items and of domains. `roles` is
{compound id: roles held there} for the compounds the list covers."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from sqlalchemy import Integer, String, bindparam, cast, literal, null, type_coerce, union_all

from app.core.types import UTCDateTime
from app.extensions import db


def where_held(roles: dict[int, frozenset], *wanted: str, admin: bool = True) -> list[int]:
    """The compounds where the person holds one of `wanted` (an admin holds every role, but
    not a home: household items pass admin=False)."""
    wanted_set = set(wanted) | ({"admin"} if admin else set())
    return sorted(cid for cid, held in roles.items() if held & wanted_set)


# Where a to-do query looks: scope name -> the compounds, from the person's roles.
SCOPES = {
    "member": lambda roles: sorted(roles),
    "home": lambda roles: where_held(roles, "resident", admin=False),
    "staff": lambda roles: where_held(roles, "staff"),
    "party_cell": lambda roles: where_held(roles, "party_cell"),
    "council": lambda roles: where_held(roles, "council"),
    "moderators": lambda roles: where_held(roles, "party_cell", "staff"),
}
USER_ID = bindparam("user_id", type_=Integer)
NOW = bindparam("now", type_=UTCDateTime)


def ids(scope: str):
    """The compounds of `scope`, as an expanding bind parameter (`x.in_(ids("staff"))`)."""
    return bindparam(f"ids_{scope}", expanding=True)


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


# (sources, scopes, also) -> the union: a handful of shapes, each built once per process.
_STATEMENTS: dict = {}


def _statement(sources: Sequence[ModuleType], scopes: frozenset, also: Sequence):
    # The selects themselves in the key (hashed by identity): holding them keeps an id from
    # being reused by another select after this one is gone.
    key = (tuple(sources), scopes, tuple(also))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        own = [q for source in sources for q in source.queries(scopes)]
        selects = ([q.add_columns(literal(0).label("also")) for q in own]
                   + [q.add_columns(literal(1).label("also")) for q in also])
        stmt = (union_all(*selects) if len(selects) > 1 else selects[0]) if selects else None
        _STATEMENTS[key] = stmt
    return stmt


def collect(sources: list[ModuleType], user, roles: dict[int, frozenset], now, *,
            also=(), params=None) -> Gathered:
    """Every source's items for `user`: one statement for all the sources' selects (and the
    `also` selects a page wants beside them, built once with `columns()` too and bind
    parameters whose values come in `params`), plus what each source's `more()` runs."""
    values = {"user_id": user.id, "now": now, **(params or {})}
    scopes = set()
    if roles:
        for name, of in SCOPES.items():
            values[f"ids_{name}"] = found = of(roles)
            if found:
                scopes.add(name)
        for source in sources:
            own_params = getattr(source, "params", None)
            if own_params is not None:
                values.update(own_params(now))
    stmt = _statement(sources if roles else (), frozenset(scopes), also)
    items: list[TodoItem] = []
    rows = []
    if stmt is not None:
        # A row's kind starts with its domain's name ("meetings.confirm"): that domain builds it.
        builders = {_domain(source): source.item for source in sources}
        for row in db.session.execute(stmt, values).mappings():
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
