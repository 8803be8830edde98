"""Moderation pages: the report form (for every member), the party cell's queue and the page
of one reported item (hide, restore, dismiss, mute its author), and the public log. Every
action is a plain form; nothing needs JavaScript."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.compounds.access import require_member, require_role
from app.compounds.roles import ROLE_LABELS
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.core.ids import arg_page
from app.extensions import db
from app.issues.queries import author_name, sees_who
from app.moderation import mutes, queries, services
from app.moderation.forms import (
    DismissForm,
    HideForm,
    LiftForm,
    MuteForm,
    ReportForm,
    RestoreForm,
)
from app.moderation.services import KIND_LABELS

bp = Blueprint("moderation", __name__, url_prefix="/c/<int:compound_id>/moderation")

KINDS = "<any(issue,comment):kind>/<int:target_id>"
ACTION_LABELS = {"hide": _l("隐藏"), "restore": _l("恢复显示"), "mute": _l("禁言"),
                 "unmute": _l("解除禁言")}


@bp.context_processor
def _names():
    return {"kind_labels": KIND_LABELS, "role_labels": ROLE_LABELS,
            "action_labels": ACTION_LABELS,
            "author_name": author_name}


def _moderator(compound_id: int):
    return require_role(compound_id, *mutes.MODERATORS)


def _target(compound, kind: str, target_id: int):
    try:
        return services.get_target(compound, kind, target_id)
    except ServiceError:
        abort(404)


@bp.route(f"/report/{KINDS}", methods=["GET", "POST"])
@login_required
def report(compound_id: int, kind: str, target_id: int):
    compound = require_member(compound_id)
    target = _target(compound, kind, target_id)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.report(current_user, compound, target, form.reason.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            flash(_("举报已提交，党支部会尽快查看。谢谢您维护文明的讨论环境。"), "success")
            return redirect(target.link)
    elif form.is_submitted():
        status = 400
    return render_template("moderation/report.html", compound=compound, target=target,
                           form=form), status


@bp.get("/")
@login_required
def queue(compound_id: int):
    compound = _moderator(compound_id)
    return render_template("moderation/queue.html", compound=compound,
                           items=queries.queue(compound), hidden=queries.hidden_now(compound),
                           mutes=mutes.current_mutes(compound), hide_form=HideForm(formdata=None),
                           dismiss_form=DismissForm(formdata=None),
                           lift_form=LiftForm(formdata=None), sees=True)


def _item_page(compound, target, status=200, **forms):
    blank = {"hide_form": HideForm, "restore_form": RestoreForm, "dismiss_form": DismissForm,
             "mute_form": MuteForm}
    for name, cls in blank.items():
        forms.setdefault(name, cls(formdata=None))
    author = db.session.get(User, target.row.author_id)
    return render_template(
        "moderation/item.html", compound=compound, target=target,
        reports=services.open_reports(target), author=author,
        author_mute=mutes.active_mute(author, compound), sees=sees_who(current_user, compound),
        **forms), status


@bp.get(f"/{KINDS}")
@login_required
def item(compound_id: int, kind: str, target_id: int):
    compound = _moderator(compound_id)
    return _item_page(compound, _target(compound, kind, target_id))


def _act(compound_id, kind, target_id, form_name, form_cls, run, done):
    """Validate the form, run one service, then back to the queue; errors re-render the
    item's page with what was typed."""
    compound = _moderator(compound_id)
    target = _target(compound, kind, target_id)
    form = form_cls()
    if not form.validate_on_submit():
        return _item_page(compound, target, 400, **{form_name: form})
    try:
        with unit_of_work():
            run(compound, target, form)
    except ServiceError as exc:
        show_error(form, exc)
        return _item_page(compound, target, exc.status, **{form_name: form})
    flash(done, "success")
    if request.form.get("next") == "item":  # acted from the item's own page: stay there
        return redirect(url_for(".item", compound_id=compound.id, kind=kind,
                                target_id=target_id))
    return redirect(url_for(".queue", compound_id=compound.id))


@bp.post(f"/{KINDS}/hide")
@login_required
def hide(compound_id: int, kind: str, target_id: int):
    return _act(compound_id, kind, target_id, "hide_form", HideForm,
                lambda c, t, f: services.hide(current_user, c, t, f.reason.data),
                _("已隐藏。原位置显示隐藏理由，内容未删除。"))


@bp.post(f"/{KINDS}/restore")
@login_required
def restore(compound_id: int, kind: str, target_id: int):
    return _act(compound_id, kind, target_id, "restore_form", RestoreForm,
                lambda c, t, f: services.restore(current_user, c, t, f.reason.data),
                _("已恢复显示。"))


@bp.post(f"/{KINDS}/dismiss")
@login_required
def dismiss(compound_id: int, kind: str, target_id: int):
    return _act(compound_id, kind, target_id, "dismiss_form", DismissForm,
                lambda c, t, f: services.dismiss(current_user, c, t, f.note.data),
                _("已处理：不予隐藏，举报人会收到通知。"))


@bp.post(f"/{KINDS}/mute")
@login_required
def mute(compound_id: int, kind: str, target_id: int):
    def run(compound, target, form):
        author = db.session.get(User, target.row.author_id)
        mutes.mute(current_user, compound, author, int(form.days.data), form.reason.data)

    return _act(compound_id, kind, target_id, "mute_form", MuteForm, run,
                _("已禁言。期满自动解除，也可提前解除。"))


@bp.post("/mutes/<int:mute_id>/lift")
@login_required
def lift(compound_id: int, mute_id: int):
    compound = _moderator(compound_id)
    try:
        row = mutes.get_mute(compound, mute_id)
    except ServiceError:
        abort(404)
    form = LiftForm()
    message, category = _("已解除禁言。"), "success"
    if not form.validate_on_submit():
        message, category = _("请写明解除禁言的理由。"), "error"
    else:
        try:
            with unit_of_work():
                mutes.unmute(current_user, compound, row, form.reason.data)
        except ServiceError as exc:
            message, category = exc.message, "error"
    flash(message, category)
    return redirect(url_for(".queue", compound_id=compound.id) + "#mutes")


@bp.get("/log")
@login_required
def log(compound_id: int):
    compound = require_member(compound_id)
    page = arg_page()
    rows, total = queries.log_page(compound, page)
    return render_template("moderation/log.html", compound=compound, rows=rows, total=total,
                           page=page, page_size=queries.LOG_PAGE_SIZE)
