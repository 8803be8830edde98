"""An election's candidate page (候选人): the nominations with their supporters and the party
cell's review, the published list with each candidate's statement, and the forms to nominate,
join a nomination, write one's own statement, withdraw, and review. Routes are added to the
proposals blueprint; every rule is the service's (app.proposals.elections)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.proposals import elections
from app.proposals.forms_election import ConfirmForm, NominateForm, ReviewForm, StatementForm
from app.proposals.web import bp, load


def _load_election(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not elections.is_election(proposal):
        abort(404)
    return compound, proposal


@bp.get("/<int:proposal_id>/candidates")
@login_required
def candidates(compound_id: int, proposal_id: int):
    compound, proposal = _load_election(compound_id, proposal_id)
    return render_candidates(compound, proposal)


def render_candidates(compound, proposal, *, status=200, failed_id=None, **forms):
    rows = elections.candidate_rows(proposal)
    nominating = proposal.state in elections.NOMINATING
    mine = next((r for r in rows if r.row.user_id == current_user.id), None)
    return render_template(
        "proposals/candidates.html", compound=compound, proposal=proposal, rows=rows,
        nominating=nominating, mine=mine,
        supported=elections.supported_by(proposal, current_user) if nominating else set(),
        needed=compound.candidate_nominators,
        may_nominate=nominating and has_role(current_user, compound, "owner"),
        may_nominate_as_group=nominating and has_role(current_user, compound,
                                                      *elections.PREPARATORY_GROUP),
        may_review=nominating and has_role(current_user, compound, "party_cell"),
        nominate_form=forms.get("nominate_form") or NominateForm(formdata=None),
        statement_form=forms.get("statement_form") or StatementForm(
            formdata=None, obj=mine.row if mine else None),
        review_form=forms.get("review_form") or ReviewForm(formdata=None),
        failed_id=failed_id, confirm_form=ConfirmForm(formdata=None)), status


def _back(compound, proposal, message: str):
    flash(message, "success")
    return redirect(url_for(".candidates", compound_id=compound.id, proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/candidates/nominate")
@login_required
def nominate(compound_id: int, proposal_id: int):
    compound, proposal = _load_election(compound_id, proposal_id)
    form = NominateForm()
    status = 400
    if form.validate_on_submit():
        try:
            with unit_of_work():
                candidate = (elections.find_owner(compound, form.mobile.data)
                             if form.mobile.data else current_user)
                elections.nominate(current_user, proposal, candidate,
                                   statement=form.statement.data or "",
                                   as_group=form.as_group.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            return _back(compound, proposal, _("推荐已提交，等待小区党支部审议。"))
    return render_candidates(compound, proposal, status=status, nominate_form=form)


@bp.post("/<int:proposal_id>/candidates/<int:candidate_id>/<any(support, withdraw):step>")
@login_required
def candidate_step(compound_id: int, proposal_id: int, candidate_id: int, step: str):
    compound, proposal = _load_election(compound_id, proposal_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            candidate = elections.get_candidate(proposal, candidate_id)
            if step == "support":
                elections.support(current_user, candidate)
            else:
                elections.withdraw(current_user, candidate)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return render_candidates(compound, proposal, status=exc.status)
    return _back(compound, proposal, _("已联名推荐。") if step == "support"
                 else _("您已退出本次选举。"))


@bp.post("/<int:proposal_id>/candidates/<int:candidate_id>/statement")
@login_required
def candidate_statement(compound_id: int, proposal_id: int, candidate_id: int):
    compound, proposal = _load_election(compound_id, proposal_id)
    form = StatementForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                elections.edit_statement(current_user,
                                         elections.get_candidate(proposal, candidate_id),
                                         form.statement.data or "",
                                         form.shows_party_membership.data)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            return _back(compound, proposal, _("自我介绍已保存。"))
    return render_candidates(compound, proposal, status=400, statement_form=form)


@bp.post("/<int:proposal_id>/candidates/<int:candidate_id>/review")
@login_required
def candidate_review(compound_id: int, proposal_id: int, candidate_id: int):
    compound, proposal = _load_election(compound_id, proposal_id)
    form = ReviewForm()
    status = 400
    if form.validate_on_submit():
        try:
            with unit_of_work():
                elections.review(current_user, elections.get_candidate(proposal, candidate_id),
                                 form.verdict.data, form.opinion.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            return _back(compound, proposal, _("审议意见已记录。"))
    return render_candidates(compound, proposal, status=status, review_form=form,
                             failed_id=candidate_id)
