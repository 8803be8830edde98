"""The result page (each figure against its threshold), objections, and the exports: Excel,
a printable page with a QR code, and the public JSON. Routes are added to the proposals
blueprint."""
import io

from flask import Response, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import is_member, is_staff
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.core.paper_links import paper_url
from app.core.time import utcnow
from app.proposals import attachments, exports, pages, services
from app.proposals.forms import ActionForm, AnswerForm, ObjectionForm
from app.proposals.labels import choice_items
from app.proposals.presenters import explain
from app.proposals.web import (
    advance_on_access,
    bp,
    is_closed,
    load,
    load_for_voter,
    require_staff,
)

VOTING_AND_AFTER = ("voting", "objection", "published", "implementation",
                    "implementation_published", "closed")


@bp.get("/<int:proposal_id>/result")
@login_required
def result(compound_id: int, proposal_id: int):
    """The result, for the compound and for a proxy who voted on it under authorisation."""
    compound, proposal = load_for_voter(compound_id, proposal_id)
    advance_on_access(proposal)
    return render_result(compound, proposal)


def render_result(compound, proposal, *, objection_form=None, answer_form=None,
                  answer_for=None, status=200):
    stored = pages.stored_result(proposal)
    staff = is_staff(current_user, compound)
    # Objections are the compound's members' (a proxy from outside reads the result only).
    window_open = (proposal.state == "objection" and proposal.objection_ends_at is not None
                   and utcnow() < proposal.objection_ends_at
                   and is_member(current_user, compound))
    return render_template(
        "proposals/result.html", compound=compound, proposal=proposal, stored=stored,
        view=explain(stored.result, choice_items(proposal)) if stored else None,
        objections=pages.objections(proposal) if stored else [], window_open=window_open,
        objection_form=objection_form or ObjectionForm(formdata=None),
        answer_form=answer_form or AnswerForm(formdata=None), answer_for=answer_for,
        publish_form=ActionForm(formdata=None), is_staff=staff,
        can_publish=staff and proposal.state == "objection"), status


@bp.post("/<int:proposal_id>/objections")
@login_required
def objection_lodge(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    form = ObjectionForm()
    if not form.validate_on_submit():
        return render_result(compound, proposal, objection_form=form, status=400)
    try:
        with unit_of_work():
            services.lodge_objection(current_user, proposal, form.body.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_result(compound, proposal, objection_form=form, status=exc.status)
    flash(_("异议已提交，社区工作人员会在公布最终结果前答复。"), "success")
    return redirect(url_for(".result", compound_id=compound.id, proposal_id=proposal.id,
                            _anchor="objections"))


@bp.post("/<int:proposal_id>/objections/<int:objection_id>/answer")
@login_required
def objection_answer(compound_id: int, proposal_id: int, objection_id: int):
    compound, proposal = load(compound_id, proposal_id)
    require_staff(compound)
    objection = pages.objection_in(proposal, objection_id)
    if objection is None:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_result(compound, proposal, answer_form=form, answer_for=objection.id,
                             status=400)
    try:
        with unit_of_work():
            services.answer_objection(current_user, objection, form.answer.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_result(compound, proposal, answer_form=form, answer_for=objection.id,
                             status=exc.status)
    flash(_("答复已发布。"), "success")
    return redirect(url_for(".result", compound_id=compound.id, proposal_id=proposal.id,
                            _anchor="objections"))


def _exportable(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    advance_on_access(proposal)
    if proposal.state not in VOTING_AND_AFTER:
        abort(404)
    return compound, proposal


@bp.get("/<int:proposal_id>/export.xlsx")
@login_required
def export_xlsx(compound_id: int, proposal_id: int):
    compound, proposal = _exportable(compound_id, proposal_id)
    data = exports.workbook(compound, proposal, is_closed(proposal))
    return send_file(io.BytesIO(data), mimetype=exports.XLSX_MIME, as_attachment=True,
                     download_name=f"表决结果统计表-{proposal.id}.xlsx")


@bp.get("/<int:proposal_id>/export.json")
@login_required
def export_json(compound_id: int, proposal_id: int):
    compound, proposal = _exportable(compound_id, proposal_id)
    if not is_closed(proposal):
        raise ServiceError(_l("投票截止后才能导出选票数据。"), status=409)
    return Response(exports.json_document(proposal), mimetype="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="proposal-{proposal.id}-ballots.json"'})


@bp.get("/<int:proposal_id>/print")
@login_required
def print_result(compound_id: int, proposal_id: int):
    compound, proposal = _exportable(compound_id, proposal_id)
    stored = pages.stored_result(proposal)
    if stored is None:
        abort(404)
    url = paper_url("result", proposal.id, stored.id)
    return render_template("proposals/print.html", compound=compound, proposal=proposal,
                           stored=stored, view=explain(stored.result, choice_items(proposal)),
                           qr=exports.qr_data_uri(url), url=url,
                           digest=exports.result_digest(stored),
                           attachments=attachments.listed(proposal))
