"""Acting on a notice: publish a draft, correct or withdraw a published notice (each with a
written reason), and a household's acknowledgement (htmx, with a plain-form fallback)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.extensions import htmx
from app.notices import reads, services
from app.notices.forms import CorrectionForm, EmptyForm, WithdrawForm
from app.notices.pages import ack_context, load, render_show
from app.notices.web import bp


def _back(notice, anchor: str = ""):
    return redirect(url_for(".show", compound_id=notice.compound_id, notice_id=notice.id)
                    + anchor)


@bp.post("/<int:notice_id>/publish")
@login_required
def publish(compound_id: int, notice_id: int):
    compound, notice = load(compound_id, notice_id, publisher=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            services.publish(current_user, notice)
        flash(_("公告已发布。"), "success")
    except ServiceError as exc:
        flash(exc.message, "error")
    return _back(notice)


@bp.route("/<int:notice_id>/correct", methods=["GET", "POST"])
@login_required
def correct(compound_id: int, notice_id: int):
    compound, notice = load(compound_id, notice_id, publisher=True)
    if notice.status != "published":
        abort(409)
    form = CorrectionForm()
    if not form.is_submitted():
        form.title.data, form.body.data = notice.title, notice.body_source
    elif form.validate():
        try:
            with unit_of_work():
                services.correct(current_user, notice, title=form.title.data,
                                 body=form.body.data, reason=form.reason.data)
        except ServiceError as exc:
            show_error(form, exc)
            return render_template("notices/correct.html", compound=compound, notice=notice,
                                   form=form), exc.status
        flash(_("更正已发布，更正前的内容和理由保留在公告页上。"), "success")
        return _back(notice)
    status = 400 if form.errors else 200
    return render_template("notices/correct.html", compound=compound, notice=notice,
                           form=form), status


@bp.post("/<int:notice_id>/withdraw")
@login_required
def withdraw(compound_id: int, notice_id: int):
    compound, notice = load(compound_id, notice_id, publisher=True)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_show(compound, notice, withdraw_form=form, status=400)
    try:
        with unit_of_work():
            services.withdraw(current_user, notice, form.reason.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_show(compound, notice, withdraw_form=form, status=exc.status)
    flash(_("公告已撤回，撤回理由会显示在公告上。"), "success")
    return _back(notice)


@bp.post("/<int:notice_id>/acknowledge")
@login_required
def acknowledge(compound_id: int, notice_id: int):
    compound, notice = load(compound_id, notice_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    message, category = _("已确认知晓，谢谢。"), "success"
    try:
        with unit_of_work():
            reads.acknowledge(current_user, notice)
    except ServiceError as exc:
        if exc.status == 403:
            raise
        message, category = exc.message, "error"
    household = reads.household_of(current_user, notice)
    if htmx:
        return render_template("notices/_partials/_ack.html",
                               **ack_context(compound, notice, household, message, category))
    flash(message, category)
    return _back(notice, "#ack")
