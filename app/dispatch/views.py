"""Dispatch pages: the community's ticket list and settings (staff), a handler's tickets, a
grid worker's grid, and the ticket page with the steps its viewer may take. Every route
checks who asks: staff of the ticket's community, handlers of its organisation, the worker of
its grid, its reporter; anyone else gets 403 (PIPL least privilege)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import get_community_or_404, has_role
from app.compounds.levels import may_see_subdistrict
from app.compounds.models import Community, Subdistrict
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_page
from app.core.time import utcnow
from app.dispatch import desk, labels, lifecycle, queries, services
from app.dispatch.forms import (
    AssignForm,
    CategoryForm,
    FinishForm,
    GridForm,
    HandlerForm,
    OrganisationForm,
    PatrolForm,
    RateForm,
    StepForm,
)
from app.dispatch.models import STATES, Grid, Organisation, TicketCategory, TicketPhoto
from app.dispatch.photos import photos_from_request, send_photo
from app.extensions import db
from app.meetings.models import FollowUpTask

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")


@bp.context_processor
def _names():
    return {"state_labels": lifecycle.STATE_LABELS, "state_css": labels.STATE_CSS,
            "step_labels": labels.STEP_LABELS, "rating_labels": labels.RATING_LABELS,
            "org_kind_labels": labels.ORG_KIND_LABELS, "source_labels": labels.SOURCE_LABELS,
            "level_labels": labels.LEVEL_LABELS, "actor_kind": labels.ACTOR_KIND_LABELS,
            "is_overdue": queries.is_overdue, "step_by": labels.step_by}


# ---- access -------------------------------------------------------------------------------

def _community(community_id: int) -> Community:
    community = get_community_or_404(community_id)
    if not services.is_community_staff(current_user, community.id):
        abort(403)
    return community


def _ticket(ticket_id: int):
    ticket = queries.load_ticket(ticket_id)
    if ticket is None:
        abort(404)
    seen_as = queries.capacity(current_user, ticket)
    if seen_as is None:
        abort(403)
    return ticket, seen_as


def _subdistrict(subdistrict_id: int) -> Subdistrict:
    subdistrict = db.session.get(Subdistrict, subdistrict_id)
    if subdistrict is None:
        abort(404)
    if not may_see_subdistrict(current_user, subdistrict.id):
        abort(403)
    return subdistrict


def _org(organisation_id: int) -> Organisation:
    """An organisation, for its keepers: its community's staff or its subdistrict's."""
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        abort(404)
    if org.community_id is not None:
        _community(org.community_id)
    else:
        _subdistrict(org.subdistrict_id)
    return org


def _org_settings(org: Organisation) -> str:
    if org.community_id is None:
        return url_for(".subdistrict_settings", subdistrict_id=org.subdistrict_id)
    return url_for(".settings", community_id=org.community_id)


# ---- the community's desk -------------------------------------------------------------------

@bp.get("/community/<int:community_id>/tickets")
@login_required
def community(community_id: int):
    community = _community(community_id)
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    overdue = request.args.get("overdue") == "1"
    page = arg_page()
    filters = desk.list_filters(request.args)
    tickets, total = queries.community_tickets(community.id, state=state, overdue=overdue,
                                               page=page, filters=filters)
    return render_template("dispatch/community.html", community=community, tickets=tickets,
                           total=total, page=page, page_size=queries.PAGE_SIZE, state=state,
                           overdue=overdue, now=utcnow(), states=STATES, filters=filters)


# ---- the subdistrict's desk: the tickets escalated to it ----------------------------------------

@bp.get("/subdistrict/<int:subdistrict_id>/tickets")
@login_required
def subdistrict(subdistrict_id: int):
    subdistrict = _subdistrict(subdistrict_id)
    overdue = request.args.get("overdue") == "1"
    page = arg_page()
    tickets, total = queries.subdistrict_tickets(subdistrict.id, overdue=overdue, page=page)
    return render_template("dispatch/subdistrict.html", subdistrict=subdistrict,
                           tickets=tickets, total=total, page=page,
                           page_size=queries.PAGE_SIZE, overdue=overdue, now=utcnow())


def _subdistrict_settings_page(subdistrict, org_form=None, status=200):
    return render_template(
        "dispatch/subdistrict_settings.html", subdistrict=subdistrict,
        organisations=services.organisations_with_handlers(subdistrict_id=subdistrict.id),
        org_form=org_form or OrganisationForm(formdata=None),
        handler_form=HandlerForm(formdata=None)), status


@bp.get("/subdistrict/<int:subdistrict_id>/settings")
@login_required
def subdistrict_settings(subdistrict_id: int):
    return _subdistrict_settings_page(_subdistrict(subdistrict_id))


@bp.post("/subdistrict/<int:subdistrict_id>/organisations")
@login_required
def new_subdistrict_organisation(subdistrict_id: int):
    subdistrict = _subdistrict(subdistrict_id)
    form = OrganisationForm()
    if not form.validate():
        return _subdistrict_settings_page(subdistrict, form, 400)
    try:
        with unit_of_work():
            services.create_subdistrict_organisation(
                current_user, subdistrict, name=form.name.data, kind=form.kind.data)
    except ServiceError as exc:
        show_error(form, exc)
        return _subdistrict_settings_page(subdistrict, form, exc.status)
    flash(_("已保存。"), "success")
    return redirect(url_for(".subdistrict_settings", subdistrict_id=subdistrict.id))


def _settings_page(community, status=200, **forms):
    org_rows = services.organisations_with_handlers(community.id)
    compounds, buildings = services.community_places(community.id)
    grid_form = forms.get("grid_form") or GridForm(formdata=None)
    grid_form.set_choices(compounds, buildings)
    return render_template(
        "dispatch/settings.html", community=community, organisations=org_rows,
        grids=services.grids_with_areas(community.id),
        categories=services.categories_of(community.id),
        org_form=forms.get("org_form") or OrganisationForm(formdata=None),
        handler_form=HandlerForm(formdata=None), grid_form=grid_form,
        category_form=forms.get("category_form") or CategoryForm(formdata=None),
        failed_handler=forms.get("failed_handler")), status


@bp.get("/community/<int:community_id>/settings")
@login_required
def settings(community_id: int):
    return _settings_page(_community(community_id))


def _save(community, form_name: str, form, action):
    """Validate, run the service in one transaction, or show the page again with errors."""
    if not form.validate():
        return _settings_page(community, 400, **{form_name: form})
    try:
        with unit_of_work():
            action()
    except ServiceError as exc:
        show_error(form, exc)
        return _settings_page(community, exc.status, **{form_name: form})
    flash(_("已保存。"), "success")
    return redirect(url_for(".settings", community_id=community.id))


@bp.post("/community/<int:community_id>/organisations")
@login_required
def new_organisation(community_id: int):
    community = _community(community_id)
    form = OrganisationForm()
    return _save(community, "org_form", form, lambda: services.create_organisation(
        current_user, community, name=form.name.data, kind=form.kind.data))


@bp.post("/organisations/<int:organisation_id>/handlers")
@login_required
def add_handler(organisation_id: int):
    org = _org(organisation_id)
    back = _org_settings(org)
    form = HandlerForm()
    if not form.validate():
        flash(_("请填写手机号。"), "error")
        return redirect(back)
    try:
        with unit_of_work():
            services.add_handler(current_user, org, form.mobile.data)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(back + f"#org-{org.id}")
    flash(_("已添加经办人。"), "success")
    return redirect(back + f"#org-{org.id}")


@bp.post("/organisations/<int:organisation_id>/handlers/<int:handler_id>/revoke")
@login_required
def revoke_handler(organisation_id: int, handler_id: int):
    org = _org(organisation_id)
    with unit_of_work():
        services.revoke_handler(current_user, org, handler_id)
    flash(_("已移除经办人。"), "success")
    return redirect(_org_settings(org) + f"#org-{org.id}")


@bp.post("/community/<int:community_id>/grids")
@bp.post("/community/<int:community_id>/grids/<int:grid_id>")
@login_required
def save_grid(community_id: int, grid_id: int | None = None):
    community = _community(community_id)
    grid = db.session.get(Grid, grid_id) if grid_id else None
    if grid_id and (grid is None or grid.community_id != community.id):
        abort(404)
    form = GridForm()
    compounds, buildings = services.community_places(community.id)
    form.set_choices(compounds, buildings)
    return _save(community, "grid_form", form, lambda: services.save_grid(
        current_user, community, name=form.name.data, worker_mobile=form.worker_mobile.data,
        compound_ids=form.compounds.data or [], building_ids=form.buildings.data or [],
        grid=grid))


@bp.post("/community/<int:community_id>/categories")
@bp.post("/community/<int:community_id>/categories/<int:category_id>")
@login_required
def save_category(community_id: int, category_id: int | None = None):
    community = _community(community_id)
    category = db.session.get(TicketCategory, category_id) if category_id else None
    if category_id and (category is None or category.community_id != community.id):
        abort(404)
    form = CategoryForm()
    return _save(community, "category_form", form, lambda: services.save_category(
        current_user, community, name=form.name.data, working_days=form.working_days.data,
        is_active=form.is_active.data, category=category))


# ---- a handler's and a grid worker's desks ----------------------------------------------------

@bp.get("/mine")
@login_required
def mine():
    orgs = queries.handler_organisations(current_user)
    if not orgs:
        abort(403)
    overdue = request.args.get("overdue") == "1"
    page = arg_page()
    tickets, total = queries.my_tickets(current_user, overdue=overdue, page=page)
    return render_template("dispatch/mine.html", organisations=orgs, tickets=tickets,
                           total=total, page=page, page_size=queries.PAGE_SIZE,
                           overdue=overdue, now=utcnow())


def _grid(grid_id: int) -> Grid:
    grid = db.session.get(Grid, grid_id)
    if grid is None:
        abort(404)
    if grid.worker_id != current_user.id:
        abort(403)
    return grid


def _grid_page(grid, form=None, status=200):
    areas = queries.grid_areas(grid)
    form = form or PatrolForm(formdata=None)
    form.set_choices(areas)
    tickets, total = queries.grid_tickets(grid, arg_page())
    return render_template("dispatch/grid.html", grid=grid, tickets=tickets, total=total,
                           issues=queries.grid_issues(grid), form=form, now=utcnow()), status


@bp.get("/grids/<int:grid_id>")
@login_required
def grid(grid_id: int):
    return _grid_page(_grid(grid_id))


@bp.post("/grids/<int:grid_id>/patrol")
@login_required
def patrol(grid_id: int):
    grid = _grid(grid_id)
    form = PatrolForm()
    form.set_choices(queries.grid_areas(grid))
    if not form.validate():
        return _grid_page(grid, form, 400)
    photos = photos_from_request(form)
    if form.photos.errors:
        return _grid_page(grid, form, 400)
    compound_id, _sep, building_id = form.area.data.partition(":")
    try:
        with unit_of_work():
            ticket = services.patrol(current_user, grid, compound_id=int(compound_id),
                                     building_id=int(building_id or 0) or None,
                                     title=form.title.data, body=form.body.data or "",
                                     photos=photos)
    except ServiceError as exc:
        show_error(form, exc)
        return _grid_page(grid, form, exc.status)
    flash(_("巡查发现的问题已上报。"), "success")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


@bp.post("/tasks/<int:task_id>/ticket")
@login_required
def from_task(task_id: int):
    """A meeting's follow-up task made a ticket, by the community's staff."""
    task = db.session.get(FollowUpTask, task_id)
    if task is None:
        abort(404)
    if not has_role(current_user, task.compound_id, "staff"):
        abort(403)
    with unit_of_work():
        ticket = services.ticket_from_follow_up(current_user, task)
    flash(_("已转为工单。"), "success")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


# ---- the ticket -------------------------------------------------------------------------------

def render_ticket(ticket, seen_as: str, *, failed: str | None = None, form=None,
                  status: int = 200):
    full = seen_as != "reporter"
    actions = lifecycle.allowed_actions(ticket, current_user)
    assign_form = form if failed == "assign" else AssignForm(formdata=None)
    if "assign" in actions:
        assign_form.set_choices(services.assignable_organisations(ticket),
                                services.active_categories(ticket.community_id))
    return render_template(
        "dispatch/ticket.html", ticket=ticket, seen_as=seen_as, full=full,
        events=queries.history(ticket, full=full), photos=queries.photos(ticket),
        actions=actions, own_forms=lifecycle.OWN_FORMS, reasons=services.REASON_STEPS,
        reasons_public=lifecycle.PUBLIC_REASONS,
        failed=failed, step_form=form if failed in services.STEPS else StepForm(formdata=None),
        assign_form=assign_form,
        finish_form=form if failed == "finish" else FinishForm(formdata=None),
        rate_form=form if failed == "rate" else RateForm(formdata=None),
        now=utcnow()), status


@bp.get("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id: int):
    return render_ticket(*_ticket(ticket_id))


def _done(ticket, name: str):
    flash(_("已%(step)s。", step=labels.STEP_LABELS[name]), "success")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


def _run(ticket, seen_as, name, form, action):
    try:
        with unit_of_work():
            action()
    except ServiceError as exc:
        show_error(form, exc)
        if not form.errors and not getattr(form, "form_errors", None):
            flash(str(exc.message), "error")
        ticket = queries.load_ticket(ticket.id)
        return render_ticket(ticket, seen_as, failed=name, form=form, status=exc.status)
    return _done(ticket, name)


@bp.post("/tickets/<int:ticket_id>/steps/<name>")
@login_required
def step(ticket_id: int, name: str):
    ticket, seen_as = _ticket(ticket_id)
    if name not in services.STEPS:
        abort(404)
    form = StepForm()
    if not form.validate():
        return render_ticket(ticket, seen_as, failed=name, form=form, status=400)
    fields = {"reason": form.reason.data or "", "seen": form.seen.data or None}
    return _run(ticket, seen_as, name, form,
                lambda: services.STEPS[name](current_user, ticket, fields))


@bp.post("/tickets/<int:ticket_id>/assign")
@login_required
def assign(ticket_id: int):
    ticket, seen_as = _ticket(ticket_id)
    form = AssignForm()
    form.set_choices(services.assignable_organisations(ticket),
                     services.active_categories(ticket.community_id))
    if not form.validate():
        return render_ticket(ticket, seen_as, failed="assign", form=form, status=400)
    return _run(ticket, seen_as, "assign", form, lambda: services.assign(
        current_user, ticket, form.organisation.data, form.category.data,
        seen=form.seen.data or None))


@bp.post("/tickets/<int:ticket_id>/finish")
@login_required
def finish(ticket_id: int):
    ticket, seen_as = _ticket(ticket_id)
    form = FinishForm()
    if not form.validate():
        return render_ticket(ticket, seen_as, failed="finish", form=form, status=400)
    photos = photos_from_request(form)
    if form.photos.errors:
        return render_ticket(ticket, seen_as, failed="finish", form=form, status=400)
    return _run(ticket, seen_as, "finish", form, lambda: services.finish(
        current_user, ticket, form.reason.data, photos, seen=form.seen.data or None))


@bp.post("/tickets/<int:ticket_id>/rate")
@login_required
def rate(ticket_id: int):
    ticket, seen_as = _ticket(ticket_id)
    form = RateForm()
    if not form.validate():
        return render_ticket(ticket, seen_as, failed="rate", form=form, status=400)
    return _run(ticket, seen_as, "rate", form, lambda: services.rate(
        current_user, ticket, form.rating.data, seen=form.seen.data or None))


@bp.get("/tickets/<int:ticket_id>/photos/<int:photo_id>")
@bp.get("/tickets/<int:ticket_id>/photos/<int:photo_id>/<any(thumb):size>")
@login_required
def photo(ticket_id: int, photo_id: int, size: str = ""):
    ticket, _seen_as = _ticket(ticket_id)
    row = db.session.get(TicketPhoto, photo_id)
    if row is None or row.ticket_id != ticket.id:
        abort(404)
    return send_photo(row.thumb_path if size else row.path)

