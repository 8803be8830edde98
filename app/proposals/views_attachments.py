"""Attachments of a proposal: uploaded and removed on the edit page while the proposal is a
draft (or returned), listed on the proposal page, downloaded by whoever may read the proposal.
Routes are added to the proposals blueprint."""
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.uploads import absolute_path, max_bytes, read_document
from app.proposals import attachments, survey_results
from app.proposals.forms import ActionForm, AttachmentForm, ProposalForm, proposal_form_data
from app.proposals.lifecycle import PROPOSERS
from app.proposals.web import bp, load, load_for_voter
from app.trustbooks import accounts as trust_accounts


def render_form(compound, proposal, form=None, *, attachment_form=None, status=200):
    """The new/edit page; a saved, editable proposal also gets its attachments section."""
    if form is None:
        form = ProposalForm(formdata=None, obj=proposal_form_data(proposal))
    editable = proposal is not None and proposal.state in attachments.EDITABLE
    form.cites_survey_id.choices = [(0, _("不引用"))] + survey_results.citable(compound.id)
    form.cites_account_id.choices = [(0, _("不引用"))] + trust_accounts.citable(compound.id)
    return render_template(
        "proposals/form.html", compound=compound, form=form, proposal=proposal,
        attachments=attachments.listed(proposal) if editable else [],
        attachment_form=(attachment_form or AttachmentForm(formdata=None)) if editable else None,
        remove_form=ActionForm(formdata=None), max_attachments=attachments.MAX_ATTACHMENTS,
        max_mb=max_bytes() // (1024 * 1024)), status


def _writer_load(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, *PROPOSERS):
        abort(403)
    return compound, proposal


def _to_edit(compound, proposal):
    return redirect(url_for(".edit", compound_id=compound.id, proposal_id=proposal.id,
                            _anchor="attachments"))


@bp.post("/<int:proposal_id>/attachments")
@login_required
def attachment_add(compound_id: int, proposal_id: int):
    compound, proposal = _writer_load(compound_id, proposal_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return render_form(compound, proposal, attachment_form=form, status=400)
    try:
        data, _ext = read_document(form.file.data, field="file")
        with unit_of_work():
            attachment = attachments.add(current_user, proposal, data, form.file.data.filename)
            name = attachment.filename
    except ServiceError as exc:
        if proposal.state not in attachments.EDITABLE:
            raise  # no form to go back to: the error page says why (409)
        show_error(form, exc)
        return render_form(compound, proposal, attachment_form=form, status=exc.status)
    flash(_("附件“%(name)s”已上传。", name=name), "success")
    return _to_edit(compound, proposal)


@bp.post("/<int:proposal_id>/attachments/<int:attachment_id>/remove")
@login_required
def attachment_remove(compound_id: int, proposal_id: int, attachment_id: int):
    compound, proposal = _writer_load(compound_id, proposal_id)
    attachment = attachments.find(proposal, attachment_id)
    if attachment is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = attachment.filename
    with unit_of_work():  # a refusal (409 once the proposal moved on) shows the error page
        attachments.remove(current_user, proposal, attachment)
    flash(_("附件“%(name)s”已删除。", name=name), "success")
    return _to_edit(compound, proposal)


@bp.get("/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def attachment_download(compound_id: int, proposal_id: int, attachment_id: int):
    """The stored file under the name it was uploaded with, for whoever may read the
    proposal page (a proxy holding an authorisation for it included); always a download,
    never rendered in the browser."""
    compound, proposal = load_for_voter(compound_id, proposal_id)
    attachment = attachments.find(proposal, attachment_id)
    if attachment is None:
        abort(404)
    path = absolute_path(attachment.stored_path)
    if not path.is_file():
        abort(404)
    # send_file adds filename*=UTF-8''… (RFC 5987) for names that are not plain ASCII.
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
