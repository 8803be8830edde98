"""Seconding (htmx with a plain-form fallback), comments and replies, edits, status changes
and following, on the issues blueprint."""
from datetime import datetime, time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, require_member
from app.compounds.viewkit import user_key
from app.core import workflow
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.time import CHINA as CST
from app.extensions import htmx, limiter
from app.issues import comments, services
from app.issues.comments import REVISION_READERS
from app.issues.forms import ActionForm, CommentForm, EditCommentForm, EmptyForm
from app.issues.labels import ACTION_LABELS
from app.issues.lifecycle import NOT_BUTTONS, WORKFLOW
from app.issues.pages import render_show, seconds_context
from app.issues.web import bp
from app.notifications.services import follow, is_following, unfollow


def _load(compound_id: int, issue_id: int):
    compound = require_member(compound_id)
    return compound, services.get_issue(compound, issue_id)


def _back(issue, anchor: str = ""):
    return redirect(url_for(".show", compound_id=issue.compound_id, issue_id=issue.id) + anchor)


@bp.post("/<int:issue_id>/second")
@login_required
def second(compound_id: int, issue_id: int):
    compound, issue = _load(compound_id, issue_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    message, category = _("附议成功，谢谢您的支持。"), "success"
    try:
        with unit_of_work():
            services.second(current_user, issue)
    except ServiceError as exc:
        message, category = exc.message, "error"
    if htmx:
        return render_template("issues/_partials/_seconds.html", message=message,
                               message_category=category, **seconds_context(compound, issue))
    flash(message, category)
    return _back(issue, "#seconds")


def _comment_limit() -> str:
    return current_app.config.get("ISSUE_COMMENT_LIMIT", "20 per 10 minutes")


@bp.post("/<int:issue_id>/comments")
@login_required
@limiter.limit(_comment_limit, key_func=user_key, methods=["POST"])
def comment(compound_id: int, issue_id: int):
    compound, issue = _load(compound_id, issue_id)
    form = CommentForm()
    if form.validate_on_submit():
        parent_id = form.parent_id.data
        try:
            with unit_of_work():
                parent = comments.get_comment(issue, parent_id) if parent_id else None
                row = comments.post_comment(
                    current_user, issue, form.body.data, parent=parent,
                    official=form.official.data,
                    show_as="anonymous" if form.anonymous.data else "name")
        except ServiceError as exc:
            show_error(form, exc)
            return render_show(compound, issue, comment_form=form, status=exc.status)
        flash(_("评论已发布。"), "success")
        return _back(issue, f"#c{row.id}")
    return render_show(compound, issue, comment_form=form, status=400)


@bp.route("/<int:issue_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(compound_id: int, issue_id: int, comment_id: int):
    compound, issue = _load(compound_id, issue_id)
    row = comments.get_comment(issue, comment_id)
    if row.author_id != current_user.id:
        abort(403)
    form = EditCommentForm(data={"body": row.body_source} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                comments.edit_comment(current_user, row, form.body.data)
        except ServiceError as exc:
            show_error(form, exc)
            return render_template("discussion/edit_comment.html", compound=compound,
                                   comment=row, form=form,
                                   **_back_to(issue)), exc.status
        flash(_("评论已修改。"), "success")
        return _back(issue, f"#c{row.id}")
    return render_template("discussion/edit_comment.html", compound=compound,
                           comment=row, form=form, **_back_to(issue)), 400 if form.errors else 200


@bp.get("/<int:issue_id>/comments/<int:comment_id>/revisions")
@login_required
def revisions(compound_id: int, issue_id: int, comment_id: int):
    compound, issue = _load(compound_id, issue_id)
    if not has_role(current_user, compound, *REVISION_READERS):
        abort(403)
    row = comments.get_comment(issue, comment_id)
    return render_template("discussion/revisions.html", compound=compound, comment=row,
                           revisions=comments.revisions(row), **_back_to(issue))


def _back_to(issue) -> dict:
    return {"back_url": url_for("issues.show", compound_id=issue.compound_id, issue_id=issue.id),
            "back_title": issue.title}


def _due(form: ActionForm):
    day = form.due_date.data
    return datetime.combine(day, time(23, 59), tzinfo=CST) if day else None


@bp.post("/<int:issue_id>/act/<name>")
@login_required
def act(compound_id: int, issue_id: int, name: str):
    compound, issue = _load(compound_id, issue_id)
    if workflow.button(WORKFLOW, name, skip=NOT_BUTTONS) is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_show(compound, issue, failed=name, action_form=form, status=400)
    try:
        with unit_of_work():
            workflow.expect(WORKFLOW, issue, form.seen.data)
            services.advance(current_user, issue, name, due_at=_due(form),
                             rating=form.rating.data or "",
                             **workflow.form_fields(WORKFLOW, name, form))
    except ServiceError as exc:
        show_error(form, exc)
        return render_show(compound, issue, failed=name, action_form=form, status=exc.status)
    flash(_("已完成：%(action)s", action=ACTION_LABELS[name]), "success")
    return _back(issue)


@bp.post("/<int:issue_id>/follow")
@login_required
def toggle_follow(compound_id: int, issue_id: int):
    compound, issue = _load(compound_id, issue_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        if is_following(current_user, "issue", issue.id):
            unfollow(current_user, compound.id, "issue", issue.id)
            flash(_("已取消关注。"), "success")
        else:
            follow(current_user, compound.id, "issue", issue.id)
            flash(_("已关注，议题有进展时会通知您。"), "success")
    return _back(issue)
