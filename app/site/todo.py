"""The to-do list (待办) of the home page and of a compound's home: every domain's items
(app.core.todo), gathered in a bounded number of statements."""
from app.compounds import todo as compounds_todo
from app.core.time import utcnow
from app.core.todo import Gathered, collect, ordered
from app.covenants import todo as covenants_todo
from app.dispatch import todo as dispatch_todo
from app.funds import todo as funds_todo
from app.issues import todo as issues_todo
from app.meetings import todo as meetings_todo
from app.microprojects import todo as microprojects_todo
from app.moderation import todo as moderation_todo
from app.notices import todo as notices_todo
from app.proposals import todo as proposals_todo
from app.trustbooks import todo as trustbooks_todo

SOURCES = [proposals_todo, meetings_todo, notices_todo, covenants_todo, issues_todo,
           compounds_todo, moderation_todo, dispatch_todo, funds_todo,
           microprojects_todo, trustbooks_todo]


def todo_for(user, roles: dict[int, frozenset], *, compound_id: int | None = None,
             now=None, also=()) -> Gathered:
    """What awaits `user` in the compounds of `roles` (only `compound_id`'s, on its home),
    soonest deadline first, each thing once; and the rows of `also` (selects built once,
    whose bind parameters are `compound_id` and `now`), fetched with them."""
    now = now or utcnow()
    if compound_id is not None:
        roles = {compound_id: roles[compound_id]} if compound_id in roles else {}
    # On a compound's home, minutes overdue for publication show to everyone.
    overdue = [meetings_todo.OVERDUE] if compound_id is not None and roles else []
    gathered = collect(SOURCES, user, roles, now, also=[*overdue, *also],
                       params={"compound_id": compound_id})
    flagged = [meetings_todo.item(r) for r in gathered.rows if r["kind"] == "meetings.overdue"]
    seen, items = set(), []
    for item in ordered(gathered.items + flagged):
        key = (item.kind, item.url)
        if key not in seen:
            seen.add(key)
            items.append(item)
    return Gathered(items, [r for r in gathered.rows if r["kind"] != "meetings.overdue"])
