"""The figures of the community and subdistrict desks (and of the monthly report).

Definitions, as the desk says them in plain words:
- open: not in a final state (the ticket is still being worked on, models.OPEN_STATES);
- closed: archived (归档). Declined (不予受理) and withdrawn (撤回) tickets are counted apart;
- overdue: running (交办 or 办理中) past its due date, as the ticket lists flag and filter it
  (queries.overdue_clause);
- on-time rate of a month: the tickets first finished (the first 办结 step) in the month whose
  finish time is at or before their due date, over all the tickets first finished in it;
- satisfaction rate of a month: the final ratings given in the month that are 满意 or 基本满意,
  over all final ratings given in it. The final rating is the one that archives the ticket:
  the second after a 回访 and 重办, else the first;
- median time to close of a month: the median of (archived - created) over the tickets
  archived in the month, in days with one decimal.
Months are calendar months in China time. The arithmetic is exact (integers and Fraction);
shares are shown rounded half-up to two decimals, days half-up to one.

Each figure costs one statement for the whole scope (a community, or a subdistrict's
communities), never one per row: the counts by compound, grid, category and organisation
are one GROUP BY, the twelve months one UNION of the first finishes and the archiving steps."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import String, case, func, literal, null, select, type_coerce, union_all

from app.compounds.models import Community, Compound
from app.core.time import CHINA
from app.core.types import UTCDateTime
from app.dispatch.models import (
    OPEN_STATES,
    Grid,
    Organisation,
    Ticket,
    TicketCategory,
    TicketEvent,
)
from app.dispatch.queries import overdue_clause
from app.extensions import db
from app.issues.models import Issue
from app.proposals.presenters import percent

GOOD_RATINGS = ("satisfied", "basic")
MONTHS = 12
DIMENSIONS = ("community", "compound", "grid", "category", "organisation")
_DAY_US = 86_400 * 1_000_000


# ---- months ----------------

def month_key(moment: datetime) -> str:
    """"2026-11": the calendar month, in China time, of a moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(CHINA)
    return f"{local.year:04d}-{local.month:02d}"


def parse_month(text: str | None) -> tuple[int, int] | None:
    """(year, month) of "2026-11", or None when it is not a month."""
    if not text or len(text) != 7 or text[4] != "-":
        return None
    year, month = text[:4], text[5:]
    if not (year.isdigit() and month.isdigit()):
        return None
    if not (2000 <= int(year) <= 2100 and 1 <= int(month) <= 12):
        return None
    return int(year), int(month)


def month_start(year: int, month: int) -> datetime:
    """The first moment of the month in China time, in UTC."""
    return datetime(year, month, 1, tzinfo=CHINA).astimezone(timezone.utc)


def shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_bounds(key: str) -> tuple[datetime, datetime]:
    year, month = parse_month(key)
    return month_start(year, month), month_start(*shift(year, month, 1))


def last_months(now: datetime, n: int = MONTHS) -> list[str]:
    """The `n` months ending with the month of `now`, oldest first."""
    year, month = parse_month(month_key(now))
    return [f"{y:04d}-{m:02d}" for y, m in (shift(year, month, k - n + 1) for k in range(n))]


# ---- exact arithmetic ----------------

def median(values: list[int]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def days_text(microseconds: Fraction | None) -> str:
    """Days with one decimal, half-up: "2.5"; "—" when there is nothing to measure."""
    if microseconds is None:
        return "—"
    days = Fraction(microseconds) / _DAY_US
    value = (Decimal(days.numerator) / Decimal(days.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(value)


def _us(delta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# ---- the month's figures ----------------

@dataclass
class Month:
    key: str
    finished: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    close_times: list[int] = field(default_factory=list)  # microseconds

    @property
    def archived(self) -> int:
        return len(self.close_times)

    @property
    def on_time_rate(self) -> str:
        return percent(self.on_time, self.finished)

    @property
    def satisfaction_rate(self) -> str:
        return percent(self.satisfied, self.rated)

    @property
    def median_close(self) -> Fraction | None:
        return median(self.close_times)

    @property
    def median_days(self) -> str:
        return days_text(self.median_close)

    def share(self, part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole else None


def _scope(community_ids):
    """Tickets of these communities (a list of ids, or a select of them)."""
    return Ticket.community_id.in_(community_ids)


def monthly(community_ids, months: list[str]) -> list[Month]:
    """The on-time, satisfaction and time-to-close figures of each month in `months`
    (consecutive, oldest first), in one statement."""
    start, _ = month_bounds(months[0])
    _, end = month_bounds(months[-1])
    first_finish = (select(TicketEvent.ticket_id.label("ticket_id"),
                           func.min(TicketEvent.created_at).label("at"))
                    .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                    .where(_scope(community_ids), TicketEvent.action == "finish")
                    .group_by(TicketEvent.ticket_id)
                    .having(func.min(TicketEvent.created_at) >= start,
                            func.min(TicketEvent.created_at) < end)).subquery()
    finishes = (select(literal("finish", String).label("kind"),
                       type_coerce(first_finish.c.at, UTCDateTime).label("at"),
                       Ticket.due_at.label("due_at"), Ticket.created_at.label("created_at"),
                       type_coerce(null(), String).label("rating"))
                .join(Ticket, Ticket.id == first_finish.c.ticket_id))
    final = func.coalesce(Ticket.rating_second, Ticket.rating_first)
    archives = (select(literal("archive", String), TicketEvent.created_at, Ticket.due_at,
                       Ticket.created_at, final)
                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                .where(_scope(community_ids), TicketEvent.action == "rate",
                       TicketEvent.to_state == "archived",
                       TicketEvent.created_at >= start, TicketEvent.created_at < end))
    by_key = {key: Month(key) for key in months}
    for kind, at, due_at, created_at, rating in db.session.execute(
            union_all(finishes, archives)).all():
        month = by_key.get(month_key(at))
        if month is None:
            continue
        if kind == "finish":
            month.finished += 1
            month.on_time += due_at is not None and at <= due_at
        else:
            month.close_times.append(_us(at - created_at))
            if rating is not None:
                month.rated += 1
                month.satisfied += rating in GOOD_RATINGS
    return [by_key[key] for key in months]


# ---- the counts now ----------------

@dataclass
class Count:
    """Tickets of one compound (grid, category, organisation...): `key` None for none."""

    key: int | None
    name: str
    community_id: int | None
    open: int = 0
    overdue: int = 0
    closed: int = 0
    declined: int = 0
    withdrawn: int = 0

    def add(self, row) -> None:
        for name in ("open", "overdue", "closed", "declined", "withdrawn"):
            setattr(self, name, getattr(self, name) + getattr(row, name))


@dataclass
class Counts:
    total: Count
    by: dict[str, list[Count]]


def counts(community_ids, now: datetime) -> Counts:
    """Open, overdue, closed, declined and withdrawn tickets by community, compound, grid,
    category and organisation (承办单位), in one statement."""
    def tally(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)
    rows = db.session.execute(
        select(Ticket.community_id, Community.name.label("community_name"),
               Ticket.compound_id, Compound.name.label("compound_name"),
               Ticket.grid_id, Grid.name.label("grid_name"),
               Ticket.category_id, TicketCategory.name.label("category_name"),
               Ticket.organisation_id, Organisation.name.label("organisation_name"),
               tally(Ticket.state.in_(OPEN_STATES)).label("open"),
               tally(overdue_clause(now)).label("overdue"),
               tally(Ticket.state == "archived").label("closed"),
               tally(Ticket.state == "declined").label("declined"),
               tally(Ticket.state == "withdrawn").label("withdrawn"))
        .join(Community, Community.id == Ticket.community_id)
        .join(Compound, Compound.id == Ticket.compound_id)
        .outerjoin(Grid, Grid.id == Ticket.grid_id)
        .outerjoin(TicketCategory, TicketCategory.id == Ticket.category_id)
        .outerjoin(Organisation, Organisation.id == Ticket.organisation_id)
        .where(_scope(community_ids))
        .group_by(Ticket.community_id, Community.name, Ticket.compound_id, Compound.name,
                  Ticket.grid_id, Grid.name, Ticket.category_id, TicketCategory.name,
                  Ticket.organisation_id, Organisation.name)).all()
    total = Count(None, "", None)
    groups: dict[str, dict] = {d: {} for d in DIMENSIONS}
    for row in rows:
        total.add(row)
        for dim in DIMENSIONS:
            key = getattr(row, f"{dim}_id")
            group = groups[dim].get((row.community_id, key))
            if group is None:
                group = groups[dim][(row.community_id, key)] = Count(
                    key, getattr(row, f"{dim}_name") or "", row.community_id)
            group.add(row)
    by = {dim: sorted(found.values(), key=lambda c: (c.key is None, c.name))
          for dim, found in groups.items()}
    return Counts(total, by)


# ---- what waits on staff ----------------

def issues_waiting(community_ids, limit: int = 10) -> tuple[list, int]:
    """Issues dispatched to the community whose ticket is still 'reported' (not yet
    accepted or declined): (the first `limit` as (ticket id, issue id, compound id, compound
    name, title, reported at), how many in all), in one statement."""
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(Ticket.id, Issue.id, Issue.compound_id, Compound.name, Issue.title,
               Ticket.created_at, total)
        .join(Issue, Issue.id == Ticket.issue_id)
        .join(Compound, Compound.id == Issue.compound_id)
        .where(_scope(community_ids), Ticket.state == "reported",
               Ticket.level == "community")
        .order_by(Ticket.created_at, Ticket.id).limit(limit)).all()
    return [r[:6] for r in rows], (rows[0][6] if rows else 0)


def staff_todo(compound_ids: list[int], user, now) -> list:
    """Proposals and meetings waiting on the compounds' staff, by the to-do rules of
    app.proposals.todo (objections to answer, results to publish) and app.meetings.todo
    (minutes overdue for publication): one statement."""
    from app.core.todo import ids, ordered
    from app.meetings import todo as meetings_todo
    from app.meetings.models import Meeting
    from app.proposals import todo as proposals_todo
    if not compound_ids:
        return []
    from app.core.todo import columns
    overdue_minutes = (select(*columns("meetings.overdue", Meeting.compound_id, Meeting.id,
                                       Meeting.title, Meeting.starts_at))
                       .where(meetings_todo._overdue(Meeting.compound_id.in_(ids("staff")))))
    selects = [*proposals_todo.queries(frozenset({"staff"})), overdue_minutes]
    values = {"ids_staff": compound_ids, "now": now, "user_id": user.id,
              **meetings_todo.params(now)}
    builders = {"proposals": proposals_todo.item, "meetings": meetings_todo.item}
    items = []
    for row in db.session.execute(union_all(*selects), values).mappings():
        made = builders[row["kind"].split(".", 1)[0]](row)
        if made is not None:
            items.append(made)
    return ordered(items)


def escalated(subdistrict_id: int, limit: int = 30) -> list:
    """Open tickets called up to the subdistrict (街道呼叫), oldest first, one statement:
    (ticket id, title, community name, compound name, state, created at)."""
    return db.session.execute(
        select(Ticket.id, Ticket.title, Community.name, Compound.name, Ticket.state,
               Ticket.created_at)
        .join(Community, Community.id == Ticket.community_id)
        .join(Compound, Compound.id == Ticket.compound_id)
        .where(Community.subdistrict_id == subdistrict_id, Ticket.level == "subdistrict",
               Ticket.state.in_(OPEN_STATES))
        .order_by(Ticket.created_at, Ticket.id).limit(limit)).all()


def community_ids_of(subdistrict_id: int):
    return select(Community.id).where(Community.subdistrict_id == subdistrict_id)


def by_month_series(months: list[Month]) -> dict[str, list]:
    """Each chart's twelve values (None where nothing was measured)."""
    series = defaultdict(list)
    for m in months:
        series["on_time"].append(m.share(m.on_time, m.finished))
        series["satisfaction"].append(m.share(m.satisfied, m.rated))
        close = m.median_close
        series["median"].append(None if close is None else close / _DAY_US)
        series["finished"].append(m.finished)
    return dict(series)


# ---- the ticket list's filters (each figure links to its list) ----------------

ID_FILTERS = {"compound": Ticket.compound_id, "grid": Ticket.grid_id,
              "category": Ticket.category_id, "organisation": Ticket.organisation_id}
MONTH_FILTERS = ("finished", "archived")  # first 办结 in the month; archived in the month


def list_filters(args) -> dict:
    """The desk's filters of the community ticket list, from the query string; what is not
    a valid value is left out (the list then shows more, never an error)."""
    found: dict = {}
    for name in ID_FILTERS:
        value = args.get(name, "")
        if value.isdigit() and 0 < int(value) < 2**31:
            found[name] = int(value)
    if args.get("open") == "1":
        found["open"] = 1
    for name in MONTH_FILTERS:
        if parse_month(args.get(name)):
            found[name] = args.get(name)
    return found


def filter_conditions(filters: dict) -> list:
    cond = [ID_FILTERS[name] == value for name, value in filters.items()
            if name in ID_FILTERS]
    if filters.get("open"):
        cond.append(Ticket.state.in_(OPEN_STATES))
    if "finished" in filters:
        start, end = month_bounds(filters["finished"])
        first = (select(func.min(TicketEvent.created_at))
                 .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.action == "finish")
                 .correlate(Ticket).scalar_subquery())
        cond += [first >= start, first < end]
    if "archived" in filters:
        start, end = month_bounds(filters["archived"])
        cond.append(select(TicketEvent.id).where(
            TicketEvent.ticket_id == Ticket.id, TicketEvent.action == "rate",
            TicketEvent.to_state == "archived", TicketEvent.created_at >= start,
            TicketEvent.created_at < end).correlate(Ticket).exists())
    return cond


# ---- the desk page ----------------

def month_label(key: str) -> str:
    from flask_babel import gettext
    year, month = parse_month(key)
    return gettext("%(year)s年%(month)s月", year=year, month=month)


def _percent_of(value) -> str:
    return percent(value.numerator, value.denominator)


def charts(months: list[Month]) -> dict:
    """The three monthly figures' inline charts (twelve bars each)."""
    from flask_babel import gettext

    from app.core.svg_chart import bars
    labels = [month_label(m.key) for m in months]
    series = by_month_series(months)
    return {
        "on_time": bars(series["on_time"], labels, title=gettext("近12个月按时办结率"),
                        say=_percent_of, maximum=1),
        "satisfaction": bars(series["satisfaction"], labels,
                             title=gettext("近12个月满意率"), say=_percent_of, maximum=1),
        "median": bars(series["median"], labels, title=gettext("近12个月办结用时中位数（天）"),
                       say=lambda v: days_text(v * _DAY_US)),
    }


def board(community_ids, compound_ids: list[int], user, now: datetime) -> dict:
    """Everything the desk shows, in a fixed number of statements (four). The headline
    month is the last complete one; the current month so far is shown beside it."""
    months = monthly(community_ids, last_months(now))
    waiting, waiting_total = issues_waiting(community_ids)
    return {"counts": counts(community_ids, now), "months": months, "month": months[-1],
            "last_month": months[-2],
            "charts": charts(months), "waiting": waiting, "waiting_total": waiting_total,
            "todo": staff_todo(compound_ids, user, now)}
