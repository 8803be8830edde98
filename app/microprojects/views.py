"""Micro-project pages (/c/<id>/micro-projects/...): the rounds, a round with its ideas, the
vote and the result, an idea with its reviews, milestones, acceptance, ratings and spending.
Anyone who may read the compound reads them; each step's service checks who may act."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, require_member, roles_in
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.periods import end_of_day
from app.core.time import utcnow
from app.core.workflow import allowed
from app.dispatch.photos import photos_from_request
from app.extensions import db
from app.microprojects import funding, ideas, labels, queries, rounds, votes
from app.microprojects import views_project as _project_routes  # noqa: F401  (routes on bp)
from app.microprojects.forms import (
    NoteForm,
    ProposeForm,
    RoundForm,
    VoteForm,
)
from app.microprojects.households import homes_of, unit_label
from app.microprojects.lifecycle import ROUND
from app.microprojects.web import bp
from app.microprojects.web import fund_label as _fund_label
from app.microprojects.web import load_round as _round


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    return render_template("microprojects/index.html", compound=compound,
                           rounds=queries.rounds_of(compound.id),
                           may_create=has_role(current_user, compound, *rounds.CREATORS),
                           fund_label=_fund_label)


def _new_page(compound, form, status=200):
    form.set_choices(funding.funds_for(compound), _fund_label)
    return render_template("microprojects/new_round.html", compound=compound, form=form), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_round(compound_id: int):
    compound = require_member(compound_id)
    if not has_role(current_user, compound, *rounds.CREATORS):
        abort(403)
    form = RoundForm()
    form.set_choices(funding.funds_for(compound), _fund_label)
    if request.method == "GET" or not form.validate():
        return _new_page(compound, form, 200 if request.method == "GET" else 400)
    try:
        with unit_of_work():
            created = rounds.create_round(
                current_user, compound, fund_id=form.fund.data, title=form.title.data,
                body=form.body.data or "", budget_cap=form.budget_cap.data,
                collect_until=end_of_day(form.collect_until.data),
                candidate_days=form.candidate_days.data, voting_days=form.voting_days.data)
    except ServiceError as exc:
        show_error(form, exc)
        return _new_page(compound, form, exc.status)
    flash(_("已发起征集。"), "success")
    return redirect(url_for(".round_page", compound_id=compound.id, round_id=created.id))


def render_round(compound, project_round, *, failed=None, form=None, status=200):
    projects = queries.projects_of(project_round)
    homes = homes_of(current_user, compound.id) if project_round.state == "voting" else []
    vote_form = form if failed == "vote" else VoteForm(formdata=None)
    vote_form.projects.choices = [(p.id, p.title) for p in projects if p.state == "candidate"]
    vote_form.unit.choices = [(h.unit_id, unit_label(h.unit)) for h in homes]
    return render_template(
        "microprojects/round.html", compound=compound, round=project_round,
        projects=projects, events=queries.round_events(project_round),
        actions=allowed(ROUND, project_round, current_user),
        ballot=votes.ballot_of_household(current_user, project_round) if homes else None,
        homes=homes, vote_form=vote_form, failed=failed,
        note_form=form if failed in rounds.STEPS or failed == "decide" else NoteForm(
            formdata=None),
        may_propose=project_round.state == "collecting"
        and "resident" in roles_in(current_user, compound),
        fund_label=_fund_label, now=utcnow()), status


@bp.get("/<int:round_id>")
@login_required
def round_page(compound_id: int, round_id: int):
    return render_round(*_round(compound_id, round_id))


@bp.post("/<int:round_id>/steps/<name>")
@login_required
def round_step(compound_id: int, round_id: int, name: str):
    compound, project_round = _round(compound_id, round_id)
    if name not in rounds.STEPS and name != "decide":
        abort(404)
    form = NoteForm()
    if not form.validate():
        return render_round(compound, project_round, failed=name, form=form, status=400)
    seen = form.seen.data or None
    try:
        with unit_of_work():
            if name == "decide":
                rounds.decide(current_user, project_round, form.note.data or "", seen=seen)
            else:
                rounds.STEPS[name](current_user, project_round, seen=seen)
    except ServiceError as exc:
        show_error(form, exc)
        db.session.expire_all()
        project_round = queries.load_round(compound.id, round_id)
        return render_round(compound, project_round, failed=name, form=form,
                            status=exc.status)
    flash(_("已完成：%(step)s。", step=labels.ROUND_STEPS[name]), "success")
    return redirect(url_for(".round_page", compound_id=compound.id, round_id=round_id))


@bp.post("/<int:round_id>/vote")
@login_required
def vote(compound_id: int, round_id: int):
    compound, project_round = _round(compound_id, round_id)
    form = VoteForm()
    form.projects.choices = [(p.id, p.title) for p in votes.candidates_of(project_round)]
    form.unit.choices = [(h.unit_id, "") for h in homes_of(current_user, compound.id)]
    if not form.validate():
        return render_round(compound, project_round, failed="vote", form=form, status=400)
    try:
        with unit_of_work():
            votes.cast(current_user, project_round, form.projects.data or [],
                       unit_id=form.unit.data or None)
    except ServiceError as exc:
        show_error(form, exc)
        db.session.expire_all()
        project_round = queries.load_round(compound.id, round_id)
        return render_round(compound, project_round, failed="vote", form=form,
                            status=exc.status)
    flash(_("投票成功，谢谢参与。"), "success")
    return redirect(url_for(".round_page", compound_id=compound.id, round_id=round_id)
                    + "#vote")


@bp.get("/<int:round_id>/result")
@login_required
def result(compound_id: int, round_id: int):
    compound, project_round = _round(compound_id, round_id)
    if project_round.result is None:
        abort(404)
    return render_template("microprojects/result.html", compound=compound,
                           round=project_round, rows=project_round.result["rows"])


def _propose_page(compound, project_round, form, status=200):
    return render_template("microprojects/propose.html", compound=compound,
                           round=project_round, form=form), status


@bp.route("/<int:round_id>/propose", methods=["GET", "POST"])
@login_required
def propose(compound_id: int, round_id: int):
    compound, project_round = _round(compound_id, round_id)
    if "resident" not in roles_in(current_user, compound):
        abort(403)
    form = ProposeForm()
    if request.method == "GET":
        return _propose_page(compound, project_round, form)
    if not form.validate():
        return _propose_page(compound, project_round, form, 400)
    photos = photos_from_request(form)
    if form.photos.errors:
        return _propose_page(compound, project_round, form, 400)
    try:
        with unit_of_work():
            project = ideas.propose(current_user, project_round, title=form.title.data,
                                    body=form.body.data or "", location=form.location.data,
                                    estimate=form.estimate.data, photos=photos)
    except ServiceError as exc:
        show_error(form, exc)
        return _propose_page(compound, project_round, form, exc.status)
    flash(_("微项目已提交，等待邻居附议和议事会初审。"), "success")
    return redirect(url_for(".project", compound_id=compound.id, round_id=round_id,
                            project_id=project.id))

