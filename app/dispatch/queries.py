"""Reading tickets: who may see a ticket and in which capacity, the lists of each desk (the
community's, a handler's, a grid worker's), the history, and the public steps an issue's
timeline shows. Each list loads what its page reads in its one query."""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from app.compounds.models import (
    Community,
    Compound,
    StaffAssignment,
    Subdistrict,
    SubdistrictAssignment,
)
from app.core.time import utcnow
from app.dispatch.models import (
    RUNNING,
    Grid,
    GridArea,
    Organisation,
    OrganisationHandler,
    Ticket,
    TicketEvent,
    TicketPhoto,
)
from app.extensions import db
from app.issues.models import Issue

PAGE_SIZE = 30


def overdue_clause(now):
    """Running (交办 or 办理中) past its due date: what the lists flag and filter on."""
    return and_(Ticket.state.in_(RUNNING), Ticket.due_at < now)


def is_overdue(ticket: Ticket, now=None) -> bool:
    now = now or utcnow()
    return ticket.state in RUNNING and ticket.due_at is not None and ticket.due_at < now


_TICKET = (select(Ticket).options(joinedload(Ticket.organisation), joinedload(Ticket.category),
                                  joinedload(Ticket.compound), joinedload(Ticket.grid),
                                  joinedload(Ticket.assignee))
           .execution_options(populate_existing=True))


def load_ticket(ticket_id: int) -> Ticket | None:
    return db.session.scalar(_TICKET.where(Ticket.id == ticket_id))


def capacity(user, ticket: Ticket) -> str | None:
    """How `user` sees this ticket, in one statement: "staff" (of its community, or an
    admin), "subdistrict" (staff of its subdistrict, once it is escalated there), "handler"
    (of its organisation), "grid" (its grid's worker), "reporter", or None (403). PIPL least
    privilege: nobody else reads it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_admin:
        return "staff"
    # The subdistrict's staff see a ticket once it is escalated to them, not before.
    above = [select(literal("subdistrict")).select_from(SubdistrictAssignment).join(
        Community, Community.subdistrict_id == SubdistrictAssignment.subdistrict_id)
        .where(SubdistrictAssignment.user_id == user.id, Community.id == ticket.community_id,
               SubdistrictAssignment.revoked_at.is_(None))] \
        if ticket.level == "subdistrict" else []
    rows = set(db.session.execute(union_all(
        *above,
        select(literal("staff")).where(
            StaffAssignment.user_id == user.id,
            StaffAssignment.community_id == ticket.community_id,
            StaffAssignment.revoked_at.is_(None)),
        select(literal("handler")).where(
            OrganisationHandler.user_id == user.id,
            OrganisationHandler.organisation_id == (ticket.organisation_id or 0),
            OrganisationHandler.revoked_at.is_(None)),
        select(literal("grid")).where(Grid.id == (ticket.grid_id or 0),
                                      Grid.worker_id == user.id),
        # or inside a grid they work (a ticket made before its grid was drawn)
        select(literal("grid")).select_from(GridArea).join(Grid, Grid.id == GridArea.grid_id)
        .where(Grid.worker_id == user.id, GridArea.compound_id == ticket.compound_id,
               or_(GridArea.building_id.is_(None),
                   GridArea.building_id == (ticket.building_id or 0))))).scalars())
    for kind in ("staff", "subdistrict", "handler", "grid"):
        if kind in rows:
            return kind
    return "reporter" if ticket.reporter_id == user.id else None


def community_tickets(community_id: int, *, state: str = "", overdue: bool = False,
                      page: int = 1, filters: dict | None = None) -> tuple[list[Ticket], int]:
    now = utcnow()
    cond = [Ticket.community_id == community_id]
    if state:
        cond.append(Ticket.state == state)
    if overdue:
        cond.append(overdue_clause(now))
    if filters:
        from app.dispatch.desk import filter_conditions
        cond.extend(filter_conditions(filters))
    return _page(cond, page)


def subdistrict_tickets(subdistrict_id: int, *, overdue: bool = False,
                        page: int = 1) -> tuple[list[Ticket], int]:
    """The tickets escalated to the subdistrict, from every community of it."""
    cond = [Ticket.level == "subdistrict", Ticket.community_id.in_(
        select(Community.id).where(Community.subdistrict_id == subdistrict_id))]
    if overdue:
        cond.append(overdue_clause(utcnow()))
    return _page(cond, page)


def _page(cond, page: int) -> tuple[list[Ticket], int]:
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(Ticket, total).where(*cond)
        .options(joinedload(Ticket.organisation), joinedload(Ticket.compound))
        .order_by(Ticket.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


def handler_organisations(user) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).join(
        OrganisationHandler, OrganisationHandler.organisation_id == Organisation.id).where(
        OrganisationHandler.user_id == user.id, OrganisationHandler.revoked_at.is_(None))
        .order_by(Organisation.id)))


def my_tickets(user, *, overdue: bool = False, page: int = 1) -> tuple[list[Ticket], int]:
    """The handler's own organisations' tickets, nothing else."""
    orgs = select(OrganisationHandler.organisation_id).where(
        OrganisationHandler.user_id == user.id, OrganisationHandler.revoked_at.is_(None))
    cond = [Ticket.organisation_id.in_(orgs)]
    if overdue:
        cond.append(overdue_clause(utcnow()))
    return _page(cond, page)


def _covered(model, grid_id: int):
    """Rows of `model` (compound_id, building_id) inside the grid's coverage."""
    whole = select(GridArea.compound_id).where(GridArea.grid_id == grid_id,
                                               GridArea.building_id.is_(None))
    buildings = select(GridArea.building_id).where(GridArea.grid_id == grid_id,
                                                   GridArea.building_id.is_not(None))
    return or_(model.compound_id.in_(whole), model.building_id.in_(buildings))


def grid_tickets(grid: Grid, page: int = 1) -> tuple[list[Ticket], int]:
    return _page([or_(Ticket.grid_id == grid.id, _covered(Ticket, grid.id))], page)


def grid_issues(grid: Grid, limit: int = PAGE_SIZE) -> list[Issue]:
    """The grid's issues: of its whole compounds, or of its buildings (not hidden ones)."""
    return list(db.session.scalars(select(Issue).where(
        _covered(Issue, grid.id), Issue.is_hidden.is_(False))
        .order_by(Issue.id.desc()).limit(limit)))


def grid_areas(grid: Grid) -> list[tuple[Compound, object]]:
    """(compound, building or None) the grid covers."""
    from app.compounds.models import Building
    rows = db.session.execute(select(Compound, Building).select_from(GridArea).join(
        Compound, Compound.id == GridArea.compound_id).outerjoin(
        Building, Building.id == GridArea.building_id).where(GridArea.grid_id == grid.id)
        .order_by(GridArea.id)).all()
    return [(c, b) for c, b in rows]


def worked_grids(user) -> list[Grid]:
    return list(db.session.scalars(select(Grid).where(Grid.worker_id == user.id)
                                   .order_by(Grid.id)))


def history(ticket: Ticket, *, full: bool) -> list[TicketEvent]:
    """The ticket's steps, oldest first; `full` (staff, handlers, the grid worker) includes
    the internal ones."""
    stmt = (select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
            .options(joinedload(TicketEvent.organisation), joinedload(TicketEvent.actor))
            .order_by(TicketEvent.id))
    if not full:
        stmt = stmt.where(TicketEvent.is_public.is_(True))
    return list(db.session.scalars(stmt))


def photos(ticket: Ticket) -> list[TicketPhoto]:
    return list(db.session.scalars(select(TicketPhoto).where(TicketPhoto.ticket_id == ticket.id)
                                   .order_by(TicketPhoto.kind.desc(), TicketPhoto.position)))


@dataclass(frozen=True)
class PublicStep:
    """A ticket's step as an issue's timeline shows it: no person, only an organisation
    or a capacity."""

    ticket_id: int
    action: str
    organisation: str | None
    actor_role: str | None
    reason: str
    created_at: object


_PUBLIC = (select(TicketEvent.ticket_id, TicketEvent.action, Organisation.name,
                  TicketEvent.actor_role, TicketEvent.reason, TicketEvent.created_at)
           .join(Ticket, Ticket.id == TicketEvent.ticket_id)
           .outerjoin(Organisation, Organisation.id == TicketEvent.organisation_id))


def public_steps_of_issue(issue_id: int) -> list[PublicStep]:
    """The public steps of the issue's tickets, for its timeline (one statement)."""
    from app.dispatch.lifecycle import PUBLIC_REASONS
    rows = db.session.execute(_PUBLIC.where(Ticket.issue_id == issue_id,
                                            TicketEvent.is_public.is_(True))
                              .order_by(TicketEvent.id)).all()
    return [PublicStep(t, a, o, r, reason if a in PUBLIC_REASONS else "", at)
            for t, a, o, r, reason, at in rows]


def desk_links(user) -> dict:
    """What the home page links for dispatch, in one statement: the communities the person
    staffs, the subdistricts whose escalated tickets they work (with how many are overdue),
    whether they handle an organisation's tickets (and how many wait or are overdue),
    the grids they work."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    now = utcnow()
    orgs = select(OrganisationHandler.organisation_id).where(
        OrganisationHandler.user_id == user.id, OrganisationHandler.revoked_at.is_(None))
    waiting = select(
        literal("handler"), func.count(Ticket.id),
        func.coalesce(func.sum(case((overdue_clause(now), 1), else_=0)), 0),
        literal("")).where(Ticket.organisation_id.in_(orgs), Ticket.state.in_(RUNNING))
    member = select(literal("handler_of"), func.count(), literal(0), literal("")).where(
        OrganisationHandler.user_id == user.id, OrganisationHandler.revoked_at.is_(None))
    staff = select(literal("staff"), Community.id, literal(0), Community.name).join(
        StaffAssignment, StaffAssignment.community_id == Community.id).where(
        StaffAssignment.user_id == user.id, StaffAssignment.revoked_at.is_(None))
    grids = select(literal("grid"), Grid.id, literal(0), Grid.name).where(
        Grid.worker_id == user.id)
    # Subdistrict staff: their subdistricts, each with how many escalated tickets run late.
    late = select(func.count(Ticket.id)).join(Community, Community.id == Ticket.community_id)\
        .where(Community.subdistrict_id == Subdistrict.id, Ticket.level == "subdistrict",
               overdue_clause(now)).scalar_subquery()
    subdistricts = select(literal("subdistrict"), Subdistrict.id, late, Subdistrict.name).join(
        SubdistrictAssignment, SubdistrictAssignment.subdistrict_id == Subdistrict.id).where(
        SubdistrictAssignment.user_id == user.id, SubdistrictAssignment.revoked_at.is_(None))
    out = {"communities": [], "grids": [], "handler": None, "subdistricts": []}
    handles = False
    rows = db.session.execute(union_all(waiting, member, staff, grids, subdistricts)).all()
    for kind, ref, number, name in rows:
        if kind == "staff":
            out["communities"].append((ref, name))
        elif kind == "subdistrict":
            out["subdistricts"].append((ref, name, number))
        elif kind == "grid":
            out["grids"].append((ref, name))
        elif kind == "handler_of":
            handles = ref > 0
        elif kind == "handler":
            out["handler"] = (ref, number)
    if not handles:
        out["handler"] = None
    return out
