"""The to-do list (待办) of the home page and of a compound's home: every domain's items
(app.core.todo), gathered in a bounded number of statements."""
from app.compounds import todo as compounds_todo
from app.core.time import utcnow
from app.core.todo import Gathered, collect
from app.covenants import todo as covenants_todo
from app.issues import todo as issues_todo
from app.meetings import todo as meetings_todo
from app.moderation import todo as moderation_todo
from app.notices import todo as notices_todo
from app.proposals import todo as proposals_todo

SOURCES = [proposals_todo, meetings_todo, notices_todo, covenants_todo, issues_todo,
           compounds_todo, moderation_todo]


class _CompoundOverdue:
    """On a compound's home, minutes overdue for publication show to everyone."""

    __name__ = "app.meetings.todo"

    def __init__(self, compound_id: int):
        self.compound_id = compound_id

    def queries(self, user, roles, now):
        return meetings_todo.overdue_queries([self.compound_id], now)

    def item(self, row):
        return meetings_todo.item(row)


def todo_for(user, roles: dict[int, frozenset], *, compound_id: int | None = None,
             now=None, also=()) -> Gathered:
    """What awaits `user` in the compounds of `roles` (only `compound_id`'s, on its home),
    soonest deadline first, each thing once; and the rows of `also`, fetched with them."""
    now = now or utcnow()
    if compound_id is not None:
        roles = {compound_id: roles[compound_id]} if compound_id in roles else {}
    sources = list(SOURCES)
    if compound_id is not None and roles:
        sources.append(_CompoundOverdue(compound_id))
    gathered = collect(sources, user, roles, now, also=also)
    seen, items = set(), []
    for item in gathered.items:
        key = (item.kind, item.url)
        if key not in seen:
            seen.add(key)
            items.append(item)
    return Gathered(items, gathered.rows)
