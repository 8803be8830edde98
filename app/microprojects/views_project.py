"""An idea's pages on the micro-projects blueprint: the idea with its reviews, seconds,
milestones, acceptance and ratings; its spending against its budget; its photos."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.compounds.access import roles_in
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.workflow import allowed
from app.dispatch.photos import photos_from_request, send_photo
from app.extensions import db
from app.microprojects import delivery, funding, ideas, labels, queries
from app.microprojects.forms import MilestoneForm, NoteForm, RateForm
from app.microprojects.lifecycle import PROJECT
from app.microprojects.models import ProjectPhoto, ProjectRating
from app.microprojects.web import bp, load_project

BUTTONS = ("shortlist", "reject", "endorse", "party_reject", "accept", "disclose")
STEPS = {"accept": lambda actor, p, note, seen: delivery.accept(actor, p, note, seen=seen),
         "disclose": lambda actor, p, note, seen: delivery.disclose(actor, p, seen=seen)}



def render_project(compound, project_round, project, *, failed=None, form=None, status=200):
    held = roles_in(current_user, compound)
    actions = [a for a in allowed(PROJECT, project, current_user) if a in BUTTONS
               and (a not in ideas.REVIEW_STAGE
                    or project_round.state == ideas.REVIEW_STAGE[a])]
    count, stars = delivery.rating_summary(project)
    rated = db.session.scalar(select(ProjectRating.stars).where(
        ProjectRating.project_id == project.id, ProjectRating.user_id == current_user.id))
    milestones = queries.milestones_of(project)
    photos = queries.photos_of(project)
    return render_template(
        "microprojects/project.html", compound=compound, round=project_round,
        project=project, actions=actions, events=queries.project_events(project),
        milestones=milestones, idea_photos=[p for p in photos if p.milestone_id is None],
        milestone_photos=photos, rating_count=count, my_rating=rated,
        rating_average=f"{stars * 10 // count // 10}.{stars * 10 // count % 10}" if count else "",
        may_second=project.state == "proposed" and project_round.state in (
            "collecting", "reviewing") and "resident" in held
        and project.author_id != current_user.id,
        seconded=ideas.has_seconded(current_user, project) if "resident" in held else False,
        may_post=project.state == "implementing" and bool(held & {
            "property", "staff", "council", "committee", "admin"}),
        may_rate=project.state in ("accepted", "disclosed") and "resident" in held
        and rated is None,
        failed=failed,
        note_form=form if failed in BUTTONS else NoteForm(formdata=None),
        milestone_form=form if failed == "milestone" else MilestoneForm(formdata=None),
        rate_form=form if failed == "rate" else RateForm(formdata=None)), status


def _back(compound, project_round, project, anchor=""):
    return redirect(url_for(".project", compound_id=compound.id, round_id=project_round.id,
                            project_id=project.id) + anchor)


@bp.get("/<int:round_id>/p/<int:project_id>")
@login_required
def project(compound_id: int, round_id: int, project_id: int):
    return render_project(*load_project(compound_id, round_id, project_id))


def _run(loaded, name, form, action, done, anchor=""):
    compound, project_round, project = loaded
    try:
        with unit_of_work():
            action()
    except ServiceError as exc:
        show_error(form, exc)
        db.session.expire_all()
        loaded = load_project(compound.id, project_round.id, project.id)
        return render_project(*loaded, failed=name, form=form, status=exc.status)
    flash(done, "success")
    return _back(compound, project_round, project, anchor)


@bp.post("/<int:round_id>/p/<int:project_id>/second")
@login_required
def second(compound_id: int, round_id: int, project_id: int):
    loaded = load_project(compound_id, round_id, project_id)
    form = NoteForm()
    return _run(loaded, "second", form, lambda: ideas.second(current_user, loaded[2]),
                _("附议成功。"))


@bp.post("/<int:round_id>/p/<int:project_id>/steps/<name>")
@login_required
def step(compound_id: int, round_id: int, project_id: int, name: str):
    if name not in BUTTONS:
        abort(404)
    loaded = load_project(compound_id, round_id, project_id)
    form = NoteForm()
    if not form.validate():
        return render_project(*loaded, failed=name, form=form, status=400)
    note, seen = form.note.data or "", form.seen.data or None
    if name in STEPS:
        action = lambda: STEPS[name](current_user, loaded[2], note, seen)  # noqa: E731
    else:
        action = lambda: ideas.review(current_user, loaded[2], name, note, seen)  # noqa: E731
    return _run(loaded, name, form, action,
                _("已完成：%(step)s。", step=labels.PROJECT_STEPS[name]))


@bp.post("/<int:round_id>/p/<int:project_id>/milestones")
@login_required
def milestone(compound_id: int, round_id: int, project_id: int):
    loaded = load_project(compound_id, round_id, project_id)
    form = MilestoneForm()
    if not form.validate():
        return render_project(*loaded, failed="milestone", form=form, status=400)
    photos = photos_from_request(form)
    if form.photos.errors:
        return render_project(*loaded, failed="milestone", form=form, status=400)
    return _run(loaded, "milestone", form, lambda: delivery.post_milestone(
        current_user, loaded[2], note=form.note.data, progress=form.progress.data,
        photos=photos), _("实施进展已发布。"), "#milestones")


@bp.post("/<int:round_id>/p/<int:project_id>/rate")
@login_required
def rate(compound_id: int, round_id: int, project_id: int):
    loaded = load_project(compound_id, round_id, project_id)
    form = RateForm()
    if not form.validate():
        return render_project(*loaded, failed="rate", form=form, status=400)
    return _run(loaded, "rate", form,
                lambda: delivery.rate(current_user, loaded[2], form.stars.data),
                _("谢谢您的评价。"), "#ratings")


@bp.get("/<int:round_id>/p/<int:project_id>/spending")
@login_required
def spending(compound_id: int, round_id: int, project_id: int):
    compound, project_round, project = load_project(compound_id, round_id, project_id)
    entries = funding.expenses_of(project)
    spent = sum(funding.signed(e) for e in entries)
    return render_template("microprojects/spending.html", compound=compound,
                           round=project_round, project=project, entries=entries,
                           spent=spent, signed=funding.signed)


@bp.get("/<int:round_id>/p/<int:project_id>/photos/<int:photo_id>")
@bp.get("/<int:round_id>/p/<int:project_id>/photos/<int:photo_id>/<any(thumb):size>")
@login_required
def photo(compound_id: int, round_id: int, project_id: int, photo_id: int, size: str = ""):
    _compound, _round, project = load_project(compound_id, round_id, project_id)
    row = db.session.get(ProjectPhoto, photo_id)
    if row is None or row.project_id != project.id:
        abort(404)
    return send_photo(row.thumb_path if size else row.path)
