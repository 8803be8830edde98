"""Dispatch services: the community's settings (organisations and their handlers, grids,
categories and time limits), tickets made from an issue, a meeting's follow-up task or a
grid worker's patrol, and the named steps of a ticket's way (app.dispatch.lifecycle).
Services take the actor, flush, never commit; every change is audited."""
from datetime import UTC, datetime

from flask_babel import gettext
from sqlalchemy import select, text, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import (
    Building,
    Community,
    Compound,
    StaffAssignment,
    Subdistrict,
    SubdistrictAssignment,
)
from app.core import events
from app.core.db import insert_unless_exists, refused_if_taken
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.periods import due_after_working_days
from app.core.phones import normalize_mobile
from app.core.sanitize import clean_text
from app.core.schema import sql_in
from app.core.time import utcnow
from app.dispatch import lifecycle
from app.dispatch.lifecycle import apply, handler_ids, ticket_compound
from app.dispatch.models import (
    OPEN_STATES,
    ORG_KINDS,
    RATINGS,
    RUNNING,
    Grid,
    GridArea,
    Organisation,
    OrganisationHandler,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketPhoto,
)
from app.extensions import db
from app.notifications.services import notify

NAME_MAX = 60
TITLE_MAX = 120
BODY_MAX = 4000
MAX_PHOTOS = 6
NOT_STAFF = _l("只有本社区的社区工作者可以进行这项操作。")
NOT_SUBDISTRICT_STAFF = _l("只有本街道的工作人员可以进行这项操作。")


# ---- who is who -------------------------------------------------------------------------

def is_community_staff(user, community_id: int) -> bool:
    """Staff of this community (or an admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return db.session.scalar(select(StaffAssignment.id).where(
        StaffAssignment.user_id == user.id, StaffAssignment.community_id == community_id,
        StaffAssignment.revoked_at.is_(None)).limit(1)) is not None


def require_community_staff(user, community_id: int) -> None:
    if not is_community_staff(user, community_id):
        raise PermissionDenied(NOT_STAFF)


def is_subdistrict_staff(user, subdistrict_id: int) -> bool:
    """Staff of this subdistrict (or an admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return db.session.scalar(select(SubdistrictAssignment.id).where(
        SubdistrictAssignment.user_id == user.id,
        SubdistrictAssignment.subdistrict_id == subdistrict_id,
        SubdistrictAssignment.revoked_at.is_(None)).limit(1)) is not None


def require_keeper(user, org: Organisation) -> None:
    """The organisation's keepers: its community's staff, or its subdistrict's."""
    if org.community_id is not None:
        require_community_staff(user, org.community_id)
    elif not is_subdistrict_staff(user, org.subdistrict_id):
        raise PermissionDenied(NOT_SUBDISTRICT_STAFF)


def _keeper_log(org: Organisation) -> tuple[Compound | None, str]:
    """Where an organisation's changes are logged and in which capacity: its community's
    first compound by its staff, or the subdistrict-wide log by the subdistrict's."""
    if org.community_id is not None:
        return _community_compound(org.community_id), "staff"
    return None, "subdistrict"


def user_by_mobile(mobile: str | None, field: str) -> User:
    number = normalize_mobile(mobile)
    user = number and db.session.scalar(select(User).where(User.mobile == number))
    if not user:
        raise ServiceError(_l("找不到这个手机号对应的账户，请先让对方注册。"), field=field)
    return user


def _community_compound(community_id: int) -> Compound | None:
    """The community's first compound, where its audit entries are kept."""
    return db.session.scalar(select(Compound).where(Compound.community_id == community_id)
                             .order_by(Compound.id).limit(1))


# ---- settings: organisations, handlers, grids, categories --------------------------------

def create_organisation(actor, community: Community, *, name: str, kind: str) -> Organisation:
    require_community_staff(actor, community.id)
    name = clean_text(name, NAME_MAX)
    if not name:
        raise ServiceError(_l("请填写单位名称。"), field="name")
    if kind not in ORG_KINDS:
        raise ServiceError(_l("请选择单位类别。"), field="kind")
    org = Organisation(name=name, kind=kind, community_id=community.id, created_at=utcnow())
    with refused_if_taken(_l("本社区已有同名的单位。"), field="name"):
        db.session.add(org)
    record(actor, _community_compound(community.id), "dispatch.organisation_create", org,
           {"name": name, "kind": kind, "community_id": community.id}, actor_role="staff")
    return org


def create_subdistrict_organisation(actor, subdistrict: Subdistrict, *, name: str,
                                    kind: str) -> Organisation:
    """One of the subdistrict's own offices (or a unit it works with), kept by its staff:
    assignable to the tickets escalated to it. The unique constraint refuses a second of the
    same name, two submitted at once included."""
    if not is_subdistrict_staff(actor, subdistrict.id):
        raise PermissionDenied(NOT_SUBDISTRICT_STAFF)
    name = clean_text(name, NAME_MAX)
    if not name:
        raise ServiceError(_l("请填写单位名称。"), field="name")
    if kind not in ORG_KINDS:
        raise ServiceError(_l("请选择单位类别。"), field="kind")
    org = Organisation(name=name, kind=kind, subdistrict_id=subdistrict.id, created_at=utcnow())
    with refused_if_taken(_l("本街道已有同名的单位。"), field="name"):
        db.session.add(org)
    record(actor, None, "dispatch.organisation_create", org,
           {"name": name, "kind": kind, "subdistrict_id": subdistrict.id},
           actor_role="subdistrict")
    return org


def add_handler(actor, org: Organisation, mobile: str) -> OrganisationHandler:
    """A handler account of the organisation: it sees and works only this one's tickets."""
    require_keeper(actor, org)
    user = user_by_mobile(mobile, "mobile")
    row = OrganisationHandler(organisation_id=org.id, user_id=user.id, granted_by_id=actor.id,
                              granted_at=utcnow())
    with refused_if_taken(_l("此人已是该单位的经办人。"), field="mobile"):
        db.session.add(row)
    compound, role = _keeper_log(org)
    record(actor, compound, "dispatch.handler_add", row,
           {"organisation_id": org.id, "user_id": user.id}, actor_role=role)
    return row


def revoke_handler(actor, org: Organisation, handler_id: int) -> None:
    require_keeper(actor, org)
    now = utcnow()
    row = db.session.get(OrganisationHandler, handler_id)
    if row is None or row.organisation_id != org.id:
        raise NotFound(_l("找不到这位经办人。"))
    moved = db.session.execute(
        update(OrganisationHandler).where(OrganisationHandler.id == handler_id,
                                          OrganisationHandler.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict(_l("这位经办人已被移除。"))
    db.session.refresh(row)
    compound, role = _keeper_log(org)
    record(actor, compound, "dispatch.handler_revoke", row,
           {"organisation_id": org.id, "user_id": row.user_id}, actor_role=role)


def _areas(community: Community, compound_ids, building_ids) -> list[tuple[int, int | None]]:
    compounds = set(db.session.scalars(select(Compound.id).where(
        Compound.community_id == community.id, Compound.id.in_(list(compound_ids) or [0]))))
    if len(compounds) != len(set(compound_ids)):
        raise ServiceError(_l("请选择本社区的小区。"), field="compounds")
    buildings = db.session.execute(select(Building.id, Building.compound_id).join(
        Compound, Compound.id == Building.compound_id).where(
        Compound.community_id == community.id, Building.id.in_(list(building_ids) or [0]))).all()
    if len(buildings) != len(set(building_ids)):
        raise ServiceError(_l("请选择本社区的楼栋。"), field="buildings")
    whole = [(c, None) for c in sorted(compounds)]
    return whole + [(c, b) for b, c in sorted(buildings) if c not in compounds]


def save_grid(actor, community: Community, *, name: str, worker_mobile: str = "",
              compound_ids=(), building_ids=(), grid: Grid | None = None) -> Grid:
    """A grid of the community: its name, its worker (by mobile) and what it covers (whole
    compounds, or buildings). Saving again replaces its coverage."""
    require_community_staff(actor, community.id)
    name = clean_text(name, 40)
    if not name:
        raise ServiceError(_l("请填写网格名称。"), field="name")
    worker = user_by_mobile(worker_mobile, "worker_mobile") if worker_mobile else None
    areas = _areas(community, compound_ids, building_ids)
    if not areas:
        raise ServiceError(_l("请选择网格覆盖的小区或楼栋。"), field="compounds")
    with refused_if_taken(_l("本社区已有同名的网格。"), field="name"):
        if grid is None:
            grid = Grid(community_id=community.id, created_at=utcnow())
            db.session.add(grid)
        grid.name, grid.worker_id = name, worker.id if worker else None
    old = db.session.scalars(select(GridArea).where(GridArea.grid_id == grid.id)).all()
    for row in old:
        db.session.delete(row)
    db.session.flush()
    rows = [GridArea(grid_id=grid.id, compound_id=c, building_id=b) for c, b in areas]
    db.session.add_all(rows)
    record(actor, _community_compound(community.id), "dispatch.grid_save", grid,
           {"name": name, "worker_id": grid.worker_id, "areas": [list(a) for a in areas]},
           also=rows, actor_role="staff")
    return grid


def save_category(actor, community: Community, *, name: str, working_days: int | None,
                  is_active: bool = True, category: TicketCategory | None = None
                  ) -> TicketCategory:
    """A ticket category and its time limit in working days (1 to 60), a community setting."""
    require_community_staff(actor, community.id)
    name = clean_text(name, 30)
    if not name:
        raise ServiceError(_l("请填写类别名称。"), field="name")
    if working_days is None or not 1 <= working_days <= 60:
        raise ServiceError(_l("办理时限请填 1 到 60 个工作日。"), field="working_days")
    with refused_if_taken(_l("本社区已有同名的类别。"), field="name"):
        if category is None:
            category = TicketCategory(community_id=community.id)
            db.session.add(category)
        category.name, category.working_days, category.is_active = name, working_days, is_active
    record(actor, _community_compound(community.id), "dispatch.category_save", category,
           {"name": name, "working_days": working_days, "is_active": is_active},
           actor_role="staff")
    return category


def organisations_with_handlers(community_id: int | None = None, *,
                                subdistrict_id: int | None = None
                                ) -> list[tuple[Organisation, list]]:
    """The community's (or the subdistrict's own) organisations, each with its active
    handlers (user loaded)."""
    owner = (Organisation.community_id == community_id if subdistrict_id is None
             else Organisation.subdistrict_id == subdistrict_id)
    orgs = list(db.session.scalars(select(Organisation).where(owner)
                                   .order_by(Organisation.id)))
    handlers = db.session.scalars(select(OrganisationHandler).where(
        OrganisationHandler.organisation_id.in_([o.id for o in orgs] or [0]),
        OrganisationHandler.revoked_at.is_(None)).options(joinedload(OrganisationHandler.user))
        .order_by(OrganisationHandler.id)).all()
    by_org: dict[int, list] = {}
    for h in handlers:
        by_org.setdefault(h.organisation_id, []).append(h)
    return [(o, by_org.get(o.id, [])) for o in orgs]


def community_places(community_id: int) -> tuple[list[Compound], list[tuple]]:
    """The community's compounds, and (compound, building) for each of their buildings."""
    rows = db.session.execute(select(Compound, Building).outerjoin(
        Building, Building.compound_id == Compound.id).where(
        Compound.community_id == community_id).order_by(Compound.id, Building.name)).all()
    compounds = list(dict.fromkeys(c for c, _b in rows))
    return compounds, [(c, b) for c, b in rows if b is not None]


def grids_with_areas(community_id: int) -> list[tuple[Grid, list]]:
    grids = list(db.session.scalars(select(Grid).where(Grid.community_id == community_id)
                                    .options(joinedload(Grid.worker)).order_by(Grid.id)))
    rows = db.session.execute(select(GridArea.grid_id, Compound.name, Building.name).join(
        Compound, Compound.id == GridArea.compound_id).outerjoin(
        Building, Building.id == GridArea.building_id).where(
        GridArea.grid_id.in_([g.id for g in grids] or [0])).order_by(GridArea.id)).all()
    by_grid: dict[int, list] = {}
    for grid_id, compound, building in rows:
        by_grid.setdefault(grid_id, []).append((compound, building))
    return [(g, by_grid.get(g.id, [])) for g in grids]


def categories_of(community_id: int) -> list[TicketCategory]:
    return list(db.session.scalars(select(TicketCategory).where(
        TicketCategory.community_id == community_id).order_by(TicketCategory.id)))


# ---- making a ticket --------------------------------------------------------------------

def grid_for(compound_id: int, building_id: int | None) -> int | None:
    """The grid covering this building (or, failing that, the whole compound)."""
    rows = db.session.execute(select(GridArea.grid_id, GridArea.building_id).where(
        GridArea.compound_id == compound_id,
        (GridArea.building_id.is_(None)) | (GridArea.building_id == (building_id or 0)))
        .order_by(GridArea.id)).all()
    exact = [g for g, b in rows if b is not None]
    return (exact or [g for g, _b in rows] or [None])[0]


def _category_named(community_id: int, name: str) -> int | None:
    return db.session.scalar(select(TicketCategory.id).where(
        TicketCategory.community_id == community_id, TicketCategory.name == name,
        TicketCategory.is_active.is_(True)))


def _report(actor, compound: Compound, ticket: Ticket, also=(), data=None) -> Ticket:
    """上报: the ticket's first history row and audit entry."""
    db.session.add(ticket)
    db.session.flush()
    event = TicketEvent(ticket_id=ticket.id, action="report", from_state=None,
                        to_state="reported", actor_id=getattr(actor, "id", None),
                        actor_role=primary_role(actor, compound) if actor is not None
                        else None,
                        is_public=True, created_at=ticket.created_at)
    db.session.add(event)
    record(actor, compound, "ticket.report", ticket,
           {"source": ticket.source, "issue_id": ticket.issue_id,
            "follow_up_id": ticket.follow_up_id, **(data or {})},
           also=[event, *also], actor_role=event.actor_role)
    notify([u for u in lifecycle.staff_ids(ticket.community_id)
            if u != getattr(actor, "id", None)], compound.id, "ticket.todo",
           _l("有新的工单待受理"), lifecycle.ticket_path(ticket))
    return ticket


def ticket_from_issue(issue, actor, compound: Compound, now: datetime) -> Ticket:
    """派单 of an issue makes its ticket (one open ticket per issue: a partial unique
    index). The issue's author is the reporter who rates it."""
    ticket = Ticket(source="issue", issue_id=issue.id, compound_id=compound.id,
                    community_id=compound.community_id, building_id=issue.building_id,
                    grid_id=grid_for(compound.id, issue.building_id),
                    category_id=_category_named(compound.community_id, issue.category),
                    title=issue.title, body=issue.body_source[:BODY_MAX], level="community",
                    state="reported", reporter_id=issue.author_id, created_at=now,
                    updated_at=now)
    return _report(actor, compound, ticket)


def _on_issue_dispatch(obj, actor, now, step, **_ignored) -> None:
    ticket_from_issue(obj, actor, step.compound, now)


def set_up() -> None:
    """An issue dispatched (app.issues) becomes a ticket in the same transaction."""
    events.subscribe("issue.dispatch", _on_issue_dispatch)


def ticket_from_follow_up(actor, task) -> Ticket:
    """A meeting's follow-up task handed to the community as a ticket, by its staff: one
    open ticket per task (a partial unique index decides, never a look-up first)."""
    compound = db.session.get(Compound, task.compound_id)
    if not has_role(actor, compound, "staff"):
        raise PermissionDenied(NOT_STAFF)
    now = utcnow()
    values = {"source": "follow_up", "follow_up_id": task.id, "compound_id": compound.id,
              "community_id": compound.community_id, "grid_id": grid_for(compound.id, None),
              "title": clean_text(task.title, TITLE_MAX), "body": task.note or "",
              "level": "community", "state": "reported", "reporter_id": actor.id,
              "calendar_complete": True, "created_at": now, "updated_at": now}
    new_id = insert_unless_exists(Ticket, values, ["follow_up_id"], where=text(
        f"follow_up_id IS NOT NULL AND state IN {sql_in(OPEN_STATES)}"))
    if new_id is None:
        raise Conflict(_l("这项决定事项已有办理中的工单。"))
    return _report(actor, compound, db.session.get(Ticket, new_id))


def patrol(actor, grid: Grid, *, compound_id: int | None, building_id: int | None,
           title: str, body: str = "", photos=()) -> Ticket:
    """巡查: the grid worker reports what they found in their grid, with photos."""
    if actor is None or grid.worker_id != actor.id:
        raise PermissionDenied(_l("只有本网格的网格员可以上报巡查发现的问题。"))
    areas = db.session.execute(select(GridArea.compound_id, GridArea.building_id).where(
        GridArea.grid_id == grid.id)).all()
    if building_id:
        compound_id = db.session.scalar(select(Building.compound_id).where(
            Building.id == building_id))
        if (compound_id, building_id) not in areas and (compound_id, None) not in areas:
            raise ServiceError(_l("请选择本网格内的楼栋。"), field="building")
    elif (compound_id, None) not in areas and compound_id not in {c for c, _b in areas}:
        raise ServiceError(_l("请选择本网格内的小区。"), field="building")
    title = clean_text(title, TITLE_MAX)
    if not title:
        raise ServiceError(_l("请填写标题。"), field="title")
    body = (body or "").strip()
    if len(body) > BODY_MAX:
        raise ServiceError(_l("内容请不超过 4000 字。"), field="body")
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_l("最多上传 6 张照片。"), field="photos")
    compound = db.session.get(Compound, compound_id)
    now = utcnow()
    ticket = Ticket(source="patrol", compound_id=compound.id, community_id=grid.community_id,
                    building_id=building_id or None, grid_id=grid.id, title=title, body=body,
                    state="reported", reporter_id=actor.id, created_at=now, updated_at=now)
    db.session.add(ticket)
    db.session.flush()
    rows = _photo_rows(ticket, "before", photos)
    return _report(actor, compound, ticket, also=rows,
                   data={"photos": [r.sha256 for r in rows]})


def _photo_rows(ticket: Ticket, kind: str, photos, start: int = 0) -> list[TicketPhoto]:
    """Photos are written to disk only once every check has passed."""
    stored = [photo.store() for photo in photos]
    rows = [TicketPhoto(ticket_id=ticket.id, kind=kind, path=p.path, sha256=p.sha256,
                        thumb_path=p.thumb_path, width=p.width, height=p.height,
                        position=start + i) for i, p in enumerate(stored)]
    db.session.add_all(rows)
    return rows


# ---- the steps --------------------------------------------------------------------------

def accept(actor, ticket: Ticket, *, seen: str | None = None):
    return apply(ticket, "accept", actor, seen=seen)


def decline(actor, ticket: Ticket, reason: str, *, seen: str | None = None):
    return apply(ticket, "decline", actor, reason=reason, seen=seen)


def assignable_organisations(ticket: Ticket) -> list[Organisation]:
    """At the community level the community's organisations; at the subdistrict level also
    the subdistrict's own offices."""
    community = db.session.get(Community, ticket.community_id)
    cond = Organisation.community_id == ticket.community_id
    if ticket.level == "subdistrict":
        cond = cond | (Organisation.subdistrict_id == community.subdistrict_id)
    return list(db.session.scalars(select(Organisation).where(cond).order_by(Organisation.id)))


def active_categories(community_id: int) -> list[TicketCategory]:
    return list(db.session.scalars(select(TicketCategory).where(
        TicketCategory.community_id == community_id, TicketCategory.is_active.is_(True))
        .order_by(TicketCategory.id)))


def assign(actor, ticket: Ticket, organisation_id: int | None, category_id: int | None, *,
           seen: str | None = None, now: datetime | None = None):
    """交办: to an organisation, due after the category's time limit in working days
    (holidays and adjusted working weekends respected: app.core.periods)."""
    now = now or utcnow()
    lifecycle.require(ticket, "assign", actor)
    lifecycle.workflow.check(lifecycle.WORKFLOW, ticket, "assign", actor, now=now)
    org = next((o for o in assignable_organisations(ticket) if o.id == organisation_id), None)
    if org is None:
        raise ServiceError(_l("请选择承办单位。"), field="organisation")
    category = db.session.get(TicketCategory, category_id) if category_id else None
    if category is None or category.community_id != ticket.community_id \
            or not category.is_active:
        raise ServiceError(_l("请选择工单类别。"), field="category")
    limit = due_after_working_days(now, category.working_days)
    due_at = limit.ends_at.astimezone(UTC)
    return apply(ticket, "assign", actor, seen=seen, now=now,
                 values={"organisation_id": org.id, "category_id": category.id,
                         "assignee_id": None, "due_at": due_at,
                         "calendar_complete": limit.calendar_complete,
                         "overdue_notified_at": None},
                 data={"organisation_id": org.id, "category_id": category.id,
                       "due_at": due_at.isoformat(), "working_days": category.working_days})


def escalate(actor, ticket: Ticket, reason: str, *, seen: str | None = None):
    """街道呼叫: the community hands the ticket to the subdistrict level, with a reason."""
    return apply(ticket, "escalate", actor, reason=reason, seen=seen,
                 values={"level": "subdistrict", "organisation_id": None},
                 where=[Ticket.level == "community"],
                 conflict=_l("工单已呼叫至街道。"))


def take(actor, ticket: Ticket, *, seen: str | None = None):
    """接单: one of the organisation's handlers takes it and becomes its assignee."""
    return apply(ticket, "take", actor, seen=seen, values={"assignee_id": actor.id})


def return_ticket(actor, ticket: Ticket, reason: str, *, seen: str | None = None):
    """退回: not this organisation's work; staff assign it again."""
    return apply(ticket, "return", actor, reason=reason, seen=seen,
                 values={"assignee_id": None})


def finish(actor, ticket: Ticket, reason: str, photos=(), *, seen: str | None = None):
    """办结反馈: what was done, with after-photos."""
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_l("最多上传 6 张照片。"), field="photos")
    lifecycle.workflow.check(lifecycle.WORKFLOW, ticket, "finish", actor,
                             fields={"reason": reason})
    lifecycle.workflow.expect(lifecycle.WORKFLOW, ticket, seen)
    done = db.session.scalar(select(TicketPhoto.position).where(
        TicketPhoto.ticket_id == ticket.id, TicketPhoto.kind == "after")
        .order_by(TicketPhoto.position.desc()).limit(1))
    rows = _photo_rows(ticket, "after", photos, 0 if done is None else done + 1)
    return apply(ticket, "finish", actor, reason=reason, values={"finished_at": utcnow()},
                 also=rows, data={"photos": [r.sha256 for r in rows]})


def rate(actor, ticket: Ticket, rating: str, *, seen: str | None = None):
    """The reporter's 满意 / 基本满意 / 不满意. A first 不满意 asks for one 回访 and one 重办;
    otherwise, and after the 重办 whatever the rating, the ticket is archived with both
    ratings kept."""
    if rating not in RATINGS:
        raise ServiceError(_l("请选择您对办理结果的评价。"), field="rating")
    if ticket.rating_first is None and rating == "unsatisfied":
        return apply(ticket, "dissatisfy", actor, seen=seen,
                     values={"rating_first": rating}, data={"rating": rating},
                     where=[Ticket.rating_first.is_(None)])
    column = "rating_first" if ticket.rating_first is None else "rating_second"
    return apply(ticket, "rate", actor, seen=seen, values={column: rating},
                 data={"rating": rating, "which": column},
                 where=[getattr(Ticket, column).is_(None)])


def revisit(actor, ticket: Ticket, reason: str, *, seen: str | None = None):
    """回访: once per ticket (the UPDATE sets revisited_at only WHERE it is still NULL)."""
    return apply(ticket, "revisit", actor, reason=reason, seen=seen,
                 values={"revisited_at": utcnow()}, where=[Ticket.revisited_at.is_(None)],
                 conflict=_l("这张工单已经回访过一次。"))


def redo(actor, ticket: Ticket, *, seen: str | None = None):
    """重办: once per ticket (redone_at set only WHERE it is still NULL)."""
    return apply(ticket, "redo", actor, seen=seen, values={"redone_at": utcnow()},
                 where=[Ticket.redone_at.is_(None)], conflict=_l("这张工单已经重办过一次。"))


def withdraw(actor, ticket: Ticket, reason: str, *, seen: str | None = None):
    """撤回: the ticket stops; its history stays."""
    return apply(ticket, "withdraw", actor, reason=reason, seen=seen)


# The steps whose button takes a written reason (required where the table says so).
REASON_STEPS = ("decline", "escalate", "return", "revisit", "withdraw")
STEPS = {
    "accept": lambda a, t, f: accept(a, t, seen=f.get("seen")),
    "decline": lambda a, t, f: decline(a, t, f.get("reason", ""), seen=f.get("seen")),
    "escalate": lambda a, t, f: escalate(a, t, f.get("reason", ""), seen=f.get("seen")),
    "take": lambda a, t, f: take(a, t, seen=f.get("seen")),
    "return": lambda a, t, f: return_ticket(a, t, f.get("reason", ""), seen=f.get("seen")),
    "revisit": lambda a, t, f: revisit(a, t, f.get("reason", ""), seen=f.get("seen")),
    "redo": lambda a, t, f: redo(a, t, seen=f.get("seen")),
    "withdraw": lambda a, t, f: withdraw(a, t, f.get("reason", ""), seen=f.get("seen")),
}


# ---- overdue ------------------------------------------------------------------------------

def overdue_recipients(ticket: Ticket) -> set[int]:
    """The assignee (or, before one of them takes it, the organisation's handlers) and the
    level above: for a community-level ticket its community's staff, who assigned it, and
    its subdistrict's staff; for a subdistrict-level one the subdistrict's staff and the
    admins."""
    people = {ticket.assignee_id} if ticket.assignee_id else set(
        handler_ids(ticket.organisation_id))
    people |= set(lifecycle.subdistrict_staff_ids(ticket.community_id))
    if ticket.level == "subdistrict":
        return people | set(lifecycle.admin_ids())
    return people | set(lifecycle.staff_ids(ticket.community_id))


def flag_overdue(now: datetime | None = None) -> int:
    """`flask dispatch overdue`: each running ticket past its due date is flagged once to its
    assignee and to the level above (overdue_recipients). The conditional
    UPDATE on overdue_notified_at makes a second run, or two at once, send nothing twice."""
    now = now or utcnow()
    due = db.session.scalars(select(Ticket).where(
        Ticket.state.in_(RUNNING), Ticket.due_at < now, Ticket.overdue_notified_at.is_(None))
        .order_by(Ticket.id)).all()
    sent = 0
    for ticket in due:
        moved = db.session.execute(
            update(Ticket).where(Ticket.id == ticket.id, Ticket.overdue_notified_at.is_(None),
                                 Ticket.state.in_(RUNNING))
            .values(overdue_notified_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            continue
        db.session.refresh(ticket)
        event = TicketEvent(ticket_id=ticket.id, action="overdue", from_state=ticket.state,
                            to_state=ticket.state, organisation_id=ticket.organisation_id,
                            is_public=False, created_at=now)
        db.session.add(event)
        record(None, ticket_compound(ticket), "ticket.overdue", ticket,
               {"due_at": ticket.due_at.isoformat()}, also=[event], actor_role="system")
        message = gettext("工单“%(title)s”已超过办理时限", title=ticket.title)
        notify(overdue_recipients(ticket), ticket.compound_id, "ticket.overdue", message,
               lifecycle.ticket_path(ticket))
        sent += 1
    return sent
