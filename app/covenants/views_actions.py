"""What people do to a covenant: comment on an article, edit a draft, move a version along
(review, vote, adoption, publication), sign, withdraw, commit. Routes are added to the
covenants blueprint; every one is a POST with a plain form (no JavaScript needed)."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import require_member
from app.core import workflow
from app.core.db import get_scoped, unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.covenants import adoption, household, services
from app.covenants.forms import (
    ArticlesForm,
    CommentForm,
    CommitmentForm,
    EmptyForm,
    LinkForm,
    NewProposalForm,
    PublishForm,
    ReasonForm,
)
from app.covenants.lifecycle import OWN_FORMS, WORKFLOW, covenant_of
from app.covenants.pages import render_covenant, render_version
from app.covenants.web import bp
from app.proposals.models import Proposal

DONE = {
    "close_consultation": _l("征集民意已结束，进入拟定草案。"),
    "submit_review": _l("草案已提交街道审核。"),
    "approve_review": _l("审核通过，可以提请表决了。"),
    "adopt": _l("公约已通过生效，请备案公布。"),
}


def _load(compound_id: int, covenant_id: int, version_id: int | None = None):
    compound = require_member(compound_id)
    covenant = services.get_covenant(compound, covenant_id)
    version = services.get_version(covenant, version_id) if version_id else None
    return compound, covenant, version


def _to_version(version):
    return redirect(url_for(".version", compound_id=covenant_of(version).compound_id,
                            covenant_id=version.covenant_id, version_id=version.id))


def _to_covenant(covenant, anchor=""):
    return redirect(url_for(".show", compound_id=covenant.compound_id,
                            covenant_id=covenant.id) + anchor)


@bp.post("/<int:covenant_id>/versions/<int:version_id>/comments")
@login_required
def comment(compound_id: int, covenant_id: int, version_id: int):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_version(compound, covenant, version, comment_form=form, status=400)
    try:
        with unit_of_work():
            row = services.comment(current_user, version, form.article.data or 0,
                                   form.body.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_version(compound, covenant, version, comment_form=form,
                              status=exc.status)
    flash(_("意见已提交，谢谢。"), "success")
    return redirect(url_for(".version", compound_id=compound.id, covenant_id=covenant.id,
                            version_id=version.id) + f"#art-{row.article_number}")


@bp.post("/<int:covenant_id>/versions/<int:version_id>/articles")
@login_required
def edit_articles(compound_id: int, covenant_id: int, version_id: int):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    form = ArticlesForm()
    if not form.validate_on_submit():
        return render_version(compound, covenant, version, articles_form=form, status=400)
    try:
        with unit_of_work():
            services.save_articles(current_user, version, form.articles.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_version(compound, covenant, version, articles_form=form,
                              status=exc.status)
    flash(_("条文已保存。"), "success")
    return _to_version(version)


@bp.post("/<int:covenant_id>/versions/<int:version_id>/step/<name>")
@login_required
def step(compound_id: int, covenant_id: int, version_id: int, name: str):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    if workflow.button(WORKFLOW, name, skip=OWN_FORMS) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            services.advance(current_user, version, name)
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_version(compound, covenant, version, status=exc.status)
    flash(str(DONE[name]), "success")
    return _to_version(version)


@bp.post("/<int:covenant_id>/versions/<int:version_id>/return")
@login_required
def return_draft(compound_id: int, covenant_id: int, version_id: int):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_version(compound, covenant, version, reason_form=form, status=400)
    try:
        with unit_of_work():
            services.return_to_draft(current_user, version, form.reason.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_version(compound, covenant, version, reason_form=form,
                              status=exc.status)
    flash(_("已退回拟定草案。"), "success")
    return _to_version(version)


@bp.post("/<int:covenant_id>/versions/<int:version_id>/link")
@login_required
def link(compound_id: int, covenant_id: int, version_id: int):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return render_version(compound, covenant, version, link_form=form, status=400)
    try:
        with unit_of_work():
            proposal = get_scoped(Proposal, form.proposal.data, _l("找不到这个议案。"),
                                  compound_id=compound.id)
            adoption.link_proposal(current_user, version, proposal)
    except ServiceError as exc:
        exc.field = "proposal"
        show_error(form, exc)
        return render_version(compound, covenant, version, link_form=form, status=exc.status)
    flash(_("已提请表决。"), "success")
    return _to_version(version)


@bp.post("/<int:covenant_id>/versions/<int:version_id>/proposal")
@login_required
def new_proposal(compound_id: int, covenant_id: int, version_id: int):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    form = NewProposalForm()
    if not form.validate_on_submit() or form.kind.data not in ("owners", "consultation"):
        abort(400)
    try:
        with unit_of_work():
            proposal = adoption.create_proposal(current_user, version, kind=form.kind.data)
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_version(compound, covenant, version, status=exc.status)
    flash(_("已起草表决议案并提请表决，请在议案页面推进流程。"), "success")
    return redirect(url_for("proposals.show", compound_id=compound.id, proposal_id=proposal.id))


@bp.post("/<int:covenant_id>/versions/<int:version_id>/publish")
@login_required
def publish(compound_id: int, covenant_id: int, version_id: int):
    compound, covenant, version = _load(compound_id, covenant_id, version_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return render_version(compound, covenant, version, publish_form=form, status=400)
    try:
        with unit_of_work():
            adoption.publish(current_user, version, form.filing_ref.data or "")
    except ServiceError as exc:
        show_error(form, exc)
        return render_version(compound, covenant, version, publish_form=form,
                              status=exc.status)
    flash(_("公约已备案公布，现行版本已更新。"), "success")
    return _to_covenant(covenant)


@bp.post("/<int:covenant_id>/versions")
@login_required
def start_version(compound_id: int, covenant_id: int):
    compound, covenant, _v = _load(compound_id, covenant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            version = services.start_version(current_user, covenant)
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_covenant(compound, covenant, status=exc.status)
    flash(_("已开始修订新版本，居民可以逐条提意见了。"), "success")
    return _to_version(version)


@bp.post("/<int:covenant_id>/sign")
@login_required
def sign(compound_id: int, covenant_id: int):
    compound, covenant, _v = _load(compound_id, covenant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            household.sign(current_user, covenant)
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_covenant(compound, covenant, status=exc.status)
    flash(_("感谢您承诺遵守公约。"), "success")
    return _to_covenant(covenant, "#sign")


@bp.post("/<int:covenant_id>/withdraw")
@login_required
def withdraw(compound_id: int, covenant_id: int):
    compound, covenant, _v = _load(compound_id, covenant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            household.withdraw(current_user, covenant)
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_covenant(compound, covenant, status=exc.status)
    flash(_("已撤回签署。"), "success")
    return _to_covenant(covenant, "#sign")


@bp.post("/<int:covenant_id>/commitments")
@login_required
def commit(compound_id: int, covenant_id: int):
    compound, covenant, _v = _load(compound_id, covenant_id)
    form = CommitmentForm()
    if not form.validate_on_submit():
        return render_covenant(compound, covenant, commitment_form=form, status=400)
    try:
        with unit_of_work():
            household.commit(current_user, covenant, form.body.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_covenant(compound, covenant, commitment_form=form, status=exc.status)
    flash(_("您的承诺已发布。"), "success")
    return _to_covenant(covenant, "#commitments")
