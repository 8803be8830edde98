"""Survey pages of a consultation: its questions (while a draft), the questionnaire, the
results per question, the moderation of free-text answers, the named answers (staff), and the
satisfaction survey template. Routes are added to the proposals blueprint."""
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, require_role
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.time import CHINA
from app.proposals import (
    survey_answers,
    survey_questions,
    survey_results,
    survey_template,
    survey_texts,
)
from app.proposals.citations import citations
from app.proposals.forms_survey import (
    KIND_LABELS,
    AnswerSheetForm,
    ModerationForm,
    QuestionForm,
    SatisfactionForm,
)
from app.proposals.models import Proposal
from app.proposals.web import advance_on_access, bp, is_closed, load

RATINGS = (1, 2, 3, 4, 5)


def survey_context(proposal: Proposal) -> dict:
    """What the proposal page shows of a survey: its panel (a consultation with questions)
    and what a matter-4 proposal cites (a survey, an annual account). One statement each."""
    has = proposal.kind == "consultation" and survey_questions.has_questions(proposal.id)
    running = survey_answers.running(proposal, current_user) \
        if has and proposal.state == "voting" else None
    cited_survey, cited_account = citations(proposal)
    return {"has_survey": has, "survey_running": running,
            "cited_survey": cited_survey, "cited_account": cited_account}


def _to(endpoint: str, compound, proposal, **kw):
    return redirect(url_for(endpoint, compound_id=compound.id, proposal_id=proposal.id, **kw))


@bp.route("/<int:proposal_id>/survey/questions", methods=["GET", "POST"])
@login_required
def survey_questions_page(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, *survey_questions.EDITORS):
        abort(403)
    form = QuestionForm()
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                survey_questions.add_question(
                    current_user, proposal, kind=form.kind.data, prompt=form.prompt.data,
                    options=form.option_lines(), required=form.required.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            flash(_("题目已添加。"), "success")
            return _to(".survey_questions_page", compound, proposal)
    elif form.errors:
        status = 400
    return render_template(
        "proposals/survey_questions.html", compound=compound, proposal=proposal, form=form,
        questions=survey_questions.questions(proposal.id), kind_labels=KIND_LABELS,
        editable=proposal.state in survey_questions.EDITABLE
        and proposal.kind == "consultation", remove_form=AnswerSheetForm(formdata=None)), status


@bp.post("/<int:proposal_id>/survey/questions/<int:question_id>/remove")
@login_required
def survey_question_remove(compound_id: int, proposal_id: int, question_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not AnswerSheetForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        survey_questions.remove_question(current_user, proposal, question_id)
    flash(_("题目已删除。"), "success")
    return _to(".survey_questions_page", compound, proposal)


def _raw_answers(questions) -> dict:
    return {q.id: request.form.getlist(f"q{q.id}") for q in questions}


@bp.route("/<int:proposal_id>/survey", methods=["GET", "POST"])
@login_required
def survey_answer(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    questions = survey_questions.questions(proposal.id)
    if not questions or proposal.kind != "consultation":
        abort(404)
    form, error, status = AnswerSheetForm(), None, 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                survey_answers.answer(proposal.id, current_user, _raw_answers(questions),
                                      compound_id=compound.id)
        except ServiceError as exc:
            error, status = exc, exc.status
        else:
            flash(_("问卷已提交，谢谢您的参与。"), "success")
            return _to(".survey_answer", compound, proposal)
    elif form.is_submitted():
        status = 400
    if request.method == "GET":
        advance_on_access(proposal)
    return render_template(
        "proposals/survey_answer.html", compound=compound, proposal=proposal, form=form,
        questions=questions, error=error, typed=request.form if error else {},
        answered=proposal.state == "voting"
        and survey_answers.answered(proposal, current_user),
        ratings=RATINGS), status


@bp.get("/<int:proposal_id>/survey/results")
@login_required
def survey_results_page(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    advance_on_access(proposal)
    result = survey_results.result_of(proposal.id) if is_closed(proposal) else None
    if result is None and not survey_questions.has_questions(proposal.id):
        abort(404)
    return render_template(
        "proposals/survey_results.html", compound=compound, proposal=proposal,
        figures=result.figures if result else None, r=survey_results,
        texts=survey_results.published_texts(proposal.id) if result else {},
        may_moderate=survey_texts.may_moderate(current_user, compound))


@bp.route("/<int:proposal_id>/survey/moderation", methods=["GET", "POST"])
@login_required
def survey_moderation(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not survey_texts.may_moderate(current_user, compound):
        abort(403)
    form, status, failed = ModerationForm(), 200, None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                survey_texts.moderate(current_user, proposal, form.text_number() or 0,
                                      form.decision.data, form.reason.data)
        except ServiceError as exc:
            show_error(form, exc)
            status, failed = exc.status, form.text_number()
        else:
            flash(_("已处理。"), "success")
            return _to(".survey_moderation", compound, proposal)
    elif form.is_submitted():
        status, failed = 400, form.text_number()
    return render_template(
        "proposals/survey_moderation.html", compound=compound, proposal=proposal, form=form,
        failed=failed, queue=survey_texts.queue(proposal)), status


@bp.get("/<int:proposal_id>/survey/responses")
@login_required
def survey_responses(compound_id: int, proposal_id: int):
    """A named survey's answers by name, for staff only; an anonymous one has none."""
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, "staff"):
        abort(403)
    return render_template("proposals/survey_responses.html", compound=compound,
                           proposal=proposal, rows=survey_answers.named_answers(proposal),
                           questions=survey_questions.questions(proposal.id))


@bp.route("/survey/satisfaction", methods=["GET", "POST"])
@login_required
def survey_satisfaction(compound_id: int):
    compound = require_role(compound_id, *survey_template.TEMPLATE_ROLES)
    form = SatisfactionForm(data=None if request.method == "POST" else
                            {"year": datetime.now(CHINA).year})
    if form.validate_on_submit():
        try:
            with unit_of_work():
                proposal = survey_template.create_satisfaction(current_user, compound,
                                                               form.year.data)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("满意度测评草稿已创建，可以修改题目后开始征求意见。"), "success")
            return _to(".show", compound, proposal)
    return render_template("proposals/survey_new.html", compound=compound, form=form,
                           questions=survey_template.questions()), 400 if form.errors else 200
